"""Coverage through time and the year's ITA report: the days and fiscal years they can be asked
for."""

from __future__ import annotations

from fieldsvc.problems.model import entry

PROBLEMS = [
    entry(
        "fiscal_year_out_of_range",
        "error",
        "ปีงบประมาณต้องเป็นปี พ.ศ. ระหว่าง {low} ถึง {high} (ได้ {value})",
        "The fiscal year must be a Buddhist-era year from {low} to {high} (got {value})",
        params="value low high",
        code="invalid_input",
    ),
    entry(
        "as_of_before_history",
        "error",
        "วันที่ต้องไม่ก่อนปี พ.ศ. {low} (ได้ {value})",
        "The date must not be before the year {low} B.E. (got {value})",
        params="value low",
        code="invalid_input",
    ),
    entry(
        "ita_year_not_begun",
        "error",
        "ปีงบประมาณ {value} ยังไม่เริ่ม จึงยังไม่มีผลการดำเนินการให้รายงาน",
        "Fiscal year {value} has not begun: there is nothing to report yet",
        params="value",
        code="invalid_input",
    ),
]
