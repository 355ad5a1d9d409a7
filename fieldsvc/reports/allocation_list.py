"""The published allocation list of a plan: PDF (official notice), XLSX (working file), CSV.

All three read the saved plan only and carry no personal data: they are posted publicly
(measure 8 of the integrity and transparency plan: enough usable bins for every village).
"""

from __future__ import annotations

import csv
import io
import threading
from collections import OrderedDict
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook

from fieldsvc.config import Settings
from fieldsvc.models import AllocationPlanRecord
from fieldsvc.reports import plan_tables as pt
from fieldsvc.reports.cells import csv_safe
from fieldsvc.reports.xlsx import (
    BAHT,
    COORD,
    COUNT,
    DECIMAL,
    SHARE,
    CachedFormulas,
    Column,
    save_workbook,
    title_block,
    write_table,
)
from fieldsvc.thai import fiscal_year_label, format_be_date, local_date

SHEET_LIST = "รายการจัดสรร"
SHEET_PARAMETERS = "พารามิเตอร์"
SHEET_SUMMARY = "สรุป"
SHEET_DEFERRED = "ยังไม่ได้จัดสรร"
SYNTHETIC_NOTE = "ข้อมูลในเอกสารนี้เป็นข้อมูลสมมุติ (ตัวอย่าง) สำหรับสาธิตระบบ มิใช่ข้อมูลจริงของหน่วยงานใด"

_LIST_FORMATS = {
    "capacity_l": COUNT,
    "count": COUNT,
    "lat": COORD,
    "lon": COORD,
    "households_added": COUNT,
    "unit_price_baht": BAHT,
    "cost_baht": BAHT,
    "cumulative_cost_baht": BAHT,
}
_LIST_TOTALS = {"count", "households_added", "cost_baht"}


def plan_date(plan: AllocationPlanRecord) -> date:
    """The date a plan is dated by: publication if published, else creation (Thai time)."""
    moment: datetime = plan.published_at or plan.created_at
    return local_date(moment)


def _title_lines(plan: AllocationPlanRecord, settings: Settings) -> list[str]:
    status = pt.STATUS_TH.get(plan.status, plan.status)
    lines = [
        settings.office_name,
        plan.title,
        f"{fiscal_year_label(plan.fiscal_year_be, thai_digits=False)} · แผนฉบับที่ "
        f"{plan.version} · สถานะ: {status}",
        f"วันที่ {format_be_date(plan_date(plan), thai_digits=False)}",
    ]
    if pt.is_sample_office(settings):
        lines.append("หมายเหตุ: " + SYNTHETIC_NOTE)
    return lines


# --- XLSX ------------------------------------------------------------------------------------
def allocation_xlsx(
    plan: AllocationPlanRecord,
    settings: Settings,
    *,
    bin_codes: Mapping[int, str] | None = None,
) -> bytes:
    """The plan as a workbook: the list (with totals), every parameter, and the summary.

    Sheets: ``รายการจัดสรร`` (items in priority order, SUM totals whose values are also
    stored), ``พารามิเตอร์`` (every input of the plan), ``สรุป`` (totals by kind as plain
    values, efficiency vs equity, coverage per village before and after), and
    ``ยังไม่ได้จัดสรร`` (items the budget did not reach) when there are any.
    """
    workbook = Workbook()
    cached = CachedFormulas()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_LIST
    columns = [
        Column(key, header, _LIST_FORMATS.get(key), key in _LIST_TOTALS)
        for key, header in pt.LIST_COLUMNS
    ]
    start = title_block(sheet, _title_lines(plan, settings), width=len(columns))
    write_table(
        sheet,
        columns,
        pt.list_rows(plan, bin_codes),
        start_row=start,
        cached=cached,
        min_widths={"village_name": 16, "reason_th": 22, "household_basis_th": 20},
    )
    sheet.print_title_rows = f"{start}:{start}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True

    _parameters_sheet(workbook.create_sheet(SHEET_PARAMETERS), plan, settings)
    _summary_sheet(workbook.create_sheet(SHEET_SUMMARY), plan, settings, cached)
    if plan.deferred:
        later = workbook.create_sheet(SHEET_DEFERRED)
        start = title_block(
            later,
            [settings.office_name, f"รายการที่ยังไม่ได้จัดสรร (วงเงินไม่พอ) — {plan.title}"],
            width=len(columns),
        )
        write_table(
            later,
            [c for c in columns if c.key not in ("rank", "cumulative_cost_baht")],
            pt.list_rows(plan, bin_codes, deferred=True),
            start_row=start,
            cached=cached,
            min_widths={"village_name": 16, "reason_th": 22},
        )
    return save_workbook(workbook, cached)


