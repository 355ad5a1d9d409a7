"""`fieldsvc serve` and `fieldsvc demo` listen where --host/--port say (the settings otherwise)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from fieldsvc.cli import main
from fieldsvc.config import Settings


@pytest.fixture
def listened(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Where uvicorn would have listened, one entry per run (nothing is served)."""
    import uvicorn

    runs: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: runs.append(options))
    return runs


def test_serve_listens_on_the_host_and_port_given(
    settings: Settings, engine: Engine, listened: list[dict[str, Any]]
) -> None:
    assert main(["serve", "--host", "0.0.0.0", "--port", "8123"], settings=settings) == 0
    assert (listened[-1]["host"], listened[-1]["port"]) == ("0.0.0.0", 8123)


def test_serve_defaults_to_the_settings(
    tmp_path: Path, database_url: str, engine: Engine, listened: list[dict[str, Any]]
) -> None:
    settings = Settings(
        data_dir=tmp_path / "var", database_url=database_url, host="10.0.0.5", port=9000
    )
    assert main(["serve"], settings=settings) == 0
    assert main(["serve", "--port", "9001"], settings=settings) == 0
    assert [(r["host"], r["port"]) for r in listened] == [("10.0.0.5", 9000), ("10.0.0.5", 9001)]


@pytest.mark.parametrize("port", ["0", "70000", "http"])
def test_a_port_out_of_range_is_refused_with_status_2(
    port: str, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["serve", "--port", port], settings=settings)
    assert stop.value.code == 2
    assert f"not a port number (1–65535): '{port}'" in capsys.readouterr().err
