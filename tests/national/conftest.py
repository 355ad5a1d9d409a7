"""Fixtures of the national run: a synthetic register of three subdistricts (SQLite file or
PostGIS), each subdistrict's results from today's single-subdistrict commands on an install of
its own, and a Dask scheduler with two separate worker processes on loopback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine

from bench.national_register import build_national_register
from fieldsvc.cli.main import main
from fieldsvc.config import Settings
from fieldsvc.storage.engine import make_engine
from fieldsvc.storage.migrate import upgrade_database
from tests.national.data import BUDGET_BAHT, CODES, REPO, SIZE, SUBDISTRICTS, Alone


@pytest.fixture(autouse=True)
def _environment_restored() -> Iterator[None]:
    """A local cluster's nanny sets OMP_NUM_THREADS=1 and friends in the process that starts its
    workers (dask's ``pre-spawn-environ``); put the test process's environment back, so later
    tests in the same worker (``nproc`` in the install script) see the machine as it is."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture
def register(engine: Engine, database_url: str, settings: Settings) -> Engine:
    """The three-subdistrict register in the test database (every worker can open it)."""
    build_national_register(engine, subdistricts=SUBDISTRICTS, size=SIZE)
    return engine


@pytest.fixture(scope="module")
def alone(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Alone]:
    """Each subdistrict through today's `fieldsvc coverage` and `fieldsvc allocate`, run on a
    SQLite install of its own built with the same seed (the same rows as in the register)."""
    results: dict[str, Alone] = {}
    for i, code in enumerate(CODES):
        root = tmp_path_factory.mktemp(f"alone-{code}")
        url = f"sqlite:///{root / 'fieldsvc.sqlite3'}"
        engine = make_engine(url)
        upgrade_database(engine)
        build_national_register(engine, subdistricts=SUBDISTRICTS, size=SIZE, only=[i])
        engine.dispose()
        settings = Settings(data_dir=root, database_url=url)
        assert main(["coverage", "--out", str(root / "coverage.csv")], settings=settings) == 0
        argv = ["allocate", "--budget-baht", str(BUDGET_BAHT), "--out", str(root / "plan.csv")]
        assert main(argv, settings=settings) == 0
        results[code] = Alone(
            coverage=pd.read_csv(root / "coverage.csv", encoding="utf-8-sig"),
            recommendations=pd.read_csv(root / "plan.csv", encoding="utf-8-sig"),
        )
    return results


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in reversed(processes):
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def dask_scheduler(tmp_path: Path) -> Iterator[str]:
    """``dask scheduler`` on 127.0.0.1 (a free port it picks, read from its scheduler file) and
    two ``dask worker`` processes, each its own OS process; all stopped after the test."""
    dask = str(Path(sys.executable).parent / "dask")
    scheduler_file = tmp_path / "scheduler.json"
    env = {**os.environ, "PYTHONPATH": str(REPO)}  # workers import fieldsvc and tests.*
    logs = tmp_path / "dask-logs"
    logs.mkdir()
    processes: list[subprocess.Popen[bytes]] = []

    def start(name: str, argv: list[str]) -> None:
        with open(logs / f"{name}.log", "wb") as log:
            processes.append(
                subprocess.Popen(argv, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
            )

    try:
        start(
            "scheduler",
            [dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
             "--scheduler-file", str(scheduler_file)],
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while not scheduler_file.exists() or not scheduler_file.read_text().strip():
            assert processes[0].poll() is None, (logs / "scheduler.log").read_text()
            assert time.monotonic() < deadline, "the scheduler did not start"
            time.sleep(0.2)
        address = json.loads(scheduler_file.read_text())["address"]
        for n in (1, 2):
            start(
                f"worker{n}",
                [dask, "worker", address, "--nthreads", "1", "--nworkers", "1",
                 "--host", "127.0.0.1", "--no-dashboard", "--name", f"worker{n}"],
            )  # fmt: skip
        from distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        _stop(processes)
