"""Small survey sheets as Thai offices and Kobo/ODK exports write them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLE_BINS_CSV = REPO / "geodata" / "sample_bins.csv"

THAI_CSV = """\
รหัสถัง,หมู่,ละติจูด,ลองจิจูด,ขนาด,ประเภทขยะ,สภาพ,วันที่สำรวจ
TB-001,๓,๑๖.๓๑๔๒๘๓,๑๐๓.๒๗๙๗๔๘,๒๔๐ ลิตร,ทั่วไป,ใช้งานได้,๒๖/๑๑/๒๕๖๖
TB-002,หมู่ ๔,16.3150,103.2810,200,ขยะอินทรีย์,ชำรุด,26 พ.ย. 66
,,,,,,,
TB-003,4,,,200,ทั่วไป,ใช้งานได้,1/12/2566
TB-004,4,16.31,103.28,abc,ทั่วไป,ใช้งานได้,1/12/2566
TB-005,4,16.31,103.28,200,ทั่วไป,พังยับเยิน,1/12/2566
"""

KOBO_CSV = """\
start;end;today;group_bin/bin_code;group_bin/village;group_bin/location;_location_latitude;\
_location_longitude;_location_altitude;_location_precision;group_bin/condition;\
group_bin/capacity_l;group_bin/stream;__version__;meta/instanceID;_id;_uuid;_submission_time;_index
2023-11-26T09:00:00.000+07:00;2023-11-26T09:05:00.000+07:00;2023-11-26;K-001;3;\
16.3142 103.2797 152.0 4.5;16.3142;103.2797;152.0;4.5;usable;240;general;vXyZ;\
uuid:0b1e6a4c-1111-4c0e-9a55-aaaaaaaaaaaa;101;0b1e6a4c-1111-4c0e-9a55-aaaaaaaaaaaa;\
2023-11-26T02:06:00;1
2023-11-26T10:00:00.000+07:00;2023-11-26T10:04:00.000+07:00;2023-11-26;K-002;3;\
16.3150 103.2810 150.0 6.0;16.3150;103.2810;150.0;6.0;overflowing;200;organic;vXyZ;\
;102;0b1e6a4c-2222-4c0e-9a55-bbbbbbbbbbbb;2023-11-26T03:05:00;2
"""


@pytest.fixture
def thai_cp874_csv(tmp_path: Path) -> Path:
    path = tmp_path / "สำรวจถัง_หมู่3.csv"
    path.write_bytes(THAI_CSV.encode("cp874"))
    return path


@pytest.fixture
def kobo_csv(tmp_path: Path) -> Path:
    path = tmp_path / "bin_survey_-_all_versions_-_labels_-_2023-11-26.csv"
    path.write_text(KOBO_CSV, encoding="utf-8")
    return path


@pytest.fixture
def titled_xlsx(tmp_path: Path) -> Path:
    """A title row, a blank row, the table from row 3, Excel date cells (one with a BE year)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "หมู่ 5"
    sheet["A1"] = "แบบสำรวจถังขยะ องค์การบริหารส่วนตำบลตัวอย่าง"
    sheet.merge_cells("A1:H1")
    sheet.append([])
    sheet.append(["รหัส", "หมู่ที่", "lat", "lon", "ความจุ (ลิตร)", "ประเภทขยะ", "สภาพ", "วันที่"])
    sheet.append(["X-001", 5, 16.3201, 103.2902, 240, "ทั่วไป", "ใช้งานได้", dt.datetime(2566, 11, 26)])
    sheet.append(["X-002", 5, 16.3205, 103.2907, 200, "สีเหลือง", "ขยะล้น", dt.datetime(2023, 11, 27)])
    sheet.append(["X-003", "๕", "16.3210", "103.2910", "๖๖๐", "อันตราย", "สูญหาย", "28/11/2566"])
    other = book.create_sheet("สรุป")
    other.append(["รวม", 3])
    path = tmp_path / "สำรวจ.xlsx"
    book.save(path)
    return path
