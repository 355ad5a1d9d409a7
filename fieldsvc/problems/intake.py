"""Errors of a phone submission as it arrives: its envelope (XML, multipart) and its photos."""

from __future__ import annotations

from fieldsvc.problems.model import entry

_PHOTO_TYPES_TH = "ต้องเป็นภาพถ่าย JPEG, PNG หรือ WebP"
_PHOTO_TYPES_EN = "expected a JPEG, PNG or WebP photo"

PROBLEMS = [
    # --- the submission ---
    entry(
        "malformed_submission",
        "error",
        "ข้อมูลที่ส่งมาอ่านไม่ได้",
        "The submission cannot be read",
        status=400,
    ),
    entry(
        "submission_not_utf8",
        "error",
        "ไฟล์ข้อมูลที่ส่งมาไม่ใช่ข้อความ UTF-8",
        "The submission is not UTF-8 text (byte {byte})",
        params="byte",
        code="malformed_submission",
    ),
    entry(
        "submission_has_dtd",
        "error",
        "ไฟล์ XML มีการประกาศ DTD หรือ entity ซึ่งไม่อนุญาตด้วยเหตุผลด้านความปลอดภัย",
        "The submission XML contains a DTD or entity declaration, which is refused "
        "for safety ({kind})",
        params="kind",
        code="malformed_submission",
    ),
    entry(
        "submission_not_xml",
        "error",
        "ไฟล์ข้อมูลไม่ใช่ XML ที่ถูกต้อง: {reason}",
        "The submission is not well-formed XML: {reason}",
        params="reason",
        code="malformed_submission",
    ),
    entry(
        "form_not_served",
        "error",
        "ไม่รู้จักแบบฟอร์มรหัส {form_id!r} ต้องเป็น {forms_th}",
        "form id {form_id!r} is not served here; expected one of {forms_en}",
        params="form_id forms_th forms_en",
        code="malformed_submission",
    ),
    entry(
        "instance_id_missing",
        "error",
        "ไม่มีรหัสการส่ง meta/instanceID (uuid:…)",
        "meta/instanceID is missing; every OpenRosa submission needs one (uuid:…)",
        code="malformed_submission",
    ),
    entry(
        "instance_id_too_long",
        "error",
        "รหัส meta/instanceID ยาวเกิน 120 ตัวอักษร",
        "meta/instanceID is longer than 120 characters",
        code="malformed_submission",
    ),
    entry(
        "request_too_large",
        "error",
        "ข้อมูลที่ส่งมีขนาดเกิน {max_bytes:,} ไบต์",
        "The request is larger than {max_bytes:,} bytes",
        params="max_bytes",
        code="payload_too_large",
    ),
    entry(
        "not_multipart",
        "error",
        "รูปแบบข้อมูลที่ส่งต้องเป็น multipart/form-data",
        "Expected a multipart/form-data body, got {content_type!r}",
        params="content_type",
        code="malformed_submission",
    ),
    entry(
        "multipart_unreadable",
        "error",
        "อ่านข้อมูลแบบ multipart ที่ส่งมาไม่ได้",
        "The multipart body could not be read: {reason}",
        params="reason",
        code="malformed_submission",
    ),
    entry(
        "xml_part_missing",
        "error",
        "ไม่มีส่วน '{part}' ในข้อมูลที่ส่ง",
        "The multipart body has no '{part}' part",
        params="part",
        code="malformed_submission",
    ),
    # --- photos ---
    entry(
        "photo_not_your_survey",
        "error",
        "ส่งรูปได้เฉพาะข้อมูลสำรวจที่ท่านส่งเองเท่านั้น",
        "Only the surveyor who sent survey {key} may send its photos",
        params="key",
        code="forbidden",
    ),
    entry(
        "photo_after_review",
        "error",
        "ข้อมูลสำรวจนี้เจ้าหน้าที่ตรวจแล้ว ({state}) จึงส่งหรือเปลี่ยนรูปไม่ได้",
        "survey {key} was already reviewed by staff ({state}); its photos can no longer change",
        params="key state",
        status=409,
    ),
    entry(
        "photo_rejected",
        "error",
        "ไฟล์รูปใช้ไม่ได้ " + _PHOTO_TYPES_TH,
        "The photo cannot be used; " + _PHOTO_TYPES_EN,
        status=415,
    ),
    entry(
        "attachment_name_invalid",
        "error",
        "ชื่อไฟล์แนบ {name!r} ไม่ถูกต้อง ต้องเป็นชื่อไฟล์ธรรมดา เช่น 1764123456789.jpg",
        "attachment name {name!r} is not a plain file name; expected e.g. 1764123456789.jpg",
        params="name",
        code="invalid_input",
    ),
    entry(
        "photo_not_an_image",
        "error",
        "ไฟล์รูป {name} เป็นไม่ใช่ภาพ JPEG, PNG หรือ WebP " + _PHOTO_TYPES_TH,
        "photo {name!r} is not a JPEG, PNG or WebP image; " + _PHOTO_TYPES_EN,
        params="name",
        code="photo_rejected",
    ),
    entry(
        "photo_of_other_kind",
        "error",
        "ไฟล์รูป {name} เป็น{kind_th} ไม่ใช่ภาพถ่าย " + _PHOTO_TYPES_TH,
        "photo {name!r} is {kind_en}, not a JPEG, PNG or WebP photo; " + _PHOTO_TYPES_EN,
        params="name kind_th kind_en",
        code="photo_rejected",
    ),
    entry(
        "photo_too_large",
        "error",
        "ไฟล์รูป {name} มีขนาด {size:,} ไบต์ เกินกำหนด {max_bytes:,} ไบต์",
        "photo {name!r} is {size:,} bytes; the limit is {max_bytes:,} bytes",
        params="name size max_bytes",
        code="payload_too_large",
    ),
    entry(
        "photo_undecodable",
        "error",
        "ไฟล์รูป {name} เสียหาย เปิดไม่ได้",
        "photo {name!r} looks like {kind} but cannot be decoded ({reason})",
        params="name kind reason",
        code="photo_rejected",
    ),
    entry(
        "photo_too_many_pixels",
        "error",
        "ไฟล์รูป {name} มีจำนวนพิกเซลเกินกำหนด",
        "photo {name!r} is {width}×{height} pixels; the limit is {max_pixels:,} pixels",
        params="name width height max_pixels",
        code="photo_rejected",
    ),
]
