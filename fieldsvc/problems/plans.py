"""Errors of allocation planning: what a plan needs before it can be made or found, and how
the items of a published plan may move (approved → ordered → delivered → installed)."""

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
    # --- following a published plan's items -----------------------------------------------
    entry(
        "plan_item_not_found",
        "error",
        "ไม่พบรายการที่ {item_id} ในแผนจัดสรรหมายเลข {plan_id} (รายการมีเฉพาะแผนที่ประกาศแล้ว)",
        "Allocation plan {plan_id} has no item {item_id} (only published plans have items)",
        params="plan_id item_id",
        code="not_found",
    ),
    entry(
        "plan_item_stage_out_of_order",
        "error",
        "รายการนี้อยู่ในขั้น {current_th} ขั้นถัดไปคือ {expected_th} เท่านั้น (ได้รับ {got_th}) "
        "ลำดับคือ อนุมัติ → สั่งซื้อ → ตรวจรับ → ติดตั้ง",
        "The item is {current}; the only next stage is {expected} (got {got}). "
        "Items move approved → ordered → delivered → installed",
        params="current current_th expected expected_th got got_th",
        code="conflict",
    ),
    entry(
        "plan_item_installed_by_bins",
        "error",
        "ขั้นติดตั้งบันทึกได้โดยยืนยันถังที่สำรวจพบเท่านั้น ({confirmed}/{count} ถัง)",
        "An item is installed only by confirming surveyed bins ({confirmed} of {count} so far)",
        params="confirmed count",
        code="conflict",
    ),
    entry(
        "plan_item_not_delivered",
        "error",
        "ยืนยันถังที่ติดตั้งได้เมื่อรายการตรวจรับแล้วเท่านั้น (ขั้นปัจจุบัน: {current_th})",
        "Bins can be confirmed once the item is delivered (it is {current})",
        params="current current_th",
        code="conflict",
    ),
    entry(
        "plan_item_complete",
        "error",
        "รายการนี้ยืนยันถังครบ {count} ถังแล้ว",
        "All {count} bins of this item are already confirmed",
        params="count",
        code="conflict",
    ),
    entry(
        "plan_item_bin_not_a_match",
        "error",
        "ถัง {bin_code} ไม่ตรงกับรายการนี้: ต้องเป็นถังใหม่ที่ลงทะเบียนหลังอนุมัติแผน "
        "ประเภท {stream_th} ขนาด {capacity_l} ลิตร ห่างจากจุดที่วางแผนไม่เกิน {tolerance_m} เมตร "
        "และยังไม่ถูกนับในรายการอื่น",
        "Bin {bin_code} does not match this item: it must be a bin registered after the plan "
        "was approved, of stream {stream} and size {capacity_l} L, within {tolerance_m} m of the "
        "planned site, and not counted for another item",
        params="bin_code stream stream_th capacity_l tolerance_m",
        code="conflict",
    ),
    entry(
        "plan_item_bin_taken",
        "error",
        "ถัง {bin_code} ถูกยืนยันให้รายการอื่นไปแล้ว",
        "Bin {bin_code} is already confirmed for another item",
        params="bin_code",
        code="conflict",
    ),
    entry(
        "plan_item_bad_price",
        "error",
        "ราคาที่จ่ายจริงต้องเป็นจำนวนบาทตั้งแต่ 0 ขึ้นไป (ได้รับ {value})",
        "The price paid must be a number of baht, 0 or more (got {value})",
        params="value",
        code="invalid_input",
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
        "national_all_with_subdistrict",
        "error",
        "{command} --all (ทุกตำบล) ใช้ร่วมกับ --subdistrict {code} ไม่ได้: เลือกอย่างใดอย่างหนึ่ง",
        "{command} --all (every subdistrict) cannot be combined with --subdistrict {code}: "
        "use one or the other",
        params="command code",
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
