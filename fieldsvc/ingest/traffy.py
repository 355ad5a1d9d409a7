"""Read Traffy Fondue's public export: the CSV (``bangkok_traffy.csv`` layout) or GeoJSON.

The export has one row per ticket with the columns ``ticket_id, type, organization, comment,
photo, photo_after, coords, address, subdistrict, district, province, timestamp, state, star,
count_reopen, last_activity``. ``type`` is a set in braces (``{ความสะอาด,ถนน}``, ``{}`` when
the reporter chose none) and ``coords`` is ``"lon,lat"`` in WGS 84. The GeoJSON variant has
the same names as feature properties and the point as the geometry.

The file is read as a stream (Traffy's full export runs to hundreds of thousands of rows): the
caller iterates :meth:`TraffyExport.tickets` and each row with unusable coordinates or no
ticket number is noted by row and skipped, never stopping the read. A file that cannot be an
export at all (empty, not text, no ``ticket_id``/``coords`` columns, a damaged cell) raises a
``LayerReadError`` naming the file.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from fieldsvc.ingest.errors import LayerReadError
from fieldsvc.ingest.report import NoteCollector
from fieldsvc.problems import render
from fieldsvc.thai import THAI_TZ

#: The columns an export must have; the others are read when present.
REQUIRED_COLUMNS: Final = ("ticket_id", "coords")
#: The type Traffy gives to cleanliness and waste problems.
CLEANLINESS_TYPE: Final = "ความสะอาด"
#: Words that make a ticket about waste whatever its type: "ขยะ" (waste, in ถังขยะ, ทิ้งขยะ,
#: เก็บขยะ ...) and the formal "มูลฝอย".
WASTE_WORDS: Final = ("ขยะ", "มูลฝอย")
#: A GeoJSON file is read whole; above this size the office should cut the export first.
GEOJSON_LIMIT_MB: Final = 200
#: Longest stored text per column; longer values are cut (noted) so one row cannot fail a save.
TEXT_LIMITS: Final = {
    "comment": 5000,
    "organization": 1000,
    "types": 300,
    "photo": 1000,
    "photo_after": 1000,
    "address": 500,
    "subdistrict": 200,
    "district": 200,
    "province": 200,
    "state": 40,
}
TICKET_ID_LIMIT: Final = 40
#: Thailand lies within these bounds; a "lon,lat" pair that fits only when swapped is named so.
_THAILAND_LON: Final = (97.0, 106.0)
_THAILAND_LAT: Final = (5.0, 21.0)


@dataclass(frozen=True)
class TraffyRecord:
    """One ticket as the export gives it (photo URLs as text, never fetched).

    ``row`` is the row a spreadsheet shows (the header is row 1) for a CSV, the feature
    number (from 1) for GeoJSON.
    """

    row: int
    ticket_id: str
    types: tuple[str, ...]
    lon: float
    lat: float
    comment: str | None = None
    organization: str | None = None
    photo: str | None = None
    photo_after: str | None = None
    address: str | None = None
    subdistrict: str | None = None
    district: str | None = None
    province: str | None = None
    reported_at: datetime | None = None
    state: str | None = None
    star: float | None = None
    count_reopen: int | None = None
    last_activity: datetime | None = None


def is_waste_ticket(types: tuple[str, ...], comment: str | None) -> bool:
    """Whether a ticket is about cleanliness or waste: its type list holds ``ความสะอาด``, or
    its comment names waste (``ขยะ``, ``มูลฝอย``) whatever its type.

    Examples
    --------
    >>> is_waste_ticket(("ความสะอาด", "ถนน"), None)
    True
    >>> is_waste_ticket((), "มีคนทิ้งขยะริมถนน")
    True
    >>> is_waste_ticket(("ไฟฟ้า",), "ไฟดับทั้งซอย")
    False
    """
    if CLEANLINESS_TYPE in types:
        return True
    return bool(comment) and any(word in (comment or "") for word in WASTE_WORDS)


def parse_types(value: Any) -> tuple[str, ...]:
    """Traffy's type set as a tuple: ``"{ความสะอาด,ถนน}"`` → ``("ความสะอาด", "ถนน")``.

    Examples
    --------
    >>> parse_types("{ความสะอาด,ถนน}")
    ('ความสะอาด', 'ถนน')
    >>> parse_types("{}")
    ()
    >>> parse_types(["ถนน"])
    ('ถนน',)
    """
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        parts = list(value)
    else:
        parts = str(value).strip().strip("{}[]").split(",")
    names = (str(p).strip().strip("\"'").strip() for p in parts)
    return tuple(n for n in names if n)


def parse_coords(value: Any) -> tuple[float, float] | str:
    """``(lon, lat)`` from ``"lon,lat"`` (or a 2-item list), else the catalogue key saying
    why not: ``traffy_coords_malformed``, ``traffy_coords_swapped``,
    ``traffy_coords_out_of_range``.

    Examples
    --------
    >>> parse_coords("100.5018,13.7563")
    (100.5018, 13.7563)
    >>> parse_coords("13.7563,100.5018")
    'traffy_coords_swapped'
    >>> parse_coords("100.5018")
    'traffy_coords_malformed'
    """
    parts = value if isinstance(value, list | tuple) else str(value or "").split(",")
    if len(parts) != 2:
        return "traffy_coords_malformed"
    try:
        lon, lat = (float(str(p).strip()) for p in parts)
    except ValueError:
        return "traffy_coords_malformed"
    if not (math.isfinite(lon) and math.isfinite(lat)):
        return "traffy_coords_malformed"
    if _between(lon, _THAILAND_LAT) and _between(lat, _THAILAND_LON):
        return "traffy_coords_swapped"
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return "traffy_coords_out_of_range"
    return lon, lat


def _between(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]


def parse_time(value: Any) -> datetime | None:
    """A timestamp of the export (``2022-06-04 15:34:14.21391+00``); one without an offset
    is Thai time. None when empty or unreadable."""
    text = str(value or "").strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=THAI_TZ)


@dataclass
class TraffyExport:
    """An export being read: iterate :meth:`tickets`, then read ``rows_read`` and ``notes``."""

    path: Path
    encoding: str | None = None
    rows_read: int = 0
    notes: NoteCollector = field(default_factory=NoteCollector)

    @property
    def file(self) -> str:
        return self.path.name

    def tickets(self) -> Iterator[TraffyRecord]:
        """Each readable ticket in file order; unusable rows are noted and skipped."""
        if not self.path.is_file():
            raise LayerReadError("file_not_found", file=self.file)
        if self.path.stat().st_size == 0:
            raise LayerReadError("traffy_empty", file=self.file)
        if self._is_geojson():
            yield from self._geojson_tickets()
        else:
            yield from self._csv_tickets()

    def _is_geojson(self) -> bool:
        if self.path.suffix.casefold() in (".geojson", ".json"):
            return True
        with self.path.open("rb") as stream:
            start = stream.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
        return start.startswith(b"{")

    def _csv_tickets(self) -> Iterator[TraffyRecord]:
        encoding = self.encoding or "utf-8-sig"
        row = 1
        try:
            with self.path.open(encoding=encoding, newline="") as stream:
                reader = csv.DictReader(stream)
                columns = [c.strip() for c in reader.fieldnames or []]
                self._check_columns(columns)
                reader.fieldnames = columns
                for values in reader:
                    row += 1
                    record = self._record(row, values)
                    if record is not None:
                        yield record
        except UnicodeDecodeError as error:
            detail = f"not {encoding} at byte {error.start}; try --encoding cp874"
            raise LayerReadError("traffy_not_text", file=self.file, detail=detail) from error
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                limit_kb = csv.field_size_limit() // 1024
                raise LayerReadError(
                    "traffy_cell_too_large", file=self.file, limit_kb=limit_kb, row=row + 1
                ) from error
            raise LayerReadError("traffy_not_text", file=self.file, detail=str(error)) from error

    def _check_columns(self, columns: list[str]) -> None:
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        if missing:
            shown = ", ".join(c[:40] for c in columns[:12]) or "-"
            raise LayerReadError(
                "traffy_columns_missing", file=self.file, missing=", ".join(missing), columns=shown
            )

    def _geojson_tickets(self) -> Iterator[TraffyRecord]:
        if self.path.stat().st_size > GEOJSON_LIMIT_MB * 1024 * 1024:
            raise LayerReadError("traffy_too_large", file=self.file, limit_mb=GEOJSON_LIMIT_MB)
        try:
            document = json.loads(self.path.read_text(encoding=self.encoding or "utf-8-sig"))
        except UnicodeDecodeError as error:
            detail = f"not UTF-8 at byte {error.start}"
            raise LayerReadError("traffy_not_text", file=self.file, detail=detail) from error
        except (json.JSONDecodeError, RecursionError) as error:
            detail = str(error)[:120]
            raise LayerReadError("traffy_geojson_invalid", file=self.file, detail=detail) from error
        features = document.get("features") if isinstance(document, dict) else None
        if not isinstance(features, list):
            detail = "no 'features' list"
            raise LayerReadError("traffy_geojson_invalid", file=self.file, detail=detail)
        properties = [f.get("properties") if isinstance(f, dict) else None for f in features]
        names = {k for p in properties if isinstance(p, dict) for k in p}
        if features and "ticket_id" not in names:
            self._check_columns(sorted(names))
        for number, feature in enumerate(features, start=1):
            values = dict(properties[number - 1] or {})
            geometry = feature.get("geometry") if isinstance(feature, dict) else None
            if isinstance(geometry, dict):
                if geometry.get("type") == "Point":
                    values["coords"] = geometry.get("coordinates")
                else:
                    values["coords"] = f"{geometry.get('type')} geometry"
            record = self._record(number, values)
            if record is not None:
                yield record

    def _record(self, row: int, values: Mapping[str, Any]) -> TraffyRecord | None:
        self.rows_read += 1
        ticket_id = _text(values.get("ticket_id"))
        if ticket_id is None:
            self._reject(row, "traffy_ticket_id_missing", None)
            return None
        if len(ticket_id) > TICKET_ID_LIMIT:
            self._reject(row, "traffy_ticket_id_too_long", ticket_id[:60])
            return None
        coords = values.get("coords")
        place = parse_coords(coords)
        if isinstance(place, str):
            shown = coords if isinstance(coords, str) else json.dumps(coords, ensure_ascii=False)
            self._reject(row, place, f"{str(shown)[:80]} (ticket {ticket_id})")
            return None
        texts = {name: self._limited(row, name, values.get(name)) for name in TEXT_LIMITS}
        types = parse_types(values.get("type"))
        joined = ",".join(types)
        if len(joined) > TEXT_LIMITS["types"]:
            types = parse_types(joined[: TEXT_LIMITS["types"]])
        return TraffyRecord(
            row=row,
            ticket_id=ticket_id,
            types=types,
            lon=place[0],
            lat=place[1],
            comment=texts["comment"],
            organization=texts["organization"],
            photo=texts["photo"],
            photo_after=texts["photo_after"],
            address=texts["address"],
            subdistrict=texts["subdistrict"],
            district=texts["district"],
            province=texts["province"],
            reported_at=self._time(row, "timestamp", values.get("timestamp")),
            state=texts["state"],
            star=self._number(row, "star", values.get("star")),
            count_reopen=self._whole(row, "count_reopen", values.get("count_reopen")),
            last_activity=self._time(row, "last_activity", values.get("last_activity")),
        )

    def _reject(self, row: int, key: str, value: str | None) -> None:
        self.notes.reject(row, *render(key), value, None)

    def _unreadable(self, row: int, column: str, value: Any) -> None:
        self.notes.repair(
            row, *render("traffy_value_unreadable", column=column), str(value)[:80], None
        )

    def _limited(self, row: int, column: str, value: Any) -> str | None:
        text = _text(value)
        limit = TEXT_LIMITS[column]
        if text is not None and len(text) > limit:
            why = render("traffy_value_cut", column=column, limit=limit)
            self.notes.repair(row, *why, text[:40] + "…", None)
            return text[:limit]
        return text

    def _time(self, row: int, column: str, value: Any) -> datetime | None:
        moment = parse_time(value)
        if moment is None and _text(value) is not None:
            self._unreadable(row, column, value)
        return moment

    def _number(self, row: int, column: str, value: Any) -> float | None:
        if _text(value) is None:
            return None
        try:
            number = float(str(value).strip())
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            self._unreadable(row, column, value)
            return None
        return number

    def _whole(self, row: int, column: str, value: Any) -> int | None:
        number = self._number(row, column, value)
        if number is None:
            return None
        if not number.is_integer() or abs(number) > 2**31 - 1:
            self._unreadable(row, column, value)
            return None
        return int(number)


def _text(value: Any) -> str | None:
    """Stripped text, None for empty (and for pandas' written ``nan``/``None``)."""
    if value is None or isinstance(value, dict | list):
        return None if value in (None, [], {}) else json.dumps(value, ensure_ascii=False)
    text = str(value).strip()
    return text if text and text not in ("nan", "None", "NaN") else None
