"""Errors of whole files: boundary and point files (``LayerReadError``) and sheets.

Each map-file message names the file and says what was expected, so a CLI, a web handler or
a log prints the same text.
"""

from __future__ import annotations

from typing import Final

from fieldsvc.problems.model import Problem, entry

SUPPORTED_FORMATS_TH: Final = "GeoJSON, GeoPackage, Shapefile (.shp หรือ .zip) หรือ KML/KMZ"
SUPPORTED_FORMATS_EN: Final = "GeoJSON, GeoPackage, Shapefile (.shp or .zip) or KML/KMZ"

PROBLEMS = [
    entry(
        "file_not_found",
        "error",
        "ไม่พบไฟล์ '{file}'",
        "File '{file}' does not exist.",
        params="file",
        status=422,
    ),
    entry(
        "empty_file",
        "error",
        "ไฟล์ '{file}' ว่างเปล่า (0 ไบต์) ต้องการไฟล์แผนที่ " + SUPPORTED_FORMATS_TH,
        "File '{file}' is empty (0 bytes); expected a map file: " + SUPPORTED_FORMATS_EN + ".",
        params="file",
        status=422,
    ),
    entry(
        "unsupported_format",
        "error",
        "ไฟล์ '{file}' ไม่ใช่รูปแบบที่รองรับ{hint_th} ต้องการ " + SUPPORTED_FORMATS_TH,
        "File '{file}' is not a supported format{hint_en}; expected " + SUPPORTED_FORMATS_EN + ".",
        params="file hint_th hint_en",
        defaults={"hint_th": "", "hint_en": ""},
        status=422,
    ),
    entry(
        "unreadable_file",
        "error",
        "อ่านไฟล์ '{file}' ไม่ได้ ไฟล์อาจเสียหายหรือไม่ใช่ไฟล์แผนที่ ต้องการ " + SUPPORTED_FORMATS_TH,
        "Cannot read file '{file}': it is damaged or not a map file ({detail}); expected "
        + SUPPORTED_FORMATS_EN
        + ".",
        params="file detail",
        defaults={"detail": ""},
        status=422,
    ),
    entry(
        "no_shapefile_in_zip",
        "error",
        "ไฟล์ zip '{file}' ไม่มีไฟล์ .shp (พบ: {found}) ต้องการ zip ที่มี .shp .shx .dbf และ .prj",
        "Zip file '{file}' holds no .shp file (found: {found}); expected a zip with the "
        ".shp, .shx, .dbf and .prj of one shapefile.",
        params="file found",
        status=422,
    ),
    entry(
        "zip_too_large",
        "error",
        "ไฟล์ zip '{file}' เมื่อแตกออกใหญ่เกิน {limit_mb} MB",
        "Zip file '{file}' unpacks to more than {limit_mb} MB.",
        params="file limit_mb",
        status=422,
    ),
    entry(
        "ambiguous_layer",
        "error",
        "ไฟล์ '{file}' มีหลายชั้นข้อมูล ({layers}) กรุณาเลือกชั้นข้อมูลด้วยตัวเลือก layer",
        "File '{file}' holds several layers ({layers}); choose one with the layer option.",
        params="file layers",
        status=422,
    ),
    entry(
        "layer_not_found",
        "error",
        "ไม่พบชั้นข้อมูล '{layer}' ในไฟล์ '{file}' (มี: {layers})",
        "Layer '{layer}' is not in file '{file}' (it has: {layers}).",
        params="layer file layers",
        status=422,
    ),
    entry(
        "no_features",
        "error",
        "ไฟล์ '{file}' ไม่มีข้อมูลรูปแปลงหรือจุดเลย ต้องการอย่างน้อยหนึ่งรายการ",
        "File '{file}' has no features; expected at least one.",
        params="file",
        status=422,
    ),
    entry(
        "unknown_crs",
        "error",
        "ไฟล์ '{file}' {why_th} พิกัดดูเหมือนเป็นเมตร (ขอบเขต {bounds}) "
        "กรุณาระบุระบบพิกัดด้วย --crs เช่น EPSG:32647 (UTM 47N) หรือ EPSG:24047 (Indian 1975 / UTM 47N)",
        "File '{file}' {why_en} and its coordinates look like metres (bounds {bounds}); "
        "give the coordinate system with --crs, e.g. EPSG:32647 (UTM 47N) or "
        "EPSG:24047 (Indian 1975 / UTM 47N).",
        params="file bounds why_th why_en",
        defaults={"why_th": "ไม่ระบุระบบพิกัด", "why_en": "has no coordinate system"},
        status=422,
    ),
    entry(
        "invalid_crs",
        "error",
        "ระบบพิกัด '{crs}' ที่ระบุสำหรับไฟล์ '{file}' ไม่ถูกต้อง ต้องการรหัส EPSG เช่น EPSG:32647",
        "Coordinate system '{crs}' given for file '{file}' is not valid; expected an EPSG "
        "code such as EPSG:32647.",
        params="crs file",
        status=422,
    ),
    entry(
        "encoding_mismatch",
        "error",
        "ข้อความในไฟล์ '{file}' ไม่ใช่รหัสอักขระ {encoding} ที่ระบุ ลอง cp874 (TIS-620) หรือ UTF-8",
        "Text in file '{file}' is not in the {encoding} encoding that was given; "
        "try cp874 (TIS-620) or UTF-8.",
        params="file encoding",
        status=422,
    ),
    entry(
        "field_not_found",
        "error",
        "ไม่พบคอลัมน์ '{field}' ({role_th}) ในไฟล์ '{file}' (มี: {columns})",
        "Column '{field}' ({role_en}) is not in file '{file}' (it has: {columns}).",
        params="field file role_th role_en columns",
        status=422,
    ),
]

