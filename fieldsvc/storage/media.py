"""Content-addressed media store: ``<media_dir>/ab/cd/abcdef…`` named by the SHA-256 of the bytes.

Writes are crash-safe: a temporary file in the same folder is written, fsynced and renamed over
the final name (``os.replace`` is atomic), then the folder is fsynced. A file that is already
there is not written again: identical bytes have one name.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from fieldsvc.config import Settings
from fieldsvc.errors import InvalidInput, NotFound
from fieldsvc.ingest.photos import THUMBNAIL_PX, make_thumbnail

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def media_path(*, settings: Settings, sha256: str) -> Path:
    """Where the bytes with this hash live (fan-out by the first two byte pairs)."""
    if not SHA256_RE.match(sha256):
        raise InvalidInput.of(
            "sha256_invalid", field="sha256", details={"value": sha256}, sha256=sha256
        )
    return settings.effective_media_dir / sha256[:2] / sha256[2:4] / sha256


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomically(final: Path, data: bytes) -> None:
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=final.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, final)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    _fsync_dir(final.parent)


def store_media(*, settings: Settings, data: bytes) -> str:
    """Store ``data`` and return its SHA-256 hex digest (idempotent)."""
    digest = sha256_hex(data)
    final = media_path(settings=settings, sha256=digest)
    if final.is_file() and final.stat().st_size == len(data):
        return digest
    _write_atomically(final, data)
    return digest


def require_media(*, settings: Settings, sha256: str) -> Path:
    """The stored file for ``sha256``, or ``NotFound``."""
    path = media_path(settings=settings, sha256=sha256)
    if not path.is_file():
        raise NotFound.of(
            "media_not_found", field="sha256", details={"value": sha256}, sha256=sha256
        )
    return path


def thumbnail_path(*, settings: Settings, sha256: str) -> Path:
    """Where the thumbnail of the photo ``sha256`` is cached (``<media_dir>/thumbnails/…``)."""
    original = media_path(settings=settings, sha256=sha256)  # validates the digest
    return (
        settings.effective_media_dir
        / "thumbnails"
        / f"{THUMBNAIL_PX}px"
        / sha256[:2]
        / sha256[2:4]
        / f"{original.name}.jpg"
    )


def require_thumbnail(*, settings: Settings, sha256: str) -> Path:
    """The cached thumbnail of a stored photo, made on first request.

    Thumbnails are made lazily, never while a survey is received, so an upload's answer does not
    wait for image work. They are derived data: deleting the ``thumbnails`` folder is safe.
    """
    path = thumbnail_path(settings=settings, sha256=sha256)
    if path.is_file():
        return path
    original = require_media(settings=settings, sha256=sha256)
    _write_atomically(path, make_thumbnail(original.read_bytes()))
    return path
