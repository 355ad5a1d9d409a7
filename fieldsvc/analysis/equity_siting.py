"""Budgeted coverage siting with an equity floor (used by :mod:`.allocation`).

Sites cost the same, so the best households-added-per-baht order is the best
households-added order. With ``equity=True`` the worst-served village below the floor (or
a village with no serving bin of its own) is helped first, one site at a time, until all
villages reach the floor or cannot be helped further; the rest goes to the largest gains.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from fieldsvc.analysis.candidates import grid_points, point_candidates
from fieldsvc.analysis.crs import point_xy, require_same_crs
from fieldsvc.analysis.errors import AnalysisInputError
from fieldsvc.analysis.siting import coverage_matrix
from fieldsvc.analysis.sizing import SERVING_CONDITIONS
from fieldsvc.analysis.stats import gini


@dataclass(frozen=True, eq=False)
class EquitySiting:
    """Household demand, existing reach and candidate sites for one stream, in metres.

    ``choose`` runs the budgeted greedy with or without the equity floor; ``report``
    compares scenarios village by village; ``with_sites`` fixes already chosen sites.
    ``serving_*`` describe the located serving bins (existing usable/overflowing ones and
    the funded replacements) for placing capacity bins next to them.
    """

    village_ids: pd.Index
    hh_xy: npt.NDArray[np.float64]
    hh_village: npt.NDArray[np.intp]
    hh_weight: npt.NDArray[np.float64]  # households each point stands for (buildings > 1)
    initial_covered: npt.NDArray[np.bool_]
    own_bins: npt.NDArray[np.float64]
    serving_xy: npt.NDArray[np.float64]
    serving_village_pos: npt.NDArray[np.intp]
    serving_capacity_l: npt.NDArray[np.float64]
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
        replaced_bin_ids: Sequence[Any],
        before: Any,
        stream: str,
        reach_m: float,
        candidates: gpd.GeoDataFrame | None,
        spacing_m: float,
    ) -> EquitySiting:
        crs = before.metric_crs
        village_ids = pd.Index(villages["village_id"])
        if households is not None and len(households):
            all_hh_xy, located = point_xy(households.geometry, crs, name="households")
            hh_xy = all_hh_xy[located]
            hh_village = village_ids.get_indexer(households["village_id"].to_numpy()[located])
            hh_weight = (
                households["weight"].to_numpy(dtype=float)[located]
                if "weight" in households.columns
                else np.ones(int(located.sum()))
            )
        else:
            all_hh_xy = hh_xy = np.empty((0, 2))
            located = np.empty(0, dtype=bool)
            hh_village = np.empty(0, dtype=np.intp)
            hh_weight = np.empty(0)
        # the serving bins of the stream, picked from Python lists (a few dozen bins: pandas
        # masks and frames cost more than the work)
        replaced = set(replaced_bin_ids)
        is_serving = np.array(
            [
                s == stream and (c in SERVING_CONDITIONS or b in replaced)
                for s, c, b in zip(
                    bins["stream"].tolist(),
                    bins["condition"].tolist(),
                    bins["bin_id"].tolist(),
                    strict=True,
                )
            ],
            dtype=bool,
        )
        serving_village = bins["village_id"].array[is_serving]
        own_bins = np.bincount(
            village_ids.get_indexer(serving_village), minlength=len(village_ids)
        ).astype(float)
        bin_xy, bin_located = point_xy(bins.geometry[is_serving], crs, name="bins")
        covered = np.zeros(len(hh_xy), dtype=bool)
        if bin_located.any() and len(hh_xy):
            # (a bound stops each search early; a household beyond it gets inf)
            dist, _ = cKDTree(bin_xy[bin_located]).query(
                hh_xy, k=1, distance_upper_bound=reach_m * (1 + 1e-9)
            )
            covered = dist <= reach_m
        serving_capacity = pd.to_numeric(bins["capacity_l"][is_serving], errors="coerce")
        cand_xy, cand_village = candidate_sites(
            villages, households, all_hh_xy, located, before, stream, candidates, spacing_m
        )
        cand_pos = village_ids.get_indexer(cand_village)
        if (cand_pos < 0).any():
            raise AnalysisInputError.of("candidate_village_unknown", field="candidates.village_id")
        return cls(
            village_ids=village_ids,
            hh_xy=np.asarray(hh_xy, dtype=float).reshape(-1, 2),
            hh_village=np.asarray(hh_village, dtype=np.intp),
            hh_weight=np.asarray(hh_weight, dtype=float),
            initial_covered=covered,
            own_bins=own_bins,
            serving_xy=bin_xy[bin_located].reshape(-1, 2),
            serving_village_pos=np.asarray(
                village_ids.get_indexer(serving_village.to_numpy()[bin_located]),
                dtype=np.intp,
            ),
            serving_capacity_l=serving_capacity.to_numpy(dtype=float)[bin_located],
            candidate_xy=cand_xy,
            candidate_village=cand_village,
            candidate_village_pos=np.asarray(cand_pos, dtype=np.intp),
            matrix=coverage_matrix(hh_xy, cand_xy, reach_m),
        )

    def site_households(self, site: int) -> npt.NDArray[np.intp]:
        """Household positions within reach of candidate ``site``."""
        return np.asarray(
            self.matrix.indices[self.matrix.indptr[site] : self.matrix.indptr[site + 1]],
            dtype=np.intp,
        )

    def with_sites(self, sites: Sequence[int]) -> EquitySiting:
        """The same problem with ``sites`` built: their households count as covered and
        each site is a serving bin of its village (no household is counted twice)."""
        covered = self.initial_covered.copy()
        for site in sites:
            covered[self.site_households(site)] = True
        own = self.own_bins + np.bincount(
            self.candidate_village_pos[np.asarray(sites, dtype=np.intp)],
            minlength=len(self.village_ids),
        )
        return replace(self, initial_covered=covered, own_bins=own.astype(float))

    def _village_counts(self, covered: npt.NDArray[np.bool_]) -> npt.NDArray[np.float64]:
        n_v = len(self.village_ids)
        return np.bincount(
            self.hh_village[covered], weights=self.hh_weight[covered], minlength=n_v
        ).astype(float)

    def choose(
        self, limit: int | None, floor: float, *, equity: bool
    ) -> tuple[list[int], list[float]]:
        """Sites in the order chosen and the households each one added (weighted)."""
        n_c = self.matrix.shape[0]
        limit = n_c if limit is None else min(limit, n_c)
        covered = self.initial_covered.copy()
        w = self.hh_weight
        located = np.bincount(self.hh_village, weights=w, minlength=len(self.village_ids)).astype(
            float
        )
        cov_count = self._village_counts(covered)
        own = self.own_bins.copy()
        chosen: list[int] = []
        gains: list[float] = []
        is_chosen = np.zeros(n_c, dtype=bool)

        def take(site: int) -> None:
            rows = self.matrix.indices[self.matrix.indptr[site] : self.matrix.indptr[site + 1]]
            new = rows[~covered[rows]]
            covered[new] = True
            np.add.at(cov_count, self.hh_village[new], w[new])
            own[self.candidate_village_pos[site]] += 1
            is_chosen[site] = True
            chosen.append(site)
            gains.append(float(w[new].sum()))

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
            gain_v = self.matrix @ ((uncovered & (self.hh_village == v)) * w)
            total = self.matrix @ (uncovered * w)
            allowed = ~is_chosen
            if share[v] >= floor - 1e-12:  # only the one-bin-per-village rule is unmet
                allowed &= self.candidate_village_pos == v
            gain_v = np.where(allowed, gain_v, -1.0)
            best = _first_best(gain_v, total)
            if gain_v[best] <= 0:
                exhausted[v] = True
                continue
            take(best)
        # Efficiency: lazy greedy on households still uncovered (one price, so gain per
        # baht orders the same as gain).
        # The queue is the candidates' first gains, sorted once (by gain, then candidate), and a
        # heap of the re-evaluated ones; the next entry is the smaller head of the two, as if
        # they were one heap (a candidate is in one of them only, so no two heads tie).
        residual = (~covered) * w
        gain0 = self.matrix @ residual
        useful = np.flatnonzero((gain0 > 0) & ~is_chosen)
        first = np.lexsort((useful, -gain0[useful]))
        first_neg, first_site = (-gain0[useful][first]).tolist(), useful[first].tolist()
        next_first = 0
        heap: list[tuple[float, int, int]] = []
        step = 0
        while (heap or next_first < len(first_site)) and len(chosen) < limit:
            if next_first < len(first_site) and (
                not heap or (first_neg[next_first], first_site[next_first]) < heap[0][:2]
            ):
                neg, j, evaluated = first_neg[next_first], first_site[next_first], 0
                next_first += 1
            else:
                neg, j, evaluated = heapq.heappop(heap)
            if evaluated == step:
                take(j)
                step += 1
                continue
            rows = self.matrix.indices[self.matrix.indptr[j] : self.matrix.indptr[j + 1]]
            gain = float(w[rows][~covered[rows]].sum())
            if gain > 0:
                heapq.heappush(heap, (-gain, j, step))
        return chosen, gains

    def report(
        self,
        scenarios: Mapping[str, Sequence[int]],
        floor: float,
        unit_cost: float,
        new_bins: Mapping[str, int] | None = None,
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Summary per scenario and coverage per village under each scenario.

        ``scenarios`` maps a name to the candidate sites built; ``new_bins`` the number of
        new bins bought for this stream (default one per site; more when capacity bins
        stand next to existing bins), priced at ``unit_cost`` each.
        """
        located = np.bincount(
            self.hh_village, weights=self.hh_weight, minlength=len(self.village_ids)
        ).astype(float)
        has = located > 0
        rows = []
        # the per-village columns gathered first, the frame made once
        columns: dict[str, Any] = {"village_id": self.village_ids, "households_located": located}
        for name, sites in scenarios.items():
            covered = self.initial_covered.copy()
            for site in sites:
                covered[self.site_households(site)] = True
            counts = self._village_counts(covered)
            bins_bought = len(sites) if new_bins is None else int(new_bins.get(name, len(sites)))
            share = np.where(has, counts / np.maximum(located, 1), np.nan)
            worst = int(np.flatnonzero(has)[np.argmin(share[has])]) if has.any() else -1
            rows.append(
                {
                    "scenario": name,
                    "sites": len(sites),
                    "new_bins": bins_bought,
                    "cost_baht": unit_cost * bins_bought,
                    "households_located": float(located.sum()),
                    "households_covered": float(self.hh_weight[covered].sum()),
                    "covered_share": (
                        float(self.hh_weight[covered].sum() / located.sum())
                        if located.sum() > 0
                        else np.nan
                    ),
                    "min_village_covered_share": float(share[worst]) if worst >= 0 else np.nan,
                    "worst_village_id": self.village_ids[worst] if worst >= 0 else None,
                    "gini_covered_share": gini(share[has]),
                    "villages_below_floor": int((share[has] < floor - 1e-12).sum()),
                }
            )
            columns[f"covered_{name}"] = counts
            columns[f"covered_share_{name}"] = share
        return pd.DataFrame(rows), pd.DataFrame(columns)


