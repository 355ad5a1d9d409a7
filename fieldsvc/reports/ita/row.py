"""The measure's row of the ITA report, written from the year's figures.

The report lists each measure in one table (see the office's 2566 report): มาตรการ/แนวทาง ·
วิธีดำเนินการ · ผู้รับผิดชอบ · ระยะเวลาดำเนินการ · สรุปผลการดำเนินการตามมาตรการ ·
ผลลัพธ์หรือความสำเร็จของการดำเนินการ. Each cell is a numbered list (๑. … ๒. …) as in that
report; the two last cells are sentences built here from :class:`ItaFigures` only.
"""

from __future__ import annotations

from dataclasses import dataclass

from fieldsvc.reports.ita.figures import ItaFigures
from fieldsvc.reports.thai import format_baht, format_number
from fieldsvc.thai import digits, fiscal_year_span, format_be_date

#: The six column headings, in the report's order and spelling.
HEADINGS = (
    "มาตรการ/แนวทาง",
    "วิธีดำเนินการ",
    "ผู้รับผิดชอบ",
    "ระยะเวลาดำเนินการ",
    "สรุปผลการดำเนินการตามมาตรการ",
    "ผลลัพธ์หรือความสำเร็จของการดำเนินการ",
)


@dataclass(frozen=True)
class ItaMeasure:
    """What the office wrote when it set the measure (the same every year)."""

    number: int
    title: str
    method: tuple[str, ...]
    responsible: str


#: Measure 8 as the office set it (2566 report), with the ways the system now carries it out.
MEASURE_8 = ItaMeasure(
    number=8,
    title="ระบบบริการเชิงรุก เช่น ตรวจสอบถังขยะ ไฟฟ้า ให้อยู่ในสภาพที่สามารถใช้งานได้",
    method=(
        "จัดทำระบบชุดบริการเคลื่อนที่ตรวจสอบการให้บริการแก่ประชาชน",
        "ขอความร่วมมือกำนัน ผู้ใหญ่บ้าน ตรวจสอบสภาพถังขยะตามรอบที่กำหนดด้วยแบบสำรวจบนโทรศัพท์",
        "เปิดใบสั่งงานซ่อม เปลี่ยน หรือเก็บขนเพิ่ม เมื่อพบถังชำรุด สูญหาย หรือขยะล้น และตรวจซ้ำเพื่อยืนยันผล",
        "จัดหาและติดตั้งถังขยะตามแผนการจัดสรรถังขยะ",
    ),
    responsible="กองสาธารณสุข",
)


@dataclass(frozen=True)
class ItaRow:
    """The six cells of the measure's row; list cells are items without their numbers."""

    measure: str
    method: tuple[str, ...]
    responsible: str
    period: str
    summary: tuple[str, ...]
    result: tuple[str, ...]
    thai_digits: bool

    def numbered(self, items: tuple[str, ...]) -> list[str]:
        """``items`` as the report writes them: ``๑. …``, ``๒. …``."""
        return [f"{digits(i, self.thai_digits)}. {text}" for i, text in enumerate(items, 1)]

    def cells(self) -> list[list[str]]:
        """The six cells in :data:`HEADINGS` order, each a list of lines."""
        return [
            [self.measure],
            self.numbered(self.method),
            [self.responsible],
            [self.period],
            self.numbered(self.summary),
            self.numbered(self.result),
        ]


def _pct(value: float | None, thai: bool) -> str:
    """``ร้อยละ 87.5`` (one decimal), or ``—`` when unknown."""
    if value is None:
        return "—"
    return "ร้อยละ " + format_number(100 * value, 1, thai=thai)


def _summary(f: ItaFigures, thai: bool) -> list[str]:
    n = lambda v: format_number(v, thai=thai)  # noqa: E731 - a local shorthand
    items = [
        f"ตรวจสอบสภาพถังขยะ {n(f.inspections_done)} ครั้ง จากที่ครบกำหนดตรวจ "
        f"{n(f.inspections_due)} ครั้ง ({_pct(f.inspections_share, thai)})"
        + (
            f" ตรวจทันตามกำหนด {n(f.inspections_on_time)} ครั้ง"
            if f.inspections_on_time is not None
            else ""
        )
    ]
    if f.work_orders_opened == 0:
        items.append("ไม่พบถังขยะชำรุด สูญหาย หรือขยะล้น ที่ต้องเปิดใบสั่งงาน")
    else:
        text = (
            f"พบถังขยะชำรุด สูญหาย หรือขยะล้น เปิดใบสั่งงานซ่อม เปลี่ยน หรือเก็บขนเพิ่ม "
            f"{n(f.work_orders_opened)} รายการ ดำเนินการแล้วเสร็จ {n(f.work_orders_closed)} รายการ "
            f"({_pct(f.closed_share, thai)})"
        )
        if f.work_orders_median_days_to_close is not None:
            days = format_number(f.work_orders_median_days_to_close, 1, thai=thai)
            text += f" ใช้เวลาดำเนินการ (ค่ามัธยฐาน) {days} วัน"
        if f.work_orders_verified is not None:
            text += f" ตรวจซ้ำยืนยันว่าใช้งานได้แล้ว {n(f.work_orders_verified)} รายการ"
        items.append(text)
    if f.bins_planned == 0:
        items.append("ไม่มีรายการจัดสรรถังขยะตามแผนในปีงบประมาณนี้")
    else:
        text = (
            f"ติดตั้งถังขยะตามแผนการจัดสรรแล้ว {n(f.bins_installed)} ใบ จากแผน "
            f"{n(f.bins_planned)} ใบ ({_pct(f.installed_share, thai)})"
        )
        if f.spent_baht is not None:
            text += f" ใช้งบประมาณ {format_baht(f.spent_baht, thai_digits=thai)} บาท"
            if f.budget_baht is not None:
                text += f" จากวงเงิน {format_baht(f.budget_baht, thai_digits=thai)} บาท"
        items.append(text)
    return items


