"""One subdistrict's row of the national table, from its coverage or allocation result.

Pure: the frames of :func:`~fieldsvc.analysis.coverage.coverage_by_village` and
:func:`~fieldsvc.analysis.allocation.allocate_bins` in, one flat dictionary out (plain Python
numbers, NaN where a value cannot be given). The national run computes these per subdistrict
on its workers; a province reads one row per subdistrict.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from fieldsvc.analysis.allocation import AllocationPlan
from fieldsvc.analysis.inputs import float_values
from fieldsvc.analysis.stats import gini

FloatArray = npt.NDArray[np.float64]

#: Columns of the coverage row, in order (the allocation row adds ``ALLOCATION_COLUMNS``).
COVERAGE_COLUMNS = (
    "villages",
    "households",
    "households_located",
    "households_within_reach",
    "covered_share",
    "gini_covered_share",
    "worst_village_number",
    "worst_village_covered_share",
    "waste_kg_per_cycle",
    "usable_capacity_kg",
    "capacity_ratio",
    "bins_total",
    "bins_usable",
    "bins_damaged",
    "bins_missing",
    "additional_bins_needed",
)
ALLOCATION_COLUMNS = (
    "budget_baht",
    "recommended_bins",
    "replacement_bins",
    "capacity_bins",
    "coverage_sites",
    "cost_baht",
    "households_within_reach_after",
    "covered_share_after",
)


def _number(value: Any) -> float:
    """A plain float (NaN for missing), so rows compare and serialise alike everywhere."""
    if value is None or value is pd.NA:
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def coverage_summary(by_village: pd.DataFrame, *, stream: str = "general") -> dict[str, Any]:
    """A subdistrict's coverage in one row: reach and capacity of ``stream``, bins of all.

    Parameters
    ----------
    by_village
        ``CoverageResult.by_village`` (one row per village × stream).
    stream
        The stream whose reach and capacity are summed (default ``general``, where all
        household waste goes by default); bin counts are over every stream.

    Returns
    -------
    dict
        ``COVERAGE_COLUMNS``. ``households_within_reach`` is the (weighted) households of
        the villages with household points that have a usable bin of ``stream`` within the
        service radius; ``covered_share`` divides it by the located households there (NaN
        when no village has points). ``capacity_ratio`` is usable capacity over waste per
        collection cycle (≥ 1: enough).

    Examples
    --------
    >>> rows = pd.DataFrame({"village_id": [1, 2], "number": [1, 2], "stream": "general",
    ...     "households": [10, 30], "households_located": [10, 30],
    ...     "households_covered": [5, 30], "covered_share": [0.5, 1.0],
    ...     "waste_kg_per_cycle": [20.0, 60.0], "usable_capacity_kg": [40.0, 40.0],
    ...     "bins_total": [2, 3], "bins_usable": [1, 2], "bins_damaged": [1, 0],
    ...     "bins_missing": [0, 1], "additional_bins_needed": [0, 1]})
    >>> row = coverage_summary(rows)
    >>> row["covered_share"], row["capacity_ratio"], row["worst_village_number"]
    (0.875, 1.0, 1.0)
    """
    # On numpy columns: a national run summarises every subdistrict, and pandas' boolean
    # masks, sorts and sums cost far more than the arithmetic on ~10 rows.
    own = by_village["stream"].to_numpy() == stream
    share = float_values(by_village["covered_share"])
    known = own & ~np.isnan(share)
    located = _total(by_village, "households_located", known)
    covered = _total(by_village, "households_covered", known)
    waste = _total(by_village, "waste_kg_per_cycle", own)
    capacity = _total(by_village, "usable_capacity_kg", own)
    worst = _worst_village(by_village, share, known)
    everywhere = np.ones(len(by_village), dtype=bool)
    return {
        "villages": int(by_village["village_id"].nunique()),
        "households": _total(by_village, "households", own),
        "households_located": located,
        "households_within_reach": covered,
        "covered_share": covered / located if located else math.nan,
        "gini_covered_share": _number(gini(share[known])) if known.any() else math.nan,
        "worst_village_number": _number(by_village["number"].iloc[worst])
        if worst is not None
        else math.nan,
        "worst_village_covered_share": _number(share[worst]) if worst is not None else math.nan,
        "waste_kg_per_cycle": waste,
        "usable_capacity_kg": capacity,
        "capacity_ratio": capacity / waste if waste else math.nan,
        "bins_total": _total(by_village, "bins_total", everywhere),
        "bins_usable": _total(by_village, "bins_usable", everywhere),
        "bins_damaged": _total(by_village, "bins_damaged", everywhere),
        "bins_missing": _total(by_village, "bins_missing", everywhere),
        "additional_bins_needed": _total(by_village, "additional_bins_needed", own),
    }


def _total(frame: pd.DataFrame, column: str, rows: npt.NDArray[np.bool_]) -> float:
    """Sum of ``column`` over ``rows`` as pandas sums (missing counted as 0); 0 without it."""
    if column not in frame.columns:
        return 0.0
    values = float_values(frame[column])[rows]
    return float(np.where(np.isnan(values), 0.0, values).sum())


def _worst_village(
    frame: pd.DataFrame, share: FloatArray, known: npt.NDArray[np.bool_]
) -> int | None:
    """Row of the lowest covered share among ``known`` rows, ties to the lowest ``number``
    (then the first row), as a stable sort by (share, number) would; None without rows."""
    rows = np.flatnonzero(known)
    if len(rows) == 0:
        return None
    number = frame["number"]
    if number.dtype.kind in "biuf":
        order = np.lexsort((number.to_numpy(dtype=float, na_value=np.nan)[rows], share[rows]))
        return int(rows[order[0]])
    ranked = pd.DataFrame({"share": share[rows], "number": number.to_numpy()[rows]})
    return int(rows[ranked.sort_values(["share", "number"]).index[0]])


def allocation_summary(plan: AllocationPlan) -> dict[str, Any]:
    """A subdistrict's allocation in one row: what the budget buys and what it reaches.

    Parameters
    ----------
    plan
        The result of :func:`~fieldsvc.analysis.allocation.allocate_bins`.

    Returns
    -------
    dict
        ``ALLOCATION_COLUMNS``: bins recommended (replacements, capacity bins, coverage
        sites), their cost in baht, and households within reach of the coverage stream after
        the funded items (the ``equity_floor`` scenario, the rule the list follows).
    """
    funded = plan.recommendations
    counts = float_values(funded["count"])
    counts = np.where(np.isnan(counts), 0.0, counts)
    reasons = funded["reason"].to_numpy()

    def bins_for(reason: str) -> float:
        return float(counts[reasons == reason].sum())

    after = np.flatnonzero(plan.summary["scenario"].to_numpy() == "equity_floor")[:1]
    return {
        "budget_baht": _number(plan.budget_baht),
        "recommended_bins": float(counts.sum()),
        "replacement_bins": bins_for("replacement"),
        "capacity_bins": bins_for("capacity"),
        "coverage_sites": bins_for("coverage"),
        "cost_baht": float(plan.spent_baht),
        "households_within_reach_after": _number(plan.summary["households_covered"].iloc[after[0]])
        if len(after)
        else math.nan,
        "covered_share_after": _number(plan.summary["covered_share"].iloc[after[0]])
        if len(after)
        else math.nan,
    }
