"""A Traffy Fondue export in its real column layout, for the subdistrict of ``make_places``.

Traffy Fondue publishes its tickets as one CSV (``bangkok_traffy.csv`` from
``publicapi.traffy.in.th/dump-csv-chadchart/``) with the columns, in this order::

    ticket_id, type, organization, comment, photo, photo_after, coords, address,
    subdistrict, district, province, timestamp, state, star, count_reopen, last_activity

``type`` is a set in braces (``{ความสะอาด,ถนน}``, ``{}`` for none), ``coords`` is ``"lon,lat"``,
timestamps are PostgreSQL text (``2024-03-01 08:15:42.123456+00``), ``state`` is Thai
(รอรับเรื่อง, กำลังดำเนินการ, เสร็จสิ้น) and comments hold commas, quotes and line breaks. The
GeoJSON variant carries the same properties with the point as geometry.

The file holds tickets that must be kept (cleanliness type or a waste word in the comment,
inside Wiang), tickets of other types, tickets outside the tambon and rows with malformed
coordinates, with the answers known here. Nothing is downloaded. Run as a script::

    python -m tests.real_formats.make_traffy /tmp/traffy
"""

from __future__ import annotations

import csv
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.real_formats.make_places import VILLAGES

COLUMNS = (
    "ticket_id",
    "type",
    "organization",
    "comment",
    "photo",
    "photo_after",
    "coords",
    "address",
    "subdistrict",
    "district",
    "province",
    "timestamp",
    "state",
    "star",
    "count_reopen",
    "last_activity",
)
PHOTO_BUCKET = "https://storage.googleapis.com/traffy_public_bucket/attachment"


def _centre(number: int) -> tuple[float, float]:
    return next(centre for n, _name, centre, _houses in VILLAGES if n == number)


@dataclass(frozen=True)
class Ticket:
    """One row; ``coords`` is the text written (malformed on purpose for some rows)."""

    ticket_id: str
    type: str
    comment: str
    coords: str
    state: str = "รอรับเรื่อง"
    expected: str = "kept"  # kept | other_type | outside | malformed
    village: int | None = None


def _at(number: int) -> str:
    lon, lat = _centre(number)
    return f"{lon},{lat}"


TICKETS = (
    Ticket(
        "2024-WIA001",
        "{ความสะอาด}",
        'ขยะล้นถังหน้าวัด\nส่งกลิ่นเหม็น, มีแมลงวัน "มาก"',
        _at(1),
        village=1,
    ),
    Ticket("2024-WIA002", "{ความสะอาด,ถนน}", "เศษกิ่งไม้ขวางถนน", _at(2), village=2),
    Ticket("2024-WIA003", "{}", "มีคนนำขยะมาทิ้งริมทาง", _at(3), village=3),
    Ticket("2024-WIA004", "{ถนน}", "ถังขยะแตก ไม่มีฝา", _at(4), "กำลังดำเนินการ", village=4),
    Ticket("2024-WIA005", "{ไฟฟ้า}", "ไฟส่องสว่างดับทั้งซอย", _at(1), expected="other_type"),
    Ticket("2024-WIA006", "{น้ำท่วม}", "น้ำท่วมขังหน้าบ้าน", _at(2), expected="other_type"),
    Ticket("2024-RWG001", "{ความสะอาด}", "ขยะตกค้าง", "99.860,19.895", expected="outside"),
    Ticket("2024-BKK001", "{ความสะอาด}", "ขยะบนทางเท้า", "100.5018,13.7563", expected="outside"),
    Ticket("2024-BAD001", "{ความสะอาด}", "ขยะกอง", "19.900,99.830", expected="malformed"),
    Ticket("2024-BAD002", "{ความสะอาด}", "ขยะกอง", "99.830", expected="malformed"),
    Ticket("2024-BAD003", "{ความสะอาด}", "ขยะกอง", "", expected="malformed"),
    Ticket("2024-BAD004", "{ความสะอาด}", "ขยะกอง", "abc,def", expected="malformed"),
)
#: The second export: two tickets moved on at Traffy, one new one.
LATER_STATES = {"2024-WIA001": "เสร็จสิ้น", "2024-WIA004": "เสร็จสิ้น"}
LATER_NEW = Ticket("2024-WIA007", "{ความสะอาด}", "ขอถังขยะเพิ่ม", _at(2), village=2)


