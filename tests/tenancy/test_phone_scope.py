"""The phone side in an install of two subdistricts (A and B, both with a หมู่ 1): the village a
survey names is looked for in its sender's subdistrict, a staff member's survey about another
subdistrict is kept but held, and every list a phone downloads is its user's subdistrict's."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, func, select

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from fieldsvc.errors import InvalidInput, NotFound
from fieldsvc.models import Attachment, Bin, Inspection, IssuedCode, Submission
from fieldsvc.services.sheet_import import import_bin_sheet
from tests.intake.conftest import add_bin, jpeg_bytes, json_survey
from tests.tenancy.conftest import TwoSubdistricts

A_POINT = {"lat": 16.3052, "lon": 103.3057, "accuracy_m": 4.0}  # inside A's หมู่ 1
B_POINT = {"lat": 16.3052, "lon": 103.3457, "accuracy_m": 4.0}  # inside B's หมู่ 1


@pytest.fixture
def client(engine: Engine, settings: Settings, two: TwoSubdistricts) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as test_client:
        yield test_client


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def send(client: TestClient, token: str, sid: str, **changes: Any) -> dict[str, Any]:
    body = json_survey(submission_id=sid, **changes)
    answer = client.post("/api/v1/submissions", json=body, headers=auth(token))
    assert answer.status_code == 201, answer.text
    return answer.json()


def stored(engine: Engine, sid: str) -> Submission:
    with Session(engine) as db:
        found = db.exec(select(Submission).where(Submission.instance_id == f"uuid:{sid}")).one()
        return found


def flag_codes(submission: Submission) -> set[str]:
    return {f["code"] for f in submission.flags or []}


# --- intake: the village a survey names -------------------------------------------------------


def test_bs_head_naming_village_1_writes_bs_village_1(
    client: TestClient, engine: Engine, two: TwoSubdistricts
) -> None:
    sid = "0b7a1d2c-3e4f-4a5b-8c6d-000000000b01"
    answer = send(client, two.b.tokens["head"], sid, bin_code="NB-B101", location=B_POINT)
    assert answer["applied"] is True, answer
    survey = stored(engine, sid)
    assert survey.village_id == two.b.village_ids[1]
    assert survey.subdistrict_id == two.b.subdistrict.id
    assert not flag_codes(survey)
    with Session(engine) as db:
        made = db.exec(select(Bin).where(Bin.code == "NB-B101")).one()
        assert made.village_id == two.b.village_ids[1]
        assert made.subdistrict_id == two.b.subdistrict.id


def test_as_head_naming_village_1_writes_as_village_1(
    client: TestClient, engine: Engine, two: TwoSubdistricts
) -> None:
    sid = "0b7a1d2c-3e4f-4a5b-8c6d-000000000a01"
    answer = send(client, two.a.tokens["head"], sid, bin_code="NB-A101", location=A_POINT)
    assert answer["applied"] is True, answer
    survey = stored(engine, sid)
    assert survey.village_id == two.a.village_ids[1]
    assert survey.subdistrict_id == two.a.subdistrict.id


def test_bs_staff_naming_village_1_without_a_point_means_bs_village(
    client: TestClient, engine: Engine, two: TwoSubdistricts
) -> None:
    sid = "0b7a1d2c-3e4f-4a5b-8c6d-000000000b02"
    body = json_survey(submission_id=sid, form_id="village_households", households=40)
    body.pop("location")
    for key in ("bin_code", "condition", "capacity_l", "stream"):
        body.pop(key)
    answer = client.post("/api/v1/submissions", json=body, headers=auth(two.b.tokens["staff"]))
    assert answer.status_code == 201, answer.text
    survey = stored(engine, sid)
    assert survey.village_id == two.b.village_ids[1]
    assert survey.subdistrict_id == two.b.subdistrict.id


def test_bs_staff_surveying_in_a_is_kept_but_held(
    client: TestClient, engine: Engine, two: TwoSubdistricts
) -> None:
    sid = "0b7a1d2c-3e4f-4a5b-8c6d-000000000b03"
    answer = send(client, two.b.tokens["staff"], sid, bin_code="NB-B103", location=A_POINT)
    assert answer["applied"] is False
    survey = stored(engine, sid)
    assert "point_outside_my_subdistrict" in flag_codes(survey)
    assert survey.review_state == "has_issues"
    with Session(engine) as db:
        assert db.exec(select(Bin).where(Bin.code == "NB-B103")).first() is None


def test_bs_staff_surveying_as_bin_is_held_and_as_register_unchanged(
    client: TestClient, engine: Engine, session: Session, two: TwoSubdistricts
) -> None:
    bin_a = add_bin(session, "NB-A777", 16.3052, 103.3057)
    with Session(engine) as db:
        before = db.exec(select(func.count()).select_from(Inspection)).one()
    sid = "0b7a1d2c-3e4f-4a5b-8c6d-000000000b04"
    answer = send(
        client,
        two.b.tokens["staff"],
        sid,
        bin_code="NB-A777",
        location=B_POINT,
        condition="damaged",
    )
    assert answer["applied"] is False
    survey = stored(engine, sid)
    assert "bin_of_other_subdistrict" in flag_codes(survey)
    with Session(engine) as db:
        assert db.exec(select(func.count()).select_from(Inspection)).one() == before
        assert db.get(Bin, bin_a.id).condition == "usable"  # type: ignore[union-attr]
    # A's own staff survey the same bin: applied as always
    mine = send(
        client,
        two.a.tokens["staff"],
        "0b7a1d2c-3e4f-4a5b-8c6d-000000000a04",
        bin_code="NB-A777",
        location=A_POINT,
    )
    assert mine["applied"] is True


def test_a_photo_for_a_survey_of_another_subdistrict_is_404(
    client: TestClient, engine: Engine, two: TwoSubdistricts
) -> None:
    sid = "0b7a1d2c-3e4f-4a5b-8c6d-000000000a05"
    send(client, two.a.tokens["staff"], sid, bin_code="NB-A105", location=A_POINT, photos=["b.jpg"])
    url = f"/api/v1/submissions/uuid:{sid}/attachments/b.jpg"
    jpeg = {"Content-Type": "image/jpeg"}
    refused = client.put(url, content=jpeg_bytes(), headers={**auth(two.b.tokens["staff"]), **jpeg})
    assert refused.status_code == 404, refused.text
    assert refused.json()["error"]["field"] == "id"
    with Session(engine) as db:
        rows = db.exec(select(Attachment).where(Attachment.name == "b.jpg")).all()
        assert [r.sha256 for r in rows] == [None]
    taken = client.put(url, content=jpeg_bytes(), headers={**auth(two.a.tokens["staff"]), **jpeg})
    assert taken.status_code in (200, 201), taken.text


# --- what a phone downloads ---------------------------------------------------------------------


def _csv(client: TestClient, token: str, name: str) -> list[dict[str, str]]:
    answer = client.get(f"/openrosa/{token}/forms/bin_survey/media/{name}")
    assert answer.status_code == 200, answer.text
    return list(csv.DictReader(io.StringIO(answer.text)))


def test_collect_lists_are_the_users_subdistricts(
    client: TestClient, session: Session, two: TwoSubdistricts
) -> None:
    add_bin(session, "NB-A201", 16.3052, 103.3057)
    add_bin(session, "NB-B201", 16.3052, 103.3457)
    for key in ("staff", "admin", "head"):
        codes = {r["code"] for r in _csv(client, two.b.tokens[key], "bins.csv")}
        assert codes == {"NB-B201"}, key
        codes = {r["code"] for r in _csv(client, two.a.tokens[key], "bins.csv")}
        assert codes == {"NB-A201"}, key
    b_villages = [r["label"] for r in _csv(client, two.b.tokens["staff"], "villages.csv")]
    assert b_villages == ["หมู่ที่ 1 บ้านหนองใหญ่", "หมู่ที่ 2 บ้านโคกกลาง"]
    a_villages = [r["label"] for r in _csv(client, two.a.tokens["admin"], "villages.csv")]
    assert len(a_villages) == 3 and not any("หนองใหญ่" in v for v in a_villages)
    a_entity = session.exec(select(Bin.entity_id).where(Bin.code == "NB-A201")).one()
    integrity = client.get(
        f"/openrosa/{two.b.tokens['staff']}/entities/bins/integrity", params={"id": a_entity}
    )
    assert "<deleted>true</deleted>" in integrity.text
    manifest = client.get(f"/openrosa/{two.b.tokens['staff']}/forms/bin_survey/manifest")
    assert manifest.status_code == 200 and "bins.csv" in manifest.text


def test_the_phone_form_works_in_the_users_subdistrict(
    client: TestClient, session: Session, two: TwoSubdistricts
) -> None:
    add_bin(session, "NB-A301", 16.3052, 103.3057)
    add_bin(session, "NB-B301", 16.3052, 103.3457)
    me = client.get("/api/v1/me", headers=auth(two.b.tokens["staff"])).json()
    assert me["subdistrict_code"] == "999902" and me["subdistrict_name"] == "ตำบลโนนสูง"
    assert {v["id"] for v in me["villages"]} == set(two.b.village_ids.values())
    assert me["progress"]["bins_registered"] == 1
    head = client.get("/api/v1/me", headers=auth(two.b.tokens["head"])).json()
    assert head["subdistrict_code"] == "999902"
    assert [v["id"] for v in head["villages"]] == [two.b.village_ids[1]]
    a_me = client.get("/api/v1/me", headers=auth(two.a.tokens["staff"])).json()
    assert a_me["subdistrict_code"] == "999901" and len(a_me["villages"]) == 3
    near_a = {"lat": 16.3052, "lon": 103.3057, "radius_m": 200}
    b_near = client.get("/api/v1/bins/near", params=near_a, headers=auth(two.b.tokens["staff"]))
    assert b_near.status_code == 200 and b_near.json() == []
    a_near = client.get("/api/v1/bins/near", params=near_a, headers=auth(two.a.tokens["staff"]))
    assert [b["code"] for b in a_near.json()] == ["NB-A301"]
    bins = client.get("/api/v1/bins", headers=auth(two.b.tokens["staff"])).json()
    assert [f["properties"]["code"] for f in bins["features"]] == ["NB-B301"]


# --- QR stickers --------------------------------------------------------------------------------


def test_fresh_codes_are_for_the_workplaces_village(
    client: TestClient, engine: Engine, two: TwoSubdistricts
) -> None:
    staff_b = auth(two.b.tokens["staff"])
    made = client.post("/api/v1/labels/fresh", json={"village": 1, "count": 2}, headers=staff_b)
    assert made.status_code == 201, made.text
    with Session(engine) as db:
        rows = db.exec(select(IssuedCode)).all()
        assert {r.village_id for r in rows} == {two.b.village_ids[1]}
    # B has no หมู่ 3 (A has): nothing reserved in A's
    missing = client.post("/api/v1/labels/fresh", json={"village": 3, "count": 2}, headers=staff_b)
    assert missing.status_code == 404
    other = client.post(
        "/api/v1/labels/fresh?subdistrict=999901",
        json={"village": 1, "count": 2},
        headers=staff_b,
    )
    assert other.status_code == 403
    with Session(engine) as db:
        assert len(db.exec(select(IssuedCode)).all()) == 2
    assert client.get("/staff/labels/3.pdf?which=fresh", headers=staff_b).status_code == 404
    sheet = client.get("/staff/labels/1.pdf?which=fresh", headers=staff_b)
    assert sheet.status_code == 200 and sheet.headers["content-type"] == "application/pdf"
    page = client.get("/staff/labels", headers=staff_b)
    assert page.status_code == 200 and "บ้านหนองใหญ่" in page.text and "บ้านหนองบัว" not in page.text


# --- survey sheets ------------------------------------------------------------------------------


def _sheet(tmp_path: Path) -> Path:
    path = tmp_path / "b_sheet.csv"
    path.write_text(
        "รหัสถัง,หมู่ที่,ละติจูด,ลองจิจูด,ความจุ (ลิตร),ประเภทขยะ,สภาพ\n"
        "NB-B901,1,16.3052,103.3457,200,ทั่วไป,ใช้งานได้\n",
        encoding="utf-8",
    )
    return path


def test_a_sheet_names_its_subdistrict_when_the_install_has_several(
    session: Session, settings: Settings, tmp_path: Path, two: TwoSubdistricts
) -> None:
    path = _sheet(tmp_path)
    with pytest.raises(InvalidInput) as refused:
        import_bin_sheet(session=session, path=path, settings=settings)
    assert refused.value.field == "subdistrict" and "2 ตำบล" in refused.value.message_th
    with pytest.raises(NotFound):
        import_bin_sheet(session=session, path=path, settings=settings, subdistrict_code="123456")
    outcome = import_bin_sheet(
        session=session, path=path, settings=settings, subdistrict_code="999902"
    )
    session.commit()
    assert outcome.created == 1 and outcome.held == 0, outcome.summary()
    made = session.exec(select(Bin).where(Bin.code == "NB-B901")).one()
    assert made.village_id == two.b.village_ids[1]
    survey = session.exec(select(Submission).where(Submission.bin_id == made.id)).one()
    assert survey.village_id == two.b.village_ids[1]
