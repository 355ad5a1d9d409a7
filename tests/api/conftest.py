from __future__ import annotations

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
            session=session, username="staff", display_name="เจ้าหน้าที่ทดสอบ", role=Role.health_staff
        )
        session.commit()
    return token
