"""Downloads: the allocation list (PDF for the notice board, XLSX, CSV) and the coverage table,
the same files as ``fieldsvc export``."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from fieldsvc.api.deps import (
    PlanId,
    SessionDep,
    SettingsDep,
    StaffPlace,
    UserPlace,
)
from fieldsvc.api.subdistrict_path import PublicSubdistrict
from fieldsvc.config import Settings
from fieldsvc.errors import InvalidInput, NotFound
from fieldsvc.maps.output import render_map_html
from fieldsvc.models import AllocationPlanRecord
from fieldsvc.reports.allocation_list import allocation_csv, allocation_pdf, allocation_xlsx
from fieldsvc.reports.coverage_export import coverage_csv, coverage_xlsx
from fieldsvc.reports.geopackage import MEDIA_TYPE as GEOPACKAGE_MEDIA_TYPE
from fieldsvc.services import overview, planning, public_data, register_export
from fieldsvc.services.offices import office_settings, office_settings_for
from fieldsvc.storage.tenancy import subdistrict_count

router = APIRouter(include_in_schema=False)

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _download(data: bytes, kind: str, filename: str, *, inline: bool = False) -> Response:
    disposition = "inline" if inline else "attachment"
    return Response(
        data,
        media_type=MEDIA_TYPES[kind],
        headers={"Content-Disposition": f'{disposition}; filename="{filename}"'},
    )


def _plan_file(
    session: Session, settings: Settings, plan: AllocationPlanRecord, kind: str
) -> Response:
    name = f"allocation-plan-v{plan.version}.{kind}"
    settings = office_settings_for(
        session=session, settings=settings, subdistrict_id=plan.subdistrict_id
    )
    if kind == "pdf":
        return _download(allocation_pdf(plan, settings), kind, name, inline=True)
    codes = planning.replaced_bin_codes(session=session, plan=plan)
    if kind == "xlsx":
        return _download(allocation_xlsx(plan, settings, bin_codes=codes), kind, name)
    return _download(allocation_csv(plan, bin_codes=codes), kind, name)


@router.get("/staff/plans/{plan_id}/export.{kind}")
def staff_plan_export(
    plan_id: PlanId,
    kind: Literal["pdf", "xlsx", "csv"],
    session: SessionDep,
    settings: SettingsDep,
    place: StaffPlace,
) -> Response:
    plan = planning.get_plan(session=session, plan_id=plan_id, place=place)
    return _plan_file(session, settings, plan, kind)


@router.get("/public/plan.{kind}")
def public_plan_export(
    kind: Literal["pdf", "xlsx", "csv"], session: SessionDep, settings: SettingsDep
) -> Response:
    """The published allocation list, as posted on the notice board. With several
    subdistricts each has its own (``/public/<code>/plan.<kind>``): this asks which one."""
    count = subdistrict_count(session=session)
    if count > 1:
        raise InvalidInput.of("subdistrict_required", field="subdistrict", count=count)
    plan = planning.published_plan(session=session)
    if plan is None:
        raise NotFound.of("no_published_plan", field="plan")
    return _plan_file(session, settings, plan, kind)


@router.get("/public/{code:dopa}/plan.{kind}")
def public_subdistrict_plan_export(
    kind: Literal["pdf", "xlsx", "csv"],
    session: SessionDep,
    settings: SettingsDep,
    subdistrict: PublicSubdistrict,
) -> Response:
    """The subdistrict's latest published allocation list."""
    plan = public_data.published_plan(session=session, subdistrict=subdistrict)
    if plan is None:
        raise NotFound.of("no_published_plan", field="plan")
    return _plan_file(session, settings, plan, kind)


@router.get("/staff/export/coverage.{kind}")
def staff_coverage_export(
    kind: Literal["xlsx", "csv", "html"],
    session: SessionDep,
    settings: SettingsDep,
    place: StaffPlace,
) -> Any:
    """The coverage of the request's subdistrict (a table, or its map as one HTML file)."""
    here = place.subdistrict_id
    if kind == "html":
        m = overview.coverage_map(
            session=session,
            settings=settings,
            audience="staff",
            plan=planning.published_plan(session=session, subdistrict_id=here),
            subdistrict_id=here,
        )
        return HTMLResponse(
            render_map_html(m, self_contained=True),
            headers={"Content-Disposition": 'attachment; filename="coverage-map.html"'},
        )
    table = planning.compute_coverage(
        session=session, settings=settings, subdistrict_id=here
    ).by_village
    if kind == "xlsx":
        office = office_settings(settings, place.subdistrict)
        return _download(coverage_xlsx(table, office), kind, "coverage.xlsx")
    return _download(coverage_csv(table), kind, "coverage.csv")


@router.get("/staff/export/register.gpkg")
def staff_register_geopackage(
    session: SessionDep,
    settings: SettingsDep,
    place: UserPlace,
    crs: Literal["wgs84", "utm"] = "wgs84",
) -> Response:
    """The register of the request's subdistrict for QGIS (health staff and admins): styled
    layers in one GeoPackage."""
    data = register_export.register_geopackage(
        session=session, settings=settings, user=place.user, crs=crs, place=place
    )
    suffix = "" if crs == "wgs84" else "-utm"
    return Response(
        data,
        media_type=GEOPACKAGE_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="register{suffix}.gpkg"'},
    )
