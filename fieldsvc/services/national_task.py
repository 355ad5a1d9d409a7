"""One subdistrict of a national run: read its slice, analyse it, write the result back.

:func:`analyse_subdistrict` is the task a Dask worker runs. It takes only plain values (the
database URL, the subdistrict's id and a frozen :class:`NationalParameters`) so it pickles and
runs on any worker that has the package installed and can reach the database; each worker
process keeps one engine per URL. The analysis is the same pure code the single-subdistrict
commands run (:mod:`fieldsvc.analysis.coverage`, :mod:`fieldsvc.analysis.allocation`), on the
same frames (:func:`fieldsvc.services.planning.analysis_inputs`, narrowed to the subdistrict).
"""

from __future__ import annotations

import gc
import math
import os
import resource
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from fieldsvc.analysis.allocation import DEFAULT_UNIT_PRICE_BAHT, allocate_bins
from fieldsvc.analysis.coverage import coverage_by_village
from fieldsvc.analysis.errors import AnalysisInputError
from fieldsvc.analysis.national import allocation_summary, coverage_summary
from fieldsvc.analysis.sizing import SizingParameters
from fieldsvc.errors import FieldsvcError, InvalidInput
from fieldsvc.models import NationalResult
from fieldsvc.services.planning import analysis_inputs
from fieldsvc.storage.engine import make_engine, session_scope
from fieldsvc.storage.national import save_result

COVERAGE = "coverage"
ALLOCATE = "allocate"


@dataclass(frozen=True)
class NationalParameters:
    """Everything a task needs besides the database: the run, the kind and the analysis
    parameters (the deployment's settings, resolved once by the client)."""

    run_id: int
    kind: str
    radius_m: float
    detour_factor: float
    sizing: SizingParameters
    budget_baht: float | None = None
    equity_floor_share: float = 0.5
    new_bin_capacity_l: float = 240.0
    unit_price_baht: Mapping[float, float] = field(
        default_factory=lambda: dict(DEFAULT_UNIT_PRICE_BAHT)
    )

    def as_record(self) -> dict[str, Any]:
        """JSON-safe, for the run's ``parameters``."""
        return {
            "kind": self.kind,
            "radius_m": self.radius_m,
            "detour_factor": self.detour_factor,
            "sizing": {k: getattr(self.sizing, k) for k in self.sizing.__dataclass_fields__},
            "budget_baht_per_subdistrict": self.budget_baht,
            "equity_floor_share": self.equity_floor_share,
            "new_bin_capacity_l": self.new_bin_capacity_l,
            "unit_price_baht": {str(int(k)): v for k, v in self.unit_price_baht.items()},
        }


@dataclass(frozen=True)
class SubdistrictOutcome:
    """What a task hands back to the client (the result itself is in the database)."""

    subdistrict_id: int
    status: str  # "done" | "failed" (an input the analysis cannot use; not retried)
    error: str | None
    read_s: float
    analysis_s: float
    write_s: float
    peak_rss_mb: float
    worker: str


@lru_cache(maxsize=4)
def _engine(database_url: str) -> Engine:
    # one engine (and pool) per worker process and database, reused by every task it runs
    return make_engine(database_url)


@lru_cache(maxsize=1)
def _settle_worker() -> None:
    """Once per worker process: move what is alive now (the imported science stack, the
    engine) out of the garbage collector's sight. A task allocates many short-lived objects;
    each full collection otherwise walks every object of the interpreter again (about a
    tenth of a task's time), and none of these will ever be garbage."""
    gc.collect()
    gc.freeze()


