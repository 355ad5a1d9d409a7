"""Old code against new on the same subdistricts under the same machine load.

    .venv/bin/python -m bench.national_ab --baseline /tmp/main-copy [-n 30] [--scale 0.01]

``--baseline`` is a copy of the code to compare with (e.g. ``git archive main | tar -x -C
DIR``). One process of each code base serves the national task (`analyse_subdistrict`, read +
analysis + write, no Dask) on its own copy of one register file; the driver sends them the same
subdistrict one after the other, alternating which goes first, so a load burst on the shared
box hits both. Prints the median per-subdistrict times and the ratio of the summed times, then
compares what both stored (every national result row: status, error, the national table row,
the per-village table, the recommendations) and prints the differences, if any.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any


def _serve(register: Path, work: Path) -> None:
    """Child: answer lines ``kind subdistrict_id`` with the task's seconds."""
    from fieldsvc.config import Settings
    from fieldsvc.services.national import national_parameters
    from fieldsvc.services.national_task import analyse_subdistrict
    from fieldsvc.storage.engine import make_engine, session_scope
    from fieldsvc.storage.national import create_run

    shutil.copy(register, work)
    url = f"sqlite:///{work}"
    engine = make_engine(url)
    settings = Settings(data_dir=work.parent, database_url=url)
    params = {}
    for kind, budget in (("coverage", None), ("allocate", 100_000.0)):
        parameters = national_parameters(settings, kind=kind, budget_baht=budget)
        with session_scope(engine) as session:
            run = create_run(
                session=session,
                kind=kind,
                parameters=parameters.as_record(),
                cluster="bench",
                subdistricts=1,
            )
            params[kind] = replace(parameters, run_id=run.id or 0)
    analyse_subdistrict(url, 1, params["allocate"])  # imports, caches and engine warm
    print("ready", flush=True)
    for line in sys.stdin:
        kind, sid = line.split()
        started = time.perf_counter()
        analyse_subdistrict(url, int(sid), params[kind])
        print(f"{time.perf_counter() - started:.4f}", flush=True)


def _stored_results(database: Path) -> dict[tuple[str, int], dict[str, Any]]:
    """Every national result a server stored, by (run kind, subdistrict id), without timings."""
    from sqlmodel import Session, select

    from fieldsvc.models.national import NationalResult, NationalRun
    from fieldsvc.storage.engine import make_engine

    engine = make_engine(f"sqlite:///{database}")
    with Session(engine) as session:
        rows = session.exec(
            select(NationalRun.kind, NationalResult).where(NationalResult.run_id == NationalRun.id)
        ).all()
        stored = {
            (kind, r.subdistrict_id): {
                "status": r.status,
                "error": r.error,
                "summary": r.summary,
                "villages": r.villages,
                "recommendations": r.recommendations,
            }
            for kind, r in rows
        }
    engine.dispose()
    return stored


def _differences(old: dict[tuple[str, int], Any], new: dict[tuple[str, int], Any]) -> list[str]:
    """Where the two stores differ: a missing result, or a field whose JSON is not the same."""
    found = [f"{key}: only in one of the two" for key in sorted(set(old) ^ set(new))]
    for key in sorted(set(old) & set(new)):
        for field, value in old[key].items():
            if json.dumps(value, sort_keys=True) != json.dumps(new[key][field], sort_keys=True):
                found.append(f"{key} {field}: old {value!r:.300} new {new[key][field]!r:.300}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", type=Path, required=True, help="copy of the old code")
    parser.add_argument("-n", type=int, default=30, help="subdistricts compared")
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--serve", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        _serve(Path(args.serve[0]), Path(args.serve[1]))
        return 0

    from bench.national_register import build_national_register
    from fieldsvc.storage.engine import make_engine
    from fieldsvc.storage.migrate import upgrade_database

    here = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory(prefix="national-ab-") as folder:
        register = Path(folder) / "register.sqlite3"
        engine = make_engine(f"sqlite:///{register}")
        upgrade_database(engine)
        counts = build_national_register(engine, scale=args.scale)
        engine.dispose()
        servers = {}
        for name, root in (("old", args.baseline.resolve()), ("new", here)):
            env = {**os.environ, "PYTHONPATH": str(root), "PYTHONDONTWRITEBYTECODE": "1"}
            # this file run as a script: the served code is the one on PYTHONPATH
            command = [sys.executable, str(Path(__file__).resolve()), "--baseline", str(root)]
            command += ["--serve", str(register), str(Path(folder) / f"{name}.sqlite3")]
            server = subprocess.Popen(
                command, cwd=root, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
            )
            assert server.stdin and server.stdout
            if server.stdout.readline().strip() != "ready":
                raise SystemExit(f"the {name} code did not start")
            servers[name] = server
        seconds: dict[tuple[str, str], list[float]] = {}
        ids = range(2, 2 + min(args.n, counts.subdistricts - 1))
        for kind in ("coverage", "allocate"):
            for k, sid in enumerate(ids):
                for name in ("old", "new") if k % 2 == 0 else ("new", "old"):
                    server = servers[name]
                    assert server.stdin and server.stdout
                    server.stdin.write(f"{kind} {sid}\n")
                    server.stdin.flush()
                    seconds.setdefault((name, kind), []).append(float(server.stdout.readline()))
        for server in servers.values():
            assert server.stdin
            server.stdin.close()
            server.wait()
        old_rows = _stored_results(Path(folder) / "old.sqlite3")
        new_rows = _stored_results(Path(folder) / "new.sqlite3")
        differences = _differences(old_rows, new_rows)
    for kind in ("coverage", "allocate"):
        old, new = seconds[("old", kind)], seconds[("new", kind)]
        print(
            f"{kind:<9} {len(old)} subdistricts: median old {1000 * statistics.median(old):.0f} "
            f"ms, new {1000 * statistics.median(new):.0f} ms; summed old / new "
            f"{sum(old) / sum(new):.2f}×"
        )
    villages = sum(len(row["villages"]) for row in new_rows.values())
    items = sum(len(row["recommendations"]) for row in new_rows.values())
    print(
        f"stored results compared: {len(new_rows)} subdistrict results, {villages} village rows, "
        f"{items} recommendations; {len(differences)} differences"
    )
    for line in differences[:20]:
        print("  " + line)
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
