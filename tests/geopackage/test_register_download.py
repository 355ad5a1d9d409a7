"""Who may take the register GeoPackage (staff download and command line), and the UTM zone
chosen from the data on either side of the 102° E seam."""

from __future__ import annotations

import argparse
from pathlib import Path

import geopandas as gpd
import pyogrio
from fastapi.testclient import TestClient
from shapely.geometry import MultiPolygon, box
from sqlalchemy import Engine
from sqlmodel import Session

from fieldsvc.api.app import create_app
from fieldsvc.cli import reports as cli_reports
from fieldsvc.config import Settings
from fieldsvc.models import Subdistrict
from fieldsvc.models.enums import Stream
from fieldsvc.services.register_export import register_export
from fieldsvc.storage.frames import save_villages
from tests.intake.conftest import add_bin, make_place


def _get(client: TestClient, token: str | None, query: str = "") -> tuple[int, bytes, str]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answer = client.get(f"/staff/export/register.gpkg{query}", headers=headers)
    return answer.status_code, answer.content, answer.headers.get("content-type", "")


def test_staff_download_and_who_is_refused(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    with Session(engine, expire_on_commit=False) as session:
        place = make_place(session)
        add_bin(session, "A-0001", 16.305, 103.305)
        add_bin(session, "A-0002", 16.306, 103.315, Stream.recyclable)
        session.commit()
    with TestClient(create_app(settings, engine=engine)) as client:
        status, body, media_type = _get(client, place.staff_token, "?crs=utm")
        assert status == 200, body[:300]
        assert media_type == "application/geopackage+sqlite3"
        assert body.startswith(b"SQLite format 3\x00")
        path = tmp_path / "download.gpkg"
        path.write_bytes(body)
        assert pyogrio.read_info(path, layer="bins")["features"] == 2
        assert pyogrio.read_info(path, layer="villages")["crs"] == "EPSG:32648"
        assert pyogrio.read_info(path, layer="plan")["features"] == 0  # no plan yet
        status, body, _ = _get(client, place.viewer_token)
        assert status == 403
        assert b"GeoPackage" in body
        assert _get(client, place.head_token)[0] == 403
        assert _get(client, None)[0] == 401
        assert _get(client, place.staff_token, "?crs=mercator")[0] == 422
        # the dashboard offers the file to those who may take it
        link = b'href="/staff/export/register.gpkg"'
        for token, shown in ((place.staff_token, True), (place.viewer_token, False)):
            page = client.get("/staff", headers={"Authorization": f"Bearer {token}"})
            assert page.status_code == 200 and (link in page.content) is shown


def test_command_line_writes_the_file(settings: Settings, engine: Engine, tmp_path: Path) -> None:
    with Session(engine) as session:
        make_place(session)
        add_bin(session, "A-0001", 16.305, 103.305)
        session.commit()
    parser = argparse.ArgumentParser(prog="fieldsvc")
    cli_reports.register(parser.add_subparsers(required=True))
    out = tmp_path / "office.gpkg"
    args = parser.parse_args(["export", "register", "--out", str(out)])
    assert args.handler(args, settings) == 0
    layers = [name for name, _kind in pyogrio.list_layers(out)]
    assert layers == ["villages", "coverage", "bins", "inspections", "plan", "layer_styles"]
    assert pyogrio.read_info(out, layer="inspections")["features"] == 1
    assert pyogrio.read_info(out, layer="villages")["crs"] == "EPSG:4326"
    # a second run replaces the file instead of adding to it
    assert args.handler(args, settings) == 0
    assert pyogrio.read_info(out, layer="bins")["features"] == 1


def test_utm_zone_47_west_of_the_seam(settings: Settings, session: Session) -> None:
    sub = Subdistrict(
        code="999902",
        name="ตำบลฝั่งตะวันตก",
        boundary=MultiPolygon([box(99.90, 13.50, 99.93, 13.52)]),
    )
    session.add(sub)
    session.flush()
    villages = gpd.GeoDataFrame(
        {"number": [1], "name": ["บ้านท่าม่วง"]},
        geometry=[box(99.90, 13.50, 99.93, 13.52)],
        crs="EPSG:4326",
    )
    save_villages(session=session, subdistrict=sub, villages=villages)
    add_bin(session, "W-0001", 13.51, 99.91)
    session.commit()
    export = register_export(session=session, settings=settings, crs="utm")
    assert export.crs.to_epsg() == 32647
    assert register_export(session=session, settings=settings).crs.to_epsg() == 4326
