"""PostGIS at national size: "bins near a point" and one subdistrict's coverage inputs.

Builds the seeded synthetic national register (``bench/postgis_national_register.py``: 7,850
subdistricts × 10 villages, 25 M households, 750 k bins, 3 M inspections a year) and the same
at 1 % in one PostGIS database, then times the app's own read functions on both:

* ``fieldsvc.storage.register.bins_near`` (the lat/lon box on ``ix_bin_lat_lon`` that the
  phones' "bins near me" and the duplicate check use) at a few hundred seeded points, at the
  route's default radius (50 m) and its largest (2,000 m);
* one subdistrict's coverage inputs: ``villages_frame(subdistrict_id=…)``, then
  ``bins_frame`` and ``households_frame`` for its villages, for a few dozen subdistricts.

Prints p50/p99 of each, the ratio national / 1 %, and ``EXPLAIN (ANALYZE, BUFFERS)`` of the
exact SQL each function sent. Never fails on time.

    .venv/bin/python -m bench.postgis_national_bench --database-url postgresql+psycopg://… \\
        [--scale 1.0] [--baseline-scale 0.01] [--points 300] [--subdistricts 40] [--keep]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, event, text
from sqlmodel import Session

from bench.postgis_national_register import (
    LAYOUTS,
    NationalSize,
    build_register,
    drop_register,
    register_engine,
)
from fieldsvc.storage.frames import bins_frame, households_frame, villages_frame
from fieldsvc.storage.register import bins_near

RADII_M = (50.0, 2000.0)


@dataclass
class Timings:
    seconds: list[float] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)

    def percentile(self, q: float) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    def line(self, label: str) -> str:
        return (
            f"  {label:<34} p50 {self.percentile(0.5) * 1000:8.2f} ms   "
            f"p99 {self.percentile(0.99) * 1000:8.2f} ms   "
            f"rows/query {statistics.mean(self.rows):9.1f}"
        )


def schema_for(scale: float, layout: str) -> str:
    return f"national_{scale:g}_{layout}".replace(".", "_").replace("-", "_")


def near_points(
    session: Session, size: NationalSize, count: int, seed: int
) -> list[tuple[float, float]]:
    """Points where a phone would ask: 80 % beside a registered bin (a few tens of metres
    off), 20 % anywhere in the register's area."""
    rng = random.Random(seed)
    points: list[tuple[float, float]] = []
    for _ in range(count):
        if size.bins and rng.random() < 0.8:
            bin_id = rng.randint(1, size.bins)
            lon, lat = session.execute(
                text("SELECT lon, lat FROM bin WHERE id = :i"), {"i": bin_id}
            ).one()
            points.append((lon + rng.uniform(-3e-4, 3e-4), lat + rng.uniform(-3e-4, 3e-4)))
        else:
            lon0, lat0, lon1, lat1 = session.execute(
                text("SELECT min(lon), min(lat), max(lon), max(lat) FROM bin")
            ).one()
            points.append((rng.uniform(lon0, lon1), rng.uniform(lat0, lat1)))
    return points


def coverage_inputs(session: Session, subdistrict_id: int) -> int:
    """What coverage reads for one subdistrict: its villages, then their bins and households."""
    villages = villages_frame(session=session, subdistrict_id=subdistrict_id)
    ids = [int(i) for i in villages["village_id"]]
    bins = bins_frame(session=session, village_ids=ids)
    households = households_frame(session=session, village_ids=ids)
    return len(villages) + len(bins) + len(households)


def timed(samples: list[Any], run: Callable[[Any], int], warm: int = 10) -> Timings:
    for sample in samples[:warm]:
        run(sample)
    timings = Timings()
    for sample in samples[warm:]:
        started = time.perf_counter()
        rows = run(sample)
        timings.seconds.append(time.perf_counter() - started)
        timings.rows.append(rows)
    return timings


@contextmanager
def captured_sql(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """The statements (and parameters) sent to the database inside the block."""
    sent: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def explain(engine: Engine, statement: str, parameters: Any) -> str:
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters
        ).all()
    return "\n".join("      " + r[0] for r in rows)


def plans(engine: Engine, point: tuple[float, float], subdistrict_id: int) -> str:
    out: list[str] = []
    with Session(engine) as session, captured_sql(engine) as sent:
        for radius in RADII_M:
            bins_near(session=session, lon=point[0], lat=point[1], radius_m=radius)
        coverage_inputs(session, subdistrict_id)
    names = [f"bins near a point, {radius:g} m" for radius in RADII_M] + [
        "villages of the subdistrict",
        "their bins",
        "their households",
    ]
    for name, (statement, parameters) in zip(names, sent, strict=False):
        out.append(f"    -- {name}")
        out.append(explain(engine, statement, parameters))
    return "\n".join(out)


def table_sizes(engine: Engine) -> str:
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT c.relname, c.reltuples::bigint, pg_total_relation_size(c.oid) "
                "FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace "
                "AND c.relkind = 'r' AND c.relname IN "
                "('subdistrict', 'village', 'household', 'bin', 'inspection') ORDER BY 3 DESC"
            )
        ).all()
    return "\n".join(f"    {n:<12} {r:>12,} rows {s / 2**30:8.2f} GiB" for n, r, s in rows)


