"""Survey intake under load: JSON and OpenRosa (1 MB photo) submissions against a trivial endpoint.

Run: ``.venv/bin/python -m bench.intake_bench [--database-url URL] [--seconds N] [--workers N]``.

The real server (``uvicorn fieldsvc.api.app:create_app --factory``, ``--workers`` processes) is
started on a free 127.0.0.1 port over a seeded database: SQLite in a temporary folder, and also
the PostgreSQL + PostGIS database given by ``--database-url`` (it is EMPTIED: use a dedicated
one, e.g. ``bash scripts/start-postgis.sh fieldsvc_bench``). Eight concurrent clients (one
keep-alive connection each, as phones; a lean raw-asyncio client by default, httpx with
``--client httpx``) measure for each backend, in the same run:

* ``trivial`` — ``GET /healthz``: the baseline of server + client + loopback;
* ``json`` — ``POST /api/v1/submissions`` (80 % inspections of registered bins, 20 % new bins);
* ``openrosa`` — ``POST /openrosa/{token}/submission``, each with a distinct ~1 MB noise JPEG.

It prints rates, p50/p95/p99 latencies, the ratios to the trivial endpoint and the errors, and
checks afterwards that the database holds exactly one submission per 2xx answer.
``--profile FILE`` runs one extra single-worker server under a wall-clock stack sampler and
writes where the server's threads spend their time. Never part of the tests.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import itertools
import multiprocessing
import os
import random
import signal
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import httpx
from sqlalchemy import text

from bench.lean_http import LeanConnection, multipart, request_head
from fieldsvc.storage.engine import make_engine
from tests.drill.live_server import (
    Seed,
    ServerProcess,
    Survey,
    empty_database,
    free_port,
    new_bin_point,
    new_instance_id,
    noise_jpeg,
    openrosa_files,
    seed_subdistrict,
    survey_time,
    village_of,
)

PHOTO_SIZE = (1280, 960, 88)  # width, height, JPEG quality: ~1.0 MB of noise
CONDITIONS = ("usable", "damaged", "overflowing")
Send = Callable[[httpx.AsyncClient, random.Random], Coroutine[Any, Any, httpx.Response]]


# --- load ----------------------------------------------------------------------------------


@dataclass
class PhaseResult:
    name: str
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    statuses: collections.Counter[str] = field(default_factory=collections.Counter)
    answered: collections.Counter[str] = field(default_factory=collections.Counter)  # + warm-up
    server_cpu_s: float = 0.0
    client_cpu_s: float = 0.0
    database_cpu_s: float = 0.0  # every ``postgres`` process on the box (0 for SQLite)

    def record(self, status: str, start: float, measure_from: float) -> None:
        self.answered[status] += 1  # every answer, for the stored-rows check
        if start >= measure_from:
            self.latencies_ms.append((time.perf_counter() - start) * 1000)
            self.statuses[status] += 1

    @property
    def ok(self) -> int:
        return sum(n for s, n in self.statuses.items() if s.startswith("2"))

    @property
    def errors(self) -> int:
        return sum(self.statuses.values()) - self.ok

    def cpu_ms(self, seconds: float) -> float:
        count = sum(self.statuses.values())
        return 1000 * seconds / count if count else float("nan")

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if len(self.latencies_ms) < 2:
            return float("nan")
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[int(q) - 1]


async def _httpx_client_loop(
    server: ServerProcess,
    load: Load,
    seed: int,
    stop_at: float,
    measure_from: float,
    out: PhaseResult,
) -> None:
    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=server.base_url, timeout=60.0) as client:
        while (start := time.perf_counter()) < stop_at:
            try:
                response = await load.httpx(client, rng)
                status = str(response.status_code)
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            out.record(status, start, measure_from)


LEAN_ERRORS = (
    OSError,
    EOFError,
    asyncio.IncompleteReadError,
    asyncio.LimitOverrunError,
    ValueError,
)


async def _lean_client_loop(
    server: ServerProcess,
    load: Load,
    seed: int,
    stop_at: float,
    measure_from: float,
    out: PhaseResult,
) -> None:
    rng = random.Random(seed)
    connection = LeanConnection("127.0.0.1", server.port)
    try:
        while (start := time.perf_counter()) < stop_at:
            try:
                async with asyncio.timeout(60.0):
                    status = str((await connection.request(load.wire(rng)))[0])
            except (TimeoutError, *LEAN_ERRORS) as exc:
                status = type(exc).__name__
            out.record(status, start, measure_from)
    finally:
        connection.close()


def postgres_cpu_seconds() -> float:
    """User + system CPU time used so far by every ``postgres`` process on this machine (the
    server's backends share the two cores with the app; other databases' work counts too)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        name, rest = stat.split("(", 1)[1].rsplit(")", 1)
        if name == "postgres":
            fields = rest.split()
            total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / ticks


