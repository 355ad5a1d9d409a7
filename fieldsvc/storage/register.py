"""Keyword-only data functions for the register: places, bins and their inspections."""

from __future__ import annotations

import math
import re
import secrets
from collections.abc import Callable, Collection, Sequence
from datetime import UTC, datetime

import shapely
from shapely.geometry import Point
from sqlalchemy import func, text
from sqlmodel import Session, col, select

from fieldsvc.errors import InvalidInput, NotFound
from fieldsvc.ingest.observations import is_newest, newest_state
from fieldsvc.models import (
    Bin,
    BinCreate,
    Inspection,
    InspectionSource,
    Stream,
    Subdistrict,
    Village,
)
from fieldsvc.models.labels import IssuedCode
from fieldsvc.models.types import utc_now
from fieldsvc.storage.tenancy import subdistrict_for_row
from fieldsvc.storage.work_orders import note_inspection

EARTH_RADIUS_M = 6_371_008.8


def get_bin_by_code(*, session: Session, code: str) -> Bin | None:
    return session.exec(select(Bin).where(Bin.code == code)).first()


#: A code people can write on a bin: village number, dash, four digits ("07-0427").
VILLAGE_CODE = re.compile(r"^(\d{2,3})-\d{4}$")


def unused_village_code(
    *, session: Session, prefix: str, draw: Callable[[], int] | None = None
) -> str | None:
    """A code ``{prefix}-NNNN`` that no bin has and no printed sticker carries: four digits drawn
    at random (as the phones draw theirs, so another phone's offline draw rarely meets it), else
    the first free number; None when all 10,000 are taken."""
    taken = set(session.exec(select(Bin.code).where(col(Bin.code).startswith(prefix + "-"))))
    taken |= set(
        session.exec(select(IssuedCode.code).where(col(IssuedCode.code).startswith(prefix + "-")))
    )
    pick = draw or (lambda: secrets.randbelow(10_000))
    for _ in range(200):
        code = f"{prefix}-{pick() % 10_000:04d}"
        if code not in taken:
            return code
    return next((c for n in range(10_000) if (c := f"{prefix}-{n:04d}") not in taken), None)


def require_bin(*, session: Session, code: str) -> Bin:
    found = get_bin_by_code(session=session, code=code)
    if found is None:
        raise NotFound.of("bin_not_found", field="bin_code", details={"value": code}, bin_code=code)
    return found


def bin_ids_in_subdistrict(*, session: Session, subdistrict_id: int) -> set[int]:
    """Ids of the bins of one subdistrict."""
    query = select(Bin.id).where(Bin.subdistrict_id == subdistrict_id)
    return {int(i) for i in session.exec(query) if i is not None}


def list_villages(
    *,
    session: Session,
    subdistrict_id: int | None = None,
    ids: Collection[int] | None = None,
) -> Sequence[Village]:
    """Villages by subdistrict and number: of one subdistrict, of ``ids``, or all."""
    query = select(Village).order_by(col(Village.subdistrict_id), col(Village.number))
    if subdistrict_id is not None:
        query = query.where(Village.subdistrict_id == subdistrict_id)
    if ids is not None:
        query = query.where(col(Village.id).in_(list(ids)))
    return session.exec(query).all()


def villages_by_number(*, session: Session, ids: Sequence[int] | None = None) -> list[Village]:
    """Villages in order of their number; only ``ids`` when given (None: every village)."""
    query = select(Village).order_by(col(Village.number))
    if ids is not None:
        query = query.where(col(Village.id).in_(list(ids)))
    return list(session.exec(query))


def count_bins(*, session: Session, village_ids: Sequence[int] | None = None) -> int:
    """Bins registered (in ``village_ids`` when given)."""
    query = select(func.count()).select_from(Bin)
    if village_ids is not None:
        query = query.where(col(Bin.village_id).in_(list(village_ids)))
    return int(session.exec(query).one())