def peak_rss_mb() -> float:
    """This worker process's peak resident memory so far, MB.

    Linux's ``VmHWM`` belongs to the running program only; ``ru_maxrss`` also carries the
    peak of the process it was started from (a worker spawned by a big client would report
    the client's peak), so it is only the fallback."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def analyse_subdistrict(
    database_url: str, subdistrict_id: int, parameters: NationalParameters
) -> SubdistrictOutcome:
    """Analyse subdistrict ``subdistrict_id`` and store its result in run ``parameters.run_id``.

    An input the analysis refuses (no villages, a bad parameter) is stored as a failed result
    and returned, not raised: it would fail the same way on every retry. Anything else (the
    database unreachable, a worker out of memory) is raised, and Dask retries the task.
    """
    engine = _engine(database_url)
    _settle_worker()
    worker = f"{socket.gethostname()}:{os.getpid()}"
    started = time.perf_counter()
    error: str | None = None
    summary: dict[str, Any] = {}
    villages_rows: list[dict[str, Any]] = []
    recommendations: list[dict[str, Any]] = []
    with session_scope(engine) as session:
        villages, bins, households = analysis_inputs(session=session, subdistrict_id=subdistrict_id)
    read_s = time.perf_counter() - started
    try:
        if villages.empty:
            raise InvalidInput.of("no_villages_yet", field="villages")
        coverage = coverage_by_village(
            villages,
            bins,
            households,
            radius_m=parameters.radius_m,
            detour_factor=parameters.detour_factor,
            sizing=parameters.sizing,
            # the run keeps the per-village table only; the uncovered-household clusters
            # (polygons) are built only where the allocation starts from them
            cluster_streams=("general",) if parameters.kind == ALLOCATE else (),
        )
        summary = coverage_summary(coverage.by_village)
        villages_rows = exact_rows(coverage.by_village)
        if parameters.kind == ALLOCATE:
            plan = allocate_bins(
                villages,
                bins,
                households,
                budget_baht=parameters.budget_baht,
                unit_price_baht=dict(parameters.unit_price_baht),
                new_bin_capacity_l=parameters.new_bin_capacity_l,
                equity_floor_share=parameters.equity_floor_share,
                radius_m=parameters.radius_m,
                detour_factor=parameters.detour_factor,
                sizing=parameters.sizing,
                # the coverage just computed is the plan's starting point when it was computed
                # for the plan's bin size (the default 240 L); else the plan computes its own
                coverage=(
                    coverage
                    if coverage.parameters["reference_capacity_l"] == parameters.new_bin_capacity_l
                    else None
                ),
            )
            summary |= allocation_summary(plan)
            recommendations = exact_rows(plan.recommendations)
            # labelled as the saved plan's list is (``planning.create_plan``)
            names = {
                int(v.village_id): (int(v.number), str(v.name))
                for v in villages[["village_id", "number", "name"]].itertuples()
            }
            for row in recommendations:
                number, name = names.get(row.get("village_id") or -1, (None, None))
                row["village_number"], row["village_name"] = number, name
    except (FieldsvcError, AnalysisInputError) as exc:
        error = f"{exc.message_th} / {exc.message_en}"
    analysed = time.perf_counter()
    result = NationalResult(
        run_id=parameters.run_id,
        subdistrict_id=subdistrict_id,
        status="failed" if error else "done",
        error=error,
        summary={k: _plain(v) for k, v in summary.items()},
        villages=villages_rows,
        recommendations=recommendations,
        seconds=analysed - started,
        worker=worker,
    )
    with session_scope(engine) as session:
        save_result(session=session, result=result)
    done = time.perf_counter()
    return SubdistrictOutcome(
        subdistrict_id=subdistrict_id,
        status=result.status,
        error=error,
        read_s=read_s,
        analysis_s=analysed - started - read_s,
        write_s=done - analysed,
        peak_rss_mb=peak_rss_mb(),
        worker=worker,
    )


def _plain(value: Any) -> Any:
    """A JSON value that reads back as the same Python value (floats exactly: ``json`` writes
    their shortest round-trip form); NaN, ±inf and missing become None."""
    if isinstance(value, np.datetime64):  # a date held in a column of objects
        value = pd.Timestamp(value)
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def exact_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``frame`` (geometry left out) as JSON-safe dictionaries, numbers kept exactly
    (``planning.json_rows`` rounds to 10 decimals, too coarse to compare runs row for row)."""
    # column by column (``tolist`` gives each cell as Python or pandas scalar, as a row of
    # ``to_dict("records")`` does), then zipped into rows: no per-row pandas machinery
    names = [name for name in frame.columns if name != "geometry"]
    columns = [[_plain(v) for v in frame[name].tolist()] for name in names]
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]
