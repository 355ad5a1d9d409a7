"""Coverage and allocation use cases: database → analysis frames → saved, versioned plans.

The analysis itself is pure (``fieldsvc.analysis``); this module only gathers its inputs from
the register, applies the office's settings, and records what was decided.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from sqlmodel import Session, col, func, select

from fieldsvc.analysis.allocation import DEFAULT_UNIT_PRICE_BAHT, allocate_bins
from fieldsvc.analysis.coverage import CoverageResult, coverage_by_village
from fieldsvc.analysis.network import WalkingGraph, walking_graph_from_pbf
from fieldsvc.analysis.sizing import SizingParameters
from fieldsvc.config import Settings
from fieldsvc.errors import InvalidInput, NotFound
from fieldsvc.models import AllocationPlanRecord, Bin, User
from fieldsvc.models.types import utc_now
from fieldsvc.reports.open_data import finite_or_none
from fieldsvc.services.plan_progress import start_following
from fieldsvc.services.workplace import Workplace
from fieldsvc.storage.frames import bins_frame, households_frame, villages_frame
from fieldsvc.storage.plan_items import only_subdistrict_id, plans_of_subdistrict
from fieldsvc.thai import fiscal_year_be, local_date


def sizing_parameters(settings: Settings) -> SizingParameters:
    """The office's sizing defaults (DOMAIN.md), from the one settings object."""
    return SizingParameters(
        g_kg_per_person_day=settings.waste_kg_per_person_day,
        collection_interval_days=settings.collection_interval_days,
        k_peak=settings.peak_factor,
        f_coll=settings.collected_share,
        density_kg_m3=settings.bin_density_kg_m3,
        fill_fraction=settings.bin_fill_fraction,
        persons_per_household=settings.persons_per_household,
    )


def analysis_inputs(
    *, session: Session, subdistrict_id: int | None = None
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame | None]:
    """Villages, bins and household points as the analysis expects them (EPSG:4326); of one
    subdistrict's villages when ``subdistrict_id`` is given (the national run's slice)."""
    villages = villages_frame(session=session, subdistrict_id=subdistrict_id)
    ids = None if subdistrict_id is None else [int(v) for v in villages["village_id"]]
    bins = bins_frame(session=session, village_ids=ids)
    # A bin registered outside every known village (a survey with an unknown village number and
    # a point outside the polygons) counts for no village: coverage is per village.
    if bins["village_id"].hasnans:  # never in one subdistrict's slice (read by village)
        bins = bins[bins["village_id"].notna()]
    households = households_frame(session=session, village_ids=ids)
    return villages, bins, (households if len(households) else None)


def walking_graph_for(
    pbf_path: Path, frames: Sequence[gpd.GeoDataFrame | None], *, margin_deg: float = 0.01
) -> WalkingGraph:
    """The walking network of a local OpenStreetMap extract, read only around the data."""
    present = [f for f in frames if f is not None and not f.empty]
    bounds = np.array([f.total_bounds for f in present])
    box = (
        float(np.nanmin(bounds[:, 0])) - margin_deg,
        float(np.nanmin(bounds[:, 1])) - margin_deg,
        float(np.nanmax(bounds[:, 2])) + margin_deg,
        float(np.nanmax(bounds[:, 3])) + margin_deg,
    )
    return walking_graph_from_pbf(pbf_path, bounding_box=box)


def compute_coverage(
    *,
    session: Session,
    settings: Settings,
    radius_m: float | None = None,
    detour_factor: float | None = None,
    osm_pbf_path: Path | None = None,
    subdistrict_id: int | None = None,
) -> CoverageResult:
    """Coverage per village and stream for the whole register, with the office defaults; of
    one subdistrict's villages only when ``subdistrict_id`` is given.

    With an OpenStreetMap extract (``osm_pbf_path`` or the ``osm_pbf_path`` setting) distances
    are walked along its paths; otherwise straight line × detour factor.
    """
    villages, bins, households = analysis_inputs(session=session, subdistrict_id=subdistrict_id)
    if villages.empty:
        raise InvalidInput.of("no_villages_yet", field="villages")
    pbf = osm_pbf_path or settings.osm_pbf_path
    graph = walking_graph_for(pbf, [villages, bins, households]) if pbf else None
    return coverage_by_village(
        villages,
        bins,
        households,
        radius_m=radius_m or settings.service_radius_m,
        detour_factor=detour_factor or settings.detour_factor,
        sizing=sizing_parameters(settings),
        walking_graph=graph,
    )


