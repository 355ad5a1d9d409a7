"""The national picture on Dask: coverage and allocation for every subdistrict of a seeded
synthetic national register, on a LocalCluster of 1 and of 2 worker processes.

    .venv/bin/python -m bench.national_bench --scale 0.01          # 1 %: 78 subdistricts
    .venv/bin/python -m bench.national_bench --scale 1             # 7,850 subdistricts, 25 M
    .venv/bin/python -m bench.national_bench --database-url postgresql+psycopg://…/fieldsvc_bench
    .venv/bin/python -m bench.national_bench --scale 1 --workers 2 --register /var/tmp/nat.sqlite3

``--register FILE`` (SQLite only) keeps the built register in FILE, or, when FILE exists, runs
on a fresh copy of it instead of building it again (the national one takes a while to build).

Prints, per run: wall time, the tasks' summed read / analysis / write seconds, each worker's
peak RSS (``VmHWM`` of the worker process, read by its tasks), the speed-up from 1 to 2
workers, and the projected wall time on N workers from the per-task times (sum / N, never
below the longest task, plus the run's fixed cost measured here) — for this register and
scaled to the full national one. Not a test: it never fails on time.

The database is a fresh SQLite file in a temporary folder unless ``--database-url`` names one
(that database is EMPTIED first: use a dedicated one). On SQLite the workers' result writes
queue for the one writer; a cluster of many workers wants PostgreSQL.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from bench.national_register import FULL_SUBDISTRICTS, build_national_register, register_counts
from fieldsvc.config import Settings
from fieldsvc.services.national import NationalReport, national_parameters, run_national
from fieldsvc.services.national_task import peak_rss_mb
from fieldsvc.storage.engine import make_engine
from fieldsvc.storage.migrate import upgrade_database
from fieldsvc.storage.national import results_of_run

PROJECTED_WORKERS = (1, 2, 4, 8, 16, 32, 64, 128)
TARGET_MINUTES = 15


def _emptied(url: str) -> None:
    from sqlalchemy import text

    engine = make_engine(url)
    with engine.begin() as connection:
        names = connection.execute(
            text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'spatial_ref_sys'"
            )
        ).scalars()
        for name in list(names):
            connection.execute(text(f'DROP TABLE IF EXISTS "{name}" CASCADE'))
    engine.dispose()


def _describe(report: NationalReport, workers: int) -> dict[str, float]:
    outcomes = report.outcomes
    read = sum(o.read_s for o in outcomes)
    analysis = sum(o.analysis_s for o in outcomes)
    write = sum(o.write_s for o in outcomes)
    per_worker: dict[str, float] = defaultdict(float)
    for o in outcomes:
        per_worker[o.worker] = max(per_worker[o.worker], o.peak_rss_mb)
    tasks = [o.read_s + o.analysis_s + o.write_s for o in outcomes]
    n = max(1, len(outcomes))
    print(
        f"  {report.kind:<9} {workers} worker(s): wall {report.seconds:7.1f} s · tasks "
        f"{len(outcomes)} ({len(report.failures)} failed) · summed read {read:.1f} s, "
        f"analysis {analysis:.1f} s, write {write:.1f} s · longest task {max(tasks):.2f} s"
        f" · per subdistrict {1000 * read / n:.0f} / {1000 * analysis / n:.0f} / "
        f"{1000 * write / n:.0f} ms"
    )
    for worker, peak in sorted(per_worker.items()):
        print(f"      worker {worker}: peak RSS {peak:,.0f} MB")
    return {
        "wall": report.seconds,
        "task_sum": sum(tasks),
        "task_max": max(tasks),
        "peak_mb": max(per_worker.values()),
    }


def _projection(kind: str, one: dict[str, float], subdistricts: int) -> None:
    # the fixed cost: cluster start, run bookkeeping, reading the national table back
    fixed = max(0.0, one["wall"] - one["task_sum"])
    full = FULL_SUBDISTRICTS / subdistricts
    print(f"  projected {kind} wall time on N workers (per-task times; fixed {fixed:.1f} s):")
    print("      N   this register   national (7,850 subdistricts)")
    for n in PROJECTED_WORKERS:
        here = max(one["task_sum"] / n, one["task_max"]) + fixed
        national = max(one["task_sum"] * full / n, one["task_max"]) + fixed
        print(f"    {n:>4}   {here:10.1f} s   {national / 60:10.1f} min")


def _national_summary(
    measured: dict[tuple[str, int], dict[str, float]], workers: int, subdistricts: int
) -> None:
    """Core-seconds per subdistrict against the issue's target (15 min on 2 cores for 7,850
    subdistricts, coverage and allocation), and the national time on 2 workers both ways:
    the two commands one after the other, or the allocation run alone (its national table
    and per-village rows carry the coverage columns too, the same numbers)."""
    per = {k: measured[(k, workers)]["task_sum"] / subdistricts for k in ("coverage", "allocate")}
    fixed = {
        k: max(0.0, measured[(k, workers)]["wall"] - measured[(k, workers)]["task_sum"])
        for k in ("coverage", "allocate")
    }
    budget = TARGET_MINUTES * 60 * 2 / FULL_SUBDISTRICTS
    print(
        f"\n  per subdistrict (tasks on {workers} worker(s)): coverage {1000 * per['coverage']:.0f}"
        f" ms, allocation {1000 * per['allocate']:.0f} ms of core time; the target leaves "
        f"{1000 * budget:.0f} ms for both"
    )
    both = sum(per.values()) * FULL_SUBDISTRICTS / 2 + sum(fixed.values())
    alone = per["allocate"] * FULL_SUBDISTRICTS / 2 + fixed["allocate"]
    print(
        f"  projected national on 2 free cores: coverage --all then allocate --all "
        f"{both / 60:.1f} min; allocate --all alone (carries the coverage) {alone / 60:.1f} min "
        f"(target {TARGET_MINUTES} min)"
    )


def _allocation_carries_the_coverage(engine: Engine, coverage_run: int, allocate_run: int) -> None:
    """Check what ``allocate --all alone`` stands for: its stored per-village rows and the
    coverage figures of its national table row equal the coverage run's, subdistrict by
    subdistrict."""
    with Session(engine) as session:
        coverage = {s.id: r for r, s in results_of_run(session=session, run_id=coverage_run)}
        allocate = {s.id: r for r, s in results_of_run(session=session, run_id=allocate_run)}
    same = rows = 0
    differing: list[int] = []
    for sid, mine in coverage.items():
        theirs = allocate.get(sid)
        if mine is None or theirs is None:
            differing.append(sid or 0)
            continue
        keys = mine.summary.keys()
        if mine.villages == theirs.villages and all(
            theirs.summary.get(k) == mine.summary[k] for k in keys
        ):
            same += 1
            rows += len(mine.villages)
        else:
            differing.append(sid or 0)
    print(
        f"  allocation run's coverage = coverage run's: {same:,} of {len(coverage):,} "
        f"subdistricts ({rows:,} village rows and every coverage figure equal)"
        + (f"; DIFFERENT: {differing[:10]}" if differing else "")
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.01, help="1 = national (7,850)")
    parser.add_argument("--seed", type=int, default=2570)
    parser.add_argument("--budget-baht", type=float, default=100_000.0, help="per subdistrict")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--database-url", help="PostgreSQL + PostGIS (emptied!)")
    parser.add_argument("--register", type=Path, help="SQLite register file to keep or reuse")
    args = parser.parse_args(argv)
    if args.register and args.database_url:
        parser.error("--register is for SQLite; leave out --database-url")

    with tempfile.TemporaryDirectory(prefix="national-bench-") as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'national.sqlite3'}"
        if args.database_url:
            _emptied(url)
        reused = args.register is not None and args.register.exists()
        if reused:
            shutil.copy(args.register, Path(folder) / "national.sqlite3")
        engine = make_engine(url)
        upgrade_database(engine)
        started = time.perf_counter()
        if reused:
            counts = register_counts(engine)
            how = f"copied from {args.register}"
        else:
            counts = build_national_register(engine, scale=args.scale, seed=args.seed)
            how = f"built in {time.perf_counter() - started:.1f} s"
            if args.register is not None:
                engine.dispose()
                shutil.copy(Path(folder) / "national.sqlite3", args.register)
        print(
            f"register (scale {args.scale:g}, seed {args.seed}): {counts.subdistricts:,} "
            f"subdistricts, {counts.villages:,} villages, {counts.households:,} households, "
            f"{counts.bins:,} bins — {how} ({engine.dialect.name})"
        )
        settings = Settings(data_dir=Path(folder), database_url=url)
        measured: dict[tuple[str, int], dict[str, float]] = {}
        runs: dict[str, int] = {}
        for kind, budget in (("coverage", None), ("allocate", args.budget_baht)):
            for workers in args.workers:
                report = run_national(
                    engine=engine,
                    database_url=url,
                    parameters=national_parameters(settings, kind=kind, budget_baht=budget),
                    workers=workers,
                    processes=True,
                )
                measured[(kind, workers)] = _describe(report, workers)
                runs[kind] = report.run_id
        print()
        for kind in ("coverage", "allocate"):
            walls = {w: measured[(kind, w)]["wall"] for w in args.workers}
            if 1 in walls and 2 in walls:
                print(f"  {kind}: speed-up 1 → 2 workers {walls[1] / walls[2]:.2f}×")
            base = measured[(kind, min(args.workers))]
            _projection(kind, base, counts.subdistricts)
        _national_summary(measured, min(args.workers), counts.subdistricts)
        _allocation_carries_the_coverage(engine, runs["coverage"], runs["allocate"])
        both = sum(measured[(k, max(args.workers))]["wall"] for k in ("coverage", "allocate"))
        peak = max(m["peak_mb"] for m in measured.values())
        client_mb = peak_rss_mb()
        print(
            f"\n  coverage + allocation on {max(args.workers)} workers: {both:.1f} s; "
            f"largest worker peak {peak:,.0f} MB; this (client) process {client_mb:,.0f} MB"
        )
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
