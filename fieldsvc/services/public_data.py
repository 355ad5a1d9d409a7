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
after each commit that touched those tables (of the subdistricts the rows belong to, when the
session can tell without a query). A subdistrict's own answers (``/public/<code>/…``) are
versioned by its rows only, read through indexes: a survey in one subdistrict does not rebuild
another's answers, and a national install does not aggregate every household per request.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import folium
import geopandas as gpd
import pandas as pd
from sqlalchemy import event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, func, select

from fieldsvc.analysis.coverage import CoverageResult, coverage_by_village
from fieldsvc.config import Settings
from fieldsvc.errors import InvalidInput
from fieldsvc.maps.coverage_map import build_coverage_map, villages_with_coverage
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
from fieldsvc.services import basemap, overview, planning, public_reports
from fieldsvc.services.offices import office_settings_for
from fieldsvc.storage.frames import villages_frame
from fieldsvc.storage.plan_items import plans_of_subdistrict
from fieldsvc.storage.public_scope import (
    all_subdistricts,
    bin_codes_of_subdistrict,
    villages_of_subdistrict_bins,
)
from fieldsvc.storage.tenancy import subdistrict_count, village_ids_in

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
def data_version(*, session: Session, subdistrict_id: int | None = None) -> str:
    """A short digest that changes whenever the data shown on the public pages changes.

    One query of aggregates: bins (count, last id, last update), inspections (count, last id),
    the published plan (id, publication time), villages and households (count, last id and the
    sums of the figures coverage is computed from), the office's names, the public reports.

    With ``subdistrict_id`` only that subdistrict's rows are read (its villages, their
    households and bins, the bins carrying its id and their inspections, its plans and
    reports), each through an index: a subdistrict's pages in a national install must not
    aggregate 25 million households on every request.
    """
    published = AllocationPlanRecord.status == "published"
    shown = col(CitizenReport.visibility) == ReportVisibility.public.value
    bins: Any = None
    inspections: Any = None
    plans: Any = None
    villages: Any = None
    households: Any = None
    subdistricts: Any = None
    reports: Any = None
    if subdistrict_id is not None:
        village_ids = select(col(Village.id)).where(col(Village.subdistrict_id) == subdistrict_id)
        bins = (col(Bin.subdistrict_id) == subdistrict_id) | col(Bin.village_id).in_(village_ids)
        inspections = col(Inspection.bin_id).in_(select(col(Bin.id)).where(bins))
        plans = plans_of_subdistrict(session=session, subdistrict_id=subdistrict_id)
        villages = col(Village.subdistrict_id) == subdistrict_id
        households = col(Household.village_id).in_(village_ids)
        subdistricts = col(Subdistrict.id) == subdistrict_id
        reports = col(CitizenReport.subdistrict_id) == subdistrict_id
    figures: list[Any] = [
        _of(select(func.count(col(Bin.id))), bins),
        _of(select(func.max(col(Bin.id))), bins),
        _of(select(func.max(col(Bin.updated_at))), bins),
        _of(select(func.count(col(Inspection.id))), inspections),
        _of(select(func.max(col(Inspection.id))), inspections),
        _of(select(func.max(col(AllocationPlanRecord.id))), published, plans),
        _of(select(func.max(col(AllocationPlanRecord.published_at))), published, plans),
        _of(select(func.count(col(Village.id))), villages),
        _of(select(func.max(col(Village.id))), villages),
        _of(select(func.sum(col(Village.households))), villages),
        _of(select(func.sum(col(Village.population))), villages),
        _of(select(func.sum(func.length(col(Village.name)))), villages),
        _of(select(func.sum(col(Village.collection_interval_days))), villages),
        _of(select(func.sum(col(Village.waste_kg_per_person_day))), villages),
        _of(
            select(func.count(col(Village.id))),
            villages,
            col(Village.boundary_source) == "approximate",
        ),
        _of(select(func.count(col(Household.id))), households),
        _of(select(func.max(col(Household.id))), households),
        _of(select(func.sum(col(Household.persons))), households),
        _of(select(func.sum(col(Household.weight))), households),
        _of(select(func.sum(col(Household.lon) + col(Household.lat))), households),
        _of(select(func.count(col(Subdistrict.id))), subdistricts),
        _of(select(func.sum(func.length(col(Subdistrict.office_name)))), subdistricts),
        # residents' reports, the public ones only: a report waiting for moderation (which
        # anyone may send) must not make the public answers rebuild
        _of(select(func.count(col(CitizenReport.id))), shown, reports),
        _of(select(func.max(col(CitizenReport.id))), shown, reports),
        _of(select(func.max(col(CitizenReport.updated_at))), shown, reports),
    ]
    if subdistrict_id is None:
        # an install of one subdistrict: its office names themselves (same-length renames)
        figures += [
            select(func.max(col(Subdistrict.office_name))),
            select(func.max(col(Subdistrict.office_name_en))),
        ]
    else:
        # one row: its names themselves, so a rename of the same length is seen too
        figures += [
            _of(select(func.max(col(Subdistrict.office_name))), subdistricts),
            _of(select(func.max(col(Subdistrict.office_name_en))), subdistricts),
            _of(select(func.max(col(Subdistrict.name))), subdistricts),
        ]
    row = session.exec(select(*(f.scalar_subquery() for f in figures))).one()
    text = "|".join(str(value) for value in row) + f"|{_generation_of(subdistrict_id)}"
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def subdistricts_version(*, session: Session) -> str:
    """A short digest of the subdistrict table (codes, names, office names): what the index
    of an install with several subdistricts shows. Read in full (a few small strings a
    subdistrict, ~8,000 rows nationally), so a rename of the same length is seen too."""
    rows = session.exec(
        select(
            col(Subdistrict.code),
            col(Subdistrict.name),
            col(Subdistrict.office_name),
            col(Subdistrict.office_name_en),
        ).order_by(col(Subdistrict.id))
    )
    digest = hashlib.sha256(f"s{_subdistrict_rows}".encode())
    for row in rows:
        digest.update("|".join(str(value) for value in row).encode())
    return digest.hexdigest()[:20]


