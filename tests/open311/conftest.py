"""An Open311 world: the test subdistrict (code 999901), a partner key and a client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from fieldsvc.storage.open311_keys import add_key
from tests.intake.conftest import Place, make_place

JURISDICTION = "999901"
INSIDE = {"lat": "16.305", "long": "103.305"}  # หมู่ 1 of the test subdistrict


@pytest.fixture
def world(engine: Engine) -> Place:
    with Session(engine, expire_on_commit=False) as session:
        return make_place(session)


@pytest.fixture
def api_key(engine: Engine, world: Place) -> str:
    with Session(engine) as session:
        _, key = add_key(session=session, name="แอปเมืองดี")
        session.commit()
    return key


@pytest.fixture
def client(settings: Settings, engine: Engine, world: Place) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as test_client:
        yield test_client


@pytest.fixture
def public_client(settings: Settings, engine: Engine, world: Place) -> Iterator[TestClient]:
    """The office shows residents' reports at once (no moderation wait)."""
    at_once = settings.model_copy(update={"citizen_reports_public_at_once": True})
    with TestClient(create_app(at_once, engine=engine)) as test_client:
        yield test_client
