"""Errors of inspection rounds: a policy override staff cannot set."""

from __future__ import annotations

from fieldsvc.problems.model import entry

PROBLEMS = [
    entry(
        "rounds_village_not_found",
        "error",
        "ไม่พบหมู่ที่ {number} ในทะเบียน",
        "No village number {number} in the register",
        params="number",
        code="invalid_input",
    ),
    entry(
        "rounds_stream_unknown",
        "error",
        "ไม่รู้จักประเภทขยะ {value} (ใช้ general, organic, recyclable หรือ hazardous)",
        "Unknown stream {value} (use general, organic, recyclable or hazardous)",
        params="value",
        code="invalid_input",
    ),
    entry(
        "rounds_days_out_of_range",
        "error",
        "จำนวนวัน {value} ต้องอยู่ระหว่าง {low} ถึง 366",
        "{value} days must be between {low} and 366",
        params="value low",
        code="invalid_input",
    ),
]
