"""The JSON survey API: retry safety, conflicts, photos after the JSON, scopes and review."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import Engine
from sqlmodel import Session, select

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from fieldsvc.models import Attachment, Bin, Submission
from tests.intake.conftest import Place, add_bin, jpeg_bytes, json_survey

SID = "0b7a1d2c-3e4f-4a5b-8c6d-7e8f9a0b1c2d"


@pytest.fixture
def client(engine: Engine, settings: Settings, place: Place) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as test_client:
        yield test_client


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def survey(**changes: Any) -> dict[str, Any]:
    return json_survey(**{"submission_id": SID, "photos": ["bin.jpg"], **changes})


def test_retry_returns_the_same_result_and_conflict_is_409(
    client: TestClient, place: Place, engine: Engine
) -> None:
    first = client.post("/api/v1/submissions", json=survey(), headers=auth(place.head_token))
    assert first.status_code == 201, first.text
    assert first.json()["outcome"] == "created" and first.json()["applied"] is True
    assert first.json()["submission_id"] == f"uuid:{SID}"
    retry = client.post("/api/v1/submissions", json=survey(), headers=auth(place.head_token))
    assert retry.status_code == 200
    assert retry.json()["outcome"] == "duplicate" and retry.json()["id"] == first.json()["id"]
    other = client.post(
        "/api/v1/submissions", json=survey(condition="damaged"), headers=auth(place.head_token)
    )
    assert other.status_code == 409
    error = other.json()["error"]
    assert error["code"] == "submission_conflict" and error["field"] == "meta/instanceID"
    assert "รหัส" in error["message_th"] and SID in error["message"]
    with Session(engine) as db:
        assert len(db.exec(select(Submission)).all()) == 1


def test_photo_after_the_json_attaches_idempotently(
    client: TestClient, place: Place, engine: Engine
) -> None:
    created = client.post("/api/v1/submissions", json=survey(), headers=auth(place.head_token))
    (due,) = created.json()["attachments"]
    assert due == {
        "name": "bin.jpg",
        "received": False,
        "sha256": None,
        "media_type": None,
        "size_bytes": None,
        "url": None,
        "readable": True,  # nothing received yet: nothing unreadable
    }
    with Session(engine) as db:  # the survey applied at once; the photo is not needed for that
        assert db.exec(select(Bin)).one().code == "NB-0201"
    photo = jpeg_bytes(with_gps_exif=True)
    url = f"/api/v1/submissions/{SID}/attachments/bin.jpg"
    headers = {**auth(place.head_token), "Content-Type": "image/jpeg"}
    put = client.put(url, content=photo, headers=headers)
    assert put.status_code == 200, put.text
    again = client.put(url, content=photo, headers=headers)
    assert again.json() == put.json()
    with Session(engine) as db:
        assert len(db.exec(select(Attachment)).all()) == 1
    media = client.get(put.json()["url"], headers=auth(place.staff_token))
    assert media.status_code == 200 and media.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(media.content)) as image:
        assert len(image.getexif()) == 0
    detail = client.get(f"/api/v1/submissions/{SID}", headers=auth(place.head_token)).json()
    assert detail["attachments"][0]["received"] is True


def test_thumbnail_is_made_on_first_request_and_scoped_like_the_photo(
    client: TestClient, place: Place, settings: Settings
) -> None:
    staff = auth(place.staff_token)
    elsewhere = survey(
        submission_id="9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a",
        bin_code="NB-0301",
        village=3,
        location={"lat": 16.305, "lon": 103.325, "accuracy_m": 3},
    )
    assert client.post("/api/v1/submissions", json=elsewhere, headers=staff).status_code == 201
    put = client.put(
        f"/api/v1/submissions/{elsewhere['submission_id']}/attachments/bin.jpg",
        content=jpeg_bytes(size=(1024, 768)),
        headers={**staff, "Content-Type": "image/jpeg"},
    )
    assert put.status_code == 200, put.text
    digest = put.json()["sha256"]
    cache = settings.effective_media_dir / "thumbnails"
    assert not cache.exists()  # nothing is made while the photo is received

    thumb = client.get(f"/api/v1/media/{digest}/thumbnail", headers=staff)
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
    assert thumb.headers["cache-control"] == "no-store"  # private: no copy on shared PCs
    with Image.open(io.BytesIO(thumb.content)) as image:
        assert image.format == "JPEG" and image.size == (320, 240)
    assert len(thumb.content) < len(client.get(put.json()["url"], headers=staff).content)
    assert [p.name for p in cache.rglob("*.jpg")] == [f"{digest}.jpg"]
    again = client.get(f"/api/v1/media/{digest}/thumbnail", headers=staff)
    assert again.content == thumb.content

    other_village = client.get(f"/api/v1/media/{digest}/thumbnail", headers=auth(place.head_token))
    assert other_village.status_code == 403
    assert other_village.json()["error"]["field"] == "sha256"
    unknown = client.get(f"/api/v1/media/{'0' * 64}/thumbnail", headers=staff)
    assert unknown.status_code == 404 and unknown.json()["error"]["field"] == "sha256"
    assert client.get(f"/api/v1/media/{digest}/thumbnail").status_code == 401


def test_renamed_exe_photo_is_rejected_clearly(client: TestClient, place: Place) -> None:
    client.post("/api/v1/submissions", json=survey(), headers=auth(place.head_token))
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
    response = client.put(
        f"/api/v1/submissions/{SID}/attachments/bin.jpg",
        content=exe,
        headers={**auth(place.head_token), "Content-Type": "image/jpeg"},
    )
    assert response.status_code == 415
    error = response.json()["error"]
    assert error["code"] == "photo_rejected"
    assert "EXE" in error["message"] and "EXE" in error["message_th"]
    assert "bin.jpg" in error["message"]


def test_attachment_names_are_checked(client: TestClient, place: Place) -> None:
    client.post("/api/v1/submissions", json=survey(), headers=auth(place.head_token))
    headers = {**auth(place.head_token), "Content-Type": "image/jpeg"}
    undeclared = client.put(
        f"/api/v1/submissions/{SID}/attachments/other.jpg", content=jpeg_bytes(), headers=headers
    )
    assert undeclared.status_code == 422 and undeclared.json()["error"]["field"] == "name"
    sneaky = client.put(
        f"/api/v1/submissions/{SID}/attachments/..%5Cwin.ini", content=b"x", headers=headers
    )
    assert sneaky.status_code == 422 and sneaky.json()["error"]["field"] == "name"


def test_inline_multipart_photo(client: TestClient, place: Place, engine: Engine) -> None:
    response = client.post(
        "/api/v1/submissions/multipart",
        data={"submission": json.dumps(survey())},
        files=[("files", ("bin.jpg", jpeg_bytes(), "image/jpeg"))],
        headers=auth(place.head_token),
    )
    assert response.status_code == 201, response.text
    assert response.json()["attachments"][0]["received"] is True


def test_shape_errors_are_422_naming_the_field(client: TestClient, place: Place) -> None:
    response = client.post(
        "/api/v1/submissions",
        json=survey(submission_id="not-a-uuid"),
        headers=auth(place.head_token),
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == "submission_id" and "submission_id" in error["message"]
    # the Thai tells a village head what to do, without the English field name (issue 17)
    assert "submission_id" not in error["message_th"] and "ส่งใหม่" in error["message_th"]
    bad_enum = client.post(
        "/api/v1/submissions", json=survey(stream="purple"), headers=auth(place.head_token)
    )
    assert bad_enum.json()["error"]["field"] == "stream"


def test_implausible_values_are_kept_and_flagged_not_refused(
    client: TestClient, place: Place
) -> None:
    response = client.post(
        "/api/v1/submissions",
        json=survey(households=-4, location={"lat": 16.3052, "lon": 103.3057, "accuracy_m": 80}),
        headers=auth(place.staff_token),
    )
    assert response.status_code == 201
    body = response.json()
    assert [f["code"] for f in body["flags"]] == ["poor_gps_accuracy", "impossible_value"]
    assert body["review_state"] == "has_issues" and body["applied"] is False


def test_village_head_sees_only_own_villages(
    client: TestClient, place: Place, engine: Engine
) -> None:
    staff = auth(place.staff_token)
    elsewhere = survey(
        submission_id="9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a",
        bin_code="NB-0301",
        village=3,
        location={"lat": 16.305, "lon": 103.325, "accuracy_m": 3},
    )
    assert client.post("/api/v1/submissions", json=elsewhere, headers=staff).status_code == 201
    mine = client.post("/api/v1/submissions", json=survey(), headers=auth(place.head_token))
    listed = client.get("/api/v1/submissions", headers=auth(place.head_token)).json()
    assert [s["submission_id"] for s in listed] == [mine.json()["submission_id"]]
    assert len(client.get("/api/v1/submissions", headers=staff).json()) == 2
    hidden = client.get(
        f"/api/v1/submissions/{elsewhere['submission_id']}", headers=auth(place.head_token)
    )
    assert hidden.status_code == 403 and hidden.json()["error"]["code"] == "forbidden"
    near = client.get(
        "/api/v1/bins/near",
        params={"lat": 16.305, "lon": 103.325, "radius_m": 50},
        headers=auth(place.head_token),
    )
    assert near.status_code == 200 and near.json() == []
    near_staff = client.get(
        "/api/v1/bins/near", params={"lat": 16.305, "lon": 103.325, "radius_m": 50}, headers=staff
    )
    assert [b["code"] for b in near_staff.json()] == ["NB-0301"]


def test_staff_only_endpoints_refuse_village_heads_and_viewers(
    client: TestClient, place: Place
) -> None:
    created = client.post("/api/v1/submissions", json=survey(), headers=auth(place.head_token))
    sid = created.json()["id"]
    for token in (place.head_token, place.viewer_token):
        review = client.post(
            f"/api/v1/submissions/{sid}/review", json={"state": "approved"}, headers=auth(token)
        )
        assert review.status_code == 403
        fix = client.post(
            f"/api/v1/submissions/{sid}/corrections", json={"capacity_l": 200}, headers=auth(token)
        )
        assert fix.status_code == 403
    assert client.get("/api/v1/submissions").status_code == 401


def test_staff_approve_and_correct_with_history(
    client: TestClient, place: Place, engine: Engine
) -> None:
    staff = auth(place.staff_token)
    swapped = survey(location={"lat": 103.3057, "lon": 16.3052, "accuracy_m": 4})
    held = client.post("/api/v1/submissions", json=swapped, headers=auth(place.head_token)).json()
    assert [f["code"] for f in held["flags"]] == ["coordinates_swapped"]
    assert held["flags"][0]["details"]["suggested"] == {"lat": 16.3052, "lon": 103.3057}
    flagged = client.get(
        "/api/v1/submissions", params={"flag": "coordinates_swapped"}, headers=staff
    ).json()
    assert [s["id"] for s in flagged] == [held["id"]]
    assert (
        client.get("/api/v1/submissions", params={"flag": "null_island"}, headers=staff).json()
        == []
    )
    fixed = client.post(
        f"/api/v1/submissions/{held['id']}/corrections",
        json={"lat": 16.3052, "lon": 103.3057, "comment": "สลับละติจูด/ลองจิจูด"},
        headers=staff,
    )
    assert fixed.status_code == 201, fixed.text
    assert fixed.json()["outcome"] == "edited" and fixed.json()["applied"] is True
    assert fixed.json()["channel"] == "staff"
    assert fixed.json()["attachments"][0]["name"] == "bin.jpg"
    detail = client.get(f"/api/v1/submissions/{fixed.json()['id']}", headers=staff).json()
    assert [(v["id"], v["is_current"]) for v in detail["versions"]] == [
        (held["id"], False),
        (fixed.json()["id"], True),
    ]
    old = client.get(f"/api/v1/submissions/{held['id']}", headers=staff).json()
    assert "103.3057" in old["raw_payload"] and old["reviews"][0]["comment"].startswith("corrected")
    with Session(engine) as db:
        assert db.exec(select(Bin)).one().lat == 16.3052
    approve = client.post(
        f"/api/v1/submissions/{fixed.json()['id']}/review",
        json={"state": "approved", "comment": "ตรวจแล้ว"},
        headers=staff,
    )
    assert approve.status_code == 200 and approve.json()["review_state"] == "approved"
    bad = client.post(
        f"/api/v1/submissions/{held['id']}/review", json={"state": "maybe"}, headers=staff
    )
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "state"


def test_list_filters_by_date_and_review_state(client: TestClient, place: Place) -> None:
    staff = auth(place.staff_token)
    client.post("/api/v1/submissions", json=survey(), headers=staff)
    in_range = client.get(
        "/api/v1/submissions",
        params={"date_from": "2026-11-21", "date_to": "2026-11-21", "review_state": "received"},
        headers=staff,
    ).json()
    assert len(in_range) == 1
    before = client.get(
        "/api/v1/submissions", params={"date_to": "2026-11-20"}, headers=staff
    ).json()
    assert before == []


def test_bins_near_is_not_shadowed_by_bin_codes(
    client: TestClient, place: Place, session: Session
) -> None:
    add_bin(session, "NB-0007", 16.3051, 103.3051)
    response = client.get(
        "/api/v1/bins/near",
        params={"lat": 16.3051, "lon": 103.30515, "radius_m": 20},
        headers=auth(place.head_token),
    )
    assert response.status_code == 200
    (found,) = response.json()
    assert found["code"] == "NB-0007" and 0 < found["distance_m"] < 10


def test_declared_photo_names_must_be_plain(client: TestClient, place: Place) -> None:
    response = client.post(
        "/api/v1/submissions",
        json=survey(photos=["../../etc/passwd"]),
        headers=auth(place.head_token),
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "photos"
