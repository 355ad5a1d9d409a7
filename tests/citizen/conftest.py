"""A subdistrict of three villages (tests/intake) behind the real app, for the report page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from tests.intake.conftest import Place, make_place


@pytest.fixture
def place(engine: Engine) -> Place:
    with Session(engine, expire_on_commit=False) as session:
        return make_place(session)


@pytest.fixture
def app_for(engine: Engine, settings: Settings) -> Iterator[object]:
    """``app_for(**overrides)``: a client of the app with these settings changed."""
    clients: list[TestClient] = []

    def make(**overrides: object) -> TestClient:
        changed = settings.model_copy(update=overrides)
        client = TestClient(create_app(changed, engine=engine), follow_redirects=False)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)
