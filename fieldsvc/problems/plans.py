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
    # --- the national picture (``coverage --all``, ``allocate --all``) ---
    entry(
        "national_budget_negative",
        "error",
        "งบประมาณต่อตำบลต้องไม่ติดลบ",
        "The budget per subdistrict must not be negative",
        code="invalid_input",
    ),
    entry(
        "national_budget_needs_all",
        "error",
        "--budget-baht-per-subdistrict ใช้กับ --all เท่านั้น",
        "--budget-baht-per-subdistrict goes with --all (every subdistrict)",
        code="invalid_input",
    ),
    entry(
        "national_all_needs_budget",
        "error",
        "allocate --all ต้องระบุ --budget-baht-per-subdistrict",
        "allocate --all needs --budget-baht-per-subdistrict",
        code="invalid_input",
    ),
    entry(
        "national_memory_database",
        "error",
        "การวิเคราะห์ทุกตำบลต้องใช้ฐานข้อมูลแบบไฟล์หรือเซิร์ฟเวอร์ที่ผู้ประมวลผลทุกตัวเปิดได้",
        "Analysing every subdistrict needs a database file or server every worker can open, "
        "not an in-memory database",
        code="invalid_input",
    ),
    entry(
        "national_no_subdistricts",
        "error",
        "ยังไม่มีตำบลในฐานข้อมูล",
        "There are no subdistricts in the database yet",
        code="invalid_input",
    ),
    entry(
        "national_scheduler_unreachable",
        "error",
        "ติดต่อตัวจัดงาน Dask ที่ {address} ไม่ได้",
        "Cannot reach the Dask scheduler at {address}",
        params="address",
        code="invalid_input",
    ),
    entry(
        "national_run_not_found",
        "error",
        "ไม่พบการวิเคราะห์ทุกตำบลครั้งที่ {run_id}",
        "No national run {run_id}",
        params="run_id",
        code="not_found",
    ),
]