async def run_phase(
    name: str,
    server: ServerProcess,
    load: Load,
    *,
    clients: int,
    seconds: float,
    lean: bool = True,
    warmup_s: float = 2.0,
) -> PhaseResult:
    """``clients`` loops sending as fast as answered; only the last ``seconds`` are counted.
    CPU time of the server's processes and of this client process is taken over the same span
    (it does not depend on how busy the rest of the machine is, unlike the rates)."""
    now = time.perf_counter()
    measure_from = now + warmup_s
    stop_at = measure_from + seconds
    result = PhaseResult(name, seconds)
    loop = _lean_client_loop if lean else _httpx_client_loop

    async def count_cpu() -> None:
        await asyncio.sleep(max(measure_from - time.perf_counter(), 0))
        server_before, client_before = server.cpu_seconds(), time.process_time()
        database_before = postgres_cpu_seconds()
        await asyncio.sleep(max(stop_at - time.perf_counter(), 0))
        result.server_cpu_s = server.cpu_seconds() - server_before
        result.client_cpu_s = time.process_time() - client_before
        # A postgres process that exits in between takes its ticks along: never below 0.
        result.database_cpu_s = max(postgres_cpu_seconds() - database_before, 0.0)

    await asyncio.gather(
        count_cpu(),
        *(loop(server, load, 1000 + i, stop_at, measure_from, result) for i in range(clients)),
    )
    # The last request of each client ends after stop_at: count the real measured span.
    result.seconds = max(time.perf_counter() - measure_from, 1e-9)
    return result


# --- what the clients send -----------------------------------------------------------------


class Surveys:
    """Bin surveys: 80 % inspections of registered bins, 20 % new bins on free grid points."""

    def __init__(self, seed: Seed) -> None:
        self.seed = seed
        self.new_bins = itertools.count()
        self.numbers = itertools.count()

    def next(self, rng: random.Random, *, photo: str | None = None) -> Survey:
        n = next(self.numbers)
        if rng.random() < 0.2:
            k = next(self.new_bins)
            try:
                lon, lat = new_bin_point(self.seed, k)
            except ValueError:  # the grid is used up: inspect instead
                pass
            else:
                return Survey(
                    new_instance_id(),
                    f"NB-{k:06d}",
                    lon,
                    lat,
                    village_of(lon),
                    "usable",
                    survey_time(n),
                    photo=photo,
                    new=True,
                )
        registered = rng.choice(self.seed.bins)
        return Survey(
            new_instance_id(),
            registered.code,
            registered.lon,
            registered.lat,
            registered.village,
            rng.choice(CONDITIONS),
            survey_time(n),
            photo=photo,
        )


@dataclass(frozen=True)
class Load:
    """One kind of request, for either client: ``wire`` gives the lean client's request bytes
    (head + body chunks), ``httpx`` sends the same request with httpx."""

    wire: Callable[[random.Random], list[bytes]]
    httpx: Send


def trivial_load(host: str) -> Load:
    wire = [request_head("GET", "/healthz", host=host, headers={}, body_length=None)]

    async def send(client: httpx.AsyncClient, _rng: random.Random) -> httpx.Response:
        return await client.get("/healthz")

    return Load(lambda _rng: wire, send)


