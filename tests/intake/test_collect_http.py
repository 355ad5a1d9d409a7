"""Drive the running server over real HTTP exactly as ODK Collect does.

uvicorn serves the app on a free 127.0.0.1 port from a thread, on the test database (SQLite,
or PostGIS when FIELDSVC_TEST_DATABASE_URL is set); httpx plays the phone.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import httpx
import pytest
from PIL import Image
from sqlalchemy import Engine
from sqlmodel import Session, select

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from fieldsvc.models import Attachment, Bin, Inspection, Submission
from fieldsvc.storage.media import media_path
from tests.intake.conftest import Place, bin_xml, jpeg_bytes
from tests.live import serve

#: Seconds a request to the local test server may take: the 2-core test box runs the suite
#: in two workers beside browser tests, and httpx's 5 s default was once exceeded there.
SLOW_BOX_S = 60.0

FORMS_NS = "{http://openrosa.org/xforms/xformsList}"
MANIFEST_NS = "{http://openrosa.org/xforms/xformsManifest}"
RESPONSE_NS = "{http://openrosa.org/http/response}"
COLLECT_HEADERS = {
    "X-OpenRosa-Version": "1.0",
    "User-Agent": "org.odk.collect.android/v2025.2.3 okhttp/4.12.0",
    "Accept-Encoding": "gzip",
}
PHOTO = "1764123456789.jpg"


@pytest.fixture
def server_url(engine: Engine, settings: Settings, place: Place) -> Iterator[str]:
    with serve(create_app(settings, engine=engine)) as base:
        yield base


def _message(response: httpx.Response) -> ET.Element:
    assert response.headers["X-OpenRosa-Version"] == "1.0"
    root = ET.fromstring(response.content)
    assert root.tag == f"{RESPONSE_NS}OpenRosaResponse"
    message = root.find(f"{RESPONSE_NS}message")
    assert message is not None
    return message


def _post(client: httpx.Client, url: str, xml: str, *, photo: bytes | None, incomplete: bool):
    files = [("xml_submission_file", ("bin_survey_2026-11-20.xml", xml.encode(), "text/xml"))]
    if photo is not None:
        files.append((PHOTO, (PHOTO, photo, "image/jpeg")))
    data = {"*isIncomplete*": "yes"} if incomplete else None
    return client.post(url, files=files, data=data)


def test_odk_collect_session_end_to_end(
    server_url: str, engine: Engine, settings: Settings, place: Place
) -> None:
    base = f"{server_url}/openrosa/{place.head_token}"
    with httpx.Client(headers=COLLECT_HEADERS, timeout=30) as client:
        # 1. form list: OpenRosa namespace, header, md5 of the exact form bytes
        listing = client.get(f"{base}/formList")
        assert listing.status_code == 200
        assert listing.headers["X-OpenRosa-Version"] == "1.0"
        assert listing.headers["content-type"].startswith("text/xml")
        root = ET.fromstring(listing.content)
        assert root.tag == f"{FORMS_NS}xforms"
        forms = {x.findtext(f"{FORMS_NS}formID"): x for x in root.findall(f"{FORMS_NS}xform")}
        assert set(forms) == {"bin_survey", "village_households"}
        entry = forms["bin_survey"]
        assert entry.findtext(f"{FORMS_NS}version") == "2026120301"
        assert entry.findtext(f"{FORMS_NS}name") == "สำรวจถังขยะ / Bin survey"

        # 2. form download: byte for byte, hash matches
        form = client.get(entry.findtext(f"{FORMS_NS}downloadUrl") or "")
        assert form.status_code == 200 and form.headers["X-OpenRosa-Version"] == "1.0"
        assert form.content.startswith(b"<?xml")
        md5 = "md5:" + hashlib.md5(form.content).hexdigest()
        assert entry.findtext(f"{FORMS_NS}hash") == md5

        # 3. manifest and villages.csv from the database, only the head's village
        manifest = client.get(entry.findtext(f"{FORMS_NS}manifestUrl") or "")
        assert manifest.status_code == 200 and manifest.headers["X-OpenRosa-Version"] == "1.0"
        media = ET.fromstring(manifest.content)
        assert media.tag == f"{MANIFEST_NS}manifest"
        # the bins list (the head's registered bins; none yet) and the villages list
        bins_file, media_file = media.findall(f"{MANIFEST_NS}mediaFile")
        assert bins_file.findtext(f"{MANIFEST_NS}filename") == "bins.csv"
        bins_csv = client.get(bins_file.findtext(f"{MANIFEST_NS}downloadUrl") or "")
        assert bins_file.get("type") == "entityList"
        assert bins_csv.text == (
            "name,label,__version,code,village,capacity_l,stream,condition,geometry,"
            "last_inspected,due_on,due_state\n"
        )
        assert media_file.findtext(f"{MANIFEST_NS}filename") == "villages.csv"
        csv_response = client.get(media_file.findtext(f"{MANIFEST_NS}downloadUrl") or "")
        assert csv_response.status_code == 200
        assert csv_response.content.decode("utf-8") == "name,label\n1,หมู่ที่ 1 บ้านหนองบัว\n"
        csv_md5 = "md5:" + hashlib.md5(csv_response.content).hexdigest()
        assert media_file.findtext(f"{MANIFEST_NS}hash") == csv_md5

        # 4. pre-flight
        head = client.head(f"{base}/submission")
        assert head.status_code == 204
        assert head.headers["X-OpenRosa-Version"] == "1.0"
        assert head.headers["X-OpenRosa-Accept-Content-Length"] == str(
            settings.max_submission_bytes
        )

        # 5. split upload: the XML first (incomplete), then the photo
        xml = bin_xml()
        first = _post(client, f"{base}/submission", xml, photo=None, incomplete=True)
        assert first.status_code == 201
        assert _message(first).get("nature") == "submit_success"
        with Session(engine) as db:
            (stored,) = db.exec(select(Submission)).all()
            assert stored.complete is False and stored.applied is False
            assert db.exec(select(Bin)).all() == []
        photo = jpeg_bytes(with_gps_exif=True)
        last = _post(client, f"{base}/submission", xml, photo=photo, incomplete=False)
        assert last.status_code == 201
        assert _message(last).get("nature") == "submit_success"
        with Session(engine) as db:
            (stored,) = db.exec(select(Submission)).all()
            assert stored.complete and stored.applied and stored.raw_payload == xml
            (bin_row,) = db.exec(select(Bin)).all()
            assert bin_row.code == "NB-0101" and bin_row.village_id == place.village_ids[1]
            (attachment,) = db.exec(select(Attachment)).all()
            assert attachment.name == PHOTO and attachment.media_type == "image/jpeg"
            stored_photo = media_path(settings=settings, sha256=attachment.sha256 or "")
            with Image.open(stored_photo) as image:
                assert len(image.getexif()) == 0
                assert image.size == (48, 64)  # EXIF orientation 6 applied, then dropped

        # 6. identical resend (Collect timed out and retried): 201, nothing new
        again = _post(client, f"{base}/submission", xml, photo=photo, incomplete=False)
        assert again.status_code == 201
        with Session(engine) as db:
            assert len(db.exec(select(Submission)).all()) == 1
            assert len(db.exec(select(Inspection)).all()) == 1
            assert len(db.exec(select(Attachment)).all()) == 1

        # 7. same instanceID, other content: 409 with an OpenRosa message
        conflict = _post(
            client, f"{base}/submission", bin_xml(condition="damaged"), photo=None, incomplete=False
        )
        assert conflict.status_code == 409
        assert "uuid:6f1c2d3e-0000-4000-8000-000000000001" in (_message(conflict).text or "")

        # 8. an edit sent from Collect: deprecatedID names the first version
        edited_xml = bin_xml(
            "uuid:6f1c2d3e-0000-4000-8000-000000000002",
            condition="damaged",
            deprecated_id="uuid:6f1c2d3e-0000-4000-8000-000000000001",
        )
        edit = _post(client, f"{base}/submission", edited_xml, photo=photo, incomplete=False)
        assert edit.status_code == 201
        with Session(engine) as db:
            versions = db.exec(select(Submission).order_by(Submission.id)).all()
            assert [(v.instance_id[-2:], v.is_current) for v in versions] == [
                ("01", False),
                ("02", True),
            ]
            assert versions[0].raw_payload == xml
            assert db.exec(select(Bin)).one().condition == "damaged"
            assert len(db.exec(select(Inspection)).all()) == 2


def test_staff_token_gets_every_village_in_villages_csv(server_url: str, place: Place) -> None:
    url = f"{server_url}/openrosa/{place.staff_token}/forms/village_households/media/villages.csv"
    response = httpx.get(url, headers=COLLECT_HEADERS, timeout=SLOW_BOX_S)
    assert response.status_code == 200
    assert response.text.splitlines() == [
        "name,label",
        "1,หมู่ที่ 1 บ้านหนองบัว",
        "2,หมู่ที่ 2 บ้านโนนสะอาด",
        "3,หมู่ที่ 3 บ้านดอนแดง",
    ]


def test_bad_token_is_401_with_openrosa_header(server_url: str) -> None:
    response = httpx.get(
        f"{server_url}/openrosa/not-a-token/formList", headers=COLLECT_HEADERS, timeout=SLOW_BOX_S
    )
    assert response.status_code == 401
    assert response.headers["X-OpenRosa-Version"] == "1.0"
    assert "ลิงก์ตั้งค่าแอปนี้ใช้ไม่ได้" in (_message(response).text or "")


def test_village_head_survey_of_another_village_is_kept_but_held(
    server_url: str, engine: Engine, place: Place
) -> None:
    url = f"{server_url}/openrosa/{place.head_token}/submission"
    xml = bin_xml(village="2", location="16.305 103.315 150 4")
    with httpx.Client(headers=COLLECT_HEADERS, timeout=SLOW_BOX_S) as client:
        response = _post(client, url, xml, photo=None, incomplete=False)
    assert response.status_code == 201
    assert "ไม่ใช่หมู่บ้านที่ท่านรับผิดชอบ" in (_message(response).text or "")
    with Session(engine) as db:
        stored = db.exec(select(Submission)).one()
        assert [f["code"] for f in stored.flags] == ["village_not_assigned"]
        assert stored.applied is False and db.exec(select(Bin)).all() == []


def test_renamed_pdf_photo_refuses_the_post_and_stores_nothing(
    server_url: str, engine: Engine, place: Place
) -> None:
    url = f"{server_url}/openrosa/{place.head_token}/submission"
    pdf = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    with httpx.Client(headers=COLLECT_HEADERS, timeout=SLOW_BOX_S) as client:
        response = _post(client, url, bin_xml(), photo=pdf, incomplete=False)
    assert response.status_code == 415
    text = _message(response).text or ""
    assert "PDF" in text and PHOTO in text
    with Session(engine) as db:
        assert db.exec(select(Submission)).all() == []


def test_body_over_the_limit_is_413(server_url: str, settings: Settings, place: Place) -> None:
    url = f"{server_url}/openrosa/{place.head_token}/submission"
    big = b"\xff\xd8\xff" + b"0" * (settings.max_submission_bytes + 10)
    with httpx.Client(headers=COLLECT_HEADERS, timeout=SLOW_BOX_S) as client:
        response = _post(client, url, bin_xml(), photo=big, incomplete=False)
    assert response.status_code == 413
    assert response.headers["X-OpenRosa-Version"] == "1.0"


def test_chunked_body_over_the_limit_is_413(
    server_url: str, settings: Settings, place: Place
) -> None:
    """No Content-Length (chunked): the limit is enforced while the body streams in."""
    url = f"{server_url}/openrosa/{place.head_token}/submission"
    boundary = "collectboundary"

    def body() -> Iterator[bytes]:
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="xml_submission_file"; '
            f'filename="s.xml"\r\nContent-Type: text/xml\r\n\r\n{bin_xml()}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="{PHOTO}"; '
            f'filename="{PHOTO}"\r\nContent-Type: image/jpeg\r\n\r\n'
        ).encode()
        chunk = b"0" * 65536
        for _ in range(settings.max_submission_bytes // len(chunk) + 2):
            yield chunk
        yield f"\r\n--{boundary}--\r\n".encode()

    headers = {**COLLECT_HEADERS, "Content-Type": f"multipart/form-data; boundary={boundary}"}
    response = httpx.post(url, content=body(), headers=headers, timeout=30)
    assert response.status_code == 413
    assert response.headers["X-OpenRosa-Version"] == "1.0"
