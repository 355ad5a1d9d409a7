"""A fiscal year as downloads: the monthly coverage series (CSV for Excel, JSON) and the year's
ITA report for measure 8 (PDF, Word, Excel)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from fieldsvc.api.deps import SessionDep, SettingsDep, StaffPlace
from fieldsvc.services import coverage_history, ita
from fieldsvc.services.planning import json_rows

router = APIRouter(include_in_schema=False)


@router.get("/staff/export/coverage-series.{kind}")
def coverage_series_export(
    kind: Literal["csv", "json"],
    session: SessionDep,
    settings: SettingsDep,
    place: StaffPlace,
    fiscal_year: Annotated[int | None, Query(description="B.E., e.g. 2570")] = None,
    by: Literal["village", "area"] = "village",
) -> Any:
    table = coverage_history.year_table(
        session=session,
        settings=settings,
        fiscal_year=fiscal_year,
        by=by,
        subdistrict_id=place.subdistrict_id,
    )
    name = f"coverage-series-{fiscal_year or 'current'}-{by}.{kind}"
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    if kind == "json":
        return JSONResponse(json_rows(table), headers=disposition)
    body = table.to_csv(index=False).encode("utf-8-sig")
    return Response(body, media_type="text/csv; charset=utf-8", headers=disposition)


@router.get("/staff/reports/ita.{kind}")
def ita_report(
    kind: Literal["pdf", "docx", "xlsx"],
    session: SessionDep,
    settings: SettingsDep,
    place: StaffPlace,
    fiscal_year: Annotated[int | None, Query(description="B.E., e.g. 2570")] = None,
) -> Response:
    document = ita.ita_document(
        session=session,
        settings=settings,
        fiscal_year_be=fiscal_year,
        fmt=kind,
        subdistrict_id=place.subdistrict_id,
    )
    disposition = {"Content-Disposition": f'attachment; filename="{document.filename}"'}
    return Response(document.data, media_type=document.media_type, headers=disposition)
