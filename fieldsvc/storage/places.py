"""Where a survey is: its claimed village, the village polygon holding its point, and whether
the point is inside the sender's subdistrict — found with one statement per survey.

Village numbers repeat across the subdistricts of an install (A and B both have หมู่ 1), so the
village a survey names is looked for in the sender's subdistrict: a village head's (those of
their villages), a staff member's (the ones they work for), else the one holding the point.

PostGIS answers with its GiST indexes. On SQLite the boundaries are read as WKB bytes and
tested with Shapely; decoded polygons are cached by their exact bytes, so a re-imported
boundary is a new cache key and a stale polygon can never be used (nothing to invalidate).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import shapely
from sqlalchemy import text
from sqlmodel import Session

from fieldsvc.models import Role, User


@dataclass(frozen=True)
class VillageRef:
    id: int
    number: int
    subdistrict_id: int | None = None


@dataclass(frozen=True)
class Whereabouts:
    """``claimed``: the village with the survey's number (หมู่ที่) in the sender's
    subdistrict(s) (the one holding the point first), else in the subdistrict holding the
    point, else first by subdistrict id.
    ``at_point``: the village whose boundary holds the point (the sender's subdistricts first,
    then lowest number first).
    ``inside_subdistrict``: whether the point is inside the sender's subdistrict(s) (any
    subdistrict when the sender's are not known or have no boundary); None when there is no
    point or no subdistrict boundary.
    ``sender_subdistricts``: the subdistricts the sender works for (None: every, or unknown).
    ``bin_subdistrict``: the subdistrict of the bin looked up with it (None: none asked)."""

    claimed: VillageRef | None = None
    at_point: VillageRef | None = None
    inside_subdistrict: bool | None = None
    sender_subdistricts: tuple[int, ...] | None = None
    bin_subdistrict: int | None = None

    @property
    def village(self) -> VillageRef | None:
        """The survey's village: the one it names, else the one its point lies in."""
        return self.claimed or self.at_point


Point = tuple[float, float]  # (lon, lat), WGS 84

_POSTGIS_LOCATE = text(
    """
    WITH pt AS (SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) AS g),
    mine AS (
        SELECT v.subdistrict_id AS sid FROM uservillage uv JOIN village v ON v.id = uv.village_id
        WHERE :is_head AND uv.user_id = :user_id AND v.subdistrict_id IS NOT NULL
        UNION
        SELECT us.subdistrict_id FROM user_subdistrict us
        WHERE NOT :is_head AND us.user_id = :user_id
        UNION
        SELECT w FROM unnest(CAST(:within AS integer[])) AS w
    ),
    here AS (
        SELECT s.id FROM subdistrict s, pt
        WHERE pt.g IS NOT NULL AND s.boundary IS NOT NULL AND ST_Intersects(s.boundary, pt.g)
    ),
    scope AS (
        SELECT sid FROM mine
        UNION ALL SELECT id FROM here WHERE NOT EXISTS (SELECT 1 FROM mine)
    ),
    claim AS (
        SELECT v.id, v.subdistrict_id FROM village v
        WHERE v.number = :number
          AND (NOT EXISTS (SELECT 1 FROM scope) OR v.subdistrict_id IN (SELECT sid FROM scope))
        ORDER BY COALESCE(v.subdistrict_id IN (SELECT id FROM here), false) DESC, v.subdistrict_id
        LIMIT 1
    ),
    hit AS (
        SELECT v.id, v.number, v.subdistrict_id FROM village v, pt
        WHERE v.boundary IS NOT NULL AND ST_Intersects(v.boundary, pt.g)
        ORDER BY COALESCE(v.subdistrict_id IN (SELECT sid FROM mine), false) DESC, v.number
        LIMIT 1
    )
    SELECT
        (SELECT id FROM claim),
        (SELECT subdistrict_id FROM claim),
        (SELECT id FROM hit),
        (SELECT number FROM hit),
        (SELECT subdistrict_id FROM hit),
        CASE
            WHEN EXISTS (SELECT 1 FROM mine m JOIN subdistrict s ON s.id = m.sid
                         WHERE s.boundary IS NOT NULL)
            THEN EXISTS (SELECT 1 FROM here WHERE id IN (SELECT sid FROM mine))
            WHEN EXISTS (SELECT 1 FROM subdistrict WHERE boundary IS NOT NULL)
            THEN EXISTS (SELECT 1 FROM here)
        END,
        (SELECT array_agg(sid ORDER BY sid) FROM mine),
        (SELECT subdistrict_id FROM bin WHERE id = :bin_id)
    """
)