def json_load(surveys: Surveys, host: str) -> Load:
    headers = {
        "Authorization": f"Bearer {surveys.seed.staff_token}",
        "Content-Type": "application/json",
    }

    def wire(rng: random.Random) -> list[bytes]:
        body = surveys.next(rng).json_body()  # a new submission_id and bin each time
        path = "/api/v1/submissions"
        return [request_head("POST", path, host=host, headers=headers, body_length=len(body)), body]

    async def send(client: httpx.AsyncClient, rng: random.Random) -> httpx.Response:
        body = surveys.next(rng).json_body()
        return await client.post("/api/v1/submissions", content=body, headers=headers)

    return Load(wire, send)


def openrosa_load(surveys: Surveys, photos: list[bytes], host: str) -> Load:
    url = f"/openrosa/{surveys.seed.staff_token}/submission"
    unused = itertools.cycle(photos)
    boundary = "fieldsvc-bench-7d3c1a"
    headers = {
        "X-OpenRosa-Version": "1.0",
        "Content-Type": f"multipart/form-data; boundary={boundary}",
    }

    def parts(rng: random.Random) -> list[tuple[str, tuple[str, bytes, str]]]:
        name = f"{int(time.time() * 1000)}.jpg"
        xml = surveys.next(rng, photo=name).xml()
        return openrosa_files(xml, photo=(name, next(unused)))

    def wire(rng: random.Random) -> list[bytes]:
        flat = [(key, name, kind, data) for key, (name, data, kind) in parts(rng)]
        chunks, length = multipart(flat, boundary)
        return [request_head("POST", url, host=host, headers=headers, body_length=length), *chunks]

    async def send(client: httpx.AsyncClient, rng: random.Random) -> httpx.Response:
        return await client.post(url, files=parts(rng), headers={"X-OpenRosa-Version": "1.0"})

    return Load(wire, send)


def _photo(seed: int) -> bytes:
    width, height, quality = PHOTO_SIZE
    return noise_jpeg(width=width, height=height, quality=quality, seed=seed)


def make_photos(count: int) -> list[bytes]:
    """``count`` distinct ~1 MB JPEGs (made before any server runs: they cost ~30 ms each)."""
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        return pool.map(_photo, range(count))


# --- one backend ---------------------------------------------------------------------------


@dataclass
class BackendResult:
    backend: str
    phases: dict[str, PhaseResult]
    stored: int  # submissions in the database after the run

    @property
    def acknowledged(self) -> int:
        """2xx answers to the intake phases, warm-up included (each a new submission_id)."""
        return sum(
            n
            for name in ("json", "openrosa")
            for status, n in self.phases[name].answered.items()
            if status.startswith("2")
        )


def bench_backend(
    backend: str,
    database_url: str,
    work_dir: Path,
    *,
    args: argparse.Namespace,
    photos: list[bytes],
    launcher: list[str] | None = None,
) -> BackendResult:
    engine = make_engine(database_url)
    empty_database(engine)
    seed = seed_subdistrict(engine, bins=args.bins)
    engine.dispose()
    server = ServerProcess(
        database_url,
        work_dir / "var",
        free_port(),
        workers=1 if launcher else args.workers,
        launcher=launcher or [],
    )
    server.start()
    phases: dict[str, PhaseResult] = {}
    try:
        surveys = Surveys(seed)
        host = f"127.0.0.1:{server.port}"
        loads = {
            "trivial": trivial_load(host),
            "json": json_load(surveys, host),
            "openrosa": openrosa_load(surveys, photos, host),
        }
        # Rounds interleave the phases so that a noisy neighbour hurts all of them alike.
        for round_number in range(args.rounds):
            for name, load in loads.items():
                print(
                    f"  {backend}: round {round_number + 1} {name} …", file=sys.stderr, flush=True
                )
                part = asyncio.run(
                    run_phase(
                        name,
                        server,
                        load,
                        clients=args.clients,
                        lean=args.client == "lean",
                        seconds=args.seconds / args.rounds,
                        warmup_s=2.0 if round_number == 0 else 0.5,
                    )
                )
                total = phases.setdefault(name, PhaseResult(name, 0.0))
                total.seconds += part.seconds
                total.latencies_ms += part.latencies_ms
                total.statuses.update(part.statuses)
                total.answered.update(part.answered)
                total.server_cpu_s += part.server_cpu_s
                total.client_cpu_s += part.client_cpu_s
                total.database_cpu_s += part.database_cpu_s if backend == "PostGIS" else 0.0
                if part.errors:
                    print(f"    errors: {dict(part.statuses)}", file=sys.stderr)
    finally:
        server.stop()
    problems = [
        line for line in server.log_tail(400).splitlines() if "Error" in line or "Traceback" in line
    ]
    if problems:
        print(f"  {backend}: server log has errors:\n" + "\n".join(problems[:20]), file=sys.stderr)
    stored = _stored_submissions(database_url)
    return BackendResult(backend, phases, stored)


