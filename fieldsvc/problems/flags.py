"""Survey flags: what the checks found in a survey that was kept (see ``fieldsvc.ingest.checks``).

Each flag code has one entry whose key is the code and which carries the short label of the
review page's filter. A code whose message differs from case to case has more entries (same
``code``): either a whole message, or the reason fragment a generic message names
(``impossible_value``, ``invalid_value``).
"""

from __future__ import annotations

from fieldsvc.problems.model import entry

# Thailand's extent as people read it (the box itself is ``fieldsvc.ingest.checks``'s).
_THAILAND_TH = "ละติจูด 5.6–20.5 และลองจิจูด 97.3–105.7 (ประเทศไทย)"
_THAILAND_EN = "latitude 5.6–20.5 N and longitude 97.3–105.7 E (Thailand)"

PROBLEMS = [
    # --- location ---
    entry(
        "coordinates_swapped",
        "hold",
        "ตำแหน่งถังอยู่นอกประเทศไทย ตัวเลขละติจูด {lat} กับลองจิจูด {lon} น่าจะสลับกัน เจ้าหน้าที่จะแก้ให้",
        "location latitude {lat}, longitude {lon} is outside Thailand; "
        "swapped (latitude {lon}, longitude {lat}) it is inside: "
        "latitude and longitude look swapped. Suggested fix: swap them",
        params="lat lon",
        label=("ละติจูด/ลองจิจูดสลับกัน", "Latitude and longitude swapped"),
    ),
    entry(
        "null_island",
        "hold",
        "ตำแหน่งเป็น 0 0 แปลว่าโทรศัพท์ยังหาตำแหน่ง GPS ไม่ได้ตอนบันทึก ตำแหน่งต้องอยู่ในประเทศไทย "
        "ครั้งหน้ารอให้ GPS ขึ้นก่อนกดใช้ตำแหน่ง",
        "location is 0 0 (the phone had no GPS fix); expected " + _THAILAND_EN,
        label=("พิกัด 0,0 (ไม่มีสัญญาณ GPS)", "0,0 coordinates (no GPS fix)"),
    ),
    entry(
        "outside_thailand",
        "hold",
        "ตำแหน่งถัง {point} อยู่นอกประเทศไทย (ต้องอยู่ใน" + _THAILAND_TH + ") "
        "เจ้าหน้าที่จะตรวจ ครั้งหน้ารอให้ GPS แม่นยำก่อน",
        "location {point} is outside Thailand; expected " + _THAILAND_EN,
        params="point",
        label=("อยู่นอกประเทศไทย", "Outside Thailand"),
    ),
    entry(
        "outside_subdistrict",
        "note",
        "ตำแหน่งถัง {point} อยู่นอกเขตตำบล เจ้าหน้าที่จะตรวจ",
        "location {point} is outside the subdistrict boundary; expected a point inside it",
        params="point",
        label=("อยู่นอกตำบล", "Outside the subdistrict"),
    ),
    entry(
        "village_mismatch",
        "note",
        "เลือกหมู่ที่ {claimed} แต่ตำแหน่ง {point} อยู่ในเขตหมู่ที่ {found} เจ้าหน้าที่จะตรวจ",
        "village = {claimed} was chosen, but location {point} lies in village {found}",
        params="claimed found point",
        label=("อยู่ในหมู่บ้านอื่น", "In another village than stated"),
    ),
    entry(
        "unknown_village",
        "note",
        "ไม่มีหมู่ที่ {village} ในตำบลนี้ เจ้าหน้าที่จะตรวจ",
        "village = {village} is not a village of this subdistrict",
        params="village",
        label=("ไม่พบหมู่บ้าน", "Unknown village"),
    ),
    entry(
        "village_not_assigned",
        "hold",
        "หมู่ที่ {village} ไม่ใช่หมู่บ้านที่ท่านรับผิดชอบ ข้อมูลถูกเก็บไว้รอเจ้าหน้าที่ตรวจสอบ",
        "village = {village} is not one of the villages assigned to {username}; "
        "the survey is kept for staff to review",
        params="village username",
        label=("ระบุหมู่บ้านไม่ได้", "Village not assigned"),
    ),
    entry(
        "point_outside_my_villages",
        "hold",
        "ตำแหน่งที่ส่งอยู่ในหมู่ที่ {village} ซึ่งไม่ใช่หมู่บ้านที่ท่านรับผิดชอบ ข้อมูลถูกเก็บไว้รอเจ้าหน้าที่ตรวจสอบ",
        "the point lies in village {village}, which is not one of your villages; the survey "
        "is kept for staff to review",
        params="village",
        label=("ตำแหน่งอยู่นอกหมู่บ้านที่รับผิดชอบ", "Point outside my villages"),
    ),
    entry(
        "bin_outside_my_villages",
        "hold",
        "ถังรหัส {code} ขึ้นทะเบียนอยู่ในหมู่บ้านที่ท่านไม่ได้รับผิดชอบ ข้อมูลถูกเก็บไว้รอเจ้าหน้าที่ตรวจสอบ",
        "bin {code} is registered in a village that is not one of yours; the survey is kept "
        "for staff to review",
        params="code",
        label=("ถังของหมู่บ้านอื่น", "Bin of another village"),
    ),
    entry(
        "point_outside_my_subdistrict",
        "hold",
        "ตำแหน่งที่ส่งอยู่ในตำบลอื่นที่ท่านไม่ได้รับผิดชอบ ข้อมูลถูกเก็บไว้รอเจ้าหน้าที่ตรวจสอบ",
        "the point lies in a village of another subdistrict than yours; the survey is kept "
        "for staff to review",
        label=("ตำแหน่งอยู่ในตำบลอื่น", "Point in another subdistrict"),
    ),
    entry(
        "bin_of_other_subdistrict",
        "hold",
        "ถังรหัส {code} ขึ้นทะเบียนอยู่ในตำบลที่ท่านไม่ได้รับผิดชอบ ข้อมูลถูกเก็บไว้รอเจ้าหน้าที่ตรวจสอบ",
        "bin {code} is registered in another subdistrict than yours; the survey is kept "
        "for staff to review",
        params="code",
        label=("ถังของตำบลอื่น", "Bin of another subdistrict"),
    ),
    entry(
        "hand_placed_point",
        "note",
        "ตำแหน่งนี้คลาดเคลื่อน 0 เมตร จึงไม่ได้มาจาก GPS (วางเองบนแผนที่ หรือแอปปลอมตำแหน่ง) "
        "ครั้งหน้าใช้ GPS ที่ถัง เจ้าหน้าที่จะตรวจ",
        "location accuracy is 0 m: the point was placed by hand or by a mock GPS app, "
        "not measured; expected a real GPS fix (accuracy > 0 m)",
        label=("ปักหมุดเอง (ไม่ใช่ GPS)", "Hand-placed point"),
    ),
    entry(
        "poor_gps_accuracy",
        "note",
        "GPS คลาดเคลื่อนได้ถึง {accuracy} เมตร (ควรไม่เกิน {limit} เมตร) "
        "เจ้าหน้าที่จะตรวจตำแหน่งถัง ครั้งหน้ารอในที่โล่งให้ GPS แม่นยำก่อน",
        "location accuracy is {accuracy} m, worse than the limit of {limit} m; "
        "the bin may be placed wrongly",
        params="accuracy limit",
        label=("GPS คลาดเคลื่อนมาก", "Poor GPS accuracy"),
    ),
    # --- the bin ---
    entry(
        "missing_bin_code",
        "hold",
        "ไม่มีรหัสถัง ครั้งหน้าสแกน QR หรือพิมพ์รหัสที่ติดบนถัง",
        "bin_code is empty; expected the code on the bin's QR label (scanned or typed)",
        label=("ไม่มีรหัสถัง", "No bin code"),
    ),
    entry(
        "unknown_bin_code",
        "hold",
        "ไม่พบถังรหัส {bin_code} ในทะเบียน รหัสอาจพิมพ์ผิด เจ้าหน้าที่จะตรวจ",
        "bin_code {bin_code!r} matches no bin in the register, and the survey "
        "lacks {missing} needed to register a new bin; the code may be mistyped",
        params="bin_code missing",
        label=("ไม่พบรหัสถัง", "Unknown bin code"),
    ),
    entry(
        "possible_duplicate",
        "note",
        "ถังใหม่รหัส {bin_code} อยู่ห่างจากถังรหัส {existing} ที่มีอยู่แล้ว "
        "(ประเภทขยะเดียวกัน) เพียง {distance_m:.1f} เมตร อาจเป็นถังใบเดียวกัน",
        "new bin {bin_code!r} is {distance_m:.1f} m from existing bin "
        "{existing!r} of the same stream (within {radius_m} m): possibly the same bin",
        params="bin_code existing distance_m radius_m",
        label=("อาจซ้ำกับถังเดิม", "Possibly an existing bin"),
    ),
    entry(
        "code_elsewhere_in_sheet",
        "hold",
        "รหัสถัง {bin_code} มีในแถว {rows} ของไฟล์เดียวกันด้วย ห่างกัน {distance_m:,.0f} เมตร "
        "(เกิน {limit_m} เมตร) อาจเป็นถังสองใบที่ใช้รหัสเดียวกัน หรือพิมพ์รหัสผิด",
        "bin_code {bin_code!r} is also on row(s) {rows} of the same file, {distance_m:,.0f} m "
        "away (more than {limit_m} m): two bins with one code, or a mistyped code",
        params="bin_code rows distance_m limit_m",
        label=("รหัสถังซ้ำในไฟล์ คนละที่", "One code, two places in a sheet"),
    ),
    entry(
        "code_registered_elsewhere",
        "hold",
        "ถังรหัส {bin_code} ในทะเบียนอยู่ห่างจากตำแหน่งของแถวนี้ {distance_m:,.0f} เมตร "
        "(เกิน {limit_m} เมตร) รหัสอาจพิมพ์ผิด หรือถังถูกย้าย",
        "bin {bin_code!r} is registered {distance_m:,.0f} m from this row's point (more than "
        "{limit_m} m): a mistyped code, or the bin was moved",
        params="bin_code distance_m limit_m",
        label=("รหัสถังอยู่ที่อื่นในทะเบียน", "Code registered elsewhere"),
    ),
    entry(
        "bin_code_reassigned",
        "note",
        "รหัส {old_code} ที่โทรศัพท์ตั้งให้ถังใหม่ มีถังอื่นใช้แล้ว ถังใหม่นี้จึงได้รหัส {bin_code} "
        "แทน กรุณาเขียนรหัส {bin_code} บนถัง",
        "code {old_code!r}, made up on the phone for a new bin, is already another bin's; "
        "this bin was given code {bin_code!r} instead: write {bin_code} on the bin",
        params="old_code bin_code",
        label=("ได้รหัสถังใหม่แทน", "Given a fresh bin code"),
    ),
    # --- ODK entities (a bin updated from Collect's list) ---
    entry(
        "entity_version_conflict",
        "hold",
        "ถังรหัส {code} ถูกตรวจโดยคนอื่นก่อนข้อมูลนี้จะส่งถึง (แบบสำรวจนี้ทำจากข้อมูลรุ่น {base_version} "
        "แต่ในทะเบียนเป็นรุ่น {current_version} แล้ว) ข้อมูลถูกเก็บไว้ครบ รอเจ้าหน้าที่ตรวจสอบ",
        "bin {code} was updated from version {base_version} of the list, but the register is at "
        "version {current_version} already (someone else inspected it meanwhile); the survey is "
        "kept for staff to review",
        params="code base_version current_version",
        label=("ถังถูกตรวจซ้อนกัน", "Bin updated by two people"),
    ),
    entry(
        "entity_update_waiting",
        "hold",
        "ข้อมูลถังรหัส {code} นี้ทำต่อจากการตรวจครั้งก่อนในโทรศัพท์เครื่องเดียวกันที่ยังส่งไม่ถึง "
        "(ทำจากรุ่น {base_version} ทะเบียนเป็นรุ่น {current_version}) จะบันทึกให้เมื่อครั้งก่อนส่งถึง",
        "bin {code} was updated on the phone from version {base_version}, after an earlier update "
        "from the same phone that has not arrived yet (the register is at version "
        "{current_version}); it is applied when that one arrives",
        params="code base_version current_version",
        label=("รอการตรวจครั้งก่อนจากโทรศัพท์", "Waiting for the phone's earlier update"),
    ),
    entry(
        "entity_not_found",
        "hold",
        "ไม่พบถังที่เลือกจากรายการ ({entity_id}) ในทะเบียน อาจถูกลบไปแล้ว ข้อมูลถูกเก็บไว้รอเจ้าหน้าที่ตรวจสอบ",
        "the bin chosen from the list ({entity_id}) is not in the register (removed?); the "
        "survey is kept for staff to review",
        params="entity_id",
        label=("ไม่พบถังที่เลือก", "Chosen bin not found"),
    ),
    entry(
        "likely_duplicate",
        "hold",
        "ถังใหม่รหัส {bin_code} มีตำแหน่งคลาดเคลื่อนได้ถึง {accuracy} เมตร "
        "และอยู่ห่างจากถังรหัส {existing} ที่ลงทะเบียนไว้แล้ว (ประเภทขยะเดียวกัน) "
        "{distance_m:.1f} เมตร น่าจะเป็นถังใบเดียวกัน เจ้าหน้าที่จะตรวจก่อนลงทะเบียนถังใหม่",
        "new bin {bin_code!r}, located to within {accuracy} m, is {distance_m:.1f} m from "
        "registered bin {existing!r} of the same stream: likely the same bin; held until "
        "staff check it",
        params="bin_code existing distance_m accuracy",
        label=("น่าจะซ้ำกับถังเดิม", "Likely an existing bin"),
    ),
    # --- values ---
    entry(
        "impossible_value",
        "hold",
        "ค่า {value} เป็นไปไม่ได้: {why_th}",
        "{field_name} = {value} is impossible: {why_en}",
        params="field_name value why_th why_en",
        label=("ค่าที่เป็นไปไม่ได้", "Impossible value"),
    ),
    entry(
        "capacity_out_of_range",
        "hold",
        "ขนาดถังต้องอยู่ระหว่าง {low:,} ถึง {high:,} ลิตร",
        "expected a bin size of {low:,} to {high:,} litres",
        params="low high",
        code="impossible_value",
    ),
    entry(
        "count_negative_flag",
        "hold",
        "จำนวนต้องไม่ติดลบ",
        "expected a count of 0 or more",
        code="impossible_value",
    ),
    entry(
        "households_per_bin_too_many",
        "hold",
        "จำนวนครัวเรือนต่อถังต้องไม่เกิน {maximum:,}",
        "expected at most {maximum:,} households per bin",
        params="maximum",
        code="impossible_value",
    ),
    entry(
        "observed_in_future",
        "hold",
        "วันเวลาสำรวจอยู่ในอนาคตเกิน 1 วัน (นาฬิกาโทรศัพท์อาจตั้งผิด)",
        "expected a survey time no more than 1 day in the future (the phone's clock may be wrong)",
        code="impossible_value",
    ),
    entry(
        "observed_too_early",
        "hold",
        "วันเวลาสำรวจต้องไม่ก่อนปี ค.ศ. 2000 (พ.ศ. 2543)",
        "expected a survey time in 2000 or later",
        code="impossible_value",
    ),
    entry(
        "population_below_households",
        "note",
        "จำนวนประชากร {population} น้อยกว่าจำนวนครัวเรือน "
        "{households} ซึ่งเป็นไปไม่ได้ (ทุกครัวเรือนมีอย่างน้อย 1 คน)",
        "population = {population} is less than households = "
        "{households}; every household has at least one person",
        params="population households",
        code="impossible_value",
    ),
    entry(
        "invalid_value",
        "hold",
        "อ่านค่า {value!r} ไม่ได้ ต้องเป็น{expected_th}",
        "{field_name} = {value!r} could not be read; expected {expected_en}",
        params="field_name value expected_th expected_en",
        label=("ค่าไม่ถูกต้อง", "Invalid value"),
    ),
    entry("expected_integer", "hold", "จำนวนเต็ม", "a whole number", code="invalid_value"),
    entry(
        "expected_choice",
        "hold",
        "ค่าใดค่าหนึ่งใน {allowed}",
        "one of {allowed}",
        params="allowed",
        code="invalid_value",
    ),
    entry(
        "expected_geopoint",
        "hold",
        "ตำแหน่ง GPS",
        "a geopoint 'latitude longitude altitude accuracy'",
        code="invalid_value",
    ),
    entry(
        "expected_moment",
        "hold",
        "วันที่หรือวันเวลาแบบ ISO",
        "an ISO date or dateTime",
        code="invalid_value",
    ),
    entry(
        "missing_value",
        "hold",
        "ข้อมูลบางช่องว่างอยู่ เจ้าหน้าที่จะตรวจ",
        "{field_name} is empty",
        params="field_name",
        label=("ข้อมูลไม่ครบ", "Missing value"),
    ),
    entry(
        "condition_missing",
        "hold",
        "ไม่ได้เลือกสภาพถัง (ใช้งานได้ ชำรุด สูญหาย หรือขยะล้น) เจ้าหน้าที่จะตรวจ",
        "condition is empty; expected usable, damaged, missing or overflowing",
        code="missing_value",
    ),
    entry(
        "village_missing",
        "hold",
        "ไม่ได้เลือกหมู่บ้าน เจ้าหน้าที่จะตรวจ",
        "village is empty; expected a village number (หมู่ที่)",
        code="missing_value",
    ),
    # --- intake ---
    entry(
        "undeclared_attachment",
        "note",
        "ได้ไฟล์ {name} เพิ่มมา เก็บไว้แล้ว",
        "file {name!r} is not named in the form; it was kept",
        params="name",
        label=("ไฟล์แนบที่ไม่ได้ระบุ", "Undeclared attachment"),
    ),
    entry(
        "photo_unreadable",
        "note",
        "รูป {name} เปิดไม่ได้ (ไฟล์เสียหายหรือไม่ใช่รูปภาพ) ข้อมูลสำรวจบันทึกตามปกติ "
        "และเก็บไฟล์ไว้ตามที่ได้รับแล้ว ให้ผู้สำรวจถ่ายรูปใหม่แล้วส่งอีกครั้ง",
        "photo {name!r} cannot be opened (damaged, or not a picture); the survey was applied as "
        "usual and the file is kept as received. Ask the surveyor to take the photo again",
        params="name",
        label=("รูปเปิดไม่ได้", "Photo cannot be opened"),
    ),
    entry(
        "photo_unreadable_phone",
        "note",
        "รับข้อมูลแล้ว แต่รูปเปิดไม่ได้ ถ่ายรูปใหม่แล้วส่งอีกครั้งได้",
        "Received, but the photo cannot be opened; take the photo again and send it again",
        code="photo_unreadable",
    ),
    entry(
        "cannot_apply",
        "hold",
        "บันทึกลงทะเบียนไม่ได้: {reason_th}",
        "could not be applied to the register: {reason_en}",
        params="reason_th reason_en",
        label=("บันทึกลงทะเบียนไม่ได้", "Could not be applied"),
    ),
    entry(
        "unknown_deprecated_id",
        "note",
        "เป็นการแก้แบบสำรวจที่ อบต. ไม่เคยได้รับ จึงเก็บไว้เป็นแบบสำรวจใหม่",
        "meta/deprecatedID {deprecated_id!r} names a survey this server never "
        "received; kept as a new survey",
        params="deprecated_id",
        label=("แก้ไขแบบสำรวจที่ไม่พบ", "Edit of an unknown survey"),
    ),
    entry(
        "edit_of_another_surveyors_survey",
        "hold",
        "แก้ไขแบบสำรวจ {deprecated_id} ของผู้สำรวจคนอื่นไม่ได้ ข้อมูลนี้ถูกเก็บไว้เป็นแบบสำรวจใหม่ "
        "รอเจ้าหน้าที่ตรวจสอบ",
        "meta/deprecatedID {deprecated_id!r} is another surveyor's survey, which only they "
        "or staff may edit; this one is kept as a survey of its own for staff to review",
        params="deprecated_id",
        label=("แก้ไขแบบสำรวจของผู้อื่น", "Edit of another surveyor's survey"),
    ),
    entry(
        "edit_of_old_version",
        "note",
        "แก้ไขจากฉบับเก่า {deprecated_id} ซึ่งมีฉบับใหม่กว่าแล้ว ฉบับนี้จึงแทนที่ฉบับล่าสุด กรุณาตรวจสอบ",
        "meta/deprecatedID {deprecated_id!r} is not the latest version; this "
        "edit now replaces the latest one — please check nothing was lost",
        params="deprecated_id",
        label=("แก้ไขฉบับเก่า", "Edit of an old version"),
    ),
]
