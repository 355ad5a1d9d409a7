"""Work orders for the service unit: the list with overdue flags, one order's history, and
assign / done / cancel (health staff and admins; viewers read; village heads see none)."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Path
from sqlmodel import Session

from fieldsvc.api.deps import EditorPlace, SessionDep, SettingsDep, StaffPlace
from fieldsvc.api.schemas.work_orders import (
    AssignIn,
    BoardOut,
    CancelIn,
    DoneIn,
    EventOut,
    MoveOut,
    OrderOut,
)
from fieldsvc.config import Settings
from fieldsvc.models import WorkOrder
from fieldsvc.services import work_orders
from fieldsvc.services.work_orders import DoneMark

router = APIRouter(prefix="/api/v1/work-orders", tags=["work orders"])
OrderId = Path(ge=1, le=2**31 - 1)


def _one(session: Session, settings: Settings, order: WorkOrder) -> OrderOut:
    row = work_orders.order_row(session=session, settings=settings, order=order)
    return OrderOut.model_validate(asdict(row))


@router.get("", response_model=BoardOut, summary="Open work orders, overdue flagged, with counts")
def get_board(
    session: SessionDep, settings: SettingsDep, place: StaffPlace, overdue: bool = False
) -> BoardOut:
    board = work_orders.order_board(
        session=session,
        settings=settings,
        user=place.user,
        overdue_only=overdue,
        subdistrict_id=place.subdistrict_id,
    )
    return BoardOut(
        orders=[OrderOut.model_validate(asdict(r)) for r in board.orders],
        open_by_kind=board.open_by_kind,
        overdue_by_kind=board.overdue_by_kind,
        overdue=board.overdue,
    )


@router.get("/{order_id}/events", response_model=list[EventOut], summary="Every step of one order")
def get_events(session: SessionDep, place: StaffPlace, order_id: int = OrderId) -> list[EventOut]:
    events = work_orders.order_history(
        session=session, user=place.user, order_id=order_id, place=place
    )
    return [EventOut.model_validate(e, from_attributes=True) for e in events]


@router.post("/{order_id}/assign", response_model=MoveOut, summary="Assign to a unit member")
def post_assign(
    body: AssignIn,
    session: SessionDep,
    settings: SettingsDep,
    place: EditorPlace,
    order_id: int = OrderId,
) -> MoveOut:
    order = work_orders.assign_order(
        session=session,
        user=place.user,
        order_id=order_id,
        assignee_id=body.assignee_id,
        note=body.note,
        place=place,
    )
    return MoveOut(order=_one(session, settings, order))


@router.post("/{order_id}/done", response_model=MoveOut, summary="The unit marks the work done")
def post_done(
    body: DoneIn,
    session: SessionDep,
    settings: SettingsDep,
    place: EditorPlace,
    order_id: int = OrderId,
) -> MoveOut:
    result = work_orders.mark_done(
        session=session,
        user=place.user,
        order_id=order_id,
        mark=DoneMark(mark_id=body.mark_id, done_at=body.done_at, note=body.note),
        place=place,
    )
    return MoveOut(order=_one(session, settings, result.order), repeated=result.repeated)


@router.post("/{order_id}/cancel", response_model=MoveOut, summary="Close an order needing no work")
def post_cancel(
    body: CancelIn,
    session: SessionDep,
    settings: SettingsDep,
    place: EditorPlace,
    order_id: int = OrderId,
) -> MoveOut:
    order = work_orders.cancel_order(
        session=session, user=place.user, order_id=order_id, note=body.note, place=place
    )
    return MoveOut(order=_one(session, settings, order))
