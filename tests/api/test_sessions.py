"""Sign-in sessions, token expiry and CSRF: a link signs nobody in until its form is posted,
the browser holds only a session id that expires and that log-out or revoking the user ends,
and a state-changing request signed in by the cookie must come from our own pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from sqlmodel import Session, select

from fieldsvc.config import Settings
from fieldsvc.models import Role, SignInSession, User
from fieldsvc.services.signin import sign_in_with_token, user_of_signin_session
from fieldsvc.services.users import revoke_field_user
from fieldsvc.storage.signin_sessions import hash_session_id
from fieldsvc.storage.users import create_user
from tests.intake.conftest import Place, make_place
from tests.signin import CSRF_COOKIE, SESSION_COOKIE, sign_in

T0 = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
EVIL = "https://evil.example"


@pytest.fixture
def place(engine: Engine) -> Place:
    with Session(engine, expire_on_commit=False) as session:
        return make_place(session)


def _survey(sid_tail: int) -> dict[str, Any]:
    return {
        "submission_id": f"5e55a1d2-3e4f-4a5b-8c6d-{sid_tail:012d}",
        "form_id": "bin_survey",
        "bin_code": f"SS-{sid_tail:04d}",
        "village": 1,
        "location": {"lat": 16.305, "lon": 103.305, "accuracy_m": 4.0},
        "condition": "usable",
        "capacity_l": 240,
        "stream": "general",
        "observed_at": "2026-11-20T08:30:00+07:00",
    }


# --- signing in and out -------------------------------------------------------------------------


def test_the_link_shows_a_form_and_signs_nobody_in(client: TestClient, place: Place) -> None:
    page = client.get(f"/login/{place.staff_token}", follow_redirects=False)
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert '<form method="post" action="/login"' in page.text
    assert f'<input type="hidden" name="token" value="{place.staff_token}">' in page.text
    assert "<script" not in page.text.split("<main>")[1]  # a plain form, no inline script
    assert not client.cookies
    assert client.get("/staff", follow_redirects=False).status_code == 401


def test_posting_the_token_opens_a_session_whose_cookie_holds_no_token(
    client: TestClient, engine: Engine, place: Place
) -> None:
    response = client.post("/login", data={"token": place.staff_token}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/staff"
    cookies = response.headers.get_list("set-cookie")
    session_cookie = next(c for c in cookies if c.startswith(f"{SESSION_COOKIE}="))
    assert "HttpOnly" in session_cookie and "SameSite=lax" in session_cookie
    assert "Secure" not in session_cookie  # plain http and no https public URL
    assert all(place.staff_token not in c for c in cookies)
    session_id = client.cookies[SESSION_COOKIE]
    with Session(engine) as session:
        stored = session.exec(select(SignInSession)).one()
    assert stored.session_hash == hash_session_id(session_id) != session_id
    assert stored.user_id == place.staff.id
    assert client.get("/staff").status_code == 200


def test_the_link_returns_where_it_pointed_and_village_heads_go_to_the_phone_form(
    client: TestClient, place: Place
) -> None:
    page = client.get(f"/login/{place.staff_token}?next=/staff/review")
    assert '<input type="hidden" name="next" value="/staff/review">' in page.text
    to_review = client.post(
        "/login", data={"token": place.staff_token, "next": "/staff/review"}, follow_redirects=False
    )
    assert to_review.headers["location"] == "/staff/review"
    elsewhere = client.post(
        "/login",
        data={"token": place.staff_token, "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert elsewhere.headers["location"] == "/staff"  # no open redirect
    head = client.post("/login", data={"token": place.head_token}, follow_redirects=False)
    assert head.headers["location"] == "/m/"
    me = client.get("/api/v1/me")  # the phone form asks this with the cookie alone
    assert me.status_code == 200 and me.json()["username"] == "head1"


def test_cookie_is_secure_when_the_public_url_is_https(
    settings: Settings, engine: Engine, place: Place
) -> None:
    from fieldsvc.api.app import create_app

    secure = settings.model_copy(update={"public_base_url": "https://bins.example"})
    with TestClient(create_app(secure, engine=engine)) as client:
        response = client.post("/login", data={"token": place.staff_token}, follow_redirects=False)
    cookies = response.headers.get_list("set-cookie")
    assert all("Secure" in c for c in cookies if c.startswith((SESSION_COOKIE, CSRF_COOKIE)))


def test_log_out_is_a_post_that_ends_the_session_on_the_server(
    client: TestClient, place: Place
) -> None:
    sign_in(client, place.staff_token)
    session_id = client.cookies[SESSION_COOKIE]
    assert client.get("/logout").status_code == 405
    out = client.post("/logout", follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/"
    # The cookie kept by another copy of the browser no longer works either.
    client.cookies.set(SESSION_COOKIE, session_id)
    assert client.get("/staff", follow_redirects=False).status_code == 401
    assert client.get("/api/v1/me").status_code == 401


def test_revoking_the_user_ends_their_sessions(
    client: TestClient, engine: Engine, place: Place
) -> None:
    sign_in(client, place.staff_token)
    assert client.get("/staff").status_code == 200
    with Session(engine) as session:
        revoke_field_user(session=session, username="nurse")
        session.commit()
        assert session.exec(select(SignInSession)).one().revoked_at is not None
    assert client.get("/staff", follow_redirects=False).status_code == 401


# --- expiry -------------------------------------------------------------------------------------


def test_a_session_left_unused_for_the_idle_time_expires(
    session: Session, settings: Settings, place: Place
) -> None:
    signed = sign_in_with_token(session=session, token=place.staff_token, now=T0)
    assert signed is not None
    idle = timedelta(hours=settings.session_idle_hours)
    assert idle == timedelta(hours=12)

    def user_at(moment: datetime) -> str | None:
        found = user_of_signin_session(
            session=session, settings=settings, session_id=signed.session_id, now=moment
        )
        return found.username if found else None

    assert user_at(T0 + idle - timedelta(minutes=1)) == "nurse"  # used: the idle clock restarts
    assert user_at(T0 + 2 * idle - timedelta(minutes=2)) == "nurse"
    assert user_at(T0 + 3 * idle) is None  # 12 h and 1 min after its last use


def test_a_session_in_daily_use_still_ends_after_the_absolute_lifetime(
    session: Session, settings: Settings, place: Place
) -> None:
    signed = sign_in_with_token(session=session, token=place.staff_token, now=T0)
    assert signed is not None
    lifetime = timedelta(days=settings.session_max_days)
    assert lifetime == timedelta(days=7)
    moment = T0
    while moment + timedelta(hours=6) < T0 + lifetime:
        moment += timedelta(hours=6)
        assert user_of_signin_session(
            session=session, settings=settings, session_id=signed.session_id, now=moment
        )
    end = T0 + lifetime
    assert (
        user_of_signin_session(
            session=session, settings=settings, session_id=signed.session_id, now=end
        )
        is None
    )


def test_an_expired_session_cookie_is_refused_over_http(
    client: TestClient, engine: Engine, place: Place
) -> None:
    sign_in(client, place.staff_token)
    with Session(engine) as session:
        session.execute(
            update(SignInSession).values(
                last_seen_at=datetime.now(UTC) - timedelta(hours=12, minutes=1)
            )
        )
        session.commit()
    assert client.get("/staff", follow_redirects=False).status_code == 401


@pytest.fixture
def expired_token(engine: Engine, place: Place) -> str:
    with Session(engine) as session:
        _, token = create_user(
            session=session,
            username="temp",
            display_name="ชั่วคราว",
            role=Role.village_head,
            village_ids=[place.village_ids[1]],
            token_expires_at=datetime.now(UTC) - timedelta(minutes=1),
        )
        session.commit()
    return token


def test_an_expired_token_is_refused_with_a_message_to_ask_for_a_new_link(
    client: TestClient, expired_token: str
) -> None:
    api = client.get("/api/v1/me", headers={"Authorization": f"Bearer {expired_token}"})
    assert api.status_code == 401
    assert "หมดอายุ" in api.json()["error"]["message_th"]
    assert "expired" in api.json()["error"]["message"]
    openrosa = client.get(f"/openrosa/{expired_token}/formList")
    assert openrosa.status_code == 401
    assert "ลิงก์เข้าใช้นี้หมดอายุแล้ว" in openrosa.text and "OpenRosaResponse" in openrosa.text
    login = client.post("/login", data={"token": expired_token}, follow_redirects=False)
    assert login.status_code == 401
    assert "ลิงก์เข้าใช้นี้หมดอายุแล้ว กรุณาขอลิงก์ใหม่จากเจ้าหน้าที่" in login.text
    assert SESSION_COOKIE not in client.cookies


def test_a_token_before_its_expiry_works(client: TestClient, engine: Engine, place: Place) -> None:
    with Session(engine) as session:
        _, token = create_user(
            session=session,
            username="temp",
            display_name="ชั่วคราว",
            role=Role.viewer,
            token_expires_at=datetime.now(UTC) + timedelta(days=1),
        )
        session.commit()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200


# --- CSRF ---------------------------------------------------------------------------------------


def test_a_cross_site_post_with_the_cookie_is_refused(client: TestClient, place: Place) -> None:
    sign_in(client, place.head_token)  # the client now sends the CSRF token as a header
    forged = client.post("/api/v1/submissions", json=_survey(1), headers={"Origin": EVIL})
    assert forged.status_code == 403
    assert forged.json()["error"]["code"] == "forbidden"
    fetched = client.post(
        "/api/v1/submissions", json=_survey(1), headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert fetched.status_code == 403
    logout = client.post("/logout", headers={"Origin": EVIL}, follow_redirects=False)
    assert logout.status_code == 403


def test_a_post_with_the_cookie_but_no_csrf_token_is_refused(
    client: TestClient, place: Place
) -> None:
    sign_in(client, place.head_token)
    del client.headers["X-CSRF-Token"]
    missing = client.post("/api/v1/submissions", json=_survey(2))
    assert missing.status_code == 403
    assert missing.json()["error"]["field"] == "csrf_token"
    wrong = client.post("/api/v1/submissions", json=_survey(2), headers={"X-CSRF-Token": "x" * 64})
    assert wrong.status_code == 403
    form = client.post("/logout", follow_redirects=False)  # a staff form without its field
    assert form.status_code == 403


def test_a_same_origin_post_with_the_token_is_accepted(
    client: TestClient, engine: Engine, place: Place
) -> None:
    csrf = sign_in(client, place.head_token)
    sent = client.post(
        "/api/v1/submissions",
        json=_survey(3),
        headers={"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
    )
    assert sent.status_code == 201, sent.text
    # Our pages' Referrer-Policy makes a browser send "Origin: null" for its own posts.
    hidden = client.post(
        "/api/v1/submissions",
        json=_survey(5),
        headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"},
    )
    assert hidden.status_code == 201, hidden.text
    del client.headers["X-CSRF-Token"]
    # A staff form carries the token as its hidden field.
    client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    sign_in(client, place.staff_token)
    page = client.get("/staff/plans")
    staff_csrf = client.cookies[CSRF_COOKIE]
    assert f'name="csrf_token" value="{staff_csrf}"' in page.text
    del client.headers["X-CSRF-Token"]
    out = client.post(
        "/logout",
        data={"csrf_token": staff_csrf},
        headers={"Origin": "http://testserver"},
        follow_redirects=False,
    )
    assert out.status_code == 303
    assert client.get("/staff", follow_redirects=False).status_code == 401


def test_bearer_requests_need_no_csrf_token(client: TestClient, place: Place) -> None:
    bearer = {"Authorization": f"Bearer {place.head_token}", "Origin": EVIL}
    assert client.post("/api/v1/submissions", json=_survey(4), headers=bearer).status_code == 201


def test_another_site_cannot_sign_a_browser_in(client: TestClient, place: Place) -> None:
    forged = client.post(
        "/login",
        data={"token": place.staff_token},
        headers={"Origin": EVIL},
        follow_redirects=False,
    )
    assert forged.status_code == 403
    assert SESSION_COOKIE not in client.cookies


def test_users_add_and_token_take_an_expiry_in_days(
    engine: Engine, settings: Settings, place: Place, capsys: pytest.CaptureFixture[str]
) -> None:
    from fieldsvc.cli import main
    from fieldsvc.errors import Unauthorized
    from fieldsvc.storage.users import user_for_token

    args = ["users", "add", "somchai", "--name", "สมชาย", "--role", "viewer", "--expires-days", "2"]
    before = datetime.now(UTC)
    assert main(args, settings=settings) == 0
    out = capsys.readouterr().out
    assert "โทเค็นหมดอายุ / the token expires:" in out
    token = out.split("/openrosa/")[1].split()[0]
    with Session(engine) as session:
        user = user_for_token(session=session, token=token)
        assert user is not None and user.token_expires_at is not None
        assert timedelta(days=2) <= user.token_expires_at - before < timedelta(days=2, minutes=5)
        with pytest.raises(Unauthorized) as expired:
            user_for_token(session=session, token=token, now=before + timedelta(days=2, hours=1))
        assert expired.value.message_th.startswith("ลิงก์เข้าใช้นี้หมดอายุแล้ว")
    assert main(["users", "token", "somchai", "--expires-days", "0"], settings=settings) == 2
    assert main(["users", "token", "somchai"], settings=settings) == 0  # no expiry: never
    with Session(engine) as session:
        assert (
            session.exec(select(User).where(User.username == "somchai")).one().token_expires_at
            is None
        )
