"""Where the next bins go: replacements, capacity, then coverage sites.

The rule is the explainable one used for budgeted maximum coverage:

1. **replacement** — every missing, then every damaged bin is replaced with the same size
   and stream (villages with the least capacity first);
2. **capacity** — villages whose usable capacity is below their waste per collection
   cycle get the missing bins (lowest capacity ratio first), without a fixed location;
3. **coverage** — new sites for ``coverage_stream``, chosen greedily by households newly
   within reach per baht. With an equity floor, every village with household points first
   reaches ``equity_floor_share`` coverage (or cannot be helped further), and a village
   that has no serving bin gets one, before any village gets more.

The money runs out in that order: an item that does not fit the remaining budget is
deferred (listed in ``AllocationPlan.deferred``) and cheaper later items may still fit.
The plan is deterministic: ties are broken by village order, then candidate order.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from fieldsvc.analysis.candidates import combine_candidates, grid_candidates, point_candidates
from fieldsvc.analysis.coverage import DEFAULT_STREAM_WASTE_SHARE, coverage_by_village
from fieldsvc.analysis.crs import point_xy, require_same_crs, xy_to_lonlat
from fieldsvc.analysis.errors import AnalysisInputError
from fieldsvc.analysis.siting import coverage_matrix
from fieldsvc.analysis.sizing import SizingParameters, bin_capacity_kg, bins_needed
from fieldsvc.analysis.stats import gini

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
        ``lon``/``lat`` (EPSG:4326) the site (coverage) or the old bin (replacement).
    deferred
        Items that did not fit the budget or bin limit, same columns (rank NaN).
    summary
        Efficiency and equity side by side: one row per scenario (``before``,
        ``efficiency``, ``equity_floor``) with sites, cost, households covered, overall
        and minimum village coverage, worst village, Gini and villages below the floor.
    villages
        Per village: households located and covered before and under each scenario.
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
    raise AnalysisInputError(
        f"no unit price for a {capacity_l:g} L bin; add it to unit_price_baht "
        f"(known sizes: {sorted(float(s) for s in unit_price_baht)})",
        code="unit_price_missing",
        message_th=f"ไม่มีราคาต่อหน่วยของถังขนาด {capacity_l:g} ลิตร",
        field="unit_price_baht",
        details={"value": capacity_l},
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
    radius_m: float = 200.0,
    detour_factor: float = 1.3,
    sizing: SizingParameters = SizingParameters(),
    stream_waste_share: Mapping[str, float] = DEFAULT_STREAM_WASTE_SHARE,
    candidates: gpd.GeoDataFrame | None = None,
    candidate_spacing_m: float = 50.0,
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

    Returns
    -------
    AllocationPlan
    """
    if not 0.0 <= equity_floor_share <= 1.0:
        raise AnalysisInputError(
            "equity_floor_share must be between 0 and 1",
            code="parameter_invalid",
            field="equity_floor_share",
            details={"value": equity_floor_share},
        )
    if budget_baht is not None and budget_baht < 0:
        raise AnalysisInputError("budget_baht must be >= 0", code="parameter_invalid")
    if max_new_bins is not None and max_new_bins < 0:
        raise AnalysisInputError("max_new_bins must be >= 0", code="parameter_invalid")
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
    purse = _Purse(budget_baht, max_new_bins)
    funded: list[dict[str, Any]] = []
    deferred: list[dict[str, Any]] = []
    metric_crs = before.metric_crs

    replaced = _replacements(bins, before.by_village, unit_price_baht, purse, funded, deferred)
    _capacity(
        before.by_village, replaced, bins, sizing, new_bin_capacity_l, unit_price_baht,
        purse, funded, deferred,
    )  # fmt: skip

    unit = _price(unit_price_baht, new_bin_capacity_l)
    site_limit = purse.affordable(unit, 10**9) if math.isfinite(purse.money) else None
    if site_limit is None and math.isfinite(purse.bins):
        site_limit = int(purse.bins)
    problem = _SitingProblem.build(
        villages, bins, households, replaced, before, coverage_stream,
        radius_m / detour_factor, candidates, candidate_spacing_m,
    )  # fmt: skip
    equity_sites, equity_gain = problem.choose(site_limit, equity_floor_share, equity=True)
    efficiency_sites, _ = problem.choose(site_limit, equity_floor_share, equity=False)
    lonlat = xy_to_lonlat(problem.candidate_xy[equity_sites], metric_crs)
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
        {"before": [], "efficiency": efficiency_sites, "equity_floor": equity_sites},
        equity_floor_share,
        unit,
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
        },
    )


