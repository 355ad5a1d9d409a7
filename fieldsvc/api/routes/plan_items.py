"""Following a published plan's items: the JSON API (``/api/v1/allocations/{id}/items…``) and
the plan page's forms (``/staff/plans/{id}/items/…``). Health staff and admins move items and
confirm bins; viewers read; village heads neither."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Path
from fastapi.responses import RedirectResponse, Response

from fieldsvc.api.deps import MAX_ROW_ID, EditorPlace, PlanId, SessionDep, SettingsDep, StaffPlace
from fieldsvc.api.schemas.plan_items import (
    BinDecisionIn,
    PlanItemStateOut,
    PlanProgressOut,
    PriceIn,
    StageMoveIn,
)
from fieldsvc.models import PlanItemStage
from fieldsvc.services import plan_progress

api = APIRouter(prefix="/api/v1", tags=["coverage and allocation"])
pages = APIRouter(prefix="/staff", include_in_schema=False)

ItemId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="plan item id")]


@api.get(
    "/allocations/{plan_id}/items",
    response_model=PlanProgressOut,
    summary="A published plan's items: stage, installed bins, suggested bins, money",
)
def get_plan_items(
    plan_id: PlanId, session: SessionDep, settings: SettingsDep, place: StaffPlace
) -> Any:
    """``suggestions`` are bins registered since the plan was approved, of the item's stream
    and size, within ``tolerance_m`` of its site (by any path: phone, Collect, sheet, layer);
    staff confirm them with ``POST …/items/{item_id}/bins``. A draft plan has no items."""
    progress = plan_progress.staff_plan_progress(
        session=session, settings=settings, plan_id=plan_id, place=place
    )
    return PlanProgressOut.of(progress)


@api.post(
    "/allocations/{plan_id}/items/{item_id}/stage",
    response_model=PlanItemStateOut,
    summary="Move an item to its next stage (ordered, delivered), with the price paid",
)
def post_item_stage(
    plan_id: PlanId, item_id: ItemId, body: StageMoveIn, session: SessionDep, place: EditorPlace
) -> Any:
    """409 naming ``stage`` for a skipped, repeated or backward move, and for ``installed``
    (reached by confirming the item's bins)."""
    item = plan_progress.move_item(
        session=session,
        user=place.user,
        place=place,
        plan_id=plan_id,
        item_id=item_id,
        stage=body.stage,
        paid_baht=body.paid_baht,
        note=body.note,
    )
    return PlanItemStateOut.of(item)


@api.post(
    "/allocations/{plan_id}/items/{item_id}/price",
    response_model=PlanItemStateOut,
    summary="Record the price actually paid for an item's row",
)
def post_item_price(
    plan_id: PlanId, item_id: ItemId, body: PriceIn, session: SessionDep, place: EditorPlace
) -> Any:
    item = plan_progress.record_price(
        session=session,
        user=place.user,
        place=place,
        plan_id=plan_id,
        item_id=item_id,
        paid_baht=body.paid_baht,
        note=body.note,
    )
    return PlanItemStateOut.of(item)


@api.post(
    "/allocations/{plan_id}/items/{item_id}/bins",
    response_model=PlanItemStateOut,
    summary="Confirm a suggested bin as installed for an item, or turn it down",
)
def post_item_bin(
    plan_id: PlanId,
    item_id: ItemId,
    body: BinDecisionIn,
    session: SessionDep,
    settings: SettingsDep,
    place: EditorPlace,
) -> Any:
    """409 naming ``bin_code`` when the bin is not a match (stream, size, distance, registered
    before approval, already counted) and naming ``stage`` before the item is delivered."""
    item = plan_progress.decide_item_bin(
        session=session,
        settings=settings,
        user=place.user,
        place=place,
        plan_id=plan_id,
        item_id=item_id,
        bin_code=body.bin_code,
        confirm=body.decision == "confirm",
        note=body.note,
    )
    return PlanItemStateOut.of(item)


# --- the plan page's forms ---------------------------------------------------------------------


def _back_to(plan_id: int, item_id: int) -> Response:
    return RedirectResponse(f"/staff/plans/{plan_id}#item-{item_id}", status_code=303)


@pages.post("/plans/{plan_id}/items/{item_id}/stage")
def stage_form(
    plan_id: PlanId,
    item_id: ItemId,
    session: SessionDep,
    place: EditorPlace,
    stage: Annotated[PlanItemStage, Form()],
    paid_baht: Annotated[float | None, Form(ge=0, allow_inf_nan=False)] = None,
    note: Annotated[str | None, Form(max_length=500)] = None,
) -> Response:
    plan_progress.move_item(
        session=session,
        user=place.user,
        place=place,
        plan_id=plan_id,
        item_id=item_id,
        stage=stage,
        paid_baht=paid_baht,
        note=note,
    )
    return _back_to(plan_id, item_id)


@pages.post("/plans/{plan_id}/items/{item_id}/price")
def price_form(
    plan_id: PlanId,
    item_id: ItemId,
    session: SessionDep,
    place: EditorPlace,
    paid_baht: Annotated[float, Form(ge=0, allow_inf_nan=False)],
    note: Annotated[str | None, Form(max_length=500)] = None,
) -> Response:
    plan_progress.record_price(
        session=session,
        user=place.user,
        place=place,
        plan_id=plan_id,
        item_id=item_id,
        paid_baht=paid_baht,
        note=note,
    )
    return _back_to(plan_id, item_id)


@pages.post("/plans/{plan_id}/items/{item_id}/bins")
def bin_form(
    plan_id: PlanId,
    item_id: ItemId,
    session: SessionDep,
    settings: SettingsDep,
    place: EditorPlace,
    bin_code: Annotated[str, Form(min_length=1, max_length=40)],
    decision: Annotated[Literal["confirm", "reject"], Form()] = "confirm",
) -> Response:
    plan_progress.decide_item_bin(
        session=session,
        settings=settings,
        user=place.user,
        place=place,
        plan_id=plan_id,
        item_id=item_id,
        bin_code=bin_code,
        confirm=decision == "confirm",
    )
    return _back_to(plan_id, item_id)
