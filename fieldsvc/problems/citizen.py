"""Reports from residents: what a report must say, and where it may be."""

from __future__ import annotations

from fieldsvc.problems.model import entry

PROBLEMS = [
    entry(
        "citizen_kind_unknown",
        "error",
        "เลือกเรื่องที่จะแจ้งจากรายการ (ได้ {value})",
        "Choose what is wrong from the list: {expected} (got {value})",
        params="value expected",
        code="invalid_input",
    ),
    entry(
        "citizen_outside_area",
        "error",
        "จุดที่แจ้งอยู่นอกพื้นที่ที่ อบต. ดูแล ตรวจตำแหน่งบนแผนที่แล้วส่งอีกครั้ง",
        "The place reported is outside the area this office serves; check the point on the map "
        "and send again",
        code="invalid_input",
    ),
    entry(
        "citizen_text_too_long",
        "error",
        "ข้อความยาวเกินไป เขียนให้สั้นลง (ไม่เกิน {max_chars} ตัวอักษร)",
        "The text is too long; keep it under {max_chars} characters",
        params="max_chars",
        code="invalid_input",
    ),
    entry(
        "citizen_report_unknown",
        "error",
        "ไม่พบเรื่องเลขที่ {ticket} ตรวจเลขที่เรื่องอีกครั้ง",
        "There is no report number {ticket}; check the number",
        params="ticket",
        code="not_found",
    ),
]