def _table(rows: list[dict[str, Any]], *, ranked: bool) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=[c for c in RECOMMENDATION_COLUMNS if c != "rank"])
    table.insert(0, "rank", np.arange(1, len(table) + 1) if ranked else np.nan)
    cost = table["cost_baht"].astype(float)
    table["cumulative_cost_baht"] = cost.cumsum() if ranked else np.nan
    return table


def _replacements(
    bins: pd.DataFrame,
    by_village: pd.DataFrame,
    unit_price_baht: Mapping[float, float],
    purse: _Purse,
    funded: list[dict[str, Any]],
    deferred: list[dict[str, Any]],
) -> pd.DataFrame:
    """Replace missing then damaged bins; return the funded replaced bins."""
    broken = bins[bins["condition"].isin(["missing", "damaged"])].copy()
    ratio = by_village.set_index(["village_id", "stream"])["capacity_ratio"]
    keys = pd.MultiIndex.from_arrays([broken["village_id"], broken["stream"]])
    broken["_ratio"] = ratio.reindex(keys).fillna(np.inf).to_numpy()
    broken["_missing_first"] = (broken["condition"] != "missing").astype(int)
    broken["_order"] = np.arange(len(broken))
    broken = broken.sort_values(["_missing_first", "_ratio", "_order"], kind="stable")
    lonlat = np.full((len(broken), 2), np.nan)
    located = ~(broken.geometry.isna() | broken.geometry.is_empty).to_numpy()
    if located.any():
        pts = broken.geometry[located].to_crs(4326)
        lonlat[located] = np.column_stack([pts.x, pts.y])
    keep = np.zeros(len(broken), dtype=bool)
    for k, (_, row) in enumerate(broken.iterrows()):
        price = _price(unit_price_baht, float(row["capacity_l"]))
        item = {
            "reason": "replacement",
            "village_id": row["village_id"],
            "stream": row["stream"],
            "capacity_l": float(row["capacity_l"]),
            "count": 1,
            "bin_id": row["bin_id"],
            "lon": lonlat[k, 0],
            "lat": lonlat[k, 1],
            "households_added": np.nan,
            "cost_baht": price,
        }
        if purse.affordable(price, 1):
            purse.spend(price, 1)
            funded.append(item)
            keep[k] = True
        else:
            deferred.append(item)
    return broken[keep].drop(columns=["_ratio", "_missing_first", "_order"])


def _capacity(
    by_village: pd.DataFrame,
    replaced: pd.DataFrame,
    bins: pd.DataFrame,
    sizing: SizingParameters,
    new_bin_capacity_l: float,
    unit_price_baht: Mapping[float, float],
    purse: _Purse,
    funded: list[dict[str, Any]],
    deferred: list[dict[str, Any]],
) -> None:
    """Add bins where usable capacity (after replacements) is below demand."""
    table = by_village[by_village["waste_kg_per_cycle"].notna()].copy()
    factor = np.where(replaced["condition"] == "damaged", 1 - sizing.damaged_capacity_factor, 1.0)
    restored = (
        pd.DataFrame(
            {
                "village_id": replaced["village_id"].to_numpy(),
                "stream": replaced["stream"].to_numpy(),
                "kg": bin_capacity_kg(
                    replaced["capacity_l"].to_numpy(dtype=float) * factor, sizing
                ),
            }
        )
        .groupby(["village_id", "stream"], sort=False)["kg"]
        .sum()
    )
    keys = pd.MultiIndex.from_arrays([table["village_id"], table["stream"]])
    table["capacity_after_kg"] = (
        table["usable_capacity_kg"].to_numpy() + restored.reindex(keys).fillna(0.0).to_numpy()
    )
    waste = table["waste_kg_per_cycle"].to_numpy()
    table["ratio_after"] = np.where(
        waste > 0, table["capacity_after_kg"] / np.maximum(waste, 1e-12), np.inf
    )
    gap = np.maximum(waste - table["capacity_after_kg"].to_numpy(), 0.0)
    table["needed"] = bins_needed(gap, new_bin_capacity_l, sizing)
    table["_order"] = np.arange(len(table))
    table = table[table["needed"] > 0].sort_values(["ratio_after", "_order"], kind="stable")
    price = _price(unit_price_baht, new_bin_capacity_l) if len(table) else 0.0
    for _, row in table.iterrows():
        needed = int(row["needed"])
        count = purse.affordable(price, needed)
        base = {
            "reason": "capacity",
            "village_id": row["village_id"],
            "stream": row["stream"],
            "capacity_l": new_bin_capacity_l,
            "bin_id": None,
            "lon": np.nan,
            "lat": np.nan,
            "households_added": np.nan,
        }
        if count:
            purse.spend(price, count)
            funded.append({**base, "count": count, "cost_baht": price * count})
        if needed - count:
            deferred.append(
                {**base, "count": needed - count, "cost_baht": price * (needed - count)}
            )


