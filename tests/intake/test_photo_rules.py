"""Photos of a survey: sent only by its surveyor (staff within their scope), only until staff
review it; a replaced photo is kept as an earlier version. Through the HTTP API (the JSON
API's ``PUT …/attachments/{name}`` and an OpenRosa split upload), as real clients send them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from fieldsvc.models import Attachment, AttachmentVersion, Role, Submission
from fieldsvc.storage.users import create_user
from tests.intake.conftest import Place, bin_xml, jpeg_bytes, json_survey

SID = "5c1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6"
PHOTO_URL = f"/api/v1/submissions/{SID}/attachments/bin.jpg"
BLUE = jpeg_bytes()
LARGE = jpeg_bytes(size=(96, 72))


@pytest.fixture
def client(engine: Engine, settings: Settings, place: Place) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as test_client:
        yield test_client


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _jpeg(token: str) -> dict[str, str]:
    return {**_auth(token), "Content-Type": "image/jpeg"}


def _survey(**changes: Any) -> dict[str, Any]:
    return json_survey(
        **{"submission_id": SID, "bin_code": "NB-0301", "photos": ["bin.jpg"], **changes}
    )


def _second_head(engine: Engine, place: Place) -> str:
    """Another surveyor of the same village หมู่ 1."""
    with Session(engine) as db:
        _, token = create_user(
            session=db,
            username="head1b",
            display_name="ผู้ช่วยผู้ใหญ่บ้านหมู่ 1",
            role=Role.village_head,
            village_ids=[place.village_ids[1]],
        )
        db.commit()
    return token


def _rows(engine: Engine) -> tuple[list[Attachment], list[AttachmentVersion]]:
    with Session(engine) as db:
        return list(db.exec(select(Attachment)).all()), list(
            db.exec(select(AttachmentVersion)).all()
        )


def test_only_the_surveyor_or_staff_may_send_a_survey_photo(
    client: TestClient, place: Place, engine: Engine
) -> None:
    assert client.post("/api/v1/submissions", json=_survey(), headers=_auth(place.head_token))
    colleague = _second_head(engine, place)
    other = client.put(PHOTO_URL, content=BLUE, headers=_jpeg(colleague))
    assert other.status_code == 403
    assert other.json()["error"]["code"] == "forbidden"
    assert "ส่งรูปได้เฉพาะข้อมูลสำรวจที่ท่านส่งเอง" in other.json()["error"]["message_th"]
    viewer = client.put(PHOTO_URL, content=BLUE, headers=_jpeg(place.viewer_token))
    assert viewer.status_code == 403
    assert client.put(PHOTO_URL, content=BLUE).status_code == 401
    attachments, _ = _rows(engine)
    assert [a.sha256 for a in attachments] == [None]  # nothing was stored by the refused

    own = client.put(PHOTO_URL, content=BLUE, headers=_jpeg(place.head_token))
    assert own.status_code == 200, own.text
    staff = client.put(PHOTO_URL, content=LARGE, headers=_jpeg(place.staff_token))
    assert staff.status_code == 200
    assert staff.json()["sha256"] != own.json()["sha256"]


def test_replaced_photo_is_kept_as_a_version_with_who_and_when(
    client: TestClient, place: Place, engine: Engine
) -> None:
    client.post("/api/v1/submissions", json=_survey(), headers=_auth(place.head_token))
    first = client.put(PHOTO_URL, content=BLUE, headers=_jpeg(place.head_token)).json()
    again = client.put(PHOTO_URL, content=BLUE, headers=_jpeg(place.head_token)).json()
    assert again == first
    assert _rows(engine)[1] == []  # the same bytes again are not a new version
    second = client.put(PHOTO_URL, content=LARGE, headers=_jpeg(place.head_token))
    assert second.status_code == 200
    attachments, versions = _rows(engine)
    assert [a.sha256 for a in attachments] == [second.json()["sha256"]]
    assert [(v.sha256, v.replaced_by_id) for v in versions] == [(first["sha256"], place.head.id)]
    assert versions[0].attachment_id == attachments[0].id
    assert versions[0].replaced_at is not None and versions[0].received_at is not None
    # The earlier photo is still there for the people who may see the survey.
    old = client.get(first["url"], headers=_auth(place.staff_token))
    assert old.status_code == 200 and len(old.content) == first["size_bytes"]
    assert client.get(first["url"], headers=_auth(place.head_token)).status_code == 200


def test_photos_are_closed_once_staff_reviewed_the_survey(
    client: TestClient, place: Place, engine: Engine
) -> None:
    client.post("/api/v1/submissions", json=_survey(), headers=_auth(place.head_token))
    first = client.put(PHOTO_URL, content=BLUE, headers=_jpeg(place.head_token)).json()
    review = client.post(
        f"/api/v1/submissions/{SID}/review",
        json={"state": "has_issues", "comment": "ดูรูปแล้ว"},
        headers=_auth(place.staff_token),
    )
    assert review.status_code == 200, review.text
    for token in (place.head_token, place.staff_token):
        late = client.put(PHOTO_URL, content=LARGE, headers=_jpeg(token))
        assert late.status_code == 409
        error = late.json()["error"]
        assert error["code"] == "photo_after_review" and error["field"] == "id"
        assert "has_issues" in error["message"] and "ตรวจแล้ว" in error["message_th"]
    # The phone re-sending the photo it already sent is still answered as before.
    same = client.put(PHOTO_URL, content=BLUE, headers=_jpeg(place.head_token))
    assert same.status_code == 200 and same.json() == first
    attachments, versions = _rows(engine)
    assert [a.sha256 for a in attachments] == [first["sha256"]] and versions == []


def _openrosa(client: TestClient, token: str, xml: str, photo: bytes | None, incomplete: bool):
    files = [("xml_submission_file", ("bin.xml", xml.encode(), "text/xml"))]
    if photo is not None:
        files.append(("1764123456789.jpg", ("1764123456789.jpg", photo, "image/jpeg")))
    data = {"*isIncomplete*": "yes"} if incomplete else None
    return client.post(
        f"/openrosa/{token}/submission",
        files=files,
        data=data,
        headers={"X-OpenRosa-Version": "1.0"},
    )


def test_split_upload_cannot_swap_someone_elses_photo_or_a_reviewed_one(
    client: TestClient, place: Place, engine: Engine
) -> None:
    xml = bin_xml()
    first = _openrosa(client, place.head_token, xml, BLUE, incomplete=True)
    assert first.status_code == 201, first.text
    colleague = _second_head(engine, place)
    swap = _openrosa(client, colleague, xml, LARGE, incomplete=False)
    assert swap.status_code == 403
    # The surveyor finishing the upload with the same photo is fine.
    done = _openrosa(client, place.head_token, xml, BLUE, incomplete=False)
    assert done.status_code in (200, 201)
    with Session(engine) as db:
        key = str(db.exec(select(Submission)).one().id)
    approve = client.post(
        f"/api/v1/submissions/{key}/review",
        json={"state": "approved"},
        headers=_auth(place.staff_token),
    )
    assert approve.status_code == 200
    late = _openrosa(client, place.head_token, xml, LARGE, incomplete=False)
    assert late.status_code == 409
    attachments, versions = _rows(engine)
    assert len(attachments) == 1 and versions == []
    assert attachments[0].size_bytes == len(BLUE)


def test_head_reads_only_their_villages_part_of_a_moved_bins_history(
    client: TestClient, place: Place
) -> None:
    """A bin staff moved from หมู่ 2 into หมู่ 1: its head sees the bin, but not the notes of
    the surveys made in หมู่ 2."""
    staff = _auth(place.staff_token)
    in_village_2 = _survey(
        submission_id="7a000000-0000-4000-8000-000000000002",
        bin_code="MV-1",
        village=2,
        location={"lat": 16.305, "lon": 103.315, "accuracy_m": 4.0},
        note="ฝากบอกหมู่ 2",
        photos=[],
    )
    moved = _survey(
        submission_id="7a000000-0000-4000-8000-000000000001",
        bin_code="MV-1",
        observed_at="2026-11-22T08:30:00+07:00",
        photos=[],
    )
    for body in (in_village_2, moved):
        sent = client.post("/api/v1/submissions", json=body, headers=staff)
        assert sent.status_code == 201 and sent.json()["applied"], sent.text
    full = client.get("/api/v1/bins/MV-1", headers=staff).json()
    assert full["bin"]["village_id"] == place.village_ids[1] and len(full["history"]) == 2
    seen = client.get("/api/v1/bins/MV-1", headers=_auth(place.head_token))
    assert seen.status_code == 200
    assert [h["submission_id"] for h in seen.json()["history"]] == [
        full["history"][1]["submission_id"]
    ]
    assert "ฝากบอกหมู่ 2" not in seen.text
