"""The public transparency page and open-data downloads (no sign-in, no personal data).

Each subdistrict has its own pages at ``/public/<code>/…`` (its 6-digit DOPA code) showing its
rows only. In an install of one subdistrict ``/public/…`` is that subdistrict's page, as it
always was; with several, ``/public`` lists them (with the provincial overview), the unscoped
open-data files hold every subdistrict's rows with a ``subdistrict_code`` column, and the
unscoped map sends the visitor to the list.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from fieldsvc.api.conditional import page_with_etag, public_file_response
from fieldsvc.api.deps import OptionalUser, SessionDep, SettingsDep
from fieldsvc.api.geojson import GeoJSONResponse
from fieldsvc.api.pages import render
from fieldsvc.api.subdistrict_path import PublicSubdistrict
from fieldsvc.config import Settings
from fieldsvc.errors import NotFound
from fieldsvc.models import Subdistrict, User
from fieldsvc.services import coverage_history, plan_progress, public_data
from fieldsvc.services.offices import office_settings_for
from fieldsvc.services.public_data import DATASETS, GEOJSON_DATASETS

router = APIRouter(prefix="/public", tags=["public"])

# Every answer here is built once per state of the data it shows (services.public_data) and
# carries an ETag: an anonymous visitor cannot make the server rebuild a map or a table.


def _subdistrict_page(
    request: Request,
    session: Session,
    settings: Settings,
    user: User | None,
    subdistrict: Subdistrict | None,
) -> Response:
    plan = public_data.published_plan(session=session, subdistrict=subdistrict)
    several = public_data.several_subdistricts(session=session)
    page = render(
        request,
        "public/index.html",
        user=user,
        office=office_settings_for(
            session=session,
            settings=settings,
            subdistrict_id=subdistrict.id if subdistrict is not None else None,
        ),
        plan=plan,
        prefix=public_data.data_prefix(subdistrict),
        subdistrict=subdistrict if several else None,
        progress=plan_progress.published_plan_progress(
            session=session, settings=settings, plan=plan
        ),
        # the fiscal-year charts are of the whole register: shown in a one-subdistrict install
        charts=None
        if several
        else coverage_history.year_charts(session=session, settings=settings),
        **public_data.page_context(session=session, settings=settings, subdistrict=subdistrict),
    )
    return page_with_etag(request, page)


@router.get("", response_class=HTMLResponse, include_in_schema=False)
def public_page(
    request: Request, session: SessionDep, settings: SettingsDep, user: OptionalUser
) -> Response:
    if public_data.several_subdistricts(session=session):
        page = render(
            request,
            "public/subdistricts.html",
            user=user,
            **public_data.index_context(session=session, settings=settings),
        )
        return page_with_etag(request, page)
    return _subdistrict_page(request, session, settings, user, None)


@router.get("/map.html", response_class=HTMLResponse, include_in_schema=False)
def public_map(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    if public_data.several_subdistricts(session=session):
        return RedirectResponse("/public", status_code=303)  # one map per subdistrict
    return public_file_response(request, public_data.map_file(session=session, settings=settings))


@router.get("/data/metadata.json", summary="Open-data metadata")
def open_data_metadata(request: Request, session: SessionDep, settings: SettingsDep) -> Any:
    return public_file_response(
        request, public_data.metadata_file(session=session, settings=settings)
    )


def _csv(
    name: str, request: Request, session: Session, settings: Settings, sub: Subdistrict | None
) -> Response:
    if name in DATASETS:
        item = public_data.csv_file(name, session=session, settings=settings, subdistrict=sub)
        if item is None:
            raise NotFound.of("no_published_plan", field="name")
        return public_file_response(request, item)
    raise NotFound.of(
        "dataset_not_found", field="name", details={"expected": sorted(DATASETS)}, name=name
    )


def _geojson(
    name: str, request: Request, session: Session, settings: Settings, sub: Subdistrict | None
) -> Response:
    if name not in GEOJSON_DATASETS:
        raise NotFound.of(
            "geojson_dataset_not_found",
            field="name",
            details={"expected": list(GEOJSON_DATASETS)},
            name=name,
        )
    item = public_data.geojson_file(name, session=session, settings=settings, subdistrict=sub)
    return public_file_response(request, item)


@router.get("/data/{name}.csv", summary="Open data as CSV (UTF-8 with BOM)")
def open_data_csv(
    name: str, request: Request, session: SessionDep, settings: SettingsDep
) -> Response:
    """Every subdistrict's rows (with a ``subdistrict_code`` column when there are several)."""
    return _csv(name, request, session, settings, None)


@router.get("/data/{name}.geojson", response_class=GeoJSONResponse, summary="Open data as GeoJSON")
def open_data_geojson(
    name: str, request: Request, session: SessionDep, settings: SettingsDep
) -> Any:
    """Every subdistrict's features (with a ``subdistrict_code`` property when several)."""
    return _geojson(name, request, session, settings, None)


# --- one subdistrict: /public/<DOPA code>/… ------------------------------------------------------
@router.get("/{code:dopa}", response_class=HTMLResponse, include_in_schema=False)
def subdistrict_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: OptionalUser,
    subdistrict: PublicSubdistrict,
) -> Response:
    return _subdistrict_page(request, session, settings, user, subdistrict)


@router.get("/{code:dopa}/map.html", response_class=HTMLResponse, include_in_schema=False)
def subdistrict_map(
    request: Request, session: SessionDep, settings: SettingsDep, subdistrict: PublicSubdistrict
) -> Response:
    item = public_data.map_file(session=session, settings=settings, subdistrict=subdistrict)
    return public_file_response(request, item)


@router.get("/{code:dopa}/data/metadata.json", summary="One subdistrict's open-data metadata")
def subdistrict_metadata(
    request: Request, session: SessionDep, settings: SettingsDep, subdistrict: PublicSubdistrict
) -> Any:
    item = public_data.metadata_file(session=session, settings=settings, subdistrict=subdistrict)
    return public_file_response(request, item)


@router.get("/{code:dopa}/data/{name}.csv", summary="One subdistrict's open data as CSV")
def subdistrict_csv(
    name: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    subdistrict: PublicSubdistrict,
) -> Response:
    return _csv(name, request, session, settings, subdistrict)


@router.get(
    "/{code:dopa}/data/{name}.geojson",
    response_class=GeoJSONResponse,
    summary="One subdistrict's open data as GeoJSON",
)
def subdistrict_geojson(
    name: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    subdistrict: PublicSubdistrict,
) -> Any:
    return _geojson(name, request, session, settings, subdistrict)
