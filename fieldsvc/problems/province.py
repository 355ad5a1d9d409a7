"""Errors of the provincial overview: a province code or a sort column it does not know, a
national table asked for without a province."""

from __future__ import annotations

from fieldsvc.problems.model import entry

PROBLEMS = [
    entry(
        "province_code_invalid",
        "error",
        "รหัสจังหวัด {value} ไม่ถูกต้อง (ต้องเป็นตัวเลข 2 หลักตามรหัสกรมการปกครอง เช่น 34)",
        "Province code {value} is not valid (two digits of the DOPA code, e.g. 34)",
        params="value",
        code="invalid_input",
    ),
    entry(
        "province_required",
        "error",
        "มีตำบล {count} แห่งใน {provinces} จังหวัด: ระบุรหัสจังหวัด (เช่น province={example})",
        "{count} subdistricts in {provinces} provinces: give a province code "
        "(e.g. province={example})",
        params="count provinces example",
        code="invalid_input",
    ),
    entry(
        "province_sort_unknown",
        "error",
        "เรียงตามคอลัมน์ {value} ไม่ได้ (ใช้ {allowed})",
        "Cannot sort by {value} (use {allowed})",
        params="value allowed",
        code="invalid_input",
    ),
]