def _of(query: Any, *conditions: Any) -> Any:
    """``query`` with the ``conditions`` that are not None."""
    kept = [c for c in conditions if c is not None]
    return query.where(*kept) if kept else query


#: Changes seen by this process since it started: all of them (what the install-wide answers
#: are versioned by), those that concern every subdistrict (a row whose subdistrict the
#: session cannot tell without a query), and those of each subdistrict.
_generation = 0
_every_subdistrict = 0
_of_subdistrict: Counter[int] = Counter()
_subdistrict_rows = 0  # changes of the subdistrict table itself (the index of subdistricts)
_generation_lock = threading.Lock()
#: ``session.info`` key: the subdistricts touched by the transaction (None: possibly any).
_TOUCHED = "public_data_touched"
_SUBDISTRICT_ROWS = "public_data_subdistrict_rows"


def _generation_of(subdistrict_id: int | None) -> str:
    if subdistrict_id is None:
        return f"g{_generation}"
    return f"g{_every_subdistrict}.{_of_subdistrict[subdistrict_id]}"


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


def _held(session: OrmSession, model: Any, key: int | None) -> Any:
    """The row of ``model`` with primary key ``key`` if the session holds it (no query)."""
    if key is None:
        return None
    return session.identity_map.get(sa_inspect(model).identity_key_from_primary_key((key,)))


def _subdistricts_of(session: OrmSession, row: Any) -> set[int | None]:
    """The subdistricts whose public answers show ``row``, as far as the row (and the bin or
    village it belongs to, when the session holds them) tells; None stands for "possibly
    any" where telling would take a query."""
    if isinstance(row, Subdistrict):
        return {row.id}
    if isinstance(row, Inspection):
        held = _held(session, Bin, row.bin_id)
        return _subdistricts_of(session, held) if held is not None else {None}
    if isinstance(row, Bin | Household) and row.village_id is not None:
        # shown with its village's subdistrict (and a bin also with the one it carries)
        village = _held(session, Village, row.village_id)
        found: set[int | None] = {village.subdistrict_id if village is not None else None}
        if isinstance(row, Bin) and row.subdistrict_id is not None:
            found.add(row.subdistrict_id)
        return found
    if isinstance(row, Bin | Village | AllocationPlanRecord | CitizenReport):
        return {row.subdistrict_id}
    return {None}


