"""Reading village boundaries and point layers from files generated at test time."""

from __future__ import annotations

import datetime as dt
import random
import zipfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Point, box, mapping

from fieldsvc.ingest.layers import (
    LayerReadError,
    LayerWarning,
    read_layer,
    read_points,
    read_villages,
)
from fieldsvc.ingest.values import parse_village_number, village_number_in_text
from fieldsvc.ingest.vocab import (
    CONDITION_LABELS_TH,
    STREAM_LABELS_TH,
    match_condition,
    match_stream,
)
from tests.ingest.conftest import (
    VILLAGES,
    ZONE_47,
    ZONE_48,
    reference_villages,
    write_my_maps_kml,
    write_shapefile,
    zip_shapefile,
)

GeoJSONWriter = Callable[..., Path]
# Measured: WGS 84 -> Indian 1975 -> WGS 84 through pyproj's Helmert transformation comes
# back within ~2 mm (same operation both ways, inverted); UTM alone within 1e-8 m.
ROUND_TRIP_TOLERANCE_M = 0.01


def _max_shift_m(read: gpd.GeoDataFrame, reference: gpd.GeoDataFrame) -> float:
    """Largest Hausdorff distance in metres between matching village polygons."""
    utm = reference.estimate_utm_crs()
    got = read.set_index("number").to_crs(utm).geometry
    want = reference.set_index("number").to_crs(utm).geometry
    return max(shapely.hausdorff_distance(got[n], want[n]) for n in want.index)


def _raw_random_bytes(size: int = 600) -> bytes:
    data = random.Random(7).randbytes(size)
    return b"\x13\x37" + data  # never a zip, SQLite, shapefile, JSON or KML signature


# --- the same villages from three formats -------------------------------------------------


@pytest.mark.parametrize(
    ("center", "indian_1975", "utm"),
    [(ZONE_47, "EPSG:24047", "EPSG:32647"), (ZONE_48, "EPSG:24048", "EPSG:32648")],
    ids=["zone47", "zone48"],
)
def test_zipped_shapefile_kml_and_geopackage_give_the_same_villages(
    tmp_path: Path, center: tuple[float, float], indian_1975: str, utm: str
) -> None:
    reference = reference_villages(center)
    shp = write_shapefile(reference.to_crs(indian_1975), tmp_path / "build" / "villages.shp")
    assert (tmp_path / "build" / "villages.cpg").read_text().strip().upper() == "CP874"
    archive = zip_shapefile(shp, tmp_path / "villages.zip", folder="ขอบเขตหมู่บ้าน")
    kml = write_my_maps_kml(reference, tmp_path / "villages.kml")
    gpkg = tmp_path / "villages.gpkg"
    reference.rename(columns={"number": "VILL_NO", "name": "VILL_NM_T"}).to_crs(utm).to_file(
        gpkg, driver="GPKG", layer="villages"
    )

    expected = [(n, name, hh) for n, name, hh in VILLAGES]
    for source in (archive, kml, gpkg):
        layer = read_villages(source)
        villages = layer.villages
        assert list(zip(villages.number, villages.name, villages.households, strict=True)) == (
            expected
        ), source.name
        assert villages.crs.to_epsg() == 4326
        assert set(villages.geom_type) == {"MultiPolygon"}
        assert layer.report.loaded == 3
        assert layer.report.rejected == []
        assert layer.report.repaired == []
        assert _max_shift_m(villages, reference) < ROUND_TRIP_TOLERANCE_M, source.name


def test_indian_1975_file_is_shifted_to_wgs84_not_just_relabelled(tmp_path: Path) -> None:
    reference = reference_villages(ZONE_47)
    shp = write_shapefile(reference.to_crs("EPSG:24047"), tmp_path / "villages.shp")
    villages = read_villages(shp).villages
    # Reading the same metres as WGS 84 / UTM 47N would land hundreds of metres away.
    wrong = read_villages(shp, source_crs="EPSG:32647").villages
    assert _max_shift_m(villages, reference) < ROUND_TRIP_TOLERANCE_M
    assert _max_shift_m(wrong, reference) > 100


