"""Plan follow-through over HTTP: bins registered by any path become suggestions, staff move
items and confirm bins from the API and the plan page, the public page shows the progress."""

from __future__ import annotations

import uuid
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from fieldsvc.config import Settings
from fieldsvc.models import Bin, PlanItem, PlanItemStage
from fieldsvc.services.sheet_import import import_bin_sheet
from tests.intake.conftest import bin_xml, json_survey
from tests.plan_follow.conftest import NEAR_DLAT, SITE_1, Followed


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _items(client: TestClient, followed: Followed, token: str) -> dict:  # type: ignore[type-arg]
    answer = client.get(f"/api/v1/allocations/{followed.plan_id}/items", headers=_auth(token))
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def test_bins_from_the_web_form_collect_and_a_sheet_are_all_suggested(
    client: TestClient, session: Session, settings: Settings, followed: Followed, tmp_path: Path
) -> None:
    lon, lat = SITE_1
    head = _auth(followed.place.head_token)
    web = client.post(
        "/api/v1/submissions",
        json=json_survey(
            submission_id=str(uuid.uuid4()),
            bin_code="WEB-1",
            location={"lat": lat + NEAR_DLAT, "lon": lon, "accuracy_m": 4.0},
            capacity_l=240,
        ),
        headers=head,
    )
    assert web.status_code == 201 and web.json()["applied"], web.text
    xml = bin_xml(
        f"uuid:{uuid.uuid4()}",
        code="COLLECT-1",
        location=f"{lat} {lon + 0.0001} 150.0 4.0",
        capacity="240",
        photo="",
    )
    collect = client.post(
        f"/openrosa/{followed.place.head_token}/submission",
        files=[("xml_submission_file", ("s.xml", xml.encode(), "text/xml"))],
        headers={"X-OpenRosa-Version": "1.0"},
    )
    assert collect.status_code == 201, collect.text
    sheet = tmp_path / "ถังใหม่.csv"
    sheet.write_text(
        "code,village,lat,lon,capacity,stream,condition\n"
        f"SHEET-1,1,{lat - 0.0001},{lon},240,general,usable\n",
        encoding="utf-8",
    )
    outcome = import_bin_sheet(session=session, path=sheet, settings=settings)
    session.commit()
    assert outcome.created == 1
    assert {b.code for b in session.exec(select(Bin))} >= {"WEB-1", "COLLECT-1", "SHEET-1"}
    first = _items(client, followed, followed.place.staff_token)["items"][0]
    suggested = {s["code"]: s["distance_m"] for s in first["suggestions"]}
    # 20.0 m north, 10.7 m east (0.0001° × cos 16.305°), 11.1 m south of the site
    assert suggested == {"WEB-1": 20.0, "COLLECT-1": 10.7, "SHEET-1": 11.1}


def test_a_bad_move_is_a_409_naming_the_stage_and_an_unknown_stage_a_422(
    client: TestClient, followed: Followed
) -> None:
    staff = _auth(followed.place.staff_token)
    item = followed.item_ids[0]
    url = f"/api/v1/allocations/{followed.plan_id}/items/{item}/stage"
    skipped = client.post(url, json={"stage": "delivered"}, headers=staff)
    assert skipped.status_code == 409
    error = skipped.json()["error"]
    assert error["field"] == "stage"
    assert error["details"] == {"value": "delivered", "current": "approved", "expected": "ordered"}
    assert "ขั้นถัดไปคือ สั่งซื้อแล้ว" in error["message_th"]
    unknown = client.post(url, json={"stage": "paid"}, headers=staff)
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "stage"
    negative = client.post(url, json={"stage": "ordered", "paid_baht": -5}, headers=staff)
    assert negative.status_code == 422 and negative.json()["error"]["field"] == "paid_baht"
    moved = client.post(url, json={"stage": "ordered", "paid_baht": 4600}, headers=staff)
    assert moved.status_code == 200, moved.text
    assert moved.json()["stage"] == "ordered" and moved.json()["next_stage"] == "delivered"
    assert moved.json()["paid_baht"] == 4600.0


