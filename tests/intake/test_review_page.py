"""The staff review queue: filters by state, village, flag and survey date, with thumbnails."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from fieldsvc.models import Subdistrict, Village
from tests.intake.conftest import Place, jpeg_bytes, make_place
from tests.signin import sign_in


@pytest.fixture
def place(session: Session) -> Place:
    """The usual three villages, created after another subdistrict's village, so that a
    village's database id (2, 3, 4) is not its number (1, 2, 3)."""
    other = Subdistrict(code="999902", name="ตำบลอื่น")
    session.add(other)
    session.flush()
    session.add(Village(subdistrict_id=other.id or 0, number=9, name="บ้านอื่น"))
    session.commit()
    made = make_place(session)
    assert made.village_ids[1] != 1
    return made


@pytest.fixture
def client(engine: Engine, settings: Settings, place: Place) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as test_client:
        yield test_client


def _survey(sid: str, code: str, village: int, lon: float, day: str, **changes: Any) -> dict:
    body: dict[str, Any] = {
        "submission_id": sid,
        "form_id": "bin_survey",
        "bin_code": code,
        "village": village,
        "location": {"lat": 16.305, "lon": lon, "accuracy_m": 4.0},
        "condition": "usable",
        "capacity_l": 240,
        "stream": "general",
        "observed_at": f"{day}T08:30:00+07:00",
    }
    body.update(changes)
    return body


@pytest.fixture
def queue(client: TestClient, place: Place) -> TestClient:
    """A (village 1, 10 Nov, poor GPS, with a photo) and B (village 3, 21 Nov, clean)."""
    head = {"Authorization": f"Bearer {place.head_token}"}
    staff = {"Authorization": f"Bearer {place.staff_token}"}
    a = _survey(
        "0b7a1d2c-3e4f-4a5b-8c6d-000000000001",
        "NB-0101",
        1,
        103.305,
        "2026-11-10",
        location={"lat": 16.305, "lon": 103.305, "accuracy_m": 80.0},
        photos=["bin.jpg"],
    )
    assert client.post("/api/v1/submissions", json=a, headers=head).status_code == 201
    put = client.put(
        f"/api/v1/submissions/{a['submission_id']}/attachments/bin.jpg",
        content=jpeg_bytes(size=(640, 480)),
        headers={**head, "Content-Type": "image/jpeg"},
    )
    assert put.status_code == 200, put.text
    b = _survey("0b7a1d2c-3e4f-4a5b-8c6d-000000000002", "NB-0301", 3, 103.325, "2026-11-21")
    assert client.post("/api/v1/submissions", json=b, headers=staff).status_code == 201
    sign_in(client, place.staff_token)
    client.sha256 = put.json()["sha256"]  # type: ignore[attr-defined]
    return client


def _codes(page: str) -> list[str]:
    return re.findall(r"<td>(NB-\d{4})</td>", page)


def test_default_queue_is_the_surveys_with_issues_with_their_thumbnail(queue: TestClient) -> None:
    page = queue.get("/staff/review").text
    assert _codes(page) == ["NB-0101"]
    assert f'src="/api/v1/media/{queue.sha256}/thumbnail"' in page  # type: ignore[attr-defined]
    thumb = queue.get(f"/api/v1/media/{queue.sha256}/thumbnail")  # type: ignore[attr-defined]
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
    assert '<option value="has_issues" selected>' in page


def test_filters_by_village_id_date_and_flag(queue: TestClient, place: Place) -> None:
    everything = queue.get("/staff/review", params={"state": "all"}).text
    assert sorted(_codes(everything)) == ["NB-0101", "NB-0301"]
    village3 = str(place.village_ids[3])
    only3 = queue.get("/staff/review", params={"state": "all", "village": village3}).text
    assert _codes(only3) == ["NB-0301"]
    assert f'<option value="{village3}" selected>' in only3  # the choice stays shown
    assert "หมู่ที่ 3 บ้านดอนแดง" in only3
    later = queue.get("/staff/review", params={"state": "all", "date_from": "2026-11-15"}).text
    assert _codes(later) == ["NB-0301"] and 'value="2026-11-15"' in later
    up_to = queue.get("/staff/review", params={"state": "all", "date_to": "2026-11-10"}).text
    assert _codes(up_to) == ["NB-0101"]  # the end day is included
    flagged = queue.get("/staff/review", params={"state": "all", "flag": "poor_gps_accuracy"})
    assert _codes(flagged.text) == ["NB-0101"]
    assert "GPS คลาดเคลื่อนมาก" in flagged.text  # the flag filter's Thai label


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"state": "done"}, "state"),
        ({"village": "หมู่ 3"}, "village"),
        ({"flag": "bad_vibes"}, "flag"),
        ({"date_from": "15/11/2569"}, "date_from"),
        ({"date_to": "2026-13-01"}, "date_to"),
    ],
)
def test_bad_filter_values_are_refused_naming_the_field(
    queue: TestClient, params: dict[str, str], field: str
) -> None:
    response = queue.get("/staff/review", params=params)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == field
