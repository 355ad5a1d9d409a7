"""Surveys, bins, photos, villages, the review pages and the register GeoPackage in an install of
two subdistricts: staff, viewers and admins of B never see A's rows in lists, an object of A is
not found (404) for them, and a refused write changes nothing; a provincial admin picks the
subdistrict with ``?subdistrict=``."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, func, select

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from fieldsvc.models import Bin, Submission
from fieldsvc.models.survey import SubmissionReview
from tests.intake.conftest import jpeg_bytes, json_survey
from tests.tenancy.conftest import TwoSubdistricts

STAFF_ROLES = ("staff", "viewer", "admin")
A_POINT = {"lat": 16.3052, "lon": 103.3057, "accuracy_m": 4.0}  # A's หมู่ 1
B_POINT = {"lat": 16.3052, "lon": 103.3457, "accuracy_m": 4.0}  # B's หมู่ 1


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as test_client:
        yield test_client


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Sent:
    submission_id: int
    bin_code: str
    sha256: str


@dataclass
class World:
    two: TwoSubdistricts
    a: Sent
    b: Sent


def _send(client: TestClient, token: str, code: str, point: dict[str, float]) -> Sent:
    body = json_survey(
        submission_id=str(uuid.uuid4()), bin_code=code, location=point, photos=["bin.jpg"]
    )
    sent = client.post("/api/v1/submissions", json=body, headers=_auth(token))
    assert sent.status_code == 201, sent.text
    survey_id = sent.json()["id"]
    photo = jpeg_bytes(size=(60 + ord(code[0]) % 10, 48))  # each survey its own bytes
    put = client.put(
        f"/api/v1/submissions/{survey_id}/attachments/bin.jpg",
        content=photo,
        headers={**_auth(token), "Content-Type": "image/jpeg"},
    )
    assert put.status_code == 200, put.text
    return Sent(survey_id, code, put.json()["sha256"])


@pytest.fixture
def world(client: TestClient, two: TwoSubdistricts, engine: Engine) -> World:
    a = _send(client, two.a.tokens["staff"], "A-0001", A_POINT)
    b = _send(client, two.b.tokens["staff"], "B-0001", B_POINT)
    with Session(engine) as db:
        # B's survey names หมู่ 1 and was taken in B's หมู่ 1. Intake resolves a village number
        # across every subdistrict today (the first หมู่ 1 is A's), so it files the survey under
        # A; resolving numbers within the sender's subdistrict is the intake's part of the
        # tenancy work. Here the rows are put where they belong, as that fix will file them.
        for sent, sub in ((a, two.a.subdistrict), (b, two.b.subdistrict)):
            row = db.get(Submission, sent.submission_id)
            bin_row = db.exec(select(Bin).where(Bin.code == sent.bin_code)).one()
            assert (
                row is not None
                and row.village_id
                in (two.a.village_ids if sub is two.a.subdistrict else two.b.village_ids).values()
            )
            row.subdistrict_id = bin_row.subdistrict_id = sub.id
            db.add(row)
            db.add(bin_row)
        db.commit()
    return World(two, a, b)


def _snapshot(engine: Engine) -> dict[str, Any]:
    with Session(engine) as db:
        return {
            "surveys": [
                (s.id, s.instance_id, str(s.review_state), s.is_current, s.applied, s.parsed)
                for s in db.exec(select(Submission).order_by(Submission.id))  # type: ignore[arg-type]
            ],
            "reviews": db.exec(select(func.count()).select_from(SubmissionReview)).one(),
            "bins": [
                (b.code, b.condition, b.capacity_l, b.households_served)
                for b in db.exec(select(Bin).order_by(Bin.code))  # type: ignore[arg-type]
            ],
        }


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_lists_of_b_show_none_of_as_rows(client: TestClient, world: World, role: str) -> None:
    token = world.two.b.tokens[role]
    surveys = client.get("/api/v1/submissions", headers=_auth(token))
    assert surveys.status_code == 200
    assert [s["id"] for s in surveys.json()] == [world.b.submission_id]
    villages = client.get("/api/v1/villages", headers=_auth(token)).json()["features"]
    assert sorted(f["properties"]["village_id"] for f in villages) == sorted(
        world.two.b.village_ids.values()
    )
    bins = client.get("/api/v1/bins", headers=_auth(token)).json()["features"]
    assert [f["properties"]["code"] for f in bins] == ["B-0001"]
    near_a = client.get(
        "/api/v1/bins/near",
        params={"lat": A_POINT["lat"], "lon": A_POINT["lon"]},
        headers=_auth(token),
    )
    assert near_a.status_code == 200 and near_a.json() == []
    near_b = client.get(
        "/api/v1/bins/near",
        params={"lat": B_POINT["lat"], "lon": B_POINT["lon"]},
        headers=_auth(token),
    )
    assert [b["code"] for b in near_b.json()] == ["B-0001"]
    page = client.get("/staff/review", params={"state": "all"}, headers=_auth(token))
    assert page.status_code == 200
    assert "B-0001" in page.text and "A-0001" not in page.text
    assert "บ้านหนองใหญ่" in page.text  # B's หมู่ 1 in the village filter
    assert world.a.sha256 not in page.text


def test_as_lists_show_none_of_bs_rows(client: TestClient, world: World) -> None:
    token = world.two.a.tokens["staff"]
    surveys = client.get("/api/v1/submissions", headers=_auth(token)).json()
    assert [s["id"] for s in surveys] == [world.a.submission_id]
    bins = client.get("/api/v1/bins", headers=_auth(token)).json()["features"]
    assert [f["properties"]["code"] for f in bins] == ["A-0001"]
    page = client.get("/staff/review", params={"state": "all"}, headers=_auth(token))
    assert "A-0001" in page.text and "B-0001" not in page.text


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_as_objects_are_not_found_for_b(client: TestClient, world: World, role: str) -> None:
    token = world.two.b.tokens[role]
    a, b = world.a, world.b
    missing = "0" * 64
    for path, unknown in (
        (f"/api/v1/submissions/{a.submission_id}", "/api/v1/submissions/999999"),
        (f"/api/v1/bins/{a.bin_code}", "/api/v1/bins/Z-9999"),
        (f"/api/v1/media/{a.sha256}", f"/api/v1/media/{missing}"),
        (f"/api/v1/media/{a.sha256}/thumbnail", f"/api/v1/media/{missing}/thumbnail"),
    ):
        answer = client.get(path, headers=_auth(token))
        assert answer.status_code == 404, (path, answer.text)
        # the same answer as for an object that does not exist: its existence is not told
        nothing = client.get(unknown, headers=_auth(token)).json()["error"]
        assert (answer.json()["error"]["code"], answer.json()["error"]["field"]) == (
            nothing["code"],
            nothing["field"],
        )
    for path in (f"/staff/review/{a.submission_id}", f"/staff/bins/{a.bin_code}"):
        assert client.get(path, headers=_auth(token)).status_code == 404, path
    # and B's own objects are there
    for path in (
        f"/api/v1/submissions/{b.submission_id}",
        f"/api/v1/bins/{b.bin_code}",
        f"/api/v1/media/{b.sha256}",
        f"/api/v1/media/{b.sha256}/thumbnail",
        f"/staff/review/{b.submission_id}",
        f"/staff/bins/{b.bin_code}",
    ):
        assert client.get(path, headers=_auth(token)).status_code == 200, path


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_bs_decisions_and_corrections_on_as_survey_change_nothing(
    client: TestClient, world: World, engine: Engine, role: str
) -> None:
    token, key = world.two.b.tokens[role], world.a.submission_id
    before = _snapshot(engine)
    review = client.post(
        f"/api/v1/submissions/{key}/review", json={"state": "rejected"}, headers=_auth(token)
    )
    assert review.status_code == 404
    correction = client.post(
        f"/api/v1/submissions/{key}/corrections", json={"households": 40}, headers=_auth(token)
    )
    assert correction.status_code == 404
    page_review = client.post(
        f"/staff/review/{key}",
        data={"state": "rejected"},
        headers=_auth(token),
        follow_redirects=False,
    )
    assert page_review.status_code == 404
    page_correct = client.post(
        f"/staff/review/{key}/correct",
        data={"households": "40"},
        headers=_auth(token),
        follow_redirects=False,
    )
    assert page_correct.status_code == 404
    assert _snapshot(engine) == before
    # the same decision on B's own survey is taken
    own = client.post(
        f"/api/v1/submissions/{world.b.submission_id}/review",
        json={"state": "approved"},
        headers=_auth(token),
    )
    assert own.status_code == 200
    assert _snapshot(engine)["reviews"] == before["reviews"] + 1


def test_a_batch_of_b_selects_only_bs_surveys(
    client: TestClient, world: World, engine: Engine
) -> None:
    batch = {"review_state": "received"}
    a_preview = client.get(
        "/api/v1/batch-reviews/preview", params=batch, headers=_auth(world.two.a.tokens["staff"])
    ).json()
    b_preview = client.get(
        "/api/v1/batch-reviews/preview", params=batch, headers=_auth(world.two.b.tokens["staff"])
    ).json()
    assert a_preview["count"] == 1 and b_preview["count"] == 1
    assert a_preview["token"] != b_preview["token"]
    before = _snapshot(engine)
    # B's admin sending A's confirmation: the surveys it names are none of B's (409, nothing)
    refused = client.post(
        "/api/v1/batch-reviews",
        json={"filter": batch, "decision": "approved", "token": a_preview["token"]},
        headers=_auth(world.two.b.tokens["admin"]),
    )
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "batch_changed"
    page = client.post(
        "/staff/batch-review",
        data={"decision": "approved", "token": a_preview["token"], "state": "received"},
        headers=_auth(world.two.b.tokens["admin"]),
    )
    assert page.status_code == 409
    assert _snapshot(engine) == before
    confirm = client.get(
        "/staff/batch-review",
        params={"state": "received", "village": str(world.two.a.village_ids[1])},
        headers=_auth(world.two.b.tokens["staff"]),
    )
    assert confirm.status_code == 200 and "บ้านหนองใหญ่" not in confirm.text
    decided = client.post(
        "/api/v1/batch-reviews",
        json={"filter": batch, "decision": "approved", "token": b_preview["token"]},
        headers=_auth(world.two.b.tokens["admin"]),
    )
    assert decided.status_code == 200 and decided.json()["decided"] == 1
    with Session(engine) as db:
        a_row = db.get(Submission, world.a.submission_id)
        b_row = db.get(Submission, world.b.submission_id)
        assert a_row is not None and str(a_row.review_state) == "received"
        assert b_row is not None and str(b_row.review_state) == "approved"


def test_a_provincial_admin_picks_the_subdistrict(client: TestClient, world: World) -> None:
    token = world.two.provincial_token
    for code, sent in (("999901", world.a), ("999902", world.b)):
        listed = client.get(
            "/api/v1/submissions", params={"subdistrict": code}, headers=_auth(token)
        )
        assert [s["id"] for s in listed.json()] == [sent.submission_id]
        bins = client.get("/api/v1/bins", params={"subdistrict": code}, headers=_auth(token))
        assert [f["properties"]["code"] for f in bins.json()["features"]] == [sent.bin_code]
        page = client.get(
            "/staff/review", params={"state": "all", "subdistrict": code}, headers=_auth(token)
        )
        assert sent.bin_code in page.text
    # single objects of every subdistrict are the provincial officer's
    for sent in (world.a, world.b):
        for path in (f"/api/v1/submissions/{sent.submission_id}", f"/api/v1/media/{sent.sha256}"):
            assert client.get(path, headers=_auth(token)).status_code == 200, path
    # B's staff asking for A: refused
    asked = client.get(
        "/api/v1/submissions",
        params={"subdistrict": "999901"},
        headers=_auth(world.two.b.tokens["staff"]),
    )
    assert asked.status_code == 403 and asked.json()["error"]["field"] == "subdistrict"


def test_village_heads_keep_their_villages(client: TestClient, world: World) -> None:
    head_b = world.two.b.tokens["head"]
    villages = client.get("/api/v1/villages", headers=_auth(head_b)).json()["features"]
    assert [f["properties"]["village_id"] for f in villages] == [world.two.b.village_ids[1]]
    assert client.get(f"/api/v1/bins/{world.a.bin_code}", headers=_auth(head_b)).status_code in (
        403,
        404,
    )
    listed = client.get("/api/v1/submissions", headers=_auth(head_b)).json()
    assert world.a.submission_id not in [s["id"] for s in listed]


def test_the_register_geopackage_holds_the_workplace_only(
    client: TestClient, world: World, tmp_path: Path
) -> None:
    def layers(token: str, **params: str) -> dict[str, gpd.GeoDataFrame]:
        answer = client.get("/staff/export/register.gpkg", params=params, headers=_auth(token))
        assert answer.status_code == 200, answer.text
        path = tmp_path / f"{uuid.uuid4()}.gpkg"
        path.write_bytes(answer.content)
        return {
            name: gpd.read_file(path, layer=name) for name in ("villages", "bins", "inspections")
        }

    b = layers(world.two.b.tokens["admin"])
    assert list(b["bins"]["code"]) == ["B-0001"]
    assert set(b["inspections"]["bin_code"]) == {"B-0001"}
    assert sorted(b["villages"]["village_id"]) == sorted(world.two.b.village_ids.values())
    a = layers(world.two.provincial_token, subdistrict="999901")
    assert list(a["bins"]["code"]) == ["A-0001"]
    assert sorted(a["villages"]["village_id"]) == sorted(world.two.a.village_ids.values())