def test_kml_folders_are_concatenated_with_their_layer_names(tmp_path: Path) -> None:
    kml = write_my_maps_kml(reference_villages(ZONE_48), tmp_path / "my_maps.kml")
    frame = read_layer(kml)
    assert list(frame["Name"]) == [name for _, name, _ in VILLAGES]
    assert list(frame["source_layer"]) == ["หมู่บ้าน", "หมู่บ้าน", "Layer 2"]
    # Thai ExtendedData names survive; the last placemark has them only in its description.
    assert list(frame["หมู่ที่"]) == ["1", "2", "3"]


def test_village_number_is_read_from_the_name_when_there_is_no_number_column(
    geojson_file: GeoJSONWriter,
) -> None:
    path = geojson_file(
        [
            {
                "properties": {"name": "หมู่ที่ ๓ บ้านดอนแดง"},
                "geometry": mapping(box(103.3, 16.3, 103.31, 16.31)),
            },
            {
                "properties": {"name": "Ban Nong Bua Moo 2"},
                "geometry": mapping(box(103.31, 16.3, 103.32, 16.31)),
            },
        ]
    )
    layer = read_villages(path)
    assert list(layer.villages.number) == [2, 3]
    assert layer.report.field_map == {"name": "name"}
    assert layer.villages.households.isna().all()


# --- text encodings ----------------------------------------------------------------------


def test_cp874_shapefile_without_cpg_reads_with_option_and_by_detection(tmp_path: Path) -> None:
    shp = write_shapefile(reference_villages(ZONE_48).to_crs("EPSG:32648"), tmp_path / "v.shp")
    (tmp_path / "v.cpg").unlink()
    raw_dbf = (tmp_path / "v.dbf").read_bytes()
    assert "บ้านโนนสูง".encode("cp874") in raw_dbf  # really cp874 on disk

    names = [name for _, name, _ in VILLAGES]
    assert list(read_villages(shp, encoding="cp874").villages.name) == names
    assert list(read_villages(shp, encoding="TIS-620").villages.name) == names
    with pytest.warns(LayerWarning, match="cp874"):
        detected = read_layer(shp)
    assert list(detected["name"]) == names
    report = read_villages(shp).report
    assert any("cp874" in warning for warning in report.warnings)


def test_wrong_encoding_option_is_refused_with_the_file_name(tmp_path: Path) -> None:
    shp = write_shapefile(reference_villages(ZONE_48), tmp_path / "v.shp")
    with pytest.raises(LayerReadError) as caught:
        read_layer(shp, encoding="utf-8")
    assert caught.value.code == "encoding_mismatch"
    assert "v.shp" in caught.value.message_th and "v.shp" in caught.value.message_en


def test_a_cpg_that_lies_is_overruled_with_a_warning(tmp_path: Path) -> None:
    shp = write_shapefile(reference_villages(ZONE_48), tmp_path / "v.shp")
    (tmp_path / "v.cpg").write_text("UTF-8")
    layer = read_villages(shp)
    assert list(layer.villages.name) == [name for _, name, _ in VILLAGES]
    assert any(".cpg" in warning for warning in layer.report.warnings)


def test_utf8_shapefile_with_cpg_reads_without_warning(tmp_path: Path) -> None:
    shp = write_shapefile(reference_villages(ZONE_48), tmp_path / "v.shp", encoding="UTF-8")
    layer = read_villages(shp)
    assert list(layer.villages.name) == [name for _, name, _ in VILLAGES]
    assert layer.report.warnings == []


# --- coordinate systems ------------------------------------------------------------------


