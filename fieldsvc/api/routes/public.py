"""The public transparency page and open-data downloads (no sign-in, no personal data)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from fieldsvc.api.conditional import page_with_etag, public_file_response
from fieldsvc.api.deps import OptionalUser, SessionDep, SettingsDep
from fieldsvc.api.geojson import GeoJSONResponse
from fieldsvc.api.pages import render
from fieldsvc.errors import NotFound
from fieldsvc.services import coverage_history, plan_progress, planning, public_data
from fieldsvc.services.public_data import DATASETS, GEOJSON_DATASETS

router = APIRouter(prefix="/public", tags=["public"])

# Every answer here is built once per state of the data it shows (services.public_data) and
# carries an ETag: an anonymous visitor cannot make the server rebuild a map or a table.


@router.get("", response_class=HTMLResponse, include_in_schema=False)
def public_page(
    request: Request, session: SessionDep, settings: SettingsDep, user: OptionalUser
) -> Response:
    plan = planning.published_plan(session=session)
    page = render(
        request,
        "public/index.html",
        user=user,
        plan=plan,
        progress=plan_progress.published_plan_progress(
            session=session, settings=settings, plan=plan
        ),
        charts=coverage_history.year_charts(session=session, settings=settings),
        **public_data.page_context(session=session, settings=settings),
    )
    return page_with_etag(request, page)


@router.get("/map.html", response_class=HTMLResponse, include_in_schema=False)
def public_map(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    return public_file_response(request, public_data.map_file(session=session, settings=settings))


@router.get("/data/metadata.json", summary="Open-data metadata")
def open_data_metadata(request: Request, session: SessionDep, settings: SettingsDep) -> Any:
    return public_file_response(
        request, public_data.metadata_file(session=session, settings=settings)
    )


@router.get("/data/{name}.csv", summary="Open data as CSV (UTF-8 with BOM)")
def open_data_csv(
    name: str, request: Request, session: SessionDep, settings: SettingsDep
) -> Response:
    if name in DATASETS:
        item = public_data.csv_file(name, session=session, settings=settings)
        if item is None:
            raise NotFound.of("no_published_plan", field="name")
        return public_file_response(request, item)
    raise NotFound.of(
        "dataset_not_found", field="name", details={"expected": sorted(DATASETS)}, name=name
    )


@router.get("/data/{name}.geojson", response_class=GeoJSONResponse, summary="Open data as GeoJSON")
def open_data_geojson(
    name: str, request: Request, session: SessionDep, settings: SettingsDep
) -> Any:
    if name not in GEOJSON_DATASETS:
        raise NotFound.of(
            "geojson_dataset_not_found",
            field="name",
            details={"expected": list(GEOJSON_DATASETS)},
            name=name,
        )
    item = public_data.geojson_file(name, session=session, settings=settings)
    return public_file_response(request, item)
