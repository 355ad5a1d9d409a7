"""Offline base-map tiles from a folder or an MBTiles file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings

PNG = b"\x89PNG\r\n\x1a\n" + b"tile"


def test_tiles_from_a_folder(tmp_path: Path, settings: Settings, engine: Engine) -> None:
    (tmp_path / "tiles" / "14" / "13083").mkdir(parents=True)
    (tmp_path / "tiles" / "14" / "13083" / "7564.png").write_bytes(PNG)
    app = create_app(settings.model_copy(update={"tiles_dir": tmp_path / "tiles"}), engine=engine)
    with TestClient(app) as client:
        found = client.get("/tiles/14/13083/7564.png")
        assert found.status_code == 200 and found.content == PNG
        assert found.headers["content-type"] == "image/png"
        assert client.get("/tiles/14/13083/7565.png").status_code == 404
        assert client.get("/tiles/14/13083/..%2F..%2Fsecret.png").status_code in (404, 422)
        assert client.get("/tiles/3/9/0.png").status_code == 404  # x outside zoom 3


def test_tiles_from_mbtiles_flip_the_row(
    tmp_path: Path, settings: Settings, engine: Engine
) -> None:
    path = tmp_path / "base.mbtiles"
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE tiles (zoom_level int, tile_column int, tile_row int, tile_data blob)"
        )
        db.execute("INSERT INTO tiles VALUES (2, 1, 3, ?)", (PNG,))  # TMS row 3 = XYZ y 0
    app = create_app(settings.model_copy(update={"mbtiles_path": path}), engine=engine)
    with TestClient(app) as client:
        assert client.get("/tiles/2/1/0.png").content == PNG
        assert client.get("/tiles/2/1/3.png").status_code == 404
