"""Capacity bins get a place: max cover inside the village first, then the loaded spots."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from fieldsvc.analysis.allocation import DEFAULT_UNIT_PRICE_BAHT, allocate_bins
from fieldsvc.analysis.coverage import coverage_by_village
from fieldsvc.analysis.sizing import SizingParameters
from tests.analysis.conftest import points_4326

PRICE = DEFAULT_UNIT_PRICE_BAHT[240]
#: One person per household and 0.25 kg/person/day: 60 households make 38.0 kg per
#: 3-day cycle, i.e. 2 bins of 240 L (24.96 kg each) for an empty village.
LIGHT = SizingParameters(g_kg_per_person_day=0.25, persons_per_household=1.0)
#: Twice the waste: 76.1 kg, 2 bins more than a 120 L + 240 L pair (37.44 kg) holds.
HEAVY = SizingParameters(g_kg_per_person_day=0.5, persons_per_household=1.0)
REACH = dict(radius_m=200.0, detour_factor=1.0)


def _cluster(x: float, y: float, n: int) -> list[tuple[float, float]]:
    """``n`` households on a 10 m grid, 5 per row, within 30 m of (x, y)."""
    return [(x - 20 + 10 * (k % 5), y - 10 + 10 * (k // 5)) for k in range(n)]


def _lonlat(x: float, y: float) -> tuple[float, float]:
    point = points_4326([(x, y)])[0]
    return point.x, point.y


@pytest.fixture
def village_a(three_villages: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Village A only: a 1 km square polygon."""
    return three_villages.iloc[[0]].reset_index(drop=True)


