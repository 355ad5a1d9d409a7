"""A survey whose photo cannot be opened is not lost: it is received and applied as usual, the
bytes are kept exactly as received (private, downloaded by staff as a file, never shown or
thumbnailed), the survey is flagged ``photo_unreadable`` and the phone is told in Thai. A
readable photo sent later for the same survey replaces it and clears the flag; the unreadable
bytes stay as an earlier version. Through OpenRosa, the JSON API's multipart and
``PUT …/attachments/{name}``, as real clients send them."""

from __future__ import annotations

import hashlib
import json
import struct
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from defusedxml.ElementTree import fromstring
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from fieldsvc.errors import PayloadTooLarge
from fieldsvc.ingest.photos import (
    CleanPhoto,
    PhotoRejected,
    UnreadablePhoto,
    clean_photo,
    make_thumbnail,
    receive_photo,
)
from fieldsvc.models import Attachment, AttachmentVersion, Bin, Inspection, Role, Submission
from fieldsvc.storage.media import media_path
from fieldsvc.storage.submissions import photos_received_since
from fieldsvc.storage.users import create_user
from tests.intake.conftest import Place, bin_xml, jpeg_bytes, json_survey
from tests.signin import sign_in

GOOD = jpeg_bytes()
TRUNCATED = GOOD[: len(GOOD) // 2]  # a JPEG cut off in its pixels (an interrupted copy)
PHONE_WORDS = "รับข้อมูลแล้ว แต่รูปเปิดไม่ได้ ถ่ายรูปใหม่แล้วส่งอีกครั้งได้"
COLLECT_PHOTO = "1764123456789.jpg"
SID = "9d0e1f2a-3b4c-4d5e-8f60-718293a4b5c6"
PHOTO_URL = f"/api/v1/submissions/{SID}/attachments/bin.jpg"


def _png_claiming(width: int, height: int) -> bytes:
    """A few dozen bytes whose PNG header claims ``width`` × ``height`` pixels (a bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat)


UNREADABLE_CASES = {
    "truncated_jpeg": (TRUNCATED, "cut.jpg", "image/jpeg"),
    "random_bytes_named_jpg": (bytes(range(256)) * 3, "photo.jpg", "image/jpeg"),
    "zero_bytes": (b"", "empty.jpg", "image/jpeg"),
    "png_bomb": (_png_claiming(50_000, 50_000), "bomb.png", "image/png"),
    "text_declared_as_image": (b"not a picture at all", "photo", "image/jpeg"),
    "jpeg_header_wrong_type": (TRUNCATED, "photo.jpg", "text/plain"),
}


# --- the rule, on bytes -------------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(UNREADABLE_CASES))
def test_undecodable_photos_are_kept_unchanged(case: str) -> None:
    data, name, declared = UNREADABLE_CASES[case]
    kept = receive_photo(data, name=name, declared_type=declared, max_bytes=10**6)
    assert isinstance(kept, UnreadablePhoto)
    assert kept.data == data and kept.media_type == "application/octet-stream"
    assert kept.reason


def test_a_readable_photo_is_still_cleaned() -> None:
    clean = receive_photo(GOOD, name="bin.jpg", declared_type="text/plain", max_bytes=10**6)
    assert isinstance(clean, CleanPhoto) and clean.media_type == "image/jpeg"


@pytest.mark.parametrize(
    ("data", "name", "declared"),
    [
        (b"%PDF-1.7\n1 0 obj<<>>endobj\n", "photo.jpg", "image/jpeg"),  # a document
        (b"MZ\x90\x00\x03\x00\x00\x00" * 8, "photo.jpg", "image/jpeg"),  # a program
        (b"PK\x03\x04" + b"\x00" * 40, "bin.jpg", "image/jpeg"),  # a ZIP / Office file
        (b"some notes", "notes.txt", "text/plain"),  # not claimed to be a picture at all
    ],
)
def test_the_wrong_file_is_still_refused(data: bytes, name: str, declared: str) -> None:
    with pytest.raises(PhotoRejected):
        receive_photo(data, name=name, declared_type=declared, max_bytes=10**6)


def test_an_unreadable_photo_over_the_size_limit_is_still_too_large() -> None:
    with pytest.raises(PayloadTooLarge):
        receive_photo(b"\xff\xd8\xff" + b"0" * 500, name="x.jpg", declared_type=None, max_bytes=100)


# --- through the API ----------------------------------------------------------------------------


@pytest.fixture
def client(engine: Engine, settings: Settings, place: Place) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as test_client:
        yield test_client


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _openrosa(client: TestClient, token: str, xml: str, photo: bytes, *, incomplete: bool = False):
    files = [
        ("xml_submission_file", ("bin.xml", xml.encode(), "text/xml")),
        (COLLECT_PHOTO, (COLLECT_PHOTO, photo, "image/jpeg")),
    ]
    return client.post(
        f"/openrosa/{token}/submission",
        files=files,
        data={"*isIncomplete*": "yes"} if incomplete else None,
        headers={"X-OpenRosa-Version": "1.0"},
    )


def _message(response: Any) -> str:
    root = fromstring(response.content)
    return "".join(root.itertext())


def _survey_row(engine: Engine) -> tuple[Submission, list[Attachment], list[AttachmentVersion]]:
    with Session(engine) as db:
        submission = db.exec(select(Submission)).one()
        attachments = list(db.exec(select(Attachment)).all())
        versions = list(db.exec(select(AttachmentVersion)).all())
        return submission, attachments, versions


def _flag_codes(submission: Submission) -> list[str]:
    return [f["code"] for f in submission.flags or []]


def _head_of_village(engine: Engine, place: Place, number: int, username: str) -> str:
    with Session(engine) as db:
        _, token = create_user(
            session=db,
            username=username,
            display_name=f"ผู้ใหญ่บ้านหมู่ {number}",
            role=Role.village_head,
            village_ids=[place.village_ids[number]],
        )
        db.commit()
    return token


def _assert_kept_private(
    client: TestClient, settings: Settings, place: Place, data: bytes, name: str
) -> str:
    """The bytes are on disk exactly as sent, downloaded by staff as a file only."""
    digest = hashlib.sha256(data).hexdigest()
    assert media_path(settings=settings, sha256=digest).read_bytes() == data
    url = f"/api/v1/media/{digest}"
    assert client.get(url).status_code == 401  # never public
    download = client.get(url, headers=_auth(place.staff_token))
    assert download.status_code == 200 and download.content == data
    assert download.headers["content-type"] == "application/octet-stream"
    disposition = download.headers["content-disposition"]
    assert disposition.startswith("attachment") and name in disposition
    assert download.headers["x-content-type-options"] == "nosniff"
    own_head = client.get(url, headers=_auth(place.head_token))
    assert own_head.status_code == 403 and own_head.json()["error"]["code"] == "forbidden"
    thumb = client.get(f"{url}/thumbnail", headers=_auth(place.staff_token))
    assert thumb.status_code == 404
    assert thumb.json()["error"]["code"] == "photo_unreadable_no_thumbnail"
    return digest


def test_collect_survey_with_a_cut_off_photo_is_received_applied_and_flagged(
    client: TestClient, engine: Engine, settings: Settings, place: Place
) -> None:
    response = _openrosa(client, place.head_token, bin_xml(), TRUNCATED)
    assert response.status_code == 201, response.text
    assert response.headers["X-OpenRosa-Version"] == "1.0"
    assert PHONE_WORDS in _message(response)
    assert 'nature="submit_success"' in response.text
    submission, attachments, _ = _survey_row(engine)
    assert submission.applied and submission.complete
    assert _flag_codes(submission) == ["photo_unreadable"]
    flag = submission.flags[0]
    assert flag["field"] == COLLECT_PHOTO and flag["severity"] == "review"
    assert flag["details"]["size_bytes"] == len(TRUNCATED)
    assert "รูป" in flag["message_th"] and "เปิดไม่ได้" in flag["message_th"]
    with Session(engine) as db:
        registered = db.exec(select(Bin).where(Bin.code == "NB-0101")).one()
        inspections = db.exec(select(Inspection)).all()
        assert [i.bin_id for i in inspections] == [registered.id]
    assert [(a.name, a.media_type, a.size_bytes) for a in attachments] == [
        (COLLECT_PHOTO, "application/octet-stream", len(TRUNCATED))
    ]
    _assert_kept_private(client, settings, place, TRUNCATED, COLLECT_PHOTO)
    # Per-user quota counts the kept bytes like any photo.
    with Session(engine) as db:
        count, size = photos_received_since(
            session=db, submitter_id=place.head.id, since=datetime(2000, 1, 1, tzinfo=UTC)
        )
    assert (count, size) == (1, len(TRUNCATED))


def test_collect_resend_with_a_readable_photo_replaces_it_and_clears_the_flag(
    client: TestClient, engine: Engine, settings: Settings, place: Place
) -> None:
    xml = bin_xml()
    assert _openrosa(client, place.head_token, xml, TRUNCATED).status_code == 201
    again = _openrosa(client, place.head_token, xml, GOOD)
    assert again.status_code == 201, again.text
    assert PHONE_WORDS not in _message(again)
    submission, attachments, versions = _survey_row(engine)
    assert _flag_codes(submission) == [] and submission.review_state == "received"
    assert [a.media_type for a in attachments] == ["image/jpeg"]
    old = hashlib.sha256(TRUNCATED).hexdigest()
    assert [(v.sha256, v.media_type, v.replaced_by_id) for v in versions] == [
        (old, "application/octet-stream", place.head.id)
    ]
    # The replaced bytes are kept, still private and still a file, not an image.
    _assert_kept_private(client, settings, place, TRUNCATED, COLLECT_PHOTO)
    with Session(engine) as db:
        assert len(db.exec(select(Inspection)).all()) == 1  # the survey applied once


def test_split_upload_whose_first_part_was_unreadable_ends_readable(
    client: TestClient, engine: Engine, place: Place
) -> None:
    xml = bin_xml()
    first = _openrosa(client, place.head_token, xml, TRUNCATED, incomplete=True)
    assert first.status_code == 201 and PHONE_WORDS in _message(first)
    submission, _, _ = _survey_row(engine)
    assert not submission.applied and _flag_codes(submission) == ["photo_unreadable"]
    last = _openrosa(client, place.head_token, xml, GOOD)
    assert last.status_code == 201
    submission, attachments, versions = _survey_row(engine)
    assert submission.applied and _flag_codes(submission) == []
    assert [a.media_type for a in attachments] == ["image/jpeg"] and len(versions) == 1


def test_head_of_another_village_cannot_replace_the_photo(
    client: TestClient, engine: Engine, place: Place
) -> None:
    xml = bin_xml()
    assert _openrosa(client, place.head_token, xml, TRUNCATED).status_code == 201
    stranger = _head_of_village(engine, place, 2, "head2")
    swap = _openrosa(client, stranger, xml, GOOD)
    assert swap.status_code == 403
    submission, attachments, versions = _survey_row(engine)
    assert _flag_codes(submission) == ["photo_unreadable"] and versions == []
    assert attachments[0].sha256 == hashlib.sha256(TRUNCATED).hexdigest()
    # Nor may they download the kept bytes.
    url = f"/api/v1/media/{attachments[0].sha256}"
    assert client.get(url, headers=_auth(stranger)).status_code == 403


def _json_survey(**changes: Any) -> dict[str, Any]:
    return json_survey(
        **{"submission_id": SID, "bin_code": "NB-0311", "photos": ["bin.jpg"], **changes}
    )


def test_multipart_survey_with_random_bytes_for_a_photo_is_received(
    client: TestClient, engine: Engine, settings: Settings, place: Place
) -> None:
    junk = bytes(range(256)) * 2
    response = client.post(
        "/api/v1/submissions/multipart",
        data={"submission": json.dumps(_json_survey())},
        files=[("files", ("bin.jpg", junk, "image/jpeg"))],
        headers=_auth(place.head_token),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["applied"] is True and body["notice_th"] == PHONE_WORDS
    assert [f["code"] for f in body["flags"]] == ["photo_unreadable"]
    assert [(a["name"], a["readable"], a["size_bytes"]) for a in body["attachments"]] == [
        ("bin.jpg", False, len(junk))
    ]
    _assert_kept_private(client, settings, place, junk, "bin.jpg")
    # The identical retry is answered the same way.
    retry = client.post(
        "/api/v1/submissions/multipart",
        data={"submission": json.dumps(_json_survey())},
        files=[("files", ("bin.jpg", junk, "image/jpeg"))],
        headers=_auth(place.head_token),
    )
    assert retry.status_code == 200 and retry.json()["notice_th"] == PHONE_WORDS


def test_photo_sent_later_replaces_the_unreadable_one_and_clears_the_flag(
    client: TestClient, engine: Engine, settings: Settings, place: Place
) -> None:
    head = _auth(place.head_token)
    sent = client.post("/api/v1/submissions", json=_json_survey(), headers=head)
    assert sent.status_code == 201 and sent.json()["notice_th"] is None
    bad = client.put(PHOTO_URL, content=b"", headers={**head, "Content-Type": "image/jpeg"})
    assert bad.status_code == 200, bad.text
    assert bad.json()["readable"] is False and bad.json()["notice_th"] == PHONE_WORDS
    submission, _, _ = _survey_row(engine)
    assert _flag_codes(submission) == ["photo_unreadable"]
    assert submission.review_state == "has_issues" and submission.applied

    stranger = _head_of_village(engine, place, 3, "head3")
    refused = client.put(
        PHOTO_URL, content=GOOD, headers={**_auth(stranger), "Content-Type": "image/jpeg"}
    )
    assert refused.status_code == 403
    assert _flag_codes(_survey_row(engine)[0]) == ["photo_unreadable"]

    good = client.put(PHOTO_URL, content=GOOD, headers={**head, "Content-Type": "image/jpeg"})
    assert good.status_code == 200
    assert good.json()["readable"] is True and good.json()["notice_th"] is None
    submission, attachments, versions = _survey_row(engine)
    assert _flag_codes(submission) == [] and submission.review_state == "received"
    assert [a.sha256 for a in attachments] == [good.json()["sha256"]]
    empty = hashlib.sha256(b"").hexdigest()
    assert [(v.sha256, v.size_bytes) for v in versions] == [(empty, 0)]
    _assert_kept_private(client, settings, place, b"", "bin.jpg")
    # The readable photo is served as an image, with its thumbnail.
    photo = client.get(good.json()["url"], headers=head)
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
    thumb = client.get(good.json()["url"] + "/thumbnail", headers=head)
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"


def test_staff_pages_and_map_name_the_unreadable_photo_instead_of_showing_it(
    client: TestClient, engine: Engine, place: Place
) -> None:
    assert _openrosa(client, place.head_token, bin_xml(), TRUNCATED).status_code == 201
    digest = hashlib.sha256(TRUNCATED).hexdigest()
    sign_in(client, place.staff_token)
    queue = client.get("/staff/review", params={"state": "all"})
    assert queue.status_code == 200
    assert "รูปเปิดไม่ได้" in queue.text and f"/api/v1/media/{digest}" not in queue.text
    submission, _, _ = _survey_row(engine)
    page = client.get(f"/staff/review/{submission.id}")
    assert page.status_code == 200
    assert "รูปเปิดไม่ได้" in page.text
    assert f'<img class="photo" src="/api/v1/media/{digest}"' not in page.text
    assert f'href="/api/v1/media/{digest}" download' in page.text
    staff_map = client.get("/staff/map.html")
    assert staff_map.status_code == 200
    assert f"/api/v1/media/{digest}" not in staff_map.text
    assert '"unreadable"' in staff_map.text and "รูปเปิดไม่ได้" in staff_map.text


def test_a_header_claiming_billions_of_pixels_is_refused_by_the_checker_not_a_crash() -> None:
    """Pillow raises ``DecompressionBombError`` (not a warning) past twice its pixel limit."""
    bomb = _png_claiming(50_000, 50_000)
    with pytest.raises(PhotoRejected):
        clean_photo(bomb, name="bomb.png", max_bytes=10**6)
    with pytest.raises(PhotoRejected):
        make_thumbnail(bomb)


def test_an_edit_keeps_the_flag_while_it_keeps_the_unreadable_photo(
    client: TestClient, engine: Engine, place: Place
) -> None:
    first_id = "uuid:6f1c2d3e-0000-4000-8000-000000000001"
    assert _openrosa(client, place.head_token, bin_xml(first_id), TRUNCATED).status_code == 201
    edit_id = "uuid:6f1c2d3e-0000-4000-8000-000000000002"
    edit = bin_xml(edit_id, deprecated_id=first_id, condition="damaged")
    sent = client.post(
        f"/openrosa/{place.head_token}/submission",
        files=[("xml_submission_file", ("bin.xml", edit.encode(), "text/xml"))],
        headers={"X-OpenRosa-Version": "1.0"},
    )
    assert sent.status_code == 201 and PHONE_WORDS in _message(sent)
    with Session(engine) as db:
        edited = db.exec(select(Submission).where(Submission.instance_id == edit_id)).one()
        assert [f["code"] for f in edited.flags] == ["photo_unreadable"]
    second_edit_id = "uuid:6f1c2d3e-0000-4000-8000-000000000003"
    fixed = bin_xml(second_edit_id, deprecated_id=edit_id, condition="damaged")
    assert _openrosa(client, place.head_token, fixed, GOOD).status_code == 201
    with Session(engine) as db:
        latest = db.exec(select(Submission).where(Submission.instance_id == second_edit_id)).one()
        assert latest.flags == [] and latest.is_current
