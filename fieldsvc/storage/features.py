"""Paged, filtered reads of the register for OGC API – Features (``services.ogc_features``).

A bounding box is answered by the database's own index: on SQLite a range on the indexed
``(lat, lon)`` of the bin table (``ix_bin_lat_lon``), on PostGIS ``ST_Intersects`` with an
envelope on the generated ``geom`` column and its GiST index. Pages are ordered by row id, so
``offset`` paging neither skips nor repeats a row while the data stay the same.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, text
from sqlmodel import Session, col, select

from fieldsvc.models import Bin, Inspection, ReviewState, Submission, Village


@dataclass(frozen=True)
class BBox:
    """A box in WGS 84 degrees; ``min_lon > max_lon`` crosses the antimeridian."""

    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    def lon_ranges(self) -> list[tuple[float, float]]:
        if self.min_lon <= self.max_lon:
            return [(self.min_lon, self.max_lon)]
        return [(self.min_lon, 180.0), (-180.0, self.max_lon)]

    def holds(self, lon: float, lat: float) -> bool:
        inside_lon = any(a <= lon <= b for a, b in self.lon_ranges())
        return inside_lon and self.min_lat <= lat <= self.max_lat


@dataclass(frozen=True)
class Interval:
    """Times from ``start`` to ``end`` inclusive (aware); None is an open end."""

    start: datetime | None
    end: datetime | None

    def holds(self, moment: datetime | None) -> bool:
        if moment is None:
            return False
        return (self.start is None or moment >= self.start) and (
            self.end is None or moment <= self.end
        )


@dataclass(frozen=True)
class Page:
    """Rows of one page and how many rows match in all."""

    rows: list[dict[str, Any]]
    matched: int


def _is_postgis(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _point_in_box(
    session: Session, table: str, lon: Any, lat: Any, box: BBox, *, geom: bool
) -> ColumnElement[bool]:
    """Points of ``table`` inside ``box``: the GiST index on PostGIS (``geom``), else the
    indexed lat/lon ranges."""
    parts: list[Any]
    if geom and _is_postgis(session):
        parts = [
            text(
                f"ST_Intersects({table}.geom, "
                f"ST_MakeEnvelope(:x0_{i}, :y0_{i}, :x1_{i}, :y1_{i}, 4326))"
            ).bindparams(
                **{f"x0_{i}": a, f"y0_{i}": box.min_lat, f"x1_{i}": b, f"y1_{i}": box.max_lat}
            )
            for i, (a, b) in enumerate(box.lon_ranges())
        ]
    else:
        parts = [
            and_(col(lat).between(box.min_lat, box.max_lat), col(lon).between(a, b))
            for a, b in box.lon_ranges()
        ]
    return or_(*parts) if len(parts) > 1 else parts[0]  # type: ignore[no-any-return]


# --- bins --------------------------------------------------------------------------------------
BIN_FILTERS: Mapping[str, Any] = {
    "code": Bin.code,
    "village_number": Village.number,
    "stream": Bin.stream,
    "condition": Bin.condition,
    "capacity_l": Bin.capacity_l,
}


def _bin_clauses(session: Session, box: BBox | None, equals: Mapping[str, Any]) -> list[Any]:
    clauses: list[Any] = [col(BIN_FILTERS[name]) == value for name, value in equals.items()]
    if box is not None:
        clauses.append(_point_in_box(session, "bin", Bin.lon, Bin.lat, box, geom=True))
    return clauses


#: What a bins page reads: name in the answer → column.
BIN_COLUMNS: Mapping[str, Any] = {
    "id": Bin.id,
    "code": Bin.code,
    "lon": Bin.lon,
    "lat": Bin.lat,
    "stream": Bin.stream,
    "condition": Bin.condition,
    "capacity_l": Bin.capacity_l,
    "last_inspected_at": Bin.last_inspected_at,
    "village_number": Village.number,
}


def bins_page(
    *,
    session: Session,
    box: BBox | None = None,
    equals: Mapping[str, Any] | None = None,
    limit: int,
    offset: int = 0,
    bin_code: str | None = None,
    subdistrict_ids: Sequence[int] | None = None,
) -> Page:
    """The register's bins (public columns) in id order, ``limit`` from ``offset``;
    ``bin_code``: that one bin only; ``subdistrict_ids``: of those subdistricts only."""
    clauses = _bin_clauses(session, box, equals or {})
    if subdistrict_ids is not None:
        clauses.append(col(Bin.subdistrict_id).in_(list(subdistrict_ids)))
    if bin_code is not None:
        clauses.append(col(Bin.code) == bin_code)
    joined = (col(Bin.village_id) == col(Village.id),)
    query = (
        select(*BIN_COLUMNS.values())
        .outerjoin(Village, *joined)
        .where(*clauses)
        .order_by(col(Bin.id))
        .offset(offset)
        .limit(limit)
    )
    rows = [dict(zip(BIN_COLUMNS, row, strict=True)) for row in session.exec(query)]
    counted = select(func.count(col(Bin.id))).outerjoin(Village, *joined).where(*clauses)
    return Page(rows, int(session.exec(counted).one()))


def bins_extent(*, session: Session) -> tuple[float, float, float, float] | None:
    """(min lon, min lat, max lon, max lat) of every bin, or None without bins."""
    row = session.exec(
        select(func.min(Bin.lon), func.min(Bin.lat), func.max(Bin.lon), func.max(Bin.lat))
    ).one()
    return None if row[0] is None else (row[0], row[1], row[2], row[3])


# --- inspections -------------------------------------------------------------------------------
INSPECTION_FILTERS: Mapping[str, Any] = {
    "bin_code": Bin.code,
    "village_number": Village.number,
    "stream": Inspection.stream,
    "condition": Inspection.condition,
    "source": Inspection.source,
}


INSPECTION_COLUMNS: Mapping[str, Any] = {
    "id": Inspection.id,
    "observed_at": Inspection.observed_at,
    "condition": Inspection.condition,
    "stream": Inspection.stream,
    "capacity_l": Inspection.capacity_l,
    "lon": Inspection.lon,
    "lat": Inspection.lat,
    "accuracy_m": Inspection.accuracy_m,
    "households_served": Inspection.households_served,
    "source": Inspection.source,
    "bin_code": Bin.code,
    "village_number": Village.number,
}


def inspections_page(
    *,
    session: Session,
    box: BBox | None = None,
    interval: Interval | None = None,
    equals: Mapping[str, Any] | None = None,
    limit: int,
    offset: int = 0,
    inspection_id: int | None = None,
    subdistrict_ids: Sequence[int] | None = None,
) -> Page:
    """Inspections (no notes) with their bin's code and village number, in id order; the box
    holds the point where the inspection was made; ``interval`` its observation time;
    ``subdistrict_ids``: of the bins of those subdistricts only."""
    clauses: list[Any] = [
        col(INSPECTION_FILTERS[name]) == value for name, value in (equals or {}).items()
    ]
    if subdistrict_ids is not None:
        clauses.append(col(Bin.subdistrict_id).in_(list(subdistrict_ids)))
    if box is not None:
        clauses.append(col(Inspection.lon).is_not(None))
        clauses.append(
            _point_in_box(session, "inspection", Inspection.lon, Inspection.lat, box, geom=False)
        )
    if interval is not None and interval.start is not None:
        clauses.append(col(Inspection.observed_at) >= interval.start)
    if interval is not None and interval.end is not None:
        clauses.append(col(Inspection.observed_at) <= interval.end)
    if inspection_id is not None:
        clauses.append(col(Inspection.id) == inspection_id)
    base = select(*INSPECTION_COLUMNS.values())
    query = (
        base.join(Bin, col(Bin.id) == col(Inspection.bin_id))
        .outerjoin(Village, col(Bin.village_id) == col(Village.id))
        .where(*clauses)
        .order_by(col(Inspection.id))
        .offset(offset)
        .limit(limit)
    )
    rows = [dict(zip(INSPECTION_COLUMNS, row, strict=True)) for row in session.exec(query)]
    counted = (
        select(func.count(col(Inspection.id)))
        .join(Bin, col(Bin.id) == col(Inspection.bin_id))
        .outerjoin(Village, col(Bin.village_id) == col(Village.id))
        .where(*clauses)
    )
    return Page(rows, int(session.exec(counted).one()))


def inspections_extent(
    *, session: Session
) -> tuple[tuple[float, float, float, float] | None, tuple[datetime, datetime] | None]:
    """The box of every inspection's point and the first and last observation time."""
    figures: list[Any] = [
        func.min(Inspection.lon),
        func.min(Inspection.lat),
        func.max(Inspection.lon),
        func.max(Inspection.lat),
        func.min(Inspection.observed_at),
        func.max(Inspection.observed_at),
    ]
    row = session.exec(select(*figures)).one()
    box = None if row[0] is None else (row[0], row[1], row[2], row[3])
    times = None if row[4] is None else (row[4], row[5])
    return box, times


# --- surveys held for staff ----------------------------------------------------------------------
HELD_STATES = (ReviewState.received.value, ReviewState.has_issues.value)


def held_surveys(
    *, session: Session, subdistrict_ids: Sequence[int] | None = None
) -> Sequence[Submission]:
    """Current, complete surveys kept but not applied to the register, awaiting a staff
    decision (held by a check), in id order; of those subdistricts only when
    ``subdistrict_ids`` is given. They are few: filtered by the caller."""
    query = (
        select(Submission)
        .where(
            col(Submission.is_current).is_(True),
            col(Submission.complete).is_(True),
            col(Submission.applied).is_(False),
            col(Submission.review_state).in_(HELD_STATES),
        )
        .order_by(col(Submission.id))
    )
    if subdistrict_ids is not None:
        query = query.where(col(Submission.subdistrict_id).in_(list(subdistrict_ids)))
    return session.exec(query).all()


def village_numbers(*, session: Session) -> dict[int, int]:
    """village id → หมู่ number."""
    return {v.id: v.number for v in session.exec(select(Village)) if v.id is not None}
