"""Problems of the starting data of a subdistrict: its boundary file (COD-AB style), village
centres (a CSV or an OpenStreetMap extract) and registered house counts per village."""

from __future__ import annotations

from fieldsvc.problems.model import Problem, Severity, entry


def _file(key: str, th: str, en: str, params: str = "") -> Problem:
    """A whole file that cannot be used; the message names it."""
    return entry(key, "error", th, en, params=f"file {params}".strip(), status=422)


def _row(key: str, severity: Severity, th: str, en: str, params: str = "") -> Problem:
    return entry(key, severity, th, en, params=params, scope="row")


PROBLEMS = [
    # --- the subdistrict boundary file ---
    _file(
        "boundary_no_polygon",
        "ไฟล์ '{file}' ไม่มีรูปแปลงขอบเขตตำบล",
        "File '{file}' holds no subdistrict polygon.",
    ),
    _file(
        "boundary_tambon_not_found",
        "ไม่พบตำบล '{wanted}' ในไฟล์ '{file}' (มี: {found})",
        "No subdistrict '{wanted}' in file '{file}' (it has: {found}).",
        "wanted found",
    ),
    _file(
        "boundary_tambon_ambiguous",
        "ไฟล์ '{file}' มี {count} ตำบล โปรดเลือกด้วย --pcode หรือ --name (เช่น {found})",
        "File '{file}' holds {count} subdistricts; choose one with --pcode or --name "
        "(e.g. {found}).",
        "count found",
    ),
    _file(
        "boundary_code_missing",
        "ไฟล์ '{file}' ไม่มีรหัสตำบล (ADM3_PCODE) โปรดระบุ --subdistrict-code และ --subdistrict-name",
        "File '{file}' has no subdistrict code (ADM3_PCODE); give --subdistrict-code and "
        "--subdistrict-name.",
    ),
    _file(
        "boundary_code_invalid",
        "รหัสตำบล '{value}' ใช้ไม่ได้ ต้องเป็นรหัส 6 หลักของกรมการปกครอง (เช่น 570101) "
        "หรือ pcode แบบ TH570101",
        "Subdistrict code '{value}' is not usable; expected the 6-digit DOPA code (e.g. 570101) "
        "or a pcode such as TH570101 (file '{file}').",
        "value",
    ),
    # --- village centres ---
    _file(
        "centres_columns_missing",
        "ไฟล์ '{file}' ต้องมีคอลัมน์หมู่ที่ (หรือรหัสหมู่บ้าน 8 หลัก) และพิกัด lat/lon (มี: {columns})",
        "File '{file}' needs a village number (or an 8-digit village code) and lat/lon "
        "columns (it has: {columns}).",
        "columns",
    ),
    _file(
        "centres_none_found",
        "ไม่พบจุดศูนย์กลางหมู่บ้านในไฟล์ '{file}' (OpenStreetMap: place=village หรือ hamlet)",
        "No village centres in file '{file}' (OpenStreetMap: place=village or hamlet).",
    ),
    entry(
        "centres_no_boundary",
        "error",
        "ตำบล {subdistrict} ยังไม่มีขอบเขต นำเข้าขอบเขตก่อน (fieldsvc import subdistrict) "
        "จึงจะแบ่งพื้นที่หมู่บ้านโดยประมาณได้",
        "Subdistrict {subdistrict} has no boundary yet; import it first (fieldsvc import "
        "subdistrict) to divide it into approximate village areas.",
        params="subdistrict",
        code="invalid_input",
    ),
    _row(
        "centre_code_invalid",
        "error",
        "รหัสหมู่บ้านต้องเป็นเลข 8 หลัก (CCAATTMM)",
        "a village code must be 8 digits (CCAATTMM)",
    ),
    _row(
        "centre_code_other_subdistrict",
        "error",
        "รหัสหมู่บ้านเป็นของตำบล {found} ไม่ใช่ {expected}",
        "the village code belongs to subdistrict {found}, not {expected}",
        "found expected",
    ),
    _row(
        "centre_number_conflict",
        "error",
        "หมู่ที่ {number} ไม่ตรงกับรหัสหมู่บ้าน (หมู่ที่ {from_code})",
        "village number {number} disagrees with the village code (number {from_code})",
        "number from_code",
    ),
    _row(
        "centre_without_position",
        "note",
        "ไม่มีพิกัดที่อ่านได้ (lat/lon): บันทึกหมู่บ้านไว้ แต่ไม่มีพื้นที่โดยประมาณ",
        "no readable position (lat/lon): the village is recorded without an approximate area",
    ),
    _row(
        "centres_other_subdistricts",
        "note",
        "ข้าม {count} แถวที่เป็นหมู่บ้านของตำบลอื่น (รหัสไม่ขึ้นต้นด้วย {code})",
        "skipped {count} rows of villages in other subdistricts (codes not starting {code})",
        "count code",
    ),
    _row(
        "centre_outside_subdistrict",
        "error",
        "จุดอยู่นอกขอบเขตตำบล",
        "the point is outside the subdistrict boundary",
    ),
    _row(
        "centre_number_repeated",
        "error",
        "หมู่ที่ {number} ซ้ำกับแถว {row}",
        "village number {number} repeats row {row}",
        "number row",
    ),
    _row(
        "centres_numbered",
        "note",
        "ไม่มีเลขหมู่ที่ในข้อมูล OpenStreetMap {count} แห่ง จึงให้เลข {numbers} ตามลำดับจากเหนือลงใต้ "
        "โปรดตรวจสอบกับทะเบียนหมู่บ้าน",
        "{count} OpenStreetMap villages carry no village number; numbered {numbers} from "
        "north to south — check them against the village register",
        "count numbers",
    ),
    _row(
        "centres_outside_skipped",
        "note",
        "ข้าม {count} หมู่บ้านของ OpenStreetMap ที่อยู่นอกขอบเขตตำบล",
        "skipped {count} OpenStreetMap villages outside the subdistrict boundary",
        "count",
    ),
    _row(
        "centre_keeps_surveyed_area",
        "note",
        "หมู่ที่ {number} มีขอบเขตจริงอยู่แล้ว คงไว้ ไม่แทนด้วยพื้นที่โดยประมาณ",
        "village {number} already has a real boundary; kept, not replaced by an approximate area",
        "number",
    ),
    # --- approximate village areas (analysis) ---
    entry(
        "centre_not_point",
        "error",
        "จุดศูนย์กลางหมู่บ้านแถวที่ {row} ไม่ใช่จุด ({kind})",
        "Village centre at position {row} is not a point ({kind}).",
        params="row kind",
        status=422,
    ),
    entry(
        "centres_coincide",
        "error",
        "จุดศูนย์กลางหมู่บ้านลำดับ {first} และ {second} อยู่ที่เดียวกัน แบ่งพื้นที่ไม่ได้",
        "Village centres {first} and {second} are at the same place; the area cannot be divided.",
        params="first second",
        status=422,
    ),
    # --- registered house counts ---
    _file(
        "house_counts_columns_missing",
        "ไฟล์ '{file}' ต้องมีคอลัมน์รหัสหมู่บ้านหรือหมู่ที่ และจำนวนบ้าน (มี: {columns})",
        "File '{file}' needs a village code or number column and a house-count column "
        "(it has: {columns}).",
        "columns",
    ),
    _row(
        "house_count_unreadable",
        "error",
        "จำนวนบ้านอ่านไม่ได้ ต้องเป็นจำนวนเต็มตั้งแต่ 0",
        "the house count is not readable; expected a whole number from 0",
    ),
    _row(
        "house_count_key_missing",
        "error",
        "ไม่มีรหัสหมู่บ้านหรือหมู่ที่",
        "no village code or number",
    ),
    _row(
        "house_count_village_unknown",
        "error",
        "ไม่พบหมู่บ้านนี้ในตำบล {code}",
        "no such village in subdistrict {code}",
        "code",
    ),
]
