from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from pyproj import CRS, Geod
from shapely.geometry import Point

from fieldsvc.analysis.crs import (
    choose_metric_crs,
    estimate_utm_crs,
    point_xy,
    require_projected,
    require_same_crs,
)
from fieldsvc.analysis.errors import AnalysisInputError

GEOD = Geod(ellps="WGS84")


def _pair_across(lon: float, lat: float, distance_m: float) -> gpd.GeoSeries:
    """Two points ``distance_m`` apart (geodesic), the first at (lon, lat), heading east."""
    lon2, lat2, _ = GEOD.fwd(lon, lat, 90.0, distance_m)
    return gpd.GeoSeries([Point(lon, lat), Point(lon2, lat2)], crs=4326)


def test_utm_zone_either_side_of_102e() -> None:
    assert estimate_utm_crs(101.5, 15.0, 101.6, 15.1).to_epsg() == 32647
    assert estimate_utm_crs(102.5, 15.0, 102.6, 15.1).to_epsg() == 32648


def test_points_straddling_the_seam_measure_150_m() -> None:
    pair = _pair_across(101.9993, 15.0, 150.0)
    assert pair.x.iloc[0] < 102.0 < pair.x.iloc[1]
    crs = choose_metric_crs([pair])
    assert crs.to_epsg() in (32647, 32648)  # one zone for the whole extent
    xy, located = point_xy(pair, crs)
    assert located.all()
    assert np.hypot(*(xy[1] - xy[0])) == pytest.approx(150.0, abs=1.0)


def test_wide_extent_uses_local_tmerc_and_stays_accurate_at_both_ends() -> None:
    west, east = _pair_across(97.6, 18.0, 150.0), _pair_across(105.5, 15.0, 150.0)
    both = gpd.GeoSeries(list(west.values) + list(east.values), crs=4326)
    crs = choose_metric_crs([both])
    assert crs.to_epsg() is None
    assert crs.coordinate_operation is not None
    assert crs.coordinate_operation.method_name == "Transverse Mercator"
    xy, _ = point_xy(both, crs)
    assert np.hypot(*(xy[1] - xy[0])) == pytest.approx(150.0, abs=1.0)
    assert np.hypot(*(xy[3] - xy[2])) == pytest.approx(150.0, abs=1.0)


def test_missing_crs_is_a_clear_error() -> None:
    frame = gpd.GeoDataFrame(geometry=[Point(100, 14)])
    with pytest.raises(AnalysisInputError, match="has no CRS") as err:
        choose_metric_crs([frame])
    assert err.value.code == "crs_missing"


def test_crs_mismatch_is_a_clear_error() -> None:
    a = gpd.GeoDataFrame(geometry=[Point(100, 14)], crs=4326)
    b = a.to_crs(32647)
    with pytest.raises(AnalysisInputError, match="CRS mismatch") as err:
        require_same_crs({"bins": a, "households": b})
    assert err.value.code == "crs_mismatch"
    assert err.value.field == "households"


def test_unprojected_input_rejected_for_distances() -> None:
    a = gpd.GeoDataFrame(geometry=[Point(100, 14)], crs=4326)
    with pytest.raises(AnalysisInputError, match="projected CRS in metres") as err:
        require_projected(a, "candidates")
    assert err.value.as_dict()["code"] == "crs_not_projected"
    assert require_projected(a.to_crs(32647), "candidates").to_epsg() == 32647


def test_point_xy_rejects_polygons_and_marks_missing() -> None:
    series = gpd.GeoSeries([Point(100, 14), None], crs=4326)
    xy, located = point_xy(series, estimate_utm_crs(100, 14, 100, 14))
    assert located.tolist() == [True, False]
    assert np.isnan(xy[1]).all()
    with pytest.raises(AnalysisInputError, match="Point"):
        point_xy(gpd.GeoSeries([Point(100, 14).buffer(0.01)], crs=4326), CRS.from_epsg(32647))


@pytest.mark.parametrize(
    ("lon", "lat"),
    [
        (102.0, 14.0),  # the 47N/48N seam in Thailand: both zones hold it
        (101.9999999, 13.0),
        (96.0, 0.0),  # a seam on the equator: four zones
        (108.0, -0.0),
        (-180.0, 5.0),
        (180.0, 5.0),
        (102.0, 84.0),
        (102.0, -80.0),
        (3.0, 60.0),
        (105.5, 20.5),
        (100.49, 13.75),
    ],
)
def test_utm_zones_at_a_point_are_the_ones_pyproj_finds(lon: float, lat: float) -> None:
    from pyproj.aoi import AreaOfInterest
    from pyproj.database import query_utm_crs_info

    from fieldsvc.analysis.crs import utm_codes_at

    expected = {
        info.code
        for info in query_utm_crs_info(
            datum_name="WGS 84", area_of_interest=AreaOfInterest(lon, lat, lon, lat)
        )
        if info.auth_name == "EPSG" and info.code.startswith(("326", "327"))
    }
    assert expected  # every point on Earth (within ±84°) has a zone
    assert set(utm_codes_at(lon, lat)) == expected


def test_the_zone_chosen_near_the_seam_is_the_nearer_meridian() -> None:
    # 102° E is exactly between 99° E (47N) and 105° E (48N): the lower code wins the tie
    assert estimate_utm_crs(102.0, 14.0, 102.0, 14.0).to_epsg() == 32647
    assert estimate_utm_crs(102.0, 14.0, 102.0002, 14.0).to_epsg() == 32648
    assert estimate_utm_crs(100.0, -1.0, 100.0, -1.0).to_epsg() == 32747
