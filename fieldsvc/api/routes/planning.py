"""Coverage and allocation plans over HTTP: the same functions as ``fieldsvc coverage`` and
``fieldsvc allocate``."""

from __future__ import annotations

from typing import Any, Literal

import geopandas as gpd
from fastapi import APIRouter, Query

from fieldsvc.api.deps import EditorPlace, PlanId, SessionDep, SettingsDep, StaffPlace
from fieldsvc.api.geojson import GeoJSONResponse, frame_to_geojson
from fieldsvc.api.schemas.planning import AllocationRequest, PlanDetail, PlanSummary
from fieldsvc.models import Stream
from fieldsvc.services import planning
from fieldsvc.storage.frames import villages_frame

router = APIRouter(prefix="/api/v1", tags=["coverage and allocation"])


@router.get("/coverage", summary="Coverage and capacity per village and stream")
def get_coverage(
    session: SessionDep,
    settings: SettingsDep,
    place: StaffPlace,
    stream: Stream | None = None,
    radius_m: float | None = Query(default=None, gt=0, le=5000),
    detour_factor: float | None = Query(default=None, ge=1, le=5),
    format: Literal["json", "geojson"] = "json",
) -> Any:
    """Rows per village × stream (see ``fieldsvc.analysis.coverage``); ``format=geojson`` adds
    the village polygons. ``summary`` has one row per stream with the Gini of coverage and the
    worst-served village. Of the request's subdistrict only."""
    result = planning.compute_coverage(
        session=session,
        settings=settings,
        radius_m=radius_m,
        detour_factor=detour_factor,
        subdistrict_id=place.subdistrict_id,
    )
    table = result.by_village
    if stream is not None:
        table = table[table["stream"] == stream.value]
    if format == "geojson":
        shapes = villages_frame(session=session, subdistrict_id=place.subdistrict_id)[
            ["village_id", "geometry"]
        ]
        frame = gpd.GeoDataFrame(
            table.merge(shapes, on="village_id", how="left"), geometry="geometry", crs=4326
        )
        return GeoJSONResponse(frame_to_geojson(frame))
    return {
        "distance_method": result.distance_method,
        "villages": planning.json_rows(table),
        "summary": planning.json_rows(result.by_stream),
    }


@router.post(
    "/allocations",
    status_code=201,
    response_model=PlanDetail,
    summary="Run the allocation and save it as the next plan version",
)
def create_allocation(
    body: AllocationRequest, session: SessionDep, settings: SettingsDep, place: EditorPlace
) -> Any:
    """A plan of the request's subdistrict, numbered after its own plans."""
    plan = planning.save_plan(
        session=session,
        settings=settings,
        created_by=place.user,
        subdistrict_id=place.subdistrict_id,
        budget_baht=body.budget_baht,
        max_new_bins=body.max_new_bins,
        equity_floor_share=body.equity_floor_share,
        radius_m=body.radius_m,
        title=body.title,
    )
    return PlanDetail.model_validate(plan)


@router.get("/allocations", response_model=list[PlanSummary], summary="Saved plans, newest first")
def list_allocations(session: SessionDep, place: StaffPlace) -> Any:
    plans = planning.list_plans(session=session, subdistrict_id=place.subdistrict_id)
    return [PlanSummary.model_validate(p) for p in plans]


@router.get("/allocations/{plan_id}", response_model=PlanDetail, summary="One saved plan")
def get_allocation(plan_id: PlanId, session: SessionDep, place: StaffPlace) -> Any:
    return PlanDetail.model_validate(
        planning.get_plan(session=session, plan_id=plan_id, place=place)
    )


@router.post(
    "/allocations/{plan_id}/publish",
    response_model=PlanSummary,
    summary="Publish a plan on the public page (the previous one is superseded)",
)
def publish_allocation(plan_id: PlanId, session: SessionDep, place: EditorPlace) -> Any:
    plan = planning.publish_saved_plan(
        session=session, plan_id=plan_id, published_by=place.user, place=place
    )
    return PlanSummary.model_validate(plan)
