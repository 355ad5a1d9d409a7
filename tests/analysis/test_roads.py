"""Roads and village outlines for a map without tiles (fieldsvc.analysis.roads)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pyrosm
from shapely.geometry import LineString, box

from fieldsvc.analysis.roads import base_map_layers, roads_from_pbf

GEODATA = Path(__file__).resolve().parents[2] / "geodata"


def test_roads_of_the_pyrosm_test_extract_are_lines_with_a_highway_class() -> None:
    roads = roads_from_pbf(pyrosm.get_data("test_pbf"))  # inside the wheel: no download
    assert len(roads) > 0 and str(roads.crs) == "EPSG:4326"
    assert set(roads.geom_type) <= {"LineString", "MultiLineString"}
    assert roads["highway"].notna().all()
    assert "footway" not in set(roads["highway"])  # a driving network: no footpaths


def test_outlines_come_first_and_far_roads_are_left_out() -> None:
    # one village 0.01° square; a road across it, one 1 km away (kept with a 2 km margin
    # only), one 50 km away (never)
    villages = gpd.GeoDataFrame(
        {"number": [1], "name": ["บ้านหนองบัว"]},
        geometry=[box(103.30, 16.30, 103.31, 16.31)],
        crs="EPSG:4326",
    )
    roads = gpd.GeoDataFrame(
        {"highway": ["tertiary", "residential", "primary"]},
        geometry=[
            LineString([(103.295, 16.305), (103.315, 16.305)]),
            LineString([(103.305, 16.319), (103.306, 16.321)]),  # ~1 km north
            LineString([(103.80, 16.30), (103.81, 16.30)]),  # ~53 km east
        ],
        crs="EPSG:4326",
    )
    layers = base_map_layers(villages, roads, margin_m=300)
    assert list(layers["kind"]) == ["village", "road"]
    assert layers.iloc[0]["number"] == 1 and layers.iloc[0].geometry.geom_type == "LineString"
    # the crossing road is cut at the window: 300 m beyond the village on each side
    lon_min, _, lon_max, _ = layers.iloc[1].geometry.bounds
    assert 103.297 < lon_min < 103.2975 and 103.3125 < lon_max < 103.313
    wider = base_map_layers(villages, roads, margin_m=2000)
    assert list(wider["highway"].dropna()) == ["tertiary", "residential"]
    assert list(base_map_layers(villages, None)["kind"]) == ["village"]


def test_the_sample_subdistrict_base_map_is_light() -> None:
    villages = gpd.read_file(GEODATA / "sample_villages.geojson")
    villages = villages.rename(columns={"moo": "number", "name_th": "name"})
    roads = gpd.read_file(GEODATA / "sample_roads.geojson")
    roads["highway"] = roads["highway"].astype(str)
    one = villages[villages["number"] == 1]
    layers = base_map_layers(one, roads)
    assert (layers["kind"] == "village").sum() == 1
    kept = layers[layers["kind"] == "road"]
    assert 0 < len(kept) < len(roads)
    window = box(*one.to_crs(32648).total_bounds).buffer(300, join_style="mitre")
    assert kept.to_crs(32648).within(window.buffer(0.01)).all()
