"""Problems of a Traffy Fondue export (CSV or GeoJSON) read by ``fieldsvc import traffy``."""

from __future__ import annotations

from fieldsvc.problems.model import Problem, Severity, entry

#: The export's columns as Traffy publishes them, for messages.
TRAFFY_COLUMNS = "ticket_id, type, organization, comment, photo, photo_after, coords, address, …"


def _file(key: str, th: str, en: str, params: str = "") -> Problem:
    """A whole file that cannot be used; the message names it."""
    return entry(key, "error", th, en, params=f"file {params}".strip(), status=422)


def _row(key: str, severity: Severity, th: str, en: str, params: str = "") -> Problem:
    return entry(key, severity, th, en, params=params, scope="row")


PROBLEMS = [
    _file(
        "traffy_empty",
        "ไฟล์ '{file}' ว่างเปล่า ต้องการไฟล์ส่งออกของ Traffy Fondue (CSV หรือ GeoJSON)",
        "File '{file}' is empty; expected a Traffy Fondue export (CSV or GeoJSON).",
    ),
    _file(
        "traffy_not_text",
        "ไฟล์ '{file}' ไม่ใช่ข้อความ CSV หรือ GeoJSON ที่อ่านได้ (UTF-8) ต้องการไฟล์ส่งออกของ Traffy Fondue",
        "File '{file}' is not readable CSV or GeoJSON text (UTF-8); expected a Traffy Fondue "
        "export ({detail}).",
        "detail",
    ),
    _file(
        "traffy_columns_missing",
        "ไฟล์ '{file}' ไม่ใช่ไฟล์ส่งออกของ Traffy Fondue: ไม่มีคอลัมน์ {missing} (มี: {columns}) "
        "ต้องการ " + TRAFFY_COLUMNS,
        "File '{file}' is not a Traffy Fondue export: no column {missing} (it has: {columns}); "
        "expected " + TRAFFY_COLUMNS + ".",
        "missing columns",
    ),
    _file(
        "traffy_geojson_invalid",
        "ไฟล์ '{file}' ไม่ใช่ GeoJSON FeatureCollection ที่อ่านได้ ({detail})",
        "File '{file}' is not a readable GeoJSON FeatureCollection ({detail}).",
        "detail",
    ),
    _file(
        "traffy_too_large",
        "ไฟล์ '{file}' ใหญ่เกิน {limit_mb} MB ให้ตัดเฉพาะจังหวัดหรืออำเภอของตำบลก่อนนำเข้า",
        "File '{file}' is larger than {limit_mb} MB; cut it to the subdistrict's province or "
        "district before importing.",
        "limit_mb",
    ),
    _file(
        "traffy_cell_too_large",
        "ไฟล์ '{file}' มีช่องข้อมูลยาวเกิน {limit_kb} KB ที่แถว {row} ไฟล์อาจเสียหาย (เครื่องหมายคำพูดไม่ปิด)",
        "File '{file}' has a cell longer than {limit_kb} KB at row {row}; the file may be "
        "damaged (an unclosed quote).",
        "limit_kb row",
    ),
    entry(
        "traffy_no_boundary",
        "error",
        "ตำบล {subdistrict} ยังไม่มีขอบเขต นำเข้าขอบเขตก่อน (fieldsvc import subdistrict) "
        "จึงจะเลือกเรื่องของ Traffy Fondue ที่อยู่ในตำบลได้",
        "Subdistrict {subdistrict} has no boundary yet; import it first (fieldsvc import "
        "subdistrict) to keep the Traffy Fondue tickets inside it.",
        params="subdistrict",
        code="invalid_input",
    ),
    _row(
        "traffy_coords_malformed",
        "error",
        'พิกัด (coords) อ่านไม่ได้ ต้องเป็น "ลองจิจูด,ละติจูด" เช่น "100.5018,13.7563"',
        'the coordinates (coords) are not readable; expected "lon,lat" such as "100.5018,13.7563"',
    ),
    _row(
        "traffy_coords_swapped",
        "error",
        'พิกัดดูเหมือนสลับกัน (ละติจูด,ลองจิจูด) ต้องเป็น "ลองจิจูด,ละติจูด"',
        'the coordinates look swapped (lat,lon); expected "lon,lat"',
    ),
    _row(
        "traffy_coords_out_of_range",
        "error",
        "พิกัดอยู่นอกช่วง ลองจิจูดต้องอยู่ระหว่าง -180 ถึง 180 และละติจูด -90 ถึง 90",
        "the coordinates are out of range; expected longitude -180 to 180 and latitude -90 to 90",
    ),
    _row(
        "traffy_ticket_id_missing",
        "error",
        "ไม่มีเลขเรื่อง (ticket_id)",
        "no ticket number (ticket_id)",
    ),
    _row(
        "traffy_ticket_id_too_long",
        "error",
        "เลขเรื่อง (ticket_id) ยาวเกิน 40 ตัวอักษร ไม่ใช่เลขเรื่องของ Traffy Fondue (เช่น 2022-FYJTFP)",
        "the ticket number (ticket_id) is longer than 40 characters; expected a Traffy Fondue "
        "ticket such as 2022-FYJTFP",
    ),
    _row(
        "traffy_value_cut",
        "note",
        "ค่า {column} ยาวเกิน {limit} ตัวอักษร จึงตัดให้สั้นลง",
        "the {column} value is longer than {limit} characters and was cut",
        "column limit",
    ),
    _row(
        "traffy_ticket_repeated",
        "note",
        "เลขเรื่องซ้ำกับแถว {first} ใช้แถวหลังสุด",
        "the ticket repeats row {first}; the later row is used",
        "first",
    ),
    _row(
        "traffy_value_unreadable",
        "note",
        "ค่า {column} อ่านไม่ได้ จึงเว้นว่างไว้",
        "the {column} value is not readable and was left blank",
        "column",
    ),
]
