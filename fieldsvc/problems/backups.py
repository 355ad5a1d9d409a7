"""Errors of backing up and restoring an install (``fieldsvc backup`` / ``restore``)."""

from __future__ import annotations

from fieldsvc.problems.model import entry

PROBLEMS = [
    entry(
        "backup_damaged",
        "error",
        "ไฟล์สำรอง {archive} เสียหาย จึงไม่กู้คืน: {why_th}",
        "the backup {archive} is damaged and was not restored: {why_en}",
        params="archive why_th why_en",
        status=422,
    ),
    entry(
        "pg_tool_missing",
        "error",
        "ไม่พบโปรแกรม {name} (ติดตั้งด้วย apt-get install postgresql-client)",
        "{name} is not installed (apt-get install postgresql-client)",
        params="name",
        code="error",
    ),
    entry(
        "pg_dump_failed",
        "error",
        "pg_dump ทำงานไม่สำเร็จ: {reason}",
        "pg_dump failed: {reason}",
        params="reason",
        code="error",
    ),
    entry(
        "pg_restore_failed",
        "error",
        "pg_restore ทำงานไม่สำเร็จ (ไม่มีการเปลี่ยนแปลง): {reason}",
        "pg_restore failed (nothing was changed): {reason}",
        params="reason",
        code="error",
    ),
    entry(
        "backup_of_memory_database",
        "error",
        "สำรองฐานข้อมูล SQLite ในหน่วยความจำไม่ได้",
        "an in-memory SQLite database cannot be backed up",
        code="invalid_input",
    ),
    entry(
        "backup_keep_invalid",
        "error",
        "--keep ต้องไม่น้อยกว่า 1 (ได้ {keep})",
        "--keep must be at least 1, not {keep}",
        params="keep",
        code="invalid_input",
    ),
    entry(
        "restore_into_non_empty",
        "error",
        "ระบบนี้มีข้อมูลอยู่แล้ว ({listed}) กู้คืนได้เฉพาะในระบบใหม่ที่ว่างเปล่า",
        "this install is not empty ({listed}); restore only into a new, empty install",
        params="listed",
        code="conflict",
    ),
    entry(
        "restore_backend_mismatch",
        "error",
        "ไฟล์สำรองเป็นฐานข้อมูล {backup_backend} แต่ระบบนี้ใช้ {backend}",
        "the backup is of a {backup_backend} database, this install uses {backend}",
        params="backup_backend backend",
        code="invalid_input",
    ),
]
