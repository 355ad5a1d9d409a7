"""QR sticker sheets: who may print them and reserve fresh codes, and what a request may ask."""

from __future__ import annotations

from fieldsvc.problems.model import entry

PROBLEMS = [
    entry(
        "labels_staff_only",
        "error",
        "พิมพ์ป้าย QR และจองรหัสใหม่ได้เฉพาะเจ้าหน้าที่กองสาธารณสุข ติดต่อกองสาธารณสุขเพื่อขอป้าย",
        "Only health-division staff print QR stickers and reserve new codes; ask the office "
        "for stickers",
        code="forbidden",
    ),
    entry(
        "labels_village_unknown",
        "error",
        "ไม่พบหมู่ที่ {village} ในทะเบียน เลือกหมู่บ้านจากรายการ",
        "There is no village number {village} in the register; choose one from the list",
        params="village",
        code="not_found",
    ),
    entry(
        "labels_count_out_of_range",
        "error",
        "จำนวนรหัสใหม่ต้องอยู่ระหว่าง 1 ถึง {max_count} (ได้ {value})",
        "The number of new codes must be 1 to {max_count} (got {value})",
        params="value max_count",
        code="invalid_input",
    ),
    entry(
        "labels_codes_used_up",
        "error",
        "หมู่ที่ {village} เหลือรหัสว่างอีก {left} รหัส ขอได้ไม่เกินจำนวนนี้",
        "Village {village} has only {left} codes left; ask for at most that many",
        params="village left",
        code="conflict",
    ),
    entry(
        "labels_none_to_print",
        "error",
        "หมู่ที่ {village} ยังไม่มี{what}ให้พิมพ์",
        "Village {village} has no {what_en} to print yet",
        params="village what what_en",
        code="not_found",
    ),
]
