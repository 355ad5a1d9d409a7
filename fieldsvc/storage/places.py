"""Where a survey is: its claimed village, the village polygon holding its point, and whether
the point is inside a subdistrict — found with one statement per survey.

PostGIS answers with its GiST indexes. On SQLite the boundaries are read as WKB bytes and
tested with Shapely; decoded polygons are cached by their exact bytes, so a re-imported
boundary is a new cache key and a stale polygon can never be used (nothing to invalidate).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import shapely
from sqlalchemy import text
from sqlmodel import Session


@dataclass(frozen=True)
class VillageRef:
    id: int
    number: int


@dataclass(frozen=True)
class Whereabouts:
    """``claimed``: the village with the survey's number (หมู่ที่), first by subdistrict id.
    ``at_point``: the village whose boundary holds the point (lowest number first).
    ``inside_subdistrict``: None when there is no point or no subdistrict boundary."""

    claimed: VillageRef | None = None
    at_point: VillageRef | None = None
    inside_subdistrict: bool | None = None

    @property
    def village(self) -> VillageRef | None:
        """The survey's village: the one it names, else the one its point lies in."""
        return self.claimed or self.at_point


Point = tuple[float, float]  # (lon, lat), WGS 84

_POSTGIS_LOCATE = text(
    """
    WITH pt AS (SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) AS g),
    hit AS (
        SELECT v.id, v.number FROM village v, pt
        WHERE v.boundary IS NOT NULL AND ST_Intersects(v.boundary, pt.g)
        ORDER BY v.number LIMIT 1
    )
    SELECT
        (SELECT id FROM village WHERE number = :number ORDER BY subdistrict_id LIMIT 1),
        (SELECT id FROM hit),
        (SELECT number FROM hit),
        (SELECT bool_or(ST_Intersects(s.boundary, pt.g)) FROM subdistrict s, pt
         WHERE s.boundary IS NOT NULL)
    """
)

_SQLITE_PLACES = text(
    "SELECT 'v', id, number, subdistrict_id, boundary FROM village "
    "UNION ALL SELECT 's', id, 0, 0, boundary FROM subdistrict WHERE boundary IS NOT NULL"
)


def locate(*, session: Session, number: int | None, point: Point | None) -> Whereabouts:
    """The places of a survey that names village ``number`` and/or was taken at ``point``."""
    if number is None and point is None:
        return Whereabouts()
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        lon, lat = point if point is not None else (None, None)
        row = connection.execute(_POSTGIS_LOCATE, {"lon": lon, "lat": lat, "number": number}).one()
        claimed = VillageRef(row[0], number) if row[0] is not None and number else None
        at_point = VillageRef(row[1], row[2]) if row[1] is not None else None
        inside = None if point is None or row[3] is None else bool(row[3])
        return Whereabouts(claimed, at_point, inside)
    rows = [(r[0], r[1], r[2], r[3], r[4]) for r in connection.execute(_SQLITE_PLACES)]
    return _locate_in_python(rows, number, point)


def _locate_in_python(
    rows: list[tuple[str, int, int, int, bytes | None]], number: int | None, point: Point | None
) -> Whereabouts:
    villages = sorted((r for r in rows if r[0] == "v"), key=lambda r: (r[2], r[3]))
    claimed = next((VillageRef(r[1], r[2]) for r in villages if r[2] == number), None)
    if point is None:
        return Whereabouts(claimed=claimed)
    here = shapely.Point(point)
    at_point = next((VillageRef(r[1], r[2]) for r in villages if r[4] and _holds(r[4], here)), None)
    boundaries = [r[4] for r in rows if r[0] == "s" and r[4]]
    inside = any(_holds(b, here) for b in boundaries) if boundaries else None
    return Whereabouts(claimed, at_point, inside)


def _holds(wkb: bytes, point: shapely.Point) -> bool:
    return bool(_prepared_shape(bytes(wkb)).intersects(point))


@lru_cache(maxsize=512)  # a few subdistricts' villages; keyed by content, so always current
def _prepared_shape(wkb: bytes) -> shapely.Geometry:
    shape = shapely.from_wkb(wkb)
    shapely.prepare(shape)
    return shape
