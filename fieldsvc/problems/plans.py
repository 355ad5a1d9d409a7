"""Errors of allocation planning: what a plan needs before it can be made or found."""

from __future__ import annotations

from fieldsvc.problems.model import entry

PROBLEMS = [
    entry(
        "no_villages_yet",
        "error",
        "ยังไม่มีข้อมูลหมู่บ้าน: โปรดนำเข้าขอบเขตหรือจำนวนครัวเรือนก่อน",
        "There are no villages yet: import village boundaries or counts first",
        code="invalid_input",
    ),
    entry(
        "budget_or_bins_missing",
        "error",
        "โปรดระบุงบประมาณ (บาท) หรือจำนวนถังที่จัดหาได้",
        "Give a budget in baht or a number of bins",
        code="invalid_input",
    ),
    entry(
        "plan_not_found",
        "error",
        "ไม่พบแผนจัดสรรหมายเลข {plan_id}",
        "No allocation plan {plan_id}",
        params="plan_id",
        code="not_found",
    ),
    # The command line says how to make or publish the plan it looked for.
    entry(
        "no_plan_published_yet",
        "error",
        "ยังไม่มีแผนที่ประกาศแล้ว: ประกาศด้วยคำสั่ง fieldsvc plans --publish ID",
        "No plan has been published yet: publish one with `fieldsvc plans --publish ID`",
        code="not_found",
    ),
    entry(
        "no_plans_yet",
        "error",
        "ยังไม่มีแผนจัดสรร: สร้างด้วยคำสั่ง fieldsvc allocate --budget-baht …",
        "There are no allocation plans yet: make one with `fieldsvc allocate`",
        code="not_found",
    ),
]
