"""Limits before work: the caller and the size of a write are checked before its body is read;
a daily photo quota per user."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from starlette.types import Message, Receive, Scope, Send

from fieldsvc.api.app import create_app
from fieldsvc.api.limits import CallerFirst
from fieldsvc.config import Settings
from tests.intake.conftest import Place, jpeg_bytes, json_survey, make_place

SID = "0b7a1d2c-3e4f-4a5b-8c6d-7e8f9a0b1c2e"
MB = 1024 * 1024


class CountingBody:
    """A request body that records how many bytes the server pulled from it."""

    def __init__(self, total: int, chunk: int = 64 * 1024) -> None:
        self.total, self.chunk, self.pulled = total, chunk, 0

    def __iter__(self) -> Iterator[bytes]:
        sent = 0
        while sent < self.total:
            piece = min(self.chunk, self.total - sent)
            self.pulled += piece
            sent += piece
            yield b"x" * piece


@pytest.fixture
def place(engine: Engine) -> Place:
    from sqlmodel import Session

    with Session(engine, expire_on_commit=False) as session:
        return make_place(session)


@pytest.fixture
def client(settings: Settings, engine: Engine, place: Place) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as test_client:
        yield test_client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def survey(**changes: Any) -> dict[str, Any]:
    return json_survey(**{"submission_id": SID, **changes})


# --- the caller first ----------------------------------------------------------------------


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_anonymous_60_mb_post_is_refused_without_reading_the_body(
    client: TestClient, declared: bool
) -> None:
    body = CountingBody(60 * MB)
    headers = {"Content-Type": "application/json"}
    if declared:
        headers["Content-Length"] = str(60 * MB)
    answer = client.post("/api/v1/submissions", content=iter(body), headers=headers)
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "unauthorized"
    assert body.pulled == 0


def test_wrong_token_on_the_api_is_refused_unread(client: TestClient) -> None:
    body = CountingBody(10 * MB)
    answer = client.post(
        "/api/v1/submissions/multipart",
        content=iter(body),
        headers={**bearer("not-a-token"), "Content-Type": "multipart/form-data; boundary=x"},
    )
    assert answer.status_code == 401 and body.pulled == 0


def test_openrosa_submission_with_a_wrong_token_is_refused_unread(client: TestClient) -> None:
    body = CountingBody(20 * MB)
    answer = client.post(
        "/openrosa/not-a-token/submission",
        content=iter(body),
        headers={"Content-Type": "multipart/form-data; boundary=x"},
    )
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == 'Token realm="fieldsvc"'
    assert answer.headers["X-OpenRosa-Version"] == "1.0"
    assert "ลิงก์ตั้งค่าแอปนี้ใช้ไม่ได้" in answer.text
    assert body.pulled == 0


def test_json_intake_looks_the_token_up_once(
    client: TestClient, place: Place, engine: Engine
) -> None:
    lookups: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "token_hash" in statement and statement.lstrip().upper().startswith("SELECT"):
            lookups.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        answer = client.post("/api/v1/submissions", json=survey(), headers=bearer(place.head_token))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert answer.status_code == 201, answer.text
    assert len(lookups) == 1


def test_a_small_chunked_survey_still_arrives(client: TestClient, place: Place) -> None:
    data = json.dumps(survey()).encode()
    answer = client.post(
        "/api/v1/submissions",
        content=iter([data[:50], data[50:]]),
        headers={**bearer(place.head_token), "Content-Type": "application/json"},
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["outcome"] == "created"


# --- the size of a JSON body ----------------------------------------------------------------


def test_json_body_over_the_cap_is_413_before_it_is_read(client: TestClient, place: Place) -> None:
    body = CountingBody(64 * 1024 + 1)
    answer = client.post(
        "/api/v1/submissions",
        content=iter(body),
        headers={
            **bearer(place.head_token),
            "Content-Type": "application/json",
            "Content-Length": str(64 * 1024 + 1),
        },
    )
    assert answer.status_code == 413
    error = answer.json()["error"]
    assert error["code"] == "payload_too_large" and error["field"] == "body"
    assert "65,536" in error["message"] and "65,536" in error["message_th"]
    assert body.pulled == 0


def test_json_cap_is_a_setting(settings: Settings, engine: Engine, place: Place) -> None:
    small = settings.model_copy(update={"max_json_bytes": 100})
    with TestClient(create_app(small, engine=engine)) as client:
        answer = client.post("/api/v1/submissions", json=survey(), headers=bearer(place.head_token))
    assert answer.status_code == 413
    assert answer.json()["error"]["details"] == {"max_bytes": 100}


def test_body_without_length_is_read_only_up_to_the_cap(
    settings: Settings, engine: Engine, place: Place
) -> None:
    reached: list[Scope] = []

    async def route(scope: Scope, receive: Receive, send: Send) -> None:
        reached.append(scope)

    middleware = CallerFirst(route, settings=settings, engine=engine)
    pulled = 0
    sent: list[Message] = []

    async def endless_body() -> Message:
        nonlocal pulled
        pulled += 8192
        return {"type": "http.request", "body": b"{" * 8192, "more_body": True}

    async def send(message: Message) -> None:
        sent.append(message)

    scope: Scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/v1/submissions",
        "headers": [(b"authorization", f"Bearer {place.head_token}".encode())],
    }
    asyncio.run(middleware(scope, endless_body, send))
    assert not reached
    assert sent[0]["status"] == 413
    assert settings.max_json_bytes < pulled <= settings.max_json_bytes + 8192


# --- the daily photo quota ------------------------------------------------------------------


def test_photos_past_the_daily_quota_are_429_in_thai(
    settings: Settings, engine: Engine, place: Place
) -> None:
    one_a_day = settings.model_copy(update={"max_photos_per_user_day": 1})
    with TestClient(create_app(one_a_day, engine=engine)) as client:
        sent = client.post(
            "/api/v1/submissions",
            json=survey(photos=["a.jpg", "b.jpg"]),
            headers=bearer(place.head_token),
        )
        assert sent.status_code == 201, sent.text
        base = f"/api/v1/submissions/uuid:{SID}/attachments"
        headers = {**bearer(place.head_token), "Content-Type": "image/jpeg"}
        first = client.put(f"{base}/a.jpg", content=jpeg_bytes(), headers=headers)
        assert first.status_code == 200, first.text
        second = client.put(f"{base}/b.jpg", content=jpeg_bytes(size=(32, 32)), headers=headers)
    assert second.status_code == 429
    error = second.json()["error"]
    assert error["code"] == "too_many_requests" and error["field"] == "photos"
    assert "โควตา" in error["message_th"] and "1 รูป" in error["message_th"]
    assert error["details"]["photos_today"] == 1