def _parameters_sheet(sheet: Any, plan: AllocationPlanRecord, settings: Settings) -> None:
    start = title_block(sheet, [settings.office_name, f"พารามิเตอร์ของ{plan.title}"], width=4)
    meta = [
        pt.ParameterRow("plan.version", "แผนฉบับที่", plan.version, ""),
        pt.ParameterRow("plan.status", "สถานะ", pt.STATUS_TH.get(plan.status, plan.status), ""),
        pt.ParameterRow("plan.fiscal_year_be", "ปีงบประมาณ (พ.ศ.)", plan.fiscal_year_be, ""),
        pt.ParameterRow("plan.date", "วันที่", format_be_date(plan_date(plan), thai_digits=False), ""),
    ]
    rows = [
        {"label": r.label, "value": r.value, "unit": r.unit, "key": r.key}
        for r in meta + pt.parameter_rows(plan.parameters)
    ]
    write_table(
        sheet,
        [
            Column("label", "พารามิเตอร์"),
            Column("value", "ค่า", "#,##0.###"),
            Column("unit", "หน่วย"),
            Column("key", "ชื่อในระบบ (key)"),
        ],
        rows,
        start_row=start,
        total_label=None,
        min_widths={"label": 40},
    )


def _summary_sheet(
    sheet: Any, plan: AllocationPlanRecord, settings: Settings, cached: CachedFormulas
) -> None:
    row = title_block(sheet, [settings.office_name, f"สรุป{plan.title}"], width=7)
    totals = pt.reason_totals(plan.recommendations)
    row = write_table(
        sheet,
        [
            Column("label", "ประเภทการจัดสรร"),
            Column("items", "จำนวนรายการ", COUNT, True),
            Column("bins", "จำนวนถัง (ใบ)", COUNT, True),
            Column("households_added", "ครัวเรือนที่ได้รับบริการเพิ่ม", COUNT, True),
            Column("cost_baht", "จำนวนเงิน (บาท)", BAHT, True),
        ],
        [vars(t) for t in totals],
        start_row=row,
        cached=cached,
        freeze=False,
        min_widths={"label": 30},
    )
    # The same totals again as plain numbers: what any reader sees even without formulas.
    facts = [
        ("งบประมาณ (บาท)", plan.budget_baht, BAHT),
        ("จำนวนเงินที่จัดสรร (บาท)", plan.spent_baht, BAHT),
        ("จำนวนถังทั้งสิ้น (ใบ)", sum(t.bins for t in totals), COUNT),
        ("จำนวนรายการ", sum(t.items for t in totals), COUNT),
        ("ครัวเรือนที่ได้รับบริการเพิ่ม", sum(t.households_added for t in totals), COUNT),
        ("รายการที่ยังไม่ได้จัดสรร (งบไม่พอ)", len(plan.deferred), COUNT),
        (
            "มูลค่ารายการที่ยังไม่ได้จัดสรร (บาท)",
            sum(pt._number(d.get("cost_baht")) for d in plan.deferred),
            BAHT,
        ),
    ]
    row += 2
    for label, value, fmt in facts:
        sheet.cell(row=row, column=1, value=label)
        cell = sheet.cell(row=row, column=2, value=value)
        cell.number_format = fmt
        row += 1
    row += 1
    sheet.cell(row=row, column=1, value="เปรียบเทียบ: เน้นประสิทธิภาพ กับ เน้นความเป็นธรรม")
    scenario_rows = [
        {
            "label": pt.SCENARIO_TH.get(str(s.get("scenario")), str(s.get("scenario"))),
            "sites": s.get("sites"),
            "cost_baht": s.get("cost_baht"),
            "households_covered": s.get("households_covered"),
            "covered_share": s.get("covered_share"),
            "min_village_covered_share": s.get("min_village_covered_share"),
            "gini_covered_share": s.get("gini_covered_share"),
            "villages_below_floor": s.get("villages_below_floor"),
        }
        for s in plan.summary
    ]
    row = write_table(
        sheet,
        [
            Column("label", "กรณี"),
            Column("sites", "จุดใหม่", COUNT),
            Column("cost_baht", "ค่าจุดใหม่ (บาท)", BAHT),
            Column("households_covered", "ครัวเรือนที่อยู่ในระยะ", COUNT),
            Column("covered_share", "สัดส่วนครอบคลุม", SHARE),
            Column("min_village_covered_share", "หมู่บ้านที่ต่ำสุด", SHARE),
            Column("gini_covered_share", "ดัชนีจีนี", "0.000"),
            Column("villages_below_floor", "หมู่บ้านต่ำกว่าเกณฑ์", COUNT),
        ],
        scenario_rows,
        start_row=row + 1,
        total_label=None,
        freeze=False,
    )
    row += 2
    sheet.cell(row=row, column=1, value="ความครอบคลุมรายหมู่บ้าน ก่อนและหลังจัดสรร")
    write_table(
        sheet,
        [
            Column("village_number", "หมู่ที่", COUNT),
            Column("village_name", "หมู่บ้าน"),
            Column("household_basis_th", "ที่มาของจำนวนครัวเรือน"),
            Column("households_located", "ครัวเรือน (มีพิกัด)", COUNT, True),
            Column("covered_before", "ครอบคลุมก่อน (ครัวเรือน)", COUNT, True),
            Column("covered_share_before", "ก่อน (%)", SHARE),
            Column("covered_efficiency", "เน้นประสิทธิภาพ (ครัวเรือน)", DECIMAL, True),
            Column("covered_share_efficiency", "เน้นประสิทธิภาพ (%)", SHARE),
            Column("covered_after", "หลังจัดสรร (ครัวเรือน)", COUNT, True),
            Column("covered_share_after", "หลังจัดสรร (%)", SHARE),
        ],
        pt.village_coverage_rows(plan),
        start_row=row + 1,
        cached=cached,
        freeze=False,
    )


