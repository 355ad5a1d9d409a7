"""Backups that restore: one tar archive holding the database, the photos and a manifest.

The archive is written while the server keeps taking surveys:

* the database is copied first, as one consistent snapshot — SQLite's online-backup API
  (readers do not block writers in WAL mode), or ``pg_dump -Fc`` of PostgreSQL inside an
  exported snapshot, so the row counts in the manifest are those of the dump exactly;
* the photos are copied after it. A photo is stored before the survey row that names it is
  committed, so every photo a backed-up row points at is already on disk then.

``manifest.json`` (the last member) lists the row count of every table and the SHA-256 and size
of every other member. :func:`restore_backup` checks all of them before it touches anything, and
restores only into an empty install.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine, inspect, text
from sqlmodel import SQLModel

import fieldsvc.models  # noqa: F401  (every table registered on SQLModel.metadata)
from fieldsvc import __version__
from fieldsvc.config import Settings
from fieldsvc.errors import Conflict, FieldsvcError, InvalidInput
from fieldsvc.storage.engine import engine_from_settings
from fieldsvc.storage.migrate import current_revision, upgrade_database

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/fieldsvc.sqlite3"
PGDUMP_MEMBER = "database/fieldsvc.pgdump"
MEDIA_PREFIX = "media/"
ARCHIVE_RE = re.compile(r"^fieldsvc-backup-(\d{8}T\d{6}Z)\.tar$")
CHUNK = 1 << 20
#: Derived files (thumbnails) and half-written temporary files are not backed up.
SKIPPED_MEDIA = ("thumbnails",)


class DamagedBackup(FieldsvcError):
    """The archive is truncated, altered or not a fieldsvc backup."""

    code = "backup_damaged"


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size_bytes: int
    files: int
    row_counts: dict[str, int]
    removed: list[Path]
    seconds: float

    def summary(self) -> str:
        surveys = self.row_counts.get("submission", 0)
        return (
            f"สำรองข้อมูลแล้ว / backup written: {self.path} "
            f"({self.size_bytes / 1e6:.1f} MB, {self.files} files, {surveys} surveys, "
            f"{self.seconds:.1f} s); removed {len(self.removed)} old"
        )


@dataclass(frozen=True)
class RestoreResult:
    row_counts: dict[str, int]
    photos: int

    def summary(self) -> str:
        return (
            f"กู้คืนแล้ว / restored: {self.row_counts.get('submission', 0)} surveys, "
            f"{sum(self.row_counts.values())} rows, {self.photos} photo files"
        )


# --- helpers ---------------------------------------------------------------------------------


def _sha256_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def fieldsvc_tables() -> list[str]:
    """Every fieldsvc table, parents before children."""
    return [t.name for t in SQLModel.metadata.sorted_tables]


def _libpq(engine: Engine) -> tuple[str, dict[str, str]]:
    """A libpq connection URL without the password, and the environment that carries it."""
    url = engine.url.set(drivername="postgresql")
    env = {**os.environ}
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    return url.set(password=None).render_as_string(hide_password=False), env


def pg_tool(engine: Engine, name: str) -> str:
    """``pg_dump`` / ``pg_restore`` of the server's own major version when installed (Debian
    keeps each under /usr/lib/postgresql/<major>/bin), else the one on PATH."""
    with engine.connect() as connection:
        number = int(connection.execute(text("SHOW server_version_num")).scalar_one())
    own = Path(f"/usr/lib/postgresql/{number // 10000}/bin/{name}")
    if own.is_file():
        return str(own)
    found = shutil.which(name)
    if found is None:
        raise FieldsvcError.of("pg_tool_missing", name=name)
    return found


def _media_files(media_dir: Path) -> Iterator[Path]:
    if not media_dir.is_dir():
        return
    for path in sorted(media_dir.rglob("*")):
        relative = path.relative_to(media_dir)
        if relative.parts[0] in SKIPPED_MEDIA or path.name.startswith(".tmp-"):
            continue
        if path.is_file():
            yield path


# --- database snapshot -----------------------------------------------------------------------


def _sqlite_snapshot(engine: Engine, target: Path) -> dict[str, int]:
    source_path = engine.url.database
    if not source_path or source_path == ":memory:":
        raise InvalidInput.of("backup_of_memory_database")
    source = sqlite3.connect(source_path, timeout=30)
    destination = sqlite3.connect(target)
    try:
        # One step (pages=-1): a single read transaction, so the copy is one consistent moment.
        source.backup(destination)
    finally:
        source.close()
    try:
        present = {r[0] for r in destination.execute("SELECT name FROM sqlite_master")}
        counts = {
            name: int(destination.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])
            for name in fieldsvc_tables()
            if name in present
        }
        destination.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        destination.close()
    return counts


def _postgres_snapshot(engine: Engine, target: Path) -> dict[str, int]:
    pg_dump = pg_tool(engine, "pg_dump")
    url, env = _libpq(engine)
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            present = set(inspect(connection).get_table_names())
            counts = {
                name: int(connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one())
                for name in fieldsvc_tables()
                if name in present
            }
            # pg_dump reads the very snapshot the counts were taken in, while it is held open.
            done = subprocess.run(
                [
                    pg_dump,
                    "-Fc",
                    f"--snapshot={snapshot}",
                    "--no-owner",
                    # PostGIS's own table of coordinate systems comes with the extension.
                    "--exclude-table-data=public.spatial_ref_sys",
                    "-f",
                    str(target),
                    url,
                ],
                env=env,
                capture_output=True,
                text=True,
            )
    if done.returncode != 0:
        raise FieldsvcError.of("pg_dump_failed", reason=done.stderr.strip())
    return counts


# --- backup ----------------------------------------------------------------------------------


def default_backup_dir(settings: Settings) -> Path:
    return settings.data_dir / "backups"


def list_backups(folder: Path) -> list[Path]:
    """The finished backups in ``folder``, oldest first (their names sort by time)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if ARCHIVE_RE.match(p.name))


