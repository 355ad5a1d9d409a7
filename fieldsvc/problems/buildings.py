"""Households from building footprints: the file errors and the lines of the import report."""

from __future__ import annotations

from fieldsvc.problems.model import entry

PROBLEMS = [
    entry(
        "buildings_format_unknown",
        "error",
        "ไฟล์ '{file}' ไม่ใช่ไฟล์อาคาร ต้องการ CSV ของ Google Open Buildings หรือ OpenStreetMap .osm.pbf",
        "File '{file}' is not a buildings file; expected a Google Open Buildings CSV or an "
        "OpenStreetMap .osm.pbf.",
        params="file",
        status=422,
    ),
    entry(
        "buildings_columns_missing",
        "error",
        "ไฟล์ '{file}' ไม่มีคอลัมน์ {missing} ของ Open Buildings (ต้องมี latitude, longitude, "
        "area_in_meters, confidence)",
        "File '{file}' lacks the Open Buildings column(s) {missing} (needs latitude, longitude, "
        "area_in_meters, confidence).",
        params="file missing",
        status=422,
    ),
    entry(
        "buildings_filter_invalid",
        "error",
        "เกณฑ์คัดอาคารไม่ถูกต้อง: พื้นที่ต่ำสุด {min_area_m2} ตร.ม. สูงสุด {max_area_m2} ตร.ม. "
        "ความเชื่อมั่นต่ำสุด {min_confidence} (ต้องมี 0 ≤ ต่ำสุด < สูงสุด และความเชื่อมั่น 0–1)",
        "Invalid building filter: area {min_area_m2}–{max_area_m2} m², confidence "
        "≥ {min_confidence} (needs 0 ≤ min < max and a confidence between 0 and 1).",
        params="min_area_m2 max_area_m2 min_confidence",
        code="invalid_input",
    ),
    entry(
        "buildings_need_village_areas",
        "error",
        "ยังไม่มีขอบเขตหมู่บ้าน (หรือพื้นที่โดยประมาณจากจุดศูนย์กลางหมู่บ้าน) "
        "จึงจัดอาคารเข้าหมู่บ้านไม่ได้ นำเข้าขอบเขตหรือจุดศูนย์กลางหมู่บ้านก่อน",
        "No village has a boundary (or an approximate area from village centres) to assign "
        "buildings to; import village boundaries or centres first.",
        code="invalid_input",
    ),
    entry(
        "buildings_dropped",
        "note",
        "ตัดออก {count:,} หลัง: {reason_th}",
        "Left out {count:,}: {reason_en}",
        params="count reason_th reason_en",
        scope="row",
    ),
    entry(
        "buildings_weighted",
        "note",
        "หมู่ที่ {number}: อาคาร {buildings:,} หลัง ถ่วงน้ำหนัก {weight:.3f} "
        "ให้รวมเท่ากับบ้านตามทะเบียน {households:,} หลัง",
        "Village {number}: {buildings:,} buildings weighted {weight:.3f} to match its "
        "{households:,} registered houses",
        params="number buildings weight households",
        scope="row",
    ),
    entry(
        "buildings_unweighted",
        "note",
        "หมู่ที่ {number}: อาคาร {buildings:,} หลัง ไม่มีจำนวนบ้านตามทะเบียน นับอาคารละ 1 ครัวเรือน",
        "Village {number}: {buildings:,} buildings, no registered house count: one household "
        "per building",
        params="number buildings",
        scope="row",
    ),
    entry(
        "buildings_village_surveyed",
        "note",
        "หมู่ที่ {number}: มีจุดบ้านที่สำรวจแล้ว จึงไม่ใช้อาคาร {buildings:,} หลังของหมู่นี้",
        "Village {number} has surveyed household points: its {buildings:,} buildings are not used",
        params="number buildings",
        scope="row",
    ),
    entry(
        "buildings_village_none",
        "note",
        "หมู่ที่ {number}: ไม่มีอาคารในเขตหมู่บ้าน ครัวเรือนของหมู่นี้ยังเป็นจำนวนบ้านตามทะเบียนเท่านั้นหรือไม่มีข้อมูล",
        "Village {number}: no building inside its area; its households stay the registered "
        "count only (or unknown)",
        params="number",
        scope="row",
    ),
]
