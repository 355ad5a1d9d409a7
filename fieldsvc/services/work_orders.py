"""Work orders for the public-health division's mobile service unit.

An inspection opens, joins, verifies or reopens orders by itself (``storage.work_orders.
note_inspection``, called by every path that writes an inspection). Here: what people do with
them — staff (health staff, admins) assign; the unit marks done from its phone page, where a
"done" mark is queued offline and sent later exactly once (``mark_id``); staff may cancel —
and what the dashboard, the unit's page and the yearly report read.

Who may do what: health staff and admins assign, mark done and cancel; viewers read the lists;
village heads see no orders (the routes refuse them, and so does ``require_unit``).
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session

from fieldsvc.config import Settings
from fieldsvc.errors import Conflict, Forbidden, InvalidInput, NotFound
from fieldsvc.models import Bin, Role, User, Village
from fieldsvc.models.types import utc_now
from fieldsvc.models.work_order import (
    WAITING_STATUSES,
    WorkOrder,
    WorkOrderEvent,
    WorkOrderKind,
    WorkOrderStatus,
)
from fieldsvc.services.workplace import Workplace
from fieldsvc.storage import work_orders as store
from fieldsvc.storage.engine import commit_with_one_retry
from fieldsvc.storage.tenancy import subdistrict_ids_of
from fieldsvc.storage.users import active_users_with_roles

UNIT_ROLES = (Role.admin, Role.health_staff)
CLOSED = (WorkOrderStatus.verified, WorkOrderStatus.cancelled)
_MARK_ID = re.compile(r"^[A-Za-z0-9:_-]{8,64}$")
#: A phone's clock may run a little ahead; a "done" time further in the future is taken as now.
_CLOCK_SKEW = timedelta(minutes=5)


def target_hours(settings: Settings, kind: WorkOrderKind) -> int:
    """The target time of a kind of order, hours from its clock (opened or reopened)."""
    return int(getattr(settings, f"work_order_target_hours_{kind.value}"))


def due_at(order: WorkOrder, settings: Settings) -> datetime:
    """When the order should be done: its clock plus its kind's target."""
    return order.clock_at + timedelta(hours=target_hours(settings, WorkOrderKind(order.kind)))


def is_overdue(order: WorkOrder, settings: Settings, now: datetime) -> bool:
    """Past its target and the work not done yet."""
    return WorkOrderStatus(order.status) in WAITING_STATUSES and due_at(order, settings) < now


def require_unit(user: User) -> None:
    """Only the service unit (health staff) and admins change orders."""
    if user.role not in UNIT_ROLES:
        raise Forbidden.of("work_order_unit_only")


def open_or_join_order(
    session: Session,
    bin_id: int,
    kind: WorkOrderKind,
    reason: str,
    actor: User | None = None,
    *,
    at: datetime | None = None,
    note: str | None = None,
) -> WorkOrder:
    """Open an order of ``kind`` at the bin, or join its open one (reopening it when it was
    marked done before ``at``). For callers outside the inspection paths — a citizen report
    about a bin, a staff member's own finding. Runs in the caller's transaction (no commit)."""
    bin_row = session.get(Bin, bin_id)
    if bin_row is None:
        raise NotFound.of("bin_not_found", field="bin_id", bin_code=str(bin_id))
    return store.open_or_join(
        session=session,
        bin_id=bin_id,
        village_id=bin_row.village_id,
        kind=kind,
        reason=reason,
        at=at or utc_now(),
        actor_id=actor.id if actor is not None else None,
        note=note,
    )


def _unknown(order_id: int) -> NotFound:
    return NotFound.of("work_order_unknown", field="order_id", order_id=order_id)


def _seen(order: WorkOrder | None, place: Workplace | None) -> bool:
    """The order exists and is one the workplace's user may see (``place`` None: no
    subdistrict check, the CLI of a single install)."""
    return order is not None and (place is None or place.may_see(order.subdistrict_id))


def _order_for_change(session: Session, order_id: int, place: Workplace | None = None) -> WorkOrder:
    order = store.get_order(session=session, order_id=order_id, for_update=True)
    if order is None or not _seen(order, place):
        raise _unknown(order_id)  # another subdistrict's order is not told to exist
    if WorkOrderStatus(order.status) in CLOSED:
        raise Conflict.of(
            "work_order_closed", field="order_id", order_id=order_id, status=str(order.status)
        )
    return order


def works_for(session: Session, member: User, subdistrict_id: int | None) -> bool:
    """Whether ``member`` works for subdistrict ``subdistrict_id`` (a user of every
    subdistrict works for all; an order of no subdistrict may go to anyone)."""
    if subdistrict_id is None:
        return True
    ids = subdistrict_ids_of(session=session, user=member)
    return ids is None or subdistrict_id in ids


