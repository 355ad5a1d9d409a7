"""``fieldsvc coverage --all`` and ``fieldsvc allocate --all``: every subdistrict on Dask.

Thin: parse → :func:`fieldsvc.services.national.run_national` → print the table and write
the files. Exit status 0 when every subdistrict finished, 1 when some failed (listed with
their errors on stderr), 2 for bad input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldsvc.cli.console import say

if TYPE_CHECKING:
    from fieldsvc.config import Settings

SHOWN = (
    "code",
    "name",
    "status",
    "households_within_reach",
    "covered_share",
    "capacity_ratio",
    "bins_usable",
)
SHOWN_ALLOCATE = ("recommended_bins", "cost_baht")


def add_arguments(parser: Any) -> None:
    """The options of the national run, on ``coverage`` and ``allocate``."""
    parser.add_argument(
        "--all",
        action="store_true",
        help="every subdistrict in the database, one Dask task each (the national table)",
    )
    parser.add_argument(
        "--scheduler",
        metavar="tcp://HOST:8786",
        help="with --all: run on this Dask scheduler's workers (default: a LocalCluster here)",
    )
    parser.add_argument(
        "--workers", type=int, help="with --all and no --scheduler: local workers (default: cores)"
    )
    parser.add_argument(
        "--retries",
        type=int,
        default=2,
        help="with --all: times a failed subdistrict task is tried again (default 2)",
    )


def _counter(done: int, total: int, failed: str | None) -> None:
    note = f"  failed: {failed}" if failed else ""
    print(f"\r  {done:,}/{total:,} subdistricts ({100 * done // total}%){note}", end="",
          file=sys.stderr, flush=True)  # fmt: skip
    if failed or done == total:
        print(file=sys.stderr, flush=True)


def refuse_subdistrict_with_all(args: argparse.Namespace, *, command: str) -> None:
    """``--all`` is every subdistrict: naming one as well is a usage error, not a choice."""
    from fieldsvc.errors import InvalidInput

    if getattr(args, "subdistrict", None):
        raise InvalidInput.of(
            "national_all_with_subdistrict",
            field="subdistrict",
            command=command,
            code=args.subdistrict,
        )


def run_all(args: argparse.Namespace, settings: Settings, *, kind: str) -> int:
    from fieldsvc.cli.db import upgraded_engine
    from fieldsvc.reports.national import write_national_table
    from fieldsvc.services.national import national_parameters, run_national

    parameters = national_parameters(
        settings,
        kind=kind,
        radius_m=args.radius_m,
        detour_factor=getattr(args, "detour_factor", None),
        budget_baht=getattr(args, "budget_baht_per_subdistrict", None),
        equity_floor_share=getattr(args, "equity_floor", 0.5),
    )
    report = run_national(
        engine=upgraded_engine(settings),
        database_url=settings.effective_database_url,
        parameters=parameters,
        scheduler=args.scheduler,
        workers=args.workers,
        retries=args.retries,
        progress=_counter,
    )
    table = report.table
    title = [
        f"{'ความครอบคลุม' if kind == 'coverage' else 'การจัดสรรถัง'}รายตำบล ครั้งที่ {report.run_id}",
        f"National {kind} run {report.run_id}: {len(table)} subdistricts, {report.cluster}",
    ]
    for out in args.out or []:
        write_national_table(table, Path(out), title=title)
        say(f"เขียนตารางแล้ว / national table written: {out} ({len(table)} rows)")
    shown = [*SHOWN, *(SHOWN_ALLOCATE if kind == "allocate" else ())]
    say(table[shown].to_string(index=False))
    say(
        f"run {report.run_id}: {len(table) - len(report.failures)} of {len(table)} subdistricts "
        f"finished in {report.seconds:.1f} s on {report.cluster}"
    )
    for failure in report.failures:
        print(f"ผิดพลาด / failed: {failure.code} {failure.name}: {failure.error}",
              file=sys.stderr, flush=True)  # fmt: skip
    return 1 if report.failures else 0
