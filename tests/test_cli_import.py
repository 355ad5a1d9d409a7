"""`fieldsvc import villages` end to end: files in several formats and CRSs give the same
villages in WGS 84 in the database; bad files fail with a message and a non-zero exit."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from fieldsvc.cli import main
from fieldsvc.config import Settings
from fieldsvc.storage.frames import villages_frame
from tests.ingest.conftest import (
    ZONE_47,
    reference_villages,
    write_my_maps_kml,
    write_shapefile,
    zip_shapefile,
)

NEW_SUBDISTRICT = ["--subdistrict-code", "999902", "--subdistrict-name", "ตำบลทดสอบ"]


def _villages_in_db(engine: Engine) -> list[tuple[int, str]]:
    with Session(engine) as session:
        frame = villages_frame(session=session)
    return list(zip(frame["number"], frame["name"], strict=True))


def _max_offset_m(engine: Engine) -> float:
    reference = reference_villages(ZONE_47).to_crs(32647)
    with Session(engine) as session:
        stored = villages_frame(session=session).to_crs(32647)
    return max(
        a.hausdorff_distance(b) for a, b in zip(reference.geometry, stored.geometry, strict=True)
    )


@pytest.fixture
def village_files(tmp_path: Path) -> dict[str, Path]:
    reference = reference_villages(ZONE_47)
    shp = write_shapefile(reference.to_crs(24047), tmp_path / "shp" / "villages.shp")
    gpkg = tmp_path / "villages.gpkg"
    reference.rename(columns={"number": "หมู่ที่", "name": "ชื่อหมู่บ้าน"}).to_crs(32647).to_file(
        gpkg, engine="pyogrio"
    )
    return {
        "zipped shapefile, Indian 1975 / UTM 47N, cp874": zip_shapefile(
            shp, tmp_path / "หมู่บ้าน.zip", folder="ขอบเขตหมู่บ้าน"
        ),
        "KML from Google My Maps": write_my_maps_kml(reference, tmp_path / "villages.kml"),
        "GeoPackage, UTM 47N": gpkg,
    }


@pytest.mark.parametrize(
    "kind",
    [
        "zipped shapefile, Indian 1975 / UTM 47N, cp874",
        "KML from Google My Maps",
        "GeoPackage, UTM 47N",
    ],
)
def test_import_villages_gives_the_same_villages_in_wgs84(
    kind: str, village_files: dict[str, Path], settings: Settings, engine: Engine
) -> None:
    status = main(
        ["import", "villages", str(village_files[kind]), *NEW_SUBDISTRICT], settings=settings
    )
    assert status == 0
    assert _villages_in_db(engine) == [(1, "บ้านโนนสูง"), (2, "บ้านหนองบัว"), (3, "บ้านดอนแดง")]
    assert _max_offset_m(engine) < 0.01


def test_importing_the_same_file_twice_does_not_duplicate(
    village_files: dict[str, Path],
    settings: Settings,
    engine: Engine,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = str(village_files["GeoPackage, UTM 47N"])
    assert main(["import", "villages", path, *NEW_SUBDISTRICT], settings=settings) == 0
    assert main(["import", "villages", path], settings=settings) == 0
    assert len(_villages_in_db(engine)) == 3
    assert "unchanged 3" in capsys.readouterr().out


def _empty(tmp_path: Path) -> Path:
    path = tmp_path / "villages.geojson"
    path.write_bytes(b"")
    return path


def _zip_without_shp(tmp_path: Path) -> Path:
    import zipfile

    path = tmp_path / "villages.zip"
    with zipfile.ZipFile(path, "w") as bundle:
        bundle.writestr("ขอบเขต/readme.txt", "no shapefile here")
    return path


def _metres_without_crs(tmp_path: Path) -> Path:
    shp = write_shapefile(reference_villages(ZONE_47).to_crs(32647), tmp_path / "m" / "v.shp")
    shp.with_suffix(".prj").unlink()
    return shp


@pytest.mark.parametrize(
    ("make_file", "expected"),
    [
        (_empty, "empty"),
        (_zip_without_shp, ".shp"),
        (_metres_without_crs, "--crs"),
    ],
)
def test_bad_files_fail_with_a_clear_message_and_non_zero_exit(
    make_file,
    expected: str,
    tmp_path: Path,
    settings: Settings,
    engine: Engine,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = make_file(tmp_path)
    status = main(["import", "villages", str(path), *NEW_SUBDISTRICT], settings=settings)
    err = capsys.readouterr().err
    assert status == 2
    assert expected in err
    assert path.name in err
    assert _villages_in_db(engine) == []


def test_sample_inventory_keeps_each_bins_last_inspection_date(
    settings: Settings, engine: Engine
) -> None:
    from fieldsvc.services.demo import load_sample_data
    from fieldsvc.storage.register import require_bin

    with Session(engine) as session:
        load_sample_data(session=session)
        session.commit()
        first = require_bin(session=session, code="SB-01-0001")
    # geodata/sample_bins.geojson: last_inspected 2026-08-11 (noon Thai time = 05:00 UTC)
    assert first.last_inspected_at is not None
    assert first.last_inspected_at.isoformat() == "2026-08-11T05:00:00+00:00"