def _stored_submissions(database_url: str) -> int:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT count(*) FROM submission")).scalar_one())
    finally:
        engine.dispose()


def _server_stack() -> str:
    """What uvicorn's "auto" choices resolve to in this environment."""
    import importlib.util

    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    return f"{loop} + {http}"


def print_table(results: list[BackendResult], args: argparse.Namespace) -> None:
    print()
    print(
        f"intake bench — {args.clients} clients, {args.seconds:.0f} s per phase "
        f"({args.rounds} interleaved rounds), "
        f"uvicorn --workers {args.workers} ({_server_stack()}), {args.bins} registered bins, "
        f"photo {PHOTO_SIZE[0]}x{PHOTO_SIZE[1]} JPEG ~1 MB, {args.client} client"
    )
    header = (
        f"{'backend':<8} {'phase':<9} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'err':>4} {'rate/triv':>9} {'p50/triv':>8} {'srv CPU ms/req':>14} "
        f"{'cli CPU ms/req':>14} {'db CPU ms/req':>13} {'srv CPU/triv':>12}"
    )
    print(header)
    print("-" * len(header))
    for result in results:
        trivial = result.phases["trivial"]
        trivial_cpu = trivial.cpu_ms(trivial.server_cpu_s)
        for name, phase in result.phases.items():
            server_cpu = phase.cpu_ms(phase.server_cpu_s)
            print(
                f"{result.backend:<8} {name:<9} {phase.rate:>7.1f} {phase.percentile(50):>7.1f} "
                f"{phase.percentile(95):>7.1f} {phase.percentile(99):>7.1f} {phase.errors:>4} "
                f"{phase.rate / trivial.rate:>9.3f} "
                f"{phase.percentile(50) / trivial.percentile(50):>8.1f} {server_cpu:>14.2f} "
                f"{phase.cpu_ms(phase.client_cpu_s):>14.2f} "
                f"{phase.cpu_ms(phase.database_cpu_s):>13.2f} {server_cpu / trivial_cpu:>12.1f}"
            )
    print()
    for result in results:
        json_phase, openrosa = result.phases["json"], result.phases["openrosa"]
        print(
            f"{result.backend}: json {json_phase.rate:.0f}/s (target ≥ 300/s, p99 "
            f"{json_phase.percentile(99):.0f} ms, target < 150 ms); openrosa "
            f"{openrosa.rate:.1f}/s (target ≥ 50/s, {openrosa.rate * 1.02:.0f} MB/s in); "
            f"server CPU alone would allow ~{2000 / json_phase.cpu_ms(json_phase.server_cpu_s):.0f}"
            f" json/s and ~{2000 / openrosa.cpu_ms(openrosa.server_cpu_s):.0f} openrosa/s on "
            "2 free cores"
        )
        if json_phase.database_cpu_s:  # PostgreSQL runs on the same two cores
            both = json_phase.server_cpu_s + json_phase.database_cpu_s
            print(
                f"{result.backend}: server + database CPU "
                f"{json_phase.cpu_ms(both):.2f} ms per json survey → ~"
                f"{2000 / json_phase.cpu_ms(both):.0f} json/s on 2 cores, with no load generator"
            )
    for result in results:
        verdict = "OK" if result.stored == result.acknowledged else "MISMATCH (lost or extra rows)"
        print(
            f"{result.backend}: {result.stored} submissions stored for {result.acknowledged} "
            f"2xx intake answers (warm-up included) — {verdict}"
        )


