"""Open311 partner abuse limits: a key may POST a set number of requests an hour (then 429 in
the spec's error body, JSON and XML; another key and an older hour are not counted), and a POST
is capped like the public report page's (declared size, fields, no files, text length)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from defusedxml.ElementTree import fromstring
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from fieldsvc.api.app import create_app
from fieldsvc.api.routes.open311 import MAX_FORM_FIELDS
from fieldsvc.config import Settings
from fieldsvc.models import CitizenReport
from fieldsvc.models.types import utc_now
from fieldsvc.storage.open311_keys import add_key
from tests.intake.conftest import Place
from tests.open311.conftest import INSIDE
from tests.open311.test_requests import _error, _post

LIMIT = 3


@pytest.fixture
def limited(settings: Settings, engine: Engine, world: Place) -> Iterator[TestClient]:
    """The office allows three requests per key and hour."""
    changed = settings.model_copy(update={"open311_posts_per_key_hour": LIMIT})
    with TestClient(create_app(changed, engine=engine)) as test_client:
        yield test_client


def _count(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(CitizenReport)).all())


def test_a_key_over_its_hourly_limit_gets_429_in_the_spec_error_body(
    limited: TestClient, api_key: str, engine: Engine
) -> None:
    for _ in range(LIMIT):
        assert _post(limited, api_key).status_code == 201
    refused = _post(limited, api_key)
    description = _error(refused, 429, "api_key")
    assert refused.headers["retry-after"] == "3600"
    assert "3" in description and "แอปเมืองดี" in description
    # the XML answer is the spec's <errors><error> with the same code
    answer = _post(limited, api_key, fmt="xml")
    assert answer.status_code == 429
    root = fromstring(answer.content)
    assert root.tag == "errors" and root.find("error/code").text == "429"  # type: ignore[union-attr]
    assert root.find("error/description").text.startswith("api_key: ")  # type: ignore[union-attr]
    assert _count(engine) == LIMIT  # refused requests stored nothing


def test_the_limit_is_per_key_and_per_hour(
    limited: TestClient, api_key: str, engine: Engine
) -> None:
    for _ in range(LIMIT):
        assert _post(limited, api_key).status_code == 201
    assert _post(limited, api_key).status_code == 429
    # another partner's key is counted on its own
    with Session(engine) as session:
        _, other = add_key(session=session, name="อีกแอป")
        session.commit()
    assert _post(limited, other).status_code == 201
    # an hour later the first key's earlier requests no longer count
    with Session(engine) as session:
        for report in session.exec(select(CitizenReport)).all():
            if report.partner == "แอปเมืองดี":
                report.created_at = utc_now() - timedelta(minutes=61)
                session.add(report)
        session.commit()
    assert _post(limited, api_key).status_code == 201
    assert _count(engine) == LIMIT + 2


def test_default_limit_is_two_hundred_an_hour() -> None:
    assert Settings().open311_posts_per_key_hour == 200


def test_texts_are_capped_as_on_the_public_page(
    client: TestClient, api_key: str, settings: Settings, engine: Engine
) -> None:
    longest = settings.citizen_max_text_chars
    assert _post(client, api_key, description="ก" * longest).status_code == 201
    for field in ("description", "first_name", "address_string", "phone", "email"):
        too_long = "ก" * (longest + 1)
        text = _error(_post(client, api_key, **{field: too_long}), 400, field)
        assert str(longest) in text
    assert _count(engine) == 1


def test_a_body_of_unknown_or_too_large_size_is_refused_before_it_is_read(
    client: TestClient, api_key: str, settings: Settings, engine: Engine
) -> None:
    cap = min(settings.max_json_bytes, settings.citizen_max_request_bytes)
    form = f"service_code=bin_full&lat=16.305&long=103.305&api_key={api_key}".encode()

    def chunks() -> Iterator[bytes]:
        yield form

    unsized = client.post(
        "/open311/v2/requests.json",
        content=chunks(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert "content-length" not in unsized.request.headers
    assert str(cap) in _error(unsized, 413, "body")
    big = _post(client, api_key, media_url="x" * cap)
    _error(big, 413, "body")
    assert _count(engine) == 0


def test_too_many_fields_or_a_file_is_refused(
    client: TestClient, api_key: str, engine: Engine
) -> None:
    extra = {f"attribute[q{i}]": "x" for i in range(MAX_FORM_FIELDS)}
    assert str(MAX_FORM_FIELDS) in _error(_post(client, api_key, **extra), 400, "body")
    fields: dict[str, Any] = {"service_code": "bin_full", **INSIDE, "api_key": api_key}
    with_file = client.post(
        "/open311/v2/requests.json",
        data=fields,
        files={"media": ("bin.jpg", b"\xff\xd8\xff" + b"0" * 100, "image/jpeg")},
    )
    _error(with_file, 400, "body")
    # every field Open311 defines still fits
    standard = {
        "jurisdiction_id": "999901",
        "address_id": "1",
        "email": "a@example.org",
        "device_id": "d",
        "account_id": "a",
        "first_name": "ก",
        "last_name": "ข",
        "phone": "0800000000",
        "media_url": "https://example.org/x.jpg",
        "address_string": "หน้าวัด",
    }
    assert _post(client, api_key, **standard).status_code == 201
    assert _count(engine) == 1