def backup_time(path: Path) -> datetime | None:
    """When the backup ``path`` was taken, from its name."""
    match = ARCHIVE_RE.match(path.name)
    if match is None:
        return None
    return datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


class _HashingReader:
    """A file read through once: the bytes go into the archive and into the hash together."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(size)
        self.digest.update(chunk)
        return chunk


def _add_file(archive: tarfile.TarFile, name: str, path: Path) -> dict[str, Any]:
    """Add ``path`` as ``name``, hashing the very bytes written (a photo does not change: the
    media store never rewrites a file in place, and the database copy is ours)."""
    size = path.stat().st_size
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(path.stat().st_mtime)
    info.mode = 0o600
    with path.open("rb") as handle:
        reader = _HashingReader(handle)
        archive.addfile(info, reader)  # type: ignore[arg-type]
    return {"path": name, "sha256": reader.digest.hexdigest(), "size": size}


def create_backup(
    *, settings: Settings, out_dir: Path | None = None, keep: int | None = None
) -> BackupResult:
    """Write ``fieldsvc-backup-<UTC time>.tar`` into ``out_dir`` and keep the newest ``keep``.

    The archive appears under its final name only when complete (written as ``.partial``, fsynced
    and renamed), so a crash never leaves a half archive that looks like a backup.
    """
    started = datetime.now(UTC)
    clock = time.monotonic()
    folder = out_dir or default_backup_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"fieldsvc-backup-{started:%Y%m%dT%H%M%SZ}.tar"
    engine = engine_from_settings(settings)
    try:
        revision = current_revision(engine)
        backend = engine.dialect.name
        with tempfile.TemporaryDirectory(dir=folder, prefix=".backup-") as work:
            if backend == "postgresql":
                dump, member = Path(work) / "fieldsvc.pgdump", PGDUMP_MEMBER
                counts = _postgres_snapshot(engine, dump)
            else:
                dump, member = Path(work) / "fieldsvc.sqlite3", SQLITE_MEMBER
                counts = _sqlite_snapshot(engine, dump)
            partial = final.with_name(final.name + ".partial")
            files: list[dict[str, Any]] = []
            with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as archive:
                files.append(_add_file(archive, member, dump))
                media_dir = settings.effective_media_dir
                for path in _media_files(media_dir):
                    name = MEDIA_PREFIX + path.relative_to(media_dir).as_posix()
                    files.append(_add_file(archive, name, path))
                manifest = {
                    "format": FORMAT_VERSION,
                    "fieldsvc_version": __version__,
                    "created_at": started.isoformat(),
                    "backend": backend,
                    "alembic_revision": revision,
                    "database": member,
                    "row_counts": counts,
                    "files": files,
                }
                _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=1).encode("utf-8"))
            with partial.open("rb") as handle:
                os.fsync(handle.fileno())
            os.replace(partial, final)
    finally:
        engine.dispose()
    removed = prune_backups(folder, keep) if keep else []
    return BackupResult(
        path=final,
        size_bytes=final.stat().st_size,
        files=len(files),
        row_counts=counts,
        removed=removed,
        seconds=time.monotonic() - clock,
    )


def prune_backups(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups in ``folder``; returns those deleted."""
    if keep < 1:
        raise InvalidInput.of("backup_keep_invalid", field="keep", keep=keep)
    old = list_backups(folder)[:-keep]
    for path in old:
        path.unlink()
    return old