def test_viewers_and_village_heads_are_refused_and_change_nothing(
    client: TestClient, session: Session, followed: Followed
) -> None:
    item = followed.item_ids[0]
    base = f"/api/v1/allocations/{followed.plan_id}/items/{item}"
    page = f"/staff/plans/{followed.plan_id}/items/{item}"
    tokens = (followed.place.viewer_token, followed.place.head_token, followed.head_b_token)
    for token in tokens:
        for url, body in (
            (f"{base}/stage", {"json": {"stage": "ordered"}}),
            (f"{base}/price", {"json": {"paid_baht": 1}}),
            (f"{base}/bins", {"json": {"bin_code": "X"}}),
            (f"{page}/stage", {"data": {"stage": "ordered"}}),
            (f"{page}/price", {"data": {"paid_baht": "1"}}),
            (f"{page}/bins", {"data": {"bin_code": "X"}}),
        ):
            answer = client.post(url, headers=_auth(token), **body)  # type: ignore[arg-type]
            assert answer.status_code == 403, (url, answer.text)
    session.expire_all()
    assert {(i.stage, i.paid_baht) for i in session.exec(select(PlanItem))} == {
        (PlanItemStage.approved, None)
    }
    # a viewer reads the progress, a village head does not
    assert _items(client, followed, followed.place.viewer_token)["planned_bins"] == 4
    refused = client.get(
        f"/api/v1/allocations/{followed.plan_id}/items", headers=_auth(followed.place.head_token)
    )
    assert refused.status_code == 403


def test_staff_work_an_item_through_on_the_plan_page_and_the_public_page_follows(
    client: TestClient, session: Session, followed: Followed
) -> None:
    staff = _auth(followed.place.staff_token)
    item = followed.item_ids[0]
    page = f"/staff/plans/{followed.plan_id}"
    lon, lat = SITE_1
    for stage, paid in (("ordered", "4600"), ("delivered", "")):
        moved = client.post(
            f"{page}/items/{item}/stage", data={"stage": stage, "paid_baht": paid}, headers=staff
        )
        assert moved.status_code == 303, moved.text
        assert moved.headers["location"] == f"{page}#item-{item}"
    client.post(
        "/api/v1/submissions",
        json=json_survey(
            submission_id=str(uuid.uuid4()),
            bin_code="NEW-1",
            location={"lat": lat + NEAR_DLAT, "lon": lon, "accuracy_m": 4.0},
        ),
        headers=_auth(followed.place.head_token),
    )
    shown = client.get(page, headers=staff)
    assert shown.status_code == 200
    assert "NEW-1" in shown.text and "ยืนยันว่าเป็นถังของรายการนี้" in shown.text
    assert "สั่งซื้อ · 4,600 บาท · เจ้าหน้าที่" in shown.text  # who ordered it, at what price
    confirmed = client.post(
        f"{page}/items/{item}/bins",
        data={"bin_code": "NEW-1", "decision": "confirm"},
        headers=staff,
    )
    assert confirmed.status_code == 303
    progress = _items(client, followed, followed.place.staff_token)
    assert (progress["installed_bins"], progress["planned_bins"]) == (1, 4)
    assert (progress["spent_baht"], progress["committed_baht"], progress["budget_baht"]) == (
        4600.0,
        4600.0,
        10_000.0,
    )
    assert progress["items"][0]["installed"][0]["code"] == "NEW-1"
    assert progress["items"][0]["stage"] == "delivered"  # one of two bins
    public = client.get("/public")
    assert public.status_code == 200
    text = public.text
    assert 'id="progress-bins"' in text and "<strong>1</strong> / 4" in text
    assert "<strong>4,600</strong> / 10,000" in text
    assert "ตรวจรับแล้ว" in text
    assert "NEW-1" not in text and "ยืนยันว่าเป็นถังของรายการนี้" not in text
    english = client.get("/public?lang=en")
    assert "Bins installed" in english.text and "Delivered" in english.text