def count_bins_surveyed_since(
    *, session: Session, since: datetime, village_ids: Sequence[int] | None = None
) -> int:
    """Distinct bins with a survey inspection observed at or after ``since`` (aware)."""
    query = (
        select(func.count(func.distinct(Inspection.bin_id)))
        .select_from(Inspection)
        .join(Bin, col(Bin.id) == col(Inspection.bin_id))
        .where(
            col(Inspection.source) == InspectionSource.survey.value,
            col(Inspection.observed_at) >= since.astimezone(UTC),
        )
    )
    if village_ids is not None:
        query = query.where(col(Bin.village_id).in_(list(village_ids)))
    return int(session.exec(query).one())


def get_village_by_number(
    *, session: Session, number: int, subdistrict_id: int | None = None
) -> Village | None:
    """Village หมู่ที่ ``number`` of subdistrict ``subdistrict_id``; None: of the one
    subdistrict that has such a village (None when none has).

    Raises
    ------
    InvalidInput
        ``village_number_ambiguous`` (field ``subdistrict``) when no subdistrict is given and
        villages of several subdistricts have that number.
    """
    query = select(Village).where(Village.number == number)
    if subdistrict_id is not None:
        query = query.where(Village.subdistrict_id == subdistrict_id)
    found = session.exec(query.order_by(col(Village.subdistrict_id))).all()
    if len(found) > 1:
        ids = [v.subdistrict_id for v in found]
        codes = session.exec(
            select(Subdistrict.code).where(col(Subdistrict.id).in_(ids)).order_by(Subdistrict.code)
        ).all()
        raise InvalidInput.of(
            "village_number_ambiguous",
            field="subdistrict",
            details={"value": number, "subdistricts": list(codes)},
            number=number,
            codes=", ".join(codes),
        )
    return found[0] if found else None


#: Subdistrict codes starting with 99 are not DOPA codes (provinces stop at 96): the synthetic
#: sample data uses them, and every page says so while such a subdistrict is loaded.
SYNTHETIC_CODE_PREFIX = "99"


def has_synthetic_data(*, session: Session) -> bool:
    query = select(Subdistrict.id).where(col(Subdistrict.code).startswith(SYNTHETIC_CODE_PREFIX))
    return session.exec(query.limit(1)).first() is not None


def only_subdistrict(*, session: Session) -> Subdistrict | None:
    """The subdistrict of a single-office install (None when there are none or several)."""
    rows = session.exec(select(Subdistrict).limit(2)).all()
    return rows[0] if len(rows) == 1 else None


def village_containing(*, session: Session, lon: float, lat: float) -> Village | None:
    """The village whose boundary contains the point (lon, lat), if any.

    PostGIS answers with its GiST index; on SQLite the boundaries are tested with Shapely.
    """
    if session.get_bind().dialect.name == "postgresql":
        row = session.exec(  # type: ignore[call-overload]
            text(
                "SELECT id FROM village WHERE boundary IS NOT NULL AND "
                "ST_Intersects(boundary, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)) "
                "ORDER BY number LIMIT 1"
            ).bindparams(lon=lon, lat=lat)
        ).first()
        return session.get(Village, row[0]) if row else None
    point = Point(lon, lat)
    for village in session.exec(
        select(Village).where(col(Village.boundary).is_not(None)).order_by(col(Village.number))
    ):
        if village.boundary is not None and shapely.intersects(village.boundary, point):
            return village
    return None


class VillageLocator:
    """Point-in-village lookups for a whole import: boundaries loaded once into an STRtree."""

    def __init__(self, *, session: Session, subdistrict_id: int | None = None) -> None:
        query = select(Village).order_by(col(Village.number))
        if subdistrict_id is not None:  # the villages of one subdistrict only
            query = query.where(Village.subdistrict_id == subdistrict_id)
        villages = [v for v in session.exec(query) if v.boundary is not None]
        self._ids = [v.id for v in villages]
        self._tree = shapely.STRtree([v.boundary for v in villages])

    def village_id(self, lon: float, lat: float) -> int | None:
        hits = self._tree.query(Point(lon, lat), predicate="intersects")
        return self._ids[min(hits)] if len(hits) else None


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres (accurate to ~0.5 % — enough for "a few metres" checks)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def bins_near(
    *,
    session: Session,
    lon: float,
    lat: float,
    radius_m: float,
    stream: Stream | None = None,
    limit: int = 50,
    subdistrict_id: int | None = None,
) -> list[tuple[Bin, float]]:
    """Bins within ``radius_m`` of a point, nearest first, with their distance in metres; of
    one subdistrict when ``subdistrict_id`` is given (None: every subdistrict)."""
    dlat = radius_m / 111_000.0
    dlon = radius_m / (111_000.0 * max(math.cos(math.radians(lat)), 0.01))
    query = select(Bin).where(
        col(Bin.lat).between(lat - dlat, lat + dlat), col(Bin.lon).between(lon - dlon, lon + dlon)
    )
    if stream is not None:
        query = query.where(Bin.stream == stream)
    if subdistrict_id is not None:
        query = query.where(Bin.subdistrict_id == subdistrict_id)
    found = [(b, haversine_m(lon, lat, b.lon, b.lat)) for b in session.exec(query)]
    found = [(b, d) for b, d in found if d <= radius_m]
    found.sort(key=lambda pair: (pair[1], pair[0].code))
    return found[:limit]


