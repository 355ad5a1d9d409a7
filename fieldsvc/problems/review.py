"""Staff decisions on many surveys at once (the batch review)."""

from __future__ import annotations

from fieldsvc.problems.model import entry

PROBLEMS = [
    entry(
        "batch_changed",
        "error",
        "รายการที่ตรงกับตัวกรองเปลี่ยนไปหลังจากแสดงหน้ายืนยัน (ตอนนี้มี {count} รายการ) "
        "ยังไม่ได้บันทึกการตัดสินใด ๆ กรุณาเปิดหน้ายืนยันใหม่แล้วตรวจดูอีกครั้ง",
        "The surveys matching the filter changed after the confirmation was shown (now "
        "{count}); nothing was decided. Open the confirmation again and check it",
        params="count",
        status=409,
    ),
    entry(
        "batch_too_large",
        "error",
        "ตัวกรองนี้ได้ {count} รายการ ตัดสินพร้อมกันได้ครั้งละไม่เกิน {limit} รายการ "
        "กรุณากรองให้แคบลง (เช่น ทีละหมู่บ้าน หรือทีละไฟล์นำเข้า)",
        "The filter matches {count} surveys; at most {limit} can be decided at once. "
        "Narrow the filter (e.g. one village or one imported file)",
        params="count limit",
        status=422,
    ),
    entry(
        "batch_state_invalid",
        "error",
        "ตัดสินพร้อมกันได้เฉพาะแบบสำรวจที่รอตรวจหรือมีข้อสังเกต",
        "state = {state!r}; a batch decides only surveys that are received or have issues",
        params="state",
        code="invalid_input",
    ),
]