# --- verify ----------------------------------------------------------------------------------


def _damaged(archive: Path, why_en: str, why_th: str) -> DamagedBackup:
    return DamagedBackup.of(
        "backup_damaged",
        field="archive",
        details={"archive": str(archive)},
        archive=archive.name,
        why_en=why_en,
        why_th=why_th,
    )


def _read_manifest(archive_path: Path, archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.getmember(MANIFEST)
        handle = archive.extractfile(member)
        if handle is None:
            raise KeyError(MANIFEST)
        manifest: dict[str, Any] = json.loads(handle.read().decode("utf-8"))
    except KeyError as exc:
        raise _damaged(archive_path, "it has no manifest.json", "ไม่มีไฟล์ manifest.json") from exc
    except (ValueError, OSError, tarfile.TarError, EOFError) as exc:
        raise _damaged(
            archive_path, "manifest.json is unreadable", "อ่าน manifest.json ไม่ได้"
        ) from exc
    if manifest.get("format") != FORMAT_VERSION or not isinstance(manifest.get("files"), list):
        raise _damaged(archive_path, "not a fieldsvc backup", "ไม่ใช่ไฟล์สำรองของ fieldsvc")
    return manifest


def _safe_name(name: str) -> bool:
    parts = Path(name).parts
    return bool(parts) and not Path(name).is_absolute() and ".." not in parts


def _copy_hashing(source: IO[bytes], target: IO[bytes] | None) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if target is not None:
            target.write(chunk)
    return digest.hexdigest(), size


def verify_backup(archive_path: Path) -> dict[str, Any]:
    """Check every member against the manifest (SHA-256 and size); the manifest, or
    :class:`DamagedBackup` naming the first thing wrong."""
    try:
        archive = tarfile.open(archive_path, "r:")  # noqa: SIM115  (closed by the with below)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise _damaged(
            archive_path, f"not a readable tar file ({exc})", "ไม่ใช่ไฟล์ tar ที่อ่านได้"
        ) from exc
    with archive:
        try:
            members = {m.name: m for m in archive.getmembers()}
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise _damaged(archive_path, "the file is cut short", "ไฟล์ขาดไม่ครบ") from exc
        manifest = _read_manifest(archive_path, archive)
        listed = {entry["path"] for entry in manifest["files"]}
        extra = set(members) - listed - {MANIFEST}
        if extra:
            name = sorted(extra)[0]
            raise _damaged(archive_path, f"{name} is not in the manifest", f"{name} ไม่อยู่ในรายการ")
        if manifest.get("database") not in listed:
            raise _damaged(archive_path, "it holds no database", "ไม่มีฐานข้อมูลในไฟล์")
        for entry in manifest["files"]:
            name = entry["path"]
            member = members.get(name)
            if member is None or not member.isfile() or not _safe_name(name):
                raise _damaged(archive_path, f"{name} is missing", f"ไม่มีไฟล์ {name}")
            try:
                handle = archive.extractfile(member)
                assert handle is not None
                digest, size = _copy_hashing(handle, None)
            except (tarfile.TarError, OSError, EOFError) as exc:
                raise _damaged(
                    archive_path, f"{name} is cut short", f"ไฟล์ {name} ขาดไม่ครบ"
                ) from exc
            if size != entry["size"] or digest != entry["sha256"]:
                raise _damaged(
                    archive_path,
                    f"{name} does not match its SHA-256 checksum",
                    f"ไฟล์ {name} ไม่ตรงกับค่า SHA-256 ที่บันทึกไว้",
                )
    return manifest