def expected(kind: str, tickets: tuple[Ticket, ...] = TICKETS) -> list[str]:
    """The ticket ids of one expected outcome, in file order."""
    return [t.ticket_id for t in tickets if t.expected == kind]


def spreadsheet_row(ticket_id: str, tickets: tuple[Ticket, ...] = TICKETS) -> int:
    """The row a spreadsheet shows for the ticket (the header is row 1)."""
    return 2 + [t.ticket_id for t in tickets].index(ticket_id)


def _row(ticket: Ticket, *, later: bool) -> dict[str, Any]:
    moved = later and ticket.ticket_id in LATER_STATES
    state = LATER_STATES[ticket.ticket_id] if moved else ticket.state
    done = state == "เสร็จสิ้น"
    serial = ticket.ticket_id.rsplit("-", 1)[1]
    return {
        "ticket_id": ticket.ticket_id,
        "type": ticket.type,
        "organization": "องค์การบริหารส่วนตำบลเวียง,อำเภอเมืองเชียงราย",
        "comment": ticket.comment,
        "photo": f"{PHOTO_BUCKET}/2024-03/{serial}.jpg",
        "photo_after": f"{PHOTO_BUCKET}/2024-03/{serial}-after.jpg" if done else "",
        "coords": ticket.coords,
        "address": "ถนนสิงหไคล ตำบลเวียง อำเภอเมืองเชียงราย เชียงราย 57000 ประเทศไทย",
        "subdistrict": "เวียง",
        "district": "เมืองเชียงราย",
        "province": "เชียงราย",
        "timestamp": "2024-03-01 08:15:42.123456+00",
        "state": state,
        "star": "5.0" if done else "",
        "count_reopen": "0",
        "last_activity": "2024-03-05 10:00:00.5+00" if moved else "2024-03-01 09:00:00.25+00",
    }


def tickets_of(*, later: bool) -> tuple[Ticket, ...]:
    return (*TICKETS, LATER_NEW) if later else TICKETS


def write_traffy_csv(path: Path, *, later: bool = False) -> Path:
    """The CSV export (UTF-8 with a BOM, as Excel-friendly dumps often have)."""
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=COLUMNS)
        writer.writeheader()
        for ticket in tickets_of(later=later):
            writer.writerow(_row(ticket, later=later))
    return path


def _geometry(coords: str) -> dict[str, Any] | None:
    """The point, or the malformed geometry a GeoJSON export could carry instead."""
    parts = coords.split(",")
    if coords == "":
        return None
    if len(parts) != 2:
        return {"type": "LineString", "coordinates": [[99.83, 19.9], [99.831, 19.901]]}
    try:
        return {"type": "Point", "coordinates": [float(parts[0]), float(parts[1])]}
    except ValueError:
        return {"type": "Point", "coordinates": parts}


def write_traffy_geojson(path: Path, *, later: bool = False) -> Path:
    """The same tickets as a GeoJSON FeatureCollection (the point as geometry)."""
    features = []
    for ticket in tickets_of(later=later):
        properties = _row(ticket, later=later)
        properties.pop("coords")
        features.append(
            {"type": "Feature", "geometry": _geometry(ticket.coords), "properties": properties}
        )
    document = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    folder.mkdir(parents=True, exist_ok=True)
    for written in (
        write_traffy_csv(folder / "bangkok_traffy.csv"),
        write_traffy_csv(folder / "bangkok_traffy_later.csv", later=True),
        write_traffy_geojson(folder / "traffy.geojson"),
    ):
        print(written)
