"""The ITA report as a workbook: the row to paste, every figure as a number, the months.

Sheets: ``มาตรการที่ 8`` (the row in the report's six columns, each cell's items on their own
lines), ``ตัวเลข`` (each figure of the year as a plain number with its unit and key),
``รายเดือน`` (the monthly table with yearly totals, two native Excel charts drawn from it, and
the PNG of any chart drawn elsewhere),
and ``แผนที่`` when a coverage map image is given.
"""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.drawing.image import Image as SheetImage
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from fieldsvc.config import Settings
from fieldsvc.reports.ita.annex import (
    FLOW_COLUMNS,
    INSPECTIONS_TITLE,
    MONTH_COLUMNS,
    SHARES_TITLE,
    month_values,
)
from fieldsvc.reports.ita.figures import ItaFigures
from fieldsvc.reports.ita.printed import SYNTHETIC_NOTE
from fieldsvc.reports.ita.row import HEADINGS, MEASURE_8, ItaMeasure, ita_row
from fieldsvc.reports.xlsx import (
    BAHT,
    COUNT,
    DECIMAL,
    SHARE,
    CachedFormulas,
    Column,
    save_workbook,
    title_block,
    write_table,
)
from fieldsvc.thai import fiscal_year_label, format_be_date

SHEET_ROW = "มาตรการที่ {number}"
SHEET_FIGURES = "ตัวเลข"
SHEET_MONTHS = "รายเดือน"
SHEET_MAP = "แผนที่"
#: Column widths (characters) of the row sheet, in HEADINGS order.
_ROW_WIDTHS = (30, 42, 16, 16, 60, 60)
_THIN = Side(style="thin", color="999999")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)

#: (key, Thai label, unit, number format) of the figures sheet; keys are ItaFigures attributes.
FIGURE_ROWS: tuple[tuple[str, str, str, str], ...] = (
    ("fiscal_year_be", "ปีงบประมาณ (พ.ศ.)", "", "0"),
    ("inspections_done", "การตรวจสอบสภาพถังที่ทำแล้ว", "ครั้ง", COUNT),
    ("inspections_due", "การตรวจสอบที่ครบกำหนด", "ครั้ง", COUNT),
    ("inspections_share", "ตรวจแล้วต่อที่ครบกำหนด", "สัดส่วน", SHARE),
    ("inspections_on_time", "การตรวจที่ทันตามกำหนด", "ครั้ง", COUNT),
    ("bins_registered_start", "ถังในทะเบียน ต้นปี", "ใบ", COUNT),
    ("bins_usable_start", "ถังที่ใช้งานได้ ต้นปี", "ใบ", COUNT),
    ("usable_share_start", "สัดส่วนถังที่ใช้งานได้ ต้นปี", "สัดส่วน", SHARE),
    ("bins_registered_end", "ถังในทะเบียน สิ้นปี", "ใบ", COUNT),
    ("bins_usable_end", "ถังที่ใช้งานได้ สิ้นปี", "ใบ", COUNT),
    ("usable_share_end", "สัดส่วนถังที่ใช้งานได้ สิ้นปี", "สัดส่วน", SHARE),
    ("work_orders_opened", "ใบสั่งงานที่เปิด", "รายการ", COUNT),
    ("work_orders_closed", "ใบสั่งงานที่แล้วเสร็จ", "รายการ", COUNT),
    ("work_orders_median_days_to_close", "ระยะเวลาดำเนินการ (ค่ามัธยฐาน)", "วัน", DECIMAL),
    ("work_orders_verified", "ใบสั่งงานที่ตรวจซ้ำยืนยันแล้ว", "รายการ", COUNT),
    ("bins_planned", "ถังตามแผนการจัดสรร", "ใบ", COUNT),
    ("bins_installed", "ถังที่ติดตั้งแล้ว", "ใบ", COUNT),
    ("budget_baht", "วงเงินงบประมาณ", "บาท", BAHT),
    ("spent_baht", "งบประมาณที่ใช้", "บาท", BAHT),
    ("households_located_start", "ครัวเรือน (มีพิกัด) ต้นปี", "ครัวเรือน", COUNT),
    ("households_covered_start", "ครัวเรือนที่อยู่ในระยะ ต้นปี", "ครัวเรือน", COUNT),
    ("covered_share_start", "สัดส่วนครัวเรือนที่อยู่ในระยะ ต้นปี", "สัดส่วน", SHARE),
    ("households_located_end", "ครัวเรือน (มีพิกัด) สิ้นปี", "ครัวเรือน", COUNT),
    ("households_covered_end", "ครัวเรือนที่อยู่ในระยะ สิ้นปี", "ครัวเรือน", COUNT),
    ("covered_share_end", "สัดส่วนครัวเรือนที่อยู่ในระยะ สิ้นปี", "สัดส่วน", SHARE),
    ("radius_m", "รัศมีให้บริการ (ระยะเดิน)", "เมตร", COUNT),
    ("threshold_share", "เกณฑ์ความครอบคลุมขั้นต่ำของหมู่บ้าน", "สัดส่วน", SHARE),
)


def _title_lines(figures: ItaFigures, settings: Settings, measure: ItaMeasure) -> list[str]:
    from fieldsvc.reports.plan_tables import is_sample_office

    lines = [
        settings.office_name,
        "รายงานการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส "
        + fiscal_year_label(figures.fiscal_year_be, thai_digits=False),
        f"มาตรการที่ {measure.number} · {format_be_date(figures.start, False)} – "
        f"{format_be_date(figures.as_of_end, False)}",
    ]
    if figures.synthetic or is_sample_office(settings):
        lines.append("หมายเหตุ: " + SYNTHETIC_NOTE)
    return lines


