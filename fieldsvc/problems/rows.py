"""Notes of an import report: why one row of a file was left out or changed, and the file-level
warnings (``"Thai / English"`` lines). Rows never raise: these are reasons, not exceptions."""

from __future__ import annotations

from fieldsvc.problems.model import BIN_CODE_RULE_EN, BIN_CODE_RULE_TH, Problem, Severity, entry


def _row(key: str, severity: Severity, th: str, en: str, params: str = "") -> Problem:
    return entry(key, severity, th, en, params=params, scope="row")


PROBLEMS = [
    # --- geometry of a boundary or point row ---
    _row("geometry_missing", "error", "ไม่มีรูปทรง", "no geometry"),
    _row(
        "geometry_not_polygon",
        "error",
        "เป็น{kind_th} ไม่ใช่รูปแปลง ขอบเขตหมู่บ้านต้องเป็นรูปแปลง",
        "is a {kind}, not a polygon; a village boundary must be a polygon",
        "kind_th kind",
    ),
    _row("non_polygon_parts_dropped", "note", "ตัดส่วนที่ไม่ใช่รูปแปลงออก", "non-polygon parts dropped"),
    _row(
        "polygon_unrepairable",
        "error",
        "รูปแปลงผิดรูปและซ่อมไม่ได้",
        "invalid polygon that cannot be repaired",
    ),
    _row("polygon_repaired", "note", "ซ่อมรูปแปลงที่ผิดรูปแล้ว", "invalid polygon repaired"),
    _row(
        "geometry_not_single_point",
        "error",
        "เป็น{kind_th} ไม่ใช่จุดเดียว",
        "is a {kind}, expected a single point",
        "kind_th kind",
    ),
    # --- values of a boundary or point row ---
    _row(
        "row_value_unreadable",
        "note",
        "อ่านค่า{label_th}ไม่ได้ เว้นว่างไว้",
        "{label_en} is not readable; left blank",
        "label_th label_en",
    ),
    _row(
        "village_number_unreadable",
        "error",
        "หมู่ที่อ่านไม่ได้ ต้องเป็นเลข 1–{highest}",
        "village number is not readable; expected a number 1–{highest}",
        "highest",
    ),
    _row(
        "village_number_missing",
        "error",
        "ไม่มีหมู่ที่ (ไม่มีทั้งในคอลัมน์หมู่ที่และในชื่อ)",
        "no village number (neither in a number column nor in the name)",
    ),
    _row(
        "village_parts_merged",
        "note",
        "หมู่ที่ {number} ซ้ำกับแถว {row} ชื่อเดียวกัน จึงรวมรูปแปลงเข้าด้วยกัน",
        "village number {number} repeats row {row} with the same name; the polygons were merged",
        "number row",
    ),
    _row(
        "village_number_taken",
        "error",
        "หมู่ที่ {number} ซ้ำกับแถว {row} ({name})",
        "village number {number} already used by row {row} ({name})",
        "number row name",
    ),
    _row(
        "point_id_repeated",
        "error",
        "{label_th} ซ้ำกับแถว {row}",
        "{column} repeats row {row}",
        "label_th column row",
    ),
    # --- survey sheets ---
    _row(
        "sheet_date_unreadable",
        "error",
        "อ่านวันที่สำรวจไม่ได้ (ใช้ วว/ดด/ปปปป เช่น 26/11/2566)",
        "the survey date is not readable (use dd/mm/yyyy, e.g. 26/11/2566)",
    ),
    _row(
        "sheet_bin_code_invalid",
        "error",
        "รหัสถังไม่ถูกต้อง: " + BIN_CODE_RULE_TH,
        "the bin code is not valid: " + BIN_CODE_RULE_EN,
    ),
    _row(
        "sheet_capacity_invalid",
        "error",
        "ความจุต้องเป็นจำนวนลิตรเต็ม เช่น 240 หรือ 240 ลิตร",
        "capacity must be whole litres, e.g. 240 or 240 L",
    ),
    _row(
        "sheet_village_number_invalid",
        "error",
        "หมู่ที่ต้องเป็นตัวเลข 1–{maximum}",
        "village number (หมู่ที่) must be a number 1–{maximum}",
        "maximum",
    ),
    _row(
        "sheet_households_invalid",
        "error",
        "จำนวนครัวเรือนต้องเป็นจำนวนเต็ม",
        "households must be a whole number",
    ),
    _row("sheet_altitude_unreadable", "error", "อ่านความสูงไม่ได้", "altitude is not readable"),
    _row(
        "sheet_accuracy_unreadable",
        "error",
        "อ่านความแม่นยำของพิกัดไม่ได้",
        "GPS accuracy is not readable",
    ),
    _row(
        "sheet_installed_on_unreadable",
        "error",
        "อ่านวันที่ติดตั้งไม่ได้",
        "the installation date is not readable",
    ),
    _row(
        "sheet_value_left_blank",
        "note",
        "{what_th} เว้นว่างไว้",
        "{what_en}; left blank",
        "what_th what_en",
    ),
    _row("sheet_bin_code_missing", "error", "ไม่มีรหัสถัง", "the bin code is missing"),
    _row("sheet_condition_missing", "error", "ไม่ได้ระบุสภาพถัง", "the condition is missing"),
    _row(
        "sheet_condition_unknown",
        "error",
        "ไม่รู้จักสภาพถัง (ใช้: {known_th})",
        "unknown condition (use: {known_en})",
        "known_th known_en",
    ),
    _row(
        "sheet_stream_unknown",
        "error",
        "ไม่รู้จักประเภทขยะ (ใช้: {known_th})",
        "unknown waste stream (use: {known_en})",
        "known_th known_en",
    ),
    _row(
        "sheet_coordinates_missing",
        "error",
        "ไม่มีพิกัด (ละติจูด/ลองจิจูด)",
        "the coordinates are missing",
    ),
    _row(
        "sheet_coordinates_unreadable",
        "error",
        "อ่านพิกัดไม่ได้ (ต้องการองศาทศนิยม เช่น 16.3142, 103.2797)",
        "the coordinates are not readable (decimal degrees expected, e.g. 16.3142, 103.2797)",
    ),
    # --- file-level warnings ---
    _row(
        "encoding_ignored",
        "note",
        "ไม่ใช้ encoding={encoding} เพราะไฟล์ {kind} เป็น UTF-8 เสมอ",
        "encoding={encoding} ignored: {kind} files are always UTF-8",
        "encoding kind",
    ),
    _row(
        "cpg_encoding_wrong",
        "note",
        "ไฟล์ .cpg ระบุ '{label}' แต่ข้อความไม่ตรง จึงอ่านเป็น {guessed}",
        "the .cpg says '{label}' but the text is not; read as {guessed}",
        "label guessed",
    ),
    _row(
        "encoding_guessed_thai",
        "note",
        "ไม่มีไฟล์ .cpg ข้อความไม่ใช่ UTF-8 จึงอ่านเป็นภาษาไทย cp874 (TIS-620)",
        "no .cpg and the text is not UTF-8: read as Thai cp874 (TIS-620)",
    ),
    _row(
        "crs_overridden",
        "note",
        "ใช้ระบบพิกัด {given} ตามที่ระบุแทน {declared} ในไฟล์",
        "using the given {given} instead of the file's {declared}",
        "given declared",
    ),
    _row(
        "crs_assumed_wgs84",
        "note",
        "ไฟล์ไม่ระบุระบบพิกัด พิกัดอยู่ในช่วงองศา จึงถือเป็น WGS 84 (EPSG:4326)",
        "no CRS in the file; coordinates are in degree range, assumed WGS 84 (EPSG:4326)",
    ),
    _row(
        "features_outside_thailand",
        "note",
        "ข้อมูลบางส่วนอยู่นอกประเทศไทย ({box}) ตรวจสอบระบบพิกัดหรือโซน UTM (47N/48N)",
        "some features lie outside Thailand ({box}); check the CRS or UTM zone (47N/48N)",
        "box",
    ),
    _row(
        "no_village_number_column",
        "note",
        "ไม่พบคอลัมน์หมู่ที่ จะอ่านหมู่ที่จากชื่อหมู่บ้าน",
        "no village-number column (tried {tried}); reading the number from the name",
        "tried",
    ),
    _row(
        "no_point_id_column",
        "note",
        "ไม่พบคอลัมน์{label_th} การนำเข้าซ้ำจะไม่รู้ว่าเป็นจุดเดิม",
        "no {column} column (tried {tried}); re-importing this file will not recognise the same "
        "points",
        "label_th column tried",
    ),
    _row(
        "header_row_moved",
        "note",
        "แถวหัวตารางอยู่ที่แถว {row}",
        "header row is row {row}",
        "row",
    ),
    _row(
        "columns_not_used",
        "note",
        "คอลัมน์ที่ไม่ได้ใช้: {columns}",
        "columns not used: {columns}",
        "columns",
    ),
    # --- the defaults a survey sheet import states once ---
    _row(
        "sheet_default_stream_used",
        "note",
        "{rows} แถวไม่ระบุประเภทขยะ: ถังใหม่จากแถวเหล่านี้ลงทะเบียนเป็นถังขยะ{stream_th} ตามค่าเริ่มต้น "
        "(เปลี่ยนได้ด้วย --default-stream หรือ FIELDSVC_SHEET_DEFAULT_STREAM)",
        "{rows} rows name no waste stream: new bins from them are registered as {stream} "
        "by default (change with --default-stream or FIELDSVC_SHEET_DEFAULT_STREAM)",
        "rows stream_th stream",
    ),
    _row(
        "sheet_default_capacity_used",
        "note",
        "{rows} แถวไม่ระบุขนาดถัง: ถังใหม่จากแถวเหล่านี้ลงทะเบียนขนาด {capacity_l} ลิตร ตามค่าเริ่มต้น "
        "(เปลี่ยนได้ด้วย --default-capacity-l หรือ FIELDSVC_SHEET_DEFAULT_CAPACITY_L)",
        "{rows} rows name no bin size: new bins from them are registered as {capacity_l} L "
        "by default (change with --default-capacity-l or FIELDSVC_SHEET_DEFAULT_CAPACITY_L)",
        "rows capacity_l",
    ),
]