@event.listens_for(OrmSession, "after_flush")
def _note_public_changes(session: OrmSession, _context: Any) -> None:
    touched = [r for r in (*session.new, *session.dirty, *session.deleted) if _shows_publicly(r)]
    if touched:
        scopes: set[int | None] = session.info.setdefault(_TOUCHED, set())
        for row in touched:
            scopes |= _subdistricts_of(session, row)
        if any(isinstance(row, Subdistrict) for row in touched):
            session.info[_SUBDISTRICT_ROWS] = True


@event.listens_for(OrmSession, "after_commit")
def _bump_generation(session: OrmSession) -> None:
    # After the commit, not the flush: a request that reads the new generation reads the new rows.
    global _generation, _every_subdistrict, _subdistrict_rows
    scopes: set[int | None] = session.info.pop(_TOUCHED, set())
    if scopes:
        with _generation_lock:
            _generation += 1
            _subdistrict_rows += int(session.info.pop(_SUBDISTRICT_ROWS, False))
            if None in scopes:
                _every_subdistrict += 1
            _of_subdistrict.update(s for s in scopes if s is not None)


@event.listens_for(OrmSession, "after_rollback")
def _forget_changes(session: OrmSession) -> None:
    session.info.pop(_TOUCHED, None)
    session.info.pop(_SUBDISTRICT_ROWS, None)


# --- the cache ---------------------------------------------------------------------------------
#: How many times each public answer was built (the cache's misses); read by tests and benchmarks.
BUILDS: Counter[str] = Counter()
_CACHE: OrderedDict[tuple[str, ...], Any] = OrderedDict()
#: A few answers per data version (page, map, 5 files, metadata); older versions fall out.
_CACHE_SIZE = 32
_LOCK = threading.Lock()


def _settings_digest(settings: Settings) -> str:
    return hashlib.sha256(settings.model_dump_json().encode()).hexdigest()[:12]


def cached(
    kind: str,
    *,
    session: Session,
    settings: Settings,
    build: Callable[[str], T],
    subdistrict_id: int | None = None,
    version_of: Callable[[], str] | None = None,
) -> T:
    """``build(version)``'s result for the current data version, built at most once per version.

    The key holds the database (tests and tools may open several), the settings (office name,
    service radius) and the data version — of subdistrict ``subdistrict_id``'s rows when the
    answer shows only those, or what ``version_of()`` gives for an answer that shows less; a
    concurrent first request may build twice, which is harmless.
    """
    version = (
        version_of()
        if version_of is not None
        else data_version(session=session, subdistrict_id=subdistrict_id)
    )
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


# --- whose data: one subdistrict or the whole install ------------------------------------------
def several_subdistricts(*, session: Session) -> bool:
    """Whether the install serves more than one subdistrict (the unscoped ``/public`` pages
    then become an index and the unscoped files hold every subdistrict)."""
    return subdistrict_count(session=session) > 1


def _scope_id(session: Session, subdistrict: Subdistrict | None) -> int | None:
    """The subdistrict id to filter rows by: None for the whole install and in an install of
    one subdistrict (whose ``/public/<code>`` pages are the same as ``/public``)."""
    if subdistrict is None or not several_subdistricts(session=session):
        return None
    return subdistrict.id


def _key(kind: str, subdistrict_id: int | None, prefix: str = "/public") -> str:
    """The cache key of an answer: of one subdistrict's rows (``@id``), and for answers that
    name their own addresses, of the address they were asked at (``/public/<code>`` in a
    one-subdistrict install shows the same rows as ``/public``)."""
    scoped = kind if subdistrict_id is None else f"{kind}@{subdistrict_id}"
    return scoped if prefix == "/public" else f"{scoped}{prefix}"


def data_prefix(subdistrict: Subdistrict | None) -> str:
    """Where a subdistrict's public pages live: ``/public/<code>``, or ``/public``."""
    return "/public" if subdistrict is None else f"/public/{subdistrict.code}"


def coverage_of(
    *, session: Session, settings: Settings, subdistrict_id: int | None
) -> CoverageResult:
    """Coverage per village with the office defaults: of the whole register (None) or of one
    subdistrict's villages, bins and households."""
    if subdistrict_id is None:
        return planning.compute_coverage(session=session, settings=settings)
    villages, bins, households = planning.analysis_inputs(
        session=session, subdistrict_id=subdistrict_id
    )
    if villages.empty:
        raise InvalidInput.of("no_villages_yet", field="villages")
    pbf = settings.osm_pbf_path
    graph = planning.walking_graph_for(pbf, [villages, bins, households]) if pbf else None
    return coverage_by_village(
        villages,
        bins,
        households,
        radius_m=settings.service_radius_m,
        detour_factor=settings.detour_factor,
        sizing=planning.sizing_parameters(settings),
        walking_graph=graph,
    )