def ita_xlsx(
    figures: ItaFigures,
    settings: Settings,
    *,
    thai_digits: bool | None = None,
    measure: ItaMeasure = MEASURE_8,
) -> bytes:
    """The report as a workbook (row text with ``thai_digits``; numbers stay numbers)."""
    thai = settings.report_thai_digits if thai_digits is None else thai_digits
    workbook = Workbook()
    cached = CachedFormulas()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_ROW.format(number=measure.number)
    _row_sheet(sheet, figures, settings, measure, thai)
    _figures_sheet(workbook.create_sheet(SHEET_FIGURES), figures, settings, measure)
    _months_sheet(workbook.create_sheet(SHEET_MONTHS), figures, settings, measure, cached)
    if figures.coverage_map_png:
        maps = workbook.create_sheet(SHEET_MAP)
        title_block(maps, [settings.office_name, "แผนที่ความครอบคลุม ณ สิ้นปีงบประมาณ"], width=8)
        maps.add_image(SheetImage(io.BytesIO(figures.coverage_map_png)), "A4")
    return save_workbook(workbook, cached)


def _row_sheet(
    sheet: Worksheet, figures: ItaFigures, settings: Settings, measure: ItaMeasure, thai: bool
) -> None:
    start = title_block(sheet, _title_lines(figures, settings, measure), width=len(HEADINGS))
    row = ita_row(figures, measure, thai_digits=thai)
    for c, (heading, width) in enumerate(zip(HEADINGS, _ROW_WIDTHS, strict=True), start=1):
        cell = sheet.cell(row=start, column=c, value=heading)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F0")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BOX
        sheet.column_dimensions[cell.column_letter].width = width
    for c, lines in enumerate(row.cells(), start=1):
        cell = sheet.cell(row=start + 1, column=c, value="\n".join(lines))
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        cell.border = _BOX
    sheet.row_dimensions[start].height = 36
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _figures_sheet(
    sheet: Worksheet, figures: ItaFigures, settings: Settings, measure: ItaMeasure
) -> None:
    start = title_block(sheet, _title_lines(figures, settings, measure)[:2], width=4)
    rows: list[dict[str, Any]] = [
        {"label": label, "value": getattr(figures, key), "unit": unit, "key": key, "fmt": fmt}
        for key, label, unit, fmt in FIGURE_ROWS
    ]
    rows.append(
        {
            "label": "หมู่บ้านที่ยังต่ำกว่าเกณฑ์",
            "value": ", ".join(figures.villages_below_threshold) or "—",
            "unit": f"{len(figures.villages_below_threshold)} หมู่บ้าน",
            "key": "villages_below_threshold",
            "fmt": None,
        }
    )
    last = write_table(
        sheet,
        [Column("label", "รายการ"), Column("value", "ค่า"), Column("unit", "หน่วย"),
         Column("key", "ชื่อในระบบ (key)")],
        rows,
        start_row=start,
        total_label=None,
        min_widths={"label": 36, "value": 14},
    )  # fmt: skip
    for offset, values in enumerate(rows, start=1):
        if values["fmt"] and isinstance(values["value"], int | float):
            sheet.cell(row=start + offset, column=2).number_format = values["fmt"]
    assert last == start + len(rows)


def _months_sheet(
    sheet: Worksheet,
    figures: ItaFigures,
    settings: Settings,
    measure: ItaMeasure,
    cached: CachedFormulas,
) -> None:
    start = title_block(sheet, _title_lines(figures, settings, measure)[:2], width=6)
    formats = {key: SHARE if key.endswith("_share") else COUNT for key, _ in MONTH_COLUMNS}
    columns = [
        Column(key, heading, None if key == "month" else formats[key], key in FLOW_COLUMNS)
        for key, heading in MONTH_COLUMNS
    ]
    rows = [month_values(m, thai_digits=False) for m in figures.monthly]
    write_table(sheet, columns, rows, start_row=start, cached=cached, total_label="รวมทั้งปี")
    if not rows:
        return
    first, last = start + 1, start + len(rows)
    keys = [key for key, _ in MONTH_COLUMNS]
    months = Reference(sheet, min_col=1, min_row=first, max_row=last)

    bars = BarChart()
    bars.title = INSPECTIONS_TITLE
    bars.y_axis.title = "ครั้ง"
    for key in ("inspections_done", "inspections_due"):
        col = keys.index(key) + 1
        bars.add_data(
            Reference(sheet, min_col=col, min_row=start, max_row=last), titles_from_data=True
        )
    bars.set_categories(months)
    bars.width, bars.height = 24, 9
    sheet.add_chart(bars, f"A{last + 4}")

    lines = LineChart()
    lines.title = SHARES_TITLE
    lines.y_axis.number_format = "0%"
    lines.y_axis.scaling.min, lines.y_axis.scaling.max = 0, 1
    for key in ("usable_share", "covered_share"):
        col = keys.index(key) + 1
        lines.add_data(
            Reference(sheet, min_col=col, min_row=start, max_row=last), titles_from_data=True
        )
    lines.set_categories(months)
    lines.width, lines.height = 24, 9
    sheet.add_chart(lines, f"A{last + 24}")
    # Charts drawn elsewhere follow Excel's own two (an SVG-only one is in the PDF only).
    anchor = last + 44
    for chart in figures.charts:
        if chart.png is None:
            continue
        sheet.cell(row=anchor, column=1, value=chart.title).font = Font(bold=True)
        image = SheetImage(io.BytesIO(chart.png))
        sheet.add_image(image, f"A{anchor + 1}")
        anchor += 2 + int(image.height / 20) + 1  # default row height is 20 pixels
