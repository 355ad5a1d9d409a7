"""Work orders: open, join, reopen and verify them from what an inspection found; the staff
and unit moves; and the lists the dashboard and the unit's phone page show.

``note_inspection`` is THE reaction to an inspection. Every path that writes an inspection
calls it in its own transaction, right after the INSERT: the ORM apply and imports through
``register.record_inspection``, the intake's fast path through ``submissions.core_writes``.
It first asks (one Core SELECT, no ORM flush: the fast path stays fast) whether the bin has an
open order; only a problem found, or an open order to verify, touches the ORM.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from fieldsvc.models import Bin, Condition
from fieldsvc.models.types import utc_now
from fieldsvc.models.work_order import (
    KIND_OF_CONDITION,
    OPEN_STATUSES,
    WorkOrder,
    WorkOrderEvent,
    WorkOrderKind,
    WorkOrderStatus,
)

WORK_ORDER = WorkOrder.__table__  # type: ignore[attr-defined]
OPEN_ORDER_STATUSES = [s.value for s in OPEN_STATUSES]
_OPEN_VALUES = OPEN_ORDER_STATUSES
_OPEN_OF_BIN = select(WORK_ORDER.c.id).where(
    WORK_ORDER.c.bin_id == bindparam("b_id"), WORK_ORDER.c.status.in_(_OPEN_VALUES)
)


def add_event(
    *,
    session: Session,
    order: WorkOrder,
    action: str,
    at: datetime,
    actor_id: int | None = None,
    inspection_id: int | None = None,
    mark_id: str | None = None,
    note: str | None = None,
) -> WorkOrderEvent:
    """Append one step to the order's history (the order's status after the step)."""
    event = WorkOrderEvent(
        order_id=order.id or 0,
        action=action,
        status=order.status,
        actor_id=actor_id,
        inspection_id=inspection_id,
        assigned_to_id=order.assigned_to_id,
        mark_id=mark_id,
        note=note,
        at=at,
    )
    session.add(event)
    return event


def open_orders_of_bin(*, session: Session, bin_id: int) -> list[WorkOrder]:
    """The bin's orders still to be finished (at most one per kind)."""
    query = (
        select(WorkOrder)
        .where(col(WorkOrder.bin_id) == bin_id, col(WorkOrder.status).in_(_OPEN_VALUES))
        .order_by(col(WorkOrder.id))
    )
    return list(session.scalars(query))


def _reopen_or_join(
    *,
    session: Session,
    order: WorkOrder,
    at: datetime,
    actor_id: int | None,
    inspection_id: int | None,
    note: str | None,
) -> WorkOrder:
    if order.status == WorkOrderStatus.done and order.done_at is not None and at > order.done_at:
        # The problem is still (or again) there after the unit said it was done.
        order.status = WorkOrderStatus.reopened
        order.done_at = None
        order.found_usable_at = None
        order.clock_at = at
        order.updated_at = utc_now()
        session.add(order)
        add_event(
            session=session,
            order=order,
            action="reopened",
            at=at,
            actor_id=actor_id,
            inspection_id=inspection_id,
            note=note,
        )
    else:
        add_event(
            session=session,
            order=order,
            action="seen_again",
            at=at,
            actor_id=actor_id,
            inspection_id=inspection_id,
            note=note,
        )
    return order


def open_or_join(
    *,
    session: Session,
    bin_id: int,
    village_id: int | None,
    kind: WorkOrderKind,
    reason: str,
    at: datetime,
    actor_id: int | None = None,
    inspection_id: int | None = None,
    note: str | None = None,
) -> WorkOrder:
    """The bin's open order of ``kind``, joined (a ``seen_again`` event, or ``reopened`` when
    the problem is seen after the order was marked done), or a new one opened at ``at``.
    Runs in the caller's transaction; a concurrent twin opening the same order is caught by
    the one-open-per-kind index and joined instead."""
    for _attempt in range(2):
        existing = next(
            (o for o in open_orders_of_bin(session=session, bin_id=bin_id) if o.kind == kind),
            None,
        )
        if existing is not None:
            return _reopen_or_join(
                session=session,
                order=existing,
                at=at,
                actor_id=actor_id,
                inspection_id=inspection_id,
                note=note,
            )
        bin_row = session.get(Bin, bin_id)
        order = WorkOrder(
            bin_id=bin_id,
            village_id=village_id,
            subdistrict_id=bin_row.subdistrict_id if bin_row is not None else None,
            kind=kind,
            reason=reason,
            inspection_id=inspection_id,
            opened_at=at,
            clock_at=at,
        )
        try:
            with session.begin_nested():
                session.add(order)
                session.flush()
        except IntegrityError:
            continue  # another transaction opened it first: join that one
        add_event(
            session=session,
            order=order,
            action="opened",
            at=at,
            actor_id=actor_id,
            inspection_id=inspection_id,
            note=note,
        )
        session.flush()
        return order
    raise RuntimeError("work order neither found nor opened")  # pragma: no cover


