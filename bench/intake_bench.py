"""Survey intake under load: JSON and OpenRosa (1 MB photo) submissions against a trivial endpoint.

Run: ``.venv/bin/python -m bench.intake_bench [--database-url URL] [--seconds N] [--workers N]``.

The real server (``uvicorn fieldsvc.api.app:create_app --factory``, ``--workers`` processes) is
started on a free 127.0.0.1 port over a seeded database: SQLite in a temporary folder, and also
the PostgreSQL + PostGIS database given by ``--database-url`` (it is EMPTIED: use a dedicated
one, e.g. ``bash scripts/start-postgis.sh fieldsvc_bench``). Eight concurrent clients (asyncio +
httpx, one connection each, as phones) measure for each backend, in the same run:

* ``trivial`` — ``GET /healthz``: the baseline of server + client + loopback;
* ``json`` — ``POST /api/v1/submissions`` (80 % inspections of registered bins, 20 % new bins);
* ``openrosa`` — ``POST /openrosa/{token}/submission``, each with a distinct ~1 MB noise JPEG.

It prints rates, p50/p95/p99 latencies, the ratios to the trivial endpoint and the errors.
``--profile FILE`` runs one extra single-worker server under a wall-clock stack sampler and
writes where the server's threads spend their time. Never part of the tests.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import itertools
import multiprocessing
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
    server_cpu_s: float = 0.0
    client_cpu_s: float = 0.0

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


async def _client_loop(
    base_url: str, send: Send, seed: int, stop_at: float, measure_from: float, out: PhaseResult
) -> None:
    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=base_url, timeout=60.0) as client:
        while (start := time.perf_counter()) < stop_at:
            try:
                response = await send(client, rng)
                status = str(response.status_code)
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            if start >= measure_from:
                out.latencies_ms.append((time.perf_counter() - start) * 1000)
                out.statuses[status] += 1


async def run_phase(
    name: str,
    server: ServerProcess,
    send: Send,
    *,
    clients: int,
    seconds: float,
    warmup_s: float = 2.0,
) -> PhaseResult:
    """``clients`` loops sending as fast as answered; only the last ``seconds`` are counted.
    CPU time of the server's processes and of this client process is taken over the same span
    (it does not depend on how busy the rest of the machine is, unlike the rates)."""
    now = time.perf_counter()
    measure_from = now + warmup_s
    stop_at = measure_from + seconds
    result = PhaseResult(name, seconds)

    async def count_cpu() -> None:
        await asyncio.sleep(max(measure_from - time.perf_counter(), 0))
        server_before, client_before = server.cpu_seconds(), time.process_time()
        await asyncio.sleep(max(stop_at - time.perf_counter(), 0))
        result.server_cpu_s = server.cpu_seconds() - server_before
        result.client_cpu_s = time.process_time() - client_before

    await asyncio.gather(
        count_cpu(),
        *(
            _client_loop(server.base_url, send, 1000 + i, stop_at, measure_from, result)
            for i in range(clients)
        ),
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


def trivial_sender() -> Send:
    async def send(client: httpx.AsyncClient, _rng: random.Random) -> httpx.Response:
        return await client.get("/healthz")

    return send


def json_sender(surveys: Surveys) -> Send:
    headers = {
        "Authorization": f"Bearer {surveys.seed.staff_token}",
        "Content-Type": "application/json",
    }

    async def send(client: httpx.AsyncClient, rng: random.Random) -> httpx.Response:
        body = surveys.next(rng).json_body()
        return await client.post("/api/v1/submissions", content=body, headers=headers)

    return send


def openrosa_sender(surveys: Surveys, photos: list[bytes]) -> Send:
    url = f"/openrosa/{surveys.seed.staff_token}/submission"
    headers = {"X-OpenRosa-Version": "1.0"}
    unused = itertools.cycle(photos)

    async def send(client: httpx.AsyncClient, rng: random.Random) -> httpx.Response:
        name = f"{int(time.time() * 1000)}.jpg"
        xml = surveys.next(rng, photo=name).xml()
        files = openrosa_files(xml, photo=(name, next(unused)))
        return await client.post(url, files=files, headers=headers)

    return send


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
        senders = {
            "trivial": trivial_sender(),
            "json": json_sender(surveys),
            "openrosa": openrosa_sender(surveys, photos),
        }
        # Rounds interleave the phases so that a noisy neighbour hurts all of them alike.
        for round_number in range(args.rounds):
            for name, send in senders.items():
                print(
                    f"  {backend}: round {round_number + 1} {name} …", file=sys.stderr, flush=True
                )
                part = asyncio.run(
                    run_phase(
                        name,
                        server,
                        send,
                        clients=args.clients,
                        seconds=args.seconds / args.rounds,
                        warmup_s=2.0 if round_number == 0 else 0.5,
                    )
                )
                total = phases.setdefault(name, PhaseResult(name, 0.0))
                total.seconds += part.seconds
                total.latencies_ms += part.latencies_ms
                total.statuses.update(part.statuses)
                total.server_cpu_s += part.server_cpu_s
                total.client_cpu_s += part.client_cpu_s
                if part.errors:
                    print(f"    errors: {dict(part.statuses)}", file=sys.stderr)
    finally:
        server.stop()
    problems = [
        line for line in server.log_tail(400).splitlines() if "Error" in line or "Traceback" in line
    ]
    if problems:
        print(f"  {backend}: server log has errors:\n" + "\n".join(problems[:20]), file=sys.stderr)
    return BackendResult(backend, phases)


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
        f"photo {PHOTO_SIZE[0]}x{PHOTO_SIZE[1]} JPEG ~1 MB"
    )
    header = (
        f"{'backend':<8} {'phase':<9} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'err':>4} {'rate/triv':>9} {'p50/triv':>8} {'srv CPU ms/req':>14} "
        f"{'cli CPU ms/req':>14} {'srv CPU/triv':>12}"
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
                f"{phase.cpu_ms(phase.client_cpu_s):>14.2f} {server_cpu / trivial_cpu:>12.1f}"
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
