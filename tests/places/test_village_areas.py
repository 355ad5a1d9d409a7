"""Approximate village areas: nearest-centre cells tile the subdistrict exactly."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from fieldsvc.analysis.errors import AnalysisInputError
from fieldsvc.analysis.village_areas import approximate_village_areas
from tests.real_formats.make_places import PlaceFiles


def _check_tiling(boundary: shapely.Geometry, areas: gpd.GeoDataFrame) -> None:
    """Union == boundary and the areas add up to it (so no overlaps), in the areas' own CRS."""
    union = shapely.union_all(areas.geometry.values)
    assert abs(union.area - boundary.area) / boundary.area < 1e-9
    assert union.symmetric_difference(boundary).area / boundary.area < 1e-9
    assert abs(sum(a.area for a in areas.geometry) - boundary.area) / boundary.area < 1e-9
    for i in range(len(areas)):
        for j in range(i + 1, len(areas)):
            overlap = areas.geometry.iloc[i].intersection(areas.geometry.iloc[j]).area
            assert overlap / boundary.area < 1e-12


def test_two_centres_split_a_rectangle_at_the_bisector() -> None:
    square = gpd.GeoSeries([shapely.box(0, 0, 300, 100)], crs=32647)
    centres = gpd.GeoDataFrame(
        {"number": [1, 2]}, geometry=shapely.points([50, 150], [50, 50]), crs=32647
    )
    areas = approximate_village_areas(square, centres)
    assert areas["number"].tolist() == [1, 2]
    assert areas.geometry.iloc[0].equals(shapely.MultiPolygon([shapely.box(0, 0, 100, 100)]))
    assert areas["area_m2"].round(6).tolist() == [10_000.0, 20_000.0]


def test_areas_of_the_real_subdistrict_tile_it_and_hold_their_centres(
    place_files: PlaceFiles,
) -> None:
    boundary = place_files.boundary("TH570101")
    centres = gpd.GeoDataFrame(
        {"number": [v[0] for v in place_files.villages]},
        geometry=[shapely.Point(v[2]) for v in place_files.villages],
        crs=4326,
    )
    areas = approximate_village_areas(gpd.GeoSeries([boundary], crs=4326), centres)
    assert areas.crs.to_epsg() == 4326
    dense = shapely.segmentize(boundary, 1e-5)  # ~1 m: straight lon/lat edges, bent in UTM
    metric_area = gpd.GeoSeries([dense], crs=4326).to_crs(32647).area.iloc[0]
    assert areas["area_m2"].sum() == pytest.approx(metric_area, rel=1e-6)
    assert areas["number"].tolist() == [1, 2, 3, 4, 5]
    _check_tiling(boundary, areas)
    for area, centre in zip(areas.geometry, centres.geometry, strict=True):
        assert area.contains(centre)
    # each point of an area is nearer its own centre than any other (spot check on a grid)
    xs, ys = np.meshgrid(np.linspace(99.801, 99.841, 25), np.linspace(19.879, 19.917, 25))
    metric_centres = centres.to_crs(32647).geometry
    for x, y in zip(xs.ravel(), ys.ravel(), strict=True):
        point = shapely.Point(x, y)
        owner = [i for i, a in enumerate(areas.geometry) if a.contains(point)]
        if not owner:
            continue
        here = gpd.GeoSeries([point], crs=4326).to_crs(32647).iloc[0]
        distances = [here.distance(c) for c in metric_centres]
        # nearest by the local lon/lat scaling: within 0.1 % of the true (UTM) distance
        assert distances[owner[0]] <= min(distances) * 1.001 + 0.01


def test_many_random_centres_still_tile_a_concave_boundary() -> None:
    rng = np.random.default_rng(7)
    boundary = shapely.Polygon([(0, 0), (4000, 0), (4000, 3000), (2000, 1200), (0, 3000)])
    points = [
        p
        for p in shapely.points(rng.uniform(0, 4000, 60), rng.uniform(0, 3000, 60))
        if boundary.contains(p)
    ]
    centres = gpd.GeoDataFrame({"n": range(len(points))}, geometry=points, crs=32647)
    areas = approximate_village_areas(gpd.GeoSeries([boundary], crs=32647), centres)
    _check_tiling(boundary, areas)
    assert all(a.contains(c) for a, c in zip(areas.geometry, centres.geometry, strict=True))


def test_one_centre_gets_the_whole_subdistrict() -> None:
    boundary = shapely.box(0, 0, 10, 10)
    centres = gpd.GeoDataFrame({"n": [1]}, geometry=[shapely.Point(5, 5)], crs=32647)
    areas = approximate_village_areas(gpd.GeoSeries([boundary], crs=32647), centres)
    assert areas.geometry.iloc[0].area == pytest.approx(100.0)


def test_two_centres_at_one_place_cannot_divide() -> None:
    centres = gpd.GeoDataFrame(
        {"n": [1, 2]}, geometry=[shapely.Point(5, 5), shapely.Point(5, 5)], crs=32647
    )
    with pytest.raises(AnalysisInputError) as caught:
        approximate_village_areas(gpd.GeoSeries([shapely.box(0, 0, 10, 10)], crs=32647), centres)
    assert caught.value.code == "centres_coincide"
