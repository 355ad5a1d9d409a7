"""A subdistrict's row of the national table, from hand-made coverage and allocation frames."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from fieldsvc.analysis.allocation import AllocationPlan
from fieldsvc.analysis.national import (
    ALLOCATION_COLUMNS,
    COVERAGE_COLUMNS,
    allocation_summary,
    coverage_summary,
)


def _by_village() -> pd.DataFrame:
    general = pd.DataFrame(
        {
            "village_id": [1, 2, 3],
            "number": [1, 2, 3],
            "stream": "general",
            "households": [10.0, 30.0, 5.0],
            "households_located": [10.0, 30.0, 0.0],
            "households_covered": [5.0, 30.0, 0.0],
            "covered_share": [0.5, 1.0, math.nan],  # village 3: a count only, no points
            "waste_kg_per_cycle": [20.0, 60.0, 10.0],
            "usable_capacity_kg": [40.0, 40.0, 0.0],
            "bins_total": [2, 3, 0],
            "bins_usable": [1, 2, 0],
            "bins_damaged": [1, 0, 0],
            "bins_missing": [0, 1, 0],
            "additional_bins_needed": [0, 1, 1],
        }
    )
    organic = general.assign(
        stream="organic",
        households_covered=[0.0, 0.0, 0.0],
        covered_share=[0.0, 0.0, math.nan],
        waste_kg_per_cycle=0.0,
        usable_capacity_kg=[10.0, 0.0, 0.0],
        bins_total=[1, 0, 0],
        bins_usable=[1, 0, 0],
        bins_damaged=0,
        bins_missing=0,
    )
    return pd.concat([general, organic], ignore_index=True)


def test_coverage_row_sums_reach_and_capacity_of_general_and_bins_of_every_stream() -> None:
    row = coverage_summary(_by_village())
    assert list(row) == list(COVERAGE_COLUMNS)
    assert row["villages"] == 3
    assert row["households"] == 45.0
    assert row["households_located"] == 40.0
    assert row["households_within_reach"] == 35.0
    assert row["covered_share"] == 35 / 40
    assert row["waste_kg_per_cycle"] == 90.0
    assert row["usable_capacity_kg"] == 80.0
    assert row["capacity_ratio"] == pytest.approx(80 / 90)
    assert (row["bins_total"], row["bins_usable"], row["bins_missing"]) == (6, 4, 1)
    assert row["worst_village_number"] == 1 and row["worst_village_covered_share"] == 0.5
    # Gini of (0.5, 1.0): mean absolute difference / (2 × mean) = 0.5 / 2 / 2 / 0.75
    assert row["gini_covered_share"] == pytest.approx(1 / 6)
    assert row["additional_bins_needed"] == 2


def test_coverage_row_without_household_points_gives_no_share() -> None:
    frame = _by_village()
    frame["covered_share"] = math.nan
    row = coverage_summary(frame)
    assert row["households_located"] == 0 and math.isnan(row["covered_share"])
    assert math.isnan(row["worst_village_number"])


def test_allocation_row_counts_bins_by_reason_and_reads_the_equity_scenario() -> None:
    recommendations = pd.DataFrame(
        {
            "reason": ["replacement", "capacity", "capacity", "coverage"],
            "count": [1, 2, 1, 1],
            "cost_baht": [2500.0, 5000.0, 2500.0, 2500.0],
        }
    )
    summary = pd.DataFrame(
        {
            "scenario": ["before", "efficiency", "equity_floor"],
            "households_covered": [10.0, 30.0, 25.0],
            "covered_share": [0.25, 0.75, 0.625],
        }
    )
    plan = AllocationPlan(
        recommendations=recommendations,
        deferred=recommendations.iloc[:0],
        summary=summary,
        villages=pd.DataFrame(),
        budget_baht=15_000.0,
        spent_baht=12_500.0,
    )
    row = allocation_summary(plan)
    assert list(row) == list(ALLOCATION_COLUMNS)
    assert row == {
        "budget_baht": 15_000.0,
        "recommended_bins": 5.0,
        "replacement_bins": 1.0,
        "capacity_bins": 3.0,
        "coverage_sites": 1.0,
        "cost_baht": 12_500.0,
        "households_within_reach_after": 25.0,
        "covered_share_after": 0.625,
    }