def json_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-safe rows (NaN and ±inf → None, numpy → Python, dates → ISO text).

    A capacity ratio is infinite where a village makes no waste of a stream; JSON has no
    infinity, so it is written as null like any other value that cannot be given."""
    plain = pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
    plain = plain.replace([np.inf, -np.inf], np.nan)
    text = plain.to_json(orient="records", date_format="iso")
    # pandas rounds to 10 significant digits: a value near the float limit can round past it
    rows: list[dict[str, Any]] = json.loads(
        text, parse_float=finite_or_none, parse_constant=lambda _name: None
    )
    return rows


def _village_names(villages: pd.DataFrame) -> dict[Any, tuple[int, str]]:
    return {
        row.village_id: (int(row.number), str(row.name))
        for row in villages[["village_id", "number", "name"]].itertuples()
    }


def _with_village_labels(
    rows: list[dict[str, Any]], names: Mapping[Any, tuple[int, str]]
) -> list[dict[str, Any]]:
    for row in rows:
        number, name = names.get(row.get("village_id"), (None, None))
        row["village_number"], row["village_name"] = number, name
    return rows


def create_plan(
    *,
    session: Session,
    settings: Settings,
    budget_baht: float | None = None,
    max_new_bins: int | None = None,
    equity_floor_share: float = 0.5,
    radius_m: float | None = None,
    unit_price_baht: Mapping[float, float] | None = None,
    new_bin_capacity_l: float = 240.0,
    title: str | None = None,
    created_by: User | None = None,
    today: date | None = None,
    subdistrict_id: int | None = None,
) -> AllocationPlanRecord:
    """Run the allocation on the current register and save it as the next plan version.

    With ``subdistrict_id`` the plan is that subdistrict's: made from its villages only and
    numbered after its own plans. Without it (a single-office install) the whole register is
    planned, for the install's only subdistrict when it has exactly one.
    """
    if budget_baht is None and max_new_bins is None:
        raise InvalidInput.of("budget_or_bins_missing", field="budget_baht")
    scope = subdistrict_id
    if scope is None:
        scope = only_subdistrict_id(session=session)
    villages, bins, households = analysis_inputs(session=session, subdistrict_id=subdistrict_id)
    prices = dict(unit_price_baht or DEFAULT_UNIT_PRICE_BAHT)
    radius = radius_m or settings.service_radius_m
    sizing = sizing_parameters(settings)
    plan = allocate_bins(
        villages,
        bins,
        households,
        budget_baht=budget_baht,
        max_new_bins=max_new_bins,
        unit_price_baht=prices,
        new_bin_capacity_l=new_bin_capacity_l,
        equity_floor_share=equity_floor_share,
        radius_m=radius,
        detour_factor=settings.detour_factor,
        sizing=sizing,
    )
    day = today or local_date(utc_now())
    year = fiscal_year_be(day)
    version = _next_version(session, scope)
    names = _village_names(villages)
    parameters: dict[str, Any] = {
        "budget_baht": budget_baht,
        "max_new_bins": max_new_bins,
        "equity_floor_share": equity_floor_share,
        "radius_m": radius,
        "detour_factor": settings.detour_factor,
        "new_bin_capacity_l": new_bin_capacity_l,
        "unit_price_baht": {str(int(k)): v for k, v in prices.items()},
        "sizing": {k: getattr(sizing, k) for k in sizing.__dataclass_fields__},
        "register_counts": {
            "villages": len(villages),
            "bins": len(bins),
            "households": 0 if households is None else len(households),
        },
        **{k: v for k, v in plan.parameters.items() if k not in ("unit_price_baht",)},
    }
    record = AllocationPlanRecord(
        subdistrict_id=scope,
        version=version,
        title=title or f"แผนจัดสรรถังขยะ ปีงบประมาณ {year} (ฉบับที่ {version})",
        fiscal_year_be=year,
        created_by_id=created_by.id if created_by else None,
        budget_baht=budget_baht,
        spent_baht=float(plan.spent_baht),
        parameters=json.loads(json.dumps(parameters, default=_json_default)),
        summary=json_rows(plan.summary),
        villages=_with_village_labels(json_rows(plan.villages), names),
        recommendations=_with_village_labels(json_rows(plan.recommendations), names),
        deferred=_with_village_labels(json_rows(plan.deferred), names),
    )
    session.add(record)
    session.flush()
    return record


def _of_subdistrict(query: Any, session: Session, subdistrict_id: int | None) -> Any:
    """``query`` on plans kept to one subdistrict's (all of them when None)."""
    if subdistrict_id is None:
        return query
    return query.where(plans_of_subdistrict(session=session, subdistrict_id=subdistrict_id))