@dataclass(frozen=True, eq=False)
class _SitingProblem:
    """Household demand, existing reach and candidate sites for one stream, in metres."""

    village_ids: pd.Index
    hh_village: npt.NDArray[np.intp]
    initial_covered: npt.NDArray[np.bool_]
    own_bins: npt.NDArray[np.float64]
    candidate_xy: npt.NDArray[np.float64]
    candidate_village: npt.NDArray[Any]
    candidate_village_pos: npt.NDArray[np.intp]
    matrix: Any  # scipy.sparse.csr_matrix, candidates × households

    @classmethod
    def build(
        cls,
        villages: pd.DataFrame,
        bins: gpd.GeoDataFrame,
        households: gpd.GeoDataFrame | None,
        replaced: pd.DataFrame,
        before: Any,
        stream: str,
        reach_m: float,
        candidates: gpd.GeoDataFrame | None,
        spacing_m: float,
    ) -> _SitingProblem:
        crs = before.metric_crs
        village_ids = pd.Index(villages["village_id"])
        if households is not None and len(households):
            hh_xy, located = point_xy(households.geometry, crs, name="households")
            hh_xy = hh_xy[located]
            hh_village = village_ids.get_indexer(households["village_id"].to_numpy()[located])
        else:
            hh_xy, hh_village = np.empty((0, 2)), np.empty(0, dtype=np.intp)
        serving = bins[
            (bins["stream"] == stream)
            & (
                bins["condition"].isin(["usable", "overflowing"])
                | bins["bin_id"].isin(replaced["bin_id"])
            )
        ]
        own_bins = np.bincount(
            village_ids.get_indexer(serving["village_id"]), minlength=len(village_ids)
        ).astype(float)
        bin_xy, bin_located = point_xy(serving.geometry, crs, name="bins")
        covered = np.zeros(len(hh_xy), dtype=bool)
        if bin_located.any() and len(hh_xy):
            dist, _ = cKDTree(bin_xy[bin_located]).query(hh_xy, k=1)
            covered = dist <= reach_m
        cand = _candidate_frame(villages, households, before, stream, candidates, spacing_m)
        cand_xy = (
            shapely.get_coordinates(cand.geometry.to_numpy()) if len(cand) else np.empty((0, 2))
        )
        cand_village = cand["village_id"].to_numpy() if len(cand) else np.empty(0, dtype=object)
        cand_pos = village_ids.get_indexer(cand_village)
        if (cand_pos < 0).any():
            raise AnalysisInputError(
                "candidates refer to villages that are not in villages",
                code="village_unknown",
                field="candidates.village_id",
            )
        return cls(
            village_ids,
            np.asarray(hh_village, dtype=np.intp),
            covered,
            own_bins,
            cand_xy,
            cand_village,
            np.asarray(cand_pos, dtype=np.intp),
            coverage_matrix(hh_xy, cand_xy, reach_m),
        )

    def _village_counts(self, covered: npt.NDArray[np.bool_]) -> npt.NDArray[np.float64]:
        n_v = len(self.village_ids)
        return np.bincount(self.hh_village[covered], minlength=n_v).astype(float)

    def choose(
        self, limit: int | None, floor: float, *, equity: bool
    ) -> tuple[list[int], list[float]]:
        """Sites in the order chosen and the households each one added."""
        n_c = self.matrix.shape[0]
        limit = n_c if limit is None else min(limit, n_c)
        covered = self.initial_covered.copy()
        located = np.bincount(self.hh_village, minlength=len(self.village_ids)).astype(float)
        cov_count = self._village_counts(covered)
        own = self.own_bins.copy()
        chosen: list[int] = []
        gains: list[float] = []
        is_chosen = np.zeros(n_c, dtype=bool)

        def take(site: int) -> None:
            rows = self.matrix.indices[self.matrix.indptr[site] : self.matrix.indptr[site + 1]]
            new = rows[~covered[rows]]
            covered[new] = True
            np.add.at(cov_count, self.hh_village[new], 1.0)
            own[self.candidate_village_pos[site]] += 1
            is_chosen[site] = True
            chosen.append(site)
            gains.append(float(len(new)))

        exhausted = np.zeros(len(self.village_ids), dtype=bool)
        while equity and len(chosen) < limit:
            share = np.divide(cov_count, located, out=np.ones_like(located), where=located > 0)
            lacks_bin = (own == 0) & (cov_count < located)
            need = (located > 0) & ~exhausted & ((share < floor - 1e-12) | lacks_bin)
            if not need.any():
                break
            villages = np.flatnonzero(need)
            v = int(villages[np.argmin(share[villages])])  # worst first, ties by order
            uncovered = ~covered
            gain_v = self.matrix @ (uncovered & (self.hh_village == v)).astype(float)
            total = self.matrix @ uncovered.astype(float)
            allowed = ~is_chosen
            if share[v] >= floor - 1e-12:  # only the one-bin-per-village rule is unmet
                allowed &= self.candidate_village_pos == v
            gain_v = np.where(allowed, gain_v, -1.0)
            best = int(np.lexsort((np.arange(n_c), -total, -gain_v))[0])
            if gain_v[best] <= 0:
                exhausted[v] = True
                continue
            take(best)
        # Efficiency: lazy greedy on households still uncovered (one price, so gain per
        # baht orders the same as gain).
        residual = (~covered).astype(float)
        gain0 = self.matrix @ residual
        heap = [(-g, j, 0) for j, g in enumerate(gain0) if g > 0 and not is_chosen[j]]
        heapq.heapify(heap)
        step = 0
        while heap and len(chosen) < limit:
            neg, j, evaluated = heapq.heappop(heap)
            if evaluated == step:
                take(j)
                step += 1
                continue
            rows = self.matrix.indices[self.matrix.indptr[j] : self.matrix.indptr[j + 1]]
            gain = float((~covered[rows]).sum())
            if gain > 0:
                heapq.heappush(heap, (-gain, j, step))
        return chosen, gains

    def report(
        self, scenarios: Mapping[str, list[int]], floor: float, unit_cost: float
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Summary per scenario and coverage per village under each scenario."""
        located = np.bincount(self.hh_village, minlength=len(self.village_ids)).astype(float)
        has = located > 0
        rows = []
        villages = pd.DataFrame({"village_id": self.village_ids, "households_located": located})
        for name, sites in scenarios.items():
            covered = self.initial_covered.copy()
            for site in sites:
                covered[
                    self.matrix.indices[self.matrix.indptr[site] : self.matrix.indptr[site + 1]]
                ] = True
            counts = self._village_counts(covered)
            share = np.where(has, counts / np.maximum(located, 1), np.nan)
            worst = int(np.flatnonzero(has)[np.argmin(share[has])]) if has.any() else -1
            rows.append(
                {
                    "scenario": name,
                    "sites": len(sites),
                    "cost_baht": unit_cost * len(sites),
                    "households_located": float(located.sum()),
                    "households_covered": float(covered.sum()),
                    "covered_share": float(covered.mean()) if len(covered) else np.nan,
                    "min_village_covered_share": float(share[worst]) if worst >= 0 else np.nan,
                    "worst_village_id": self.village_ids[worst] if worst >= 0 else None,
                    "gini_covered_share": gini(share[has]),
                    "villages_below_floor": int((share[has] < floor - 1e-12).sum()),
                }
            )
            villages[f"covered_{name}"] = counts
            villages[f"covered_share_{name}"] = share
        return pd.DataFrame(rows), villages


def _candidate_frame(
    villages: pd.DataFrame,
    households: gpd.GeoDataFrame | None,
    before: Any,
    stream: str,
    candidates: gpd.GeoDataFrame | None,
    spacing_m: float,
) -> gpd.GeoDataFrame:
    crs = before.metric_crs
    if candidates is not None:
        require_same_crs({"candidates": candidates, "households": households})
        return combine_candidates([point_candidates(candidates.to_crs(crs), "user")])
    frames = []
    with_polygon: set[Any] = set()
    if isinstance(villages, gpd.GeoDataFrame) and villages.crs is not None:
        has_poly = ~(villages.geometry.isna() | villages.geometry.is_empty)
        with_polygon = set(villages.loc[has_poly, "village_id"])
        frames.append(grid_candidates(villages[has_poly].to_crs(crs), spacing_m))
    if households is not None and len(households):
        no_poly = households[~households["village_id"].isin(with_polygon)]
        frames.append(point_candidates(no_poly.to_crs(crs), "household"))
    clusters = before.uncovered_clusters
    clusters = clusters[clusters["stream"] == stream]
    if len(clusters):
        centroids = gpd.GeoDataFrame(
            {"village_id": clusters["village_id"].to_numpy()},
            geometry=gpd.points_from_xy(clusters["centroid_lon"], clusters["centroid_lat"]),
            crs=4326,
        ).to_crs(crs)
        frames.append(point_candidates(centroids, "cluster"))
    return combine_candidates(frames)