def _first_best(gain: npt.NDArray[np.float64], total: npt.NDArray[np.float64]) -> int:
    """Index of the largest ``gain``, ties by the largest ``total``, then the lowest index
    (the first of ``np.lexsort((index, -total, -gain))``, without sorting everything)."""
    tied = np.flatnonzero(gain == gain.max())
    return int(tied[np.argmax(total[tied])])


def candidate_sites(
    villages: pd.DataFrame,
    households: gpd.GeoDataFrame | None,
    household_xy: npt.NDArray[np.float64],
    household_located: npt.NDArray[np.bool_],
    before: Any,
    stream: str,
    candidates: gpd.GeoDataFrame | None,
    spacing_m: float,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[Any]]:
    """Candidate sites ``(xy, village_id)`` in the metric CRS of ``before``: the user's
    candidates, or a grid in village polygons + the located households of villages without
    a polygon + the uncovered-cluster centroids of ``stream``, in that order.

    ``household_xy`` and ``household_located`` are the households' coordinates in that CRS
    and where they are located (:func:`point_xy`). Arrays, not frames: the siting needs
    nothing else.
    """
    crs = before.metric_crs
    if candidates is not None:
        require_same_crs({"candidates": candidates, "households": households})
        user = point_candidates(candidates.to_crs(crs), "user")
        xy = shapely.get_coordinates(user.geometry.to_numpy()) if len(user) else np.empty((0, 2))
        return xy.reshape(-1, 2), user["village_id"].to_numpy() if len(user) else _no_villages()
    xys: list[npt.NDArray[np.float64]] = []
    ids: list[npt.NDArray[Any]] = []
    with_polygon: set[Any] = set()
    if isinstance(villages, gpd.GeoDataFrame) and villages.crs is not None:
        geoms = villages.geometry.to_numpy()
        has_poly = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        polygon_village = villages["village_id"].to_numpy(dtype=object)[has_poly]
        with_polygon = set(polygon_village)
        polygons = villages.geometry[has_poly].to_crs(crs).to_numpy()
        grid_xy, owner = grid_points(polygons, spacing_m)
        xys.append(grid_xy)
        ids.append(polygon_village[owner])
    if households is not None and len(households):
        no_poly = ~households["village_id"].isin(with_polygon).to_numpy()
        keep = no_poly & household_located
        xys.append(household_xy[keep])
        ids.append(households["village_id"].to_numpy()[keep])
    clusters = before.uncovered_clusters
    of_stream = np.array([s == stream for s in clusters["stream"].tolist()], dtype=bool)
    if of_stream.any():
        centroids = gpd.GeoSeries(
            gpd.points_from_xy(
                clusters["centroid_lon"].to_numpy()[of_stream],
                clusters["centroid_lat"].to_numpy()[of_stream],
            ),
            crs=4326,
        )
        centroid_xy, located = point_xy(centroids, crs, name="cluster")
        xys.append(centroid_xy[located])
        ids.append(clusters["village_id"].to_numpy()[of_stream][located])
    kept = [k for k, xy in enumerate(xys) if len(xy)]
    if not kept:
        return np.empty((0, 2)), _no_villages()
    return np.concatenate([xys[k] for k in kept]), _stacked([ids[k] for k in kept])


def _stacked(parts: list[npt.NDArray[Any]]) -> npt.NDArray[Any]:
    """The arrays one after the other, with the dtype (and values) the column of stacked
    frames would have: object if any part is object, else their common dtype."""
    if any(part.dtype == object for part in parts):
        return np.concatenate([part.astype(object) for part in parts])
    if len({part.dtype for part in parts}) == 1:
        return np.concatenate(parts)
    return pd.concat([pd.Series(part) for part in parts], ignore_index=True).to_numpy()


def _no_villages() -> npt.NDArray[Any]:
    return np.empty(0, dtype=object)