# --- profiling -------------------------------------------------------------------------------

IDLE_LEAVES = {"wait", "select", "get", "_worker", "accept", "poll", "sleep"}


def _frames(frame: FrameType | None) -> list[str]:
    names = []
    while frame is not None:
        code = frame.f_code
        module = code.co_filename.rsplit("site-packages/", 1)[-1].rsplit("/main/", 1)[-1]
        names.append(f"{module}:{code.co_name}")
        frame = frame.f_back
    return names


def serve_profiled(report: Path, port: int, interval_s: float = 0.002) -> None:
    """Serve the app in this process (one worker) while a thread samples every other thread's
    stack; on exit write the busiest functions (self and cumulative share of busy samples)."""
    import uvicorn

    own: collections.Counter[str] = collections.Counter()
    cumulative: collections.Counter[str] = collections.Counter()
    busy = [0]
    stop = threading.Event()

    def sample() -> None:
        me = threading.get_ident()
        while not stop.wait(interval_s):
            for ident, frame in sys._current_frames().items():
                if ident == me:
                    continue
                names = _frames(frame)
                if not names or names[0].rsplit(":", 1)[-1] in IDLE_LEAVES:
                    continue
                busy[0] += 1
                own[names[0]] += 1
                for name in set(names):
                    cumulative[name] += 1

    def exit_on_term(_signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(0)  # uvicorn re-raises SIGTERM after its shutdown: finish the report

    signal.signal(signal.SIGTERM, exit_on_term)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        uvicorn.run(
            "fieldsvc.api.app:create_app",
            factory=True,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            access_log=False,
        )
    finally:
        stop.set()
        sampler.join()
        total = max(busy[0], 1)
        lines = [f"busy samples: {busy[0]} (every {interval_s * 1000:.0f} ms, all threads)"]
        for title, counter in (("self", own), ("cumulative", cumulative)):
            lines.append(f"\n-- top {title} --")
            for name, count in counter.most_common(45):
                lines.append(f"{100 * count / total:6.1f} %  {name}")
        report.write_text("\n".join(lines) + "\n")


# --- main ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.intake_bench", description=__doc__)
    parser.add_argument("--database-url", help="PostgreSQL + PostGIS URL (EMPTIED) to run too")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured seconds per phase")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds of the phases")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--bins", type=int, default=300, help="registered bins in the seed")
    parser.add_argument("--photos", type=int, default=200, help="distinct photos to cycle")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument(
        "--client",
        choices=("lean", "httpx"),
        default="lean",
        help="load generator: raw asyncio streams (default, cheap) or httpx (as before)",
    )
    parser.add_argument("--profile", type=Path, help="write a sampled server profile here")
    parser.add_argument("--serve-profiled", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_profiled:
        serve_profiled(args.serve_profiled, args.port)
        return 0
    print(f"making {args.photos} distinct photos …", file=sys.stderr, flush=True)
    photos = make_photos(args.photos)
    results = []
    with tempfile.TemporaryDirectory(prefix="intake-bench-") as tmp:
        root = Path(tmp)
        backends = [("SQLite", f"sqlite:///{root / 'sqlite' / 'fieldsvc.sqlite3'}")]
        if args.database_url and not args.sqlite_only:
            backends.append(("PostGIS", args.database_url))
        for backend, url in backends:
            if args.profile:
                report = args.profile.with_suffix(f".{backend.lower()}.txt")
                launcher = ["-m", "bench.intake_bench", "--serve-profiled", str(report.resolve())]
                bench_backend(
                    backend, url, root / f"{backend}-p", args=args, photos=photos, launcher=launcher
                )
                print(f"  profile: {report}", file=sys.stderr)
            else:
                results.append(
                    bench_backend(backend, url, root / backend, args=args, photos=photos)
                )
    if results:
        print_table(results, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
