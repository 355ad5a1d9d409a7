"""Open311 GeoReport v2 (partner apps): keys, codes, dates and formats a request names wrong.

Each error names the Open311 field at fault; the Open311 routes answer it in the spec's error
shape (``[{"code": 400, "description": …}]`` / ``<errors><error>…``).
"""

from __future__ import annotations

from fieldsvc.problems.model import entry

PROBLEMS = [
    entry(
        "open311_key_invalid",
        "error",
        "ต้องมี api_key ที่ อบต. ออกให้ จึงจะส่งเรื่องได้ (ไม่มี api_key หรือใช้ไม่ได้แล้ว)",
        "A valid api_key issued by the office is required to send a request "
        "(none was given, or it is unknown or revoked)",
        code="forbidden",
    ),
    entry(
        "open311_rate_key",
        "error",
        "คีย์ {partner} ส่งเรื่องครบ {limit} เรื่องในหนึ่งชั่วโมงแล้ว ส่งต่อได้หลังจากนี้",
        "The key {partner} has sent {limit} requests in the last hour; send again later",
        params="partner limit",
        code="too_many_requests",
    ),
    entry(
        "open311_body_too_large",
        "error",
        "ข้อมูลที่ส่งใหญ่เกินไป หรือไม่ได้บอกขนาด (ต้องมี Content-Length ไม่เกิน {max_bytes} ไบต์)",
        "The body is too large or of unknown size (a Content-Length of at most {max_bytes} "
        "bytes is required)",
        params="max_bytes",
        code="payload_too_large",
    ),
    entry(
        "open311_form_too_many",
        "error",
        "ส่งได้ไม่เกิน {max_fields} ช่องและไม่แนบไฟล์ (รูปส่งเป็น media_url)",
        "At most {max_fields} fields and no files may be sent (a photo goes as media_url)",
        params="max_fields",
        code="invalid_input",
    ),
    entry(
        "open311_key_name_taken",
        "error",
        "มีคีย์ของ {name} อยู่แล้ว ใช้ชื่ออื่น หรือยกเลิกคีย์เดิมก่อน",
        "There is already a key named {name}; choose another name or revoke the old key first",
        params="name",
        code="conflict",
    ),
    entry(
        "open311_outside_jurisdiction",
        "error",
        "จุดที่แจ้ง ({name}) อยู่นอกตำบลที่คีย์นี้หรือ jurisdiction_id นี้ส่งเรื่องได้",
        "The place sent ({name}) is outside the subdistrict this key or jurisdiction_id "
        "may send requests for",
        params="name",
        code="invalid_input",
    ),
    entry(
        "open311_key_unknown",
        "error",
        "ไม่พบคีย์ชื่อ {name}",
        "There is no key named {name}",
        params="name",
        code="not_found",
    ),
    entry(
        "open311_service_unknown",
        "error",
        "ไม่มีบริการรหัส {value} ใช้รหัสใดรหัสหนึ่ง: {expected}",
        "service_code {value} was not found; use one of: {expected}",
        params="value expected",
        code="not_found",
    ),
    entry(
        "open311_jurisdiction_unknown",
        "error",
        "jurisdiction_id {value} ไม่ใช่พื้นที่นี้ ใช้รหัสตำบล {expected}",
        "jurisdiction_id {value} was not found; this endpoint serves {expected}",
        params="value expected",
        code="not_found",
    ),
    entry(
        "open311_field_missing",
        "error",
        "ต้องระบุ {name}",
        "{name} was not provided",
        params="name",
        code="invalid_input",
    ),
    entry(
        "open311_location_missing",
        "error",
        "ต้องระบุตำแหน่งเป็น lat และ long (ระบบไม่แปลงที่อยู่เป็นพิกัด)",
        "lat and long are required (addresses are not geocoded here)",
        code="invalid_input",
    ),
    entry(
        "open311_number_invalid",
        "error",
        "{name} ต้องเป็นตัวเลขระหว่าง {low} ถึง {high} (ได้ {value})",
        "{name} must be a number from {low} to {high} (got {value})",
        params="name value low high",
        code="invalid_input",
    ),
    entry(
        "open311_date_invalid",
        "error",
        "{name} ต้องเป็นวันเวลาแบบ W3C พร้อมเขตเวลา เช่น 2026-11-05T08:15:30+07:00 (ได้ {value})",
        "{name} must be a W3C datetime with its time zone, e.g. 2026-11-05T08:15:30+07:00 "
        "(got {value})",
        params="name value",
        code="invalid_input",
    ),
    entry(
        "open311_date_order",
        "error",
        "end_date ต้องไม่ก่อน start_date",
        "end_date must not be before start_date",
        code="invalid_input",
    ),
    entry(
        "open311_status_unknown",
        "error",
        "status ต้องเป็น open หรือ closed (ได้ {value})",
        "status must be open or closed (got {value})",
        params="value",
        code="invalid_input",
    ),
    entry(
        "open311_format_unknown",
        "error",
        "ไม่มีรูปแบบ {value} ใช้ .json หรือ .xml",
        "There is no {value} format; use .json or .xml",
        params="value",
        code="not_found",
    ),
    entry(
        "open311_request_unknown",
        "error",
        "ไม่พบเรื่องเลขที่ {value}",
        "service_request_id {value} was not found",
        params="value",
        code="not_found",
    ),
]
