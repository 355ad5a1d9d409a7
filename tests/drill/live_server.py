"""A real fieldsvc server in its own process group (so it can be SIGKILLed), a seeded
subdistrict for it, and survey payloads as the phones send them.

Shared by the kill drill (``tests/drill``) and the intake benchmark (``bench/intake_bench``).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import geopandas as gpd
import httpx
import numpy as np
from PIL import Image
from shapely.geometry import MultiPolygon, box
from sqlalchemy import Engine
from sqlmodel import Session

from fieldsvc.models import BinCreate, Condition, Role, Stream, Subdistrict
from fieldsvc.storage.frames import save_villages
from fieldsvc.storage.migrate import upgrade_database
from fieldsvc.storage.register import create_bin, list_villages
from fieldsvc.storage.submissions import SubmissionReview  # noqa: F401  (table on the metadata)
from fieldsvc.storage.users import create_user
from tests.live import empty_all_tables

REPO_ROOT = Path(__file__).resolve().parents[2]
FORM_VERSION = "2026120301"  # mobile_forms/built/bin_survey.xml
WEST, SOUTH = 103.30, 16.30  # three 0.01° villages side by side: หมู่ 1, 2, 3 west to east
GRID_STEP = 0.0001  # ~11 m: farther apart than the 5 m "possibly the same bin" radius
GRID_COLUMNS = 279  # 93 per village
GRID_ROWS = 90
BANGKOK_TZ = timezone(timedelta(hours=7))  # Collect writes local time with its offset


# --- places --------------------------------------------------------------------------------


def grid_point(index: int) -> tuple[float, float]:
    """The ``index``-th (lon, lat) of a grid inside the subdistrict, kept off village edges."""
    row, column = divmod(index, GRID_COLUMNS)
    if row >= GRID_ROWS:
        raise ValueError(f"grid point {index} is outside the {GRID_COLUMNS}x{GRID_ROWS} grid")
    village, offset = divmod(column, GRID_COLUMNS // 3)
    lon = WEST + village * 0.01 + 0.0003 + offset * GRID_STEP
    lat = SOUTH + 0.0005 + row * GRID_STEP
    return round(lon, 7), round(lat, 7)


def village_of(lon: float) -> int:
    return 1 + int((lon - WEST) / 0.01)


@dataclass(frozen=True)
class SeededBin:
    code: str
    lon: float
    lat: float
    village: int


@dataclass(frozen=True)
class Seed:
    staff_token: str
    head_token: str  # the head of หมู่ 1 only
    bins: list[SeededBin]
    first_free_point: int  # grid points from here on are free for new bins


def empty_database(engine: Engine) -> None:
    """Migrate, then delete every row (the benchmark and drill start from nothing)."""
    upgrade_database(engine)
    empty_all_tables(engine)


def seed_subdistrict(engine: Engine, *, bins: int = 300) -> Seed:
    """A subdistrict of three villages, ``bins`` registered bins, a staff user and the head of
    หมู่ 1. The database must be migrated and empty."""
    with Session(engine, expire_on_commit=False) as session:
        sub = Subdistrict(
            code="999902",
            name="ตำบลทดสอบโหลด",
            boundary=MultiPolygon([box(WEST, SOUTH, WEST + 0.03, SOUTH + 0.01)]),
        )
        session.add(sub)
        session.flush()
        frame = gpd.GeoDataFrame(
            {"number": [1, 2, 3], "name": ["บ้านหนองบัว", "บ้านโนนสะอาด", "บ้านดอนแดง"]},
            geometry=[
                box(WEST + i * 0.01, SOUTH, WEST + (i + 1) * 0.01, SOUTH + 0.01) for i in range(3)
            ],
            crs="EPSG:4326",
        )
        save_villages(session=session, subdistrict=sub, villages=frame)
        ids = {v.number: v.id or 0 for v in list_villages(session=session)}
        _staff, staff_token = create_user(
            session=session, username="bench-staff", display_name="เจ้าหน้าที่", role=Role.health_staff
        )
        _head, head_token = create_user(
            session=session,
            username="bench-head1",
            display_name="ผู้ใหญ่บ้านหมู่ 1",
            role=Role.village_head,
            village_ids=[ids[1]],
        )
        seeded = []
        for i in range(bins):
            lon, lat = grid_point(i * 3)  # every third point: new bins go between them
            code = f"SB-{i:05d}"
            create_bin(
                session=session,
                bin_in=BinCreate(
                    code=code,
                    lat=lat,
                    lon=lon,
                    capacity_l=200,
                    stream=Stream.general,
                    condition=Condition.usable,
                ),
                observed_at=datetime(2026, 10, 1, tzinfo=UTC),
            )
            seeded.append(SeededBin(code, lon, lat, village_of(lon)))
        session.commit()
    return Seed(staff_token, head_token, seeded, first_free_point=bins * 3)


def new_bin_point(seed: Seed, n: int) -> tuple[float, float]:
    """A free grid point for the ``n``-th new bin (never within 5 m of another bin)."""
    return grid_point(seed.first_free_point + n)


# --- payloads ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Survey:
    """One bin survey; ``new`` registers a bin, otherwise it inspects an existing one."""

    instance_id: str  # uuid:…
    code: str
    lon: float
    lat: float
    village: int
    condition: str
    observed_at: datetime
    photo: str | None = None
    new: bool = False
    households: int = 12

    def json_body(self) -> bytes:
        body = {
            "submission_id": self.instance_id.removeprefix("uuid:"),
            "form_id": "bin_survey",
            "form_version": FORM_VERSION,
            "bin_code": self.code,
            "village": self.village,
            "location": {"lat": self.lat, "lon": self.lon, "accuracy_m": 4.0},
            "condition": self.condition,
            "capacity_l": 240 if self.new else 200,
            "stream": "general",
            "households": self.households,
            "observed_at": self.observed_at.isoformat(),
            "photos": [self.photo] if self.photo else [],
        }
        return json.dumps(body, ensure_ascii=False).encode("utf-8")

    def xml(self) -> str:
        """The instance exactly as ODK Collect writes it (empty elements included)."""
        start = self.observed_at.astimezone(BANGKOK_TZ)
        end = start + timedelta(minutes=2)
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<data xmlns:jr="http://openrosa.org/javarosa" '
            f'xmlns:orx="http://openrosa.org/xforms" id="bin_survey" version="{FORM_VERSION}">'
            f"<start>{start.isoformat(timespec='milliseconds')}</start>"
            f"<end>{end.isoformat(timespec='milliseconds')}</end>"
            f"<today>{start.date().isoformat()}</today><deviceid>collect:Bench0001</deviceid>"
            f"<bin_code_scan>{self.code}</bin_code_scan><bin_code_typed/>"
            f"<bin_code>{self.code}</bin_code><village>{self.village}</village>"
            f"<location>{self.lat} {self.lon} 152.0 4.0</location>"
            f"<condition>{self.condition}</condition>"
            f"<capacity_l>{240 if self.new else 200}</capacity_l><stream>general</stream>"
            f"<households>{self.households}</households>"
            f"<photo>{self.photo or ''}</photo><remarks/>"
            f"<meta><instanceID>{self.instance_id}</instanceID>"
            f"<instanceName>{self.code} หมู่ {self.village}</instanceName></meta></data>"
        )


def new_instance_id() -> str:
    return f"uuid:{uuid.uuid4()}"


def survey_time(n: int) -> datetime:
    """Observation times in the recent past, one second apart (never in the future)."""
    return datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2) + timedelta(seconds=n)


def openrosa_files(
    xml: str, *, photo: tuple[str, bytes] | None
) -> list[tuple[str, tuple[str, bytes, str]]]:
    """Multipart parts as Collect sends them: ``xml_submission_file`` and one part per file."""
    files = [("xml_submission_file", ("submission.xml", xml.encode("utf-8"), "text/xml"))]
    if photo is not None:
        files.append((photo[0], (photo[0], photo[1], "image/jpeg")))
    return files


def noise_jpeg(*, width: int, height: int, quality: int, seed: int) -> bytes:
    """A JPEG of random pixels (incompressible: its size is what a real photo's would be)."""
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "JPEG", quality=quality)
    return out.getvalue()


