"""Errors raised while reading boundary and point files, with stable codes.

Each code has one bilingual message template (Thai first, English second) that names the
file and says what was expected, so a CLI, a web handler or a log prints the same text.
"""

from __future__ import annotations

from typing import Final

from fieldsvc.errors import ImportFailed

SUPPORTED_FORMATS_TH: Final = "GeoJSON, GeoPackage, Shapefile (.shp หรือ .zip) หรือ KML/KMZ"
SUPPORTED_FORMATS_EN: Final = "GeoJSON, GeoPackage, Shapefile (.shp or .zip) or KML/KMZ"

# code -> (Thai template, English template); placeholders are filled by LayerReadError.
MESSAGES: Final[dict[str, tuple[str, str]]] = {
    "file_not_found": (
        "ไม่พบไฟล์ '{file}'",
        "File '{file}' does not exist.",
    ),
    "empty_file": (
        "ไฟล์ '{file}' ว่างเปล่า (0 ไบต์) ต้องการไฟล์แผนที่ " + SUPPORTED_FORMATS_TH,
        "File '{file}' is empty (0 bytes); expected a map file: " + SUPPORTED_FORMATS_EN + ".",
    ),
    "unsupported_format": (
        "ไฟล์ '{file}' ไม่ใช่รูปแบบที่รองรับ{hint_th} ต้องการ " + SUPPORTED_FORMATS_TH,
        "File '{file}' is not a supported format{hint_en}; expected " + SUPPORTED_FORMATS_EN + ".",
    ),
    "unreadable_file": (
        "อ่านไฟล์ '{file}' ไม่ได้ ไฟล์อาจเสียหายหรือไม่ใช่ไฟล์แผนที่ ต้องการ " + SUPPORTED_FORMATS_TH,
        "Cannot read file '{file}': it is damaged or not a map file ({detail}); expected "
        + SUPPORTED_FORMATS_EN
        + ".",
    ),
    "no_shapefile_in_zip": (
        "ไฟล์ zip '{file}' ไม่มีไฟล์ .shp (พบ: {found}) ต้องการ zip ที่มี .shp .shx .dbf และ .prj",
        "Zip file '{file}' holds no .shp file (found: {found}); expected a zip with the "
        ".shp, .shx, .dbf and .prj of one shapefile.",
    ),
    "zip_too_large": (
        "ไฟล์ zip '{file}' เมื่อแตกออกใหญ่เกิน {limit_mb} MB",
        "Zip file '{file}' unpacks to more than {limit_mb} MB.",
    ),
    "ambiguous_layer": (
        "ไฟล์ '{file}' มีหลายชั้นข้อมูล ({layers}) กรุณาเลือกชั้นข้อมูลด้วยตัวเลือก layer",
        "File '{file}' holds several layers ({layers}); choose one with the layer option.",
    ),
    "layer_not_found": (
        "ไม่พบชั้นข้อมูล '{layer}' ในไฟล์ '{file}' (มี: {layers})",
        "Layer '{layer}' is not in file '{file}' (it has: {layers}).",
    ),
    "no_features": (
        "ไฟล์ '{file}' ไม่มีข้อมูลรูปแปลงหรือจุดเลย ต้องการอย่างน้อยหนึ่งรายการ",
        "File '{file}' has no features; expected at least one.",
    ),
    "unknown_crs": (
        "ไฟล์ '{file}' {why_th} พิกัดดูเหมือนเป็นเมตร (ขอบเขต {bounds}) "
        "กรุณาระบุระบบพิกัดด้วย --crs เช่น EPSG:32647 (UTM 47N) หรือ EPSG:24047 (Indian 1975 / UTM 47N)",
        "File '{file}' {why_en} and its coordinates look like metres (bounds {bounds}); "
        "give the coordinate system with --crs, e.g. EPSG:32647 (UTM 47N) or "
        "EPSG:24047 (Indian 1975 / UTM 47N).",
    ),
    "invalid_crs": (
        "ระบบพิกัด '{crs}' ที่ระบุสำหรับไฟล์ '{file}' ไม่ถูกต้อง ต้องการรหัส EPSG เช่น EPSG:32647",
        "Coordinate system '{crs}' given for file '{file}' is not valid; expected an EPSG "
        "code such as EPSG:32647.",
    ),
    "encoding_mismatch": (
        "ข้อความในไฟล์ '{file}' ไม่ใช่รหัสอักขระ {encoding} ที่ระบุ ลอง cp874 (TIS-620) หรือ UTF-8",
        "Text in file '{file}' is not in the {encoding} encoding that was given; "
        "try cp874 (TIS-620) or UTF-8.",
    ),
    "field_not_found": (
        "ไม่พบคอลัมน์ '{field}' ({role_th}) ในไฟล์ '{file}' (มี: {columns})",
        "Column '{field}' ({role_en}) is not in file '{file}' (it has: {columns}).",
    ),
}


class LayerReadError(ImportFailed):
    """A boundary or point file cannot be read; never raised for a single bad row.

    An ``ImportFailed`` (HTTP 422 in the API, a clean message in the CLI) whose ``code``
    says which problem it is.

    Parameters
    ----------
    code : str
        Stable machine-readable code, a key of ``MESSAGES`` (e.g. ``"empty_file"``).
    file : str
        The file name as the user knows it (no temporary paths).
    **params : object
        Values for the message templates.

    Attributes
    ----------
    code, file : str
    message_th, message_en : str
        The Thai and English messages; ``str(error)`` is both, Thai first.
    details : dict
        ``{"file": ..., **params}`` for the API's error body.

    Examples
    --------
    >>> err = LayerReadError("empty_file", file="villages.shp")
    >>> err.code
    'empty_file'
    >>> "villages.shp" in err.message_en
    True
    """

    def __init__(self, code: str, *, file: str, **params: object) -> None:
        template_th, template_en = MESSAGES[code]
        values: dict[str, object] = {
            "hint_th": "",
            "hint_en": "",
            "detail": "",
            "why_th": "ไม่ระบุระบบพิกัด",
            "why_en": "has no coordinate system",
            **params,
            "file": file,
        }
        super().__init__(
            template_en.format(**values),
            message_th=template_th.format(**values),
            details={"file": file, **{k: str(v) for k, v in params.items()}},
        )
        self.code = code  # the specific problem, shadowing ImportFailed's generic code
        self.file = file

    def __str__(self) -> str:
        return f"{self.message_th}\n{self.message_en}"
