"""Capacity bins with a place (used by :mod:`.allocation`).

A village whose usable capacity is below its waste per collection cycle needs ``k`` more
bins (:func:`capacity_needs`). :class:`CapacityPlacer` decides where each one stands, one
stream at a time, village after village in the order given (lowest capacity ratio first):

1. **Reach first.** Max cover inside the village: its candidate sites, with the serving
   bins and every site chosen earlier (this village or an earlier one) fixed. Each step
   takes the candidate that brings the most of the village's *own* uncovered households
   within reach (ties: most households of any village, then candidate order). A bin
   bought for a village's waste should serve that village's people; ``households_added``
   still counts every household newly within reach, so the added households of all the
   rows add up to the change in coverage reported in the plan's summary.
2. **Then load.** Once no candidate of the village reaches one of its uncovered
   households (or they are all covered), the remaining bins stand next to the village's
   most loaded spot — a serving bin or a site just chosen. A spot's load is the number of
   the village's households whose nearest spot it is, per litre standing there (ties:
   fewer litres, then spot order); each bin put there lowers its load, so the bins spread
   in proportion to the households that walk to each spot. They add 0 households.
3. A village with no spot at all first gets the candidate with the most of its households
   within reach (then rule 2). A village with neither a spot nor a candidate (register
   counts only, no polygon, no located household) keeps one row without a location.

Everything is deterministic: ties go to the lowest candidate or spot index.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.spatial import cKDTree

from fieldsvc.analysis.equity_siting import EquitySiting
from fieldsvc.analysis.sizing import SizingParameters, bin_capacity_kg, bins_needed


@dataclass(frozen=True)
class ReplacedBins:
    """The funded replacements, in the order funded (a few dozen bins: plain lists).

    ``village_id`` holds ``pd.NA`` for a bin without a village; ``damaged`` is False for a
    missing bin.
    """

    bin_id: list[Any]
    village_id: list[Any]
    stream: list[Any]
    capacity_l: list[float]
    damaged: list[bool]


def capacity_needs(
    by_village: pd.DataFrame,
    replaced: ReplacedBins,
    sizing: SizingParameters,
    new_bin_capacity_l: float,
) -> pd.DataFrame:
    """Bins of ``new_bin_capacity_l`` each village × stream still lacks for capacity.

    Usable capacity counts the funded replacements (``replaced``: a replaced damaged bin
    adds the part of its capacity that was lost). Returns ``village_id, stream, needed``
    (bins, > 0) in priority order: lowest capacity ratio after replacements first, then
    the order of ``by_village``.
    """
    # Plain arrays and a dictionary: the tables are a few dozen rows, where pandas indexes
    # and group-bys cost far more than the arithmetic.
    waste_all = by_village["waste_kg_per_cycle"].to_numpy(dtype=float)
    kept = np.flatnonzero(~np.isnan(waste_all))
    keys = list(zip(by_village["village_id"].tolist(), by_village["stream"].tolist(), strict=True))
    position = {keys[k]: n for n, k in enumerate(kept)}
    factor = np.where(replaced.damaged, 1 - sizing.damaged_capacity_factor, 1.0)
    kg = bin_capacity_kg(np.array(replaced.capacity_l, dtype=float) * factor, sizing)
    owner = np.array(
        [
            position.get(key, -1) if key[0] is not pd.NA else -1
            for key in zip(replaced.village_id, replaced.stream, strict=True)
        ],
        dtype=np.intp,
    )
    # summed per village and stream as pandas sums (compensated, in row order)
    restored = np.zeros(len(kept))
    if (owner >= 0).any():
        sums = pd.Series(kg[owner >= 0]).groupby(owner[owner >= 0], sort=False).sum()
        restored[sums.index.to_numpy()] = sums.to_numpy()
    capacity_after = by_village["usable_capacity_kg"].to_numpy()[kept] + restored
    waste = waste_all[kept]
    ratio_after = np.where(waste > 0, capacity_after / np.maximum(waste, 1e-12), np.inf)
    gap = np.maximum(waste - capacity_after, 0.0)
    needed = np.asarray(bins_needed(gap, new_bin_capacity_l, sizing), dtype=float)
    # lowest ratio first, then table order (a stable sort); NaN ratios last
    order = np.lexsort((np.arange(len(kept)), ratio_after))
    order = order[needed[order] > 0]
    rows = kept[order]
    return pd.DataFrame(
        {
            "village_id": by_village["village_id"].array[rows],
            "stream": by_village["stream"].array[rows],
            "needed": needed[order],
        }
    )


@dataclass(frozen=True)
class Placement:
    """Capacity bins standing at one place.

    ``xy`` is in metres in the problem's CRS (NaN when the village has nowhere to put
    them); ``site`` the candidate index of a new site, -1 next to a serving bin or when
    unplaced; ``households_added`` the households newly within reach (NaN when unplaced).
    """

    xy: tuple[float, float]
    count: int
    households_added: float
    site: int


class CapacityPlacer:
    """Places capacity bins of one stream; remembers every site chosen so far."""

    def __init__(self, problem: EquitySiting, new_bin_capacity_l: float) -> None:
        self.problem = problem
        self.bin_l = float(new_bin_capacity_l)
        self.covered = problem.initial_covered.copy()
        self.is_chosen = np.zeros(len(problem.candidate_xy), dtype=bool)
        self.sites: list[int] = []
        self.bins = 0  # capacity bins bought for this stream, placed or not
        self.village_pos = {v: k for k, v in enumerate(problem.village_ids.tolist())}

    def _take(self, site: int) -> float:
        rows = self.problem.site_households(site)
        new = rows[~self.covered[rows]]
        self.covered[new] = True
        self.is_chosen[site] = True
        self.sites.append(site)
        return float(self.problem.hh_weight[new].sum())

    def place(self, village_id: object, count: int) -> list[Placement]:
        """Where ``count`` capacity bins of village ``village_id`` stand (see module doc)."""
        p = self.problem
        self.bins += count
        v = self.village_pos.get(village_id, -1)
        in_village = p.hh_village == v
        w = p.hh_weight
        cand = np.flatnonzero((p.candidate_village_pos == v) & ~self.is_chosen)
        sub = p.matrix[cand]  # the village's candidates × all households
        new_sites: list[tuple[int, float]] = []
        while len(new_sites) < count and len(cand):
            uncovered = ~self.covered
            own = sub @ ((uncovered & in_village) * w)
            own[self.is_chosen[cand]] = -1.0
            if own.max() <= 0:
                break
            total = sub @ (uncovered * w)
            best = int(cand[np.lexsort((np.arange(len(cand)), -total, -own))[0]])
            new_sites.append((best, self._take(best)))
        serving = np.flatnonzero(p.serving_village_pos == v)
        if len(new_sites) < count and not len(serving) and not new_sites and len(cand):
            # Nowhere to stand yet: the candidate with most of the village's households.
            within = sub @ (in_village * w)
            best = int(cand[np.lexsort((np.arange(len(cand)), -within))[0]])
            new_sites.append((best, self._take(best)))
        spot_xy = np.vstack(
            [p.serving_xy[serving], p.candidate_xy[[s for s, _ in new_sites]].reshape(-1, 2)]
        )
        if not len(spot_xy):
            return [Placement((np.nan, np.nan), count, np.nan, -1)]
        spot_l = np.concatenate(
            [p.serving_capacity_l[serving], np.full(len(new_sites), self.bin_l)]
        )
        spot_l = np.where(np.isfinite(spot_l) & (spot_l > 0), spot_l, self.bin_l)
        extra = _spread_by_load(
            spot_xy, spot_l, p.hh_xy[in_village], count - len(new_sites), self.bin_l, w[in_village]
        )
        placements = [
            Placement(_xy(spot_xy[len(serving) + k]), 1 + int(extra[len(serving) + k][0]), g, s)
            for k, (s, g) in enumerate(new_sites)
        ]
        nearby = [k for k in range(len(serving)) if extra[k][0]]
        for k in sorted(nearby, key=lambda k: extra[k][1]):  # in the order first chosen
            placements.append(Placement(_xy(spot_xy[k]), int(extra[k][0]), 0.0, -1))
        return placements


def _xy(row: npt.NDArray[np.float64]) -> tuple[float, float]:
    return float(row[0]), float(row[1])


def _spread_by_load(
    spot_xy: npt.NDArray[np.float64],
    spot_l: npt.NDArray[np.float64],
    households_xy: npt.NDArray[np.float64],
    bins: int,
    bin_l: float,
    weights: npt.NDArray[np.float64] | None = None,
) -> list[tuple[int, int]]:
    """Per spot: (bins added, step of the first one); each bin goes to the spot with the
    most households (nearest-spot assignment) per litre, ties fewer litres, lower index."""
    households = np.zeros(len(spot_xy))
    if len(households_xy):
        _, nearest = cKDTree(spot_xy).query(households_xy, k=1)
        households = np.bincount(nearest, weights=weights, minlength=len(spot_xy)).astype(float)
    litres = spot_l.astype(float).copy()
    added = [[0, -1] for _ in range(len(spot_xy))]
    order = np.arange(len(spot_xy))
    for step in range(bins):
        spot = int(np.lexsort((order, litres, -households / litres))[0])
        litres[spot] += bin_l
        added[spot][0] += 1
        if added[spot][1] < 0:
            added[spot][1] = step
    return [(a, s) for a, s in added]