def _next_version(session: Session, subdistrict_id: int | None) -> int:
    """The next plan number of a subdistrict (versions count per subdistrict)."""
    query = select(func.max(AllocationPlanRecord.version))
    if subdistrict_id is None:
        query = query.where(col(AllocationPlanRecord.subdistrict_id).is_(None))
    else:
        query = _of_subdistrict(query, session, subdistrict_id)
    return int(session.exec(query).one() or 0) + 1


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def replaced_bin_codes(*, session: Session, plan: AllocationPlanRecord) -> dict[int, str]:
    """Codes painted on the bins a plan replaces (register id → code), for printed lists."""
    ids = {int(r["bin_id"]) for r in plan.recommendations if r.get("bin_id") is not None}
    if not ids:
        return {}
    rows = session.exec(select(Bin.id, Bin.code).where(col(Bin.id).in_(ids))).all()
    return {int(bin_id): code for bin_id, code in rows if bin_id is not None}


def list_plans(
    *, session: Session, subdistrict_id: int | None = None
) -> Sequence[AllocationPlanRecord]:
    """Saved plans, newest version first; of one subdistrict when ``subdistrict_id`` is given."""
    query = _of_subdistrict(select(AllocationPlanRecord), session, subdistrict_id)
    return session.exec(  # type: ignore[no-any-return]
        query.order_by(col(AllocationPlanRecord.version).desc(), col(AllocationPlanRecord.id))
    ).all()


def get_plan(
    *, session: Session, plan_id: int, place: Workplace | None = None
) -> AllocationPlanRecord:
    """Saved plan ``plan_id``; ``plan_not_found`` also when it is a plan of a subdistrict the
    user of ``place`` does not work for (its existence is not told)."""
    plan = session.get(AllocationPlanRecord, plan_id)
    if plan is None or (place is not None and not place.may_see(plan.subdistrict_id)):
        raise NotFound.of("plan_not_found", field="plan_id", plan_id=plan_id)
    return plan


def publish_plan(
    *, session: Session, plan: AllocationPlanRecord, published_by: User | None = None
) -> AllocationPlanRecord:
    """Mark a plan as the published one (earlier published plans stay, marked superseded) and
    start following its items (approved by ``published_by``; see ``services.plan_progress``).

    Only the plans of the same subdistrict are superseded: each subdistrict has its own
    published plan."""
    published = select(AllocationPlanRecord).where(AllocationPlanRecord.status == "published")
    if plan.subdistrict_id is not None:
        published = _of_subdistrict(published, session, plan.subdistrict_id)
    for other in session.exec(published):
        if other.id != plan.id:
            other.status = "superseded"
            session.add(other)
    plan.status = "published"
    plan.published_at = utc_now()
    session.add(plan)
    session.flush()
    start_following(session=session, plan=plan, approved_by=published_by)
    return plan


def save_plan(
    *,
    session: Session,
    settings: Settings,
    created_by: User,
    budget_baht: float | None = None,
    max_new_bins: int | None = None,
    equity_floor_share: float = 0.5,
    radius_m: float | None = None,
    title: str | None = None,
    subdistrict_id: int | None = None,
) -> AllocationPlanRecord:
    """:func:`create_plan` for a staff member, committed (the API's and the pages' use case):
    a plan of subdistrict ``subdistrict_id`` (the request's workplace)."""
    plan = create_plan(
        subdistrict_id=subdistrict_id,
        session=session,
        settings=settings,
        budget_baht=budget_baht,
        max_new_bins=max_new_bins,
        equity_floor_share=equity_floor_share,
        radius_m=radius_m,
        title=title,
        created_by=created_by,
    )
    session.commit()
    return plan


def publish_saved_plan(
    *,
    session: Session,
    plan_id: int,
    published_by: User | None = None,
    place: Workplace | None = None,
) -> AllocationPlanRecord:
    """Publish saved plan ``plan_id`` (404 when there is none, or it is of a subdistrict the
    user of ``place`` does not work for), committed."""
    plan = publish_plan(
        session=session,
        plan=get_plan(session=session, plan_id=plan_id, place=place),
        published_by=published_by,
    )
    session.commit()
    return plan


def published_plan(
    *, session: Session, subdistrict_id: int | None = None
) -> AllocationPlanRecord | None:
    """The published plan (of subdistrict ``subdistrict_id`` when given; else the latest
    published of the install)."""
    query = select(AllocationPlanRecord).where(AllocationPlanRecord.status == "published")
    query = _of_subdistrict(query, session, subdistrict_id)
    return session.exec(  # type: ignore[no-any-return]
        query.order_by(
            col(AllocationPlanRecord.published_at).desc(), col(AllocationPlanRecord.id).desc()
        )
    ).first()
