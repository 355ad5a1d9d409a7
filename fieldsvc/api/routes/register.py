"""The register: villages and bins, as GeoJSON for maps and as JSON for forms."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from fieldsvc.api.deps import CurrentUser, SessionDep, SettingsDep, UserPlace
from fieldsvc.api.geojson import GeoJSONResponse, frame_to_geojson
from fieldsvc.models import BinPublic, InspectionPublic
from fieldsvc.services.basemap import phone_base_map
from fieldsvc.services.bins import bin_record
from fieldsvc.services.citizen_reports import public_fields
from fieldsvc.services.rounds import phone_bins
from fieldsvc.storage.frames import villages_frame
from fieldsvc.storage.users import village_ids_of

router = APIRouter(prefix="/api/v1", tags=["register"])


@router.get("/villages", response_class=GeoJSONResponse, summary="Villages as GeoJSON")
def list_villages_geojson(session: SessionDep, place: UserPlace) -> Any:
    """The villages of the request's subdistrict; a village head's: their villages."""
    allowed = village_ids_of(session=session, user=place.user)
    if allowed is not None:
        frame = villages_frame(session=session)
        frame = frame[frame["village_id"].isin(allowed)]
    else:
        frame = villages_frame(session=session, subdistrict_id=place.subdistrict_id)
    return GeoJSONResponse(frame_to_geojson(frame))


@router.get(
    "/basemap",
    response_class=GeoJSONResponse,
    summary="Outlines of my villages and the roads around them, for a map without tiles",
)
def base_map_geojson(session: SessionDep, settings: SettingsDep, user: CurrentUser) -> Any:
    return GeoJSONResponse(
        frame_to_geojson(phone_base_map(session=session, settings=settings, user=user))
    )


@router.get("/bins", response_class=GeoJSONResponse, summary="Bins (current state) as GeoJSON")
def list_bins_geojson(session: SessionDep, settings: SettingsDep, place: UserPlace) -> Any:
    """Each bin of the request's subdistrict (a village head: of their villages) with its
    inspection round: ``due_on``, ``due_state`` (overdue, due, done, not_due) and
    ``days_overdue`` as of today, for the phone's "due in my village" list."""
    frame = phone_bins(
        session=session, settings=settings, user=place.user, subdistrict_id=place.subdistrict_id
    )
    for column in ("installed_on", "last_inspected_at", "due_on"):
        frame[column] = frame[column].map(lambda v: v.isoformat() if v is not None else None)
    return GeoJSONResponse(frame_to_geojson(frame))


class BinWithHistory(BaseModel):
    bin: BinPublic
    history: list[InspectionPublic]
    #: Residents' reports linked to the bin (public fields only): evidence, not inspections.
    citizen_reports: list[dict[str, Any]] = []


@router.get("/bins/{code}", response_model=BinWithHistory, summary="One bin and its history")
def get_bin(code: str, session: SessionDep, place: UserPlace) -> BinWithHistory:
    """A bin of a subdistrict the user does not work for is not found (404)."""
    record = bin_record(session=session, user=place.user, code=code, place=place)
    return BinWithHistory(
        bin=BinPublic.model_validate(record.bin),
        history=[InspectionPublic.model_validate(h) for h in record.history],
        citizen_reports=[public_fields(r) for r in record.reports],
    )
