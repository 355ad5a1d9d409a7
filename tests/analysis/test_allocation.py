from __future__ import annotations

from collections.abc import Callable
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from fieldsvc.analysis.allocation import DEFAULT_UNIT_PRICE_BAHT, allocate_bins
from fieldsvc.analysis.coverage import coverage_by_village
from fieldsvc.analysis.errors import AnalysisInputError

NO_DEMAND: dict[str, float] = {}  # switches the capacity step off to isolate coverage


def _grid(
    x0: float, x1: float, dx: float, y0: float, y1: float, dy: float
) -> list[tuple[float, float]]:
    return [(x, y) for x in np.arange(x0, x1 + 1e-9, dx) for y in np.arange(y0, y1 + 1e-9, dy)]


@pytest.fixture
def equity_case(
    three_villages: gpd.GeoDataFrame,
    make_bins: Callable[..., gpd.GeoDataFrame],
    make_households: Callable[..., gpd.GeoDataFrame],
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """A: 40 covered households round its bin + a 60-household hamlet 450 m away;
    B: 5 households and no bin at all; C: register counts only."""
    bins = make_bins(
        [dict(bin_id="a1", village_id="A", capacity_l=240, stream="general",
              condition="usable", xy=(500, 500))]
    )  # fmt: skip
    near = _grid(465, 535, 10, 480, 520, 10)
    hamlet = _grid(175, 225, 10, 825, 870, 5)
    small = [(1800 + 10 * k, 200) for k in range(5)]
    assert (len(near), len(hamlet)) == (40, 60)
    rows = [("A", x, y, None) for x, y in near + hamlet] + [("B", x, y, None) for x, y in small]
    return three_villages, bins, make_households(rows)


def test_equity_floor_serves_the_empty_village_first(equity_case: Any) -> None:
    villages, bins, households = equity_case
    plan = allocate_bins(
        villages, bins, households, max_new_bins=1, stream_waste_share=NO_DEMAND,
        equity_floor_share=0.5,
    )  # fmt: skip
    rec = plan.recommendations
    assert rec["reason"].tolist() == ["coverage"]
    assert rec["village_id"].iloc[0] == "B" and rec["households_added"].iloc[0] == 5
    summary = plan.summary.set_index("scenario")
    assert summary.loc["before", "households_covered"] == 40
    assert summary.loc["efficiency", "households_covered"] == 100  # the 60-household hamlet
    assert summary.loc["efficiency", "min_village_covered_share"] == 0.0
    assert summary.loc["efficiency", "worst_village_id"] == "B"
    assert summary.loc["equity_floor", "households_covered"] == 45
    assert summary.loc["equity_floor", "min_village_covered_share"] == pytest.approx(0.4)
    assert (
        summary.loc["equity_floor", "gini_covered_share"]
        < summary.loc["efficiency", "gini_covered_share"]
    )


def test_two_sites_reach_both(equity_case: Any) -> None:
    villages, bins, households = equity_case
    plan = allocate_bins(villages, bins, households, max_new_bins=2, stream_waste_share=NO_DEMAND)
    assert plan.recommendations["village_id"].tolist() == ["B", "A"]
    assert plan.recommendations["households_added"].tolist() == [5, 60]
    summary = plan.summary.set_index("scenario")
    assert summary.loc["equity_floor", "households_covered"] == 105
    assert summary.loc["efficiency", "households_covered"] == 105
    villages_out = plan.villages.set_index("village_id")
    assert villages_out.loc["B", "covered_share_equity_floor"] == 1.0
    assert np.isnan(villages_out.loc["C", "covered_share_equity_floor"])  # no points


def test_coverage_sites_are_within_budget_and_priced(equity_case: Any) -> None:
    villages, bins, households = equity_case
    price = DEFAULT_UNIT_PRICE_BAHT[240]
    plan = allocate_bins(
        villages, bins, households, budget_baht=price * 1.5, stream_waste_share=NO_DEMAND
    )
    assert len(plan.recommendations) == 1
    assert plan.spent_baht == price <= plan.budget_baht  # type: ignore[operator]
    lon, lat = plan.recommendations[["lon", "lat"]].iloc[0]
    assert 100 < lon < 101 and 13 < lat < 15


@pytest.fixture
def broken_case(
    three_villages: gpd.GeoDataFrame,
    make_bins: Callable[..., gpd.GeoDataFrame],
    make_households: Callable[..., gpd.GeoDataFrame],
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    bins = make_bins(
        [
            dict(bin_id="ok", village_id="A", capacity_l=1100, stream="general",
                 condition="usable", xy=(500, 500)),
            dict(bin_id="dmg", village_id="A", capacity_l=240, stream="general",
                 condition="damaged", xy=(100, 100)),
            dict(bin_id="gone", village_id="B", capacity_l=120, stream="general",
                 condition="missing", xy=(1500, 500)),
        ]
    )  # fmt: skip
    households = make_households([("A", 500, 550, None), ("B", 1500, 520, None)])
    return three_villages, bins, households


def test_replacements_come_first_missing_before_damaged(broken_case: Any) -> None:
    villages, bins, households = broken_case
    plan = allocate_bins(villages, bins, households)  # no limit
    rec = plan.recommendations
    assert rec["reason"].tolist()[:2] == ["replacement", "replacement"]
    assert rec["bin_id"].tolist()[:2] == ["gone", "dmg"]
    assert rec["cost_baht"].tolist()[:2] == [1_500.0, 2_500.0]
    assert rec["rank"].tolist() == list(range(1, len(rec) + 1))
    assert rec["cumulative_cost_baht"].iloc[-1] == pytest.approx(rec["cost_baht"].sum())
    reasons = rec["reason"].tolist()
    assert reasons == sorted(reasons, key=["replacement", "capacity", "coverage"].index)
    # Village C (100 households, no bins) needs the full demand in 240 L bins.
    c = rec[(rec.reason == "capacity") & (rec.village_id == "C")]
    assert c["count"].sum() == int(np.ceil(310 * 0.7 * 3 * 1.3 * 0.65 / 24.96))
    # The replaced missing bin now covers B's household: no coverage site needed in B.
    assert not ((rec.reason == "coverage") & (rec.village_id == "B")).any()
    assert plan.summary.set_index("scenario").loc["equity_floor", "covered_share"] == 1.0


def test_budget_is_respected_and_the_rest_deferred(broken_case: Any) -> None:
    villages, bins, households = broken_case
    plan = allocate_bins(villages, bins, households, budget_baht=2_000)
    assert plan.recommendations["bin_id"].tolist() == ["gone"]
    assert plan.spent_baht == 1_500.0
    deferred = plan.deferred
    assert deferred["bin_id"].iloc[0] == "dmg" and deferred["rank"].isna().all()
    assert {"capacity"} <= set(deferred["reason"])


def test_plan_is_deterministic(equity_case: Any) -> None:
    villages, bins, households = equity_case
    a = allocate_bins(villages, bins, households, max_new_bins=3)
    b = allocate_bins(villages, bins, households, max_new_bins=3)
    pd.testing.assert_frame_equal(a.recommendations, b.recommendations)
    pd.testing.assert_frame_equal(a.summary, b.summary)
    assert a.recommendations["count"].sum() == 3  # capacity rows carry a count


def test_user_candidates(equity_case: Any) -> None:
    villages, bins, households = equity_case
    sites = households[households.village_id == "A"].iloc[[45]][["village_id", "geometry"]]
    plan = allocate_bins(villages, bins, households, candidates=sites, stream_waste_share=NO_DEMAND)
    assert plan.recommendations["households_added"].tolist() == [60]
    assert plan.parameters["candidates"] == 1


def test_missing_unit_price_is_named(broken_case: Any) -> None:
    villages, bins, households = broken_case
    with pytest.raises(AnalysisInputError, match="no unit price for a 120 L bin") as err:
        allocate_bins(villages, bins, households, unit_price_baht={240: 2_500.0})
    assert err.value.code == "unit_price_missing"
    with pytest.raises(AnalysisInputError):
        allocate_bins(villages, bins, households, equity_floor_share=1.5)


def test_villages_without_polygons_use_household_points_as_sites(equity_case: Any) -> None:
    villages, bins, households = equity_case
    no_polygons = villages.set_geometry(gpd.GeoSeries([None] * 3, crs=4326))
    plan = allocate_bins(
        no_polygons, bins, households, max_new_bins=2, stream_waste_share=NO_DEMAND
    )
    assert plan.recommendations["village_id"].tolist() == ["B", "A"]
    assert plan.recommendations["households_added"].tolist() == [5, 60]


def _assert_same_plan(a: Any, b: Any) -> None:
    for name in ("recommendations", "deferred", "summary", "villages"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True)
    assert (a.spent_baht, a.parameters) == (b.spent_baht, b.parameters)


@pytest.mark.parametrize("case", ["equity_case", "broken_case"])
def test_a_coverage_computed_before_gives_the_same_plan(
    case: str, request: pytest.FixtureRequest
) -> None:
    villages, bins, households = request.getfixturevalue(case)
    coverage = coverage_by_village(villages, bins, households)
    for budget in (None, 4_000.0):
        alone = allocate_bins(villages, bins, households, budget_baht=budget)
        reused = allocate_bins(villages, bins, households, budget_baht=budget, coverage=coverage)
        _assert_same_plan(alone, reused)
        assert len(alone.recommendations)  # the plan is not empty


@pytest.mark.parametrize(
    "other",
    [
        {"radius_m": 300.0},
        {"detour_factor": 1.5},
        {"reference_capacity_l": 660.0},
        {"cluster_streams": ()},
        {"stream_waste_share": {"general": 0.5}},
        {"radius_m_by_village": {"A": 100.0}},
    ],
)
def test_a_coverage_computed_otherwise_is_refused(equity_case: Any, other: dict[str, Any]) -> None:
    villages, bins, households = equity_case
    coverage = coverage_by_village(villages, bins, households, **other)
    with pytest.raises(AnalysisInputError) as err:
        allocate_bins(villages, bins, households, coverage=coverage)
    assert err.value.code == "coverage_not_reusable"


def test_a_coverage_of_other_villages_is_refused(equity_case: Any) -> None:
    villages, bins, households = equity_case
    fewer = villages[villages["village_id"] != "C"]
    coverage = coverage_by_village(fewer, bins, households)
    with pytest.raises(AnalysisInputError) as err:
        allocate_bins(villages, bins, households, coverage=coverage)
    assert "villages" in err.value.details["differing"]
