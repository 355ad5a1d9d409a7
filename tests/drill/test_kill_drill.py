"""Kill drill: SIGKILL the server while phones send 1,000 surveys; nothing acknowledged is lost.

The real server runs as a separate process group (two uvicorn workers) on the test database
(SQLite in a temporary folder, or PostGIS when FIELDSVC_TEST_DATABASE_URL is set; the
``engine`` fixture empties it before and after). Eight clients send a mix of JSON surveys, JSON
surveys with a photo (multipart), OpenRosa surveys with and without a photo, and OpenRosa split
uploads (an ``*isIncomplete*`` part, then the complete one). Every client retries any error or
broken connection with backoff, re-sending the identical body, as Collect and the web form do.
When ~40 % are acknowledged the whole server is SIGKILLed, then started again on the same
database and port, and the clients carry on.
"""

from __future__ import annotations

import asyncio
import collections
import hashlib
import json
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from fieldsvc.ingest.photos import clean_photo
from fieldsvc.models import Attachment, Bin, Inspection, InspectionSource, Submission
from fieldsvc.storage.submissions import payload_digest, record_from_parsed
from tests.drill.live_server import (
    Seed,
    ServerProcess,
    Survey,
    free_port,
    new_bin_point,
    new_instance_id,
    noise_jpeg,
    openrosa_files,
    seed_subdistrict,
    survey_time,
    village_of,
)

SURVEYS = 1000
CLIENTS = 8
KILL_AT_SHARE = 0.4
KINDS = (  # kind, share
    ("json", 0.35),
    ("json_photo", 0.10),
    ("openrosa", 0.25),
    ("openrosa_photo", 0.20),
    ("openrosa_split", 0.10),
)
PHOTO_NAME = "1764123456789.jpg"


@dataclass
class Planned:
    kind: str
    survey: Survey
    token: str
    photo: bytes | None
    acknowledged: bool = False
    attempts: int = 0
    first_ack_status: int | None = None
    acked_as_resent: bool = False  # the first 2xx said "already received": a lost response


@dataclass
class DrillLog:
    acked: int = 0
    acked_before_kill: int | None = None
    retries: int = 0
    failures: collections.Counter[str] = field(default_factory=collections.Counter)
    killed_at_s: float | None = None
    stored_at_kill: int | None = None  # rows committed when the server died (≥ acknowledged)
    restarted_in_s: float | None = None


def plan_surveys(seed: Seed, photos: list[bytes], rng: random.Random) -> list[Planned]:
    kinds = [k for k, share in KINDS for _ in range(round(share * SURVEYS))]
    assert len(kinds) == SURVEYS
    rng.shuffle(kinds)
    planned = []
    new_bins = 0
    for n, kind in enumerate(kinds):
        with_photo = kind in ("json_photo", "openrosa_photo", "openrosa_split")
        photo_name = PHOTO_NAME if with_photo else None
        if rng.random() < 0.2:
            lon, lat = new_bin_point(seed, new_bins)
            survey = Survey(
                new_instance_id(),
                f"DR-{new_bins:05d}",
                lon,
                lat,
                village_of(lon),
                "usable",
                survey_time(n),
                photo=photo_name,
                new=True,
            )
            new_bins += 1
        else:
            registered = rng.choice(seed.bins)
            survey = Survey(
                new_instance_id(),
                registered.code,
                registered.lon,
                registered.lat,
                registered.village,
                rng.choice(("usable", "damaged", "overflowing")),
                survey_time(n),
                photo=photo_name,
                households=rng.randint(1, 40),
            )
        # The head of หมู่ 1 sends that village's OpenRosa surveys; staff send the rest.
        head = kind.startswith("openrosa") and survey.village == 1
        token = seed.head_token if head else seed.staff_token
        photo = photos[n % len(photos)] if with_photo else None
        planned.append(Planned(kind, survey, token, photo))
    return planned


