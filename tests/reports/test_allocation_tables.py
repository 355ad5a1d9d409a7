"""The allocation list as XLSX and CSV: totals match the plan, every parameter is listed,
Thai headers, BOM, and nothing but the listed public columns leaves the plan."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from fieldsvc.config import Settings
from fieldsvc.models import AllocationPlanRecord
from fieldsvc.reports.allocation_list import allocation_csv, allocation_xlsx
from fieldsvc.reports.coverage_export import coverage_csv, coverage_xlsx
from fieldsvc.reports.plan_tables import LIST_COLUMNS, parameter_rows

BINS, COST, HOUSEHOLDS = 17, 45_400.0, 119.0


def _totals_row(sheet: openpyxl.worksheet.worksheet.Worksheet) -> dict[str, object]:
    rows = list(sheet.iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "ลำดับความสำคัญ")
    total = next(r for r in rows if r and r[0] == "รวมทั้งสิ้น")
    return dict(zip(header, total, strict=True))


@pytest.mark.parametrize("data_only", [False, True])
def test_xlsx_totals_are_formulas_and_their_values_are_stored(
    plan: AllocationPlanRecord, office: Settings, data_only: bool
) -> None:
    book = openpyxl.load_workbook(io.BytesIO(allocation_xlsx(plan, office)), data_only=data_only)
    assert book.sheetnames == ["รายการจัดสรร", "พารามิเตอร์", "สรุป", "ยังไม่ได้จัดสรร"]
    totals = _totals_row(book["รายการจัดสรร"])
    if data_only:  # a reader that does not calculate still sees the totals
        assert totals["จำนวน (ใบ)"] == BINS
        assert totals["จำนวนเงิน (บาท)"] == pytest.approx(COST)
        assert totals["ครัวเรือนที่ได้รับบริการเพิ่ม"] == pytest.approx(HOUSEHOLDS)
    else:
        assert str(totals["จำนวน (ใบ)"]).startswith("=SUM(G")
        assert str(totals["จำนวนเงิน (บาท)"]).startswith("=SUM(M")


def test_xlsx_list_is_formatted_for_reading(plan: AllocationPlanRecord, office: Settings) -> None:
    book = openpyxl.load_workbook(io.BytesIO(allocation_xlsx(plan, office)))
    sheet = book["รายการจัดสรร"]
    assert sheet["A1"].value == office.office_name
    assert "ปีงบประมาณ พ.ศ. 2570" in sheet["A3"].value
    assert "ข้อมูลสมมุติ" in sheet["A5"].value  # the sample office says so
    header_row = sheet.freeze_panes and int(sheet.freeze_panes[1:]) - 1
    assert [c.value for c in sheet[header_row]] == [h for _, h in LIST_COLUMNS]
    first = sheet[header_row + 1]
    assert first[0].value == 1 and first[7].value == "ID 11"  # rank 1 replaces bin 11
    assert first[12].number_format == "#,##0.00"
    assert sheet.column_dimensions["D"].width >= 20


def test_xlsx_has_every_parameter_and_the_summary_in_plain_values(
    plan: AllocationPlanRecord, office: Settings
) -> None:
    book = openpyxl.load_workbook(io.BytesIO(allocation_xlsx(plan, office)))
    keys = {row[3] for row in book["พารามิเตอร์"].iter_rows(values_only=True)}
    expected = {row.key for row in parameter_rows(plan.parameters)}
    assert expected <= keys
    assert {"radius_m", "equity_floor_share", "sizing.k_peak", "unit_price_baht.240"} <= keys
    summary = {r[0]: r[1] for r in book["สรุป"].iter_rows(values_only=True) if r and r[0]}
    assert summary["จำนวนถังทั้งสิ้น (ใบ)"] == BINS
    assert summary["จำนวนเงินที่จัดสรร (บาท)"] == pytest.approx(COST)
    assert summary["รายการที่ยังไม่ได้จัดสรร (งบไม่พอ)"] == 1


def test_bin_codes_name_the_replaced_bins(plan: AllocationPlanRecord, office: Settings) -> None:
    text = allocation_csv(plan, bin_codes={11: "NB-01-0011"}).decode("utf-8-sig")
    assert "NB-01-0011" in text and "ID 12" in text


def test_csv_has_bom_thai_headers_and_one_line_per_item(plan: AllocationPlanRecord) -> None:
    data = allocation_csv(plan)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == [h for _, h in LIST_COLUMNS]
    assert len(rows) == 1 + len(plan.recommendations)
    cost = rows[0].index("จำนวนเงิน (บาท)")
    assert sum(float(r[cost]) for r in rows[1:]) == pytest.approx(COST)


def test_personal_fields_in_a_plan_row_never_reach_the_exports(
    plan: AllocationPlanRecord, office: Settings
) -> None:
    plan.recommendations[0].update(house_no="99/1", surveyor_phone="0812345678")
    exported = allocation_csv(plan).decode("utf-8-sig")
    book = openpyxl.load_workbook(io.BytesIO(allocation_xlsx(plan, office)))
    cells = " ".join(
        str(v) for ws in book for row in ws.iter_rows(values_only=True) for v in row if v
    )
    from fieldsvc.reports.pdf import allocation_html

    html = allocation_html(plan, office, thai_digits=False)
    for text in (exported, cells, html):
        assert "99/1" not in text and "0812345678" not in text


def test_coverage_exports_do_not_sum_households_over_streams(office: Settings) -> None:
    import pandas as pd

    frame = pd.DataFrame(
        {
            "village_id": [1, 1],
            "number": [1, 1],
            "name": ["บ้านหนองบัว", "บ้านหนองบัว"],
            "stream": ["general", "organic"],
            "households": [100, 100],
            "households_covered": [90, 10],
            "covered_share": [0.9, 0.1],
            "bins_total": [8, 2],
        }
    )
    book = openpyxl.load_workbook(io.BytesIO(coverage_xlsx(frame, office)), data_only=True)
    rows = list(book["ความครอบคลุม"].iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "หมู่ที่")
    total = dict(zip(header, rows[-1], strict=True))
    assert total["ถังทั้งหมด (ใบ)"] == 10  # bins are counted once, in their own stream
    assert total["ครัวเรือน"] is None  # the same 100 households in each stream: no sum
    text = coverage_csv(frame)
    assert text.startswith(b"\xef\xbb\xbf")
    lines = text.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("หมู่ที่,หมู่บ้าน,ประเภทขยะ,ครัวเรือน")
    assert "ขยะอินทรีย์" in lines[2]
