"""The register as a GeoPackage for QGIS: villages, bins, inspections, coverage and the plan,
each layer styled like the web map (styles stored in the file's ``layer_styles`` table).

Written by ``fieldsvc export register`` and downloaded by staff from
``/staff/export/register.gpkg`` (the register of the request's subdistrict only). The file
stays in the office: health staff and admins may take it, village heads and read-only viewers
may not (a portable copy of the whole register with its inspection history is a transfer of
data the office answers for; viewers read the same figures on the staff pages and the public
open data). It holds no personal data: no
names, phone numbers, house numbers or free-text notes; surveyors appear as user ids only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import geopandas as gpd
import pandas as pd
import shapely
from pyproj import CRS
from sqlmodel import Session

from fieldsvc.analysis.coverage import CoverageResult
from fieldsvc.analysis.crs import WGS84, choose_metric_crs
from fieldsvc.config import Settings
from fieldsvc.errors import Forbidden
from fieldsvc.maps.qgis_styles import register_layer_qml
from fieldsvc.models import AllocationPlanRecord, Role, User
from fieldsvc.models.enums import CONDITION_TH, STREAM_TH, Condition, Stream
from fieldsvc.reports.geopackage import StyledLayer, geopackage_bytes, write_geopackage
from fieldsvc.services import overview, planning
from fieldsvc.services.workplace import Workplace
from fieldsvc.storage.frames import bins_frame, villages_frame
from fieldsvc.storage.inspections import inspections_frame
from fieldsvc.storage.register import bin_ids_in_subdistrict

CrsChoice = Literal["wgs84", "utm"]
EXPORT_ROLES = (Role.health_staff, Role.admin)

VILLAGE_LAYER_COLUMNS = [
    "village_id",
    "number",
    "name",
    "code",
    "boundary_source",
    "households",
    "household_basis",
    "households_located",
    "households_covered",
    "covered_share",
    "capacity_ratio",
    "bins_total",
    "bins_usable",
    "bins_damaged",
    "bins_missing",
    "bins_overflowing",
    "median_distance_m",
    "last_survey_date",
]
COVERAGE_LAYER_COLUMNS = [
    "village_id",
    "number",
    "name",
    "stream",
    "household_basis",
    "households",
    "households_located",
    "households_covered",
    "covered_share",
    "bins_total",
    "bins_usable",
    "bins_serving",
    "usable_capacity_l",
    "capacity_ratio",
    "bins_needed",
    "additional_bins_needed",
    "households_per_serving_bin",
    "median_distance_m",
    "p90_distance_m",
    "radius_m",
]
BIN_COUNT_COLUMNS = [
    "bins_total",
    "bins_usable",
    "bins_damaged",
    "bins_missing",
    "bins_overflowing",
    "bins_serving",
]
PLAN_LAYER_COLUMNS = [
    "plan_id",
    "plan_version",
    "plan_status",
    "rank",
    "reason",
    "village_number",
    "village_name",
    "stream",
    "capacity_l",
    "count",
    "households_added",
    "cost_baht",
    "cumulative_cost_baht",
]
DESCRIPTIONS = {
    "villages": "หมู่บ้านและสัดส่วนครัวเรือนที่เข้าถึงถังขยะทั่วไป (villages, general-waste coverage)",
    "coverage": "ความครอบคลุมรายหมู่บ้านและประเภทขยะ (coverage per village and stream)",
    "bins": "ทะเบียนถังขยะและการตรวจล่าสุด (bin register, last inspection)",
    "inspections": "ประวัติการตรวจถัง (inspection history; no personal data)",
    "plan": "จุดแนะนำตั้งถังใหม่ของแผนจัดสรร (recommended sites of the allocation plan)",
}
GEOMETRY_TYPES = {
    "villages": "MultiPolygon",
    "coverage": "MultiPolygon",
    "bins": "Point",
    "inspections": "Point",
    "plan": "Point",
}


@dataclass(frozen=True)
class RegisterExport:
    """The layers to write (EPSG:4326), the CRS asked for and the plan shown (if any)."""

    layers: dict[str, gpd.GeoDataFrame]
    crs: CRS
    plan: AllocationPlanRecord | None

    def counts(self) -> dict[str, int]:
        return {name: len(frame) for name, frame in self.layers.items()}

    def styled(self) -> dict[str, StyledLayer]:
        qml = register_layer_qml()
        return {
            name: StyledLayer(frame, GEOMETRY_TYPES[name], qml[name], DESCRIPTIONS[name])
            for name, frame in self.layers.items()
        }


def require_register_exporter(user: User) -> None:
    """Health staff and admins only (403 for village heads and read-only viewers)."""
    if user.role not in EXPORT_ROLES:
        raise Forbidden.of("register_export_staff_only")


def _utc(values: pd.Series) -> pd.Series:
    # GeoPackage date-times are UTC ("…Z"); other offsets are read as non-conformant by GDAL
    return pd.to_datetime(values, utc=True)


def _whole_numbers(frame: pd.DataFrame, columns: list[str]) -> None:
    for column in columns:
        if column in frame.columns:
            frame[column] = pd.to_numeric(frame[column], errors="coerce").round().astype("Int64")


def _village_numbers(session: Session) -> pd.Series:
    return villages_frame(session=session).set_index("village_id")["number"]


def _villages_layer(
    session: Session, coverage: CoverageResult, settings: Settings
) -> gpd.GeoDataFrame:
    table = overview.village_overview(session=session, settings=settings, coverage=coverage)
    shapes = villages_frame(session=session)[["village_id", "code", "geometry"]]
    table = table[[c for c in VILLAGE_LAYER_COLUMNS if c in table.columns and c != "code"]]
    merged = shapes.merge(table, on="village_id", how="right")
    merged = merged[[c for c in VILLAGE_LAYER_COLUMNS if c in merged.columns] + ["geometry"]]
    _whole_numbers(merged, BIN_COUNT_COLUMNS)
    merged["last_survey_date"] = merged["last_survey_date"].map(
        lambda d: d.isoformat() if hasattr(d, "isoformat") else None
    )
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=WGS84)


def _coverage_layer(session: Session, coverage: CoverageResult) -> gpd.GeoDataFrame:
    table = coverage.by_village
    table = table[[c for c in COVERAGE_LAYER_COLUMNS if c in table.columns]]
    shapes = villages_frame(session=session)[["village_id", "geometry"]]
    merged = table.merge(shapes, on="village_id", how="left")
    merged = merged.sort_values(["number", "stream"], kind="stable").reset_index(drop=True)
    _whole_numbers(merged, [*BIN_COUNT_COLUMNS, "bins_needed", "additional_bins_needed"])
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=WGS84)


def _bins_layer(
    session: Session, inspections: gpd.GeoDataFrame, bin_ids: set[int] | None
) -> gpd.GeoDataFrame:
    bins = bins_frame(session=session)
    if bin_ids is not None:
        bins = bins[bins["bin_id"].isin(bin_ids)].reset_index(drop=True)
    bins["village_number"] = bins["village_id"].map(_village_numbers(session)).astype("Int64")
    bins["stream_th"] = [STREAM_TH.get(Stream(s), s) for s in bins["stream"]]
    bins["condition_th"] = [CONDITION_TH.get(Condition(c), c) for c in bins["condition"]]
    bins["last_inspected_at"] = _utc(bins["last_inspected_at"])
    bins["households_served"] = bins["households_served"].astype("Int64")
    bins["installed_on"] = bins["installed_on"].map(
        lambda d: d.isoformat() if hasattr(d, "isoformat") else None
    )
    last = inspections.drop(columns="geometry").drop_duplicates("bin_id", keep="last")
    last = last.set_index("bin_id")[
        ["inspection_id", "condition", "source", "channel", "accuracy_m", "inspector_id"]
    ].add_prefix("last_")
    merged = bins.merge(last, left_on="bin_id", right_index=True, how="left")
    merged = merged.drop(columns=["village_id"])
    order = [c for c in merged.columns if c != "geometry"] + ["geometry"]
    return gpd.GeoDataFrame(merged[order], geometry="geometry", crs=WGS84)


def _inspections_layer(session: Session, inspections: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    frame = inspections.copy()
    frame["village_number"] = frame["village_id"].map(_village_numbers(session)).astype("Int64")
    frame["observed_at"] = _utc(frame["observed_at"])
    frame["recorded_at"] = _utc(frame["recorded_at"])
    return frame.drop(columns=["village_id"])


def chosen_plan(
    *, session: Session, subdistrict_id: int | None = None, every: bool = True
) -> AllocationPlanRecord | None:
    """The published plan, else the newest one, else none; with ``subdistrict_id`` only a plan
    of that subdistrict (a plan of no subdistrict only when ``every``: a user of every
    subdistrict)."""

    def fits(plan: AllocationPlanRecord) -> bool:
        if subdistrict_id is None:
            return True
        return plan.subdistrict_id == subdistrict_id or (plan.subdistrict_id is None and every)

    published = planning.published_plan(session=session)
    if published is not None and fits(published):
        return published
    plans = [p for p in planning.list_plans(session=session) if fits(p)]
    return plans[0] if plans else None


def _plan_layer(plan: AllocationPlanRecord | None) -> gpd.GeoDataFrame:
    rows = [] if plan is None else [r for r in plan.recommendations if r.get("lon") is not None]
    frame = pd.DataFrame(rows)
    for column in PLAN_LAYER_COLUMNS[3:]:
        if column not in frame.columns:
            frame[column] = pd.Series(dtype="object")
    for column in ("rank", "village_number", "capacity_l", "count"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
    for column in ("households_added", "cost_baht", "cumulative_cost_baht"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    frame["plan_id"] = plan.id if plan is not None else None
    frame["plan_version"] = plan.version if plan is not None else None
    frame["plan_status"] = plan.status if plan is not None else None
    points = (
        shapely.points(
            pd.to_numeric(frame.get("lon"), errors="coerce"),
            pd.to_numeric(frame.get("lat"), errors="coerce"),
        )
        if len(frame)
        else []
    )
    return gpd.GeoDataFrame(frame[PLAN_LAYER_COLUMNS], geometry=list(points), crs=WGS84)


def register_export(
    *,
    session: Session,
    settings: Settings,
    crs: CrsChoice = "wgs84",
    subdistrict_id: int | None = None,
    every: bool = True,
) -> RegisterExport:
    """Build the register's layers; ``crs="utm"`` picks the UTM zone of the data's extent
    (EPSG:32647 or 32648 in Thailand) as the coverage analysis does. With ``subdistrict_id``
    only that subdistrict's villages, bins, inspections and plan (``every``: see
    ``chosen_plan``)."""
    coverage = planning.compute_coverage(
        session=session, settings=settings, subdistrict_id=subdistrict_id
    )
    inspections = inspections_frame(session=session)
    bin_ids = None
    if subdistrict_id is not None:
        bin_ids = bin_ids_in_subdistrict(session=session, subdistrict_id=subdistrict_id)
        inspections = inspections[inspections["bin_id"].isin(bin_ids)].reset_index(drop=True)
    plan = chosen_plan(session=session, subdistrict_id=subdistrict_id, every=every)
    layers = {
        "villages": _villages_layer(session, coverage, settings),
        "coverage": _coverage_layer(session, coverage),
        "bins": _bins_layer(session, inspections, bin_ids),
        "inspections": _inspections_layer(session, inspections),
        "plan": _plan_layer(plan),
    }
    target = WGS84
    if crs == "utm":
        target = choose_metric_crs([layers["villages"], layers["bins"]])
    return RegisterExport(layers=layers, crs=target, plan=plan)


def register_geopackage(
    *,
    session: Session,
    settings: Settings,
    user: User,
    crs: CrsChoice = "wgs84",
    place: Workplace | None = None,
) -> bytes:
    """The staff download: the register GeoPackage as bytes, of ``place``'s subdistrict."""
    require_register_exporter(user)
    export = register_export(
        session=session,
        settings=settings,
        crs=crs,
        subdistrict_id=place.subdistrict_id if place is not None else None,
        every=place.every if place is not None else True,
    )
    return geopackage_bytes(export.styled(), crs=export.crs)


def write_register_geopackage(
    *, session: Session, settings: Settings, out: Path, crs: CrsChoice = "wgs84"
) -> RegisterExport:
    """The command line's export: write the GeoPackage to ``out`` (replaced if it exists)."""
    export = register_export(session=session, settings=settings, crs=crs)
    write_geopackage(out, export.styled(), crs=export.crs)
    return export