async def send_once(client: httpx.AsyncClient, item: Planned) -> list[httpx.Response]:
    """One attempt: every request the survey needs, stopping at the first non-2xx."""
    survey = item.survey
    if item.kind == "json":
        headers = {"Authorization": f"Bearer {item.token}", "Content-Type": "application/json"}
        return [
            await client.post("/api/v1/submissions", content=survey.json_body(), headers=headers)
        ]
    if item.kind == "json_photo":
        assert item.photo is not None
        files = {
            "submission": (None, survey.json_body(), "application/json"),
            PHOTO_NAME: (PHOTO_NAME, item.photo, "image/jpeg"),
        }
        headers = {"Authorization": f"Bearer {item.token}"}
        return [await client.post("/api/v1/submissions/multipart", files=files, headers=headers)]
    url = f"/openrosa/{item.token}/submission"
    xml = survey.xml()
    responses = []
    if item.kind == "openrosa_split":  # Collect's large upload: the XML first, marked incomplete
        first = await client.post(
            url, files=openrosa_files(xml, photo=None), data={"*isIncomplete*": "yes"}
        )
        responses.append(first)
        if not first.is_success:
            return responses
    photo = (PHOTO_NAME, item.photo) if item.photo is not None else None
    responses.append(await client.post(url, files=openrosa_files(xml, photo=photo)))
    return responses


def _resent(response: httpx.Response) -> bool:
    if response.headers.get("content-type", "").startswith("application/json"):
        return bool(response.json().get("outcome") == "duplicate")
    return "Already received" in response.text


async def phone(
    base_url: str, queue: asyncio.Queue[Planned], log: DrillLog, ack_event: asyncio.Event
) -> None:
    rng = random.Random(id(queue) ^ time.monotonic_ns())
    async with httpx.AsyncClient(base_url=base_url, timeout=httpx.Timeout(30.0)) as client:
        while not queue.empty():
            item = queue.get_nowait()
            delay = 0.05
            while not item.acknowledged:
                item.attempts += 1
                if item.attempts > 1:
                    log.retries += 1
                assert item.attempts <= 200, f"{item.survey.instance_id} never acknowledged"
                try:
                    responses = await send_once(client, item)
                except httpx.HTTPError as exc:
                    log.failures[type(exc).__name__] += 1
                else:
                    last = responses[-1]
                    if last.is_success:
                        item.acknowledged = True
                        item.first_ack_status = last.status_code
                        item.acked_as_resent = item.attempts > 1 and _resent(last)
                        log.acked += 1
                        ack_event.set()
                        break
                    log.failures[str(last.status_code)] += 1
                await asyncio.sleep(delay * (0.5 + rng.random()))
                delay = min(delay * 2, 1.0)


def count_submissions(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(Submission.id)).all())


async def killer(
    server: ServerProcess,
    engine: Engine,
    log: DrillLog,
    ack_event: asyncio.Event,
    started: float,
) -> None:
    while log.acked < KILL_AT_SHARE * SURVEYS:
        ack_event.clear()
        await ack_event.wait()
    log.acked_before_kill = log.acked
    log.killed_at_s = time.monotonic() - started
    await asyncio.to_thread(server.kill)
    log.stored_at_kill = await asyncio.to_thread(count_submissions, engine)
    restart = time.monotonic()
    await asyncio.to_thread(server.start)
    log.restarted_in_s = time.monotonic() - restart