_SQLITE_PLACES = text(
    "SELECT 'v', id, number, subdistrict_id, boundary FROM village "
    "UNION ALL SELECT 's', id, 0, 0, boundary FROM subdistrict WHERE boundary IS NOT NULL "
    "UNION ALL SELECT 'u', v.subdistrict_id, 0, 0, NULL FROM uservillage uv "
    "JOIN village v ON v.id = uv.village_id WHERE :is_head AND uv.user_id = :user_id "
    "UNION ALL SELECT 'u', subdistrict_id, 0, 0, NULL FROM user_subdistrict "
    "WHERE NOT :is_head AND user_id = :user_id "
    "UNION ALL SELECT 'b', subdistrict_id, 0, 0, NULL FROM bin WHERE id = :bin_id"
)

Row = tuple[str, int | None, int, int | None, bytes | None]


def locate(
    *,
    session: Session,
    number: int | None,
    point: Point | None,
    sender: User | None = None,
    within: Sequence[int] | None = None,
    bin_id: int | None = None,
) -> Whereabouts:
    """The places of a survey that names village ``number`` and/or was taken at ``point``,
    sent by ``sender`` (whose subdistricts scope the village number), or resolved ``within``
    the given subdistricts instead (a stored survey's, an import's); with the subdistrict of
    bin ``bin_id`` when given."""
    if number is None and point is None and bin_id is None:
        return Whereabouts()
    connection = session.connection()
    params = {
        "number": number,
        "user_id": sender.id if sender is not None and within is None else None,
        "is_head": sender is not None and sender.role == Role.village_head,
        "bin_id": bin_id,
    }
    if connection.dialect.name == "postgresql":
        lon, lat = point if point is not None else (None, None)
        row = connection.execute(
            _POSTGIS_LOCATE, {**params, "lon": lon, "lat": lat, "within": list(within or [])}
        ).one()
        claimed = VillageRef(row[0], number, row[1]) if row[0] is not None and number else None
        at_point = VillageRef(row[2], row[3], row[4]) if row[2] is not None else None
        inside = None if point is None or row[5] is None else bool(row[5])
        mine = tuple(int(i) for i in row[6]) if row[6] else None
        return Whereabouts(claimed, at_point, inside, mine, row[7])
    found = connection.execute(_SQLITE_PLACES, params)
    rows: list[Row] = [(r[0], r[1], r[2], r[3], r[4]) for r in found]
    if within:
        rows += [("u", int(i), 0, None, None) for i in within]
    return _locate_in_python(rows, number, point)


def _locate_in_python(rows: list[Row], number: int | None, point: Point | None) -> Whereabouts:
    mine = tuple(sorted({r[1] for r in rows if r[0] == "u" and r[1] is not None})) or None
    bin_subdistrict = next((r[1] for r in rows if r[0] == "b"), None)
    here = shapely.Point(point) if point is not None else None
    subdistricts = [(r[1], r[4]) for r in rows if r[0] == "s" and r[4]]
    holding = {s for s, b in subdistricts if here is not None and b and _holds(b, here)}
    scope = set(mine) if mine else holding
    villages = sorted((r for r in rows if r[0] == "v"), key=lambda r: (r[2], r[3] or 0))
    claimed = next(
        (
            VillageRef(r[1] or 0, r[2], r[3])
            for r in sorted(villages, key=lambda r: (r[3] not in holding, r[3] or 0))
            if r[2] == number and (not scope or r[3] in scope)
        ),
        None,
    )
    if here is None:
        return Whereabouts(claimed, None, None, mine, bin_subdistrict)
    at_point = next(
        (
            VillageRef(r[1] or 0, r[2], r[3])
            for r in sorted(villages, key=lambda r: (mine is not None and r[3] not in mine, r[2]))
            if r[4] and _holds(r[4], here)
        ),
        None,
    )
    own = [b for s, b in subdistricts if mine and s in mine]
    if own:
        inside: bool | None = bool(holding & set(mine or ()))
    else:
        inside = bool(holding) if subdistricts else None
    return Whereabouts(claimed, at_point, inside, mine, bin_subdistrict)


def _holds(wkb: bytes, point: shapely.Point) -> bool:
    return bool(_prepared_shape(bytes(wkb)).intersects(point))


@lru_cache(maxsize=512)  # a few subdistricts' villages; keyed by content, so always current
def _prepared_shape(wkb: bytes) -> shapely.Geometry:
    shape = shapely.from_wkb(wkb)
    shapely.prepare(shape)
    return shape