def create_bin(*, session: Session, bin_in: BinCreate, observed_at: datetime | None = None) -> Bin:
    """Register a new bin and its first inspection (the observation that found it)."""
    if get_bin_by_code(session=session, code=bin_in.code) is not None:
        raise InvalidInput.of(
            "bin_code_exists", field="code", details={"value": bin_in.code}, bin_code=bin_in.code
        )
    bin_row = Bin.model_validate(bin_in)
    if bin_row.village_id is None:
        village = village_containing(session=session, lon=bin_row.lon, lat=bin_row.lat)
        bin_row.village_id = village.id if village else None
    bin_row.subdistrict_id = subdistrict_for_row(
        session=session, village_id=bin_row.village_id, lon=bin_row.lon, lat=bin_row.lat
    )
    session.add(bin_row)
    session.flush()
    record_inspection(
        session=session,
        bin_row=bin_row,
        inspection=Inspection(
            bin_id=bin_row.id or 0,
            observed_at=observed_at or utc_now(),
            condition=bin_row.condition,
            capacity_l=bin_row.capacity_l,
            stream=bin_row.stream,
            lon=bin_row.lon,
            lat=bin_row.lat,
            households_served=bin_row.households_served,
            source=InspectionSource.inventory_import,
        ),
    )
    return bin_row


def record_inspection(
    *,
    session: Session,
    bin_row: Bin,
    inspection: Inspection,
    point_village_id: int | None = None,
) -> Inspection:
    """Append an inspection to a bin's history and bring the bin's current state in step.

    History is never overwritten. The bin shows the state of its most recent *observation*
    (by ``observed_at``): a survey done offline last week and sent today does not override one
    made yesterday. What the inspection found opens, joins, verifies or reopens the bin's work
    orders (``work_orders.note_inspection``). All run in the caller's transaction.
    ``point_village_id``: the village whose boundary holds the inspection's point, when the
    caller already knows it.
    """
    if bin_row.id is None:
        session.add(bin_row)
        session.flush()
    inspection.bin_id = bin_row.id  # type: ignore[assignment]
    session.add(inspection)
    if is_newest(inspection.observed_at, bin_row.last_inspected_at):
        if point_village_id is None and inspection.lon is not None and inspection.lat is not None:
            village = village_containing(session=session, lon=inspection.lon, lat=inspection.lat)
            point_village_id = village.id if village else None
        for name, value in newest_state(inspection, point_village_id=point_village_id).items():
            setattr(bin_row, name, value)
    bin_row.updated_at = utc_now()
    session.add(bin_row)
    session.flush()
    note_inspection(
        session=session,
        bin_id=bin_row.id,  # type: ignore[arg-type]
        village_id=bin_row.village_id,
        condition=inspection.condition,
        observed_at=inspection.observed_at,
        inspection_id=inspection.id,  # type: ignore[arg-type]
    )
    return inspection


def bin_history(*, session: Session, bin_id: int) -> Sequence[Inspection]:
    """Every inspection of a bin, oldest observation first."""
    return session.exec(
        select(Inspection)
        .where(Inspection.bin_id == bin_id)
        .order_by(col(Inspection.observed_at), col(Inspection.id))
    ).all()
