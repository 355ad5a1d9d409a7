"""The provincial overview: one row per subdistrict, as a page and as CSV/XLSX downloads.

Staff (and viewers) see it at ``/staff/province`` with the command that recomputes the
coverage of every subdistrict; it holds only aggregate figures per subdistrict, so the same
table is public at ``/public/province``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from fieldsvc.api.conditional import page_with_etag
from fieldsvc.api.deps import OptionalUser, SessionDep, SettingsDep, StaffUser
from fieldsvc.api.i18n import language
from fieldsvc.api.pages import render
from fieldsvc.api.province_words import words_for
from fieldsvc.models import User
from fieldsvc.services.province import (
    SORTABLE,
    ProvinceOverview,
    month_label,
    overview_file,
    provinces_to_choose,
    provincial_overview,
    require_province,
)
from fieldsvc.storage.tenancy import subdistrict_ids_of

router = APIRouter(include_in_schema=False)

Province = Annotated[str | None, Query(max_length=2, description="DOPA province code, e.g. 34")]
Sort = Annotated[str, Query(max_length=32)]
Descending = Annotated[bool, Query(alias="desc")]

#: The page's columns (the files add ``run_id`` and ``bins_surveyed_this_month``).
SHOWN = (
    "code",
    "name",
    "district",
    "villages",
    "households",
    "covered_share",
    "capacity_ratio",
    "computed_on",
    "bins_total",
    "bins_usable",
    "surveys_this_month",
)
NUMERIC = {c for c in SHOWN if c not in ("code", "name", "district", "computed_on")}


def _page(
    request: Request, overview: ProvinceOverview, *, user: User | None, base: str, sort: str,
    desc: bool, staff: bool,
) -> HTMLResponse:  # fmt: skip
    lang = language(request)
    table = overview.table.astype(object).where(overview.table.notna(), None)
    return render(
        request,
        "province.html",
        user=user,
        w=words_for(lang),
        overview=overview,
        rows=table.to_dict("records"),
        columns=[c for c in SHOWN if c in SORTABLE],
        numeric=NUMERIC,
        sort=sort,
        desc=desc,
        month=month_label(overview, thai=lang == "th"),
        base=base,
        show_command=staff,
    )


def _province_list(
    request: Request, provinces: list[tuple[str, int]], *, user: User | None, base: str
) -> HTMLResponse:
    """The provinces in scope, each linking to its table (instead of a national table)."""
    return render(
        request,
        "province_list.html",
        user=user,
        w=words_for(language(request)),
        provinces=provinces,
        total=sum(n for _, n in provinces),
        base=base,
    )


def _file(overview: ProvinceOverview, kind: str) -> Response:
    item = overview_file(overview, kind=kind)
    disposition = {"Content-Disposition": f'attachment; filename="{item.filename}"'}
    return Response(item.data, media_type=item.media_type, headers=disposition)


@router.get("/staff/province", response_class=HTMLResponse)
def staff_province(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: StaffUser,
    province: Province = None,
    sort: Sort = "code",
    desc: Descending = False,
) -> Any:
    mine = subdistrict_ids_of(session=session, user=user)
    provinces = provinces_to_choose(
        session=session,
        province=province,
        most=settings.province_table_max_subdistricts,
        subdistrict_ids=mine,
    )
    if provinces is not None:
        return _province_list(request, provinces, user=user, base="/staff/province")
    overview = provincial_overview(
        session=session, province=province, sort=sort, descending=desc, subdistrict_ids=mine
    )
    return _page(
        request, overview, user=user, base="/staff/province", sort=sort, desc=desc, staff=True
    )


@router.get("/staff/province.{kind}")
def staff_province_file(
    kind: Literal["csv", "xlsx"],
    session: SessionDep,
    user: StaffUser,
    province: Province = None,
    sort: Sort = "code",
    desc: Descending = False,
) -> Response:
    overview = provincial_overview(
        session=session,
        province=province,
        sort=sort,
        descending=desc,
        subdistrict_ids=subdistrict_ids_of(session=session, user=user),
    )
    return _file(overview, kind)


@router.get("/public/province", response_class=HTMLResponse)
def public_province(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: OptionalUser,
    province: Province = None,
    sort: Sort = "code",
    desc: Descending = False,
) -> Response:
    provinces = provinces_to_choose(
        session=session, province=province, most=settings.province_table_max_subdistricts
    )
    if provinces is not None:
        listed = _province_list(request, provinces, user=user, base="/public/province")
        return page_with_etag(request, listed)
    overview = provincial_overview(session=session, province=province, sort=sort, descending=desc)
    page = _page(
        request, overview, user=user, base="/public/province", sort=sort, desc=desc, staff=False
    )
    return page_with_etag(request, page)


@router.get("/public/province.{kind}")
def public_province_file(
    kind: Literal["csv", "xlsx"],
    session: SessionDep,
    settings: SettingsDep,
    province: Province = None,
    sort: Sort = "code",
    desc: Descending = False,
) -> Response:
    # anyone may ask: a national table (tens of seconds) only by province
    require_province(
        session=session, province=province, most=settings.province_table_max_subdistricts
    )
    overview = provincial_overview(session=session, province=province, sort=sort, descending=desc)
    return _file(overview, kind)
