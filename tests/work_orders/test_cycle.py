"""Work orders opened, joined, done, verified and reopened by inspections, with known answers
at hand-chosen dates; one open order per bin and kind; overdue flags; the yearly summary."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from fieldsvc.config import Settings
from fieldsvc.errors import Conflict, Forbidden
from fieldsvc.models import Condition, User, WorkOrder
from fieldsvc.models.work_order import WorkOrderKind, WorkOrderStatus
from fieldsvc.services import work_orders
from fieldsvc.services.work_orders import DoneMark
from tests.intake.conftest import Place, add_bin
from tests.work_orders.conftest import actions, at, inspect, orders


def done(session: Session, user: User, order: WorkOrder, when: datetime, mark: str) -> None:
    work_orders.mark_done(
        session=session,
        user=user,
        order_id=order.id or 0,
        mark=DoneMark(mark_id=mark, done_at=when),
    )


def test_damaged_opens_repair_and_usable_after_done_verifies(
    session: Session, settings: Settings, place: Place
) -> None:
    bin_row = add_bin(session, "WO-1", 16.3051, 103.3051)
    inspect(session, bin_row, Condition.damaged, at(1))
    inspect(session, bin_row, Condition.damaged, at(3))  # seen again: the same order
    inspect(session, bin_row, Condition.overflowing, at(3, 5))  # another kind: a second order
    repair, extra = orders(session)
    assert (repair.kind, repair.status, repair.opened_at) == ("repair", "open", at(1))
    assert repair.village_id == place.village_ids[1]
    assert (extra.kind, extra.status, extra.opened_at) == ("extra_collection", "open", at(3, 5))

    work_orders.assign_order(
        session=session, user=place.staff, order_id=repair.id or 0, assignee_id=place.staff.id or 0
    )
    done(session, place.staff, repair, at(5), "mark-repair-0001")
    inspect(session, bin_row, Condition.usable, at(4))  # observed before "done": says nothing
    session.refresh(repair)
    assert repair.status == "done"
    inspect(session, bin_row, Condition.usable, at(6))
    session.refresh(repair)
    session.refresh(extra)
    assert (repair.status, repair.closed_at) == ("verified", at(6))
    # Not marked done yet: the usable finding is kept, the order stays for staff to decide.
    assert (extra.status, extra.found_usable_at) == ("open", at(6))
    assert actions(session, repair.id or 0) == [
        "opened",
        "seen_again",
        "assigned",
        "done",
        "verified",
    ]
    # Both usable findings (4 and 6 Nov) came after the overflow was seen (3 Nov).
    assert actions(session, extra.id or 0) == ["opened", "found_usable", "found_usable"]

    summary = work_orders.order_summary(session=session, start=at(1, 0), end=at(1, 0, month=12))
    assert (summary.opened, summary.closed) == (2, 1)
    assert summary.median_days_to_close == 5.0  # 1 Nov 02:00 → 6 Nov 02:00
    assert summary.opened_by_kind == {"repair": 1, "extra_collection": 1}
    assert summary.closed_by_kind == {"repair": 1}


def test_problem_seen_after_done_reopens_and_the_clock_restarts(
    session: Session, settings: Settings, place: Place
) -> None:
    bin_row = add_bin(session, "WO-2", 16.3051, 103.3051)
    inspect(session, bin_row, Condition.missing, at(1))
    (order,) = orders(session)
    assert order.kind == WorkOrderKind.replace_bin
    done(session, place.staff, order, at(2), "mark-replace-01")
    inspect(session, bin_row, Condition.missing, at(3))
    session.refresh(order)
    assert (order.status, order.clock_at, order.done_at) == ("reopened", at(3), None)
    done(session, place.staff, order, at(4), "mark-replace-02")
    inspect(session, bin_row, Condition.usable, at(5))
    session.refresh(order)
    assert (order.status, order.closed_at) == ("verified", at(5))
    assert actions(session, order.id or 0) == ["opened", "done", "reopened", "done", "verified"]
    assert len(orders(session)) == 1
    # After verification a new finding is a new order.
    inspect(session, bin_row, Condition.missing, at(9))
    assert [(o.status, o.opened_at) for o in orders(session)] == [
        ("verified", at(1)),
        ("open", at(9)),
    ]
    summary = work_orders.order_summary(session=session, start=at(1, 0), end=at(1, 0, month=12))
    assert (summary.opened, summary.closed, summary.median_days_to_close) == (2, 1, 4.0)


def test_one_open_order_per_bin_and_kind_in_the_database_too(
    session: Session, place: Place
) -> None:
    bin_row = add_bin(session, "WO-3", 16.3051, 103.3051)
    inspect(session, bin_row, Condition.damaged, at(1))
    twin = WorkOrder(
        bin_id=bin_row.id or 0,
        kind=WorkOrderKind.repair,
        reason="staff",
        opened_at=at(2),
        clock_at=at(2),
    )
    session.add(twin)
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()
    # A closed order does not count: another one of the kind may open beside it.
    (order,) = orders(session)
    work_orders.cancel_order(session=session, user=place.staff, order_id=order.id or 0)
    joined = work_orders.open_or_join_order(
        session, bin_row.id or 0, WorkOrderKind.repair, "citizen_report", place.staff, at=at(3)
    )
    again = work_orders.open_or_join_order(
        session, bin_row.id or 0, WorkOrderKind.repair, "citizen_report", None, at=at(4)
    )
    session.commit()
    assert joined.id == again.id != order.id
    assert [o.status for o in orders(session)] == ["cancelled", "open"]
    assert actions(session, joined.id or 0) == ["opened", "seen_again"]


def test_overdue_is_past_target_and_not_done(
    session: Session, settings: Settings, place: Place
) -> None:
    first = add_bin(session, "WO-4", 16.3051, 103.3051)
    second = add_bin(session, "WO-5", 16.3052, 103.3152)
    inspect(session, first, Condition.damaged, at(1))  # repair: 168 h → due 8 Nov 02:00
    inspect(session, second, Condition.overflowing, at(6))  # 24 h → due 7 Nov 02:00
    inspect(session, second, Condition.damaged, at(6, 3))  # due 13 Nov 03:00
    board = work_orders.order_board(
        session=session, settings=settings, user=place.staff, now=at(7, 1)
    )
    assert board.overdue == 0 and board.open_by_kind == {"repair": 2, "extra_collection": 1}
    board = work_orders.order_board(
        session=session, settings=settings, user=place.staff, now=at(8, 3)
    )
    assert board.overdue_by_kind == {"repair": 1, "extra_collection": 1}
    assert board.overdue_by_village == {place.village_ids[1]: 1, place.village_ids[2]: 1}
    assert [r.due_at for r in board.orders] == [at(8), at(7), at(13, 3)]
    # Done (not yet verified) is no longer overdue.
    repair_one = orders(session)[0]
    done(session, place.staff, repair_one, at(8, 2), "mark-overdue-1")
    board = work_orders.order_board(
        session=session, settings=settings, user=place.staff, now=at(8, 3), overdue_only=True
    )
    assert [(r.bin_code, r.kind) for r in board.orders] == [("WO-5", "extra_collection")]
    shorter = settings.model_copy(update={"work_order_target_hours_repair": 24})
    board = work_orders.order_board(
        session=session, settings=shorter, user=place.staff, now=at(8, 3), overdue_only=True
    )
    assert {(r.bin_code, r.kind) for r in board.orders} == {
        ("WO-5", "extra_collection"),
        ("WO-5", "repair"),
    }


def test_done_mark_counts_once(session: Session, settings: Settings, place: Place) -> None:
    bin_row = add_bin(session, "WO-6", 16.3051, 103.3051)
    inspect(session, bin_row, Condition.damaged, at(1))
    (order,) = orders(session)
    mark = DoneMark(mark_id="phone-mark-000001", done_at=at(2), note="เปลี่ยนฝาแล้ว")
    first = work_orders.mark_done(
        session=session, user=place.staff, order_id=order.id or 0, mark=mark
    )
    again = work_orders.mark_done(
        session=session, user=place.staff, order_id=order.id or 0, mark=mark
    )
    assert (first.repeated, again.repeated) == (False, True)
    assert actions(session, order.id or 0) == ["opened", "done"]
    inspect(session, bin_row, Condition.usable, at(3))
    with pytest.raises(Conflict):  # verified: closed, a new mark cannot move it
        work_orders.mark_done(
            session=session,
            user=place.staff,
            order_id=order.id or 0,
            mark=DoneMark(mark_id="phone-mark-000002"),
        )
    session.rollback()
    # the re-sent first mark still answers as before (a phone that lost the answer)
    resent = work_orders.mark_done(
        session=session, user=place.staff, order_id=order.id or 0, mark=mark
    )
    assert resent.repeated and resent.order.status == WorkOrderStatus.verified


def test_heads_and_viewers_cannot_assign_or_finish(session: Session, place: Place) -> None:
    bin_row = add_bin(session, "WO-7", 16.3051, 103.3051)
    inspect(session, bin_row, Condition.damaged, at(1))
    (order,) = orders(session)
    for user in (place.head, _viewer(session)):
        with pytest.raises(Forbidden):
            work_orders.assign_order(
                session=session, user=user, order_id=order.id or 0, assignee_id=user.id or 0
            )
        with pytest.raises(Forbidden):
            work_orders.mark_done(
                session=session,
                user=user,
                order_id=order.id or 0,
                mark=DoneMark(mark_id="not-allowed-0001"),
            )
        with pytest.raises(Forbidden):
            work_orders.cancel_order(session=session, user=user, order_id=order.id or 0)
    session.refresh(order)
    assert order.status == "open" and actions(session, order.id or 0) == ["opened"]


def _viewer(session: Session) -> User:
    from sqlmodel import select

    return session.exec(select(User).where(User.username == "viewer")).one()


def test_summary_range_must_be_ordered(session: Session) -> None:
    from fieldsvc.errors import InvalidInput

    with pytest.raises(InvalidInput):
        work_orders.order_summary(
            session=session,
            start=datetime(2026, 2, 1, tzinfo=UTC),
            end=datetime(2026, 1, 1, tzinfo=UTC),
        )
