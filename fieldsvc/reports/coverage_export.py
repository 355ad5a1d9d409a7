"""Per-village coverage table (``CoverageResult.by_village``) as XLSX or CSV, Thai headers.

Used by the dashboard's export buttons and ``fieldsvc export coverage``. The table holds
counts and distances per village and stream only: no household or person appears in it.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pandas as pd
from openpyxl import Workbook

from fieldsvc.config import Settings
from fieldsvc.models.enums import HOUSEHOLD_BASIS_TH
from fieldsvc.models.place import APPROXIMATE_AREA_TH, BOUNDARY_APPROXIMATE, BOUNDARY_IMPORTED
from fieldsvc.reports.cells import csv_safe
from fieldsvc.reports.plan_tables import is_sample_office, stream_th
from fieldsvc.reports.xlsx import (
    COUNT,
    DECIMAL,
    SHARE,
    CachedFormulas,
    Column,
    save_workbook,
    title_block,
    write_table,
)
from fieldsvc.thai import format_be_date

SHEET_COVERAGE = "ความครอบคลุม"

#: ``by_village`` column → (Thai header, number format, summed in the totals row).
COVERAGE_COLUMNS: tuple[tuple[str, str, str | None, bool], ...] = (
    ("number", "หมู่ที่", COUNT, False),
    ("name", "หมู่บ้าน", None, False),
    ("boundary_source", "พื้นที่หมู่บ้าน", None, False),
    ("stream", "ประเภทขยะ", None, False),
    ("households", "ครัวเรือน", COUNT, True),
    ("household_basis", "ที่มาของจำนวนครัวเรือน", None, False),
    ("households_located", "ครัวเรือนที่มีพิกัด", COUNT, True),
    ("persons", "ประชากร (คน)", COUNT, True),
    ("households_covered", "ครัวเรือนที่อยู่ในระยะ", COUNT, True),
    ("covered_share", "สัดส่วนครอบคลุม", SHARE, False),
    ("bins_total", "ถังทั้งหมด (ใบ)", COUNT, True),
    ("bins_usable", "ใช้งานได้", COUNT, True),
    ("bins_damaged", "ชำรุด", COUNT, True),
    ("bins_missing", "สูญหาย", COUNT, True),
    ("bins_overflowing", "ขยะล้น", COUNT, True),
    ("bins_serving", "ถังที่ให้บริการได้", COUNT, True),
    ("households_per_serving_bin", "ครัวเรือนต่อถัง", DECIMAL, False),
    ("serving_bins_per_100_households", "ถังต่อ 100 ครัวเรือน", DECIMAL, False),
    ("waste_kg_per_cycle", "ขยะต่อรอบเก็บ (กก.)", DECIMAL, True),
    ("usable_capacity_kg", "ความจุที่ใช้ได้ (กก.)", DECIMAL, True),
    ("capacity_ratio", "ความจุ ÷ ปริมาณขยะ", "0.00", False),
    ("bins_needed", "ถังที่ต้องมี (ใบ)", COUNT, True),
    ("additional_bins_needed", "ถังที่ต้องเพิ่ม (ใบ)", COUNT, True),
    ("median_distance_m", "ระยะถึงถังใกล้สุด มัธยฐาน (ม.)", COUNT, False),
    ("p90_distance_m", "ระยะถึงถังใกล้สุด P90 (ม.)", COUNT, False),
    ("collection_interval_days", "รอบเก็บ (วัน)", DECIMAL, False),
    ("radius_m", "รัศมีบริการ (ม.)", COUNT, False),
    ("detour_factor", "ตัวคูณระยะเดินอ้อม", "0.00", False),
    ("method", "วิธีนับ", None, False),
)
_METHOD_TH = {"household_points": "นับจากพิกัดครัวเรือน", "household_count": "จากจำนวนครัวเรือน"}
_BOUNDARY_TH = {BOUNDARY_APPROXIMATE: APPROXIMATE_AREA_TH, BOUNDARY_IMPORTED: "ขอบเขตจริง"}


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    plain = pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
    rows = []
    for record in plain.to_dict(orient="records"):
        row: dict[str, Any] = {}
        for key, _, fmt, _ in COVERAGE_COLUMNS:
            value = record.get(key)
            if hasattr(value, "item"):
                value = value.item()
            if isinstance(value, float) and value != value:
                value = None
            elif fmt == COUNT and isinstance(value, float) and value.is_integer():
                value = int(value)  # counts read as 20, not 20.0
            row[key] = value
        row["stream"] = stream_th(row.get("stream"))
        row["method"] = _METHOD_TH.get(str(row.get("method")), row.get("method"))
        row["boundary_source"] = _BOUNDARY_TH.get(str(row.get("boundary_source")), "ไม่มีขอบเขต")
        if row.get("household_basis") is not None:
            row["household_basis"] = HOUSEHOLD_BASIS_TH.get(
                str(row["household_basis"]), row["household_basis"]
            )
        rows.append(row)
    return rows


#: Sums that stay meaningful over several streams: bins are counted once, in their own stream.
_BIN_COUNTS = {
    "bins_total",
    "bins_usable",
    "bins_damaged",
    "bins_missing",
    "bins_overflowing",
    "bins_serving",
    "bins_needed",
    "additional_bins_needed",
}


def _columns(frame: pd.DataFrame) -> list[tuple[str, str, str | None, bool]]:
    """Columns present; households and waste are summed only for a single stream (every
    stream counts the same households again)."""
    one_stream = "stream" not in frame.columns or frame["stream"].nunique() <= 1
    return [
        (key, header, fmt, total and (one_stream or key in _BIN_COUNTS))
        for key, header, fmt, total in COVERAGE_COLUMNS
        if key in frame.columns
    ]


def coverage_xlsx(
    coverage_by_village_frame: pd.DataFrame, settings: Settings, *, day: date | None = None
) -> bytes:
    """The coverage table as a formatted workbook (title block, frozen header, totals)."""
    columns = [Column(k, h, f, t) for k, h, f, t in _columns(coverage_by_village_frame)]
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_COVERAGE
    lines = [
        settings.office_name,
        "ความครอบคลุมของถังขยะรายหมู่บ้านและประเภทขยะ",
        f"ข้อมูล ณ วันที่ {format_be_date(day or date.today(), thai_digits=False)}",
    ]
    if is_sample_office(settings):
        lines.append("หมายเหตุ: ข้อมูลสมมุติ (ตัวอย่าง) สำหรับสาธิตระบบ")
    start = title_block(sheet, lines, width=min(len(columns), 10))
    cached = CachedFormulas()
    write_table(
        sheet,
        columns,
        _rows(coverage_by_village_frame),
        start_row=start,
        cached=cached,
        min_widths={"name": 16},
    )
    return save_workbook(workbook, cached)


def coverage_csv(coverage_by_village_frame: pd.DataFrame) -> bytes:
    """The coverage table as CSV, Thai headers, UTF-8 with BOM (Excel opens it as Thai)."""
    columns = _columns(coverage_by_village_frame)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([header for _, header, _, _ in columns])
    for row in _rows(coverage_by_village_frame):
        writer.writerow(["" if row[k] is None else csv_safe(row[k]) for k, _, _, _ in columns])
    return buffer.getvalue().encode("utf-8-sig")
