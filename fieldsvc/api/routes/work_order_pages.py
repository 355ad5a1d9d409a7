"""The staff page of work orders (``/staff/work-orders``): open orders with overdue ones
flagged, counts by kind, and the assign / cancel forms (health staff and admins)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from fieldsvc.api.deps import EditorPlace, SessionDep, SettingsDep, StaffPlace
from fieldsvc.api.pages import render
from fieldsvc.services import work_orders

router = APIRouter(prefix="/staff/work-orders", include_in_schema=False)
OrderId = Path(ge=1, le=2**31 - 1)


@router.get("", response_class=HTMLResponse)
def work_orders_page(
    request: Request, session: SessionDep, settings: SettingsDep, place: StaffPlace
) -> Any:
    board = work_orders.order_board(
        session=session, settings=settings, user=place.user, subdistrict_id=place.subdistrict_id
    )
    return render(
        request,
        "staff/work_orders.html",
        user=place.user,
        board=board,
        members=work_orders.unit_members(session=session, subdistrict_id=place.subdistrict_id),
    )


@router.post("/{order_id}/assign")
def assign_action(
    session: SessionDep,
    place: EditorPlace,
    assignee_id: Annotated[int, Form()],
    order_id: int = OrderId,
) -> Response:
    work_orders.assign_order(
        session=session, user=place.user, order_id=order_id, assignee_id=assignee_id, place=place
    )
    return RedirectResponse("/staff/work-orders", status_code=303)


@router.post("/{order_id}/cancel")
def cancel_action(
    session: SessionDep,
    place: EditorPlace,
    note: Annotated[str | None, Form(max_length=1000)] = None,
    order_id: int = OrderId,
) -> Response:
    work_orders.cancel_order(
        session=session, user=place.user, order_id=order_id, note=note, place=place
    )
    return RedirectResponse("/staff/work-orders", status_code=303)
