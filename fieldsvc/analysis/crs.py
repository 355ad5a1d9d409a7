"""Choosing a metric CRS and checking the CRS of inputs.

Distances are measured in metres in one projected CRS chosen for the whole extent of the
inputs, so data straddling the UTM 47N/48N seam at 102° E is measured in a single zone
instead of being split. A transverse Mercator at the edge of its zone has a scale error of
about 0.1 % in Thailand (0.2 m over 200 m); for extents wider than ``max_utm_span_deg`` a
local transverse Mercator centred on the extent (scale 1 at its meridian) is used instead,
which keeps the error below 0.3 % across the whole of Thailand.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import shapely
from pyproj import CRS, Transformer
from pyproj.database import query_utm_crs_info

from fieldsvc.analysis.errors import AnalysisInputError

WGS84 = CRS.from_epsg(4326)


def require_crs(frame: gpd.GeoDataFrame | gpd.GeoSeries, name: str) -> CRS:
    """Return the CRS of ``frame`` or raise :class:`AnalysisInputError` when it has none."""
    if frame.crs is None:
        raise AnalysisInputError.of(
            "crs_missing", field=name, details={"expected": "a CRS such as EPSG:4326"}, name=name
        )
    return CRS.from_user_input(frame.crs)


def require_same_crs(frames: dict[str, gpd.GeoDataFrame | gpd.GeoSeries | None]) -> CRS:
    """Check every non-None frame has a CRS and that they all agree; return it."""
    crs_by_name = {name: require_crs(f, name) for name, f in frames.items() if f is not None}
    if not crs_by_name:
        raise AnalysisInputError.of("input_missing")
    first_name, first = next(iter(crs_by_name.items()))
    for name, crs in crs_by_name.items():
        if crs != first:
            raise AnalysisInputError.of(
                "crs_mismatch",
                field=name,
                details={"expected": first.to_string(), "value": crs.to_string()},
                first_name=first_name,
                first_crs=first.to_string(),
                name=name,
                crs=crs.to_string(),
            )
    return first


def require_projected(frame: gpd.GeoDataFrame | gpd.GeoSeries, name: str) -> CRS:
    """Return the CRS of ``frame`` if it is projected in metres, else raise."""
    crs = require_crs(frame, name)
    unit = crs.axis_info[0].unit_name if crs.axis_info else ""
    if not crs.is_projected or unit not in ("metre", "meter"):
        raise AnalysisInputError.of(
            "crs_not_projected",
            field=name,
            details={"value": crs.to_string(), "expected": "projected CRS in metres"},
            name=name,
            crs=crs.to_string(),
        )
    return crs


def estimate_utm_crs(lon_min: float, lat_min: float, lon_max: float, lat_max: float) -> CRS:
    """WGS 84 / UTM zone that contains the centre of a lon/lat extent.

    Parameters
    ----------
    lon_min, lat_min, lon_max, lat_max
        Extent in degrees (EPSG:4326).

    Returns
    -------
    pyproj.CRS
        e.g. EPSG:32647 west of 102° E and EPSG:32648 east of it, for Thailand.

    Examples
    --------
    >>> estimate_utm_crs(100.0, 14.0, 100.1, 14.1).to_epsg()
    32647
    """
    lon_c = (lon_min + lon_max) / 2.0
    lat_c = (lat_min + lat_max) / 2.0
    if not (np.isfinite(lon_c) and np.isfinite(lat_c) and -180 <= lon_c <= 180):
        raise AnalysisInputError.of(
            "extent_invalid", details={"value": [lon_min, lat_min, lon_max, lat_max]}
        )
    # Pick deterministically: the zone whose central meridian is closest to the centre.
    codes = sorted(
        (abs(_utm_central_meridian(code) - lon_c), code) for code in utm_codes_at(lon_c, lat_c)
    )
    if not codes:
        raise AnalysisInputError.of("utm_zone_not_found")
    return _crs_from_epsg(int(codes[0][1]))


@lru_cache(maxsize=1)
def _wgs84_utm_areas() -> tuple[tuple[str, float, float, float, float], ...]:
    """Every EPSG WGS 84 / UTM zone with its area of use (west, south, east, north), read
    from the PROJ database once per process (a query takes ~0.1 s; a national run needs one
    answer per subdistrict)."""
    return tuple(
        (info.code, area.west, area.south, area.east, area.north)
        for info in query_utm_crs_info(datum_name="WGS 84")
        if info.auth_name == "EPSG"
        and _is_wgs84_utm(info.code)
        and (area := info.area_of_use) is not None
    )


def utm_codes_at(lon: float, lat: float) -> list[str]:
    """EPSG codes of the WGS 84 / UTM zones whose area of use holds a point.

    The zones ``pyproj.database.query_utm_crs_info`` returns for that point as area of
    interest (borders included), without querying the PROJ database each time.

    Parameters
    ----------
    lon, lat
        The point, degrees (EPSG:4326).

    Returns
    -------
    list of str
        EPSG codes, e.g. ``["32647", "32648"]`` on the 102° E seam.

    Examples
    --------
    >>> utm_codes_at(100.5, 13.75)
    ['32647']
    """
    found = []
    for code, west, south, east, north in _wgs84_utm_areas():
        inside_lon = west <= lon <= east if west <= east else (lon >= west or lon <= east)
        if inside_lon and south <= lat <= north:
            found.append(code)
    return found


@lru_cache(maxsize=256)
def _crs_from_epsg(code: int) -> CRS:
    return CRS.from_epsg(code)


def _is_wgs84_utm(code: str) -> bool:
    value = int(code)
    return 32601 <= value <= 32660 or 32701 <= value <= 32760


def _utm_central_meridian(code: str) -> float:
    zone = int(code) % 100
    return -183.0 + 6.0 * zone


def local_transverse_mercator(lon_centre: float) -> CRS:
    """Transverse Mercator on WGS 84 with scale 1 on the meridian ``lon_centre``."""
    return CRS.from_proj4(
        f"+proj=tmerc +lat_0=0 +lon_0={lon_centre:.6f} +k=1 +x_0=500000 +y_0=0 "
        "+datum=WGS84 +units=m +no_defs"
    )


def choose_metric_crs(
    frames: Sequence[gpd.GeoDataFrame | gpd.GeoSeries | None],
    *,
    max_utm_span_deg: float = 3.0,
) -> CRS:
    """Choose one metric CRS for the combined extent of ``frames``.

    If the frames are already in a projected CRS in metres it is kept. Otherwise the UTM
    zone of the centre of the combined extent is used when the extent spans at most
    ``max_utm_span_deg`` of longitude (so both sides of a zone seam are measured in the
    same zone), and a local transverse Mercator centred on the extent when it is wider.

    Parameters
    ----------
    frames
        GeoDataFrames/GeoSeries sharing one CRS (``None`` entries are skipped).
    max_utm_span_deg
        Widest extent, in degrees of longitude, measured in a standard UTM zone.

    Returns
    -------
    pyproj.CRS
    """
    present = {f"frame {i}": f for i, f in enumerate(frames) if f is not None}
    crs = require_same_crs(dict(present))
    if crs.is_projected:
        return require_projected(next(iter(present.values())), "input")
    bounds = np.array([f.total_bounds for f in present.values()]).reshape(-1, 4)
    # Frames with no geometry at all (e.g. villages without boundaries) have NaN bounds.
    bounds = bounds[np.isfinite(bounds).all(axis=1)]
    if bounds.size == 0:
        raise AnalysisInputError.of("no_geometry_for_crs")
    if not crs.equals(WGS84):
        # Geographic but not WGS 84 (e.g. Indian 1975 in degrees): reproject the extent.
        to_wgs = Transformer.from_crs(crs, WGS84, always_xy=True)
        xs, ys = to_wgs.transform(bounds[:, [0, 2]].ravel(), bounds[:, [1, 3]].ravel())
        lon_min, lon_max, lat_min, lat_max = min(xs), max(xs), min(ys), max(ys)
    else:
        lon_min, lat_min = bounds[:, 0].min(), bounds[:, 1].min()
        lon_max, lat_max = bounds[:, 2].max(), bounds[:, 3].max()
    if lon_max - lon_min <= max_utm_span_deg:
        return estimate_utm_crs(lon_min, lat_min, lon_max, lat_max)
    return local_transverse_mercator((lon_min + lon_max) / 2.0)


def point_xy(
    geometry: gpd.GeoSeries, target_crs: CRS, *, name: str = "geometry"
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Coordinates of point geometries in ``target_crs`` (vectorised).

    Returns
    -------
    xy : ndarray of shape (n, 2)
        Metres; rows for missing/empty geometries are NaN.
    located : ndarray of bool
        True where the geometry is a non-empty point.

    Raises
    ------
    AnalysisInputError
        If a geometry is present but is not a Point.
    """
    geoms = np.asarray(geometry.array, dtype=object)
    located = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    type_ids = shapely.get_type_id(geoms)
    bad = located & (type_ids != 0)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise AnalysisInputError.of(
            "geometry_not_point",
            field=name,
            details={"row": first},
            name=name,
            row=first,
            type_id=shapely.get_type_id(geoms[first]),
        )
    xy = np.full((len(geoms), 2), np.nan)
    if located.any():
        coords = shapely.get_coordinates(geoms[located])
        source = CRS.from_user_input(geometry.crs)
        if source != target_crs:
            tr = _transformer(source.srs, target_crs.srs)
            x, y = tr.transform(coords[:, 0], coords[:, 1])
            coords = np.column_stack([x, y])
        xy[located] = coords
    return xy, located


def xy_to_lonlat(xy: npt.NDArray[np.float64], source_crs: CRS) -> npt.NDArray[np.float64]:
    """Convert metric ``xy`` rows back to (lon, lat) degrees in WGS 84."""
    if len(xy) == 0:
        return np.empty((0, 2))
    tr = _transformer(source_crs.srs, WGS84.srs)
    lon, lat = tr.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([lon, lat])


@lru_cache(maxsize=32)
def _transformer(source_srs: str, target_srs: str) -> Transformer:
    """One transformer per pair of CRSs and process (creating one takes about a millisecond,
    as long as a subdistrict's transform itself; a transformer is safe to share between
    threads)."""
    return Transformer.from_crs(
        CRS.from_user_input(source_srs), CRS.from_user_input(target_srs), always_xy=True
    )
