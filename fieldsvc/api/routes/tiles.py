"""Offline base-map tiles: a local XYZ folder (``z/x/y.png``) or an MBTiles file, served by
fieldsvc itself so the map needs no internet. The tiles' licence must allow offline use."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from fastapi import APIRouter, Response

from fieldsvc.api.deps import SettingsDep
from fieldsvc.errors import NotFound

router = APIRouter(prefix="/tiles", include_in_schema=False)

MEDIA_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}
CACHE = "public, max-age=604800"


def _no_tile(z: int, x: int, y: int) -> NotFound:
    return NotFound.of("tile_not_found", field="tile", z=z, x=x, y=y)


def mbtiles_tile(path: Path, z: int, x: int, y: int) -> bytes | None:
    """One tile from an MBTiles file (rows are stored TMS-style: y counted from the south)."""
    tms_y = (1 << z) - 1 - y
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        row = connection.execute(
            "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
            (z, x, tms_y),
        ).fetchone()
    return bytes(row[0]) if row else None


@router.get("/{z}/{x}/{y}.{ext}")
def tile(z: int, x: int, y: int, ext: str, settings: SettingsDep) -> Response:
    if ext not in MEDIA_TYPES or not (0 <= z <= 22 and 0 <= x < (1 << z) and 0 <= y < (1 << z)):
        raise _no_tile(z, x, y)
    data: bytes | None = None
    if settings.mbtiles_path is not None:
        data = mbtiles_tile(settings.mbtiles_path, z, x, y)
    elif settings.tiles_dir is not None:
        file = settings.tiles_dir / str(z) / str(x) / f"{y}.{ext}"
        data = file.read_bytes() if file.is_file() else None
    if data is None:
        raise _no_tile(z, x, y)
    return Response(data, media_type=MEDIA_TYPES[ext], headers={"Cache-Control": CACHE})