def assign_order(
    *,
    session: Session,
    user: User,
    order_id: int,
    assignee_id: int,
    note: str | None = None,
    place: Workplace | None = None,
) -> WorkOrder:
    """Give the order to one member of the unit (again, to hand it over): an active member
    who works for the order's subdistrict. ``place``: the caller's workplace (an order of a
    subdistrict they do not work for is 404)."""
    require_unit(user)

    def write() -> WorkOrder:
        order = _order_for_change(session, order_id, place)
        assignee = session.get(User, assignee_id)
        if (
            assignee is None
            or assignee.role not in UNIT_ROLES
            or assignee.revoked_at is not None
            or not works_for(session, assignee, order.subdistrict_id)
        ):
            raise InvalidInput.of(
                "work_order_assignee_invalid", field="assignee_id", value=str(assignee_id)
            )
        now = utc_now()
        order.assigned_to_id = assignee_id
        order.assigned_at = now
        if WorkOrderStatus(order.status) in (WorkOrderStatus.open, WorkOrderStatus.reopened):
            order.status = WorkOrderStatus.assigned
        order.updated_at = now
        session.add(order)
        store.add_event(
            session=session, order=order, action="assigned", at=now, actor_id=user.id, note=note
        )
        return order

    return commit_with_one_retry(session, write)


@dataclass(frozen=True)
class DoneMark:
    """What the unit's phone sends: its own id for the mark (fixed when tapped, so a re-send
    is recognised), when the work was done by the phone's clock, and a note."""

    mark_id: str
    done_at: datetime | None = None
    note: str | None = None


@dataclass(frozen=True)
class MarkResult:
    order: WorkOrder
    repeated: bool  # this mark had arrived before: nothing new was written


def mark_done(
    *,
    session: Session,
    user: User,
    order_id: int,
    mark: DoneMark,
    place: Workplace | None = None,
) -> MarkResult:
    """The unit says the work is done. Exactly once per ``mark_id``: a re-sent mark answers
    as the first did. An order already done by another mark is left as it is."""
    require_unit(user)
    if not _MARK_ID.match(mark.mark_id or ""):
        raise InvalidInput.of("work_order_mark_invalid", field="mark_id", value=mark.mark_id)

    def write() -> MarkResult:
        seen = store.event_by_mark(session=session, mark_id=mark.mark_id)
        if seen is not None:
            order = store.get_order(session=session, order_id=seen.order_id)
            if order is None or not _seen(order, place):
                raise _unknown(order_id)
            return MarkResult(order=order, repeated=True)
        order = _order_for_change(session, order_id, place)
        if WorkOrderStatus(order.status) == WorkOrderStatus.done:
            return MarkResult(order=order, repeated=True)
        now = utc_now()
        at = mark.done_at or now
        at = min(at, now) if at > now + _CLOCK_SKEW else at
        at = max(at, order.clock_at)  # not done before the problem was (re)found
        order.status = WorkOrderStatus.done
        order.done_at = at
        order.updated_at = now
        session.add(order)
        store.add_event(
            session=session,
            order=order,
            action="done",
            at=at,
            actor_id=user.id,
            mark_id=mark.mark_id,
            note=mark.note,
        )
        return MarkResult(order=order, repeated=False)

    return commit_with_one_retry(session, write)


def cancel_order(
    *,
    session: Session,
    user: User,
    order_id: int,
    note: str | None = None,
    place: Workplace | None = None,
) -> WorkOrder:
    """Staff close an order that needs no work (opened by mistake, bin removed for good)."""
    require_unit(user)

    def write() -> WorkOrder:
        order = _order_for_change(session, order_id, place)
        now = utc_now()
        order.status = WorkOrderStatus.cancelled
        order.closed_at = now
        order.updated_at = now
        session.add(order)
        store.add_event(
            session=session, order=order, action="cancelled", at=now, actor_id=user.id, note=note
        )
        return order

    return commit_with_one_retry(session, write)


# --- what the lists show -------------------------------------------------------------------


@dataclass(frozen=True)
class OrderRow:
    """One order as the dashboard and the unit's page list it."""

    id: int
    bin_id: int
    bin_code: str
    lon: float
    lat: float
    village_id: int | None
    village_number: int | None
    kind: str
    status: str
    opened_at: datetime
    due_at: datetime
    overdue: bool
    assigned_to_id: int | None
    assigned_to: str | None
    done_at: datetime | None
    found_usable_at: datetime | None
    closed_at: datetime | None


@dataclass(frozen=True)
class OrderBoard:
    """Open orders (oldest clock first) and the counts the dashboard shows."""

    orders: list[OrderRow]
    open_by_kind: dict[str, int] = field(default_factory=dict)
    overdue_by_kind: dict[str, int] = field(default_factory=dict)
    overdue_by_village: dict[int | None, int] = field(default_factory=dict)

    @property
    def overdue(self) -> int:
        return sum(self.overdue_by_kind.values())


