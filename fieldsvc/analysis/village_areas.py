"""Approximate village areas: the subdistrict divided among the village centres.

Most Thai subdistricts have no village polygons. Given the subdistrict boundary and one centre
per village (DOPA list with coordinates, OpenStreetMap ``place=village|hamlet``), each point
of the subdistrict is given to the nearest centre (a Voronoi diagram clipped to the
boundary). The cells tile the boundary exactly, without gaps or overlaps, so every household
and bin inside the subdistrict falls in one village. It is an estimate — real villages follow
roads, canals and fields, not perpendicular bisectors — and is labelled so wherever shown.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
import shapely.affinity
from pyproj import CRS
from shapely.geometry import MultiPolygon

from fieldsvc.analysis.crs import choose_metric_crs, require_same_crs
from fieldsvc.analysis.errors import AnalysisInputError

__all__ = ["approximate_village_areas"]

#: Parts smaller than this share of the boundary, left by floating-point clipping, are dropped.
_SLIVER_SHARE = 1e-12


def approximate_village_areas(
    boundary: gpd.GeoSeries | gpd.GeoDataFrame,
    centres: gpd.GeoDataFrame,
) -> gpd.GeoDataFrame:
    """Divide a subdistrict among village centres: nearest-centre (Voronoi) cells clipped to it.

    Parameters
    ----------
    boundary : GeoSeries or GeoDataFrame
        The area to divide (one or more polygons, dissolved into one), with a CRS.
    centres : GeoDataFrame
        One point per village, same CRS as ``boundary``; every column is kept. Centres outside
        the boundary still get the part of the boundary nearest to them (possibly empty).

    Returns
    -------
    GeoDataFrame
        ``centres``' rows and columns in the same order, the geometry replaced by the village's
        area (a MultiPolygon, empty when no part of the boundary is nearest to that centre) and
        ``area_m2`` (float, square metres) added; in the input CRS. The areas' union is the
        boundary and no two areas overlap (up to floating-point error).

    Raises
    ------
    AnalysisInputError
        When a frame has no CRS, the CRSs differ, the boundary is empty, a centre is not a
        point, or two centres are at the same place.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> square = gpd.GeoSeries([shapely.box(0, 0, 200, 100)], crs=32647)
    >>> centres = gpd.GeoDataFrame(
    ...     {"number": [1, 2]}, geometry=shapely.points([50, 150], [50, 50]), crs=32647
    ... )
    >>> areas = approximate_village_areas(square, centres)
    >>> areas["area_m2"].round(1).tolist()
    [10000.0, 10000.0]
    """
    crs = require_same_crs({"boundary": boundary, "centres": centres})
    outline = shapely.union_all(np.asarray(boundary.geometry.values))
    if outline is None or outline.is_empty or outline.area == 0:
        raise AnalysisInputError.of("input_missing", field="boundary")
    points = np.asarray(centres.geometry.values)
    if len(points) == 0:
        raise AnalysisInputError.of("input_missing", field="centres")
    for position, point in enumerate(points):
        if point is None or point.geom_type != "Point" or point.is_empty:
            kind = "empty" if point is None or point.is_empty else point.geom_type
            raise AnalysisInputError.of(
                "centre_not_point", field="centres", row=position, kind=kind
            )
    # Nearest centre by true distance needs metres; a local scaling of longitude by cos(lat)
    # gives them within 0.1 % over a subdistrict, and unlike a map projection it keeps straight
    # edges straight: cells drawn there and scaled back cut the boundary in its own CRS, so
    # the areas tile it, and real polygons next to them, without slivers.
    scale = _longitude_scale(outline, crs)
    xy = np.array([(p.x * scale, p.y) for p in points])
    if len(np.unique(np.round(xy, 9), axis=0)) < len(xy):
        first, second = _coinciding(xy)
        raise AnalysisInputError.of("centres_coincide", field="centres", first=first, second=second)
    scaled = shapely.affinity.scale(outline, xfact=scale, yfact=1.0, origin=(0, 0))
    cells = _nearest_centre_cells(scaled, xy)
    back = [shapely.affinity.scale(c, xfact=1.0 / scale, yfact=1.0, origin=(0, 0)) for c in cells]
    areas = [_clip(cell, outline) for cell in back]
    result = centres.copy()
    result = result.set_geometry(areas, crs=crs)
    metric = choose_metric_crs([gpd.GeoSeries([outline], crs=crs)])
    # edges straight in the input CRS bend in metres: densified first, the area is exact
    xmin, ymin, xmax, ymax = outline.bounds
    step = max(xmax - xmin, ymax - ymin) / 2000.0
    dense = gpd.GeoSeries(shapely.segmentize(np.asarray(areas, dtype=object), step), crs=crs)
    result["area_m2"] = dense.to_crs(metric).area.to_numpy()
    return result


def _longitude_scale(outline: shapely.Geometry, crs: CRS) -> float:
    """How much shorter a degree of longitude is than one of latitude at the area's middle,
    on the CRS's ellipsoid (``cos φ · (1 − e² sin² φ) / (1 − e²)``); 1 for a projected CRS."""
    if not crs.is_geographic:
        return 1.0
    _, ymin, _, ymax = outline.bounds
    phi = np.radians((ymin + ymax) / 2.0)
    ellipsoid = crs.ellipsoid
    e2 = 0.0
    if ellipsoid is not None:
        e2 = 1.0 - (ellipsoid.semi_minor_metre / ellipsoid.semi_major_metre) ** 2
    return float(np.cos(phi) * (1.0 - e2 * np.sin(phi) ** 2) / (1.0 - e2))


def _coinciding(xy: np.ndarray) -> tuple[int, int]:
    seen: dict[tuple[float, float], int] = {}
    for position, (x, y) in enumerate(np.round(xy, 9)):
        key = (float(x), float(y))
        if key in seen:
            return seen[key], position
        seen[key] = position
    return 0, 0


def _nearest_centre_cells(outline: shapely.Geometry, xy: np.ndarray) -> list[shapely.Geometry]:
    """One Voronoi cell per point, in point order (the whole plane when there is one point)."""
    points = shapely.points(xy)
    if len(points) == 1:
        return [outline]
    # The diagram's envelope must hold the boundary wholly, or cells would be cut short.
    xmin, ymin, xmax, ymax = outline.bounds
    span = max(xmax - xmin, ymax - ymin)
    envelope = shapely.box(xmin - span, ymin - span, xmax + span, ymax + span)
    diagram = shapely.voronoi_polygons(shapely.MultiPoint(list(points)), extend_to=envelope)
    cells = list(shapely.get_parts(diagram))
    # voronoi_polygons does not promise input order: match each cell to the point inside it.
    tree = shapely.STRtree(cells)
    ordered: list[shapely.Geometry] = []
    for point in points:
        hits = tree.query(point, predicate="intersects")
        ordered.append(cells[int(hits[0])])  # each generator lies inside exactly one cell
    return ordered


def _clip(cell: shapely.Geometry, outline: shapely.Geometry) -> MultiPolygon:
    part = shapely.intersection(cell, outline)
    smallest = outline.area * _SLIVER_SHARE
    polygons = [
        p
        for p in shapely.get_parts(part)
        if p.geom_type == "Polygon" and not p.is_empty and p.area > smallest
    ]
    return MultiPolygon(polygons)
