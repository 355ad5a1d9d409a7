"""What the dashboard, the public page and the map show: per-village overview, map layers and
the open-data tables. Public variants are built from an allow-list of columns, so personal data
(house numbers, surveyors, phones, notes, tokens) cannot reach them by accident."""

from __future__ import annotations

from typing import Any, Literal

import folium
import geopandas as gpd
import pandas as pd
import shapely
from sqlmodel import Session, col, func, select

from fieldsvc.analysis.coverage import CoverageResult
from fieldsvc.config import Settings
from fieldsvc.ingest.photos import is_readable_media_type
from fieldsvc.maps.coverage_map import build_coverage_map, villages_with_coverage
from fieldsvc.maps.elements import UNREADABLE_PHOTO
from fieldsvc.maps.report_layers import report_layers
from fieldsvc.models import (
    AllocationPlanRecord,
    Attachment,
    CitizenReport,
    Submission,
    TraffyTicket,
)
from fieldsvc.services import basemap, planning
from fieldsvc.services.citizen_triage import VillageCount, open_reports_on_map, village_counts
from fieldsvc.services.public_reports import public_reports_map_frame
from fieldsvc.storage.frames import bins_frame, villages_frame
from fieldsvc.storage.plan_items import only_subdistrict_id
from fieldsvc.storage.tenancy import village_ids_in, village_numbers
from fieldsvc.storage.traffy import traffy_frame
from fieldsvc.thai import THAI_TZ

Audience = Literal["staff", "public"]

#: The only columns that leave the office on public pages and open-data files.
PUBLIC_VILLAGE_COLUMNS = [
    "number",
    "name",
    "boundary_source",
    "households",
    "household_basis",
    "bins_total",
    "bins_usable",
    "bins_damaged",
    "bins_missing",
    "bins_overflowing",
    "covered_share",
    "capacity_ratio",
    "households_per_serving_bin",
    "median_distance_m",
    "last_survey_date",
]
PUBLIC_BIN_COLUMNS = [
    "code",
    "village_number",
    "stream",
    "condition",
    "capacity_l",
    "last_inspected",
]
PUBLIC_PLAN_COLUMNS = [
    "rank",
    "reason",
    "village_number",
    "village_name",
    "stream",
    "capacity_l",
    "count",
    "lon",
    "lat",
    "households_added",
    "cost_baht",
    "cumulative_cost_baht",
]


def _village_ids(session: Session, subdistrict_id: int | None) -> list[int] | None:
    """The ids of one subdistrict's villages (None: every village, no filter)."""
    if subdistrict_id is None:
        return None
    return village_ids_in(session=session, subdistrict_ids=[subdistrict_id])


def village_overview(
    *,
    session: Session,
    settings: Settings,
    coverage: CoverageResult | None = None,
    subdistrict_id: int | None = None,
) -> pd.DataFrame:
    """One row per village for general waste: bins by condition, coverage, capacity against
    demand, households per bin, the date of the latest inspection (Thai time) and where the
    village's boundary came from (``boundary_source``: imported, approximate or empty).

    Of one subdistrict's villages when ``subdistrict_id`` is given (``coverage``, when passed,
    must be of the same slice)."""
    coverage = coverage or planning.compute_coverage(
        session=session, settings=settings, subdistrict_id=subdistrict_id
    )
    table = coverage.by_village
    general = table[table["stream"] == "general"].copy()
    bins = bins_frame(session=session, village_ids=_village_ids(session, subdistrict_id))
    last = (
        bins.dropna(subset=["village_id"])
        .groupby("village_id")["last_inspected_at"]
        .max()
        .rename("last_survey_at")
    )
    general = general.merge(last, left_on="village_id", right_index=True, how="left")
    thai = pd.to_datetime(general["last_survey_at"], utc=True).dt.tz_convert(THAI_TZ)
    general["last_survey_date"] = thai.dt.date
    counts = bins.groupby(["village_id", "condition"]).size().unstack(fill_value=0)
    for condition in ("usable", "damaged", "missing", "overflowing"):
        name = f"bins_{condition}"
        if name not in general.columns:
            general[name] = general["village_id"].map(counts.get(condition, {}))
    general["bins_total"] = general["village_id"].map(counts.sum(axis=1)).fillna(0).astype(int)
    sources = villages_frame(session=session, subdistrict_id=subdistrict_id).set_index(
        "village_id"
    )["boundary_source"]
    # "approximate": an area estimated from village centres, shown as such wherever listed.
    general["boundary_source"] = general["village_id"].map(sources)
    return general.sort_values("number").reset_index(drop=True)