# --- CSV -------------------------------------------------------------------------------------
def allocation_csv(
    plan: AllocationPlanRecord, *, bin_codes: Mapping[int, str] | None = None
) -> bytes:
    """The funded items, one per line, Thai headers; UTF-8 with BOM so Excel reads the Thai."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([header for _, header in pt.LIST_COLUMNS])
    for row in pt.list_rows(plan, bin_codes):
        writer.writerow(["" if row[k] is None else csv_safe(row[k]) for k, _ in pt.LIST_COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


# --- PDF -------------------------------------------------------------------------------------
def allocation_pdf(
    plan: AllocationPlanRecord,
    settings: Settings,
    *,
    thai_digits: bool | None = None,
    issued_on: date | None = None,
) -> bytes:
    """The list as an official notice (ประกาศ … เรื่อง บัญชีรายการจัดสรรถังขยะ), A4 portrait.

    ``thai_digits`` defaults to ``settings.report_thai_digits``; ``issued_on`` (the date
    after "ประกาศ ณ วันที่") defaults to the publication date, else the creation date.
    """
    from fieldsvc.reports.pdf import allocation_html, render_pdf

    thai = settings.report_thai_digits if thai_digits is None else thai_digits
    key = (
        plan.id,
        plan.version,
        plan.status,
        plan.created_at,
        plan.published_at,
        settings.model_dump_json(),
        thai,
        issued_on,
    )
    with _PDF_LOCK:
        cached = _PDF_CACHE.get(key)
        if cached is not None:
            _PDF_CACHE.move_to_end(key)
            return cached
    data = render_pdf(allocation_html(plan, settings, thai_digits=thai, issued_on=issued_on))
    with _PDF_LOCK:
        _PDF_CACHE[key] = data
        while len(_PDF_CACHE) > _PDF_CACHE_SIZE:
            _PDF_CACHE.popitem(last=False)
    return data


#: Rendering takes about a second: the public list is rendered once per plan state, not once
#: per anonymous request. A saved plan is never recomputed in place, so its id, version,
#: status and dates (with the letterhead settings) identify the printed notice.
_PDF_CACHE: OrderedDict[tuple[object, ...], bytes] = OrderedDict()
_PDF_CACHE_SIZE = 16
_PDF_LOCK = threading.Lock()