# --- survey sheets (Excel/CSV): "<file>: <what is wrong>; expected <a readable sheet>" ---
_SHEET_TH: Final = "ไฟล์ Excel (.xlsx) หรือ CSV (UTF-8 หรือ TIS-620) ที่มีแถวหัวตาราง"
_SHEET_EN: Final = "an Excel workbook (.xlsx) or a CSV file (UTF-8 or TIS-620) with a header row"


def _sheet(key: str, th: str, en: str, params: str = "") -> Problem:
    """What is wrong with a sheet file: the ``what_th``/``what_en`` of ``sheet_unusable``."""
    return entry(key, "error", th, en, params=params, code="import_failed")


PROBLEMS += [
    entry(
        "sheet_unusable",
        "error",
        "{file}: {what_th} ต้องการ" + _SHEET_TH,
        "{file}: {what_en}; expected " + _SHEET_EN + ".",
        params="file what_th what_en",
        code="import_failed",
    ),
    _sheet("sheet_file_missing", "ไม่พบไฟล์", "file not found"),
    _sheet("sheet_file_empty", "ไฟล์ว่างเปล่า", "the file is empty"),
    _sheet(
        "sheet_excel_misnamed",
        "ไฟล์นี้เป็นไฟล์ Excel แต่ชื่อลงท้ายด้วย {suffix} กรุณาเปลี่ยนชื่อเป็น .xlsx",
        "this is an Excel file named {suffix}; rename it to .xlsx",
        "suffix",
    ),
    _sheet(
        "sheet_old_excel",
        "เป็นไฟล์ Excel รุ่นเก่า (.xls) กรุณาบันทึกเป็น .xlsx หรือ CSV ก่อน",
        "this is an old-format Excel file (.xls); save it as .xlsx or CSV first",
    ),
    _sheet(
        "sheet_text_named_excel",
        "ไม่ใช่ไฟล์ Excel (.xlsx) แต่เป็นไฟล์ข้อความ หากเป็น CSV กรุณาเปลี่ยนชื่อเป็น .csv",
        "this is not an Excel workbook but text; if it is a CSV file, rename it to .csv",
    ),
    _sheet("sheet_not_excel", "ไม่ใช่ไฟล์ Excel (.xlsx)", "this is not an Excel workbook"),
    _sheet(
        "sheet_unzips_too_large",
        "ไฟล์ Excel นี้ขยายออกได้ใหญ่เกิน {limit_mb} MB กรุณาแบ่งเป็นหลายไฟล์",
        "the workbook unpacks to more than {limit_mb} MB; split it into several files",
        "limit_mb",
    ),
    _sheet(
        "sheet_excel_unreadable",
        "อ่านไฟล์ Excel ไม่ได้ ไฟล์อาจเสียหาย",
        "cannot read the Excel workbook, it may be damaged ({kind})",
        "kind",
    ),
    _sheet("sheet_no_sheets", "ไม่มีแผ่นงาน", "the workbook has no sheets"),
    _sheet(
        "sheet_unreadable",
        "อ่านแผ่นงาน '{sheet}' ไม่ได้",
        "cannot read sheet '{sheet}' ({kind})",
        "sheet kind",
    ),
    _sheet(
        "sheet_not_found",
        "ไม่พบแผ่นงาน '{sheet}' (มี: {sheets})",
        "there is no sheet '{sheet}' (it has: {sheets})",
        "sheet sheets",
    ),
    _sheet(
        "sheet_encoding_unknown",
        "ไม่รู้จักรหัสอักขระ '{encoding}' (ลอง utf-8 หรือ cp874)",
        "unknown text encoding '{encoding}' (try utf-8 or cp874)",
        "encoding",
    ),
    _sheet(
        "sheet_encoding_mismatch",
        "ข้อความในไฟล์ไม่ใช่รหัสอักขระ {encoding} ที่ระบุ (ลอง utf-8 หรือ cp874)",
        "the text is not in the {encoding} encoding that was given "
        "(byte {byte}; try utf-8 or cp874)",
        "encoding byte",
    ),
    _sheet("sheet_not_text", "ไม่ใช่ไฟล์ข้อความ/CSV", "this is not a text (CSV) file"),
    _sheet(
        "sheet_encoding_unguessed",
        "อ่านข้อความไม่ได้ทั้งแบบ UTF-8 และ TIS-620 (cp874) ระบุรหัสอักขระด้วย --encoding",
        "the text is neither UTF-8 nor TIS-620 (cp874); give it with --encoding",
    ),
    _sheet(
        "sheet_csv_malformed", "รูปแบบ CSV ไม่ถูกต้อง", "the CSV text is malformed ({reason})", "reason"
    ),
    _sheet(
        "sheet_no_rows",
        "ไม่มีข้อมูลใต้แถวหัวตาราง (แถว {row})",
        "there are no rows under the header row (row {row})",
        "row",
    ),
    _sheet("sheet_empty", "แผ่นงานว่างเปล่า", "the sheet is empty"),
    _sheet(
        "sheet_no_header",
        "ไม่พบแถวหัวตารางใน {rows} แถวแรก (เช่น รหัสถัง, ละติจูด, ลองจิจูด, สภาพ) แถวแรกมี: {seen}",
        "no header row in the first {rows} rows (such as bin_code, latitude, "
        "longitude, condition); the first row has: {seen}",
        "rows seen",
    ),
    entry(
        "sheet_columns_missing",
        "error",
        "{file}: ไม่พบคอลัมน์ {missing_th}",
        "{file}: no column for {missing_en}; the header row has: {headers}",
        params="file missing_th missing_en headers",
        code="import_failed",
    ),
    # --- what an import needs besides its file ---
    entry(
        "subdistrict_missing",
        "error",
        "ยังไม่มีข้อมูลตำบล: โปรดระบุ --subdistrict-code และ --subdistrict-name",
        "No subdistrict yet: give --subdistrict-code and --subdistrict-name",
        code="invalid_input",
    ),
    # --- files written: tables and documents ---
    entry(
        "table_without_geometry",
        "error",
        "ตารางนี้ไม่มีพิกัด บันทึกเป็น .csv หรือ .xlsx",
        "this table has no geometry; write .csv or .xlsx",
        code="invalid_input",
    ),
    entry(
        "table_type_unknown",
        "error",
        "ไม่รู้จักชนิดไฟล์ {suffix} ใช้ได้: {allowed}",
        "unknown output type {suffix!r}; use one of {allowed}",
        params="suffix allowed",
        code="invalid_input",
    ),
    entry(
        "document_format_unknown",
        "error",
        "ไม่รู้จักรูปแบบไฟล์ {chosen!r} ใช้ได้: {allowed}",
        "unknown export format {chosen!r}; use --format {choices}",
        params="chosen allowed choices",
        code="invalid_input",
    ),
    entry(
        "register_export_staff_only",
        "error",
        "ไฟล์ GeoPackage ของทะเบียนถังขยะดาวน์โหลดได้เฉพาะเจ้าหน้าที่กองสาธารณสุขและผู้ดูแลระบบ "
        "ข้อมูลเปิดสาธารณะอยู่ที่หน้า /public",
        "Only health-division staff and admins download the register GeoPackage; the open data "
        "is on /public",
        code="forbidden",
    ),
]
