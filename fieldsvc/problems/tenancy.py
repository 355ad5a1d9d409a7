"""Errors of an install that serves many subdistricts: a subdistrict code nobody knows, one the
user does not work for, and a user made without saying which subdistricts they work for."""

from __future__ import annotations

from fieldsvc.problems.model import entry

PROBLEMS = [
    entry(
        "subdistrict_code_unknown",
        "error",
        "ไม่พบตำบลรหัส {value} ในระบบนี้",
        "No subdistrict with code {value} in this install",
        params="value",
        code="not_found",
    ),
    entry(
        "subdistrict_not_yours",
        "error",
        "ท่านไม่ได้รับสิทธิ์ดูแลตำบลรหัส {value} ถ้าคิดว่าผิด แจ้งผู้ดูแลระบบ",
        "You do not work for subdistrict {value}; ask the admin if this is wrong",
        params="value",
        code="forbidden",
    ),
    entry(
        "subdistrict_required",
        "error",
        "ระบบนี้ดูแลหลายตำบล ({count} ตำบล): ระบุตำบล (รหัส 6 หลัก) ด้วย",
        "This install serves {count} subdistricts: say which one (its 6-digit code)",
        params="count",
        code="invalid_input",
    ),
    entry(
        "villages_of_other_subdistrict",
        "error",
        "หมู่บ้านที่เลือกไม่ได้อยู่ในตำบลที่ผู้ใช้นี้ดูแล",
        "The villages chosen are not in the subdistricts this user works for",
        code="invalid_input",
    ),
    entry(
        "scope_of_village_head",
        "error",
        "ผู้ใหญ่บ้านดูแลตำบลของหมู่บ้านของตน: เปลี่ยนหมู่บ้านแทนการเปลี่ยนตำบล",
        "A village head works for the subdistrict of their villages: change their villages instead",
        code="invalid_input",
    ),
    entry(
        "office_name_too_long",
        "error",
        "ชื่อหน่วยงาน ({which}) ยาวเกิน {limit} ตัวอักษร",
        "The office name ({which}) is longer than {limit} characters",
        params="which limit",
        code="invalid_input",
    ),
    entry(
        "village_number_ambiguous",
        "error",
        "หมู่ที่ {number} มีในหลายตำบล ({codes}): ระบุตำบลด้วย --subdistrict รหัส 6 หลัก",
        "Village number {number} exists in several subdistricts ({codes}): say which one with "
        "--subdistrict CODE (its 6-digit code)",
        params="number codes",
        code="invalid_input",
    ),
]
