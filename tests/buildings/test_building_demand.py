"""Households from building footprints, pure part: the file readers, the filter, the
assignment to village areas, the weights, and how coverage and allocation count them."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from fieldsvc.analysis.allocation import allocate_bins
from fieldsvc.analysis.coverage import coverage_by_village
from fieldsvc.analysis.households import (
    BuildingFilter,
    building_demand,
    demand_households,
    household_basis,
)
from fieldsvc.ingest.buildings import read_buildings
from fieldsvc.ingest.errors import LayerReadError
from tests.real_formats.make_buildings import (
    Building,
    make_buildings,
    plus_code,
    write_open_buildings_csv,
)

LON0, LAT0 = 100.50, 14.00
CELL = 0.01  # degrees: two villages side by side, ~1.1 km each


def _villages(households: list[float | None]) -> gpd.GeoDataFrame:
    n = len(households)
    return gpd.GeoDataFrame(
        {
            "village_id": [10 + k for k in range(n)],
            "number": list(range(1, n + 1)),
            "name": [f"บ้าน{k}" for k in range(n)],
            "households": pd.array(
                [None if h is None else int(h) for h in households], dtype="Int64"
            ),
            "population": pd.array([None] * n, dtype="Int64"),
            "collection_interval_days": [None] * n,
        },
        geometry=[box(LON0 + k * CELL, LAT0, LON0 + (k + 1) * CELL, LAT0 + CELL) for k in range(n)],
        crs=4326,
    )


def _grid(village: int, count: int, **extra: float) -> list[Building]:
    """``count`` 80 m² houses in a tight grid in the south-west of village ``village``."""
    return [
        Building(
            LON0 + village * CELL + 0.002 + 0.0002 * (i % 10),
            LAT0 + 0.002 + 0.0002 * (i // 10),
            8.0,
            10.0,
            **extra,
        )
        for i in range(count)
    ]


def test_the_open_buildings_reader_takes_the_point_from_latitude_longitude(
    tmp_path: Path,
) -> None:
    houses = [Building(100.5, 14.0, 5, 4, 0.8), Building(100.6, 14.1, 10, 10, 0.75)]
    frame = read_buildings(write_open_buildings_csv(tmp_path / "b.csv", houses)).frame
    assert frame["lon"].tolist() == [100.5, 100.6]
    assert frame["lat"].tolist() == [14.0, 14.1]
    assert frame["area_m2"].tolist() == [20.0, 100.0]
    assert frame["confidence"].tolist() == [0.8, 0.75]
    assert frame["ref"].tolist() == [f"ob:{plus_code(14.0, 100.5)}", f"ob:{plus_code(14.1, 100.6)}"]


def test_plus_codes_follow_the_open_location_code_grid() -> None:
    # The first pair is 20° cells from (−90, −180): 14° N → 104/20 = 5 → "7"; 100.5° E →
    # 280.5/20 = 14 → "P"; then 1° cells: 4 → "6", 0 → "2".
    assert plus_code(14.0001, 100.5001).startswith("7P62")
    assert len(plus_code(14.0, 100.5)) == 11 and plus_code(14.0, 100.5)[8] == "+"


def test_a_file_without_the_open_buildings_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("lat,lon\n14,100\n", encoding="utf-8")
    with pytest.raises(LayerReadError) as caught:
        read_buildings(path)
    assert caught.value.code == "buildings_columns_missing"
    assert "latitude" in caught.value.message_en


def test_unreadable_numbers_become_unknown_and_are_left_out(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "latitude,longitude,area_in_meters,confidence,geometry,full_plus_code\n"
        "14.003,100.503,50,0.9,POLYGON EMPTY,A\n"
        "north,100.503,50,0.9,POLYGON EMPTY,B\n",
        encoding="utf-8",
    )
    frame = read_buildings(path).frame
    demand = building_demand(frame, _villages([None]))
    assert len(demand.households) == 1
    assert demand.dropped["bad_location"] == 1


def test_the_filter_counts_each_reason_once(tmp_path: Path) -> None:
    houses = (
        _grid(0, 5)  # kept
        + [Building(LON0 + 0.003, LAT0 + 0.005, 4, 4)]  # 16 m² < 20: too small
        + [Building(LON0 + 0.004, LAT0 + 0.005, 40, 30)]  # 1,200 m² > 1,000: too large
        + [Building(LON0 + 0.005, LAT0 + 0.005, 8, 8, 0.6)]  # confidence 0.6 < 0.7
        + [Building(LON0 + 0.006, LAT0 + 0.005, 2, 2, 0.5)]  # low confidence AND small
        + [Building(LON0 + 0.005, LAT0 + 0.006, 5, 4)]  # exactly 20 m²: kept (inclusive)
    )
    frame = read_buildings(write_open_buildings_csv(tmp_path / "b.csv", houses)).frame
    demand = building_demand(frame, _villages([None]))
    assert len(demand.households) == 6
    assert demand.dropped == {
        "bad_location": 0,
        "low_confidence": 2,
        "too_small": 1,
        "too_large": 1,
        "no_area": 0,
        "outside_villages": 0,
        "village_surveyed": 0,
    }
    # Other thresholds: 10–2,000 m² and confidence ≥ 0.5 keep all nine.
    wide = building_demand(frame, _villages([None]), BuildingFilter(10, 2000, 0.5))
    assert len(wide.households) == 9


def test_buildings_go_to_the_village_area_that_holds_them(tmp_path: Path) -> None:
    houses = _grid(0, 3) + _grid(1, 4) + [Building(LON0 + 0.5, LAT0 + 0.5, 8, 10)]
    frame = read_buildings(write_open_buildings_csv(tmp_path / "b.csv", houses)).frame
    demand = building_demand(frame, _villages([None, None]))
    assert demand.households["village_id"].tolist() == [10] * 3 + [11] * 4
    assert demand.dropped["outside_villages"] == 1


def test_weights_make_each_village_total_its_registered_count(tmp_path: Path) -> None:
    # Village 1: 8 buildings, 20 registered houses; village 2: 5 buildings, 3 houses;
    # village 3: 4 buildings, no count (one household per building).
    houses = _grid(0, 8) + _grid(1, 5) + _grid(2, 4)
    frame = read_buildings(write_open_buildings_csv(tmp_path / "b.csv", houses)).frame
    demand = building_demand(frame, _villages([20, 3, None]))
    totals = demand.households.groupby("village_id")["weight"].sum()
    assert totals.to_dict() == pytest.approx({10: 20.0, 11: 3.0, 12: 4.0})
    assert demand.households.loc[demand.households["village_id"] == 10, "weight"].iloc[0] == 2.5
    assert demand.households.loc[demand.households["village_id"] == 11, "weight"].iloc[0] == 0.6


def test_buildings_of_a_surveyed_village_are_left_out(tmp_path: Path) -> None:
    houses = _grid(0, 4) + _grid(1, 6)
    frame = read_buildings(write_open_buildings_csv(tmp_path / "b.csv", houses)).frame
    demand = building_demand(frame, _villages([None, None]), surveyed_village_ids=[10])
    assert demand.households["village_id"].unique().tolist() == [11]
    assert demand.dropped["village_surveyed"] == 4
    assert demand.by_village.set_index("village_id")["used"].to_dict() == {10: False, 11: True}


def test_the_osm_pbf_reader_keeps_building_ways_only(tmp_path: Path) -> None:
    houses = _grid(0, 3) + [Building(LON0 + 0.004, LAT0 + 0.006, 3, 3, tag="yes")]
    files = make_buildings(tmp_path, houses)
    frame = read_buildings(files["osm_pbf"]).frame
    assert len(frame) == 4  # the footway is not a building
    assert frame["ref"].str.startswith("osm:").all()
    # Areas measured in metres from the polygons: 80 m² houses and a 9 m² shed (±2 %).
    assert sorted(frame["area_m2"].round(0)) == pytest.approx([9, 80, 80, 80], rel=0.02)
    demand = building_demand(frame, _villages([None]))
    assert len(demand.households) == 3 and demand.dropped["too_small"] == 1


def _frame(village_ids: list[int], sources: list[str], xy: list[tuple[float, float]]):
    return gpd.GeoDataFrame(
        {
            "household_id": list(range(1, len(village_ids) + 1)),
            "village_id": village_ids,
            "persons": [np.nan] * len(village_ids),
            "source": sources,
            "weight": [1.0] * len(village_ids),
        },
        geometry=gpd.points_from_xy([p[0] for p in xy], [p[1] for p in xy]),
        crs=4326,
    )


def test_demand_reweights_buildings_to_the_current_count_and_prefers_surveys() -> None:
    villages = _villages([12, 7])
    # Village 10: 4 building proxies stored with weight 1 (the count came later) → 3 each.
    # Village 11: 2 surveyed houses and 3 building proxies → the survey only.
    points = [(LON0 + 0.001 * i, LAT0 + 0.001) for i in range(4)]
    points += [(LON0 + CELL + 0.001 * i, LAT0 + 0.001) for i in range(5)]
    frame = _frame(
        [10] * 4 + [11] * 5, ["building"] * 4 + ["survey"] * 2 + ["building"] * 3, points
    )
    demand = demand_households(villages, frame)
    assert demand is not None
    assert demand["weight"].tolist() == [3.0] * 4 + [1.0] * 2
    assert household_basis(villages, demand).to_dict() == {10: "building", 11: "survey"}
    assert household_basis(villages, None).to_dict() == {10: "count", 11: "count"}
    assert household_basis(_villages([None]), None).to_dict() == {10: "none"}


def _bins(xy: list[tuple[float, float]], **columns: list[object]) -> gpd.GeoDataFrame:
    frame = {
        "bin_id": list(range(1, len(xy) + 1)),
        "village_id": [10] * len(xy),
        "capacity_l": [240] * len(xy),
        "stream": ["general"] * len(xy),
        "condition": ["usable"] * len(xy),
    }
    frame.update(columns)
    return gpd.GeoDataFrame(
        frame,
        geometry=gpd.points_from_xy([p[0] for p in xy], [p[1] for p in xy]),
        crs=4326,
    )


def test_coverage_counts_each_building_as_its_weight() -> None:
    # Village 10 registers 30 houses on 6 buildings (weight 5): 4 buildings next to a bin,
    # 2 about 550 m away. Covered = 4 × 5 = 20 of 30; persons = 30 × 3.1 = 93.
    villages = _villages([30])
    near = [(LON0 + 0.002 + 0.0001 * i, LAT0 + 0.002) for i in range(4)]
    far = [(LON0 + 0.007, LAT0 + 0.006), (LON0 + 0.0072, LAT0 + 0.006)]
    households = _frame([10] * 6, ["building"] * 6, near + far)
    result = coverage_by_village(villages, _bins([(LON0 + 0.0022, LAT0 + 0.0021)]), households)
    row = result.by_village.iloc[0]
    assert row["household_basis"] == "building"
    assert row["households"] == pytest.approx(30.0)
    assert row["households_located"] == pytest.approx(30.0)
    assert row["households_covered"] == pytest.approx(20.0)
    assert row["covered_share"] == pytest.approx(20 / 30)
    assert row["persons"] == pytest.approx(30 * 3.1)
    assert result.uncovered_clusters["households"].sum() == pytest.approx(10.0)


def test_allocation_sites_a_bin_where_the_weighted_demand_is() -> None:
    # Village 10: 4 surveyed houses in the west; village 11: 3 building proxies standing for
    # 30 registered houses in the east. Each village already has enough capacity in a large
    # bin far from its houses. One new bin: counted by points the west (4) would win; by
    # households the east (30) does.
    villages = _villages([None, 30])
    west = [(LON0 + 0.001 + 0.0002 * i, LAT0 + 0.001) for i in range(4)]
    east = [(LON0 + CELL + 0.008 + 0.0002 * i, LAT0 + 0.008) for i in range(3)]
    households = _frame([10] * 4 + [11] * 3, ["survey"] * 4 + ["building"] * 3, west + east)
    far_bins = _bins(
        [(LON0 + 0.009, LAT0 + 0.009), (LON0 + CELL + 0.001, LAT0 + 0.001)],
        village_id=[10, 11],
        capacity_l=[5000, 5000],
    )
    plan = allocate_bins(
        villages,
        far_bins,
        households,
        max_new_bins=1,
        equity_floor_share=0.0,
        candidate_spacing_m=50.0,
    )
    coverage = plan.recommendations[plan.recommendations["reason"] == "coverage"]
    assert len(coverage) == 1
    assert coverage["village_id"].tolist() == [11]
    assert coverage["households_added"].tolist() == pytest.approx([30.0])
    assert plan.villages.set_index("village_id")["household_basis"].to_dict() == {
        10: "survey",
        11: "building",
    }