def published_plan(
    *, session: Session, subdistrict: Subdistrict | None = None
) -> AllocationPlanRecord | None:
    """The published allocation list: the install's (as before) or, with several
    subdistricts, the subdistrict's latest published one."""
    subdistrict_id = _scope_id(session, subdistrict)
    if subdistrict_id is None:
        return planning.published_plan(session=session)
    return planning.published_plan(session=session, subdistrict_id=subdistrict_id)


def public_bins(*, session: Session, subdistrict_id: int | None = None) -> gpd.GeoDataFrame:
    """The open-data bin register, of one subdistrict when ``subdistrict_id`` is given."""
    if subdistrict_id is None:
        return overview.public_bins(session=session)
    # the bins carrying its id; read through their villages (and its own), the whole
    # register only when one of them lies outside every village
    villages = villages_of_subdistrict_bins(session=session, subdistrict_id=subdistrict_id)
    own = village_ids_in(session=session, subdistrict_ids=[subdistrict_id])
    frame = (
        overview.public_bins(session=session)
        if None in villages
        else overview.public_bins(
            session=session, village_ids=sorted({*own, *(v for v in villages if v is not None)})
        )
    )
    codes = bin_codes_of_subdistrict(session=session, subdistrict_id=subdistrict_id)
    return frame[frame["code"].isin(codes)].reset_index(drop=True)


# --- what the public sees ----------------------------------------------------------------------
def public_villages_frame(
    *, session: Session, settings: Settings, subdistrict_id: int | None = None
) -> gpd.GeoDataFrame:
    """The per-village overview from the public column list, with the village shapes."""
    coverage = coverage_of(session=session, settings=settings, subdistrict_id=subdistrict_id)
    table = overview.village_overview(
        session=session, settings=settings, coverage=coverage, subdistrict_id=subdistrict_id
    )
    shapes = villages_frame(session=session, subdistrict_id=subdistrict_id)
    # by village id: village numbers repeat from one subdistrict to the next
    shape_of = shapes.set_index("village_id")["geometry"]
    merged = overview.public_villages(table)
    merged["geometry"] = table["village_id"].map(shape_of).to_numpy()
    merged["last_survey_date"] = merged["last_survey_date"].map(
        lambda d: d.isoformat() if hasattr(d, "isoformat") else None
    )
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=4326)


def _metadata(
    *, session: Session, settings: Settings, subdistrict: Subdistrict | None, dated: bool = True
) -> dict[str, Any]:
    """The open data's description; without ``modified`` unless ``dated`` (the date of the
    latest inspection or plan takes reading every bin)."""
    subdistrict_id = _scope_id(session, subdistrict)
    dates: list[str] = []
    if dated:
        plan = published_plan(session=session, subdistrict=subdistrict)
        bins = public_bins(session=session, subdistrict_id=subdistrict_id)
        dates = [d for d in bins["last_inspected"].dropna()]
        if plan is not None and plan.published_at is not None:
            dates.append(plan.published_at.date().isoformat())
    prefix = data_prefix(subdistrict)
    office = office_settings_for(
        session=session,
        settings=settings,
        subdistrict_id=subdistrict.id if subdistrict is not None else None,
    )
    place_th, place_en = office.office_name, office.office_name_en
    if subdistrict_id is not None and subdistrict is not None:
        place_th = place_en = f"{subdistrict.name} ({subdistrict.code})"
    meta: dict[str, Any] = {
        "title": f"ข้อมูลถังขยะ {place_th}",
        "title_en": f"Waste-bin data, {place_en}",
        "publisher": office.office_name,
        "licence": settings.open_data_licence,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "spatial_reference": "EPSG:4326 (WGS 84)",
        "personal_data": "ไม่มีข้อมูลส่วนบุคคล (no personal data)",
        "datasets": [
            {
                "name": name,
                "title": th,
                "title_en": en,
                "downloads": [f"{prefix}/data/{name}.csv"]
                + ([f"{prefix}/data/{name}.geojson"] if name in GEOJSON_DATASETS else []),
            }
            for name, (th, en) in DATASETS.items()
        ],
    }
    if dated:
        meta["modified"] = max(dates) if dates else None
    if subdistrict is not None and subdistrict_id is not None:
        meta["subdistrict_code"] = subdistrict.code
    elif several_subdistricts(session=session):
        meta["subdistricts"] = [
            {"code": s.code, "name": s.name, "metadata": f"/public/{s.code}/data/metadata.json"}
            for s in all_subdistricts(session=session)
        ]
    return meta