def village_report_counts(
    *, session: Session, subdistrict_id: int | None = None
) -> list[VillageCount]:
    """The dashboard's open residents' reports per village: of one subdistrict's villages when
    ``subdistrict_id`` is given (reports outside every village are then counted only in an
    install of that one subdistrict)."""
    if subdistrict_id is None or only_subdistrict_id(session=session) == subdistrict_id:
        return village_counts(session=session)
    # its villages and their reports only: a national install holds ~75,000 villages
    counts = village_counts(session=session, subdistrict_id=subdistrict_id)
    return [c for c in counts if c.village_id is not None]


def public_villages(overview: pd.DataFrame) -> pd.DataFrame:
    return overview[[c for c in PUBLIC_VILLAGE_COLUMNS if c in overview.columns]].copy()


def public_bins(
    *,
    session: Session,
    subdistrict_id: int | None = None,
    village_ids: list[int] | None = None,
) -> gpd.GeoDataFrame:
    """The bin register for open data: code, village, stream, condition, size, last date (of
    one subdistrict's villages when ``subdistrict_id`` is given, of ``village_ids`` when
    given)."""
    if village_ids is None:
        village_ids = _village_ids(session, subdistrict_id)
    bins = bins_frame(session=session, village_ids=village_ids)
    numbers: pd.Series[Any] | dict[int, int]
    if village_ids is None:
        numbers = villages_frame(session=session).set_index("village_id")["number"]
    else:
        numbers = village_numbers(session=session, village_ids=village_ids)
    bins["village_number"] = bins["village_id"].map(numbers).astype("Int64")
    inspected = pd.to_datetime(bins["last_inspected_at"], utc=True)
    bins["last_inspected"] = inspected.dt.tz_convert(THAI_TZ).dt.strftime("%Y-%m-%d")
    return gpd.GeoDataFrame(bins[PUBLIC_BIN_COLUMNS], geometry=bins.geometry, crs=4326)


def public_plan_rows(plan: AllocationPlanRecord) -> pd.DataFrame:
    rows = pd.DataFrame(plan.recommendations)
    if rows.empty:
        return pd.DataFrame(columns=PUBLIC_PLAN_COLUMNS)
    return rows[[c for c in PUBLIC_PLAN_COLUMNS if c in rows.columns]]


def _latest_photos(session: Session) -> dict[int, tuple[str, bool]]:
    """bin id → sha256 of the most recent photo received for it, and whether it can be opened
    as a picture (one that cannot is named in the popup, never shown as an image)."""
    latest = (
        select(Submission.bin_id, func.max(Attachment.id))
        .join(Attachment, col(Attachment.submission_id) == col(Submission.id))
        .where(col(Attachment.sha256).is_not(None), col(Submission.bin_id).is_not(None))
        .group_by(col(Submission.bin_id))
    )
    ids: dict[int, int] = {a: b for b, a in session.exec(latest) if a is not None and b is not None}
    if not ids:
        return {}
    rows = session.exec(select(Attachment).where(col(Attachment.id).in_(list(ids))))
    return {
        ids[a.id]: (a.sha256, is_readable_media_type(a.media_type))
        for a in rows
        if a.id is not None and a.sha256 is not None
    }


def _photo_url(photo: tuple[str, bool] | None) -> str | None:
    if photo is None:
        return None
    sha256, readable = photo
    return f"/api/v1/media/{sha256}" if readable else UNREADABLE_PHOTO