def _row(session: Session, order: WorkOrder, settings: Settings, now: datetime) -> OrderRow:
    bin_row = session.get(Bin, order.bin_id)
    assignee = session.get(User, order.assigned_to_id) if order.assigned_to_id else None
    village = session.get(Village, order.village_id) if order.village_id else None
    return OrderRow(
        id=order.id or 0,
        bin_id=order.bin_id,
        bin_code=bin_row.code if bin_row else "",
        lon=bin_row.lon if bin_row else 0.0,
        lat=bin_row.lat if bin_row else 0.0,
        village_id=order.village_id,
        village_number=village.number if village else None,
        kind=str(order.kind),
        status=str(order.status),
        opened_at=order.opened_at,
        due_at=due_at(order, settings),
        overdue=is_overdue(order, settings, now),
        assigned_to_id=order.assigned_to_id,
        assigned_to=assignee.display_name if assignee else None,
        done_at=order.done_at,
        found_usable_at=order.found_usable_at,
        closed_at=order.closed_at,
    )


def order_row(*, session: Session, settings: Settings, order: WorkOrder) -> OrderRow:
    """One order as the lists show it, now."""
    return _row(session, order, settings, utc_now())


def order_board(
    *,
    session: Session,
    settings: Settings,
    user: User,
    now: datetime | None = None,
    overdue_only: bool = False,
    village_ids: list[int] | None = None,
    subdistrict_id: int | None = None,
) -> OrderBoard:
    """Every order still to be finished, flagged overdue when past its target and not done;
    counts by kind and by village; only subdistrict ``subdistrict_id``'s when given (None:
    every subdistrict). Village heads see none."""
    if user.role == Role.village_head:
        raise Forbidden.of("staff_only")
    now = now or utc_now()
    orders = store.list_orders(
        session=session,
        statuses=[*WAITING_STATUSES, WorkOrderStatus.done],
        village_ids=village_ids,
        subdistrict_id=subdistrict_id,
    )
    rows = [_row(session, o, settings, now) for o in orders]
    overdue = [r for r in rows if r.overdue]
    return OrderBoard(
        orders=overdue if overdue_only else rows,
        open_by_kind=dict(Counter(r.kind for r in rows)),
        overdue_by_kind=dict(Counter(r.kind for r in overdue)),
        overdue_by_village=dict(Counter(r.village_id for r in overdue)),
    )


def unit_members(*, session: Session, subdistrict_id: int | None = None) -> list[User]:
    """Who an order can be assigned to: active health staff and admins (of subdistrict
    ``subdistrict_id`` when given: those who work for it)."""
    members = active_users_with_roles(session=session, roles=UNIT_ROLES)
    return [m for m in members if works_for(session, m, subdistrict_id)]


def order_history(
    *, session: Session, user: User, order_id: int, place: Workplace | None = None
) -> list[WorkOrderEvent]:
    """Every step of one order, oldest first (who and when)."""
    if user.role == Role.village_head:
        raise Forbidden.of("staff_only")
    if not _seen(store.get_order(session=session, order_id=order_id), place):
        raise _unknown(order_id)
    return list(store.order_events(session=session, order_id=order_id))


# --- the yearly figures ----------------------------------------------------------------------


@dataclass(frozen=True)
class OrderSummary:
    """Counts for a period, safe to publish (no bin, person or place): orders opened in it,
    orders closed (verified) in it, and the median days from opening to verification of
    those closed (None when none closed)."""

    opened: int
    closed: int
    median_days_to_close: float | None
    opened_by_kind: dict[str, int]
    closed_by_kind: dict[str, int]


def order_summary(*, session: Session, start: datetime, end: datetime) -> OrderSummary:
    """Work orders opened and closed in ``[start, end)`` (aware datetimes; a fiscal year is
    1 October to the next 1 October, Thai time) and the median days to close.

    "Closed" means verified by a later inspection finding the bin usable (a cancelled order
    is not work done). Days to close are ``(closed_at - opened_at)`` in days (fractional),
    where ``opened_at`` is the observation that found the problem. For the ITA report.
    """
    if end <= start:
        raise InvalidInput.of("work_order_range_invalid", field="end")
    orders = store.orders_opened_or_closed_between(session=session, start=start, end=end)
    opened = [o for o in orders if start <= o.opened_at < end]
    closed = [
        o
        for o in orders
        if o.status == WorkOrderStatus.verified
        and o.closed_at is not None
        and start <= o.closed_at < end
    ]
    days = [((o.closed_at or o.opened_at) - o.opened_at).total_seconds() / 86400 for o in closed]
    return OrderSummary(
        opened=len(opened),
        closed=len(closed),
        median_days_to_close=statistics.median(days) if days else None,
        opened_by_kind=dict(Counter(str(o.kind) for o in opened)),
        closed_by_kind=dict(Counter(str(o.kind) for o in closed)),
    )