def metadata(
    *, session: Session, settings: Settings, subdistrict: Subdistrict | None = None
) -> dict[str, Any]:
    """A DCAT-style description of the open data (of one subdistrict when given): title,
    publisher, licence, update date; ``generated_at`` is when the data version it describes
    was first asked for."""
    scope = _scope_id(session, subdistrict)
    return cached(
        _key("metadata", scope, data_prefix(subdistrict)),
        session=session,
        settings=settings,
        build=lambda _v: _metadata(session=session, settings=settings, subdistrict=subdistrict),
        subdistrict_id=scope,
    )


def metadata_file(
    *, session: Session, settings: Settings, subdistrict: Subdistrict | None = None
) -> PublicFile:
    """``metadata.json``."""

    def build(version: str) -> PublicFile:
        body = json_bytes(metadata(session=session, settings=settings, subdistrict=subdistrict))
        return PublicFile(body, "application/json", _etag("metadata", version))

    scope = _scope_id(session, subdistrict)
    kind = _key("metadata.json", scope, data_prefix(subdistrict))
    return cached(kind, session=session, settings=settings, build=build, subdistrict_id=scope)


def page_context(
    *, session: Session, settings: Settings, subdistrict: Subdistrict | None = None
) -> dict[str, Any]:
    """The public page's village table and open-data description (the plan is read per request:
    it is one row, and the template reads it as a record)."""
    subdistrict_id = _scope_id(session, subdistrict)

    def build(_version: str) -> dict[str, Any]:
        coverage = coverage_of(session=session, settings=settings, subdistrict_id=subdistrict_id)
        villages = overview.public_villages(
            overview.village_overview(
                session=session,
                settings=settings,
                coverage=coverage,
                subdistrict_id=subdistrict_id,
            )
        )
        return {
            "villages": villages.to_dict("records"),
            "reports": public_reports.public_reports(
                session=session, limit=RECENT_REPORTS, subdistrict_id=subdistrict_id
            ),
            "meta": metadata(session=session, settings=settings, subdistrict=subdistrict),
        }

    kind = _key("page", subdistrict_id, data_prefix(subdistrict))
    return cached(
        kind, session=session, settings=settings, build=build, subdistrict_id=subdistrict_id
    )


def index_context(*, session: Session, settings: Settings) -> dict[str, Any]:
    """The index of an install with several subdistricts: each one with its page.

    It lists the subdistricts only (each page carries its own update date), so it is
    versioned by the subdistrict table alone: in a national install the index must not
    aggregate every bin and household of the country per request."""

    def build(_version: str) -> dict[str, Any]:
        return {
            "subdistricts": [
                {"code": s.code, "name": s.name, "href": f"/public/{s.code}"}
                for s in all_subdistricts(session=session)
            ],
            "meta": _metadata(session=session, settings=settings, subdistrict=None, dated=False),
        }

    return cached(
        "index",
        session=session,
        settings=settings,
        build=build,
        version_of=lambda: subdistricts_version(session=session),
    )


def _public_map(
    *, session: Session, settings: Settings, subdistrict: Subdistrict | None
) -> folium.Map:
    subdistrict_id = _scope_id(session, subdistrict)
    plan = published_plan(session=session, subdistrict=subdistrict)
    if subdistrict_id is None:
        return overview.coverage_map(
            session=session, settings=settings, audience="public", plan=plan
        )
    # the public variant of overview.coverage_map, every layer of one subdistrict
    coverage = coverage_of(session=session, settings=settings, subdistrict_id=subdistrict_id)
    villages = villages_with_coverage(
        villages_frame(session=session, subdistrict_id=subdistrict_id), coverage
    )
    base = settings.map_base_layer
    return build_coverage_map(
        villages=villages,
        bins=public_bins(session=session, subdistrict_id=subdistrict_id),
        uncovered=None,
        recommended_sites=overview.recommended_sites(plan),
        radius_m=settings.service_radius_m / settings.detour_factor,
        base_layer=base,
        roads=basemap.office_roads(settings) if base == "none" else None,
        public_reports=public_reports.public_reports_map_frame(
            session=session, subdistrict_id=subdistrict_id
        ),
    )