def test_file_without_crs_in_metres_is_refused_until_source_crs_is_given(tmp_path: Path) -> None:
    reference = reference_villages(ZONE_47)
    shp = write_shapefile(reference.to_crs("EPSG:32647"), tmp_path / "noprj.shp")
    (tmp_path / "noprj.prj").unlink()
    with pytest.raises(LayerReadError) as caught:
        read_villages(shp)
    assert caught.value.code == "unknown_crs"
    assert "noprj.shp" in caught.value.message_th and "noprj.shp" in caught.value.message_en
    assert "--crs" in caught.value.message_en

    villages = read_villages(shp, source_crs="32647").villages
    assert _max_shift_m(villages, reference) < ROUND_TRIP_TOLERANCE_M


def test_file_without_crs_in_degrees_is_assumed_wgs84_with_a_warning(tmp_path: Path) -> None:
    reference = reference_villages(ZONE_48)
    shp = write_shapefile(reference, tmp_path / "deg.shp")
    (tmp_path / "deg.prj").unlink()
    layer = read_villages(shp)
    assert layer.villages.crs.to_epsg() == 4326
    assert any("WGS 84" in warning for warning in layer.report.warnings)
    assert _max_shift_m(layer.villages, reference) < 1e-6


def test_geojson_with_projected_coordinates_asks_for_the_crs(geojson_file: GeoJSONWriter) -> None:
    path = geojson_file(
        [{"properties": {"moo": 1}, "geometry": mapping(box(660000, 1600000, 661000, 1601000))}],
        "utm.geojson",
    )
    with pytest.raises(LayerReadError) as caught:
        read_layer(path)
    assert caught.value.code == "unknown_crs"
    with pytest.warns(LayerWarning, match="EPSG:32647"):
        frame = read_layer(path, source_crs="EPSG:32647")
    assert frame.total_bounds[0] == pytest.approx(100.5, abs=0.1)


def test_wrong_utm_zone_is_flagged_as_outside_thailand(tmp_path: Path) -> None:
    # Zone-47 metres read as zone 48 land ~6° east, in Laos/Vietnam. (The other way round,
    # 48 read as 47, lands in Myanmar inside the bounding box and is not caught.)
    shp = write_shapefile(reference_villages(ZONE_47).to_crs("EPSG:32647"), tmp_path / "v.shp")
    layer = read_villages(shp, source_crs="EPSG:32648")
    assert any("Thailand" in warning for warning in layer.report.warnings)


def test_invalid_source_crs_is_a_layer_read_error(tmp_path: Path) -> None:
    shp = write_shapefile(reference_villages(ZONE_48), tmp_path / "v.shp")
    with pytest.raises(LayerReadError) as caught:
        read_layer(shp, source_crs="not-a-crs")
    assert caught.value.code == "invalid_crs"


# --- files that cannot be read -----------------------------------------------------------


