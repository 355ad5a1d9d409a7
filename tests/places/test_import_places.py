"""``fieldsvc import subdistrict|village-centres|house-counts`` into the database (SQLite and
PostGIS): the right tambon, approximate areas that tile it, real polygons that replace them,
house counts matched by code and by หมู่, and coverage computed over approximate areas."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from sqlalchemy import Engine
from sqlmodel import Session, select

from fieldsvc.cli import main
from fieldsvc.config import Settings
from fieldsvc.models import Household, Subdistrict, Village
from fieldsvc.services.planning import compute_coverage
from fieldsvc.storage.frames import save_households, villages_frame
from tests.real_formats.make_places import PlaceFiles


def _run(settings: Settings, *args: str) -> int:
    return main(["import", *args], settings=settings)


def _import_centres(settings: Settings, files: PlaceFiles) -> int:
    """``fieldsvc import village-centres`` of the test tambon's centres list."""
    return _run(settings, "village-centres", str(files.centres_csv))


def _subdistricts(engine: Engine) -> list[Subdistrict]:
    with Session(engine) as session:
        return list(session.exec(select(Subdistrict)))


def _villages(engine: Engine) -> gpd.GeoDataFrame:
    with Session(engine) as session:
        return villages_frame(session=session)


@pytest.fixture
def with_boundary(place_files: PlaceFiles, settings: Settings, engine: Engine) -> PlaceFiles:
    assert (
        _run(settings, "subdistrict", str(place_files.boundaries_shp), "--pcode", "TH570101") == 0
    )
    return place_files


def test_boundary_import_takes_the_chosen_tambon_and_re_import_updates(
    place_files: PlaceFiles,
    settings: Settings,
    engine: Engine,
    capsys: pytest.CaptureFixture[str],
) -> None:
    shp = str(place_files.boundaries_shp)
    assert _run(settings, "subdistrict", shp, "--name", "เวียง") == 0
    out = capsys.readouterr().out
    assert "ตำบลเวียง เมืองเชียงราย เชียงราย รหัส 570101" in out
    assert "(1 of 3 in the file)" in out
    assert _run(settings, "subdistrict", shp, "--subdistrict-code", "570101") == 0
    assert "unchanged 1" in capsys.readouterr().out
    [stored] = _subdistricts(engine)
    assert (stored.code, stored.name, stored.name_en) == ("570101", "เวียง", "Wiang")
    assert (stored.district, stored.province) == ("เมืองเชียงราย", "เชียงราย")
    assert stored.boundary.symmetric_difference(place_files.boundary()).area < 1e-12


