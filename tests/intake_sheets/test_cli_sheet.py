"""`fieldsvc import bins sheet.csv|sheet.xlsx` end to end."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, func, select

from fieldsvc.cli import main
from fieldsvc.config import Settings
from fieldsvc.models import Submission


def _submissions(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(Submission)).one())


def test_import_bins_dispatches_sheets_and_reruns_add_nothing(
    engine: Engine,
    settings: Settings,
    titled_xlsx: Path,
    thai_cp874_csv: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["import", "bins", str(titled_xlsx), "--sheet", "หมู่ 5"], settings=settings) == 0
    assert "new 3, edited 0, duplicate 0" in capsys.readouterr().out
    assert (
        main(["import", "bins", str(thai_cp874_csv), "--encoding", "cp874"], settings=settings) == 0
    )
    out = capsys.readouterr().out
    assert "new 2," in out and "Row 5" in out and "แถว 7" in out
    assert main(["import", "bins", str(titled_xlsx)], settings=settings) == 0
    assert "new 0, edited 0, duplicate 3" in capsys.readouterr().out
    assert _submissions(engine) == 5


def test_import_bins_of_a_bad_sheet_fails_with_a_message(
    engine: Engine, settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "survey.xlsx"
    path.write_text("รหัสถัง,สภาพ\nA,ใช้งานได้\n", encoding="utf-8")
    assert main(["import", "bins", str(path)], settings=settings) == 2
    error = capsys.readouterr().err
    assert "survey.xlsx" in error and "rename it to .csv" in error
    assert _submissions(engine) == 0
