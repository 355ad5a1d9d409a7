"""Reading OpenRosa XML safely: bombs and entities refused fast, structure errors name the field."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from fieldsvc.api.app import create_app
from fieldsvc.api.errors import http_status
from fieldsvc.config import Settings
from fieldsvc.ingest.openrosa import MalformedSubmission, parse_submission_xml
from fieldsvc.models import Condition, Stream, Submission
from tests.intake.conftest import Place, bin_xml

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<data id="bin_survey"><remarks>&lol9;</remarks>
<meta><instanceID>uuid:bomb</instanceID></meta></data>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE data [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<data id="bin_survey"><remarks>&secret;</remarks>
<meta><instanceID>uuid:xxe</instanceID></meta></data>"""


def test_billion_laughs_is_refused() -> None:
    with pytest.raises(MalformedSubmission) as caught:
        parse_submission_xml(BILLION_LAUGHS)
    assert http_status(caught.value) == 400 and caught.value.field == "xml_submission_file"
    assert "DTD" in caught.value.message_en


def test_external_entity_is_refused() -> None:
    with pytest.raises(MalformedSubmission) as caught:
        parse_submission_xml(EXTERNAL_ENTITY)
    assert "root:" not in caught.value.message_en  # nothing was read from the file


@pytest.mark.parametrize(
    ("xml", "field"),
    [
        ("this is not xml", "xml_submission_file"),
        ("<data id='bin_survey'><meta/></data>", "meta/instanceID"),
        (
            "<data id='household_census'><meta><instanceID>uuid:1</instanceID></meta></data>",
            "form_id",
        ),
        ("<data><meta><instanceID>uuid:1</instanceID></meta></data>", "form_id"),
    ],
)
def test_structure_errors_name_the_field(xml: str, field: str) -> None:
    with pytest.raises(MalformedSubmission) as caught:
        parse_submission_xml(xml)
    assert caught.value.field == field
    assert caught.value.message_th != caught.value.message_en


def test_collect_submission_is_read_field_by_field() -> None:
    parsed = parse_submission_xml(bin_xml(deprecated_id="uuid:old", remarks="ฝาแตก"))
    record = parsed.record
    assert parsed.flags == []
    assert (record.instance_id, record.deprecated_id) == (
        "uuid:6f1c2d3e-0000-4000-8000-000000000001",
        "uuid:old",
    )
    assert (record.form_id, record.form_version, record.bin_code) == (
        "bin_survey",
        "2026112601",
        "NB-0101",
    )
    assert (record.lat, record.lon, record.altitude_m, record.accuracy_m) == (
        16.305,
        103.305,
        152.0,
        4.5,
    )
    assert (record.condition, record.stream, record.capacity_l) == (
        Condition.usable,
        Stream.general,
        200,
    )
    assert record.households_served == 12 and record.village_number == 1
    assert record.observed_at == datetime(2026, 11, 20, 2, 15, 2, 123000, tzinfo=UTC)
    assert record.photo_names == ("1764123456789.jpg",) and record.note == "ฝาแตก"


def test_namespaces_do_not_matter() -> None:
    xml = (
        '<data xmlns="http://opendatakit.org/submissions" '
        'xmlns:orx="http://openrosa.org/xforms" id="village_households" version="1">'
        "<village>2</village><households>80</households><population>250</population>"
        "<survey_date>2026-11-01</survey_date>"
        "<orx:meta><orx:instanceID>uuid:ns-1</orx:instanceID></orx:meta></data>"
    )
    record = parse_submission_xml(xml).record
    assert (record.instance_id, record.village_number, record.village_households) == (
        "uuid:ns-1",
        2,
        80,
    )
    assert record.village_population == 250
    assert record.observed_at is not None and record.observed_at.isoformat().startswith(
        "2026-11-01T00:00:00+07:00"
    )


def test_scanned_code_is_used_when_the_calculate_is_empty() -> None:
    xml = bin_xml(code="NB-0042").replace("<bin_code>NB-0042</bin_code>", "<bin_code/>")
    assert parse_submission_xml(xml).record.bin_code == "NB-0042"


# --- over HTTP: 4xx with the OpenRosa header, nothing stored ----------------------------------


@pytest.fixture
def client(engine: Engine, settings: Settings, place: Place) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as test_client:
        yield test_client


def _post_xml(client: TestClient, place: Place, xml: bytes, **kwargs: object):
    return client.post(
        f"/openrosa/{place.head_token}/submission",
        files={"xml_submission_file": ("s.xml", xml, "text/xml")},
        headers={"X-OpenRosa-Version": "1.0"},
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("xml", [BILLION_LAUGHS, EXTERNAL_ENTITY, "<data id='bin_survey'>"])
def test_bad_xml_is_400_and_nothing_is_stored(
    client: TestClient, place: Place, engine: Engine, xml: str
) -> None:
    response = _post_xml(client, place, xml.encode())
    assert response.status_code == 400
    assert response.headers["X-OpenRosa-Version"] == "1.0"
    assert b"OpenRosaResponse" in response.content
    with Session(engine) as db:
        assert db.exec(select(Submission)).all() == []


def test_garbage_multipart_is_400(client: TestClient, place: Place) -> None:
    url = f"/openrosa/{place.head_token}/submission"
    no_boundary = client.post(
        url, content=b"\x00\x01garbage", headers={"Content-Type": "multipart/form-data"}
    )
    assert no_boundary.status_code == 400
    broken = client.post(
        url,
        content=b"--b\r\nContent-Disposition: form-data\r\n\r\nno name\r\n--b--\r\n",
        headers={"Content-Type": "multipart/form-data; boundary=b"},
    )
    assert broken.status_code == 400
    not_multipart = client.post(url, json={"hello": "world"})
    assert not_multipart.status_code == 400
    no_xml = client.post(url, files={"photo.jpg": ("photo.jpg", b"\xff\xd8\xff", "image/jpeg")})
    assert no_xml.status_code == 400 and b"xml_submission_file" in no_xml.content
    for response in (no_boundary, broken, not_multipart, no_xml):
        assert response.headers["X-OpenRosa-Version"] == "1.0"


def test_viewer_cannot_submit(client: TestClient, place: Place) -> None:
    response = client.post(
        f"/openrosa/{place.viewer_token}/submission",
        files={"xml_submission_file": ("s.xml", bin_xml().encode(), "text/xml")},
    )
    assert response.status_code == 403


def test_path_traversal_attachment_name_is_refused(client: TestClient, place: Place) -> None:
    response = client.post(
        f"/openrosa/{place.head_token}/submission",
        files=[
            ("xml_submission_file", ("s.xml", bin_xml().encode(), "text/xml")),
            ("../../etc/cron.d/x", ("../../etc/cron.d/x", b"\xff\xd8\xff", "image/jpeg")),
        ],
    )
    assert response.status_code == 422
    assert response.headers["X-OpenRosa-Version"] == "1.0"
