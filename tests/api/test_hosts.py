"""Allowed hosts from the public base URL, links built from it, and production's start-up check."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from fieldsvc.api.app import create_app
from fieldsvc.api.hosts import StartupRefused, allowed_hosts
from fieldsvc.cli.main import main
from fieldsvc.config import Settings
from fieldsvc.models import Role
from fieldsvc.storage.users import create_user

PUBLIC = "https://bins.example.go.th"


@pytest.fixture
def public(settings: Settings) -> Settings:
    return settings.model_copy(update={"public_base_url": PUBLIC})


def _token(engine: Engine) -> str:
    with Session(engine) as session:
        _, token = create_user(
            session=session, username="nurse", display_name="เจ้าหน้าที่", role=Role.health_staff
        )
        session.commit()
    return token


def test_a_host_other_than_the_public_one_is_400(public: Settings, engine: Engine) -> None:
    app = create_app(public, engine=engine)
    with TestClient(app, base_url="http://evil.example") as client:
        assert client.get("/healthz").status_code == 400
    for base in (PUBLIC, "http://localhost:8000", "http://127.0.0.1:8000"):
        with TestClient(app, base_url=base) as client:
            assert client.get("/healthz").status_code == 200, base


def test_extra_allowed_hosts_and_any_host_without_a_public_url(settings: Settings) -> None:
    assert allowed_hosts(settings) == ["*"]
    extra = settings.model_copy(
        update={"public_base_url": PUBLIC + "/", "allowed_hosts": ["192.168.1.20"]}
    )
    assert allowed_hosts(extra) == ["bins.example.go.th", "localhost", "127.0.0.1", "192.168.1.20"]


def test_openrosa_links_use_the_public_url_not_the_host_header(
    public: Settings, engine: Engine
) -> None:
    token = _token(engine)
    with TestClient(create_app(public, engine=engine), base_url="http://localhost") as client:
        listing = client.get(f"/openrosa/{token}/formList")
    assert listing.status_code == 200
    assert f"<downloadUrl>{PUBLIC}/openrosa/{token}/forms/" in listing.text
    assert "http://localhost" not in listing.text


@pytest.mark.parametrize("url", [None, "http://bins.example.go.th", "https://"])
def test_production_without_an_https_public_url_does_not_start(
    settings: Settings, engine: Engine, url: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    production = settings.model_copy(update={"environment": "production", "public_base_url": url})
    with pytest.raises(StartupRefused) as refused:
        create_app(production, engine=engine)
    assert "FIELDSVC_PUBLIC_BASE_URL" in refused.value.message_en
    assert "https://" in refused.value.message_th
    assert main(["serve"], settings=production) == 2
    assert "FIELDSVC_ENVIRONMENT=production" in capsys.readouterr().err


def test_production_with_an_https_public_url_starts(settings: Settings, engine: Engine) -> None:
    production = settings.model_copy(
        update={"environment": "production", "public_base_url": PUBLIC}
    )
    with TestClient(create_app(production, engine=engine), base_url=PUBLIC) as client:
        assert client.get("/healthz").status_code == 200


def test_environment_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIELDSVC_ENVIRONMENT", "production")
    assert Settings(_env_file=None).environment == "production"  # type: ignore[call-arg]
