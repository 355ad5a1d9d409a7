"""The staff dashboard and the public transparency page, and what the public may never see."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import geopandas as gpd
import pytest
from fastapi.testclient import TestClient
from shapely.geometry import box
from sqlalchemy import Engine
from sqlmodel import Session

from fieldsvc.config import Settings
from fieldsvc.ingest.survey import BIN_SURVEY_FORM, SurveyRecord
from fieldsvc.models import BinCreate, Channel, Condition, Household, Role, Stream, Subdistrict
from fieldsvc.services import planning
from fieldsvc.storage.frames import save_villages
from fieldsvc.storage.register import create_bin
from fieldsvc.storage.submissions import receive_submission
from fieldsvc.storage.users import create_user
from tests.signin import sign_in

LON0, LAT0 = 103.30, 16.30
# Personal data planted in the register: none of it may reach a public page or file.
HOUSE_NO = "88/417"
SURVEYOR_NAME = "นายสมชาย ใจดีมาก"
SURVEYOR_PHONE = "0812345678"
NOTE = "ฝากบอกนางสาวแดง เบอร์ 0899999999"


@pytest.fixture
def seeded(engine: Engine, settings: Settings) -> dict[str, str]:
    with Session(engine) as session:
        sub = Subdistrict(code="123401", name="ตำบลทดสอบ")
        session.add(sub)
        session.flush()
        save_villages(
            session=session,
            subdistrict=sub,
            villages=gpd.GeoDataFrame(
                {"number": [1, 2], "name": ["บ้านหนึ่ง", "บ้านสอง"], "households": [3, 2]},
                geometry=[
                    box(LON0, LAT0, LON0 + 0.01, LAT0 + 0.01),
                    box(LON0 + 0.01, LAT0, LON0 + 0.02, LAT0 + 0.01),
                ],
                crs=4326,
            ),
        )
        for i in range(3):
            session.add(
                Household(
                    ref=f"H{i}",
                    lon=LON0 + 0.005 + i * 1e-4,
                    lat=LAT0 + 0.005,
                    persons=3,
                    village_id=1,
                    house_no=HOUSE_NO,
                )
            )
        for i in range(2):
            session.add(
                Household(
                    ref=f"G{i}",
                    lon=LON0 + 0.015,
                    lat=LAT0 + 0.005 + i * 1e-4,
                    persons=4,
                    village_id=2,
                    house_no=HOUSE_NO,
                )
            )
        create_bin(
            session=session,
            bin_in=BinCreate(
                code="B-1",
                lon=LON0 + 0.0051,
                lat=LAT0 + 0.005,
                capacity_l=240,
                stream=Stream.general,
                condition=Condition.usable,
            ),
        )
        head, head_token = create_user(
            session=session,
            username="head1",
            display_name=SURVEYOR_NAME,
            role=Role.village_head,
            village_ids=[1],
            phone=SURVEYOR_PHONE,
        )
        _, staff_token = create_user(
            session=session, username="staff1", display_name="จนท.", role=Role.health_staff
        )
        receive_submission(
            session=session,
            record=SurveyRecord(
                instance_id="uuid:7d7e2b8e-0000-4000-8000-000000000001",
                form_id=BIN_SURVEY_FORM,
                channel=Channel.web,
                bin_code="B-1",
                village_number=1,
                lat=LAT0 + 0.005,
                lon=LON0 + 0.0051,
                accuracy_m=80.0,
                condition=Condition.damaged,
                note=NOTE,
                device_id="android-abc",
                observed_at=datetime(2026, 11, 20, 3, 0, tzinfo=UTC),
            ),
            raw_payload=json.dumps({"note": NOTE}),
            content_type="application/json",
            submitter=head,
            settings=settings,
        )
        plan = planning.create_plan(session=session, settings=settings, budget_baht=50_000)
        planning.publish_plan(session=session, plan=plan)
        session.commit()
    return {"head": head_token, "staff": staff_token}


def test_dashboard_shows_each_village_and_the_review_queue(
    client: TestClient, seeded: dict[str, str]
) -> None:
    sign_in(client, seeded["staff"])
    page = client.get("/staff")
    assert page.status_code == 200
    assert "บ้านหนึ่ง" in page.text and "บ้านสอง" in page.text
    assert "ความแม่นยำ" in page.text or "GPS" in page.text  # the flagged survey is listed
    review = client.get("/staff/review")
    assert "B-1" in review.text
    # staff see the surveyor's note (so the public test below is checking real, present data)
    detail = client.get("/staff/review/1")
    assert NOTE in detail.text
    history = client.get("/staff/bins/B-1")
    assert history.status_code == 200 and "ชำรุด" in history.text


def test_english_pages_use_english_names_dates_and_units(
    client: TestClient, seeded: dict[str, str]
) -> None:
    sign_in(client, seeded["staff"])
    history = client.get("/staff/bins/B-1?lang=en").text
    assert "Damaged" in history and "General waste" in history and "240 litres" in history
    assert "20 Nov 2026 10:00" in history  # 03:00 UTC is 10:00 in Thailand, Common Era year
    assert "ชำรุด" not in history and "2569" not in history and " น." not in history
    survey = client.get("/staff/review/1").text  # the language choice is remembered
    assert "80.0 m<" in survey and "(latest)" in survey and '<option value="damaged"' in survey
    assert "Damaged</option>" in survey
    dashboard = client.get("/staff").text
    assert " ม.<" not in dashboard and " น.<" not in dashboard
    assert not re.search(r"\d [\u0e00-\u0e7f.]+ 25\d\d", dashboard)  # no Thai-format dates
    assert re.search(r"<td>\d{1,2} [A-Z][a-z]{2} 20\d\d</td>", dashboard)  # last survey
    thai = client.get("/staff/bins/B-1?lang=th").text
    assert "ชำรุด" in thai and "20 พ.ย. 2569 10:00 น." in thai and "240 ลิตร" in thai


def test_staff_pages_refuse_village_heads_and_strangers(
    client: TestClient, seeded: dict[str, str]
) -> None:
    assert client.get("/staff").status_code == 401
    sign_in(client, seeded["head"])
    assert client.get("/staff").status_code == 403
    assert client.get("/staff/map.html").status_code == 403


def test_staff_can_publish_a_plan_from_the_plans_page(
    client: TestClient, seeded: dict[str, str]
) -> None:
    sign_in(client, seeded["staff"])
    created = client.post("/staff/plans", data={"budget_baht": "20000"}, follow_redirects=False)
    assert created.status_code == 303
    plan_url = created.headers["location"]
    assert "ร่าง" in client.get(plan_url).text
    client.post(f"{plan_url}/publish")
    assert "เผยแพร่แล้ว" in client.get(plan_url).text


PUBLIC_URLS = [
    "/public",
    "/public/plan.csv",
    "/public/map.html",
    "/public/data/metadata.json",
    "/public/data/villages.csv",
    "/public/data/villages.geojson",
    "/public/data/bins.csv",
    "/public/data/bins.geojson",
    "/public/data/plan.csv",
]


def test_no_personal_data_reaches_the_public_page_or_open_data(
    client: TestClient, seeded: dict[str, str]
) -> None:
    secrets = [
        HOUSE_NO,
        SURVEYOR_NAME,
        SURVEYOR_PHONE,
        NOTE,
        "0899999999",
        "android-abc",
        seeded["head"],
        seeded["staff"],
        "head1",
    ]
    for url in PUBLIC_URLS:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode("utf-8")
        for secret in secrets:
            assert secret not in body, f"{secret!r} leaked in {url}"
    bins = client.get("/public/data/bins.geojson").json()
    keys = {k for f in bins["features"] for k in f["properties"]}
    assert keys == {"code", "village_number", "stream", "condition", "capacity_l", "last_inspected"}
    villages = client.get("/public/data/villages.geojson").json()
    assert {f["properties"]["number"] for f in villages["features"]} == {1, 2}
    assert villages["metadata"]["licence"].startswith("Creative Commons")


def test_public_page_shows_coverage_and_the_published_plan_without_sign_in(
    client: TestClient, seeded: dict[str, str]
) -> None:
    page = client.get("/public")
    assert "บ้านหนึ่ง" in page.text
    assert "แผนจัดสรรถังขยะ" in page.text
    assert "CC BY 4.0" in page.text
    plan_csv = client.get("/public/data/plan.csv")
    assert plan_csv.content.startswith("\ufeff".encode())
    assert "rank,reason" in plan_csv.text


def test_exports_download_the_allocation_list_and_the_coverage_table(
    client: TestClient, seeded: dict[str, str]
) -> None:
    sign_in(client, seeded["staff"])
    pdf = client.get("/staff/plans/1/export.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    xlsx = client.get("/staff/plans/1/export.xlsx")
    assert xlsx.content.startswith(b"PK")
    coverage = client.get("/staff/export/coverage.csv")
    assert coverage.content.startswith("\ufeff".encode())
    assert "บ้านหนึ่ง" in coverage.text
    assert client.get("/staff/export/coverage.xlsx").content.startswith(b"PK")
    assert "<script src=" not in client.get("/staff/export/coverage.html").text
    client.cookies.clear()
    assert client.get("/staff/plans/1/export.pdf").status_code == 401
    assert client.get("/public/plan.pdf").content.startswith(b"%PDF")


def test_staff_correct_a_survey_as_a_new_version_keeping_the_original(
    client: TestClient, seeded: dict[str, str]
) -> None:
    sign_in(client, seeded["staff"])
    corrected = client.post(
        "/staff/review/1/correct",
        data={"condition": "usable", "capacity_l": "200", "comment": "ตรวจซ้ำแล้ว"},
        follow_redirects=False,
    )
    assert corrected.status_code == 303
    new_url = corrected.headers["location"]
    assert new_url != "/staff/review/1"
    assert NOTE in client.get("/staff/review/1").text  # the original, kept as received
    auth = {"Authorization": f"Bearer {seeded['staff']}"}
    history = client.get("/api/v1/bins/B-1", headers=auth).json()["history"]
    correction = [h for h in history if h["source"] == "correction"]
    assert [(h["condition"], h["capacity_l"]) for h in correction] == [("usable", 200)]
    assert [h["condition"] for h in history if h["source"] == "survey"] == ["damaged"]
    # the old version cannot be corrected again; a bad value on the new one names its field
    assert client.post("/staff/review/1/correct", data={"condition": "missing"}).status_code == 409
    bad = client.post(f"{new_url}/correct", data={"capacity_l": "สองร้อย"})
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "capacity_l"


def test_a_browser_gets_errors_as_a_page_and_api_clients_as_json(
    client: TestClient, seeded: dict[str, str]
) -> None:
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    page = client.get("/staff", headers=browser)
    assert page.status_code == 401 and page.headers["content-type"].startswith("text/html")
    assert "กรุณาเข้าสู่ระบบ" in page.text and 'href="/login"' in page.text
    api = client.get("/staff")
    assert api.status_code == 401 and api.json()["error"]["code"] == "unauthorized"
    sign_in(client, seeded["staff"])
    bad = client.get(
        "/staff/review", params={"date_from": "15/11/2569", "lang": "en"}, headers=browser
    )
    assert bad.status_code == 422 and "expected YYYY-MM-DD" in bad.text
    assert "<code>date_from</code>" in bad.text
    # API paths stay JSON whatever the Accept header says
    missing = client.get("/api/v1/bins/NOPE", headers=browser)
    assert missing.status_code == 404 and missing.json()["error"]["field"] == "bin_code"
