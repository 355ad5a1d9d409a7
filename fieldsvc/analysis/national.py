"""One subdistrict's row of the national table, from its coverage or allocation result.

Pure: the frames of :func:`~fieldsvc.analysis.coverage.coverage_by_village` and
:func:`~fieldsvc.analysis.allocation.allocate_bins` in, one flat dictionary out (plain Python
numbers, NaN where a value cannot be given). The national run computes these per subdistrict
on its workers; a province reads one row per subdistrict.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from fieldsvc.analysis.allocation import AllocationPlan
from fieldsvc.analysis.stats import gini

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


def _sum(frame: pd.DataFrame, column: str) -> float:
    if column not in frame.columns or frame.empty:
        return 0.0
    return _number(pd.to_numeric(frame[column], errors="coerce").sum())


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
    own = by_village[by_village["stream"] == stream]
    known = own[pd.to_numeric(own["covered_share"], errors="coerce").notna()]
    located = _sum(known, "households_located")
    covered = _sum(known, "households_covered")
    waste = _sum(own, "waste_kg_per_cycle")
    capacity = _sum(own, "usable_capacity_kg")
    shares = pd.to_numeric(known["covered_share"], errors="coerce")
    worst = known.assign(_share=shares).sort_values(["_share", "number"]).head(1)
    return {
        "villages": int(by_village["village_id"].nunique()),
        "households": _sum(own, "households"),
        "households_located": located,
        "households_within_reach": covered,
        "covered_share": covered / located if located else math.nan,
        "gini_covered_share": _gini(shares),
        "worst_village_number": _number(worst["number"].iloc[0]) if len(worst) else math.nan,
        "worst_village_covered_share": _number(worst["_share"].iloc[0]) if len(worst) else math.nan,
        "waste_kg_per_cycle": waste,
        "usable_capacity_kg": capacity,
        "capacity_ratio": capacity / waste if waste else math.nan,
        "bins_total": _sum(by_village, "bins_total"),
        "bins_usable": _sum(by_village, "bins_usable"),
        "bins_damaged": _sum(by_village, "bins_damaged"),
        "bins_missing": _sum(by_village, "bins_missing"),
        "additional_bins_needed": _sum(own, "additional_bins_needed"),
    }


def _gini(values: pd.Series) -> float:
    return _number(gini(values)) if len(values) else math.nan


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
    counts = pd.to_numeric(funded["count"], errors="coerce").fillna(0)

    def bins_for(reason: str) -> float:
        return float(counts[funded["reason"] == reason].sum())

    after = plan.summary[plan.summary["scenario"] == "equity_floor"]
    return {
        "budget_baht": _number(plan.budget_baht),
        "recommended_bins": float(counts.sum()),
        "replacement_bins": bins_for("replacement"),
        "capacity_bins": bins_for("capacity"),
        "coverage_sites": bins_for("coverage"),
        "cost_baht": float(plan.spent_baht),
        "households_within_reach_after": _number(after["households_covered"].iloc[0])
        if len(after)
        else math.nan,
        "covered_share_after": _number(after["covered_share"].iloc[0]) if len(after) else math.nan,
    }
