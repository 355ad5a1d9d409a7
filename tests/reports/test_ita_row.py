"""The measure's row of the ITA report, sentence by sentence, from hand-chosen figures."""

from __future__ import annotations

import doctest
from dataclasses import replace
from datetime import date

import pytest

from fieldsvc.reports.ita import HEADINGS, ItaChart, ItaMonth, charts, figures, ita_row
from tests.reports.ita_figures import year

SUMMARY = (
    "ตรวจสอบสภาพถังขยะ 468 ครั้ง จากที่ครบกำหนดตรวจ 504 ครั้ง (ร้อยละ 92.9)",
    "พบถังขยะชำรุด สูญหาย หรือขยะล้น เปิดใบสั่งงานซ่อม เปลี่ยน หรือเก็บขนเพิ่ม 60 รายการ "
    "ดำเนินการแล้วเสร็จ 48 รายการ (ร้อยละ 80.0) ใช้เวลาดำเนินการ (ค่ามัธยฐาน) 6.5 วัน "
    "ตรวจซ้ำยืนยันว่าใช้งานได้แล้ว 41 รายการ",
    "ติดตั้งถังขยะตามแผนการจัดสรรแล้ว 11 ใบ จากแผน 20 ใบ (ร้อยละ 55.0) "
    "ใช้งบประมาณ 27,500.50 บาท จากวงเงิน 50,000.00 บาท",
)
RESULT = (
    "ถังขยะในทะเบียนอยู่ในสภาพใช้งานได้ ร้อยละ 79.7 (94 จาก 118 ใบ) ณ วันที่ 1 ตุลาคม 2569 "
    "เพิ่มขึ้นเป็น ร้อยละ 90.1 (118 จาก 131 ใบ) ณ วันที่ 30 กันยายน 2570",
    "ครัวเรือนที่อยู่ในระยะ 200 เมตร จากถังขยะที่ใช้งานได้ 591 จาก 800 ครัวเรือน (ร้อยละ 73.9) "
    "ณ ต้นปีงบประมาณ เพิ่มขึ้นเป็น 713 จาก 800 ครัวเรือน (ร้อยละ 89.1) ณ สิ้นปีงบประมาณ",
    "หมู่บ้านที่ครัวเรือนอยู่ในระยะยังต่ำกว่าเกณฑ์ ร้อยละ 80 จำนวน 2 หมู่บ้าน ได้แก่ "
    "หมู่ที่ 3 บ้านหัวขัว หมู่ที่ 7 บ้านโนนสูง จะจัดสรรถังขยะเพิ่มเติมในปีงบประมาณ พ.ศ. 2571",
)


def test_the_row_has_the_reports_six_columns_in_its_order() -> None:
    assert HEADINGS == (
        "มาตรการ/แนวทาง",
        "วิธีดำเนินการ",
        "ผู้รับผิดชอบ",
        "ระยะเวลาดำเนินการ",
        "สรุปผลการดำเนินการตามมาตรการ",
        "ผลลัพธ์หรือความสำเร็จของการดำเนินการ",
    )
    row = ita_row(year(), thai_digits=False)
    cells = row.cells()
    assert len(cells) == 6
    assert cells[0] == ["8. ระบบบริการเชิงรุก เช่น ตรวจสอบถังขยะ ไฟฟ้า ให้อยู่ในสภาพที่สามารถใช้งานได้"]
    assert cells[1][0] == "1. จัดทำระบบชุดบริการเคลื่อนที่ตรวจสอบการให้บริการแก่ประชาชน"
    assert cells[2] == ["กองสาธารณสุข"]
    assert cells[3] == ["ต.ค. 69 – ก.ย. 70"]


def test_summary_and_result_are_written_from_the_figures() -> None:
    row = ita_row(year(), thai_digits=False)
    assert row.summary == SUMMARY
    assert row.result == RESULT
    assert row.cells()[4] == [f"{i}. {text}" for i, text in enumerate(SUMMARY, 1)]


def test_thai_digits_everywhere_in_the_official_form() -> None:
    row = ita_row(year(), thai_digits=True)
    cells = row.cells()
    assert cells[0][0].startswith("๘. ระบบบริการเชิงรุก")
    assert cells[3] == ["ต.ค. ๖๙ – ก.ย. ๗๐"]
    assert cells[4][0] == ("๑. ตรวจสอบสภาพถังขยะ ๔๖๘ ครั้ง จากที่ครบกำหนดตรวจ ๕๐๔ ครั้ง (ร้อยละ ๙๒.๙)")
    assert "หมู่ที่ ๓ บ้านหัวขัว" in cells[5][2]
    assert not any(ch.isascii() and ch.isdigit() for cell in cells for line in cell for ch in line)