def _zip_without_shapefile(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as bundle:
        bundle.writestr("ขอบเขตหมู่บ้าน/readme.txt", "no shapefile here")
        bundle.writestr("ขอบเขตหมู่บ้าน/villages.dbf", b"\x03")
    return path


@pytest.mark.parametrize(
    ("name", "make", "code"),
    [
        ("villages.shp", lambda p: p.write_bytes(b""), "empty_file"),
        ("villages.geojson", lambda p: p.write_bytes(b""), "empty_file"),
        ("villages.zip", _zip_without_shapefile, "no_shapefile_in_zip"),
        ("villages.geojson", lambda p: p.write_bytes(_raw_random_bytes()), "unreadable_file"),
        ("villages.shp", lambda p: p.write_bytes(_raw_random_bytes()), "unreadable_file"),
        ("villages.zip", lambda p: p.write_bytes(_raw_random_bytes()), "unreadable_file"),
        (
            "villages.gpkg",
            lambda p: p.write_bytes(b"SQLite format 3\x00" + _raw_random_bytes()),
            "unreadable_file",
        ),
        (
            "villages.geojson",
            lambda p: p.write_bytes(b'{"type": "FeatureCollection", "features": [{'),
            "unreadable_file",
        ),
        ("villages.dat", lambda p: p.write_bytes(_raw_random_bytes()), "unsupported_format"),
        (
            "villages.xlsx",
            lambda p: p.write_bytes(b"PK-not-really" + _raw_random_bytes()),
            "unsupported_format",
        ),
        (
            "villages.geojson",
            lambda p: p.write_text('{"type": "FeatureCollection", "features": []}'),
            "no_features",
        ),
    ],
)
def test_unreadable_files_raise_layer_read_error_naming_the_file(
    tmp_path: Path, name: str, make: Callable[[Path], object], code: str
) -> None:
    path = tmp_path / name
    make(path)
    with pytest.raises(LayerReadError) as caught:
        read_villages(path)
    assert caught.value.code == code
    assert name in caught.value.message_th
    assert name in caught.value.message_en
    assert str(caught.value).index(caught.value.message_th) < str(caught.value).index(
        caught.value.message_en
    )


def test_missing_file_is_a_layer_read_error(tmp_path: Path) -> None:
    with pytest.raises(LayerReadError) as caught:
        read_layer(tmp_path / "nothing.shp")
    assert caught.value.code == "file_not_found"


def test_zip_member_paths_never_escape_the_scratch_folder(tmp_path: Path) -> None:
    shp = write_shapefile(reference_villages(ZONE_48), tmp_path / "build" / "villages.shp")
    archive = tmp_path / "upload" / "slip.zip"
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w") as bundle:
        for part in shp.parent.glob("villages.*"):
            bundle.write(part, f"../../escaped/{part.name}")
    layer = read_villages(archive)
    assert layer.report.loaded == 3
    assert not (tmp_path / "escaped").exists()
    assert not (tmp_path.parent / "escaped").exists()


def test_zip_with_two_shapefiles_needs_a_layer(tmp_path: Path) -> None:
    reference = reference_villages(ZONE_48)
    first = write_shapefile(reference, tmp_path / "a" / "villages.shp")
    second = write_shapefile(reference.iloc[:1], tmp_path / "b" / "old.shp")
    archive = tmp_path / "two.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for shp in (first, second):
            for part in shp.parent.glob(shp.stem + ".*"):
                bundle.write(part, part.name)
    with pytest.raises(LayerReadError) as caught:
        read_villages(archive)
    assert caught.value.code == "ambiguous_layer"
    assert read_villages(archive, layer="old").report.loaded == 1


def test_given_field_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    shp = write_shapefile(reference_villages(ZONE_48), tmp_path / "v.shp")
    with pytest.raises(LayerReadError) as caught:
        read_villages(shp, number_field="VILL_NO")
    assert caught.value.code == "field_not_found"
    assert "VILL_NO" in caught.value.message_en and "moo" in caught.value.message_en


# --- row-level repairs and rejections ----------------------------------------------------


def test_bow_tie_is_repaired_and_bad_rows_are_rejected_with_their_row(
    geojson_file: GeoJSONWriter,
) -> None:
    bow_tie = {
        "type": "Polygon",
        "coordinates": [
            [[103.31, 16.30], [103.32, 16.31], [103.32, 16.30], [103.31, 16.31], [103.31, 16.30]]
        ],
    }
    path = geojson_file(
        [
            {
                "properties": {"moo": 1, "name": "บ้านโนนสูง"},
                "geometry": mapping(box(103.3, 16.3, 103.31, 16.31)),
            },
            {"properties": {"moo": 2, "name": "บ้านหนองบัว"}, "geometry": bow_tie},
            {
                "properties": {"moo": 3, "name": "บ้านดอนแดง"},
                "geometry": mapping(Point(103.33, 16.305)),
            },
            {
                "properties": {"moo": None, "name": "บ้านไม่มีเลข"},
                "geometry": mapping(box(103.4, 16.3, 103.41, 16.31)),
            },
            {
                "properties": {"moo": "๑", "name": "บ้านอื่น"},
                "geometry": mapping(box(103.5, 16.3, 103.51, 16.31)),
            },
            {
                "properties": {"moo": 1, "name": "บ้านโนนสูง"},
                "geometry": mapping(box(103.3, 16.31, 103.31, 16.32)),
            },
        ],
        "villages.geojson",
    )
    layer = read_villages(path)
    report = layer.report

    assert list(layer.villages.number) == [1, 2]
    bow = layer.villages.set_index("number").geometry[2]
    assert bow.is_valid and bow.geom_type == "MultiPolygon" and len(bow.geoms) == 2
    # two parts of village 1 with the same name are merged into one polygon
    assert layer.villages.set_index("number").geometry[1].area == pytest.approx(0.0002, rel=1e-6)

    repaired = {note.row: note for note in report.repaired}
    assert set(repaired) == {2, 6}
    assert "Self-intersection" in (repaired[2].value or "")
    assert repaired[2].reason_en == "invalid polygon repaired"

    rejected = {note.row: note for note in report.rejected}
    assert set(rejected) == {3, 4, 5}
    assert rejected[3].value == "Point" and "polygon" in rejected[3].reason_en
    assert "no village number" in rejected[4].reason_en
    assert "row 1" in rejected[5].reason_en and rejected[5].value == "บ้านอื่น"

    assert report.loaded == 2
    summary = report.summary()
    assert summary.splitlines()[1] == "Loaded 2, repaired 2, rejected 3, warnings 0"
    assert "Row 3" in summary and "แถว 3" in summary


def test_number_values_that_cannot_be_read_are_rejected(geojson_file: GeoJSONWriter) -> None:
    path = geojson_file(
        [
            {
                "properties": {"moo": "สาม", "name": "บ้านดอนแดง"},
                "geometry": mapping(box(103.3, 16.3, 103.31, 16.31)),
            },
            {
                "properties": {"moo": 0, "name": "บ้านศูนย์"},
                "geometry": mapping(box(103.3, 16.3, 103.31, 16.31)),
            },
        ]
    )
    report = read_villages(path).report
    assert [(note.row, note.value) for note in report.rejected] == [(1, "สาม"), (2, "0")]


@pytest.mark.parametrize(
    ("value", "number"),
    [
        (3, 3),
        (3.0, 3),
        ("3", 3),
        ("๓", 3),
        ("หมู่ 3", 3),
        ("หมู่ที่ ๑๒", 12),
        ("ม.5", 5),
        ("Moo 7", 7),
        (None, None),
    ],
)
def test_village_number_values(value: object, number: int | None) -> None:
    assert parse_village_number(value) == number


def test_village_number_is_not_guessed_from_bare_digits_in_a_name() -> None:
    assert village_number_in_text("บ้านหนองบัว 2") is None


# --- points ------------------------------------------------------------------------------


def test_household_points_with_thai_values(geojson_file: GeoJSONWriter) -> None:
    path = geojson_file(
        [
            {
                "properties": {"hh_id": "H-001", "สมาชิก": "๔", "หมู่": "หมู่ 2", "บ้านเลขที่": "12/3"},
                "geometry": mapping(Point(103.301, 16.301)),
            },
            {
                "properties": {"hh_id": "H-002", "สมาชิก": "ไม่ทราบ", "หมู่": 2, "บ้านเลขที่": None},
                "geometry": mapping(Point(103.302, 16.301)),
            },
            {
                "properties": {"hh_id": "H-001", "สมาชิก": 3, "หมู่": 2, "บ้านเลขที่": "9"},
                "geometry": mapping(Point(103.303, 16.301)),
            },
            {
                "properties": {"hh_id": "H-004", "สมาชิก": 3, "หมู่": 2, "บ้านเลขที่": "10"},
                "geometry": mapping(box(103.3, 16.3, 103.31, 16.31)),
            },
        ],
        "households.geojson",
    )
    layer = read_points(path, kind="households", fields={"persons": "สมาชิก"})
    points = layer.points
    assert list(points.columns) == ["ref", "persons", "village_number", "house_no", "geometry"]
    assert list(points.ref) == ["H-001", "H-002"]
    assert points.persons.tolist()[0] == 4 and points.persons.isna().tolist() == [False, True]
    assert str(points.persons.dtype) == "Int64"
    assert list(points.village_number) == [2, 2]
    assert list(points.house_no) == ["12/3", None]
    assert [(n.row, n.value) for n in layer.report.repaired] == [(2, "ไม่ทราบ")]
    assert [n.row for n in layer.report.rejected] == [3, 4]
    assert layer.report.field_map["ref"] == "hh_id"


def test_bin_points_accept_english_and_thai_values(geojson_file: GeoJSONWriter) -> None:
    path = geojson_file(
        [
            {
                "properties": {
                    "code": "B-01",
                    "moo": 1,
                    "capacity": "240 ลิตร",
                    "ประเภท": "ทั่วไป",
                    "สภาพ": "ชำรุด",
                    "installed_on": "1/3/2567",
                },
                "geometry": mapping(Point(100.5, 14.5)),
            },
            {
                "properties": {
                    "code": "B-02",
                    "moo": 1,
                    "capacity": 200,
                    "ประเภท": "Recyclable",
                    "สภาพ": "overflowing",
                    "installed_on": "2023-11-05",
                },
                "geometry": mapping(Point(100.501, 14.5)),
            },
            {
                "properties": {
                    "code": "B-03",
                    "moo": 2,
                    "capacity": "lots",
                    "ประเภท": "purple",
                    "สภาพ": "ขยะล้น",
                    "installed_on": None,
                },
                "geometry": mapping(Point(100.502, 14.5)),
            },
        ],
        "bins.geojson",
    )
    layer = read_points(path, kind="bins")
    points = layer.points
    assert list(points.columns) == [
        "code", "village_number", "capacity_l", "stream", "condition", "installed_on",
        "inspected_on", "geometry",
    ]  # fmt: skip
    assert list(points.code) == ["B-01", "B-02", "B-03"]
    assert points.capacity_l.tolist()[:2] == [240, 200] and points.capacity_l.isna().tolist()[2]
    assert list(points.stream) == ["general", "recyclable", None]
    assert list(points.condition) == ["damaged", "overflowing", "overflowing"]
    assert list(points.installed_on) == [dt.date(2024, 3, 1), dt.date(2023, 11, 5), None]
    assert {(n.row, n.value) for n in layer.report.repaired} == {(3, "lots"), (3, "purple")}


def test_point_fields_of_the_other_kind_are_a_programming_error(
    geojson_file: GeoJSONWriter,
) -> None:
    path = geojson_file([{"properties": {}, "geometry": mapping(Point(100.5, 14.5))}])
    with pytest.raises(ValueError, match="capacity_l"):
        read_points(path, kind="households", fields={"capacity_l": "size"})


def test_vocabulary_maps_every_thai_label_to_its_code() -> None:
    assert all(match_stream(label) == code for code, label in STREAM_LABELS_TH.items())
    assert all(match_condition(label) == code for code, label in CONDITION_LABELS_TH.items())
    assert match_stream(" Hazardous ") == "hazardous" and match_condition("missing") == "missing"


def test_kmz_from_google_earth_is_read_like_its_kml(tmp_path: Path) -> None:
    kml = write_my_maps_kml(reference_villages(ZONE_48), tmp_path / "doc.kml")
    kmz = tmp_path / "villages.kmz"
    with zipfile.ZipFile(kmz, "w") as bundle:
        bundle.write(kml, "doc.kml")
    layer = read_villages(kmz)
    assert list(layer.villages.number) == [1, 2, 3]
    assert list(layer.villages.households) == [hh for _, _, hh in VILLAGES]