def coverage_inputs_sql(engine: Engine, subdistrict_id: int) -> Callable[[Any, int], int]:
    """The same three reads as bare SQL (the statements the frames send, rows fetched as
    tuples): the database's share of ``coverage_inputs`` without building model objects.
    Every synthetic subdistrict has the same number of villages, so the captured ``IN (…)``
    statements are re-used with the next subdistrict's village ids."""
    with Session(engine) as session, captured_sql(engine) as sent:
        coverage_inputs(session, subdistrict_id)
    (villages_sql, villages_args), (bins_sql, bins_args), (households_sql, households_args) = sent[
        -3:
    ]
    (subdistrict_key,) = villages_args

    def run(connection: Any, subdistrict: int) -> int:
        villages = connection.exec_driver_sql(villages_sql, {subdistrict_key: subdistrict}).all()
        ids = [row.id for row in villages]
        bins = connection.exec_driver_sql(bins_sql, dict(zip(bins_args, ids, strict=True))).all()
        households = connection.exec_driver_sql(
            households_sql, dict(zip(households_args, ids, strict=True))
        ).all()
        return len(villages) + len(bins) + len(households)

    return run


@dataclass
class Measured:
    size: NationalSize
    build_s: float
    near: dict[float, Timings]
    inputs: Timings
    inputs_sql: Timings


def measure(engine: Engine, size: NationalSize, args: argparse.Namespace) -> Measured:
    rng = random.Random(args.seed)
    with Session(engine) as session:
        points = near_points(session, size, args.points + 10, args.seed)

        def near_within(radius: float) -> Callable[[tuple[float, float]], int]:
            return lambda p: len(bins_near(session=session, lon=p[0], lat=p[1], radius_m=radius))

        near = {radius: timed(points, near_within(radius)) for radius in RADII_M}
        subdistricts = [rng.randint(1, size.subdistricts) for _ in range(args.subdistricts + 3)]
        inputs = timed(subdistricts, lambda s: coverage_inputs(session, s), warm=3)
    run_sql = coverage_inputs_sql(engine, subdistricts[0])
    with engine.connect() as connection:
        inputs_sql = timed(subdistricts, lambda s: run_sql(connection, s), warm=3)
    print(f"\n== {size}")
    print(table_sizes(engine))
    for radius, timings in near.items():
        print(timings.line(f"bins near a point, {radius:g} m"))
    print(inputs.line("one subdistrict's coverage inputs"))
    print(inputs_sql.line("  of which the SQL alone"))
    print("  plans (EXPLAIN ANALYZE, BUFFERS):")
    print(plans(engine, points[-1], subdistricts[-1]))
    return Measured(size=size, build_s=0.0, near=near, inputs=inputs, inputs_sql=inputs_sql)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("FIELDSVC_BENCH_DATABASE_URL"))
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = national size")
    parser.add_argument("--baseline-scale", type=float, default=0.01)
    parser.add_argument("--points", type=int, default=300)
    parser.add_argument("--subdistricts", type=int, default=40)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--keep", action="store_true", help="keep the registers' schemas")
    parser.add_argument(
        "--layout",
        choices=sorted(LAYOUTS),
        default="contiguous",
        help="each village's households and bins together (as imported) or dealt round",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="measure registers kept by an earlier --keep run"
    )
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("--database-url (a PostGIS database; scripts/start-postgis.sh prints one)")

    print(f"load average at start: {os.getloadavg()}; {os.cpu_count()} CPUs")
    results: list[Measured] = []
    for scale in (args.baseline_scale, args.scale):
        size = NationalSize.at(scale)
        schema = schema_for(scale, args.layout)
        started = time.perf_counter()
        if args.reuse:
            print(f"re-using {schema}", flush=True)
        else:
            build_register(args.database_url, schema, size, layout=args.layout).dispose()
        build_s = time.perf_counter() - started
        print(f"built {schema} in {build_s:,.0f} s (load average {os.getloadavg()})", flush=True)
        results.append(Measured(size, build_s, {}, Timings(), Timings()))
    for index, scale in enumerate((args.baseline_scale, args.scale)):
        engine = register_engine(args.database_url, schema_for(scale, args.layout))
        measured = measure(engine, results[index].size, args)
        measured.build_s = results[index].build_s
        results[index] = measured
        engine.dispose()

    small, big = results
    print(f"\n== national ({args.scale:g}) / baseline ({args.baseline_scale:g})")
    for radius in RADII_M:
        a, b = small.near[radius], big.near[radius]
        print(
            f"  bins near a point, {radius:g} m: p50 × {b.percentile(0.5) / a.percentile(0.5):.2f}"
            f", p99 × {b.percentile(0.99) / a.percentile(0.99):.2f}"
        )
    for label, a, b in (
        ("one subdistrict's coverage inputs", small.inputs, big.inputs),
        ("  of which the SQL alone", small.inputs_sql, big.inputs_sql),
    ):
        print(
            f"  {label}: p50 × {b.percentile(0.5) / a.percentile(0.5):.2f}"
            f", p99 × {b.percentile(0.99) / a.percentile(0.99):.2f}"
        )
    print(f"  build: {small.build_s:,.0f} s and {big.build_s:,.0f} s")
    print(f"load average at end: {os.getloadavg()}")
    if not args.keep:
        for scale in (args.baseline_scale, args.scale):
            drop_register(args.database_url, schema_for(scale, args.layout))
    return 0


if __name__ == "__main__":
    sys.exit(main())