def _reports_of(
    session: Session, reports: gpd.GeoDataFrame, subdistrict_id: int | None
) -> gpd.GeoDataFrame:
    """Residents' report points (a ``ticket`` column) of one subdistrict only (all when
    ``subdistrict_id`` is None)."""
    if subdistrict_id is None:
        return reports
    tickets = session.exec(
        select(CitizenReport.ticket).where(CitizenReport.subdistrict_id == subdistrict_id)
    ).all()
    return reports[reports["ticket"].isin(list(tickets))].reset_index(drop=True)


def recommended_sites(plan: AllocationPlanRecord | None) -> gpd.GeoDataFrame | None:
    """Where a plan puts new bins (capacity and coverage rows with a location) as points."""
    if plan is None:
        return None
    rows = [
        r
        for r in plan.recommendations
        if r.get("reason") in ("capacity", "coverage") and r.get("lon") is not None
    ]
    if not rows:
        return None
    frame = pd.DataFrame(rows)
    return gpd.GeoDataFrame(
        frame.drop(columns=["lon", "lat"]),
        geometry=shapely.points(frame["lon"], frame["lat"]),
        crs=4326,
    )


def coverage_map(
    *,
    session: Session,
    settings: Settings,
    audience: Audience,
    plan: AllocationPlanRecord | None = None,
    coverage: CoverageResult | None = None,
    base_layer: str | None = None,
    subdistrict_id: int | None = None,
) -> folium.Map:
    """The coverage map for staff (photos, uncovered clusters) or the public (no photos); of
    one subdistrict (its villages, bins, households, reports and tickets) when
    ``subdistrict_id`` is given (``coverage`` and ``plan``, when passed, must be its own)."""
    coverage = coverage or planning.compute_coverage(
        session=session, settings=settings, subdistrict_id=subdistrict_id
    )
    villages = villages_with_coverage(
        villages_frame(session=session, subdistrict_id=subdistrict_id), coverage
    )
    traffy = None
    reports = None
    if audience == "public":
        bins: Any = public_bins(session=session, subdistrict_id=subdistrict_id)
        uncovered = None
        reports = _reports_of(session, public_reports_map_frame(session=session), subdistrict_id)
    else:
        bins = bins_frame(session=session, village_ids=_village_ids(session, subdistrict_id))
        photos = _latest_photos(session)
        bins["photo_url"] = [_photo_url(photos.get(b)) for b in bins["bin_id"]]
        bins["thumbnail_url"] = [
            f"{u}/thumbnail" if u and u != UNREADABLE_PHOTO else None for u in bins["photo_url"]
        ]
        uncovered = coverage.uncovered_clusters
        # comments of Traffy Fondue reporters can name people: staff maps only
        traffy = traffy_frame(session=session)
        if subdistrict_id is not None:
            ids = session.exec(
                select(TraffyTicket.id).where(TraffyTicket.subdistrict_id == subdistrict_id)
            ).all()
            traffy = traffy[traffy["id"].isin(list(ids))].reset_index(drop=True)
    base = base_layer or settings.map_base_layer
    extra: tuple[list[Any], str | None] = ([], None)
    if audience != "public":  # every open report and the counts per village: staff only
        counts, staff_reports = open_reports_on_map(session=session)
        staff_reports = _reports_of(session, staff_reports, subdistrict_id)
        villages["open_reports"] = [counts.get(v, 0) for v in villages["village_id"]]
        extra = report_layers(
            villages=villages, reports=staff_reports, many=settings.citizen_many_open_reports
        )
    return build_coverage_map(
        villages=villages,
        bins=bins,
        uncovered=uncovered,
        recommended_sites=recommended_sites(plan),
        radius_m=settings.service_radius_m / settings.detour_factor,
        base_layer=base,
        # without tiles, the roads of the office's OpenStreetMap extract give the context
        roads=basemap.office_roads(settings) if base == "none" else None,
        traffy_tickets=traffy,
        extra_layers=extra[0],
        extra_legend_html=extra[1],
        public_reports=reports,
    )