def _usable_seen(
    *, session: Session, order: WorkOrder, at: datetime, actor_id: int | None, inspection_id: int
) -> None:
    if order.status == WorkOrderStatus.done and order.done_at is not None and at >= order.done_at:
        order.status = WorkOrderStatus.verified
        order.closed_at = at
        action = "verified"
    elif order.status != WorkOrderStatus.done and at > order.opened_at:
        # Not marked done yet: the finding is kept (the list shows it) and staff decide.
        order.found_usable_at = at
        action = "found_usable"
    else:
        return  # an observation older than the order or its "done" says nothing new
    order.updated_at = utc_now()
    session.add(order)
    add_event(
        session=session,
        order=order,
        action=action,
        at=at,
        actor_id=actor_id,
        inspection_id=inspection_id,
    )


def note_inspection(
    *,
    session: Session,
    bin_id: int,
    village_id: int | None,
    condition: Condition | str,
    observed_at: datetime,
    inspection_id: int,
    actor_id: int | None = None,
    has_open_order: bool | None = None,
) -> None:
    """React to one new inspection of a bin (in the caller's transaction): a problem found
    opens or joins the order of its kind (damaged → repair, missing → replace, overflowing →
    extra collection); the bin found usable verifies orders marked done before the
    observation. The order's clock starts at the observation, not at its arrival: a survey
    sent late from an offline phone does not make the bin look freshly broken.
    ``has_open_order``: whether the bin has an open order, when the caller already read it
    (the intake's fast path reads it with the bin); None: looked up here."""
    kind = KIND_OF_CONDITION.get(Condition(condition))
    if kind is None:
        if has_open_order is None:
            has_open_order = session.execute(_OPEN_OF_BIN, {"b_id": bin_id}).first() is not None
        if not has_open_order:
            return  # the usual case: a usable bin with no order
        for order in open_orders_of_bin(session=session, bin_id=bin_id):
            _usable_seen(
                session=session,
                order=order,
                at=observed_at,
                actor_id=actor_id,
                inspection_id=inspection_id,
            )
        session.flush()
        return
    open_or_join(
        session=session,
        bin_id=bin_id,
        village_id=village_id,
        kind=kind,
        reason="inspection",
        at=observed_at,
        actor_id=actor_id,
        inspection_id=inspection_id,
    )


def get_order(*, session: Session, order_id: int, for_update: bool = False) -> WorkOrder | None:
    query = select(WorkOrder).where(col(WorkOrder.id) == order_id)
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).first()


def event_by_mark(*, session: Session, mark_id: str) -> WorkOrderEvent | None:
    return session.scalars(
        select(WorkOrderEvent).where(col(WorkOrderEvent.mark_id) == mark_id)
    ).first()


def order_events(*, session: Session, order_id: int) -> Sequence[WorkOrderEvent]:
    query = (
        select(WorkOrderEvent)
        .where(col(WorkOrderEvent.order_id) == order_id)
        .order_by(col(WorkOrderEvent.id))
    )
    return list(session.scalars(query))


def list_orders(
    *,
    session: Session,
    statuses: Sequence[WorkOrderStatus] | None = None,
    village_ids: Sequence[int] | None = None,
    kinds: Sequence[WorkOrderKind] | None = None,
    limit: int | None = None,
    subdistrict_id: int | None = None,
) -> list[WorkOrder]:
    """Orders, the oldest clock first (the most urgent at the top); only subdistrict
    ``subdistrict_id``'s when given (None: every subdistrict)."""
    query = select(WorkOrder).order_by(col(WorkOrder.clock_at), col(WorkOrder.id))
    if subdistrict_id is not None:
        query = query.where(col(WorkOrder.subdistrict_id) == subdistrict_id)
    if statuses is not None:
        query = query.where(col(WorkOrder.status).in_([s.value for s in statuses]))
    if village_ids is not None:
        query = query.where(col(WorkOrder.village_id).in_(list(village_ids)))
    if kinds is not None:
        query = query.where(col(WorkOrder.kind).in_([k.value for k in kinds]))
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def orders_opened_or_closed_between(
    *, session: Session, start: datetime, end: datetime
) -> list[WorkOrder]:
    """Orders opened, or verified, in ``[start, end)``."""
    query = select(WorkOrder).where(
        ((col(WorkOrder.opened_at) >= start) & (col(WorkOrder.opened_at) < end))
        | (
            (col(WorkOrder.status) == WorkOrderStatus.verified.value)
            & (col(WorkOrder.closed_at) >= start)
            & (col(WorkOrder.closed_at) < end)
        )
    )
    return list(session.scalars(query))