# --- restore ---------------------------------------------------------------------------------


def install_contents(*, settings: Settings, engine: Engine) -> dict[str, int]:
    """What an install already holds: rows per non-empty table and ``photos`` files."""
    found: dict[str, int] = {}
    present = set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        for name in fieldsvc_tables():
            if name in present:
                rows = int(connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one())
                if rows:
                    found[name] = rows
    photos = sum(1 for _ in _media_files(settings.effective_media_dir))
    if photos:
        found["photos"] = photos
    return found


def _restore_sqlite(engine: Engine, dump: Path) -> None:
    target = engine.url.database
    assert target
    engine.dispose()
    source = sqlite3.connect(dump)
    destination = sqlite3.connect(target, timeout=30)
    try:
        source.backup(destination)  # replaces every page of the target: the empty schema too
    finally:
        source.close()
        destination.close()


def _restore_postgres(engine: Engine, dump: Path) -> None:
    pg_restore = pg_tool(engine, "pg_restore")
    url, env = _libpq(engine)
    listing = subprocess.run(
        [pg_restore, "-l", str(dump)], capture_output=True, text=True, check=True
    ).stdout
    # PostGIS belongs to the database (a superuser creates it once, with spatial_ref_sys):
    # leave it alone.
    skip = (" EXTENSION ", " SCHEMA - public", " spatial_ref_sys ")
    keep = [f";{line}" if any(s in line for s in skip) else line for line in listing.splitlines()]
    with tempfile.NamedTemporaryFile("w", suffix=".list", delete=False) as handle:
        handle.write("\n".join(keep) + "\n")
    engine.dispose()
    try:
        done = subprocess.run(
            [
                pg_restore,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "-L",
                handle.name,
                "-d",
                url,
                str(dump),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
    finally:
        Path(handle.name).unlink()
    if done.returncode != 0:
        raise FieldsvcError.of("pg_restore_failed", reason=done.stderr.strip())


def restore_backup(*, settings: Settings, archive_path: Path) -> RestoreResult:
    """Verify ``archive_path`` completely, then restore it into this install, which must be empty
    (no rows, no photos). The schema is then migrated to the newest revision."""
    manifest = verify_backup(archive_path)
    engine = engine_from_settings(settings)
    try:
        held = install_contents(settings=settings, engine=engine)
        if held:
            listed = ", ".join(f"{k}: {v}" for k, v in sorted(held.items()))
            raise Conflict.of("restore_into_non_empty", details={"found": held}, listed=listed)
        if manifest["backend"] != engine.dialect.name:
            raise InvalidInput.of(
                "restore_backend_mismatch",
                backup_backend=manifest["backend"],
                backend=engine.dialect.name,
            )
        media_dir = settings.effective_media_dir
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        staged: list[tuple[Path, Path]] = []
        dump: Path | None = None
        # Everything is unpacked into a folder of its own first; photos move into place only
        # after the database is restored, so a failure leaves the install as empty as it was.
        with (
            tempfile.TemporaryDirectory(prefix=".restore-", dir=settings.data_dir) as work,
            tarfile.open(archive_path, "r:") as archive,
        ):
            for n, entry in enumerate(manifest["files"]):
                name = entry["path"]
                handle = archive.extractfile(name)
                assert handle is not None
                target = Path(work) / f"{n:08d}"
                with target.open("wb") as out:
                    digest, _size = _copy_hashing(handle, out)
                if digest != entry["sha256"]:  # the archive changed since it was verified
                    raise _damaged(archive_path, f"{name} changed", f"ไฟล์ {name} ถูกเปลี่ยน")
                if name == manifest["database"]:
                    dump = target
                else:
                    staged.append((target, media_dir / name.removeprefix(MEDIA_PREFIX)))
            assert dump is not None  # verify_backup checked the manifest names it
            if engine.dialect.name == "postgresql":
                _restore_postgres(engine, dump)
            else:
                _restore_sqlite(engine, dump)
            for source, final in staged:
                final.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(source, final)
        photos = len(staged)
        upgrade_database(engine)
    finally:
        engine.dispose()
    return RestoreResult(row_counts=dict(manifest["row_counts"]), photos=photos)