def test_a_quiet_year_says_so() -> None:
    quiet = year(
        work_orders_opened=0,
        work_orders_closed=0,
        work_orders_median_days_to_close=None,
        work_orders_verified=None,
        bins_planned=0,
        bins_installed=0,
        bins_registered_start=131,
        bins_usable_start=118,
        households_covered_end=500,
        villages_below_threshold=(),
        spent_baht=None,
    )
    row = ita_row(quiet, thai_digits=False)
    assert row.summary[1:] == (
        "ไม่พบถังขยะชำรุด สูญหาย หรือขยะล้น ที่ต้องเปิดใบสั่งงาน",
        "ไม่มีรายการจัดสรรถังขยะตามแผนในปีงบประมาณนี้",
    )
    assert row.result == (
        "ถังขยะในทะเบียนอยู่ในสภาพใช้งานได้ ร้อยละ 90.1 ทั้ง ณ วันที่ 1 ตุลาคม 2569 "
        "และ ณ วันที่ 30 กันยายน 2570 (118 จาก 131 ใบ)",
        "ครัวเรือนที่อยู่ในระยะ 200 เมตร จากถังขยะที่ใช้งานได้ 591 จาก 800 ครัวเรือน "
        "(ร้อยละ 73.9) ณ ต้นปีงบประมาณ ลดลงเป็น 500 จาก 800 ครัวเรือน (ร้อยละ 62.5) "
        "ณ สิ้นปีงบประมาณ",
        "ทุกหมู่บ้านมีครัวเรือนอยู่ในระยะไม่ต่ำกว่าเกณฑ์ ร้อยละ 80 "
        "สามารถจัดสรรถังขยะเพียงพอต่อผู้ใช้บริการครบถ้วน และครอบคลุมทั่วพื้นที่",
    )


def test_orders_without_a_median_and_money_without_a_budget() -> None:
    row = ita_row(
        year(work_orders_median_days_to_close=None, work_orders_verified=None, budget_baht=None),
        thai_digits=False,
    )
    assert row.summary[1] == (
        "พบถังขยะชำรุด สูญหาย หรือขยะล้น เปิดใบสั่งงานซ่อม เปลี่ยน หรือเก็บขนเพิ่ม 60 รายการ "
        "ดำเนินการแล้วเสร็จ 48 รายการ (ร้อยละ 80.0)"
    )
    assert row.summary[2].endswith("(ร้อยละ 55.0) ใช้งบประมาณ 27,500.50 บาท")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"households_covered_end": 801}, "households_covered_end"),
        ({"work_orders_closed": 61}, "work_orders_closed"),
        ({"bins_usable_start": -1}, "bins_usable_start"),
        ({"fiscal_year_be": 2027}, "Buddhist-era"),
        ({"threshold_share": 80}, "threshold_share"),
        ({"monthly": (ItaMonth(date(2027, 10, 1), 3),)}, "outside fiscal year"),
        (
            {"monthly": (ItaMonth(date(2026, 11, 1), 3), ItaMonth(date(2026, 10, 1), 3))},
            "in order",
        ),
    ],
)
def test_impossible_figures_are_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        year(**changes)


def test_a_chart_needs_an_image() -> None:
    with pytest.raises(ValueError, match="neither SVG nor PNG"):
        ItaChart("แผนภูมิ")


def test_fiscal_year_bounds_and_shares() -> None:
    f = year()
    assert (f.start, f.end) == (date(2026, 10, 1), date(2027, 9, 30))
    assert f.usable_share_end == pytest.approx(118 / 131)
    assert replace(f, inspections_due=0).inspections_share is None
    assert f.monthly[0].usable_share == pytest.approx(96 / 120)


def test_module_examples() -> None:
    for module in (figures, charts):
        result = doctest.testmod(module)
        assert result.failed == 0 and result.attempted > 0


def test_chart_bars_are_as_tall_as_their_counts() -> None:
    """38 inspections against a round axis top of 50 fill 38/50 of the plot's height."""
    from tests.reports.ita_figures import months

    layout = charts.inspections_chart(months(), thai_digits=False)
    done = [s for s in layout.shapes if s.kind == "rect" and s.colour == charts.COLOURS[0]]
    due = [s for s in layout.shapes if s.kind == "rect" and s.colour == charts.COLOURS[1]]
    plot_h = charts.HEIGHT - 34 - 40  # the chart's top and bottom margins
    heights = [round(s.points[3] - s.points[1], 3) for s in done[:3]]
    assert heights == [round(plot_h * n / 50, 3) for n in (38, 39, 40)]
    assert len(done) == 12 + 1 and len(due) == 12 + 1  # twelve bars and a legend key each
    labels = [s.text for s in layout.shapes if s.kind == "text"]
    assert labels[:6] == ["0", "10", "20", "30", "40", "50"]
    assert "ต.ค. 69" in labels and "ก.ย. 70" in labels
    png = layout.png(scale=1)
    assert png.startswith(b"\x89PNG")
