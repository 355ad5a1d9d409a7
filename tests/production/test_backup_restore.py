"""Restore drill: back up while eight phones send surveys with photos, restore into an empty
install, and find every survey acknowledged before the backup started, with its photo
byte-identical. A truncated or altered archive is refused before anything is touched.

The server runs as a real process on the test database (SQLite file, or PostGIS when
FIELDSVC_TEST_DATABASE_URL is set). On SQLite the restore goes into a new file; on PostGIS (one
database per test run) the database is emptied first and restored in place.
"""

from __future__ import annotations

import asyncio
import collections
import hashlib
import json
import tarfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, select

from fieldsvc.cli.main import main
from fieldsvc.config import Settings
from fieldsvc.models import Attachment, Submission
from fieldsvc.services.backup import (
    MANIFEST,
    create_backup,
    fieldsvc_tables,
    list_backups,
    prune_backups,
)
from fieldsvc.storage.engine import make_engine
from tests.drill.live_server import (
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
from tests.live import empty_all_tables

SURVEYS = 160
CLIENTS = 8
BACKUP_AT = 60  # acknowledgements before the backup starts
PHOTO = "1764123456789.jpg"


@dataclass
class Sent:
    survey: Survey
    photo: bytes
    openrosa: bool
    acked_at: float | None = None


async def _phone(base_url: str, token: str, queue: asyncio.Queue[Sent], acked: list[int]) -> None:
    async with httpx.AsyncClient(base_url=base_url, timeout=30.0) as client:
        while not queue.empty():
            item = queue.get_nowait()
            for _attempt in range(50):
                try:
                    if item.openrosa:
                        files = openrosa_files(item.survey.xml(), photo=(PHOTO, item.photo))
                        response = await client.post(f"/openrosa/{token}/submission", files=files)
                    else:
                        parts = {
                            "submission": (None, item.survey.json_body(), "application/json"),
                            PHOTO: (PHOTO, item.photo, "image/jpeg"),
                        }
                        response = await client.post(
                            "/api/v1/submissions/multipart",
                            files=parts,
                            headers={"Authorization": f"Bearer {token}"},
                        )
                except httpx.HTTPError:
                    await asyncio.sleep(0.1)
                    continue
                assert response.is_success, response.text
                item.acked_at = time.monotonic()
                acked.append(1)
                break


def _run_backup_when(
    acked: list[int], settings: Settings, out: Path, started: dict[str, float]
) -> threading.Thread:
    def work() -> None:
        while len(acked) < BACKUP_AT:
            time.sleep(0.01)
        started["at"] = time.monotonic()
        code = main(["backup", "--out", str(out), "--keep", "3"], settings=settings)
        started["done"] = time.monotonic()
        started["code"] = code

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.mark.slow
def test_backup_under_load_restores_every_acknowledged_survey(
    engine: Engine, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = seed_subdistrict(engine, bins=40)
    photos = [noise_jpeg(width=320, height=240, quality=85, seed=i) for i in range(16)]
    items = []
    for n in range(SURVEYS):
        lon, lat = new_bin_point(seed, n)
        survey = Survey(
            new_instance_id(), f"BK-{n:05d}", lon, lat, village_of(lon), "usable", survey_time(n),
            photo=PHOTO, new=True,
        )  # fmt: skip
        items.append(Sent(survey, photos[n % len(photos)], openrosa=n % 2 == 0))
    data_dir = tmp_path / "var"
    settings = Settings(data_dir=data_dir, database_url=database_url)
    out = tmp_path / "backups"
    server = ServerProcess(database_url, data_dir, free_port(), workers=2)
    server.start()
    started: dict[str, float] = {}
    acked: list[int] = []
    try:
        queue: asyncio.Queue[Sent] = asyncio.Queue()
        for item in items:
            queue.put_nowait(item)
        backup_thread = _run_backup_when(acked, settings, out, started)

        async def phones() -> None:
            await asyncio.gather(
                *(_phone(server.base_url, seed.staff_token, queue, acked) for _ in range(CLIENTS))
            )

        asyncio.run(phones())
        backup_thread.join(timeout=120)
    finally:
        server.stop()
    assert started.get("code") == 0
    assert all(item.acked_at is not None for item in items)
    before = {i.survey.instance_id for i in items if i.acked_at and i.acked_at < started["at"]}
    during = sum(1 for i in items if i.acked_at and started["at"] <= i.acked_at < started["done"])
    (archive,) = list_backups(out)
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile(MANIFEST).read())  # type: ignore[union-attr]
    counts = manifest["row_counts"]
    with capsys.disabled():
        print(
            f"\nrestore drill ({engine.dialect.name}): {SURVEYS} surveys by {CLIENTS} phones, "
            f"{len(before)} acknowledged before the backup, {during} while it ran "
            f"({started['done'] - started['at']:.2f} s); archive {archive.stat().st_size:,} bytes "
            f"with {len(manifest['files'])} files, {counts['submission']} surveys in it"
        )
    assert len(before) >= BACKUP_AT
    assert counts["submission"] >= len(before)
    assert set(counts) == set(fieldsvc_tables())

    # Refused: cut short, and one photo byte changed. Nothing is restored by either.
    target = Settings(data_dir=tmp_path / "restored", database_url=database_url)
    if engine.dialect.name == "sqlite":
        target = Settings(data_dir=tmp_path / "restored")  # a new embedded database file
    else:
        empty_all_tables(engine)  # the one test database becomes an empty install
    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    capsys.readouterr()
    assert main(["restore", str(truncated)], settings=target) == 2
    error = capsys.readouterr().err
    assert "เสียหาย" in error and "damaged" in error and "truncated.tar" in error
    altered = tmp_path / "altered.tar"
    data = bytearray(archive.read_bytes())
    with tarfile.open(archive) as tar:
        photo_member = next(m for m in tar.getmembers() if m.name.startswith("media/"))
    data[photo_member.offset_data + 100] ^= 0xFF
    altered.write_bytes(bytes(data))
    assert main(["restore", str(altered)], settings=target) == 2
    error = capsys.readouterr().err
    assert f"{photo_member.name} does not match its SHA-256 checksum" in error
    assert "SHA-256 ที่บันทึกไว้" in error
    assert not (target.effective_media_dir).exists() or not any(
        target.effective_media_dir.rglob("*")
    )

    # Restored into the empty install.
    assert main(["restore", str(archive)], settings=target) == 0, capsys.readouterr().err
    restored = make_engine(target.effective_database_url)
    try:
        with restored.connect() as connection:
            for table in fieldsvc_tables():
                rows = connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
                assert rows == counts[table], table
        with Session(restored) as session:
            ids = set(session.exec(select(Submission.instance_id)).all())
            assert before <= ids
            attachments = session.exec(select(Attachment)).all()
        assert len(attachments) == counts["attachment"]
        by_submission = collections.Counter(a.submission_id for a in attachments)
        assert set(by_submission.values()) == {1}
        original_media = data_dir / "media"
        for attachment in attachments:
            relative = Path(attachment.sha256[:2], attachment.sha256[2:4], attachment.sha256)
            copy = (target.effective_media_dir / relative).read_bytes()
            assert _sha(copy) == attachment.sha256
            assert copy == (original_media / relative).read_bytes()
        # A second restore finds the install no longer empty.
        assert main(["restore", str(archive)], settings=target) == 2
        error = capsys.readouterr().err
        assert "not empty" in error and "ว่างเปล่า" in error
    finally:
        restored.dispose()
        engine.dispose()  # on PostGIS the tables were re-created under the pool


def test_retention_keeps_the_newest_backups(tmp_path: Path) -> None:
    names = [f"fieldsvc-backup-2026120{d}T010000Z.tar" for d in range(1, 6)]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("kept")
    removed = prune_backups(tmp_path, 2)
    assert [p.name for p in removed] == names[:3]
    assert [p.name for p in list_backups(tmp_path)] == names[3:]
    assert (tmp_path / "notes.txt").exists()


def test_backup_of_an_idle_install_lists_every_file(engine: Engine, tmp_path: Path) -> None:
    url = str(engine.url.render_as_string(hide_password=False))
    settings = Settings(data_dir=tmp_path / "var", database_url=url)
    photo = settings.effective_media_dir / "ab" / "cd" / ("abcd" + "0" * 60)
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"photo bytes")
    thumb = settings.effective_media_dir / "thumbnails" / "x.jpg"
    thumb.parent.mkdir(parents=True)
    thumb.write_bytes(b"derived")
    result = create_backup(settings=settings, out_dir=tmp_path / "b")
    with tarfile.open(result.path) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile(MANIFEST).read())  # type: ignore[union-attr]
    assert names[-1] == MANIFEST
    assert f"media/ab/cd/abcd{'0' * 60}" in names
    assert not any("thumbnails" in n for n in names)
    entry = next(f for f in manifest["files"] if f["path"].startswith("media/"))
    assert entry == {"path": entry["path"], "sha256": _sha(b"photo bytes"), "size": 11}
    assert manifest["row_counts"] == {t: 0 for t in fieldsvc_tables()}
    assert manifest["backend"] == engine.dialect.name
