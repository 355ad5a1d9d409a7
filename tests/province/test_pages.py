"""The overview's pages: the staff page with the recompute command, the public page without it,
sortable headers, a subdistrict never computed, and the downloads."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from fieldsvc.models import Role
from fieldsvc.storage.users import create_user


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as test_client:
        yield test_client


@pytest.fixture
def staff_token(engine: Engine) -> str:
    with Session(engine) as session:
        _, token = create_user(
            session=session, username="staff", display_name="เจ้าหน้าที่", role=Role.health_staff
        )
        session.commit()
    return token


def _row(page: str, code: str) -> str:
    found = re.search(rf'<tr data-code="{code}">(.*?)</tr>', page, re.S)
    assert found, code
    return found.group(1)


def test_staff_page_lists_every_subdistrict_thai_first(
    client: TestClient, staff_token: str, province: dict[str, int]
) -> None:
    auth = {"Authorization": f"Bearer {staff_token}"}
    page = client.get("/staff/province", headers=auth)
    assert page.status_code == 200
    text = page.text
    assert "ภาพรวมรายตำบล" in text and "ตำบล 3 แห่ง" in text and "ยังไม่ได้คำนวณ 1 แห่ง" in text
    a = _row(text, "340101")
    assert "ตำบลหนึ่ง" in a and "80%" in a and "1.25" in a and "20 พ.ย. 2569" in a
    assert "ยังไม่ได้คำนวณ" in _row(text, "340102")
    assert "fieldsvc coverage --all" in text
    # the headers sort: the current column toggles, the others start ascending
    assert 'href="?sort=code&amp;desc=1"' in text
    assert 'href="?sort=covered_share"' in text
    down = client.get("/staff/province?province=34&sort=covered_share&desc=1", headers=auth).text
    assert down.index('data-code="340101"') < down.index('data-code="340102"')
    assert 'data-code="300101"' not in down
    assert 'href="/staff/province.xlsx?province=34&amp;sort=covered_share&amp;desc=1"' in down
    english = client.get("/staff/province?lang=en", headers=auth).text
    assert "Provincial overview" in english and "Not computed yet" in english


def test_public_page_has_the_table_but_not_the_command(
    client: TestClient, province: dict[str, int]
) -> None:
    page = client.get("/public/province")
    assert page.status_code == 200 and page.headers["ETag"]
    assert "ตำบลสาม" in page.text and "fieldsvc coverage --all" not in page.text
    again = client.get("/public/province", headers={"If-None-Match": page.headers["ETag"]})
    assert again.status_code == 304
    csv = client.get("/public/province.csv?province=30")
    assert csv.status_code == 200
    assert (
        csv.headers["content-disposition"]
        == 'attachment; filename="province-30-'
        + (csv.headers["content-disposition"].split("province-30-")[1])
    )
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("code,name,district,villages,households,covered_share")
    assert len(lines) == 2 and lines[1].startswith("300101,ตำบลสาม")


def test_bad_province_code_is_a_422_naming_the_field(
    client: TestClient, province: dict[str, int]
) -> None:
    answer = client.get("/public/province.csv?province=3x")
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["field"] == "province" and error["message_th"].startswith("รหัสจังหวัด 3x")
    assert client.get("/staff/province").status_code == 401


@pytest.fixture
def national_client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    """As if the install held more subdistricts than one table should sum per request."""
    small = settings.model_copy(update={"province_table_max_subdistricts": 2})
    with TestClient(create_app(small, engine=engine)) as test_client:
        yield test_client


def test_a_national_scope_lists_provinces_instead_of_summing_every_household(
    national_client: TestClient, staff_token: str, province: dict[str, int]
) -> None:
    """3 subdistricts in provinces 30 (1) and 34 (2) over a limit of 2: the pages list the
    provinces, each linking to its table; a province's table is as before."""
    page = national_client.get("/public/province")
    assert page.status_code == 200
    assert "มีตำบล 3 แห่งใน 2 จังหวัด" in page.text and 'data-code="340101"' not in page.text
    rows = re.findall(r'<tr data-province="(\d\d)">.*?<td class="num">(\d+)</td>', page.text, re.S)
    assert rows == [("30", "1"), ("34", "2")]
    assert 'href="/public/province?province=34"' in page.text
    assert 'href="/public/province.csv?province=34"' in page.text
    table = national_client.get("/public/province?province=34")
    assert 'data-code="340101"' in table.text and 'data-code="340102"' in table.text
    english = national_client.get("/public/province?lang=en").text
    assert "3 subdistricts in 2 provinces" in english
    auth = {"Authorization": f"Bearer {staff_token}"}
    staff = national_client.get("/staff/province", headers=auth)
    assert staff.status_code == 200 and 'href="/staff/province?province=30"' in staff.text
    # the public files need a province: a 422 naming the field, with an example
    refused = national_client.get("/public/province.csv")
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["field"] == "province" and "province=30" in error["message"]
    assert national_client.get("/public/province.csv?province=30").status_code == 200
    # the staff file (signed in) may still be the whole table
    assert national_client.get("/staff/province.csv", headers=auth).status_code == 200
