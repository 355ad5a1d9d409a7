"""`coverage --all` and `allocate --all`: the same rows, row for row, on a LocalCluster of
threads, of worker processes, on a scheduler with two separate workers, and from each
subdistrict run alone through today's commands; on SQLite files and on PostGIS."""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from openpyxl import load_workbook
from shapely.geometry import MultiPolygon
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from fieldsvc.cli.main import main
from fieldsvc.config import Settings
from fieldsvc.models import NationalResult, Subdistrict
from fieldsvc.services.national import national_parameters, run_national
from tests.national.checks import assert_run_matches_alone, runs, table_of
from tests.national.data import BUDGET_BAHT, CODES, Alone

pytestmark = pytest.mark.slow


def _allocate_argv(*extra: str) -> list[str]:
    return ["allocate", "--all", "--budget-baht-per-subdistrict", str(BUDGET_BAHT), *extra]


def test_local_cluster_of_threads_matches_each_subdistrict_alone(
    register: Engine, database_url: str, settings: Settings, alone: dict[str, Alone]
) -> None:
    for kind, budget in (("coverage", None), ("allocate", BUDGET_BAHT)):
        report = run_national(
            engine=register,
            database_url=database_url,
            parameters=national_parameters(settings, kind=kind, budget_baht=budget),
            workers=2,
            processes=False,
        )
        assert report.failures == []
        assert list(report.table["code"]) == CODES
        assert_run_matches_alone(register, report.run_id, alone)


def test_cli_on_local_worker_processes_matches_alone_and_writes_the_national_table(
    register: Engine,
    settings: Settings,
    alone: dict[str, Alone],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    parquet, xlsx = tmp_path / "national.parquet", tmp_path / "national.xlsx"
    argv = ["coverage", "--all", "--workers", "2", "--out", str(parquet), "--out", str(xlsx)]
    assert main(argv, settings=settings) == 0
    assert main(_allocate_argv("--workers", "2"), settings=settings) == 0
    coverage_run, allocate_run = runs(register)
    assert (coverage_run.kind, allocate_run.kind) == ("coverage", "allocate")
    assert coverage_run.cluster == "LocalCluster 2 workers (processes)"
    assert_run_matches_alone(register, coverage_run.id or 0, alone)
    assert_run_matches_alone(register, allocate_run.id or 0, alone)
    with Session(register) as session:
        workers = session.exec(select(NationalResult.worker)).all()
        boundaries = {
            s.code: s.boundary
            for s in session.exec(select(Subdistrict).order_by(col(Subdistrict.code)))
        }
    # the tasks ran in worker processes, not in this one
    assert all(w and not w.endswith(f":{os.getpid()}") for w in workers)
    assert "3 of 3 subdistricts finished" in capsys.readouterr().out

    # GeoParquet: one row per subdistrict, its boundary, the same numbers as the database
    national = gpd.read_parquet(parquet)
    assert national.crs.to_epsg() == 4326
    assert list(national["code"]) == CODES
    for code, shape in zip(national["code"], national.geometry, strict=True):
        assert isinstance(shape, MultiPolygon) and shape.equals(boundaries[code])
    stored = table_of(register, coverage_run.id or 0)
    pd.testing.assert_frame_equal(
        pd.DataFrame(national.drop(columns="geometry")),
        pd.DataFrame(stored.drop(columns="geometry")),
    )

    # XLSX: title, Thai/English headers, a row per subdistrict, totals that add up
    sheet = load_workbook(xlsx, data_only=True).active
    assert sheet is not None
    rows = [r for r in sheet.iter_rows(values_only=True) if any(v is not None for v in r)]
    header_at = next(i for i, r in enumerate(rows) if r[0] == "รหัสตำบล\ncode")
    header = list(rows[header_at])
    body = rows[header_at + 1 : header_at + 4]
    assert [r[0] for r in body] == CODES
    reach = header.index("ครัวเรือนในระยะบริการ\nwithin reach")
    total = rows[header_at + 4]
    assert total[0] == "รวมทั้งสิ้น"
    assert total[reach] == pytest.approx(stored["households_within_reach"].sum())


def test_scheduler_with_two_separate_workers_matches_alone(
    register: Engine,
    settings: Settings,
    alone: dict[str, Alone],
    dask_scheduler: str,
) -> None:
    assert main(["coverage", "--all", "--scheduler", dask_scheduler], settings=settings) == 0
    assert main(_allocate_argv("--scheduler", dask_scheduler), settings=settings) == 0
    coverage_run, allocate_run = runs(register)
    assert coverage_run.cluster == f"scheduler {dask_scheduler}"
    assert_run_matches_alone(register, coverage_run.id or 0, alone)
    assert_run_matches_alone(register, allocate_run.id or 0, alone)
    with Session(register) as session:
        workers = set(session.exec(select(NationalResult.worker)).all())
    assert all(w and not w.endswith(f":{os.getpid()}") for w in workers)


def test_the_national_rows_are_the_same_on_every_cluster(
    register: Engine, database_url: str, settings: Settings
) -> None:
    """Threads and worker processes store identical rows (not only within 1e-9)."""
    tables = []
    for processes in (False, True):
        report = run_national(
            engine=register,
            database_url=database_url,
            parameters=national_parameters(settings, kind="allocate", budget_baht=BUDGET_BAHT),
            workers=2,
            processes=processes,
        )
        tables.append(report.table.drop(columns="seconds"))
    pd.testing.assert_frame_equal(tables[0], tables[1])
