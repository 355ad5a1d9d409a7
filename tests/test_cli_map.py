"""`fieldsvc map --out` writes one HTML file that needs no network."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from fieldsvc.cli import main
from fieldsvc.config import Settings
from fieldsvc.maps.assets import external_references
from tests.test_planning import _seed


def test_map_file_is_self_contained(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    with Session(engine) as session:
        _seed(session)
    out = tmp_path / "coverage.html"
    assert main(["map", "--out", str(out)], settings=settings) == 0
    html = out.read_text(encoding="utf-8")
    assert external_references(html) == []
    assert "<script src=" not in html  # every script inlined
    assert '"B1"' in html
    village = "บ้านหนึ่ง"
    assert village in html or json.dumps(village)[1:-1] in html
    public = tmp_path / "public.html"
    assert main(["map", "--out", str(public), "--audience", "public"], settings=settings) == 0
    assert "/api/v1/media/" not in public.read_text(encoding="utf-8")
