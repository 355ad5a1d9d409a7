"""Where the next bins go: replacements, capacity, then coverage sites.

The rule is the explainable one used for budgeted maximum coverage:

1. **replacement** — every missing, then every damaged bin is replaced with the same size
   and stream (villages with the least capacity first);
2. **capacity** — villages whose usable capacity is below their waste per collection
   cycle get the missing bins (lowest capacity ratio first). Each bin gets a place
   (:mod:`.capacity_siting`): first the village's sites that bring the most of its
   households within reach (max cover, existing bins and earlier sites fixed), then, once
   nothing more can be reached, next to its most loaded serving bins;
3. **coverage** — new sites for ``coverage_stream``, chosen greedily by households newly
   within reach per baht, with the capacity bins already standing (no household is
   counted twice). With an equity floor, every village with household points first
   reaches ``equity_floor_share`` coverage (or cannot be helped further), and a village
   that has no serving bin gets one, before any village gets more.

The money runs out in that order: an item that does not fit the remaining budget is
deferred (listed in ``AllocationPlan.deferred``) and cheaper later items may still fit.
The plan is deterministic: ties are broken by village order, then candidate order.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from fieldsvc.analysis.capacity_siting import CapacityPlacer, ReplacedBins, capacity_needs
from fieldsvc.analysis.coverage import (
    DEFAULT_STREAM_WASTE_SHARE,
    CoverageResult,
    coverage_by_village,
)
from fieldsvc.analysis.crs import WGS84, point_xy, xy_to_lonlat
from fieldsvc.analysis.defaults import DETOUR_FACTOR, SERVICE_RADIUS_M
from fieldsvc.analysis.equity_siting import EquitySiting
from fieldsvc.analysis.errors import AnalysisInputError
from fieldsvc.analysis.households import demand_households
from fieldsvc.analysis.sizing import SizingParameters

#: Editable default unit prices in baht per bin, by capacity in litres. Illustrative
#: figures for planning, not quotations: replace them with the อบต.'s own price list.
DEFAULT_UNIT_PRICE_BAHT: Mapping[float, float] = {
    120: 1_500.0,
    200: 1_200.0,
    240: 2_500.0,
    660: 9_000.0,
    1100: 15_000.0,
}

RECOMMENDATION_COLUMNS = [
    "rank",
    "reason",
    "village_id",
    "stream",
    "capacity_l",
    "count",
    "bin_id",
    "lon",
    "lat",
    "households_added",
    "cost_baht",
    "cumulative_cost_baht",
]


@dataclass(frozen=True, eq=False)
class AllocationPlan:
    """Output of :func:`allocate_bins`.

    Attributes
    ----------
    recommendations
        Funded items in priority order (``RECOMMENDATION_COLUMNS``): ``reason`` is
        ``replacement``, ``capacity`` or ``coverage``; ``bin_id`` is the bin replaced;
        ``lon``/``lat`` (EPSG:4326) the old bin (replacement) or where the new bins stand
        (capacity, coverage; a capacity row may hold several bins next to one existing
        bin). ``households_added`` counts households newly within reach of a bin of the
        row's stream; over the ``coverage_stream`` rows it adds up to the summary's
        ``households_covered`` after minus before.
    deferred
        Items that did not fit the budget or bin limit, same columns (rank NaN).
    summary
        Efficiency and equity side by side: one row per scenario (``before``: existing
        bins and replacements; ``efficiency``, ``equity_floor``: plus the placed capacity
        bins and the coverage sites of that rule, both for ``coverage_stream``) with new
        sites, new bins, their cost, households covered, overall
        and minimum village coverage, worst village, Gini and villages below the floor.
    villages
        Per village: households located and covered (weighted) before and under each
        scenario, and ``household_basis`` (what the households rest on).
    budget_baht, spent_baht
        Budget given (None = unlimited) and the cost of the funded items.
    """

    recommendations: pd.DataFrame
    deferred: pd.DataFrame
    summary: pd.DataFrame
    villages: pd.DataFrame
    budget_baht: float | None
    spent_baht: float
    parameters: Mapping[str, Any] = field(default_factory=dict)


class _Purse:
    """Remaining money and bins; decides what can be funded."""

    def __init__(self, budget_baht: float | None, max_new_bins: int | None) -> None:
        self.money = math.inf if budget_baht is None else float(budget_baht)
        self.bins = math.inf if max_new_bins is None else int(max_new_bins)

    def affordable(self, unit_cost: float, count: int) -> int:
        by_money = count if unit_cost <= 0 else int(min(count, self.money // unit_cost))
        return int(max(0, min(by_money, count, self.bins)))

    def spend(self, unit_cost: float, count: int) -> None:
        self.money -= unit_cost * count
        self.bins -= count


def _price(unit_price_baht: Mapping[float, float], capacity_l: float) -> float:
    for size, price in unit_price_baht.items():
        if float(size) == float(capacity_l):
            return float(price)
    raise AnalysisInputError.of(
        "unit_price_missing",
        field="unit_price_baht",
        details={"value": capacity_l},
        capacity_l=capacity_l,
        known=sorted(float(s) for s in unit_price_baht),
    )


def allocate_bins(
    villages: pd.DataFrame,
    bins: gpd.GeoDataFrame,
    households: gpd.GeoDataFrame | None,
    *,
    budget_baht: float | None = None,
    max_new_bins: int | None = None,
    unit_price_baht: Mapping[float, float] = DEFAULT_UNIT_PRICE_BAHT,
    new_bin_capacity_l: float = 240.0,
    coverage_stream: str = "general",
    equity_floor_share: float = 0.5,
    radius_m: float = SERVICE_RADIUS_M,
    detour_factor: float = DETOUR_FACTOR,
    sizing: SizingParameters = SizingParameters(),
    stream_waste_share: Mapping[str, float] = DEFAULT_STREAM_WASTE_SHARE,
    candidates: gpd.GeoDataFrame | None = None,
    candidate_spacing_m: float = 50.0,
    site_capacity_bins: bool = True,
    coverage: CoverageResult | None = None,
) -> AllocationPlan:
    """Recommend replacements, capacity bins and new coverage sites within a budget.

    Parameters
    ----------
    villages, bins, households
        As for :func:`~fieldsvc.analysis.coverage.coverage_by_village`.
    budget_baht
        Money available; None means no money limit.
    max_new_bins
        Number of bins available (replacements included); None means no limit.
    unit_price_baht
        Price per bin by capacity in litres (editable defaults,
        :data:`DEFAULT_UNIT_PRICE_BAHT`; 240 L ≈ 2,500 baht).
    new_bin_capacity_l
        Size of the bins bought for capacity and coverage (default 240 L).
    coverage_stream
        Stream whose coverage new sites improve (default ``general``).
    equity_floor_share
        Coverage share every village with household points should reach before any
        village gets more sites (0 keeps only the one-serving-bin-per-village rule).
    radius_m, detour_factor
        Walking service radius and detour factor (straight-line reach = radius / detour).
    sizing, stream_waste_share
        Demand parameters.
    candidates
        Optional user-supplied sites: ``village_id`` + Point geometry, in the inputs' CRS.
        By default a ``candidate_spacing_m`` grid inside village polygons, the located
        households of villages without a polygon, and uncovered-cluster centroids are used.
    candidate_spacing_m
        Grid spacing for generated candidates, metres.
    site_capacity_bins
        Give every capacity bin a place (default). False keeps the earlier behaviour: one
        row per village with a count and no location, ignored by the coverage step.
    coverage
        The coverage the plan starts from, when the caller has it already:
        :func:`~fieldsvc.analysis.coverage.coverage_by_village` of the same ``villages``,
        ``bins`` and ``households`` with the same ``radius_m``, ``detour_factor``, ``sizing``
        and ``stream_waste_share``, ``reference_capacity_l=new_bin_capacity_l``, straight-line
        distances and ``coverage_stream`` among its ``cluster_streams`` (checked). The plan is
        the same as without it; by default it is computed here.

    Returns
    -------
    AllocationPlan
    """
    if not 0.0 <= equity_floor_share <= 1.0:
        raise AnalysisInputError.of(
            "equity_share_out_of_range",
            field="equity_floor_share",
            details={"value": equity_floor_share},
        )
    if budget_baht is not None and budget_baht < 0:
        raise AnalysisInputError.of("parameter_negative", name="budget_baht")
    if max_new_bins is not None and max_new_bins < 0:
        raise AnalysisInputError.of("parameter_negative", name="max_new_bins")
    # Building proxies weighted to the register (surveyed villages keep their points only):
    # the siting below counts each point as the households it stands for.
    households = demand_households(villages, households)
    if coverage is None:
        before = coverage_by_village(
            villages,
            bins,
            households,
            radius_m=radius_m,
            detour_factor=detour_factor,
            sizing=sizing,
            stream_waste_share=stream_waste_share,
            reference_capacity_l=new_bin_capacity_l,
            cluster_streams=(coverage_stream,),
        )
    else:
        _check_reusable(
            coverage,
            villages,
            radius_m=radius_m,
            detour_factor=detour_factor,
            sizing=sizing,
            stream_waste_share=stream_waste_share,
            reference_capacity_l=new_bin_capacity_l,
            coverage_stream=coverage_stream,
        )
        before = coverage
    purse = _Purse(budget_baht, max_new_bins)
    funded: list[dict[str, Any]] = []
    deferred: list[dict[str, Any]] = []
    metric_crs = before.metric_crs

    replaced = _replacements(bins, before.by_village, unit_price_baht, purse, funded, deferred)
    unit = _price(unit_price_baht, new_bin_capacity_l)
    reach_m = radius_m / detour_factor

    def siting(stream: str) -> EquitySiting:
        return EquitySiting.build(
            villages, bins, households, replaced.bin_id, before, stream, reach_m,
            candidates, candidate_spacing_m,
        )  # fmt: skip

    problem = siting(coverage_stream)
    placers: dict[str, CapacityPlacer] = {}
    placed_rows: list[int] = []  # funded capacity rows that stand somewhere, and where
    placed_xy: list[tuple[float, float]] = []
    needs = capacity_needs(before.by_village, replaced, sizing, new_bin_capacity_l)
    # (columns as Python values: iterating rows of a frame costs more than the work)
    for village_id, need_stream, needed in zip(
        *(needs[c].tolist() for c in ("village_id", "stream", "needed")), strict=True
    ):
        count = purse.affordable(unit, int(needed))
        item = {
            "reason": "capacity", "village_id": village_id, "stream": need_stream,
            "capacity_l": new_bin_capacity_l, "bin_id": None,
            "lon": np.nan, "lat": np.nan, "households_added": np.nan,
        }  # fmt: skip
        if int(needed) - count:
            left = int(needed) - count
            deferred.append({**item, "count": left, "cost_baht": unit * left})
        if not count:
            continue
        purse.spend(unit, count)
        if not site_capacity_bins:
            funded.append({**item, "count": count, "cost_baht": unit * count})
            continue
        stream = str(need_stream)
        if stream not in placers:
            base = problem if stream == coverage_stream else siting(stream)
            placers[stream] = CapacityPlacer(base, new_bin_capacity_l)
        for placed in placers[stream].place(village_id, count):
            if np.isfinite(placed.xy).all():  # lon/lat filled in below, all at once
                placed_rows.append(len(funded))
                placed_xy.append(placed.xy)
            funded.append(
                {**item, "households_added": placed.households_added,
                 "count": placed.count, "cost_baht": unit * placed.count}
            )  # fmt: skip
    capacity_placer = placers.get(coverage_stream)
    capacity_sites = capacity_placer.sites if capacity_placer else []
    capacity_bins = capacity_placer.bins if capacity_placer else 0

    site_limit = purse.affordable(unit, 10**9) if math.isfinite(purse.money) else None
    if site_limit is None and math.isfinite(purse.bins):
        site_limit = int(purse.bins)
    fixed = problem.with_sites(capacity_sites)
    equity_sites, equity_gain = fixed.choose(site_limit, equity_floor_share, equity=True)
    efficiency_sites, _ = fixed.choose(site_limit, equity_floor_share, equity=False)
    # one transformation for every new place: the capacity bins', then the coverage sites'
    lonlat = xy_to_lonlat(
        np.vstack([np.reshape(placed_xy, (-1, 2)), problem.candidate_xy[equity_sites]]),
        metric_crs,
    )
    for k, row in enumerate(placed_rows):
        funded[row]["lon"], funded[row]["lat"] = lonlat[k]
    lonlat = lonlat[len(placed_rows) :]
    for k, (site, gain) in enumerate(zip(equity_sites, equity_gain, strict=True)):
        purse.spend(unit, 1)
        funded.append(
            {
                "reason": "coverage",
                "village_id": problem.candidate_village[site],
                "stream": coverage_stream,
                "capacity_l": new_bin_capacity_l,
                "count": 1,
                "bin_id": None,
                "lon": lonlat[k, 0],
                "lat": lonlat[k, 1],
                "households_added": float(gain),
                "cost_baht": unit,
            }
        )
    recommendations = _table(funded, ranked=True)
    summary, village_table = problem.report(
        {
            "before": [],
            "efficiency": capacity_sites + efficiency_sites,
            "equity_floor": capacity_sites + equity_sites,
        },
        equity_floor_share,
        unit,
        new_bins={
            "before": 0,
            "efficiency": capacity_bins + len(efficiency_sites),
            "equity_floor": capacity_bins + len(equity_sites),
        },
    )
    # each village's household basis from its first row (a village has one row per stream)
    first_row: dict[Any, int] = {}
    for k, village_id in enumerate(before.by_village["village_id"].tolist()):
        first_row.setdefault(village_id, k)
    village_table["household_basis"] = before.by_village["household_basis"].array.take(
        [first_row.get(v, -1) for v in village_table["village_id"].tolist()], allow_fill=True
    )
    return AllocationPlan(
        recommendations=recommendations,
        deferred=_table(deferred, ranked=False),
        summary=summary,
        villages=village_table,
        budget_baht=budget_baht,
        spent_baht=float(recommendations["cost_baht"].sum()),
        parameters={
            "radius_m": radius_m,
            "detour_factor": detour_factor,
            "equity_floor_share": equity_floor_share,
            "new_bin_capacity_l": new_bin_capacity_l,
            "unit_price_baht": dict(unit_price_baht),
            "coverage_stream": coverage_stream,
            "candidates": len(problem.candidate_xy),
            "site_capacity_bins": site_capacity_bins,
        },
    )


def _check_reusable(
    coverage: CoverageResult,
    villages: pd.DataFrame,
    *,
    radius_m: float,
    detour_factor: float,
    sizing: SizingParameters,
    stream_waste_share: Mapping[str, float],
    reference_capacity_l: float,
    coverage_stream: str,
) -> None:
    """Refuse a coverage result computed otherwise than :func:`allocate_bins` would."""
    used = coverage.parameters
    wanted = {
        "radius_m": radius_m,
        "detour_factor": detour_factor,
        "sizing": sizing,
        "reference_capacity_l": reference_capacity_l,
        "stream_waste_share": dict(stream_waste_share),
    }
    differing = [name for name, value in wanted.items() if used.get(name) != value]
    if coverage.distance_method != "straight_line_x_detour":
        differing.append("distance_method")
    if coverage_stream not in used.get("cluster_streams", ()):
        differing.append("cluster_streams")
    by_village = coverage.by_village
    if not (
        (by_village["radius_m"] == radius_m).all()
        and (by_village["detour_factor"] == detour_factor).all()
    ):
        differing.append("radius_m_by_village/detour_factor_by_village")
    if set(by_village["village_id"]) != set(villages["village_id"]):
        differing.append("villages")
    if differing:
        raise AnalysisInputError.of(
            "coverage_not_reusable",
            field="coverage",
            details={"differing": differing},
            differing=", ".join(differing),
        )


def _table(rows: list[dict[str, Any]], *, ranked: bool) -> pd.DataFrame:
    if not rows:  # no rows to infer from: the columns' dtypes of an empty table
        table = pd.DataFrame(rows, columns=[c for c in RECOMMENDATION_COLUMNS if c != "rank"])
        table.insert(0, "rank", np.arange(1, 1) if ranked else np.nan)
        table["cumulative_cost_baht"] = np.nan
        return table
    # rank and running cost added to the rows, the frame made once (inserting columns into
    # a made frame costs more than making it); the running cost is summed as
    # ``Series.cumsum`` sums: in row order, a missing cost counted as 0 and left missing
    full = []
    running: float | None = None
    for rank, row in enumerate(rows, start=1):
        cost = float(row["cost_baht"])
        counted = 0.0 if math.isnan(cost) else cost
        running = counted if running is None else running + counted
        cumulative = running if ranked and not math.isnan(cost) else np.nan
        full.append({"rank": rank if ranked else np.nan, **row, "cumulative_cost_baht": cumulative})
    return pd.DataFrame(full, columns=RECOMMENDATION_COLUMNS)


def _replacements(
    bins: gpd.GeoDataFrame,
    by_village: pd.DataFrame,
    unit_price_baht: Mapping[float, float],
    purse: _Purse,
    funded: list[dict[str, Any]],
    deferred: list[dict[str, Any]],
) -> ReplacedBins:
    """Replace missing then damaged bins; return the funded replaced bins."""
    # Python values, as a row of the frame gives them (lists and dictionaries, not frames
    # and indexes: a few dozen bins)
    condition, village, stream, capacity, bin_id = (
        bins[c].tolist() for c in ("condition", "village_id", "stream", "capacity_l", "bin_id")
    )
    broken = [k for k, c in enumerate(condition) if c in ("missing", "damaged")]
    ratio = dict(
        zip(
            zip(by_village["village_id"].tolist(), by_village["stream"].tolist(), strict=True),
            by_village["capacity_ratio"].tolist(),
            strict=True,
        )
    )
    ratio_of = np.array(
        [
            np.inf if village[k] is pd.NA else ratio.get((village[k], stream[k]), np.inf)
            for k in broken
        ],
        dtype=float,
    )
    ratio_of[np.isnan(ratio_of)] = np.inf
    missing_first = np.array([condition[k] != "missing" for k in broken], dtype=int)
    # missing first, then the lowest capacity ratio, then bin order (a stable sort)
    order = [broken[k] for k in np.lexsort((np.arange(len(broken)), ratio_of, missing_first))]
    lonlat, _ = point_xy(bins.geometry.iloc[order], WGS84, name="bins")
    replaced = ReplacedBins(bin_id=[], village_id=[], stream=[], capacity_l=[], damaged=[])
    for n, k in enumerate(order):
        capacity_l = float(capacity[k])
        price = _price(unit_price_baht, capacity_l)
        item = {
            "reason": "replacement",
            "village_id": village[k],
            "stream": stream[k],
            "capacity_l": capacity_l,
            "count": 1,
            "bin_id": bin_id[k],
            "lon": lonlat[n, 0],
            "lat": lonlat[n, 1],
            "households_added": np.nan,
            "cost_baht": price,
        }
        if purse.affordable(price, 1):
            purse.spend(price, 1)
            funded.append(item)
            replaced.bin_id.append(bin_id[k])
            replaced.village_id.append(village[k])
            replaced.stream.append(stream[k])
            replaced.capacity_l.append(capacity_l)
            replaced.damaged.append(condition[k] == "damaged")
        else:
            deferred.append(item)
    return replaced
