"""Reports from residents: what a report must say, and where it may be."""

from __future__ import annotations

from fieldsvc.problems.model import entry

PROBLEMS = [
    entry(
        "citizen_kind_unknown",
        "error",
        "เลือกเรื่องที่จะแจ้งจากรายการ (ได้ {value})",
        "Choose what is wrong from the list: {expected} (got {value})",
        params="value expected",
        code="invalid_input",
    ),
    entry(
        "citizen_outside_area",
        "error",
        "จุดที่แจ้งอยู่นอกพื้นที่ที่ อบต. ดูแล ตรวจตำแหน่งบนแผนที่แล้วส่งอีกครั้ง",
        "The place reported is outside the area this office serves; check the point on the map "
        "and send again",
        code="invalid_input",
    ),
    entry(
        "citizen_text_too_long",
        "error",
        "ข้อความยาวเกินไป เขียนให้สั้นลง (ไม่เกิน {max_chars} ตัวอักษร)",
        "The text is too long; keep it under {max_chars} characters",
        params="max_chars",
        code="invalid_input",
    ),
    entry(
        "citizen_report_unknown",
        "error",
        "ไม่พบเรื่องเลขที่ {ticket} ตรวจเลขที่เรื่องอีกครั้ง",
        "There is no report number {ticket}; check the number",
        params="ticket",
        code="not_found",
    ),
    entry(
        "citizen_rate_address",
        "error",
        "มีการแจ้งจากเครือข่ายนี้ครบ {limit} เรื่องใน 24 ชั่วโมงแล้ว ลองใหม่พรุ่งนี้ หรือโทรแจ้ง อบต.",
        "This network has sent {limit} reports in 24 hours; try again tomorrow or phone the office",
        params="limit",
        code="too_many_requests",
    ),
    entry(
        "citizen_rate_device",
        "error",
        "เครื่องนี้แจ้งครบ {limit} เรื่องใน 24 ชั่วโมงแล้ว ลองใหม่พรุ่งนี้ หรือโทรแจ้ง อบต.",
        "This phone has sent {limit} reports in 24 hours; try again tomorrow or phone the office",
        params="limit",
        code="too_many_requests",
    ),
    entry(
        "citizen_join_closed",
        "error",
        "เรื่องเลขที่ {ticket} ปิดแล้วหรือไม่ใช่เรื่องเดียวกัน ส่งเป็นเรื่องใหม่ได้",
        "Report {ticket} is closed or about something else; send yours as a new report",
        params="ticket",
        code="invalid_input",
    ),
    entry(
        "citizen_moderation_unknown",
        "error",
        "เลือกการตรวจเรื่อง: {expected} (ได้ {value})",
        "Choose the moderation action: {expected} (got {value})",
        params="value expected",
        code="invalid_input",
    ),
    entry(
        "citizen_request_too_large",
        "error",
        "ข้อมูลที่ส่งใหญ่เกินไป (เกิน {max_bytes} ไบต์) ลองถ่ายรูปใหม่หรือตัดข้อความให้สั้นลง",
        "What was sent is too large (over {max_bytes} bytes); take the photo again or shorten "
        "the text",
        params="max_bytes",
        code="payload_too_large",
    ),
    entry(
        "citizen_not_a_number",
        "error",
        "ค่าของ {name} ต้องเป็นตัวเลข (ได้ {value})",
        "{name} must be a number (got {value})",
        params="name value",
        code="invalid_input",
    ),
    # --- staff triage ---
    entry(
        "citizen_triage_staff_only",
        "error",
        "การคัดแยกเรื่องที่ประชาชนแจ้งทำได้เฉพาะเจ้าหน้าที่กองสาธารณสุขและผู้ดูแลระบบ",
        "Only health staff and admins triage residents' reports",
        code="forbidden",
    ),
    entry(
        "citizen_triage_action_unknown",
        "error",
        "เลือกการดำเนินการ: {expected} (ได้ {value})",
        "Choose the action: {expected} (got {value})",
        params="value expected",
        code="invalid_input",
    ),
    entry(
        "citizen_status_move",
        "error",
        "เปลี่ยนสถานะเรื่องเลขที่ {ticket} จาก {current} เป็น {wanted} ไม่ได้ (ได้: {allowed})",
        "Report {ticket} cannot move from {current} to {wanted} (allowed: {allowed})",
        params="ticket current wanted allowed",
        code="conflict",
    ),
    entry(
        "citizen_merge_invalid",
        "error",
        "รวมเรื่องเลขที่ {ticket} เข้ากับเรื่องเลขที่ {original} ไม่ได้: ต้องเป็นเรื่องอื่นที่ยังไม่ถูกรวมกับเรื่องใด",
        "Report {ticket} cannot be merged into {original}: it must be another report that is "
        "not itself merged",
        params="ticket original",
        code="conflict",
    ),
    entry(
        "citizen_merged_closed",
        "error",
        "เรื่องเลขที่ {ticket} ถูกรวมกับเรื่องเลขที่ {original} แล้ว ให้ดำเนินการที่เรื่องเดิม",
        "Report {ticket} is merged into {original}; act on that report",
        params="ticket original",
        code="conflict",
    ),
    entry(
        "citizen_not_linked",
        "error",
        "เรื่องเลขที่ {ticket} ยังไม่ได้เชื่อมกับถังใด",
        "Report {ticket} is not linked to a bin",
        params="ticket",
        code="conflict",
    ),
    entry(
        "citizen_reply_empty",
        "error",
        "พิมพ์คำตอบที่จะแสดงต่อผู้แจ้งและสาธารณะ",
        "Write the reply residents and the public will read",
        code="invalid_input",
    ),
    entry(
        "citizen_photo_none",
        "error",
        "เรื่องเลขที่ {ticket} ไม่มีรูปถ่าย",
        "Report {ticket} has no photo",
        params="ticket",
        code="not_found",
    ),
]
