"""Errors of moving one subdistrict between installs (``fieldsvc subdistrict export`` /
``import``)."""

from __future__ import annotations

from fieldsvc.problems.model import entry

PROBLEMS = [
    entry(
        "transfer_damaged",
        "error",
        "ไฟล์ย้ายข้อมูลตำบล {archive} ใช้ไม่ได้ จึงไม่นำเข้า (ไม่มีการเปลี่ยนแปลง): {why_th}",
        "the subdistrict file {archive} cannot be used and nothing was imported: {why_en}",
        params="archive why_th why_en",
        code="invalid_input",
        status=422,
    ),
    entry(
        "transfer_subdistrict_unknown",
        "error",
        "ไม่พบตำบลรหัส {code} ในระบบนี้",
        "there is no subdistrict with code {code} in this install",
        params="code",
        code="not_found",
    ),
    entry(
        "transfer_subdistrict_exists",
        "error",
        "ระบบนี้มีตำบลรหัส {code} อยู่แล้ว จึงไม่นำเข้าซ้ำ (ไม่มีการเปลี่ยนแปลง)",
        "this install already holds subdistrict {code}; nothing was imported",
        params="code",
        code="conflict",
    ),
    entry(
        "transfer_row_conflict",
        "error",
        "ข้อมูลในตาราง {table} ซ้ำกับข้อมูลที่มีอยู่แล้วในระบบนี้ จึงไม่นำเข้า (ไม่มีการเปลี่ยนแปลง): {reason}",
        "a row of table {table} clashes with data already in this install; nothing was "
        "imported: {reason}",
        params="table reason",
        code="conflict",
    ),
]
