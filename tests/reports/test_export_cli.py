"""``fieldsvc export`` on a tiny register: files written from saved plans, clear refusals."""

from __future__ import annotations

import argparse
import csv
import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import Session

from fieldsvc.cli import reports as cli_reports
from fieldsvc.config import Settings
from fieldsvc.errors import FieldsvcError, NotFound
from fieldsvc.services import planning
from tests.test_planning import _seed


def _run(settings: Settings, *argv: str) -> int:
    parser = argparse.ArgumentParser(prog="fieldsvc")
    cli_reports.register(parser.add_subparsers(required=True))
    args = parser.parse_args(["export", *argv])
    status: int = args.handler(args, settings)
    return status


def test_no_plan_yet_is_a_clear_error(session: Session, settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(NotFound) as caught:
        _run(settings, "allocation", "--out", str(tmp_path / "a.pdf"))
    assert "fieldsvc allocate" in caught.value.message_th
    with pytest.raises(FieldsvcError, match="published"):
        _run(settings, "allocation", "--published", "--out", str(tmp_path / "a.pdf"))


def test_unknown_format_names_what_is_allowed(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(FieldsvcError) as caught:
        _run(settings, "allocation", "--out", str(tmp_path / "a.txt"))
    assert caught.value.field == "format" and "xlsx" in caught.value.message_th


def test_export_a_saved_plan_in_every_format(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    _seed(session)
    plan = planning.create_plan(
        session=session, settings=settings, budget_baht=10_000, today=date(2026, 11, 26)
    )
    planning.publish_plan(session=session, plan=plan)
    session.commit()
    for kind in ("pdf", "xlsx", "csv"):
        out = tmp_path / f"list.{kind}"
        assert _run(settings, "allocation", "--published", "--out", str(out)) == 0
        assert out.stat().st_size > 500
    assert (tmp_path / "list.pdf").read_bytes().startswith(b"%PDF")
    book = openpyxl.load_workbook(tmp_path / "list.xlsx", data_only=True)
    rows = list(book["รายการจัดสรร"].iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "ลำดับความสำคัญ")
    total = dict(zip(header, rows[-1], strict=True))
    assert total["จำนวนเงิน (บาท)"] == pytest.approx(plan.spent_baht)
    assert total["จำนวน (ใบ)"] == sum(r["count"] for r in plan.recommendations)
    first = dict(zip(header, rows[rows.index(header) + 1], strict=True))
    assert first["รหัสถังเดิม"] == "B2"  # the missing bin, named by the code painted on it
    lines = list(csv.reader(io.StringIO((tmp_path / "list.csv").read_text("utf-8-sig"))))
    assert len(lines) == 1 + len(plan.recommendations)


def test_export_coverage(session: Session, settings: Settings, tmp_path: Path) -> None:
    _seed(session)
    out = tmp_path / "coverage.csv"
    assert _run(settings, "coverage", "--stream", "general", "--out", str(out)) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"))))
    covered = {r["หมู่บ้าน"]: int(r["ครัวเรือนที่อยู่ในระยะ"]) for r in rows}
    assert covered == {"บ้านหนึ่ง": 20, "บ้านสอง": 0}
    assert _run(settings, "coverage", "--format", "xlsx", "--out", str(tmp_path / "c.xlsx")) == 0
