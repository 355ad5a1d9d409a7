"""The national picture: one analysis over every subdistrict, fanned out with Dask.

``fieldsvc coverage --all`` and ``fieldsvc allocate --all`` come here. :func:`run_national`
records a run, submits one task per subdistrict (:func:`~fieldsvc.services.national_task.
analyse_subdistrict`) to a ``dask.distributed`` cluster — a ``LocalCluster`` on this machine by
default, or the scheduler at ``tcp://host:8786`` whose workers have the package and reach the
database — and follows them as they finish. Dask retries a task that raised (``retries``);
one that still fails is recorded with its error while the others go on. The result is the
national table: one row per subdistrict, read back from what the tasks stored.

Tests inject faults by passing their own ``task`` (a function with the same signature, e.g.
one that fails on its first attempt); production code always runs ``analyse_subdistrict``.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from sqlalchemy import Engine

from fieldsvc.analysis.national import ALLOCATION_COLUMNS, COVERAGE_COLUMNS
from fieldsvc.config import Settings
from fieldsvc.errors import InvalidInput
from fieldsvc.models import NationalResult
from fieldsvc.services.national_task import (
    ALLOCATE,
    COVERAGE,
    NationalParameters,
    SubdistrictOutcome,
    analyse_subdistrict,
)
from fieldsvc.services.planning import sizing_parameters
from fieldsvc.storage.engine import session_scope
from fieldsvc.storage.national import (
    create_run,
    finish_run,
    get_run,
    results_of_run,
    save_result,
    subdistricts_in_order,
    summaries_of_run,
)

#: ``progress(done, total, failed_code_or_None)`` after each subdistrict finishes.
Progress = Callable[[int, int, str | None], None]
Task = Callable[[str, int, NationalParameters], SubdistrictOutcome]

LABEL_COLUMNS = ("code", "name", "district", "province", "status", "error")
DEFAULT_RETRIES = 2


@dataclass(frozen=True)
class Failure:
    code: str
    name: str
    error: str


@dataclass(frozen=True)
class NationalReport:
    """A finished run: its id, the national table and what failed."""

    run_id: int
    kind: str
    cluster: str
    table: gpd.GeoDataFrame
    failures: list[Failure]
    outcomes: list[SubdistrictOutcome] = field(default_factory=list)
    seconds: float = 0.0


def national_parameters(
    settings: Settings,
    *,
    kind: str,
    radius_m: float | None = None,
    detour_factor: float | None = None,
    budget_baht: float | None = None,
    equity_floor_share: float = 0.5,
) -> NationalParameters:
    """The task parameters from the deployment's settings, resolved as the single-subdistrict
    commands resolve them (:func:`fieldsvc.services.planning.create_plan`)."""
    if kind == ALLOCATE and budget_baht is None:
        raise InvalidInput.of("budget_or_bins_missing", field="budget_baht_per_subdistrict")
    if budget_baht is not None and budget_baht < 0:
        raise InvalidInput.of("national_budget_negative", field="budget_baht_per_subdistrict")
    return NationalParameters(
        run_id=0,
        kind=kind,
        radius_m=radius_m or settings.service_radius_m,
        detour_factor=detour_factor or settings.detour_factor,
        sizing=sizing_parameters(settings),
        budget_baht=budget_baht,
        equity_floor_share=equity_floor_share,
    )


@contextmanager
def dask_client(
    *, scheduler: str | None = None, workers: int | None = None, processes: bool = True
) -> Iterator[tuple[Any, str]]:
    """A ``distributed.Client`` and a line saying where it runs, closed when the block ends.

    Without ``scheduler`` a ``LocalCluster`` of ``workers`` single-threaded workers (default:
    one per core) is started here and stopped after; ``processes=False`` keeps the workers as
    threads of this process (small runs, tests).
    """
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout="20s")
        except OSError as exc:
            raise InvalidInput.of(
                "national_scheduler_unreachable", field="scheduler", address=scheduler
            ) from exc
        try:
            yield client, f"scheduler {scheduler}"
        finally:
            client.close()
        return
    count = workers or os.cpu_count() or 1
    with (
        LocalCluster(
            n_workers=count,
            threads_per_worker=1,
            processes=processes,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        kind = "processes" if processes else "threads"
        yield client, f"LocalCluster {count} workers ({kind})"


def run_national(
    *,
    engine: Engine,
    database_url: str,
    parameters: NationalParameters,
    scheduler: str | None = None,
    workers: int | None = None,
    processes: bool = True,
    retries: int = DEFAULT_RETRIES,
    progress: Progress | None = None,
    task: Task = analyse_subdistrict,
) -> NationalReport:
    """Run ``parameters.kind`` (coverage or allocate) for every subdistrict on Dask.

    ``engine`` is this process's connection to the database the workers reach at
    ``database_url`` (a server or a file every worker can open; an in-memory database is
    refused). Returns when every subdistrict has finished or failed.
    """
    if parameters.kind not in (COVERAGE, ALLOCATE):
        raise ValueError(f"unknown national analysis {parameters.kind!r}")
    if database_url in ("sqlite://", "sqlite:///:memory:"):
        raise InvalidInput.of("national_memory_database", field="database_url")
    started = time.perf_counter()
    with session_scope(engine) as session:
        subdistricts = [(s.id or 0, s.code, s.name) for s in subdistricts_in_order(session=session)]
    if not subdistricts:
        raise InvalidInput.of("national_no_subdistricts", field="subdistricts")
    failures: list[Failure] = []
    outcomes: list[SubdistrictOutcome] = []
    with dask_client(scheduler=scheduler, workers=workers, processes=processes) as (
        client,
        where,
    ):
        with session_scope(engine) as session:
            run = create_run(
                session=session,
                kind=parameters.kind,
                parameters=parameters.as_record(),
                cluster=where,
                subdistricts=len(subdistricts),
            )
            run_id = run.id or 0
        params = replace(parameters, run_id=run_id)
        # one graph of all the tasks, sent to the scheduler at once
        submitted = client.map(
            task,
            [database_url] * len(subdistricts),
            [sid for sid, _, _ in subdistricts],
            [params] * len(subdistricts),
            key=[f"{params.kind}-{code}-run{run_id}" for _, code, _ in subdistricts],
            retries=retries,
            pure=False,
        )
        futures = dict(zip(submitted, subdistricts, strict=True))
        failures, outcomes = _follow(engine, run_id, futures, progress)
    with session_scope(engine) as session:
        stored = get_run(session=session, run_id=run_id)
        assert stored is not None
        finish_run(
            session=session,
            run=stored,
            finished=len(subdistricts) - len(failures),
            failed=len(failures),
        )
    with session_scope(engine) as session:
        table = national_table(session=session, run_id=run_id)
    return NationalReport(
        run_id=run_id,
        kind=parameters.kind,
        cluster=where,
        table=table,
        failures=failures,
        outcomes=outcomes,
        seconds=time.perf_counter() - started,
    )


def _follow(
    engine: Engine,
    run_id: int,
    futures: dict[Any, tuple[int, str, str]],
    progress: Progress | None,
) -> tuple[list[Failure], list[SubdistrictOutcome]]:
    """Wait for each task as it finishes; record the ones that failed after their retries."""
    from distributed import as_completed

    failures: list[Failure] = []
    outcomes: list[SubdistrictOutcome] = []
    # results fetched by the client's event loop as tasks finish, not one blocking
    # ``future.result()`` round trip from this thread per task
    finished = as_completed(list(futures), with_results=True, raise_errors=False)
    for done, (future, result) in enumerate(finished, start=1):
        sid, code, name = futures[future]
        failed: str | None = None
        if future.status == "finished":
            outcome: SubdistrictOutcome = result
            outcomes.append(outcome)
            failed = outcome.error if outcome.status == "failed" else None
        else:
            # "error" after its retries (KilledWorker when its worker died each time), or
            # "cancelled" when the scheduler lost it
            exc = future.exception() if future.status == "error" else None
            failed = f"{type(exc).__name__}: {exc}" if exc is not None else future.status
            with session_scope(engine) as session:
                save_result(
                    session=session,
                    result=NationalResult(
                        run_id=run_id, subdistrict_id=sid, status="failed", error=failed
                    ),
                )
        if failed is not None:
            failures.append(Failure(code=code, name=name, error=failed))
        future.release()
        if progress is not None:
            progress(done, len(futures), code if failed is not None else None)
    return failures, outcomes


def national_table(*, session: Any, run_id: int) -> gpd.GeoDataFrame:
    """Run ``run_id`` as one row per subdistrict (by code): labels, status and error, the
    summary columns, the seconds its task took, and the subdistrict boundary (EPSG:4326)."""
    run = get_run(session=session, run_id=run_id)
    if run is None:
        raise InvalidInput.of("national_run_not_found", field="run", run_id=run_id)
    columns = [*COVERAGE_COLUMNS, *(ALLOCATION_COLUMNS if run.kind == ALLOCATE else ())]
    records: list[dict[str, Any]] = []
    shapes: list[Any] = []
    for subdistrict, status, error, summary, seconds in summaries_of_run(
        session=session, run_id=run_id
    ):
        summary = summary or {}
        records.append(
            {
                "code": subdistrict.code,
                "name": subdistrict.name,
                "district": subdistrict.district,
                "province": subdistrict.province,
                "status": status,
                "error": error,
                **{c: summary.get(c, np.nan) for c in columns},
                "seconds": seconds,
            }
        )
        shapes.append(subdistrict.boundary)
    frame = pd.DataFrame.from_records(
        records, columns=[*LABEL_COLUMNS, *columns, "seconds"]
    ).astype({c: "float64" for c in [*columns, "seconds"]})
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(shapes, crs=4326), crs=4326)


def village_rows(*, session: Any, run_id: int) -> dict[str, list[dict[str, Any]]]:
    """Each finished subdistrict's per-village table in run ``run_id``, by code."""
    return {
        subdistrict.code: list(result.villages)
        for result, subdistrict in results_of_run(session=session, run_id=run_id)
        if result is not None and result.status == "done"
    }


def recommendation_rows(*, session: Any, run_id: int) -> dict[str, list[dict[str, Any]]]:
    """Each finished subdistrict's funded items in run ``run_id`` (allocation), by code."""
    return {
        subdistrict.code: list(result.recommendations)
        for result, subdistrict in results_of_run(session=session, run_id=run_id)
        if result is not None and result.status == "done"
    }


def codes_of(failures: Sequence[Failure]) -> list[str]:
    return [f.code for f in failures]
