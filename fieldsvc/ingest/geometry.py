"""Check one feature's geometry: polygons for boundaries, points for households and bins."""

from __future__ import annotations

from dataclasses import dataclass

import shapely
from shapely.geometry import MultiPoint, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry

from fieldsvc.problems import render

_TYPE_TH = {
    "Point": "จุด",
    "MultiPoint": "หลายจุด",
    "LineString": "เส้น",
    "MultiLineString": "หลายเส้น",
    "LinearRing": "เส้นวงปิด",
    "Polygon": "รูปแปลง",
    "MultiPolygon": "หลายรูปแปลง",
    "GeometryCollection": "กลุ่มรูปทรง",
}


@dataclass(frozen=True)
class GeometryCheck:
    """Outcome for one geometry: ``geometry`` is None when the row must be rejected.

    ``reason_th``/``reason_en``/``value`` explain a rejection, or a repair when
    ``geometry`` is set.
    """

    geometry: BaseGeometry | None
    reason_th: str | None = None
    reason_en: str | None = None
    value: str | None = None


def polygon_parts(geometry: BaseGeometry) -> list[Polygon]:
    """Return the non-empty polygons inside any geometry (none for points and lines)."""
    if isinstance(geometry, Polygon):
        return [] if geometry.is_empty else [geometry]
    parts = getattr(geometry, "geoms", ())
    return [polygon for part in parts for polygon in polygon_parts(part)]


def _missing(geometry: BaseGeometry | None) -> GeometryCheck | None:
    if geometry is None or geometry.is_empty:
        return GeometryCheck(None, *render("geometry_missing"))
    return None


def as_multipolygon(geometry: BaseGeometry | None) -> GeometryCheck:
    """Return a valid MultiPolygon, repairing invalid polygons with ``shapely.make_valid``.

    Points and lines are rejected; only the polygonal parts of a repair are kept.

    Examples
    --------
    >>> bow_tie = Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    >>> check = as_multipolygon(bow_tie)
    >>> check.geometry.geom_type, len(check.geometry.geoms), check.reason_en
    ('MultiPolygon', 2, 'invalid polygon repaired')
    """
    missing = _missing(geometry)
    if missing is not None or geometry is None:
        return missing or GeometryCheck(None)
    kind = geometry.geom_type
    parts = polygon_parts(geometry)
    if not parts:
        why = render("geometry_not_polygon", kind_th=_TYPE_TH.get(kind, kind), kind=kind)
        return GeometryCheck(None, *why, kind)
    polygons = MultiPolygon(parts)
    dropped = kind == "GeometryCollection" and len(parts) < len(getattr(geometry, "geoms", ()))
    if polygons.is_valid:
        if dropped:
            return GeometryCheck(polygons, *render("non_polygon_parts_dropped"), kind)
        return GeometryCheck(polygons)
    reason = shapely.is_valid_reason(polygons)
    fixed = polygon_parts(shapely.make_valid(polygons))
    if not fixed:
        return GeometryCheck(None, *render("polygon_unrepairable"), reason)
    return GeometryCheck(MultiPolygon(fixed), *render("polygon_repaired"), reason)


def as_point(geometry: BaseGeometry | None) -> GeometryCheck:
    """Return a Point; a MultiPoint of one point is unwrapped, anything else is rejected.

    Examples
    --------
    >>> as_point(Point(100.5, 14.5)).geometry.wkt
    'POINT (100.5 14.5)'
    """
    missing = _missing(geometry)
    if missing is not None or geometry is None:
        return missing or GeometryCheck(None)
    if isinstance(geometry, Point):
        return GeometryCheck(geometry)
    if isinstance(geometry, MultiPoint) and len(geometry.geoms) == 1:
        return GeometryCheck(geometry.geoms[0])
    kind = geometry.geom_type
    why = render("geometry_not_single_point", kind_th=_TYPE_TH.get(kind, kind), kind=kind)
    return GeometryCheck(None, *why, kind)
