"""The phone form's files at /m/ (cache headers, gzip, the service worker's version) and
GET /api/v1/me (villages and this month's progress), over HTTP without a browser."""

from __future__ import annotations

import gzip
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from fieldsvc.api.app import create_app
from fieldsvc.api.routes.mobile import month_start, shell_version
from fieldsvc.config import Settings
from fieldsvc.thai import THAI_TZ as BANGKOK
from tests.intake.conftest import Place, make_place
from tests.mobile.conftest import seed_bins


@pytest.fixture
def place(engine: Engine) -> Place:
    with Session(engine, expire_on_commit=False) as session:
        made = make_place(session)
        seed_bins(session)
    return made


@pytest.fixture
def client(engine: Engine, settings: Settings, place: Place) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as test_client:
        yield test_client


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_app_shell_is_revalidated_gzipped_and_answers_304(client: TestClient) -> None:
    page = client.get("/m/", headers={"Accept-Encoding": "gzip"})
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["cache-control"] == "no-cache"
    assert page.headers["content-encoding"] == "gzip"
    assert '<html lang="th">' in page.text and "/m/app.js" in page.text
    etag = page.headers["etag"]
    again = client.get("/m/", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    plain = client.get("/m/app.css", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.text.startswith("/*")
    assert client.get("/m", follow_redirects=False).headers["location"] == "/m/"


def test_service_worker_lives_at_m_with_the_shell_version(client: TestClient) -> None:
    sw = client.get("/m/sw.js")
    assert sw.status_code == 200
    assert sw.headers["content-type"].startswith("text/javascript")
    assert sw.headers["cache-control"] == "no-cache"
    assert "__SHELL_VERSION__" not in sw.text
    assert f"const VERSION = '{shell_version()}';" in sw.text
    assert "'/vendor/leaflet/leaflet.js'" in sw.text


def test_manifest_makes_an_installable_thai_app(client: TestClient) -> None:
    answer = client.get("/m/manifest.webmanifest", headers={"Accept-Encoding": "gzip"})
    assert answer.headers["content-type"] == "application/manifest+json"
    manifest = json.loads(
        answer.content if answer.text.startswith("{") else gzip.decompress(answer.content)
    )
    assert (manifest["start_url"], manifest["scope"], manifest["lang"]) == ("/m/", "/m/", "th")
    assert manifest["display"] == "standalone"
    for icon in manifest["icons"]:
        got = client.get(icon["src"])
        assert got.status_code == 200 and got.headers["content-type"] == icon["type"]


@pytest.mark.parametrize(
    "name", ["nothing.js", "..%2F..%2Fpyproject.toml", ".env", "make_web_icons.py"]
)
def test_only_the_shell_files_are_served(client: TestClient, name: str) -> None:
    assert client.get(f"/m/{name}").status_code == 404


def test_me_for_a_village_head(client: TestClient, place: Place) -> None:
    me = client.get("/api/v1/me", headers=auth(place.head_token))
    assert me.status_code == 200
    body = me.json()
    assert body["display_name"] == "ผู้ใหญ่บ้านหมู่ 1" and body["role"] == "village_head"
    assert [(v["number"], v["name"]) for v in body["villages"]] == [(1, "บ้านหนองบัว")]
    assert body["all_villages"] is False
    assert body["progress"]["bins_registered"] == 2  # NB-0001, NB-0002; not the หมู่ 3 bin
    assert body["progress"]["bins_inspected"] == 0  # imported in January: not a survey
    assert body["settings"]["max_gps_accuracy_m"] == 25
    assert body["settings"]["nearby_radius_m"] == 30

    survey = {
        "submission_id": str(uuid.uuid4()),
        "bin_code": "NB-0001",
        "village": 1,
        "location": {"lat": 16.305, "lon": 103.305, "accuracy_m": 4},
        "condition": "damaged",
        "observed_at": datetime.now(UTC).isoformat(),
    }
    sent = client.post("/api/v1/submissions", json=survey, headers=auth(place.head_token))
    assert sent.status_code == 201, sent.text
    last_month = dict(survey, submission_id=str(uuid.uuid4()), bin_code="NB-0002")
    last_month["observed_at"] = (month_start(datetime.now(UTC)) - timedelta(days=2)).isoformat()
    last_month["location"] = {"lat": 16.307, "lon": 103.308, "accuracy_m": 4}
    assert client.post("/api/v1/submissions", json=last_month, headers=auth(place.head_token))
    progress = client.get("/api/v1/me", headers=auth(place.head_token)).json()["progress"]
    assert (progress["bins_inspected"], progress["bins_registered"]) == (1, 2)


def test_me_for_staff_covers_every_village(client: TestClient, place: Place) -> None:
    body = client.get("/api/v1/me", headers=auth(place.staff_token)).json()
    assert body["all_villages"] is True
    assert [v["number"] for v in body["villages"]] == [1, 2, 3]
    assert body["progress"]["bins_registered"] == 3


def test_me_needs_a_token(client: TestClient) -> None:
    answer = client.get("/api/v1/me")
    assert answer.status_code == 401
    assert answer.json()["error"]["message_th"] == (
        "กรุณาเข้าสู่ระบบด้วยลิงก์เข้าใช้ที่ได้รับจาก อบต. ถ้าไม่มีหรือใช้ไม่ได้ ขอลิงก์ใหม่จาก อบต."
    )


def test_month_starts_in_thai_time() -> None:
    # 20:00 UTC on 30 November is already 1 December in Thailand.
    start = month_start(datetime(2026, 11, 30, 20, 0, tzinfo=UTC))
    assert start == datetime(2026, 12, 1, tzinfo=BANGKOK)
    assert month_start(datetime(2026, 11, 30, 16, 0, tzinfo=UTC)) == datetime(
        2026, 11, 1, tzinfo=BANGKOK
    )


def test_base_map_has_my_village_outlines_and_the_roads_around_them(
    client: TestClient, place: Place, monkeypatch: pytest.MonkeyPatch
) -> None:
    import geopandas as gpd
    from shapely.geometry import LineString

    from fieldsvc.services import basemap

    # the office's roads (an extract stands in): one through หมู่ 1, one through หมู่ 3
    roads = gpd.GeoDataFrame(
        {"highway": ["tertiary", "residential"]},
        geometry=[
            LineString([(103.301, 16.305), (103.309, 16.305)]),
            LineString([(103.321, 16.305), (103.329, 16.305)]),
        ],
        crs="EPSG:4326",
    )
    monkeypatch.setattr(basemap, "office_roads", lambda settings: roads)
    head = client.get("/api/v1/basemap", headers=auth(place.head_token))
    assert head.status_code == 200
    features = head.json()["features"]
    # the head of หมู่ 1: its outline, and only the road within 300 m of it
    assert [(f["properties"]["kind"], f["properties"]["number"]) for f in features] == [
        ("village", 1),
        ("road", None),
    ]
    assert features[1]["properties"]["highway"] == "tertiary"
    assert {f["geometry"]["type"] for f in features} == {"LineString"}
    staff = client.get("/api/v1/basemap", headers=auth(place.staff_token)).json()["features"]
    assert sorted(
        f["properties"]["number"] for f in staff if f["properties"]["kind"] == "village"
    ) == [
        1,
        2,
        3,
    ]
    assert sum(f["properties"]["kind"] == "road" for f in staff) == 2
    assert client.get("/api/v1/basemap").status_code == 401
    # no extract: outlines only
    monkeypatch.setattr(basemap, "office_roads", lambda settings: None)
    bare = client.get("/api/v1/basemap", headers=auth(place.head_token)).json()["features"]
    assert [f["properties"]["kind"] for f in bare] == ["village"]


def test_staff_map_without_tiles_draws_the_office_roads(
    client: TestClient, place: Place, monkeypatch: pytest.MonkeyPatch
) -> None:
    import geopandas as gpd
    from shapely.geometry import LineString

    from fieldsvc.services import basemap

    page = client.get("/staff/map.html", headers=auth(place.staff_token))
    assert page.status_code == 200 and "103.301" not in page.text  # no extract, no roads
    roads = gpd.GeoDataFrame(
        {"highway": ["tertiary"]},
        geometry=[LineString([(103.301, 16.305), (103.309, 16.305)])],
        crs="EPSG:4326",
    )
    monkeypatch.setattr(basemap, "office_roads", lambda settings: roads)
    page = client.get("/staff/map.html", headers=auth(place.staff_token))
    assert page.status_code == 200
    assert "[103.301, 16.305], [103.309, 16.305]" in page.text  # the road drawn from its line
