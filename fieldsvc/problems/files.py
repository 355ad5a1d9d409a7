"""Errors of whole files: boundary and point files (``LayerReadError``) and sheets.

Each map-file message names the file and says what was expected, so a CLI, a web handler or
a log prints the same text.
"""

from __future__ import annotations

from typing import Final

from fieldsvc.problems.model import entry

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
