"""The command line of an install serving several subdistricts: who works where
(``users list`` / ``users scope``) and imports that must name their subdistrict."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pytest
from fastapi.testclient import TestClient
from shapely.geometry import box
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from fieldsvc.api.app import create_app
from fieldsvc.cli import main
from fieldsvc.config import Settings
from fieldsvc.models import Bin, Household
from fieldsvc.storage.tenancy import subdistrict_ids_of
from fieldsvc.storage.users import get_user
from tests.tenancy.conftest import TwoSubdistricts


def _listing(settings: Settings, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    assert main(["users", "list"], settings=settings) == 0
    lines = capsys.readouterr().out.splitlines()
    return {line.split()[0]: line.rsplit(" · ", 1)[-1] for line in lines if " · " in line}


def test_users_list_shows_each_users_subdistricts(
    settings: Settings, two: TwoSubdistricts, capsys: pytest.CaptureFixture[str]
) -> None:
    places = _listing(settings, capsys)
    assert places["staff_b"] == "999902" and places["viewer_b"] == "999902"
    assert places["admin_a"] == "999901"
    assert places["head_b1"] == "999902"  # a village head: the subdistrict of their village
    assert places["province"] == "ทุกตำบล / all"


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as test_client:
        yield test_client


def test_users_scope_changes_a_users_subdistricts_from_their_next_request(
    settings: Settings,
    engine: Engine,
    client: TestClient,
    two: TwoSubdistricts,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bearer = {"Authorization": f"Bearer {two.b.tokens['staff']}"}

    def switch(code: str) -> int:
        answer = client.post(
            "/staff/subdistrict", data={"code": code}, headers=bearer, follow_redirects=False
        )
        return answer.status_code

    assert switch("999901") == 403
    argv = ["users", "scope", "staff_b", "--subdistrict", "999901", "--subdistrict", "999902"]
    assert main(argv, settings=settings) == 0
    assert "999901" in capsys.readouterr().out
    assert switch("999901") == 303  # the same token, at once
    assert _listing(settings, capsys)["staff_b"] == "999901,999902"

    assert main(["users", "scope", "staff_b", "--subdistrict", "999901"], settings=settings) == 0
    assert switch("999902") == 403 and switch("999901") == 303
    assert main(["users", "scope", "staff_b", "--all-subdistricts"], settings=settings) == 0
    with Session(engine) as session:
        user = get_user(session=session, username="staff_b")
        assert subdistrict_ids_of(session=session, user=user) is None


def test_users_scope_refuses_heads_unknown_codes_and_no_choice(
    settings: Settings, engine: Engine, two: TwoSubdistricts, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["users", "scope", "head_b1", "--subdistrict", "999901"], settings=settings) == 2
    assert "ผู้ใหญ่บ้าน" in capsys.readouterr().err
    assert main(["users", "scope", "staff_b", "--subdistrict", "123456"], settings=settings) == 2
    with pytest.raises(SystemExit):  # neither --subdistrict nor --all-subdistricts
        main(["users", "scope", "staff_b"], settings=settings)
    with Session(engine) as session:
        user = get_user(session=session, username="staff_b")
        assert subdistrict_ids_of(session=session, user=user) == [two.b.subdistrict.id]


def _points(path: Path, rows: list[dict[str, object]], lon_lat: list[tuple[float, float]]) -> Path:
    features = [
        {
            "type": "Feature",
            "properties": row,
            "geometry": {"type": "Point", "coordinates": list(point)},
        }
        for row, point in zip(rows, lon_lat, strict=True)
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path


def test_imports_of_points_name_their_subdistrict_when_there_are_several(
    settings: Settings,
    engine: Engine,
    two: TwoSubdistricts,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Outside every village, so only the village number (หมู่ 1: in A and in B) places them.
    outside = [(103.50, 16.50), (103.51, 16.50)]
    homes = _points(
        tmp_path / "homes.geojson",
        [{"household_id": "HB-1", "village_moo": 1}, {"household_id": "HB-2", "village_moo": 2}],
        outside,
    )
    bins = _points(
        tmp_path / "bins.geojson",
        [
            {
                "code": "BB-1",
                "village_moo": 1,
                "capacity_l": 200,
                "stream": "general",
                "condition": "usable",
            },
            {"code": "BB-2", "capacity_l": 120, "stream": "general", "condition": "usable"},
        ],  # fmt: skip
        outside,
    )
    for what, path in (("households", homes), ("bins", bins)):
        assert main(["import", what, str(path)], settings=settings) != 0
        assert "999902" not in capsys.readouterr().out
    with Session(engine) as session:
        assert session.exec(select(Household)).all() == []
        assert session.exec(select(Bin).where(col(Bin.code).in_(["BB-1", "BB-2"]))).all() == []
    for what, path in (("households", homes), ("bins", bins)):
        argv = ["import", what, str(path), "--subdistrict-code", "999902"]
        assert main(argv, settings=settings) == 0, capsys.readouterr()
    b_villages = two.b.village_ids
    with Session(engine) as session:
        placed = {h.ref: h.village_id for h in session.exec(select(Household))}
        assert placed == {"HB-1": b_villages[1], "HB-2": b_villages[2]}
        made = {b.code: b for b in session.exec(select(Bin))}
        assert made["BB-1"].village_id == b_villages[1]
        assert made["BB-2"].village_id is None
        assert {made[c].subdistrict_id for c in ("BB-1", "BB-2")} == {two.b.subdistrict.id}
    unknown = ["import", "bins", str(bins), "--subdistrict-code", "123456"]
    assert main(unknown, settings=settings) != 0


def test_villages_without_a_code_are_refused_when_there_are_several(
    settings: Settings, two: TwoSubdistricts, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    frame = gpd.GeoDataFrame(
        {"number": [3], "name": ["บ้านใหม่"]},
        geometry=[box(103.34, 16.30, 103.35, 16.31)],
        crs="EPSG:4326",
    )
    path = tmp_path / "villages.geojson"
    frame.to_file(path, driver="GeoJSON")
    assert main(["import", "villages", str(path)], settings=settings) != 0
    out = capsys.readouterr()
    assert "2" in out.err + out.out
    argv = ["import", "villages", str(path), "--subdistrict-code", "999902"]
    assert main(argv, settings=settings) == 0
