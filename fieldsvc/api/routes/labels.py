"""QR sticker sheets: the staff page, the PDFs, and reserving fresh codes (page and JSON API);
the same use cases as ``fieldsvc labels``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from fieldsvc.api.deps import SessionDep, UserPlace
from fieldsvc.api.pages import render
from fieldsvc.reports.labels import labels_pdf
from fieldsvc.services import labels
from fieldsvc.services.labels import MAX_FRESH_CODES, LabelSheet, Which
from fieldsvc.services.workplace import Workplace

router = APIRouter(tags=["QR stickers"])

VillageNumber = Annotated[int, Path(ge=1, le=99, description="หมู่ที่ (village number)")]


class FreshCodesRequest(BaseModel):
    village: int = Field(ge=1, le=99, description="หมู่ที่ (village number)")
    count: int = Field(ge=1, le=MAX_FRESH_CODES, description="how many fresh codes")


class FreshCodesAnswer(BaseModel):
    village: int
    codes: list[str]
    issued_at: datetime
    pdf: str = Field(description="the sheet of this village's unused fresh codes")


def _which_subdistrict(place: Workplace) -> str:
    """The link's subdistrict, for a user who works for several (a village number is only
    unique within one)."""
    return f"&subdistrict={place.code}" if len(place.choices) > 1 and place.code else ""


def _pdf(sheet: LabelSheet) -> Response:
    return Response(
        labels_pdf(sheet.labels, title=sheet.title),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{sheet.filename}"'},
    )


@router.get("/staff/labels", response_class=HTMLResponse, include_in_schema=False)
def labels_page(request: Request, session: SessionDep, place: UserPlace) -> Any:
    villages = labels.labels_overview(
        session=session, user=place.user, subdistrict_id=place.subdistrict_id
    )
    return render(
        request,
        "staff/labels.html",
        user=place.user,
        villages=villages,
        max_count=MAX_FRESH_CODES,
    )


@router.get("/staff/labels/{village}.pdf", include_in_schema=False)
def village_labels_pdf(
    village: VillageNumber,
    session: SessionDep,
    place: UserPlace,
    which: Annotated[Which, Query()] = "bins",
) -> Response:
    """A village's registered bins, or its unused fresh codes printed again (a village of the
    request's subdistrict)."""
    sheet = labels.village_labels(
        session=session,
        user=place.user,
        village_number=village,
        which=which,
        subdistrict_id=place.subdistrict_id,
    )
    return _pdf(sheet)


@router.post("/staff/labels/fresh", include_in_schema=False)
def fresh_labels_pdf(
    session: SessionDep,
    place: UserPlace,
    village: Annotated[int, Form(ge=1, le=99)],
    count: Annotated[int, Form(ge=1, le=MAX_FRESH_CODES)],
) -> Response:
    """Reserve fresh codes and answer the sheet that prints them."""
    sheet = labels.fresh_labels(
        session=session,
        user=place.user,
        village_number=village,
        count=count,
        subdistrict_id=place.subdistrict_id,
    )
    return _pdf(sheet)


@router.post(
    "/api/v1/labels/fresh",
    status_code=201,
    response_model=FreshCodesAnswer,
    summary="Reserve fresh bin codes for a village (health staff and admins)",
)
def reserve_fresh_codes(
    body: FreshCodesRequest, session: SessionDep, place: UserPlace
) -> FreshCodesAnswer:
    rows = labels.issue_fresh_codes(
        session=session,
        user=place.user,
        village_number=body.village,
        count=body.count,
        subdistrict_id=place.subdistrict_id,
    )
    return FreshCodesAnswer(
        village=body.village,
        codes=[row.code for row in rows],
        issued_at=rows[0].issued_at,
        pdf=f"/staff/labels/{body.village}.pdf?which=fresh{_which_subdistrict(place)}",
    )
