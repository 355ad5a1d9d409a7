"""The staff pages' subdistrict switcher: ``POST /staff/subdistrict`` remembers a choice among
the user's own subdistricts, and the shared navigation names the one a page works in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from fieldsvc.api.app import create_app
from fieldsvc.api.deps import CSRF_COOKIE, SUBDISTRICT_COOKIE
from fieldsvc.config import Settings
from tests.tenancy.conftest import TwoSubdistricts

SWITCH = 'action="/staff/subdistrict"'


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as test_client:
        yield test_client


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _switch(client: TestClient, token: str, code: str, next_path: str = "") -> object:
    return client.post(
        "/staff/subdistrict",
        data={"code": code, "next": next_path},
        headers=_bearer(token),
        follow_redirects=False,
    )


def test_a_user_switches_only_to_a_subdistrict_they_work_for(
    client: TestClient, two: TwoSubdistricts
) -> None:
    refused = client.post(
        "/staff/subdistrict",
        data={"code": "999901"},
        headers=_bearer(two.b.tokens["staff"]),
        follow_redirects=False,
    )
    assert refused.status_code == 403
    error = refused.json()["error"]  # subdistrict_not_yours
    assert error["code"] == "forbidden" and "ไม่ได้รับสิทธิ์ดูแลตำบลรหัส 999901" in error["message_th"]
    assert SUBDISTRICT_COOKIE not in refused.headers.get("set-cookie", "")
    unknown = client.post(
        "/staff/subdistrict",
        data={"code": "123456"},
        headers=_bearer(two.b.tokens["admin"]),
        follow_redirects=False,
    )
    assert unknown.status_code == 404
    assert "No subdistrict with code 123456" in unknown.json()["error"]["message"]
    head = client.post(
        "/staff/subdistrict",
        data={"code": "999902"},
        headers=_bearer(two.b.tokens["head"]),
        follow_redirects=False,
    )
    assert head.status_code == 403


def test_a_provincial_officer_switches_and_is_sent_back_to_a_safe_page(
    client: TestClient, two: TwoSubdistricts
) -> None:
    moved = client.post(
        "/staff/subdistrict",
        data={"code": "999902", "next": "/staff/map?subdistrict=999901&layer=bins"},
        headers=_bearer(two.provincial_token),
        follow_redirects=False,
    )
    assert moved.status_code == 303
    # the old ?subdistrict= would override the new choice: it is dropped
    assert moved.headers["location"] == "/staff/map?layer=bins"
    cookie = moved.headers["set-cookie"]
    assert f"{SUBDISTRICT_COOKIE}=999902" in cookie and "HttpOnly" in cookie
    for outside in ("//evil.example/x", "https://evil.example/", "/\\evil.example", ""):
        answer = client.post(
            "/staff/subdistrict",
            data={"code": "999901", "next": outside},
            headers=_bearer(two.provincial_token),
            follow_redirects=False,
        )
        assert answer.headers["location"] == "/staff", outside


def test_the_navigation_names_the_workplace_and_offers_a_choice_only_of_several(
    client: TestClient, two: TwoSubdistricts
) -> None:
    own = client.get("/staff/plans", headers=_bearer(two.b.tokens["staff"]))
    assert own.status_code == 200
    assert "ตำบลโนนสูง" in own.text and SWITCH not in own.text
    assert "ตำบลทดสอบ" not in own.text

    officer = _bearer(two.provincial_token)
    first = client.get("/staff/plans", headers=officer)
    assert SWITCH in first.text
    assert '<option value="999901" selected>ตำบลทดสอบ</option>' in first.text
    assert '<option value="999902">ตำบลโนนสูง</option>' in first.text
    client.cookies.set(SUBDISTRICT_COOKIE, "999902")
    chosen = client.get("/staff/plans", headers=officer)
    assert '<option value="999902" selected>ตำบลโนนสูง</option>' in chosen.text
    asked = client.get("/staff/plans?subdistrict=999901", headers=officer)
    assert '<option value="999901" selected>' in asked.text
    # a remembered code the user no longer works for is ignored
    client.cookies.set(SUBDISTRICT_COOKIE, "999901")
    staff_b = client.get("/staff/plans", headers=_bearer(two.b.tokens["staff"]))
    assert "ตำบลโนนสูง" in staff_b.text and "ตำบลทดสอบ" not in staff_b.text


def test_a_signed_in_browser_switches_with_its_csrf_token(
    client: TestClient, two: TwoSubdistricts
) -> None:
    signed_in = client.post("/login", data={"token": two.provincial_token}, follow_redirects=False)
    assert signed_in.status_code == 303
    csrf = client.cookies[CSRF_COOKIE]
    forged = client.post("/staff/subdistrict", data={"code": "999902"}, follow_redirects=False)
    assert forged.status_code == 403
    assert SUBDISTRICT_COOKIE not in client.cookies
    page = client.get("/staff")
    assert f'name="csrf_token" value="{csrf}"' in page.text and SWITCH in page.text
    moved = client.post(
        "/staff/subdistrict",
        data={"code": "999902", "next": "/staff", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert moved.status_code == 303 and client.cookies[SUBDISTRICT_COOKIE] == "999902"
    assert '<option value="999902" selected>' in client.get("/staff").text
