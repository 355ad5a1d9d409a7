"""Work orders for the service unit: finding, assigning and marking them done."""

from __future__ import annotations

from fieldsvc.problems.model import entry

PROBLEMS = [
    entry(
        "work_order_unknown",
        "error",
        "ไม่พบใบงานเลขที่ {order_id}",
        "There is no work order number {order_id}",
        params="order_id",
        code="not_found",
    ),
    entry(
        "work_order_closed",
        "error",
        "ใบงานเลขที่ {order_id} ปิดแล้ว ({status}) แก้ไขไม่ได้อีก",
        "Work order {order_id} is closed ({status}); it cannot be changed",
        params="order_id status",
        code="conflict",
    ),
    entry(
        "work_order_assignee_invalid",
        "error",
        "มอบงานได้เฉพาะเจ้าหน้าที่กองสาธารณสุขที่ยังใช้งานอยู่ (ได้ {value})",
        "Orders can be assigned only to active health-division staff (got {value})",
        params="value",
        code="invalid_input",
    ),
    entry(
        "work_order_unit_only",
        "error",
        "เฉพาะเจ้าหน้าที่หน่วยบริการเคลื่อนที่และผู้ดูแลระบบเท่านั้นที่มอบงานหรือปิดงานได้",
        "Only the mobile service unit and administrators can assign or finish work orders",
        code="forbidden",
    ),
    entry(
        "work_order_mark_invalid",
        "error",
        "รหัสการบันทึกงานเสร็จไม่ถูกต้อง (ได้ {value})",
        "The done mark's id is not valid (got {value})",
        params="value",
        code="invalid_input",
    ),
    entry(
        "work_order_range_invalid",
        "error",
        "ช่วงวันที่ไม่ถูกต้อง: วันเริ่มต้องมาก่อนวันสิ้นสุด",
        "The date range is not valid: the start must come before the end",
        code="invalid_input",
    ),
]
