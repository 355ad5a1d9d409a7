"""Fixtures for survey intake: a small subdistrict, users, OpenRosa XML and photos."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import geopandas as gpd
import pytest
from PIL import Image
from shapely.geometry import MultiPolygon, box
from sqlmodel import Session

from fieldsvc.models import BinCreate, Condition, Role, Stream, Subdistrict, User
from fieldsvc.storage.frames import save_villages
from fieldsvc.storage.register import create_bin
from fieldsvc.storage.users import create_user

# Three 0.01° squares side by side near 16.3 N 103.3 E: หมู่ 1, 2, 3 from west to east.
VILLAGE_CENTRES = {1: (16.305, 103.305), 2: (16.305, 103.315), 3: (16.305, 103.325)}
OBSERVED = datetime(2026, 11, 20, 2, 15, tzinfo=UTC)


@dataclass
class Place:
    subdistrict: Subdistrict
    village_ids: dict[int, int]
    staff: User
    staff_token: str
    head: User
    head_token: str
    viewer_token: str


def make_place(session: Session) -> Place:
    sub = Subdistrict(
        code="999901",
        name="ตำบลทดสอบ",
        boundary=MultiPolygon([box(103.30, 16.30, 103.33, 16.31)]),
    )
    session.add(sub)
    session.flush()
    frame = gpd.GeoDataFrame(
        {"number": [1, 2, 3], "name": ["บ้านหนองบัว", "บ้านโนนสะอาด", "บ้านดอนแดง"]},
        geometry=[box(103.30 + i * 0.01, 16.30, 103.31 + i * 0.01, 16.31) for i in range(3)],
        crs="EPSG:4326",
    )
    save_villages(session=session, subdistrict=sub, villages=frame)
    from fieldsvc.storage.register import list_villages

    ids = {v.number: v.id or 0 for v in list_villages(session=session)}
    staff, staff_token = create_user(
        session=session, username="nurse", display_name="เจ้าหน้าที่", role=Role.health_staff
    )
    head, head_token = create_user(
        session=session,
        username="head1",
        display_name="ผู้ใหญ่บ้านหมู่ 1",
        role=Role.village_head,
        village_ids=[ids[1]],
    )
    _viewer, viewer_token = create_user(
        session=session, username="viewer", display_name="ผู้ดู", role=Role.viewer
    )
    session.commit()
    return Place(sub, ids, staff, staff_token, head, head_token, viewer_token)


@pytest.fixture
def place(session: Session) -> Place:
    return make_place(session)


def add_bin(session: Session, code: str, lat: float, lon: float, stream: Stream = Stream.general):
    created = create_bin(
        session=session,
        bin_in=BinCreate(
            code=code,
            lat=lat,
            lon=lon,
            capacity_l=200,
            stream=stream,
            condition=Condition.usable,
        ),
        observed_at=datetime(2026, 10, 1, tzinfo=UTC),
    )
    session.commit()
    return created


def bin_xml(
    instance_id: str = "uuid:6f1c2d3e-0000-4000-8000-000000000001",
    *,
    code: str = "NB-0101",
    village: str = "1",
    location: str = "16.305 103.305 152.0 4.5",
    condition: str = "usable",
    capacity: str = "200",
    stream: str = "general",
    households: str = "12",
    photo: str = "1764123456789.jpg",
    start: str = "2026-11-20T09:15:02.123+07:00",
    deprecated_id: str | None = None,
    remarks: str = "",
) -> str:
    """A bin_survey submission exactly as ODK Collect writes it (empty elements included)."""
    deprecated = f"<deprecatedID>{deprecated_id}</deprecatedID>" if deprecated_id else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<data xmlns:jr="http://openrosa.org/javarosa" '
        'xmlns:orx="http://openrosa.org/xforms" id="bin_survey" version="2026112601">'
        f"<start>{start}</start><end>2026-11-20T09:17:40.456+07:00</end>"
        "<today>2026-11-20</today><deviceid>collect:Xy12AbCdEf</deviceid>"
        f"<bin_code_scan>{code}</bin_code_scan><bin_code_typed/><bin_code>{code}</bin_code>"
        f"<village>{village}</village><location>{location}</location>"
        f"<condition>{condition}</condition><capacity_l>{capacity}</capacity_l>"
        f"<stream>{stream}</stream><households>{households}</households>"
        f"<photo>{photo}</photo><remarks>{remarks}</remarks>"
        f"<meta><instanceID>{instance_id}</instanceID>{deprecated}"
        f"<instanceName>{code} หมู่ {village} 2026-11-20</instanceName></meta></data>"
    )


def households_xml(
    instance_id: str = "uuid:6f1c2d3e-0000-4000-8000-0000000000a1",
    *,
    village: str = "1",
    households: str = "165",
    population: str = "512",
    survey_date: str = "2026-11-20",
) -> str:
    return (
        '<?xml version="1.0"?><data id="village_households" version="2026112601">'
        "<start>2026-11-20T10:00:00.000+07:00</start><end>2026-11-20T10:02:00.000+07:00</end>"
        "<today>2026-11-20</today><deviceid>collect:Xy12AbCdEf</deviceid>"
        f"<village>{village}</village><households>{households}</households>"
        f"<population>{population}</population><survey_date>{survey_date}</survey_date>"
        f"<remarks/><meta><instanceID>{instance_id}</instanceID>"
        f"<instanceName>หมู่ {village} {survey_date}</instanceName></meta></data>"
    )


def jpeg_bytes(*, with_gps_exif: bool = False, size: tuple[int, int] = (64, 48)) -> bytes:
    image = Image.new("RGB", size, (30, 120, 200))
    out = io.BytesIO()
    if with_gps_exif:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        exif[0x0112] = 6  # Orientation: rotate 90° when shown
        gps = exif.get_ifd(0x8825)
        gps[1] = "N"
        gps[2] = (16.0, 18.0, 18.0)
        gps[3] = "E"
        gps[4] = (103.0, 19.0, 30.0)
        image.save(out, "JPEG", exif=exif)
    else:
        image.save(out, "JPEG")
    return out.getvalue()


def json_survey(**changes: Any) -> dict[str, Any]:
    """A bin survey as the web form posts it to ``/api/v1/submissions`` (give ``submission_id``):
    a clean inspection of a new bin in หมู่ 1 with a good fix; ``changes`` replace or add."""
    body: dict[str, Any] = {
        "form_id": "bin_survey",
        "bin_code": "NB-0201",
        "village": 1,
        "location": {"lat": 16.3052, "lon": 103.3057, "accuracy_m": 4.0},
        "condition": "usable",
        "capacity_l": 240,
        "stream": "general",
        "households": 9,
        "observed_at": "2026-11-21T08:30:00+07:00",
    }
    body.update(changes)
    return body
