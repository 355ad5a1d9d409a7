"""The query of an OGC API – Features ``/items`` request, read and checked.

Part 1 Core says how: ``bbox`` (4 or 6 numbers, WGS 84 longitude/latitude), ``limit`` (a
value above the maximum is served as the maximum, not refused), ``datetime`` (an instant or an
interval ``start/end`` with ``..`` or nothing for an open end), and a parameter the collection
does not declare is a 400. A date without a time is the whole Thai calendar day (the office's
day, UTC+7).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from fieldsvc.errors import InvalidInput
from fieldsvc.storage.features import BBox, Interval
from fieldsvc.thai import THAI_TZ

#: The page size when a request names none, and the most one page serves (QGIS and GDAL read
#: both from ``components.parameters.limit`` of the OpenAPI document).
DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000
MAX_OFFSET = 2**62
COMMON_PARAMETERS = ("bbox", "limit", "offset", "f")


@dataclass(frozen=True)
class Queryable:
    """A property a collection may be filtered on by equality (``?stream=general``)."""

    kind: str  # "string", "integer" or "enum"
    values: tuple[str, ...] = ()
    description: str = ""
    #: Integers only: the range a value may take (a database integer holds it).
    minimum: int = -(2**31)
    maximum: int = 2**31 - 1

    def parse(self, name: str, raw: str) -> Any:
        if self.kind == "integer":
            try:
                value = int(raw)
            except ValueError:
                value = None
            if value is None or not self.minimum <= value <= self.maximum:
                expected = f"a whole number from {self.minimum} to {self.maximum}"
                raise InvalidInput.of(
                    "ogc_filter_value_invalid",
                    field=name,
                    details={"value": raw, "expected": expected},
                    name=name,
                    value=raw,
                    expected=expected,
                )
            return value
        if self.kind == "string" and (len(raw) > 200 or not raw.isprintable()):
            raise InvalidInput.of(
                "ogc_filter_value_invalid",
                field=name,
                details={"value": raw[:200], "expected": "printable text"},
                name=name,
                value=raw[:200],
                expected="printable text of at most 200 characters",
            )
        if self.kind == "enum" and raw not in self.values:
            raise InvalidInput.of(
                "ogc_filter_value_invalid",
                field=name,
                details={"value": raw, "expected": list(self.values)},
                name=name,
                value=raw,
                expected=", ".join(self.values),
            )
        return raw


@dataclass(frozen=True)
class ItemsQuery:
    """What an ``/items`` request asks for; ``raw`` keeps the parameters as sent (links)."""

    limit: int = DEFAULT_LIMIT
    offset: int = 0
    bbox: BBox | None = None
    interval: Interval | None = None
    equals: Mapping[str, Any] = field(default_factory=dict)
    raw: tuple[tuple[str, str], ...] = ()


def _whole_number(name: str, raw: str, minimum: int) -> int:
    try:
        value = int(raw)
    except ValueError:
        value = minimum - 1
    if not minimum <= value <= MAX_OFFSET:  # a database integer holds it
        raise InvalidInput.of(
            "ogc_integer_invalid",
            field=name,
            details={"value": raw, "minimum": minimum},
            name=name,
            minimum=minimum,
            value=raw,
        )
    return value


def parse_bbox(raw: str) -> BBox:
    """``minLon,minLat,maxLon,maxLat`` (or with heights: six numbers, heights ignored)."""

    def bad() -> InvalidInput:
        return InvalidInput.of("ogc_bbox_invalid", field="bbox", details={"value": raw}, value=raw)

    try:
        numbers = [float(part) for part in raw.split(",")]
    except ValueError:
        raise bad() from None
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    if len(numbers) != 4 or not all(math.isfinite(n) for n in numbers):
        raise bad()
    min_lon, min_lat, max_lon, max_lat = numbers
    if not (-90 <= min_lat <= max_lat <= 90) or not all(-180 <= x <= 180 for x in numbers[::2]):
        raise bad()
    return BBox(min_lon, min_lat, max_lon, max_lat)


def _moment(text: str, *, end: bool, raw: str) -> datetime | None:
    if text in ("", ".."):
        return None
    try:
        if len(text) == 10:  # a date: the whole Thai day
            day = date.fromisoformat(text)
            start = datetime.combine(day, time(0, 0), tzinfo=THAI_TZ)
            return start + timedelta(days=1, microseconds=-1) if end else start
        moment = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise InvalidInput.of(
            "ogc_datetime_invalid", field="datetime", details={"value": raw}, value=raw
        )
    return moment


def parse_datetime(raw: str) -> Interval:
    """An instant (a date-time, or a date: that whole day) or ``start/end`` with open ends."""
    if "/" in raw:
        first, _, second = raw.partition("/")
        if first in ("", "..") and second in ("", ".."):
            raise InvalidInput.of(
                "ogc_datetime_invalid", field="datetime", details={"value": raw}, value=raw
            )
        interval = Interval(_moment(first, end=False, raw=raw), _moment(second, end=True, raw=raw))
        if interval.start and interval.end and interval.start > interval.end:
            raise InvalidInput.of(
                "ogc_datetime_invalid", field="datetime", details={"value": raw}, value=raw
            )
        return interval
    return Interval(_moment(raw, end=False, raw=raw), _moment(raw, end=True, raw=raw))


def parse_items_query(
    pairs: Sequence[tuple[str, str]],
    *,
    queryables: Mapping[str, Queryable],
    temporal: bool,
) -> ItemsQuery:
    """Check every parameter against what the collection declares (400 naming it)."""
    allowed = [*COMMON_PARAMETERS, *(["datetime"] if temporal else []), *queryables]
    seen: dict[str, str] = {}
    for name, value in pairs:
        if name not in allowed:
            raise InvalidInput.of(
                "ogc_parameter_unknown",
                field=name,
                details={"expected": allowed},
                name=name,
                expected=", ".join(allowed),
            )
        if name in seen:
            raise InvalidInput.of("ogc_parameter_repeated", field=name, name=name)
        seen[name] = value
    fmt = seen.get("f", "json")
    if fmt not in ("json", "geojson"):
        raise InvalidInput.of("ogc_format_unsupported", field="f", value=fmt)
    limit = _whole_number("limit", seen["limit"], 1) if "limit" in seen else DEFAULT_LIMIT
    return ItemsQuery(
        limit=min(limit, MAX_LIMIT),
        offset=_whole_number("offset", seen["offset"], 0) if "offset" in seen else 0,
        bbox=parse_bbox(seen["bbox"]) if "bbox" in seen else None,
        interval=parse_datetime(seen["datetime"]) if "datetime" in seen else None,
        equals={n: q.parse(n, seen[n]) for n, q in queryables.items() if n in seen},
        raw=tuple((n, v) for n, v in pairs if n not in ("limit", "offset")),
    )


def check_format(pairs: Sequence[tuple[str, str]]) -> None:
    """Pages other than ``/items`` take ``f`` only as json (other parameters are ignored)."""
    for name, value in pairs:
        if name == "f" and value not in ("json", "geojson"):
            raise InvalidInput.of("ogc_format_unsupported", field="f", value=value)