def map_file(
    *, session: Session, settings: Settings, subdistrict: Subdistrict | None = None
) -> PublicFile:
    """The public coverage map (no photos, no uncovered clusters) as one HTML page."""

    def build(version: str) -> PublicFile:
        m = _public_map(session=session, settings=settings, subdistrict=subdistrict)
        body = render_map_html(m, asset_base="/vendor").encode("utf-8")
        return PublicFile(body, "text/html; charset=utf-8", _etag("map", version))

    scope = _scope_id(session, subdistrict)
    kind = _key("map", scope)
    return cached(kind, session=session, settings=settings, build=build, subdistrict_id=scope)


def _open_frame(
    name: str, *, session: Session, settings: Settings, subdistrict: Subdistrict | None
) -> pd.DataFrame | None:
    """An open-data table: of one subdistrict, of a single-subdistrict install, or (the whole
    install with several subdistricts) every subdistrict's rows with a ``subdistrict_code``
    column first. ``None`` for the plan while none is published."""
    if subdistrict is None and several_subdistricts(session=session):
        parts = []
        for each in all_subdistricts(session=session):
            if name == "villages" and villages_frame(session=session, subdistrict_id=each.id).empty:
                continue
            part = _open_frame(name, session=session, settings=settings, subdistrict=each)
            if part is not None:
                part.insert(0, "subdistrict_code", each.code)
                parts.append(part)
        if not parts:
            return None
        joined = pd.concat(parts, ignore_index=True)
        return (
            gpd.GeoDataFrame(joined, geometry="geometry", crs=4326)
            if "geometry" in joined
            else joined
        )
    subdistrict_id = _scope_id(session, subdistrict)
    if name == "villages":
        return public_villages_frame(
            session=session, settings=settings, subdistrict_id=subdistrict_id
        )
    if name == "bins":
        return public_bins(session=session, subdistrict_id=subdistrict_id)
    if name == "plan":
        plan = published_plan(session=session, subdistrict=subdistrict)
        return None if plan is None else overview.public_plan_rows(plan)
    if name == "reports":
        return public_reports.public_reports_frame(session=session, subdistrict_id=subdistrict_id)
    raise ValueError(f"no open-data table {name!r}")


def csv_file(
    name: str, *, session: Session, settings: Settings, subdistrict: Subdistrict | None = None
) -> PublicFile | None:
    """An open-data table as CSV; ``None`` for the plan while none is published."""

    def build(version: str) -> PublicFile | None:
        frame = _open_frame(name, session=session, settings=settings, subdistrict=subdistrict)
        if frame is None:
            return None
        if name == "bins":
            frame["lat"], frame["lon"] = frame.geometry.y.round(6), frame.geometry.x.round(6)
        etag = _etag(f"{name}-csv", version)
        return PublicFile(csv_bytes(frame), CSV_MEDIA_TYPE, etag, f"{name}.csv")

    scope = _scope_id(session, subdistrict)
    kind = _key(f"{name}.csv", scope)
    return cached(kind, session=session, settings=settings, build=build, subdistrict_id=scope)


def geojson_file(
    name: str, *, session: Session, settings: Settings, subdistrict: Subdistrict | None = None
) -> PublicFile:
    """An open-data layer as GeoJSON, its metadata alongside the features."""
    if name not in GEOJSON_DATASETS:
        raise ValueError(f"no open-data layer {name!r}")

    def build(version: str) -> PublicFile:
        frame = _open_frame(name, session=session, settings=settings, subdistrict=subdistrict)
        assert frame is not None  # only the plan may be missing, and it is not a layer
        collection = frame_to_geojson(frame)
        collection["metadata"] = metadata(
            session=session, settings=settings, subdistrict=subdistrict
        )
        return PublicFile(
            json_bytes(collection), GEOJSON_MEDIA_TYPE, _etag(f"{name}-geojson", version)
        )

    scope = _scope_id(session, subdistrict)
    kind = _key(f"{name}.geojson", scope, data_prefix(subdistrict))
    return cached(kind, session=session, settings=settings, build=build, subdistrict_id=scope)
