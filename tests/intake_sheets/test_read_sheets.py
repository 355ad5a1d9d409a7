"""Reading survey sheets into SurveyRecords, row by row, without a database."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest

from fieldsvc.errors import ImportFailed
from fieldsvc.ingest.sheets import read_bin_sheet
from fieldsvc.models import Channel, Condition, Stream
from tests.intake_sheets.conftest import SAMPLE_BINS_CSV, THAI_CSV

ICT = dt.timezone(dt.timedelta(hours=7))


def test_cp874_csv_with_thai_digits_and_be_dates(thai_cp874_csv: Path) -> None:
    read = read_bin_sheet(thai_cp874_csv)
    assert read.encoding == "cp874"
    assert any("TIS-620" in w for w in read.report.warnings)
    assert [row.row for row in read.rows] == [2, 3]
    first, second = (row.record for row in read.rows)
    assert first.bin_code == "TB-001" and first.village_number == 3
    assert (first.lat, first.lon) == (16.314283, 103.279748)
    assert first.capacity_l == 240 and first.stream == Stream.general
    assert first.condition == Condition.usable
    assert first.observed_at == dt.datetime(2023, 11, 26, tzinfo=ICT)
    assert first.channel == Channel.sheet and first.form_id == "bin_survey"
    assert second.village_number == 4 and second.stream == Stream.organic
    assert second.condition == Condition.damaged
    assert second.observed_at == dt.datetime(2023, 11, 26, tzinfo=ICT)


def test_bad_rows_are_reported_with_the_row_number_excel_shows(thai_cp874_csv: Path) -> None:
    read = read_bin_sheet(thai_cp874_csv)
    rejected = {note.row: note for note in read.report.rejected}
    assert sorted(rejected) == [5, 6, 7]  # row 4 is empty: skipped without a note
    assert "พิกัด" in rejected[5].reason_th and "coordinates" in rejected[5].reason_en
    assert "ความจุ" in rejected[6].reason_th and "capacity" in rejected[6].reason_en
    assert rejected[6].value == "abc"
    assert "สภาพ" in rejected[7].reason_th and "condition" in rejected[7].reason_en
    assert rejected[7].value == "พังยับเยิน"
    assert read.report.loaded == 2
    assert "แถว 6" in read.report.summary() and "Row 6" in read.report.summary()


def test_several_problems_in_one_row_are_one_note(tmp_path: Path) -> None:
    path = tmp_path / "two_problems.csv"
    path.write_text("รหัสถัง,ละติจูด,ลองจิจูด,ความจุ,สภาพ\nA,16.3,103.3,abc,พัง?\n", "utf-8")
    (note,) = read_bin_sheet(path).report.rejected
    assert note.row == 2
    assert "[abc]" in note.reason_en and "[พัง?]" in note.reason_en and ";" in note.reason_th


def test_xlsx_with_title_row_and_excel_date_cells(titled_xlsx: Path) -> None:
    read = read_bin_sheet(titled_xlsx)
    assert read.header_row == 3 and read.sheet == "หมู่ 5"
    assert [row.row for row in read.rows] == [4, 5, 6]
    dates = [row.record.observed_at for row in read.rows]
    assert dates == [
        dt.datetime(2023, 11, 26, tzinfo=ICT),  # typed as 26/11/2566 in a date cell
        dt.datetime(2023, 11, 27, tzinfo=ICT),
        dt.datetime(2023, 11, 28, tzinfo=ICT),
    ]
    third = read.rows[2].record
    assert third.village_number == 5 and third.capacity_l == 660
    assert third.stream == Stream.hazardous and third.condition == Condition.missing
    assert read.rows[1].record.stream == Stream.recyclable  # "สีเหลือง": the yellow bin


def test_xlsx_sheet_is_chosen_by_name(titled_xlsx: Path) -> None:
    with pytest.raises(ImportFailed) as caught:
        read_bin_sheet(titled_xlsx, sheet="สรุป")  # a summary sheet has no survey table
    assert "สำรวจ.xlsx" in caught.value.message_en
    with pytest.raises(ImportFailed) as caught:
        read_bin_sheet(titled_xlsx, sheet="ไม่มี")
    assert "หมู่ 5" in caught.value.message_en
    assert len(read_bin_sheet(titled_xlsx, sheet="หมู่ 5").rows) == 3


def test_kobo_export_keeps_instance_ids_and_gps_details(kobo_csv: Path) -> None:
    read = read_bin_sheet(kobo_csv)
    first, second = (row.record for row in read.rows)
    assert first.instance_id == "uuid:0b1e6a4c-1111-4c0e-9a55-aaaaaaaaaaaa"
    assert second.instance_id == "uuid:0b1e6a4c-2222-4c0e-9a55-bbbbbbbbbbbb"  # from _uuid
    assert (first.bin_code, first.village_number) == ("K-001", 3)
    assert (first.lat, first.lon, first.altitude_m, first.accuracy_m) == (
        16.3142,
        103.2797,
        152.0,
        4.5,
    )
    assert first.observed_at == dt.datetime(2023, 11, 26, 9, 5, tzinfo=ICT)  # the "end" time
    assert first.form_version == "vXyZ"
    assert second.condition == Condition.overflowing and second.stream == Stream.organic


def test_kobo_submission_time_is_utc(tmp_path: Path) -> None:
    path = tmp_path / "kobo.csv"
    path.write_text(
        "bin_code,location,condition,_submission_time\n"
        "K-9,16.3 103.3 0 5,usable,2023-11-26T02:06:00\n",
        encoding="utf-8",
    )
    (row,) = read_bin_sheet(path).rows
    assert row.record.observed_at == dt.datetime(2023, 11, 26, 2, 6, tzinfo=dt.UTC)
    assert row.record.accuracy_m == 5.0


def test_committed_sample_bins_csv() -> None:
    read = read_bin_sheet(SAMPLE_BINS_CSV)
    assert read.encoding == "utf-8" and read.header_row == 1
    assert read.report.loaded == 318 and not read.report.rejected
    first = read.rows[0]
    assert first.record.bin_code == "SB-01-0001" and first.record.condition == Condition.damaged
    assert first.installed_on == dt.date(2018, 1, 23)  # 23/01/2561
    assert first.cells["หมายเหตุ"] == "ข้อมูลสังเคราะห์ (synthetic sample)"
    assert first.record.note == "ข้อมูลสังเคราะห์ (synthetic sample)"
    ids = {row.record.instance_id for row in read.rows}
    assert len(ids) == 318 and all(i.startswith("sheet:") for i in ids)


def test_instance_ids_are_deterministic_and_follow_content(tmp_path: Path) -> None:
    utf8 = tmp_path / "a.csv"
    utf8.write_text(THAI_CSV, encoding="utf-8-sig")
    cp874 = tmp_path / "b.csv"
    cp874.write_bytes(THAI_CSV.encode("cp874"))
    edited = tmp_path / "c.csv"
    edited.write_text(THAI_CSV.replace("ชำรุด", "ใช้งานได้"), encoding="utf-8")
    ids = [[r.record.instance_id for r in read_bin_sheet(p).rows] for p in (utf8, cp874, edited)]
    assert ids[0] == ids[1]  # same content, another encoding and file name
    assert ids[2][0] == ids[0][0] and ids[2][1] != ids[0][1]  # only the edited row is new


def test_raw_payload_keeps_the_original_cells(thai_cp874_csv: Path) -> None:
    import json

    read = read_bin_sheet(thai_cp874_csv)
    payload = json.loads(read.rows[0].raw_payload(file=read.file))
    assert payload["file"] == "สำรวจถัง_หมู่3.csv" and payload["row"] == 2
    assert payload["cells"]["ละติจูด"] == "๑๖.๓๑๔๒๘๓"
    assert payload["cells"]["วันที่สำรวจ"] == "๒๖/๑๑/๒๕๖๖"


def test_readable_but_implausible_values_are_left_to_the_survey_checks(tmp_path: Path) -> None:
    path = tmp_path / "swapped.csv"
    path.write_text(
        "code,lat,lon,condition,date\nS-1,103.2797,16.3142,usable,1/1/2580\n", encoding="utf-8"
    )
    read = read_bin_sheet(path)
    record = read.rows[0].record
    assert (record.lat, record.lon) == (103.2797, 16.3142)  # flagged when received, not here
    assert record.observed_at == dt.datetime(2037, 1, 1, tzinfo=ICT)
    assert not read.report.rejected and not read.report.repaired


def test_unreadable_extras_are_left_blank_and_noted(tmp_path: Path) -> None:
    path = tmp_path / "extras.csv"
    path.write_text(
        "code,lat,lon,condition,accuracy,วันที่ติดตั้ง\nS-1,16.3,103.3,usable,ดี,เมื่อปีก่อน\n",
        encoding="utf-8",
    )
    read = read_bin_sheet(path)
    assert read.rows[0].record.accuracy_m is None and read.rows[0].installed_on is None
    assert [(n.row, n.value) for n in read.report.repaired] == [(2, "ดี"), (2, "เมื่อปีก่อน")]


def test_one_cell_coordinates_and_multiline_cells_keep_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "pairs.csv"
    path.write_text(
        'รหัสถัง,พิกัด,สภาพ,หมายเหตุ\nP-1,"16.3142, 103.2797",ปกติ,"บรรทัดหนึ่ง\nบรรทัดสอง"\n'
        "P-2,16.3150,ใช้งานได้,\n",
        encoding="utf-8",
    )
    read = read_bin_sheet(path)
    assert [row.row for row in read.rows] == [2]
    assert read.rows[0].record.condition == Condition.usable
    assert [note.row for note in read.report.rejected] == [3]


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("empty.csv", b"", "empty"),
        ("blank.csv", b"\n\n  \n", "empty"),
        ("garbage.csv", bytes(range(256)) * 4, "not a text"),
        ("really_a_csv.xlsx", "รหัสถัง,สภาพ\nA,ใช้งานได้\n".encode(), "rename it to .csv"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".xls"),
        ("broken.xlsx", b"PK\x03\x04" + b"\x00" * 100, "damaged"),
        ("xlsx_named.csv", b"PK\x03\x04" + b"\x00" * 100, "rename it to .xlsx"),
        ("no_header.csv", "ชื่อ,อายุ\nสมชาย,40\n".encode(), "no header row"),
        ("no_condition.csv", b"code,lat,lon\nA,16.3,103.3\n", "condition"),
        ("header_only.csv", b"code,lat,lon,condition\n", "no rows under the header"),
    ],
)
def test_unusable_files_fail_clearly(tmp_path: Path, name: str, content: bytes, words: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFailed) as caught:
        read_bin_sheet(path)
    error = caught.value
    assert name in error.message_en and name in error.message_th
    assert words in error.message_en
    assert error.code == "import_failed"


def test_missing_file_and_empty_workbook_fail_clearly(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="not found"):
        read_bin_sheet(tmp_path / "nothing.csv")
    book = openpyxl.Workbook()
    book.save(tmp_path / "empty.xlsx")
    with pytest.raises(ImportFailed, match="the sheet is empty"):
        read_bin_sheet(tmp_path / "empty.xlsx")


def test_encoding_option(thai_cp874_csv: Path, tmp_path: Path) -> None:
    assert len(read_bin_sheet(thai_cp874_csv, encoding="tis-620").rows) == 2
    with pytest.raises(ImportFailed, match="utf-8 encoding that was given"):
        read_bin_sheet(thai_cp874_csv, encoding="utf-8")
    with pytest.raises(ImportFailed, match="unknown text encoding"):
        read_bin_sheet(thai_cp874_csv, encoding="klingon")
    copy = tmp_path / "copy.txt"
    shutil.copy(thai_cp874_csv, copy)
    assert len(read_bin_sheet(copy).rows) == 2


def test_xlsx_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    """A few hundred kB that would unpack to ~300 MB is refused from the zip directory."""
    import io
    import zipfile

    from fieldsvc.ingest.sheet_files import MAX_XLSX_UNZIPPED_BYTES

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        chunk = b"<c>0</c>" * (1 << 17)  # 1 MiB of highly compressible XML
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range((MAX_XLSX_UNZIPPED_BYTES >> 20) + 44):
                member.write(chunk)
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(buffer.getvalue())
    assert path.stat().st_size < 2 << 20
    with pytest.raises(ImportFailed) as refused:
        read_bin_sheet(path)
    assert refused.value.details["unzipped_bytes"] > MAX_XLSX_UNZIPPED_BYTES
    assert "256 MB" in refused.value.message_en and "256 MB" in refused.value.message_th
