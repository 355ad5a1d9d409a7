"""``fieldsvc import traffy`` end to end: counts and malformed rows printed; a bad file is a
message and exit status 2, not a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select

from fieldsvc.cli import main
from fieldsvc.config import Settings
from fieldsvc.models import TraffyTicket
from tests.real_formats.make_traffy import write_traffy_csv


def test_the_command_imports_and_prints_counts_and_rows(
    wiang: Session, settings: Settings, folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(write_traffy_csv(folder / "bangkok_traffy.csv"))
    assert main(["import", "traffy", path], settings=settings) == 0
    out = capsys.readouterr().out
    assert "Read 12, kept 4 (new 4, updated 0, unchanged 0), outside the subdistrict 2" in out
    assert "other type 2, unusable coordinates or ticket number 4" in out
    assert "Row 10:" in out and "19.900,99.830 (ticket 2024-BAD001)" in out
    assert main(["import", "traffy", path], settings=settings) == 0
    assert "kept 4 (new 0, updated 0, unchanged 4)" in capsys.readouterr().out
    wiang.expire_all()
    assert len(wiang.exec(select(TraffyTicket)).all()) == 4


def test_a_file_that_is_no_export_exits_2_with_a_message(
    wiang: Session, settings: Settings, folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = folder / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
    assert main(["import", "traffy", str(path)], settings=settings) == 2
    captured = capsys.readouterr()
    assert "'photo.csv' is not readable CSV or GeoJSON text" in captured.err + captured.out
    assert "Traceback" not in captured.err
