"""The one bridge between database rows and GeoDataFrames (always EPSG:4326).

Analysis code receives these frames and never touches the database; imports hand frames here.
Column names are the contract with ``fieldsvc.analysis``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from geopandas.array import from_shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Executable, delete, func, insert
from sqlalchemy import select as rows_select  # plain column rows (any number of columns)
from sqlmodel import Session, col, select

from fieldsvc.models import Bin, BinCreate, Household, Subdistrict, Village
from fieldsvc.models.enums import HouseholdSource
from fieldsvc.models.place import BOUNDARY_IMPORTED
from fieldsvc.storage.register import VillageLocator, create_bin, get_bin_by_code
from fieldsvc.thai import THAI_TZ

#: Called as ``progress(done, total)`` during long saves.
Progress = Callable[[int, int], None]
PROGRESS_EVERY = 1000

WGS84 = "EPSG:4326"
#: Parsed once: every frame read here shares it (a CRS is immutable).
_WGS84_CRS = pyproj.CRS.from_user_input(WGS84)

VILLAGE_COLUMNS = [
    "village_id",
    "number",
    "name",
    "code",
    "households",
    "population",
    "collection_interval_days",
    "waste_kg_per_person_day",
    "boundary_source",
]
BIN_COLUMNS = [
    "bin_id",
    "code",
    "village_id",
    "capacity_l",
    "stream",
    "condition",
    "households_served",
    "installed_on",
    "last_inspected_at",
]
HOUSEHOLD_COLUMNS = ["household_id", "ref", "village_id", "persons", "source", "weight"]


def _columns(rows: Sequence[Any]) -> list[tuple[Any, ...]]:
    """The values of ``rows`` (at least one) column by column: one tuple per selected column
    (a frame built from columns skips pandas' row-by-row conversion)."""
    return list(zip(*rows, strict=True))


def _column_rows(session: Session, query: Executable) -> Sequence[Sequence[Any]]:
    """The rows of a query of plain columns, run on the session's connection: no ORM row
    loading (about a third of the time of reading a subdistrict's households). Pending
    changes are flushed first, as the session's own ``execute`` would."""
    if session.autoflush:
        session.flush()
    return session.connection().execute(query).all()


def _geo_frame(data: dict[str, Any], geometry: Sequence[Any]) -> gpd.GeoDataFrame:
    """The columns ``data`` and then ``geometry`` (Shapely geometries or None, EPSG:4326).

    Built as one pandas frame with its geometry column already typed, then made the active
    geometry: ``GeoDataFrame(data, geometry=…, crs=…)`` spends about a millisecond looking
    for a CRS among the (text) columns of a frame that has no geometry yet."""
    frame = pd.DataFrame({**data, "geometry": from_shapely(geometry, crs=_WGS84_CRS)})
    return gpd.GeoDataFrame(frame, geometry="geometry", copy=False)


def _empty_frame(columns: list[str], dtypes: dict[str, str]) -> gpd.GeoDataFrame:
    """A frame of no rows, as pandas makes one from no records (no values to type the
    columns by), with the ``dtypes`` the analysis expects."""
    frame = pd.DataFrame.from_records([], columns=columns)
    for name, dtype in dtypes.items():
        frame[name] = frame[name].astype(dtype)
    return gpd.GeoDataFrame(frame, geometry=[], crs=WGS84)


def villages_frame(*, session: Session, subdistrict_id: int | None = None) -> gpd.GeoDataFrame:
    """Villages as a GeoDataFrame; ``geometry`` is None where no boundary is known."""
    # Plain column rows, not ORM objects: a national run reads ~75,000 villages this way.
    query = rows_select(
        col(Village.id),
        col(Village.number),
        col(Village.name),
        col(Village.code),
        col(Village.households),
        col(Village.population),
        col(Village.collection_interval_days),
        col(Village.waste_kg_per_person_day),
        col(Village.boundary_source),
        col(Village.boundary),
    ).order_by(col(Village.number))
    if subdistrict_id is not None:
        query = query.where(col(Village.subdistrict_id) == subdistrict_id)
    rows = _column_rows(session, query)
    if not rows:
        return _empty_frame(VILLAGE_COLUMNS, {"households": "Int64", "population": "Int64"})
    *values, source, boundary = _columns(rows)
    # a boundary source only where there is a boundary; pandas infers each other column's
    # dtype from its values exactly as it did from one dictionary per village
    data: dict[str, Any] = dict(zip(VILLAGE_COLUMNS[:-1], values, strict=True))
    for column in ("households", "population"):
        data[column] = pd.array(data[column], dtype="Int64")
    data["boundary_source"] = [
        s if b is not None else None for s, b in zip(source, boundary, strict=True)
    ]
    return _geo_frame(data, boundary)


def bins_frame(*, session: Session, village_ids: list[int] | None = None) -> gpd.GeoDataFrame:
    """The current state of every bin as points."""
    query = rows_select(
        col(Bin.id),
        col(Bin.code),
        col(Bin.village_id),
        col(Bin.capacity_l),
        col(Bin.stream),
        col(Bin.condition),
        col(Bin.households_served),
        col(Bin.installed_on),
        col(Bin.last_inspected_at),
        col(Bin.lon),
        col(Bin.lat),
    ).order_by(col(Bin.code))
    if village_ids is not None:
        query = query.where(col(Bin.village_id).in_(village_ids))
    rows = _column_rows(session, query)
    if not rows:
        return _empty_frame(BIN_COLUMNS, {"village_id": "Int64"})
    *values, lon, lat = _columns(rows)
    # pandas infers each column's dtype from its values as it did from one row per bin;
    # ``stream`` and ``condition`` are plain text columns (str values)
    data: dict[str, Any] = dict(zip(BIN_COLUMNS, values, strict=True))
    data["village_id"] = pd.array(data["village_id"], dtype="Int64")
    return _geo_frame(data, shapely.points(lon, lat))


def households_frame(
    *, session: Session, include_personal: bool = False, village_ids: list[int] | None = None
) -> gpd.GeoDataFrame:
    """Household (demand) points, of ``village_ids`` only when given (one subdistrict's slice
    reads through ``ix_household_village_id``). ``house_no`` is personal data and only added on
    request."""
    # Plain column rows, not ORM objects: ~3,200 households a subdistrict, 25 M nationally.
    selected = [
        col(Household.id),
        col(Household.ref),
        col(Household.village_id),
        col(Household.persons),
        col(Household.source),
        col(Household.weight),
        col(Household.lon),
        col(Household.lat),
    ]
    if include_personal:
        selected.append(col(Household.house_no))
    query = rows_select(*selected).order_by(col(Household.id))
    if village_ids is not None:
        query = query.where(col(Household.village_id).in_(village_ids))
    rows = _column_rows(session, query)
    columns = HOUSEHOLD_COLUMNS + (["house_no"] if include_personal else [])
    if not rows:
        return _empty_frame(
            columns, {"village_id": "Int64", "persons": "float64", "weight": "float64"}
        )
    ids, refs, village, persons, source, weight, lon, lat, *personal = _columns(rows)
    # column by column, each with the dtype the analysis expects (a missing village or
    # persons count becomes <NA> / NaN); ``ref`` and ``source`` are plain text columns
    data: dict[str, Any] = {
        "household_id": np.array(ids, dtype=np.int64),
        "ref": refs,
        "village_id": pd.array(village, dtype="Int64"),
        "persons": np.array(persons, dtype=np.float64),
        "source": source,
        "weight": np.array(weight, dtype=np.float64),
    }
    if include_personal:
        data["house_no"] = personal[0]
    return _geo_frame(data, shapely.points(lon, lat))


@dataclass
class SaveCounts:
    """What a save did, for the import report."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"สร้างใหม่ {self.created} · ปรับปรุง {self.updated} · ไม่เปลี่ยน {self.unchanged} "
            f"(created {self.created}, updated {self.updated}, unchanged {self.unchanged})"
        )


def _as_multipolygon(geometry: BaseGeometry | None) -> MultiPolygon | None:
    if geometry is None or geometry.is_empty:
        return None
    if isinstance(geometry, Polygon):
        return MultiPolygon([geometry])
    if isinstance(geometry, MultiPolygon):
        return geometry
    raise ValueError(f"village boundary must be polygonal, got {geometry.geom_type}")


def _set_if_changed(row: Any, values: dict[str, Any]) -> bool:
    changed = False
    for name, value in values.items():
        current = getattr(row, name)
        same = (
            current.equals(value)
            if isinstance(current, BaseGeometry) and isinstance(value, BaseGeometry)
            else current == value
        )
        if not same:
            setattr(row, name, value)
            changed = True
    return changed


def _clean(value: Any) -> Any:
    """pandas missing values (NaN, NA, NaT) become None; numpy scalars become Python ones."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value.item() if hasattr(value, "item") else value


def villages_by_number(*, session: Session, subdistrict: Subdistrict) -> dict[int, Village]:
    """The subdistrict's villages by their number (หมู่ที่)."""
    query = select(Village).where(Village.subdistrict_id == subdistrict.id)
    return {v.number: v for v in session.exec(query)}


def save_village(
    *,
    session: Session,
    subdistrict: Subdistrict,
    row: Village | None,
    number: int,
    values: dict[str, Any],
    counts: SaveCounts,
) -> None:
    """Insert village ``number`` with ``values`` (``row`` None), or update ``row`` where they
    differ; counted in ``counts``."""
    if row is None:
        session.add(Village(subdistrict_id=subdistrict.id or 0, number=number, **values))
        counts.created += 1
    elif _set_if_changed(row, values):
        session.add(row)
        counts.updated += 1
    else:
        counts.unchanged += 1


def save_villages(
    *, session: Session, subdistrict: Subdistrict, villages: gpd.GeoDataFrame
) -> SaveCounts:
    """Insert or update villages by (subdistrict, number). Re-running never duplicates.

    ``villages`` has columns ``number, name`` and optionally ``code, households, population,
    collection_interval_days`` and a geometry in EPSG:4326. A boundary given here is a real
    one (``boundary_source = "imported"``): it replaces an approximate area.
    """
    if villages.crs is not None and villages.crs.to_epsg() != 4326:
        raise ValueError("save_villages expects EPSG:4326; reproject first")
    counts = SaveCounts()
    existing = villages_by_number(session=session, subdistrict=subdistrict)
    for record in villages.to_dict("records"):
        number = int(record["number"])
        values: dict[str, Any] = {"name": str(record["name"])}
        for name in ("code", "households", "population", "collection_interval_days"):
            if name in record and _clean(record[name]) is not None:
                values[name] = _clean(record[name])
        values["boundary"] = _as_multipolygon(record.get("geometry"))
        values["boundary_source"] = BOUNDARY_IMPORTED if values["boundary"] is not None else None
        save_village(
            session=session,
            subdistrict=subdistrict,
            row=existing.get(number),
            number=number,
            values=values,
            counts=counts,
        )
    session.flush()
    return counts


class _VillageAssigner:
    """A point's village: the one whose boundary holds it, else the number the file gave."""

    def __init__(self, session: Session, subdistrict_id: int | None = None) -> None:
        # Village numbers repeat across subdistricts: with one named, only its villages.
        self._locator = VillageLocator(session=session, subdistrict_id=subdistrict_id)
        query = select(Village)
        if subdistrict_id is not None:
            query = query.where(Village.subdistrict_id == subdistrict_id)
        self._by_number = {v.number: v.id for v in session.exec(query) if v.id is not None}

    def village_id(self, *, number: Any, lon: float, lat: float) -> int | None:
        found = self._locator.village_id(lon, lat)
        if found is not None:
            return found
        number = _clean(number)
        return self._by_number.get(int(number)) if number is not None else None


def _report_progress(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
        progress(done, total)


def save_households(
    *,
    session: Session,
    households: gpd.GeoDataFrame,
    progress: Progress | None = None,
    subdistrict_id: int | None = None,
) -> SaveCounts:
    """Insert or update household points by ``ref``; columns ``ref, persons, village_number,
    house_no`` (optional) and point geometry in EPSG:4326. With ``subdistrict_id`` the points
    go to that subdistrict's villages only."""
    counts = SaveCounts()
    assigner = _VillageAssigner(session, subdistrict_id)
    existing = {h.ref: h for h in session.exec(select(Household))}
    records = households.to_dict("records")
    for done, record in enumerate(records, start=1):
        _report_progress(progress, done, len(records))
        point = record["geometry"]
        values: dict[str, Any] = {
            "lon": round(float(point.x), 7),
            "lat": round(float(point.y), 7),
            "persons": _clean(record.get("persons")),
            "house_no": _clean(record.get("house_no")),
        }
        values["village_id"] = assigner.village_id(
            number=record.get("village_number"), lon=values["lon"], lat=values["lat"]
        )
        ref = str(record["ref"])
        row = existing.get(ref)
        if row is None:
            row = Household(ref=ref, **values)
            session.add(row)
            existing[ref] = row
            counts.created += 1
        elif _set_if_changed(row, values):
            session.add(row)
            counts.updated += 1
        else:
            counts.unchanged += 1
    session.flush()
    return counts


def _observed_at(record: dict[str, Any]) -> datetime | None:
    """When the inventory row was last seen: its inspection date at noon Thai time, if any."""
    day = _clean(record.get("inspected_on"))
    if day is None:
        return None
    if isinstance(day, datetime):
        day = day.date()
    return datetime.combine(day, time(12, 0), tzinfo=THAI_TZ)


def save_bin_inventory(
    *,
    session: Session,
    bins: gpd.GeoDataFrame,
    progress: Progress | None = None,
    subdistrict_id: int | None = None,
) -> SaveCounts:
    """Register an initial bin inventory by ``code``. A code already registered is left as it
    is: its state after that belongs to inspections. With ``subdistrict_id`` the bins go to
    that subdistrict (and its villages)."""
    counts = SaveCounts()
    assigner = _VillageAssigner(session, subdistrict_id)
    records = bins.to_dict("records")
    for done, record in enumerate(records, start=1):
        _report_progress(progress, done, len(records))
        code = str(record["code"])
        if get_bin_by_code(session=session, code=code) is not None:
            counts.unchanged += 1
            continue
        point = record["geometry"]
        lon, lat = round(float(point.x), 7), round(float(point.y), 7)
        bin_in = BinCreate(
            code=code,
            lon=lon,
            lat=lat,
            capacity_l=int(record["capacity_l"]),
            stream=record["stream"],
            condition=record["condition"],
            installed_on=_clean(record.get("installed_on")),
            households_served=_clean(record.get("households_served")),
            village_id=assigner.village_id(number=record.get("village_number"), lon=lon, lat=lat),
        )
        made = create_bin(session=session, bin_in=bin_in, observed_at=_observed_at(record))
        if subdistrict_id is not None and made.village_id is None:
            made.subdistrict_id = subdistrict_id
            session.add(made)
        counts.created += 1
    session.flush()
    return counts


def surveyed_village_ids(*, session: Session) -> list[int]:
    """Villages that have surveyed household points (their households are not estimated)."""
    rows = session.exec(
        select(Household.village_id)
        .where(Household.source == HouseholdSource.survey, col(Household.village_id).is_not(None))
        .distinct()
    ).all()
    return sorted(int(v) for v in rows if v is not None)


def building_household_count(*, session: Session) -> int:
    """How many building proxies the register holds."""
    return int(
        session.exec(
            select(func.count())
            .select_from(Household)
            .where(Household.source == HouseholdSource.building)
        ).one()
    )


#: Rows per INSERT statement when storing building proxies.
INSERT_CHUNK = 5000


def replace_building_households(
    *,
    session: Session,
    households: pd.DataFrame,
    progress: Progress | None = None,
    village_ids: Sequence[int] | None = None,
) -> SaveCounts:
    """Replace every building proxy (of the villages ``village_ids`` only, when given: one
    subdistrict's) with ``households`` (``ref, village_id, lon, lat, weight``); surveyed
    households are never touched. Returns created = rows stored and updated = 0 (the previous
    proxies are counted in ``notes``)."""
    old = delete(Household).where(col(Household.source) == HouseholdSource.building)
    if village_ids is None:
        removed = building_household_count(session=session)
    else:
        old = old.where(col(Household.village_id).in_(list(village_ids)))
        removed = int(
            session.exec(
                select(func.count())
                .select_from(Household)
                .where(
                    Household.source == HouseholdSource.building,
                    col(Household.village_id).in_(list(village_ids)),
                )
            ).one()
        )
    session.execute(old)
    counts = SaveCounts(created=len(households))
    if removed:
        counts.notes.append(
            f"แทนที่อาคารชุดเดิม {removed:,} หลัง (replaced {removed:,} earlier building proxies)"
        )
    refs = households["ref"].astype(str).to_numpy()
    village = households["village_id"].to_numpy()
    lon = households["lon"].to_numpy(dtype=float).round(7)
    lat = households["lat"].to_numpy(dtype=float).round(7)
    weight = households["weight"].to_numpy(dtype=float)
    for start in range(0, len(households), INSERT_CHUNK):
        stop = min(start + INSERT_CHUNK, len(households))
        session.execute(
            insert(Household),
            [
                {
                    "ref": refs[i],
                    "village_id": int(village[i]),
                    "lon": float(lon[i]),
                    "lat": float(lat[i]),
                    "persons": None,
                    "house_no": None,
                    "source": HouseholdSource.building.value,
                    "weight": float(weight[i]),
                }
                for i in range(start, stop)
            ],
        )
        if progress is not None:
            progress(stop, len(households))
    session.flush()
    return counts
