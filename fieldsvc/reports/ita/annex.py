"""The annex shared by the three forms: the monthly table, the charts and the map caption."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fieldsvc.reports.ita.charts import inspections_chart, month_label, shares_chart
from fieldsvc.reports.ita.figures import ItaFigures, ItaMonth
from fieldsvc.reports.thai import format_number

#: (key, heading) of the monthly table, in printed order.
MONTH_COLUMNS: tuple[tuple[str, str], ...] = (
    ("month", "เดือน"),
    ("inspections_done", "ตรวจสอบแล้ว (ครั้ง)"),
    ("inspections_due", "ครบกำหนดตรวจ (ครั้ง)"),
    ("bins_registered", "ถังในทะเบียน (ใบ)"),
    ("bins_usable", "ถังที่ใช้งานได้ (ใบ)"),
    ("usable_share", "ถังที่ใช้งานได้ (ร้อยละ)"),
    ("households_covered", "ครัวเรือนที่อยู่ในระยะ"),
    ("covered_share", "ครัวเรือนที่อยู่ในระยะ (ร้อยละ)"),
    ("work_orders_opened", "ใบสั่งงานที่เปิด"),
    ("work_orders_closed", "ใบสั่งงานที่แล้วเสร็จ"),
    ("bins_installed", "ติดตั้งถังตามแผน (ใบ)"),
)
#: Columns that are events in the month (summed in the total row); the others are month-end states.
FLOW_COLUMNS = (
    "inspections_done",
    "inspections_due",
    "work_orders_opened",
    "work_orders_closed",
    "bins_installed",
)
INSPECTIONS_TITLE = "จำนวนการตรวจสอบสภาพถังขยะรายเดือน เทียบกับจำนวนที่ครบกำหนดตรวจ"
SHARES_TITLE = "ร้อยละของถังขยะที่ใช้งานได้ และของครัวเรือนที่อยู่ในระยะ ณ สิ้นเดือน"


def month_values(month: ItaMonth, thai_digits: bool) -> dict[str, Any]:
    """One month as plain values (shares 0–1; None where unknown), keyed by column."""
    return {
        "month": month_label(month, thai_digits),
        "inspections_done": month.inspections_done,
        "inspections_due": month.inspections_due,
        "bins_registered": month.bins_registered,
        "bins_usable": month.bins_usable,
        "usable_share": month.usable_share,
        "households_covered": month.households_covered,
        "covered_share": month.covered_share,
        "work_orders_opened": month.work_orders_opened,
        "work_orders_closed": month.work_orders_closed,
        "bins_installed": month.bins_installed,
    }


def month_totals(months: tuple[ItaMonth, ...]) -> dict[str, Any]:
    """Sums of the event columns over the months (None where no month has a value)."""
    totals: dict[str, Any] = {"month": "รวมทั้งปี"}
    for key in FLOW_COLUMNS:
        values = [getattr(m, key) for m in months if getattr(m, key) is not None]
        totals[key] = sum(values) if values else None
    return totals


def printed_cells(values: dict[str, Any], thai_digits: bool) -> list[str]:
    """A monthly row as printed text, in :data:`MONTH_COLUMNS` order (``—`` where unknown)."""
    cells = []
    for key, _ in MONTH_COLUMNS:
        value = values.get(key)
        if key == "month":
            cells.append(str(value))
        elif key.endswith("_share"):
            cells.append("—" if value is None else format_number(100 * value, 1, thai=thai_digits))
        elif value is None:
            cells.append("—")
        else:
            cells.append(format_number(value, thai=thai_digits))
    return cells


@dataclass(frozen=True)
class AnnexChart:
    """A chart as the documents place it: title, and the SVG and/or PNG to show."""

    title: str
    svg: str | None
    png: bytes | None


def annex_charts(figures: ItaFigures, *, thai_digits: bool) -> list[AnnexChart]:
    """The charts given with the figures, else the two drawn here from the monthly series."""
    if figures.charts:
        return [AnnexChart(c.title, c.svg, c.png) for c in figures.charts]
    if not figures.monthly:
        return []
    charts = []
    for title, layout in (
        (INSPECTIONS_TITLE, inspections_chart(figures.monthly, thai_digits=thai_digits)),
        (SHARES_TITLE, shares_chart(figures.monthly, thai_digits=thai_digits)),
    ):
        charts.append(AnnexChart(title, None, layout.png()))
    return charts
