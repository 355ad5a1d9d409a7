"""The public transparency page and open-data downloads (no sign-in, no personal data)."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import geopandas as gpd
import pandas as pd
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlmodel import Session

from fieldsvc.api.deps import OptionalUser, SessionDep, SettingsDep
from fieldsvc.api.geojson import GeoJSONResponse, frame_to_geojson
from fieldsvc.api.pages import render
from fieldsvc.config import Settings
from fieldsvc.errors import NotFound
from fieldsvc.maps.output import render_map_html
from fieldsvc.reports.cells import csv_safe_frame
from fieldsvc.services import overview, planning
from fieldsvc.storage.frames import villages_frame

router = APIRouter(prefix="/public", tags=["public"])

DATASETS = {
    "villages": ("ความครอบคลุมถังขยะรายหมู่บ้าน", "Waste-bin coverage by village"),
    "bins": ("ทะเบียนถังขยะ", "Waste-bin register"),
    "plan": ("แผนจัดสรรถังขยะที่เผยแพร่", "Published bin allocation plan"),
}


def _csv(frame: pd.DataFrame, filename: str) -> Response:
    buffer = io.StringIO()
    csv_safe_frame(pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))).to_csv(
        buffer, index=False
    )
    return Response(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _public_villages(session: Session, settings: Settings) -> gpd.GeoDataFrame:
    table = overview.public_villages(overview.village_overview(session=session, settings=settings))
    shapes = villages_frame(session=session)[["number", "geometry"]]
    merged = table.merge(shapes, on="number", how="left")
    merged["last_survey_date"] = merged["last_survey_date"].map(
        lambda d: (
            d.isoformat()
            if isinstance(d, datetime | pd.Timestamp) or hasattr(d, "isoformat")
            else None
        )
    )
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=4326)


def metadata(*, session: Session, settings: Settings) -> dict[str, Any]:
    """A DCAT-style description of the open data: title, publisher, licence, update date."""
    plan = planning.published_plan(session=session)
    bins = overview.public_bins(session=session)
    dates = [d for d in bins["last_inspected"].dropna()]
    if plan is not None and plan.published_at is not None:
        dates.append(plan.published_at.date().isoformat())
    return {
        "title": f"ข้อมูลถังขยะ {settings.office_name}",
        "title_en": f"Waste-bin data, {settings.office_name_en}",
        "publisher": settings.office_name,
        "licence": settings.open_data_licence,
        "modified": max(dates) if dates else None,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "spatial_reference": "EPSG:4326 (WGS 84)",
        "personal_data": "ไม่มีข้อมูลส่วนบุคคล (no personal data)",
        "datasets": [
            {
                "name": name,
                "title": th,
                "title_en": en,
                "downloads": [f"/public/data/{name}.csv"]
                + ([f"/public/data/{name}.geojson"] if name != "plan" else []),
            }
            for name, (th, en) in DATASETS.items()
        ],
    }


@router.get("", response_class=HTMLResponse, include_in_schema=False)
def public_page(
    request: Request, session: SessionDep, settings: SettingsDep, user: OptionalUser
) -> Any:
    villages = overview.public_villages(
        overview.village_overview(session=session, settings=settings)
    )
    return render(
        request,
        "public/index.html",
        user=user,
        villages=villages.to_dict("records"),
        plan=planning.published_plan(session=session),
        meta=metadata(session=session, settings=settings),
    )


@router.get("/map.html", response_class=HTMLResponse, include_in_schema=False)
def public_map(session: SessionDep, settings: SettingsDep) -> Any:
    m = overview.coverage_map(
        session=session,
        settings=settings,
        audience="public",
        plan=planning.published_plan(session=session),
    )
    return HTMLResponse(render_map_html(m, asset_base="/vendor"))


@router.get("/data/metadata.json", summary="Open-data metadata")
def open_data_metadata(session: SessionDep, settings: SettingsDep) -> Any:
    return JSONResponse(metadata(session=session, settings=settings))


@router.get("/data/{name}.csv", summary="Open data as CSV (UTF-8 with BOM)")
def open_data_csv(name: str, session: SessionDep, settings: SettingsDep) -> Response:
    if name == "villages":
        return _csv(_public_villages(session, settings), "villages.csv")
    if name == "bins":
        bins = overview.public_bins(session=session)
        bins["lat"], bins["lon"] = bins.geometry.y.round(6), bins.geometry.x.round(6)
        return _csv(bins, "bins.csv")
    if name == "plan":
        plan = planning.published_plan(session=session)
        if plan is None:
            raise NotFound.of("no_published_plan", field="name")
        return _csv(overview.public_plan_rows(plan), "plan.csv")
    raise NotFound.of(
        "dataset_not_found", field="name", details={"expected": sorted(DATASETS)}, name=name
    )


@router.get("/data/{name}.geojson", response_class=GeoJSONResponse, summary="Open data as GeoJSON")
def open_data_geojson(name: str, session: SessionDep, settings: SettingsDep) -> Any:
    if name == "villages":
        frame = _public_villages(session, settings)
    elif name == "bins":
        frame = overview.public_bins(session=session)
    else:
        raise NotFound.of(
            "geojson_dataset_not_found",
            field="name",
            details={"expected": ["villages", "bins"]},
            name=name,
        )
    collection = frame_to_geojson(frame)
    collection["metadata"] = metadata(session=session, settings=settings)
    return GeoJSONResponse(collection)