async def run_drill(server: ServerProcess, engine: Engine, planned: list[Planned]) -> DrillLog:
    log = DrillLog()
    queue: asyncio.Queue[Planned] = asyncio.Queue()
    for item in planned:
        queue.put_nowait(item)
    ack_event = asyncio.Event()
    started = time.monotonic()
    kill_task = asyncio.create_task(killer(server, engine, log, ack_event, started))
    await asyncio.gather(*(phone(server.base_url, queue, log, ack_event) for _ in range(CLIENTS)))
    await asyncio.wait_for(kill_task, timeout=60)
    return log


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.mark.slow
def test_sigkill_mid_stream_loses_no_acknowledged_survey(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    t0 = time.monotonic()
    seed = seed_subdistrict(engine, bins=120)
    rng = random.Random(20261126)
    photos = [noise_jpeg(width=320, height=240, quality=85, seed=i) for i in range(24)]
    planned = plan_surveys(seed, photos, rng)
    data_dir = tmp_path / "var"
    server = ServerProcess(database_url, data_dir, free_port(), workers=2)
    server.start()
    try:
        log = asyncio.run(run_drill(server, engine, planned))
    finally:
        server.stop()
    elapsed = time.monotonic() - t0
    http_failures = {k: v for k, v in log.failures.items() if k.isdigit()}
    resent = sum(p.acked_as_resent for p in planned)
    media_dir = data_dir / "media"
    leftovers = len(list(media_dir.rglob(".tmp-*")))  # half-written photos of the kill
    print(
        f"\nkill drill ({engine.dialect.name}, 2 workers): {SURVEYS} surveys, "
        f"{log.acked_before_kill} acknowledged before SIGKILL at {log.killed_at_s:.1f} s "
        f"({log.stored_at_kill} stored), restart {log.restarted_in_s:.1f} s, "
        f"{log.retries} retries ({dict(log.failures)}), {resent} acknowledged as already "
        f"received (response lost in the kill), {leftovers} orphan temp photo files, "
        f"total {elapsed:.1f} s"
    )
    assert log.acked_before_kill is not None and log.stored_at_kill is not None
    assert log.stored_at_kill >= log.acked_before_kill
    assert log.acked_before_kill is not None and log.restarted_in_s is not None
    assert server.starts == 2
    assert http_failures == {}, f"the server answered errors: {http_failures}"
    assert all(p.acknowledged for p in planned)
    assert log.acked == SURVEYS

    expected = {p.survey.instance_id: p for p in planned}
    clean_sha = {
        _sha256(photo): _sha256(clean_photo(photo, name="x.jpg", max_bytes=10**7).data)
        for photo in photos
    }
    with Session(engine) as session:
        rows = session.exec(select(Submission)).all()
        ids = [r.instance_id for r in rows]
        assert len(ids) == len(set(ids)) == SURVEYS  # exactly once, no duplicates
        assert set(ids) == set(expected)
        attachments: dict[int | None, list[Attachment]] = collections.defaultdict(list)
        for a in session.exec(select(Attachment)).all():
            attachments[a.submission_id].append(a)
        inspections: dict[int | None, list[Inspection]] = collections.defaultdict(list)
        for i in session.exec(select(Inspection)).all():
            inspections[i.submission_id].append(i)
        by_id = {r.id: r for r in rows}
        # No inspection without its submission; surveys only reach bins through a submission.
        assert set(inspections) - {None} <= set(by_id)
        assert all(i.source == InspectionSource.inventory_import for i in inspections.get(None, []))
        bins = {b.id: b for b in session.exec(select(Bin)).all()}

        for row in rows:
            item = expected[row.instance_id]
            survey = item.survey
            # Stored as received, complete and readable.
            if item.kind.startswith("openrosa"):
                assert row.raw_payload == survey.xml()
                assert row.channel == "openrosa"
            else:
                assert json.loads(row.raw_payload) == json.loads(survey.json_body())
                assert row.channel == "web"
            assert row.payload_sha256 == payload_digest(row.raw_payload, row.content_type)
            record = record_from_parsed(row.parsed)
            assert (record.bin_code, record.condition) == (survey.code, survey.condition)
            assert row.complete and row.is_current
            assert row.flags == [], (row.instance_id, row.flags)
            # Applied exactly once to the right bin.
            assert row.applied
            assert len(inspections[row.id]) == 1, (row.instance_id, len(inspections[row.id]))
            assert row.bin_id is not None and bins[row.bin_id].code == survey.code
            assert inspections[row.id][0].bin_id == row.bin_id
            # Photos: the row points at bytes on disk with that hash — the cleaned photo sent.
            files = attachments[row.id]
            if item.photo is None:
                assert files == []
                continue
            assert [a.name for a in files] == [PHOTO_NAME]
            (attachment,) = files
            assert attachment.sha256 == clean_sha[_sha256(item.photo)]
            path = media_dir / attachment.sha256[:2] / attachment.sha256[2:4] / attachment.sha256
            data = path.read_bytes()
            assert _sha256(data) == attachment.sha256 and len(data) == attachment.size_bytes
        new_bins = [b for b in bins.values() if b.code.startswith("DR-")]
        assert len(new_bins) == sum(p.survey.new for p in planned)
        assert set(attachments) <= set(by_id)