def _change(before: float | None, after: float | None) -> str:
    if before is None or after is None or round(before, 3) == round(after, 3):
        return "เท่าเดิม"
    return "เพิ่มขึ้น" if after > before else "ลดลง"


def _result(f: ItaFigures, thai: bool) -> list[str]:
    n = lambda v: format_number(v, thai=thai)  # noqa: E731 - a local shorthand
    start = format_be_date(f.start, thai)
    end = format_be_date(f.as_of_end, thai)
    usable = (
        f"ถังขยะในทะเบียนอยู่ในสภาพใช้งานได้ {_pct(f.usable_share_start, thai)} "
        f"({n(f.bins_usable_start)} จาก {n(f.bins_registered_start)} ใบ) ณ วันที่ {start} "
        f"{_change(f.usable_share_start, f.usable_share_end)}เป็น "
        f"{_pct(f.usable_share_end, thai)} ({n(f.bins_usable_end)} จาก "
        f"{n(f.bins_registered_end)} ใบ) ณ วันที่ {end}"
    )
    if _change(f.usable_share_start, f.usable_share_end) == "เท่าเดิม":
        usable = (
            f"ถังขยะในทะเบียนอยู่ในสภาพใช้งานได้ {_pct(f.usable_share_end, thai)} "
            f"ทั้ง ณ วันที่ {start} และ ณ วันที่ {end} "
            f"({n(f.bins_usable_end)} จาก {n(f.bins_registered_end)} ใบ)"
        )
    radius = format_number(f.radius_m, thai=thai)
    change = _change(f.covered_share_start, f.covered_share_end)
    reach = (
        f"ครัวเรือนที่อยู่ในระยะ {radius} เมตร จากถังขยะที่ใช้งานได้ "
        f"{n(f.households_covered_start)} จาก {n(f.households_located_start)} ครัวเรือน "
        f"({_pct(f.covered_share_start, thai)}) ณ ต้นปีงบประมาณ "
        f"{'คงเดิม' if change == 'เท่าเดิม' else change + 'เป็น'} "
        f"{n(f.households_covered_end)} จาก {n(f.households_located_end)} ครัวเรือน "
        f"({_pct(f.covered_share_end, thai)}) "
        + (f"ณ วันที่ {end}" if f.reported_until else "ณ สิ้นปีงบประมาณ")
    )
    whole = float(100 * f.threshold_share).is_integer()  # a set threshold: 80, not 80.0
    threshold = "ร้อยละ " + format_number(100 * f.threshold_share, 0 if whole else 1, thai=thai)
    if f.villages_below_threshold:
        names = " ".join(digits(v, thai) for v in f.villages_below_threshold)
        count = n(len(f.villages_below_threshold))
        villages = (
            f"หมู่บ้านที่ครัวเรือนอยู่ในระยะยังต่ำกว่าเกณฑ์ {threshold} จำนวน {count} หมู่บ้าน "
            f"ได้แก่ {names} จะจัดสรรถังขยะเพิ่มเติมใน"
            f"ปีงบประมาณ พ.ศ. {digits(f.fiscal_year_be + 1, thai)}"
        )
    else:
        villages = (
            f"ทุกหมู่บ้านมีครัวเรือนอยู่ในระยะไม่ต่ำกว่าเกณฑ์ {threshold} สามารถจัดสรรถังขยะ"
            "เพียงพอต่อผู้ใช้บริการครบถ้วน และครอบคลุมทั่วพื้นที่"
        )
    return [usable, reach, villages]


def _period(f: ItaFigures, thai: bool) -> str:
    """The year's span; a year not over yet adds the day its figures run to."""
    span = fiscal_year_span(f.fiscal_year_be, thai)
    if f.reported_until is None:
        return span
    return f"{span} (ข้อมูลถึงวันที่ {format_be_date(f.reported_until, thai)} ปีงบประมาณยังไม่สิ้นสุด)"


def ita_row(figures: ItaFigures, measure: ItaMeasure = MEASURE_8, *, thai_digits: bool) -> ItaRow:
    """The measure's row filled with the year's figures.

    ``thai_digits`` prints every number with Thai digits (๐–๙), as official documents do;
    dates are Buddhist era either way.
    """
    thai = thai_digits
    return ItaRow(
        measure=f"{digits(measure.number, thai)}. {measure.title}",
        method=measure.method,
        responsible=measure.responsible,
        period=_period(figures, thai),
        summary=tuple(_summary(figures, thai)),
        result=tuple(_result(figures, thai)),
        thai_digits=thai,
    )
