from __future__ import annotations

from collections.abc import Callable
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import Geod
from shapely.geometry import Point

from fieldsvc.analysis.coverage import coverage_by_village
from fieldsvc.analysis.errors import AnalysisInputError
from fieldsvc.analysis.sizing import SizingParameters, waste_kg_per_cycle

THRESHOLD_M = 200 / 1.3  # straight-line reach for radius 200 m and detour 1.3


def _bins(make_bins: Callable[..., gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    return make_bins(
        [
            # village A: one usable, one damaged, one missing general bin, one organic bin
            dict(bin_id=1, village_id="A", capacity_l=240, stream="general",
                 condition="usable", xy=(500, 500)),
            dict(bin_id=2, village_id="A", capacity_l=240, stream="general",
                 condition="damaged", xy=(100, 100)),
            dict(bin_id=3, village_id="A", capacity_l=120, stream="general",
                 condition="missing", xy=(900, 900)),
            dict(bin_id=4, village_id="A", capacity_l=120, stream="organic",
                 condition="usable", xy=(500, 400)),
            # village B: one overflowing general bin (still serves)
            dict(bin_id=5, village_id="B", capacity_l=200, stream="general",
                 condition="overflowing", xy=(1500, 500)),
        ]
    )  # fmt: skip


def _households(make_households: Callable[..., gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    return make_households(
        [
            ("A", 500, 600, None),  # 100 m from bin 1 → covered, walk 130
            ("A", 500, 650, 4.0),  # 150 m → covered, walk 195
            ("A", 500, 660, None),  # 160 m → not covered (> 153.8), walk 208
            ("A", 500, 800, 2.0),  # 300 m → not covered, walk 390
            ("B", 1500, 550, None),  # 50 m from bin 5 → covered
            ("B", 1950, 500, None),  # 450 m → not covered
        ]
    )


@pytest.fixture
def result(
    three_villages: gpd.GeoDataFrame,
    make_bins: Callable[..., gpd.GeoDataFrame],
    make_households: Callable[..., gpd.GeoDataFrame],
) -> Any:
    return coverage_by_village(
        three_villages, _bins(make_bins), _households(make_households), radius_m=200
    )


def _row(result: Any, village: str, stream: str = "general") -> pd.Series:
    table = result.by_village
    rows = table[(table.village_id == village) & (table.stream == stream)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_covered_counts_and_distances(result: Any) -> None:
    a = _row(result, "A")
    assert a["method"] == "household_points"
    assert a["households_covered"] == 2
    assert a["covered_share"] == pytest.approx(0.5)
    walk = np.array([100, 150, 160, 300]) * 1.3
    assert a["median_distance_m"] == pytest.approx(np.median(walk), abs=0.01)
    assert a["p90_distance_m"] == pytest.approx(np.quantile(walk, 0.9), abs=0.01)
    b = _row(result, "B")
    assert b["households_covered"] == 1 and b["covered_share"] == pytest.approx(0.5)
    assert b["bins_overflowing"] == 1 and b["bins_serving"] == 1


def test_counts_and_capacity_by_condition(result: Any) -> None:
    a = _row(result, "A")
    assert (a["bins_usable"], a["bins_damaged"], a["bins_missing"]) == (1, 1, 1)
    assert a["bins_total"] == 3 and a["bins_serving"] == 1
    assert a["usable_capacity_l"] == pytest.approx(240 + 0.5 * 240)  # missing counts 0
    assert a["usable_capacity_kg"] == pytest.approx(0.36 * 130 * 0.8)
    persons = 3.1 + 4 + 3.1 + 2
    assert a["persons"] == pytest.approx(persons)
    assert a["waste_kg_per_cycle"] == pytest.approx(waste_kg_per_cycle(persons))
    assert a["households_per_serving_bin"] == 4
    assert a["serving_bins_per_100_households"] == pytest.approx(25.0)
    b = _row(result, "B")
    assert b["collection_interval_days"] == 7
    assert b["waste_kg_per_cycle"] == pytest.approx(2 * 3.1 * 0.7 * 7 * 1.3 * 0.65)


def test_village_without_points_uses_register_counts(result: Any) -> None:
    c = _row(result, "C")
    assert c["method"] == "household_count"
    assert np.isnan(c["covered_share"]) and np.isnan(c["median_distance_m"])
    assert c["persons"] == pytest.approx(310.0)
    assert c["waste_kg_per_cycle"] == pytest.approx(310 * 0.7 * 3 * 1.3 * 0.65)
    assert c["bins_needed"] == int(np.ceil(310 * 0.7 * 3 * 1.3 * 0.65 / 24.96))
    assert c["additional_bins_needed"] == c["bins_needed"]  # it has no bins


def test_streams_are_separate(result: Any) -> None:
    organic = _row(result, "A", "organic")
    # Organic bin at (500, 400): households at 200, 250, 260, 400 m → none within 153.8 m.
    assert organic["households_covered"] == 0
    assert organic["median_distance_m"] == pytest.approx(255 * 1.3, abs=0.01)
    assert np.isnan(organic["waste_kg_per_cycle"])  # no demand share for organic by default
    b_org = _row(result, "B", "organic")
    assert b_org["households_covered"] == 0  # distance to A's organic bin > reach


def test_household_table_and_summary(result: Any) -> None:
    hh = result.households[result.households.stream == "general"].set_index("household_id")
    assert hh.loc["H0", "nearest_bin_id"] == 1 and bool(hh.loc["H0", "covered"])
    assert hh.loc["H0", "distance_m"] == pytest.approx(130.0, abs=0.01)
    assert not bool(hh.loc["H5", "covered"])
    summary = result.by_stream.set_index("stream").loc["general"]
    assert summary["households_covered"] == 3 and summary["covered_share"] == pytest.approx(0.5)
    assert summary["gini_covered_share"] == pytest.approx(0.0)  # A and B both at 50 %
    assert summary["worst_village_id"] == "A"  # tie on share → more households first
    assert result.distance_method == "straight_line_x_detour"


def test_uncovered_clusters(result: Any) -> None:
    clusters = result.uncovered_clusters
    assert set(clusters.stream) == {"general"}
    # H2 (500,660) and H3 (500,800) are 140 m apart (> 100 m link) → separate clusters.
    assert sorted(clusters.households.tolist()) == [1, 1, 1]
    assert clusters.crs.to_epsg() == 4326
    assert clusters.geometry.geom_type.eq("Polygon").all()
    assert set(clusters.village_id) == {"A", "B"}


def test_linked_households_form_one_cluster(
    three_villages: gpd.GeoDataFrame,
    make_bins: Callable[..., gpd.GeoDataFrame],
    make_households: Callable[..., gpd.GeoDataFrame],
) -> None:
    hh = make_households([("A", 100, 900, None), ("A", 160, 900, 5.0), ("A", 220, 900, None)])
    res = coverage_by_village(three_villages, _bins(make_bins), hh, cluster_link_m=70)
    clusters = res.uncovered_clusters
    assert clusters.households.tolist() == [3]
    assert clusters.persons.iloc[0] == pytest.approx(3.1 + 5 + 3.1)


def test_per_village_radius_override(
    three_villages: gpd.GeoDataFrame,
    make_bins: Callable[..., gpd.GeoDataFrame],
    make_households: Callable[..., gpd.GeoDataFrame],
) -> None:
    res = coverage_by_village(
        three_villages,
        _bins(make_bins),
        _households(make_households),
        radius_m_by_village={"A": 400},
        detour_factor_by_village={"A": 1.0},
    )
    a = _row(res, "A")
    assert a["households_covered"] == 4 and a["radius_m"] == 400
    assert a["median_distance_m"] == pytest.approx(155.0, abs=0.01)


def test_household_covered_by_neighbouring_village_bin(
    three_villages: gpd.GeoDataFrame,
    make_bins: Callable[..., gpd.GeoDataFrame],
    make_households: Callable[..., gpd.GeoDataFrame],
) -> None:
    bins = make_bins(
        [dict(bin_id="x", village_id="A", capacity_l=240, stream="general",
              condition="usable", xy=(950, 500))]
    )  # fmt: skip
    hh = make_households([("B", 1050, 500, None)])
    b = _row(coverage_by_village(three_villages, bins, hh), "B")
    assert b["households_covered"] == 1 and b["bins_total"] == 0


def test_seam_at_102e_measures_150_m() -> None:
    lon2, lat2, _ = Geod(ellps="WGS84").fwd(101.9993, 15.0, 90.0, 150.0)
    assert lon2 > 102.0
    villages = pd.DataFrame(
        {
            "village_id": [1],
            "households": [1],
            "population": [None],
            "collection_interval_days": [None],
        }
    )
    bins = gpd.GeoDataFrame(
        {"bin_id": [1], "village_id": [1], "capacity_l": [240], "stream": ["general"],
         "condition": ["usable"]},
        geometry=[Point(101.9993, 15.0)], crs=4326,
    )  # fmt: skip
    hh = gpd.GeoDataFrame(
        {"household_id": [1], "village_id": [1], "persons": [3]},
        geometry=[Point(lon2, lat2)],
        crs=4326,
    )
    res = coverage_by_village(villages, bins, hh, detour_factor=1.0)
    assert res.households["distance_m"].iloc[0] == pytest.approx(150.0, abs=1.0)
    assert bool(res.households["covered"].iloc[0])


def test_without_households_capacity_still_computed(
    three_villages: gpd.GeoDataFrame, make_bins: Callable[..., gpd.GeoDataFrame]
) -> None:
    res = coverage_by_village(three_villages, _bins(make_bins), None)
    general = res.by_village[res.by_village.stream == "general"]
    assert (general.method == "household_count").all()
    assert general.covered_share.isna().all()
    assert _row(res, "A")["usable_capacity_l"] == pytest.approx(360.0)
    assert len(res.uncovered_clusters) == 0 and len(res.households) == 0


def test_damaged_factor_is_a_parameter(
    three_villages: gpd.GeoDataFrame, make_bins: Callable[..., gpd.GeoDataFrame]
) -> None:
    res = coverage_by_village(
        three_villages, _bins(make_bins), None, sizing=SizingParameters(damaged_capacity_factor=0)
    )
    assert _row(res, "A")["usable_capacity_l"] == pytest.approx(240.0)


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (lambda v, b, h: (v, b.set_crs(None, allow_override=True), h), "crs_missing"),
        (lambda v, b, h: (v, b, h.to_crs(32647)), "crs_mismatch"),
        (lambda v, b, h: (v, b.assign(village_id="Z"), h), "village_unknown"),
        (lambda v, b, h: (v, b.assign(condition="broken"), h), "value_not_allowed"),
        (lambda v, b, h: (v, b.assign(capacity_l=0), h), "bin_capacity_invalid"),
        (lambda v, b, h: (v, b.drop(columns="stream"), h), "column_missing"),
        (lambda v, b, h: (v, b, h.assign(household_id="same")), "identifier_duplicate"),
    ],
)
def test_bad_inputs_raise_named_errors(
    three_villages: gpd.GeoDataFrame,
    make_bins: Callable[..., gpd.GeoDataFrame],
    make_households: Callable[..., gpd.GeoDataFrame],
    mutate: Callable[..., tuple[Any, Any, Any]],
    code: str,
) -> None:
    v, b, h = mutate(three_villages, _bins(make_bins), _households(make_households))
    with pytest.raises(AnalysisInputError) as err:
        coverage_by_village(v, b, h)
    assert err.value.code == code


def test_villages_frame_without_any_boundary(
    three_villages: gpd.GeoDataFrame,
    make_bins: Callable[..., gpd.GeoDataFrame],
    make_households: Callable[..., gpd.GeoDataFrame],
) -> None:
    no_polygons = three_villages.set_geometry(gpd.GeoSeries([None] * 3, crs=4326))
    res = coverage_by_village(no_polygons, _bins(make_bins), _households(make_households))
    assert _row(res, "A")["households_covered"] == 2
    assert res.metric_crs.to_epsg() == 32647
