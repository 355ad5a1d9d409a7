"""Reading a subdistrict's starting data from files in their real formats (no database)."""

from __future__ import annotations

from pathlib import Path

import pytest
import shapely

from fieldsvc.ingest.errors import LayerReadError
from fieldsvc.ingest.house_counts import read_house_counts
from fieldsvc.ingest.subdistricts import dopa_code, read_subdistrict
from fieldsvc.ingest.village_centres import read_village_centres
from tests.real_formats.make_places import OsmNode, PlaceFiles, write_osm_pbf


def test_the_shapefile_is_cod_ab_shaped_with_a_utf8_cpg(place_files: PlaceFiles) -> None:
    import pyogrio

    info = pyogrio.read_info(place_files.boundaries_shp)
    for field in ("ADM3_PCODE", "ADM3_TH", "ADM3_EN", "ADM2_TH", "ADM2_EN", "ADM1_TH", "ADM1_EN"):
        assert field in list(info["fields"])
    assert place_files.boundaries_shp.with_suffix(".cpg").read_text().strip() == "UTF-8"


def test_the_pcode_picks_its_tambon_with_thai_names_intact(place_files: PlaceFiles) -> None:
    read = read_subdistrict(place_files.boundaries_shp, pcode="TH570101")
    assert (read.code, read.pcode) == ("570101", "TH570101")
    assert (read.name, read.name_en) == ("เวียง", "Wiang")
    assert (read.district, read.province) == ("เมืองเชียงราย", "เชียงราย")
    assert (read.district_en, read.province_en) == ("Mueang Chiang Rai", "Chiang Rai")
    assert read.candidates == 3
    assert read.boundary.symmetric_difference(place_files.boundary("TH570101")).area < 1e-12


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"pcode": "570102"}, ("570102", "รอบเวียง")),
        ({"name": "ตำบลบ้านดู่"}, ("570103", "บ้านดู่")),
        ({"name": "rop wiang"}, ("570102", "รอบเวียง")),
    ],
)
def test_a_tambon_is_chosen_by_dopa_code_or_by_thai_or_english_name(
    place_files: PlaceFiles, options: dict[str, str], expected: tuple[str, str]
) -> None:
    read = read_subdistrict(place_files.boundaries_shp, **options)
    assert (read.code, read.name) == expected


def test_a_file_of_many_tambons_without_a_choice_lists_them(place_files: PlaceFiles) -> None:
    with pytest.raises(LayerReadError) as caught:
        read_subdistrict(place_files.boundaries_shp)
    assert caught.value.code == "boundary_tambon_ambiguous"
    assert "TH570101 เวียง Wiang" in caught.value.message_th
    assert "--pcode" in caught.value.message_en


def test_an_unknown_pcode_names_what_the_file_has(place_files: PlaceFiles) -> None:
    with pytest.raises(LayerReadError) as caught:
        read_subdistrict(place_files.boundaries_shp, pcode="TH999999")
    assert caught.value.code == "boundary_tambon_not_found"
    assert "TH570103 บ้านดู่" in caught.value.message_en


def test_pcodes_become_six_digit_dopa_codes() -> None:
    assert dopa_code("TH570101") == "570101"
    assert dopa_code("th 300101") == "300101"
    assert dopa_code("TH5701") is None


def test_centres_from_a_dopa_list_take_the_moo_from_the_code(place_files: PlaceFiles) -> None:
    read = read_village_centres(place_files.centres_csv, subdistrict_code="570101")
    frame = read.centres
    assert frame["number"].tolist() == [1, 2, 3, 4, 5]
    assert frame["code"].tolist() == [f"5701010{n}" for n in range(1, 6)]
    assert frame["name"].tolist() == [v[1] for v in place_files.villages]
    assert [(p.x, p.y) for p in frame.geometry] == [v[2] for v in place_files.villages]
    assert not read.numbered
    # the neighbouring tambon's village is skipped and counted, not rejected row by row
    assert read.report.rejected == []
    skipped = "skipped 1 rows of villages in other subdistricts (codes not starting 570101)"
    assert any(w.endswith(skipped) for w in read.report.warnings)


def test_a_code_that_disagrees_with_its_moo_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "centres.csv"
    path.write_text(
        "หมู่ที่,รหัสหมู่บ้าน,ชื่อหมู่บ้าน,lat,lon\n"
        "1,57010101,บ้านหนึ่ง,19.90,99.82\n"
        "3,57010102,บ้านสอง,19.89,99.83\n"
        "4,5701010,บ้านสี่,19.88,99.83\n"
        "5,,บ้านห้า,,\n",
        encoding="utf-8",
    )
    read = read_village_centres(path, subdistrict_code="570101")
    assert read.centres["number"].tolist() == [1, 5]
    assert read.centres.geometry.iloc[1] is None  # listed, no position: no area later
    rows = {note.row: note.reason_en for note in read.report.rejected}
    assert rows == {
        3: "village number 3 disagrees with the village code (number 2)",
        4: "a village code must be 8 digits (CCAATTMM)",
    }
    assert [note.row for note in read.report.repaired] == [5]


def test_centres_from_osm_prefer_name_th_and_number_the_unnumbered(
    place_files: PlaceFiles,
) -> None:
    within = place_files.boundary("TH570101")
    read = read_village_centres(place_files.villages_pbf, within=within)
    frame = read.centres
    # moo tag, addr:village_number tag, "หมู่ที่ 3" in name:th; 4 and 5 numbered north to south
    assert frame["number"].tolist() == [1, 2, 3, 4, 5]
    assert frame["name"].tolist() == [
        "บ้านเวียงเหนือ",
        "บ้านสันโค้ง",
        "หมู่ที่ 3 บ้านป่างิ้ว",
        "บ้านดอยทอง",
        "บ้านริมกก",
    ]
    assert read.numbered
    assert any("numbered 4–5 from north to south" in w for w in read.report.warnings)
    assert any("skipped 1 OpenStreetMap villages outside" in w for w in read.report.warnings)
    positions = [(round(p.x, 6), round(p.y, 6)) for p in frame.geometry]
    assert positions == [village[2] for village in place_files.villages]


def test_an_extract_without_villages_says_so(tmp_path: Path) -> None:
    path = write_osm_pbf(tmp_path / "empty.osm.pbf", [OsmNode(1, 99.8, 19.9, {"shop": "x"})])
    with pytest.raises(LayerReadError) as caught:
        read_village_centres(path)
    assert caught.value.code == "centres_none_found"


def test_house_counts_read_by_code_and_by_moo(place_files: PlaceFiles) -> None:
    by_code = read_house_counts(place_files.house_counts_csv).counts
    assert by_code["code"].tolist()[:2] == ["57010101", "57010102"]
    assert by_code["houses"].tolist() == [212, 187, 96, 143, 78, 50]
    by_moo = read_house_counts(place_files.house_counts_by_moo_csv).counts
    assert by_moo["number"].tolist() == [1, 2, 3, 4, 5, 9]
    assert by_moo["houses"].tolist() == [213, 188, 97, 144, 79, 50]


def test_the_written_boundary_is_a_valid_polygon(place_files: PlaceFiles) -> None:
    assert all(shapely.Polygon(t[3]).is_valid for t in place_files.tambons)
