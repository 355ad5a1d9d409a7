"""Generic error codes, sign-in and access, the register, users and stored files."""

from __future__ import annotations

from typing import Final

from fieldsvc.problems.model import entry

#: The bin-code rule in words (the pattern is ``fieldsvc.ingest.values.BIN_CODE_PATTERN``).
BIN_CODE_RULE_TH: Final = (
    "ใช้ได้เฉพาะตัวอักษรไทยหรืออังกฤษ ตัวเลข และเครื่องหมาย . _ / - ขึ้นต้นด้วยตัวอักษรหรือตัวเลข "
    "ยาวไม่เกิน 40 ตัว เช่น NB-0101"
)
BIN_CODE_RULE_EN: Final = (
    "letters (Thai or Latin), digits and . _ / - only, starting with a letter or digit, "
    "at most 40 characters, e.g. NB-0101"
)

PROBLEMS = [
    # --- the generic codes (also the code of errors raised with inline messages) ---
    entry("error", "error", "เกิดข้อผิดพลาด", "Something went wrong", status=400),
    entry("invalid_input", "error", "ข้อมูลไม่ถูกต้อง", "Invalid input", status=422),
    entry("not_found", "error", "ไม่พบข้อมูล", "Not found", status=404),
    entry("conflict", "error", "ข้อมูลขัดแย้งกัน", "Conflict", status=409),
    entry(
        "submission_conflict",
        "error",
        "มีข้อมูลสำรวจรหัสเดียวกันที่เนื้อหาต่างกันอยู่แล้ว",
        "A different survey with the same instanceID was already received",
        status=409,
    ),
    entry("unauthorized", "error", "กรุณาเข้าสู่ระบบ", "Sign in first", status=401),
    entry("forbidden", "error", "ไม่มีสิทธิ์เข้าถึง", "Not allowed", status=403),
    entry("payload_too_large", "error", "ข้อมูลที่ส่งมีขนาดใหญ่เกินไป", "Payload too large", status=413),
    entry(
        "too_many_requests",
        "error",
        "ส่งข้อมูลมากเกินกำหนด กรุณาลองใหม่ภายหลัง",
        "Too many requests; try again later",
        status=429,
    ),
    entry(
        "startup_refused",
        "error",
        "ตั้งค่าระบบไม่ครบ เริ่มให้บริการไม่ได้",
        "The settings are not fit to serve",
        status=500,
    ),
    entry(
        "production_needs_https_url",
        "error",
        "FIELDSVC_ENVIRONMENT=production ต้องตั้ง FIELDSVC_PUBLIC_BASE_URL เป็นที่อยู่ https:// "
        "ที่โทรศัพท์และเบราว์เซอร์ใช้ (ตอนนี้: {value})",
        "FIELDSVC_ENVIRONMENT=production needs FIELDSVC_PUBLIC_BASE_URL set to the https:// "
        "address phones and browsers use, e.g. https://bins.example.go.th (now: {value})",
        params="value",
        code="startup_refused",
    ),
    entry("import_failed", "error", "นำเข้าไฟล์ไม่ได้", "The file could not be imported", status=422),
    entry(
        "database_busy",
        "error",
        "ฐานข้อมูลไม่ว่าง กรุณาลองใหม่",
        "the database stayed busy for {wait_s:.0f} s; try again",
        params="wait_s",
        status=503,
    ),
    # --- maps (inline English messages: these reach a developer or the CLI) ---
    entry(
        "map_input_invalid",
        "error",
        "ข้อมูลสำหรับสร้างแผนที่ไม่ถูกต้อง",
        "An input of the map is not valid",
        status=422,
    ),
    entry(
        "map_assets_invalid",
        "error",
        "ไฟล์ประกอบแผนที่ (JavaScript/CSS) ไม่ครบหรือไม่ถูกต้อง",
        "The map's front-end files are missing or wrong",
        status=500,
    ),
    # --- answers of the web framework itself (``http_<status>``) ---
    entry("http_401", "error", "กรุณาเข้าสู่ระบบ", "{detail}", params="detail", status=401),
    entry("http_403", "error", "ไม่มีสิทธิ์เข้าถึง", "{detail}", params="detail", status=403),
    entry("http_404", "error", "ไม่พบหน้าที่ต้องการ", "{detail}", params="detail", status=404),
    entry(
        "request_invalid",
        "error",
        "ข้อมูลไม่ถูกต้องที่ช่อง {field_name}: {reason}",
        "{field_name}: {reason}",
        params="field_name reason",
        code="invalid_input",
    ),
    # --- sign-in and access ---
    entry(
        "not_signed_in",
        "error",
        "กรุณาเข้าสู่ระบบด้วยลิงก์ประจำตัว",
        "Sign in with your access link or send 'Authorization: Bearer <token>'",
        code="unauthorized",
    ),
    entry(
        "staff_only",
        "error",
        "หน้านี้สำหรับเจ้าหน้าที่กองสาธารณสุขเท่านั้น",
        "This page is for health-division staff",
        code="forbidden",
    ),
    entry(
        "read_only_user",
        "error",
        "ผู้ใช้แบบอ่านอย่างเดียวแก้ไขข้อมูลไม่ได้",
        "Read-only users cannot change data",
        code="forbidden",
    ),
    # --- the bin register ---
    entry(
        "bin_not_found",
        "error",
        "ไม่พบถังขยะรหัส {bin_code}",
        "No bin has the code {bin_code!r}",
        params="bin_code",
        code="not_found",
    ),
    entry(
        "bin_code_invalid",
        "error",
        "รหัสถัง {value!r} ที่ช่อง {field_name} ไม่ถูกต้อง: " + BIN_CODE_RULE_TH,
        "{field_name}: the bin code {value!r} is not allowed; " + BIN_CODE_RULE_EN,
        params="field_name value",
        code="invalid_input",
    ),
    entry(
        "bin_code_exists",
        "error",
        "มีถังขยะรหัส {bin_code} อยู่แล้ว",
        "A bin with code {bin_code!r} already exists",
        params="bin_code",
        code="invalid_input",
    ),
    # --- users ---
    entry(
        "user_exists",
        "error",
        "มีผู้ใช้ชื่อ {username} อยู่แล้ว",
        "User {username!r} already exists",
        params="username",
        code="invalid_input",
    ),
    entry(
        "village_head_without_village",
        "error",
        "ผู้ใหญ่บ้านต้องระบุหมู่บ้านอย่างน้อยหนึ่งหมู่",
        "A village head needs at least one village",
        code="invalid_input",
    ),
    entry(
        "village_id_not_found",
        "error",
        "ไม่พบหมู่บ้านรหัส {village_id}",
        "No village with id {village_id}",
        params="village_id",
        code="not_found",
    ),
    entry(
        "user_not_found",
        "error",
        "ไม่พบผู้ใช้ {username}",
        "No user {username!r}",
        params="username",
        code="not_found",
    ),
    # --- stored surveys and files ---
    entry(
        "submission_not_found",
        "error",
        "ไม่พบข้อมูลสำรวจ {key}",
        "No submission {key!r}",
        params="key",
        code="not_found",
    ),
    entry(
        "flag_code_invalid",
        "error",
        "รหัสปัญหาไม่ถูกต้อง เช่น poor_gps_accuracy",
        "flag = {flag!r} is not a flag code; expected e.g. poor_gps_accuracy",
        params="flag",
        code="invalid_input",
    ),
    entry(
        "correction_of_old_version",
        "error",
        "แก้ไขได้เฉพาะฉบับล่าสุดของข้อมูลสำรวจ",
        "Only the current version of a survey can be corrected",
        code="conflict",
    ),
    entry(
        "correction_fields_invalid",
        "error",
        "ระบุช่องที่จะแก้ไขไม่ถูกต้อง",
        "cannot correct {unknown}; expected some of {allowed}",
        params="unknown allowed",
        code="invalid_input",
    ),
    entry(
        "instance_id_reused",
        "error",
        "มีข้อมูลรหัส {instance_id} ที่เนื้อหาต่างกันส่งมาแล้ว การแก้ไขต้องใช้รหัสใหม่และระบุรหัสเดิมใน deprecatedID",
        "A different survey with instanceID {instance_id} was already received; "
        "an edit must have a new instanceID and name the old one in deprecatedID",
        params="instance_id",
        code="submission_conflict",
    ),
    entry(
        "needed_to_apply",
        "error",
        "ต้องมี{what_th} ({field_name}) จึงจะบันทึกลงทะเบียนได้ กรุณาแก้ไขข้อมูล",
        "{field_name} is needed to apply this survey to the register; correct the survey",
        params="field_name what_th",
        code="invalid_input",
    ),
    entry(
        "bin_values_invalid",
        "error",
        "ค่า {field_name} ไม่ถูกต้อง กรุณาแก้ไขข้อมูลก่อนลงทะเบียนถัง",
        "{field_name}: {reason}; correct the survey before it can register a bin",
        params="field_name reason",
        code="invalid_input",
    ),
    entry(
        "sha256_invalid",
        "error",
        "รหัสไฟล์ต้องเป็น SHA-256 (ตัวอักษร 0-9 a-f จำนวน 64 ตัว)",
        "{sha256!r} is not a SHA-256 hex digest (64 characters 0-9 a-f)",
        params="sha256",
        code="invalid_input",
    ),
    entry(
        "media_not_found",
        "error",
        "ไม่พบไฟล์ที่ต้องการ",
        "No stored file has the hash {sha256}",
        params="sha256",
        code="not_found",
    ),
]