def test_a_boundary_file_without_attributes_takes_the_code_and_name_given(
    place_files: PlaceFiles, settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    drawn = tmp_path / "ขอบเขต.geojson"
    gpd.GeoDataFrame(geometry=[place_files.boundary("TH570102")], crs=4326).to_file(drawn)
    assert _run(settings, "subdistrict", str(drawn)) == 2  # no code: asks for one
    args = ["--subdistrict-code", "570102", "--subdistrict-name", "รอบเวียง"]
    assert _run(settings, "subdistrict", str(drawn), *args) == 0
    [stored] = _subdistricts(engine)
    assert (stored.code, stored.name) == ("570102", "รอบเวียง")


def test_many_tambons_without_a_choice_fail_and_store_nothing(
    place_files: PlaceFiles,
    settings: Settings,
    engine: Engine,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _run(settings, "subdistrict", str(place_files.boundaries_shp)) == 2
    assert "--pcode" in capsys.readouterr().err
    assert _subdistricts(engine) == []


def _check_areas(
    villages: gpd.GeoDataFrame, boundary: shapely.Polygon, *, tolerance: float = 1e-9
) -> None:
    """The areas' union is the boundary and their areas add up to it (so no overlaps),
    measured in the stored CRS: reprojecting bends the boundary's long edges between the new
    vertices the areas add on them, which would be counted as gaps or overlaps."""
    assert villages.crs.to_epsg() == 4326
    total = sum(float(area.area) for area in villages.geometry)  # degrees², the stored CRS
    assert abs(total - boundary.area) / boundary.area < tolerance
    union = shapely.union_all(villages.geometry.values)
    assert union.symmetric_difference(boundary).area / boundary.area < tolerance


def test_centres_from_a_csv_give_approximate_areas_that_tile_the_subdistrict(
    with_boundary: PlaceFiles, settings: Settings, engine: Engine
) -> None:
    assert _import_centres(settings, with_boundary) == 0
    villages = _villages(engine)
    assert villages["number"].tolist() == [1, 2, 3, 4, 5]
    assert villages["code"].tolist() == [f"5701010{n}" for n in range(1, 6)]
    assert villages["boundary_source"].tolist() == ["approximate"] * 5
    _check_areas(villages, with_boundary.boundary())
    for area, village in zip(villages.geometry, with_boundary.villages, strict=True):
        assert area.contains(shapely.Point(village[2]))
    # again: updates nothing, duplicates nothing
    assert _import_centres(settings, with_boundary) == 0
    assert len(_villages(engine)) == 5


def test_centres_from_an_osm_extract_give_the_same_division(
    with_boundary: PlaceFiles,
    settings: Settings,
    engine: Engine,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _run(settings, "village-centres", str(with_boundary.villages_pbf)) == 0
    out = capsys.readouterr().out
    assert "numbered 4–5 from north to south" in out
    villages = _villages(engine)
    assert villages["name"].tolist()[3:] == ["บ้านดอยทอง", "บ้านริมกก"]
    assert villages["boundary_source"].tolist() == ["approximate"] * 5
    _check_areas(villages, with_boundary.boundary())


def test_centres_need_the_boundary_first(
    place_files: PlaceFiles, settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    with Session(engine) as session:
        session.add(Subdistrict(code="570101", name="เวียง"))
        session.commit()
    assert _import_centres(settings, place_files) == 2
    assert _villages(engine).empty


def test_a_centre_outside_the_subdistrict_is_rejected_by_row(
    with_boundary: PlaceFiles,
    settings: Settings,
    engine: Engine,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "centres.csv"
    path.write_text(
        "หมู่,ชื่อ,lat,lon\n1,บ้านใน,19.900,99.815\n2,บ้านนอก,19.900,99.870\n3,บ้านใน 2,19.890,99.830\n",
        encoding="utf-8",
    )
    assert _run(settings, "village-centres", str(path)) == 0
    assert "Row 3: the point is outside the subdistrict boundary" in capsys.readouterr().out
    villages = _villages(engine)
    assert villages["number"].tolist() == [1, 3]
    _check_areas(villages, with_boundary.boundary())


def _real_villages_file(place_files: PlaceFiles, tmp_path: Path) -> Path:
    """Surveyed polygons of villages 1 and 2: the west and east halves of the tambon's north."""
    boundary = place_files.boundary()
    north = boundary.intersection(shapely.box(99.79, 19.896, 99.85, 19.93))
    west = north.intersection(shapely.box(99.79, 19.85, 99.826, 19.93))
    east = north.intersection(shapely.box(99.826, 19.85, 99.85, 19.93))
    frame = gpd.GeoDataFrame(
        {"moo": [1, 2], "name": ["บ้านเวียงเหนือ", "บ้านสันโค้ง"]}, geometry=[west, east], crs=4326
    )
    path = tmp_path / "surveyed.geojson"
    frame.to_file(path)
    return path


def test_real_polygons_replace_approximate_ones_and_centres_never_overwrite_them(
    with_boundary: PlaceFiles,
    settings: Settings,
    engine: Engine,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _import_centres(settings, with_boundary) == 0
    surveyed = _real_villages_file(with_boundary, tmp_path)
    assert _run(settings, "villages", str(surveyed)) == 0
    villages = _villages(engine).set_index("number")
    assert villages.loc[[1, 2], "boundary_source"].tolist() == ["imported", "imported"]
    assert villages.loc[[3, 4, 5], "boundary_source"].tolist() == ["approximate"] * 3
    real = gpd.read_file(surveyed).set_index("moo")
    assert villages.loc[1, "geometry"].symmetric_difference(real.loc[1, "geometry"]).area < 1e-12
    capsys.readouterr()

    # centres again: 1 and 2 keep their real polygons; 3–5 share the rest of the tambon
    assert _import_centres(settings, with_boundary) == 0
    out = capsys.readouterr().out
    assert "real boundaries kept: 1, 2" in out
    after = _villages(engine).set_index("number")
    assert after.loc[[1, 2], "boundary_source"].tolist() == ["imported", "imported"]
    assert after.loc[1, "geometry"].symmetric_difference(real.loc[1, "geometry"]).area < 1e-12
    assert after.loc[[3, 4, 5], "boundary_source"].tolist() == ["approximate"] * 3
    # surveyed polygons went through GeoJSON (rounded coordinates) and may stick out of the
    # tambon by millimetres: 1e-6 of 17 km² is 17 m²
    _check_areas(after.reset_index(), with_boundary.boundary(), tolerance=1e-6)
    north = shapely.union_all([after.loc[1, "geometry"], after.loc[2, "geometry"]])
    for number in (3, 4, 5):  # no overlap with the stored real polygons
        assert after.loc[number, "geometry"].intersection(north).area < 1e-12


def test_house_counts_match_by_code_and_by_moo_and_name_the_unmatched(
    with_boundary: PlaceFiles,
    settings: Settings,
    engine: Engine,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _import_centres(settings, with_boundary) == 0
    capsys.readouterr()
    assert _run(settings, "house-counts", str(with_boundary.house_counts_csv)) == 0
    out = capsys.readouterr().out
    assert "แถว 7: ไม่พบหมู่บ้านนี้ในตำบล 570101 [57010109] / Row 7: no such village" in out
    assert "Registered houses: 716 in 5 villages" in out
    assert _villages(engine)["households"].tolist() == [212, 187, 96, 143, 78]
    assert _run(settings, "house-counts", str(with_boundary.house_counts_by_moo_csv)) == 0
    out = capsys.readouterr().out
    assert "แถว 7: ไม่พบหมู่บ้านนี้ในตำบล 570101 [หมู่ 9] / Row 7: no such village" in out
    assert _villages(engine)["households"].tolist() == [213, 188, 97, 144, 79]


def test_coverage_runs_over_approximate_areas(
    with_boundary: PlaceFiles, settings: Settings, engine: Engine
) -> None:
    assert _import_centres(settings, with_boundary) == 0
    # two households near each centre, no village number: the approximate area assigns them
    offsets = [(0.0004, 0.0), (-0.0004, 0.0003)]
    points, refs, expected = [], [], []
    for number, _name, (lon, lat), _houses in with_boundary.villages:
        for k, (dx, dy) in enumerate(offsets):
            points.append(shapely.Point(lon + dx, lat + dy))
            refs.append(f"H{number}-{k}")
            expected.append(number)
    households = gpd.GeoDataFrame(
        {"ref": refs, "persons": [3] * len(refs), "village_number": [None] * len(refs)},
        geometry=points,
        crs=4326,
    )
    with Session(engine) as session:
        save_households(session=session, households=households)
        session.commit()
        numbers = {v.id: v.number for v in session.exec(select(Village))}
        assigned = [
            numbers[h.village_id] for h in session.exec(select(Household).order_by(Household.ref))
        ]
        result = compute_coverage(session=session, settings=settings)
    assert assigned == [n for _, n in sorted(zip(refs, expected, strict=True))]
    general = result.by_village[result.by_village["stream"] == "general"].set_index("number")
    assert general.loc[[1, 2, 3, 4, 5], "households_located"].tolist() == [2] * 5
    assert general["boundary_source"].tolist() == ["approximate"] * 5