# --- the server process --------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ServerProcess:
    """``uvicorn fieldsvc.api.app:create_app --factory`` on 127.0.0.1, in its own session so
    that the supervisor and every worker can be signalled together."""

    database_url: str
    data_dir: Path
    port: int
    workers: int = 1
    launcher: list[str] = field(default_factory=list)  # other Python args; get --port N
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "server.log"

    def start(self, *, timeout_s: float = 60.0) -> None:
        env = {
            **os.environ,
            "FIELDSVC_DATABASE_URL": self.database_url,
            "FIELDSVC_DATA_DIR": str(self.data_dir),
            "PYTHAINLP_OFFLINE": "1",
            "PYTHONPATH": str(REPO_ROOT),  # a launcher from bench/ or tests/ runs from data_dir
        }
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "fieldsvc.api.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--log-level",
            "warning",
            "--no-access-log",
        ]
        if self.workers > 1:
            command += ["--workers", str(self.workers)]
        if self.launcher:
            command = [sys.executable, *self.launcher, "--port", str(self.port)]
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            command,
            env=env,
            cwd=self.data_dir,  # no stray .env is read
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.starts += 1
        self.wait_ready(timeout_s=timeout_s)

    def wait_ready(self, *, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        with httpx.Client(timeout=2.0) as client:
            ready_in_a_row = 0
            while True:
                if self.process is not None and self.process.poll() is not None:
                    raise RuntimeError(f"the server exited: {self.log_tail()}")
                try:
                    if client.get(f"{self.base_url}/healthz").status_code == 200:
                        ready_in_a_row += 1
                        if ready_in_a_row >= max(self.workers, 1) * 2:
                            return
                        continue
                except httpx.HTTPError:
                    ready_in_a_row = 0
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start: {self.log_tail()}")
                time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL the whole process group: no shutdown handler, no flush, like power loss of
        the process (the OS page cache survives)."""
        self._signal(signal.SIGKILL)

    def stop(self) -> None:
        self._signal(signal.SIGTERM, grace_s=20.0)

    def _signal(self, sig: signal.Signals, grace_s: float = 10.0) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)
        try:
            self.process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        # Workers of a multi-process server are in the same group; wait until none is left.
        deadline = time.monotonic() + grace_s
        while time.monotonic() < deadline:
            try:
                os.killpg(self.process.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.02)
        self.process = None

    def cpu_seconds(self) -> float:
        """User + system CPU time used so far by the server's processes (Linux ``/proc``)."""
        if self.process is None:
            return 0.0
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()  # after "pid (comm)"
            if int(fields[2]) == self.process.pid:  # process group
                total += int(fields[11]) + int(fields[12])  # utime + stime
        return total / ticks

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"