@pytest.fixture
def unserved(
    village_a: gpd.GeoDataFrame,
    make_bins: Callable[..., gpd.GeoDataFrame],
    make_households: Callable[..., gpd.GeoDataFrame],
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """A: no bin, hamlets X (30 households), Y (20) and Z (10) far apart; four sites
    [Z, X, X' (next to X, same households), Y]."""
    xy = _cluster(200, 200, 30) + _cluster(800, 800, 20) + _cluster(200, 800, 10)
    households = make_households([("A", x, y, None) for x, y in xy])
    bins = gpd.GeoDataFrame(
        {c: pd.Series(dtype=object) for c in ["bin_id", "village_id", "capacity_l", "stream",
                                               "condition", "code"]},
        geometry=[], crs=4326,
    )  # fmt: skip
    bins["capacity_l"] = bins["capacity_l"].astype(float)
    sites = gpd.GeoDataFrame(
        {"village_id": ["A"] * 4},
        geometry=points_4326([(200, 800), (200, 200), (205, 200), (800, 800)]),
        crs=4326,
    )
    return village_a, bins, households, sites


def test_the_empty_village_needs_two_bins(unserved: Any) -> None:
    villages, bins, households, _ = unserved
    cov = coverage_by_village(villages, bins, households, sizing=LIGHT, **REACH)
    row = cov.by_village.set_index("stream").loc["general"]
    assert (row["covered_share"], row["additional_bins_needed"]) == (0.0, 2)


def test_capacity_bins_go_to_the_sites_that_reach_most_households(unserved: Any) -> None:
    villages, bins, households, sites = unserved
    plan = allocate_bins(
        villages, bins, households, max_new_bins=2, sizing=LIGHT, candidates=sites, **REACH
    )
    rec = plan.recommendations
    assert rec["reason"].tolist() == ["capacity", "capacity"]
    assert rec["count"].tolist() == [1, 1]
    # X first (30; X' ties but comes later), then Y (20): X' would add nothing after X.
    assert rec["households_added"].tolist() == [30.0, 20.0]
    for k, (x, y) in enumerate([(200, 200), (800, 800)]):
        assert rec[["lon", "lat"]].iloc[k].tolist() == pytest.approx(_lonlat(x, y), abs=1e-9)
    summary = plan.summary.set_index("scenario")
    assert summary.loc["before", "households_covered"] == 0
    assert summary.loc["equity_floor", "households_covered"] == 50
    assert summary.loc["equity_floor", "new_bins"] == 2
    assert plan.villages.loc[0, "covered_equity_floor"] == 50


def test_coverage_sites_take_the_capacity_sites_as_built(unserved: Any) -> None:
    villages, bins, households, sites = unserved
    plan = allocate_bins(
        villages, bins, households, max_new_bins=3, sizing=LIGHT, candidates=sites, **REACH
    )
    rec = plan.recommendations
    assert rec["reason"].tolist() == ["capacity", "capacity", "coverage"]
    # Z is all that is left: X and Y are not counted again.
    assert rec["households_added"].tolist() == [30.0, 20.0, 10.0]
    assert rec[["lon", "lat"]].iloc[2].tolist() == pytest.approx(_lonlat(200, 800), abs=1e-9)
    summary = plan.summary.set_index("scenario")
    covered = summary["households_covered"]
    for scenario in ("efficiency", "equity_floor"):
        added = covered[scenario] - covered["before"]
        assert added == rec["households_added"].sum() == 60
        assert summary.loc[scenario, "cost_baht"] == 3 * PRICE


def test_budget_places_what_it_pays_for_and_defers_the_rest(unserved: Any) -> None:
    villages, bins, households, sites = unserved
    plan = allocate_bins(
        villages, bins, households, budget_baht=PRICE * 1.5, sizing=LIGHT, candidates=sites,
        **REACH,
    )  # fmt: skip
    assert plan.spent_baht == PRICE <= plan.budget_baht  # type: ignore[operator]
    rec = plan.recommendations
    assert rec["households_added"].tolist() == [30.0]
    assert rec[["lon", "lat"]].iloc[0].tolist() == pytest.approx(_lonlat(200, 200), abs=1e-9)
    deferred = plan.deferred
    assert deferred["reason"].tolist() == ["capacity"] and deferred["count"].tolist() == [1]
    assert deferred["lon"].isna().all()


def test_without_site_capacity_bins_the_old_unplaced_row_comes_back(unserved: Any) -> None:
    villages, bins, households, sites = unserved
    plan = allocate_bins(
        villages, bins, households, max_new_bins=3, sizing=LIGHT, candidates=sites,
        site_capacity_bins=False, **REACH,
    )  # fmt: skip
    rec = plan.recommendations
    assert rec["reason"].tolist() == ["capacity", "coverage"]
    assert rec["count"].tolist() == [2, 1]
    assert np.isnan(rec["lon"].iloc[0]) and np.isnan(rec["households_added"].iloc[0])
    assert rec["households_added"].iloc[1] == 30.0
    assert plan.summary.set_index("scenario").loc["equity_floor", "households_covered"] == 30


@pytest.fixture
def served(
    village_a: gpd.GeoDataFrame,
    make_bins: Callable[..., gpd.GeoDataFrame],
    make_households: Callable[..., gpd.GeoDataFrame],
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """A: 30 households round a 120 L bin, 30 round a 240 L bin; everybody is covered."""
    bins = make_bins(
        [
            dict(bin_id="small", village_id="A", capacity_l=120, stream="general",
                 condition="usable", xy=(200, 200)),
            dict(bin_id="large", village_id="A", capacity_l=240, stream="general",
                 condition="usable", xy=(800, 800)),
        ]
    )  # fmt: skip
    xy = _cluster(200, 200, 30) + _cluster(800, 800, 30)
    return village_a, bins, make_households([("A", x, y, None) for x, y in xy])


def test_a_covered_village_gets_its_bins_next_to_the_most_loaded_ones(served: Any) -> None:
    villages, bins, households = served
    cov = coverage_by_village(villages, bins, households, sizing=HEAVY, **REACH)
    row = cov.by_village.set_index("stream").loc["general"]
    assert (row["covered_share"], row["additional_bins_needed"]) == (1.0, 2)
    plan = allocate_bins(villages, bins, households, max_new_bins=2, sizing=HEAVY, **REACH)
    rec = plan.recommendations
    assert rec["reason"].tolist() == ["capacity", "capacity"]
    assert rec["households_added"].tolist() == [0.0, 0.0]
    # 30 households per 120 L is the heaviest load (0.25/L): the first bin goes there;
    # then 30 per 240 L (0.125/L) beats 30 per 360 L (0.083/L).
    assert rec["count"].tolist() == [1, 1]
    for k, (x, y) in enumerate([(200, 200), (800, 800)]):
        assert rec[["lon", "lat"]].iloc[k].tolist() == pytest.approx(_lonlat(x, y), abs=1e-9)
    assert rec["bin_id"].isna().all()  # bin_id names only a replaced bin
    summary = plan.summary.set_index("scenario")
    assert summary.loc["equity_floor", "households_covered"] == 60
    assert summary.loc["equity_floor", "sites"] == 0
    assert summary.loc["equity_floor", "new_bins"] == 2


def test_extra_bins_at_one_spot_share_a_row(served: Any) -> None:
    villages, bins, households = served
    heavier = SizingParameters(g_kg_per_person_day=0.8, persons_per_household=1.0)
    plan = allocate_bins(villages, bins, households, max_new_bins=4, sizing=heavier, **REACH)
    rec = plan.recommendations
    # 121.7 kg per cycle - 37.44 kg = 4 bins; loads per litre: small 30/120 → +1 (30/360),
    # large 30/240 → +1 (30/480), then small (30/360) again, then large (30/480 vs 30/600).
    assert rec["count"].tolist() == [2, 2]
    assert rec["households_added"].tolist() == [0.0, 0.0]
    assert rec["cost_baht"].tolist() == [2 * PRICE, 2 * PRICE]


def test_placed_plan_is_deterministic(unserved: Any, served: Any) -> None:
    for villages, bins, households, *rest in (unserved, served):
        kwargs: dict[str, Any] = {"candidates": rest[0]} if rest else {}
        runs = [
            allocate_bins(
                villages, bins, households, budget_baht=10 * PRICE, sizing=HEAVY, **REACH,
                **kwargs,
            )
            for _ in range(2)
        ]  # fmt: skip
        pd.testing.assert_frame_equal(runs[0].recommendations, runs[1].recommendations)
        pd.testing.assert_frame_equal(runs[0].summary, runs[1].summary)
        pd.testing.assert_frame_equal(runs[0].villages, runs[1].villages)


def test_a_village_served_only_by_a_neighbour_gets_its_best_site(
    three_villages: gpd.GeoDataFrame,
    make_bins: Callable[..., gpd.GeoDataFrame],
    make_households: Callable[..., gpd.GeoDataFrame],
) -> None:
    """B's 20 households are within reach of A's bin; B owns no bin. C has counts only."""
    bins = make_bins(
        [dict(bin_id="a", village_id="A", capacity_l=1100, stream="general",
              condition="usable", xy=(950, 500))]
    )  # fmt: skip
    households = make_households([("B", x, y, None) for x, y in _cluster(1050, 500, 20)])
    sites = gpd.GeoDataFrame(
        {"village_id": ["B"] * 3},
        geometry=points_4326([(1500, 500), (1100, 500), (1060, 500)]),
        crs=4326,
    )
    sizing = SizingParameters(g_kg_per_person_day=0.3, persons_per_household=1.0)
    plan = allocate_bins(three_villages, bins, households, sizing=sizing, candidates=sites, **REACH)
    rec = plan.recommendations.set_index("village_id")
    # 20 persons × 0.3 kg × 7 days × 1.3 × 0.65 = 35.5 kg: 2 bins, both at the site that
    # reaches all of B (the first of the two that do), adding nobody.
    b = rec.loc[["B"]]
    assert b["count"].tolist() == [2] and b["households_added"].tolist() == [0.0]
    assert b[["lon", "lat"]].iloc[0].tolist() == pytest.approx(_lonlat(1100, 500), abs=1e-9)
    # C has no polygon, no point and no bin: its bins are bought but have nowhere to stand.
    c = rec.loc[["C"]]
    assert len(c) == 1 and c["lon"].isna().all() and c["households_added"].isna().all()
    assert c["count"].iloc[0] == int(np.ceil(100 * 0.3 * 3 * 1.3 * 0.65 / 24.96))
    summary = plan.summary.set_index("scenario")
    assert summary.loc["equity_floor", "households_covered"] == 20
    assert summary.loc["equity_floor", "new_bins"] == 2 + c["count"].iloc[0]
