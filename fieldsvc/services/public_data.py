"""The public page, the public map and the open-data files, built once per state of the data.

Anyone may ask for these without signing in, so a request must not be able to make the server
recompute coverage, render a map or write a table each time. Every answer is built once per
*data version* — a digest of the bin register, the inspections, the villages, the households
and the published plan, read in one small query — and kept in a small in-process cache. The
same version is the answer's ETag, so a browser that already holds it gets a 304.

The version is read from the database, so changes made by another process (the command line, a
second server worker) are seen too. Edits of a village or household row in place that leave
every counted figure equal (a renamed village of the same name length, a redrawn boundary) are
caught within this process by :func:`_note_public_changes`, which bumps a generation number
after each commit that touched those tables.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import geopandas as gpd
import pandas as pd
from sqlalchemy import event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, func, select

from fieldsvc.config import Settings
from fieldsvc.maps.output import render_map_html
from fieldsvc.models import (
    AllocationPlanRecord,
    Bin,
    CitizenReport,
    Household,
    Inspection,
    Subdistrict,
    Village,
)
from fieldsvc.models.citizen import ReportVisibility
from fieldsvc.reports.open_data import csv_bytes, frame_to_geojson, json_bytes
from fieldsvc.services import overview, planning, public_reports
from fieldsvc.storage.frames import villages_frame

T = TypeVar("T")

DATASETS: dict[str, tuple[str, str]] = {
    "villages": ("ความครอบคลุมถังขยะรายหมู่บ้าน", "Waste-bin coverage by village"),
    "bins": ("ทะเบียนถังขยะ", "Waste-bin register"),
    "plan": ("แผนจัดสรรถังขยะที่เผยแพร่", "Published bin allocation plan"),
    "reports": (
        "เรื่องแจ้งปัญหาถังขยะจากประชาชน (ที่เจ้าหน้าที่ตรวจแล้ว)",
        "Residents' reports of bin problems (accepted by staff)",
    ),
}
#: The open-data tables that are also map layers (GeoJSON).
GEOJSON_DATASETS = ("villages", "bins", "reports")
#: Recent reports listed on the public page.
RECENT_REPORTS = 10
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
GEOJSON_MEDIA_TYPE = "application/geo+json"

#: Rows whose change alters what the public sees.
PUBLIC_TABLES = (
    Bin,
    Inspection,
    Village,
    Household,
    Subdistrict,
    AllocationPlanRecord,
    CitizenReport,
)


@dataclass(frozen=True)
class PublicFile:
    """A built public answer: its bytes, media type, ETag and download name (if any)."""

    body: bytes
    media_type: str
    etag: str
    filename: str | None = None


# --- the data version --------------------------------------------------------------------------
def data_version(*, session: Session) -> str:
    """A short digest that changes whenever the data shown on the public pages changes.

    One query of aggregates: bins (count, last id, last update), inspections (count, last id),
    the published plan (id, publication time), villages and households (count, last id and the
    sums of the figures coverage is computed from).
    """
    published = AllocationPlanRecord.status == "published"
    shown = col(CitizenReport.visibility) == ReportVisibility.public.value
    figures: list[Any] = [
        select(func.count(col(Bin.id))),
        select(func.max(col(Bin.id))),
        select(func.max(col(Bin.updated_at))),
        select(func.count(col(Inspection.id))),
        select(func.max(col(Inspection.id))),
        select(func.max(col(AllocationPlanRecord.id))).where(published),
        select(func.max(col(AllocationPlanRecord.published_at))).where(published),
        select(func.count(col(Village.id))),
        select(func.max(col(Village.id))),
        select(func.sum(col(Village.households))),
        select(func.sum(col(Village.population))),
        select(func.sum(func.length(col(Village.name)))),
        select(func.sum(col(Village.collection_interval_days))),
        select(func.sum(col(Village.waste_kg_per_person_day))),
        select(func.count(col(Village.id))).where(col(Village.boundary_source) == "approximate"),
        select(func.count(col(Household.id))),
        select(func.max(col(Household.id))),
        select(func.sum(col(Household.persons))),
        select(func.sum(col(Household.weight))),
        select(func.sum(col(Household.lon) + col(Household.lat))),
        select(func.count(col(Subdistrict.id))),
        # residents' reports, the public ones only: a report waiting for moderation (which
        # anyone may send) must not make the public answers rebuild
        select(func.count(col(CitizenReport.id))).where(shown),
        select(func.max(col(CitizenReport.id))).where(shown),
        select(func.max(col(CitizenReport.updated_at))).where(shown),
    ]
    row = session.exec(select(*(f.scalar_subquery() for f in figures))).one()
    text = "|".join(str(value) for value in row) + f"|g{_generation}"
    return hashlib.sha256(text.encode()).hexdigest()[:20]


_generation = 0
_generation_lock = threading.Lock()


def _shows_publicly(row: Any) -> bool:
    """A row whose change the public sees: a residents' report only while public (or when it
    stops being public), so a new report waiting for moderation changes nothing."""
    if isinstance(row, CitizenReport):
        if row.visibility == ReportVisibility.public:
            return True
        # in after_flush the attribute history still holds the value before the flush
        was = sa_inspect(row).attrs.visibility.history.deleted or ()
        return any(str(value) == ReportVisibility.public.value for value in was)
    return isinstance(row, PUBLIC_TABLES)


@event.listens_for(OrmSession, "after_flush")
def _note_public_changes(session: OrmSession, _context: Any) -> None:
    touched = (*session.new, *session.dirty, *session.deleted)
    if any(_shows_publicly(row) for row in touched):
        session.info["public_data_changed"] = True


@event.listens_for(OrmSession, "after_commit")
def _bump_generation(session: OrmSession) -> None:
    # After the commit, not the flush: a request that reads the new generation reads the new rows.
    global _generation
    if session.info.pop("public_data_changed", False):
        with _generation_lock:
            _generation += 1


@event.listens_for(OrmSession, "after_rollback")
def _forget_changes(session: OrmSession) -> None:
    session.info.pop("public_data_changed", None)


# --- the cache ---------------------------------------------------------------------------------
#: How many times each public answer was built (the cache's misses); read by tests and benchmarks.
BUILDS: Counter[str] = Counter()
_CACHE: OrderedDict[tuple[str, ...], Any] = OrderedDict()
#: A few answers per data version (page, map, 5 files, metadata); older versions fall out.
_CACHE_SIZE = 32
_LOCK = threading.Lock()


def _settings_digest(settings: Settings) -> str:
    return hashlib.sha256(settings.model_dump_json().encode()).hexdigest()[:12]


def cached(kind: str, *, session: Session, settings: Settings, build: Callable[[str], T]) -> T:
    """``build(version)``'s result for the current data version, built at most once per version.

    The key holds the database (tests and tools may open several), the settings (office name,
    service radius) and the data version; a concurrent first request may build twice, which is
    harmless.
    """
    version = data_version(session=session)
    key = (kind, str(session.get_bind().engine.url), _settings_digest(settings), version)
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]  # type: ignore[no-any-return]
    value = build(version)
    with _LOCK:
        BUILDS[kind] += 1
        _CACHE[key] = value
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return value


def clear_cache() -> None:
    """Forget every built answer (tests; an operator after editing rows by hand)."""
    with _LOCK:
        _CACHE.clear()


def _etag(kind: str, version: str) -> str:
    return f'"{kind}-{version}"'


# --- what the public sees ----------------------------------------------------------------------
def public_villages_frame(*, session: Session, settings: Settings) -> gpd.GeoDataFrame:
    """The per-village overview from the public column list, with the village shapes."""
    table = overview.public_villages(overview.village_overview(session=session, settings=settings))
    shapes = villages_frame(session=session)[["number", "geometry"]]
    merged = table.merge(shapes, on="number", how="left")
    merged["last_survey_date"] = merged["last_survey_date"].map(
        lambda d: d.isoformat() if hasattr(d, "isoformat") else None
    )
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=4326)


def _metadata(*, session: Session, settings: Settings) -> dict[str, Any]:
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
                + ([f"/public/data/{name}.geojson"] if name in GEOJSON_DATASETS else []),
            }
            for name, (th, en) in DATASETS.items()
        ],
    }


def metadata(*, session: Session, settings: Settings) -> dict[str, Any]:
    """A DCAT-style description of the open data: title, publisher, licence, update date;
    ``generated_at`` is when the data version it describes was first asked for."""
    return cached(
        "metadata",
        session=session,
        settings=settings,
        build=lambda _v: _metadata(session=session, settings=settings),
    )


def metadata_file(*, session: Session, settings: Settings) -> PublicFile:
    """``metadata.json``."""

    def build(version: str) -> PublicFile:
        body = json_bytes(metadata(session=session, settings=settings))
        return PublicFile(body, "application/json", _etag("metadata", version))

    return cached("metadata.json", session=session, settings=settings, build=build)


def page_context(*, session: Session, settings: Settings) -> dict[str, Any]:
    """The public page's village table and open-data description (the plan is read per request:
    it is one row, and the template reads it as a record)."""

    def build(_version: str) -> dict[str, Any]:
        villages = overview.public_villages(
            overview.village_overview(session=session, settings=settings)
        )
        return {
            "villages": villages.to_dict("records"),
            "reports": public_reports.public_reports(session=session, limit=RECENT_REPORTS),
            "meta": metadata(session=session, settings=settings),
        }

    return cached("page", session=session, settings=settings, build=build)


def map_file(*, session: Session, settings: Settings) -> PublicFile:
    """The public coverage map (no photos, no uncovered clusters) as one HTML page."""

    def build(version: str) -> PublicFile:
        m = overview.coverage_map(
            session=session,
            settings=settings,
            audience="public",
            plan=planning.published_plan(session=session),
        )
        body = render_map_html(m, asset_base="/vendor").encode("utf-8")
        return PublicFile(body, "text/html; charset=utf-8", _etag("map", version))

    return cached("map", session=session, settings=settings, build=build)


def csv_file(name: str, *, session: Session, settings: Settings) -> PublicFile | None:
    """An open-data table as CSV; ``None`` for the plan while none is published."""

    def build(version: str) -> PublicFile | None:
        frame: pd.DataFrame
        if name == "villages":
            frame = public_villages_frame(session=session, settings=settings)
        elif name == "bins":
            frame = overview.public_bins(session=session)
            frame["lat"], frame["lon"] = frame.geometry.y.round(6), frame.geometry.x.round(6)
        elif name == "plan":
            plan = planning.published_plan(session=session)
            if plan is None:
                return None
            frame = overview.public_plan_rows(plan)
        elif name == "reports":
            frame = public_reports.public_reports_frame(session=session)
        else:
            raise ValueError(f"no open-data table {name!r}")
        etag = _etag(f"{name}-csv", version)
        return PublicFile(csv_bytes(frame), CSV_MEDIA_TYPE, etag, f"{name}.csv")

    return cached(f"{name}.csv", session=session, settings=settings, build=build)


def geojson_file(name: str, *, session: Session, settings: Settings) -> PublicFile:
    """An open-data layer as GeoJSON, its metadata alongside the features."""

    def build(version: str) -> PublicFile:
        if name == "villages":
            frame = public_villages_frame(session=session, settings=settings)
        elif name == "bins":
            frame = overview.public_bins(session=session)
        elif name == "reports":
            frame = public_reports.public_reports_frame(session=session)
        else:
            raise ValueError(f"no open-data layer {name!r}")
        collection = frame_to_geojson(frame)
        collection["metadata"] = metadata(session=session, settings=settings)
        return PublicFile(
            json_bytes(collection), GEOJSON_MEDIA_TYPE, _etag(f"{name}-geojson", version)
        )

    return cached(f"{name}.geojson", session=session, settings=settings, build=build)
