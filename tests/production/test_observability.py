"""Access lines with request ids, tokens redacted from every log line, /readyz."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from fieldsvc.api.app import create_app
from fieldsvc.api.observability import JsonFormatter, RedactTokens, redact
from fieldsvc.config import Settings
from fieldsvc.services.readiness import missing_vendor_assets, readiness_checks
from fieldsvc.storage.engine import make_engine
from fieldsvc.storage.migrate import alembic_config, upgrade_database

TOKEN = "s3cr3t-Tok3n_abcdefghijklmnop"


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def access_lines() -> Iterator[Lines]:
    lines = Lines()
    lines.addFilter(RedactTokens())
    logger = logging.getLogger("fieldsvc.access")
    logger.addHandler(lines)
    yield lines
    logger.removeHandler(lines)


def test_redact_hides_tokens_in_paths_queries_and_headers() -> None:
    assert redact(f"GET /login/{TOKEN} 303") == "GET /login/[redacted] 303"
    assert (
        redact(f'"POST /openrosa/{TOKEN}/submission HTTP/1.1" 201')
        == '"POST /openrosa/[redacted]/submission HTTP/1.1" 201'
    )
    assert redact(f"/m/?a=1&token={TOKEN}&b=2") == "/m/?a=1&token=[redacted]&b=2"
    assert redact(f"/m/#token={TOKEN}") == "/m/#token=[redacted]"
    assert redact(f"Authorization: Bearer {TOKEN}") == "Authorization: Bearer [redacted]"
    assert redact("GET /bins/SB-00001 200") == "GET /bins/SB-00001 200"


def test_uvicorn_access_record_is_redacted_through_its_arguments() -> None:
    # uvicorn passes the path as an argument: '%s - "%s %s HTTP/%s" %d'
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", f"/openrosa/{TOKEN}/formList?token={TOKEN}", "1.1", 200),
        None,
    )  # fmt: skip
    assert RedactTokens().filter(record)
    message = record.getMessage()
    assert TOKEN not in message
    assert "/openrosa/[redacted]/formList?token=[redacted]" in message


def test_one_access_line_per_request_with_the_request_id_echoed(
    engine: Engine, settings: Settings, access_lines: Lines
) -> None:
    with TestClient(create_app(settings, engine=engine)) as client:
        given = client.get("/healthz", headers={"X-Request-ID": "phone-42.abc"})
        fresh = client.get(f"/login/{TOKEN}?next=/review&token={TOKEN}", follow_redirects=False)
        bad_id = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert given.headers["x-request-id"] == "phone-42.abc"
    assert len(fresh.headers["x-request-id"]) == 32
    assert bad_id.headers["x-request-id"] != "bad id with spaces"
    lines = [r for r in access_lines.records if r.name == "fieldsvc.access"]
    assert len(lines) == 3
    assert lines[0].getMessage().startswith("GET /healthz 200 ")
    assert lines[0].request_id == "phone-42.abc"  # type: ignore[attr-defined]
    login = lines[1].getMessage()
    assert login.startswith("GET /login/[redacted]?next=…&token=[redacted] ")
    assert TOKEN not in login
    assert lines[1].request_id == fresh.headers["x-request-id"]  # type: ignore[attr-defined]


def test_json_lines_carry_the_request_fields(
    engine: Engine, tmp_path: Path, database_url: str, access_lines: Lines
) -> None:
    settings = Settings(data_dir=tmp_path / "var", database_url=database_url, log_format="json")
    with TestClient(create_app(settings, engine=engine)) as client:
        client.get(f"/openrosa/{TOKEN}/formList", headers={"X-Request-ID": "r-1"})
    (record,) = [r for r in access_lines.records if r.name == "fieldsvc.access"]
    entry = json.loads(JsonFormatter().format(record))
    assert entry["request_id"] == "r-1"
    assert entry["path"] == "/openrosa/[redacted]/formList"
    assert entry["method"] == "GET" and isinstance(entry["status"], int)
    assert entry["logger"] == "fieldsvc.access" and entry["level"] == "INFO"
    assert TOKEN not in json.dumps(entry)
    assert "client" not in entry and "user_agent" not in entry


def test_readyz_is_ready_on_a_migrated_database(engine: Engine, settings: Settings) -> None:
    with TestClient(create_app(settings, engine=engine)) as client:
        response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["checks"]["migrations"]["current"] == body["checks"]["migrations"]["head"]


def test_readyz_says_not_ready_before_migrations(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "var")
    fresh = make_engine(settings.effective_database_url)
    upgrade_database(fresh)
    command.downgrade(alembic_config(fresh), "-1")  # the app never downgrades; the test does
    try:
        with TestClient(create_app(settings, engine=fresh)) as client:
            response = client.get("/readyz")
    finally:
        fresh.dispose()
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"]["ok"] is True
    assert checks["migrations"]["ok"] is False
    assert checks["migrations"]["current"] != checks["migrations"]["head"]


def test_readiness_names_missing_assets_and_an_unreachable_database(tmp_path: Path) -> None:
    vendor = tmp_path / "vendor"
    vendor.mkdir()
    missing = missing_vendor_assets(vendor)
    assert "supercluster/supercluster.min.js" in missing
    assert any(name.startswith("leaflet/") for name in missing)
    unreachable = make_engine("postgresql+psycopg://nobody:x@127.0.0.1:1/none")
    checks = readiness_checks(engine=unreachable, vendor_dir=vendor)
    assert checks["database"] == {"ok": False, "error": "OperationalError"}
    assert checks["migrations"]["ok"] is False
    assert checks["assets"]["ok"] is False
    assert missing_vendor_assets() == []  # the installed package has them all


def test_uvicorn_access_formatter_still_formats_a_redacted_record() -> None:
    from uvicorn.logging import AccessFormatter

    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", f"/login/{TOKEN}", "1.1", 303), None,
    )  # fmt: skip
    RedactTokens().filter(record)
    line = AccessFormatter(use_colors=False).format(record)
    assert '"GET /login/[redacted] HTTP/1.1" 303' in line
    assert TOKEN not in line
