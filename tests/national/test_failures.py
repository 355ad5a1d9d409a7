"""A failing subdistrict: retried by Dask, then reported with its error while the others
finish; the command's exit status says some failed."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from fieldsvc.cli.main import main
from fieldsvc.config import Settings
from fieldsvc.errors import InvalidInput
from fieldsvc.models import NationalResult, NationalRun, Subdistrict
from fieldsvc.services.national import national_parameters, run_national
from tests.national import faults
from tests.national.checks import table_of
from tests.national.data import CODES

pytestmark = pytest.mark.slow


def _subdistrict_id(engine: Engine, code: str) -> int:
    with Session(engine) as session:
        found = session.exec(select(Subdistrict).where(Subdistrict.code == code)).one()
        return found.id or 0


def test_a_task_failing_once_on_a_worker_process_is_retried_and_finishes(
    register: Engine, database_url: str, settings: Settings, tmp_path: Path
) -> None:
    flaky = _subdistrict_id(register, CODES[1])
    clean = run_national(
        engine=register,
        database_url=database_url,
        parameters=national_parameters(settings, kind="coverage"),
        workers=1,
        processes=False,
    )
    report = run_national(
        engine=register,
        database_url=database_url,
        parameters=national_parameters(settings, kind="coverage"),
        workers=2,
        processes=True,  # real worker processes: the retry may run in the other one
        retries=1,
        task=partial(faults.fail_first_attempt, tmp_path, flaky),
    )
    assert report.failures == []
    assert faults.attempts(tmp_path, flaky) == 2
    assert [faults.attempts(tmp_path, _subdistrict_id(register, c)) for c in CODES] == [1, 2, 1]
    assert list(report.table["status"]) == ["done"] * 3
    assert report.table.drop(columns="seconds").equals(clean.table.drop(columns="seconds"))


def test_a_task_failing_always_is_reported_with_its_error_and_the_others_finish(
    register: Engine, database_url: str, settings: Settings, tmp_path: Path
) -> None:
    broken = _subdistrict_id(register, CODES[0])
    report = run_national(
        engine=register,
        database_url=database_url,
        parameters=national_parameters(settings, kind="allocate", budget_baht=10_000),
        workers=2,
        processes=False,
        retries=2,
        task=partial(faults.always_fail, tmp_path, broken),
    )
    assert faults.attempts(tmp_path, broken) == 3  # the first try and two retries
    assert [(f.code, f.error) for f in report.failures] == [
        (CODES[0], f"RuntimeError: injected: subdistrict {broken} always fails")
    ]
    assert list(report.table["status"]) == ["failed", "done", "done"]
    assert report.table["error"].iloc[0] == report.failures[0].error
    assert report.table["recommended_bins"].iloc[1:].notna().all()
    with Session(register) as session:
        run = session.get(NationalRun, report.run_id)
        assert run is not None
        assert (run.status, run.subdistricts, run.finished, run.failed) == ("partial", 3, 2, 1)
        stored = session.exec(
            select(NationalResult).where(NationalResult.subdistrict_id == broken)
        ).one()
        assert stored.status == "failed" and stored.summary == {}


def test_the_command_exits_1_naming_a_subdistrict_without_villages_and_writes_the_rest(
    register: Engine,
    settings: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with Session(register) as session:
        session.add(Subdistrict(code="999999", name="ตำบลว่าง"))
        session.commit()
    out = tmp_path / "national.xlsx"
    argv = ["coverage", "--all", "--workers", "2", "--out", str(out)]
    assert main(argv, settings=settings) == 1
    captured = capsys.readouterr()
    assert "failed: 999999 ตำบลว่าง: ยังไม่มีข้อมูลหมู่บ้าน" in captured.err
    assert "There are no villages yet" in captured.err
    assert "3 of 4 subdistricts finished" in captured.out
    with Session(register) as session:
        run_id = session.exec(select(NationalRun.id)).one()
    table = table_of(register, run_id or 0)
    assert list(table["code"]) == [*CODES, "999999"]
    assert list(table["status"]) == ["done", "done", "done", "failed"]
    assert out.exists()


def test_allocate_all_needs_a_budget_per_subdistrict_and_the_budget_needs_all(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["allocate", "--all", "--bins", "3"], settings=settings) == 2
    assert "--budget-baht-per-subdistrict" in capsys.readouterr().err
    assert main(["allocate", "--budget-baht-per-subdistrict", "9"], settings=settings) == 2
    assert "goes with --all" in capsys.readouterr().err


def test_an_in_memory_database_is_refused(register: Engine, settings: Settings) -> None:
    with pytest.raises(InvalidInput) as caught:
        run_national(
            engine=register,
            database_url="sqlite://",
            parameters=national_parameters(settings, kind="coverage"),
        )
    assert caught.value.message_en.startswith("Analysing every subdistrict needs a database")
