"""Read the cells of a CSV or Excel file into rows, or fail with a clear ``ImportFailed``.

Row ``i`` of the returned table is the row a person sees as number ``i + 1`` in Excel (or
the ``i + 1``-th record of a CSV file). Nothing here knows what the columns mean.
"""

from __future__ import annotations

import codecs
import csv
import io
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from fieldsvc.errors import ImportFailed

CSV_SUFFIXES: Final = frozenset({".csv", ".tsv", ".txt"})
EXCEL_SUFFIXES: Final = frozenset({".xlsx", ".xlsm", ".xls"})
SHEET_SUFFIXES: Final = CSV_SUFFIXES | EXCEL_SUFFIXES

_ZIP_MAGIC: Final = b"PK\x03\x04"
#: An .xlsx is a zip: what it unpacks to is capped before openpyxl opens it (a zip bomb of a
#: few kB can expand to gigabytes). A real survey sheet of 100,000 rows unpacks to ~50 MB.
MAX_XLSX_UNZIPPED_BYTES: Final = 256 << 20
_OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0"  # legacy .xls (BIFF) and other Office 97 files
_EXPECTED_TH: Final = "ไฟล์ Excel (.xlsx) หรือ CSV (UTF-8 หรือ TIS-620) ที่มีแถวหัวตาราง"
_EXPECTED_EN: Final = "an Excel workbook (.xlsx) or a CSV file (UTF-8 or TIS-620) with a header row"


@dataclass(frozen=True)
class SheetTable:
    """The raw cells of one sheet: ``rows[i]`` is the row numbered ``i + 1``."""

    file: str
    rows: list[list[object]]
    sheet: str | None = None
    encoding: str | None = None
    warnings: list[str] = field(default_factory=list)


def sheet_failure(file: str, th: str, en: str, **details: object) -> ImportFailed:
    """An ``ImportFailed`` naming the file and what a sheet import expects."""
    return ImportFailed(
        f"{file}: {en}; expected {_EXPECTED_EN}.",
        message_th=f"{file}: {th} ต้องการ{_EXPECTED_TH}",
        field="path",
        details={"file": file, **details},
    )


def read_sheet_table(
    path: Path, *, encoding: str | None = None, sheet: str | None = None
) -> SheetTable:
    """Return the cells of ``path`` (.csv/.tsv/.txt or .xlsx/.xlsm), choosing by extension.

    Raises
    ------
    ImportFailed
        For a missing, empty, binary, mis-named or unreadable file.
    """
    name = path.name
    if not path.is_file():
        raise sheet_failure(name, "ไม่พบไฟล์", "file not found")
    data = path.read_bytes()
    if not data.strip():
        raise sheet_failure(name, "ไฟล์ว่างเปล่า", "the file is empty", size_bytes=len(data))
    suffix = path.suffix.casefold()
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(name, data, sheet)
    if data.startswith(_ZIP_MAGIC) or data.startswith(_OLE_MAGIC):
        raise sheet_failure(
            name,
            "ไฟล์นี้เป็นไฟล์ Excel แต่ชื่อลงท้ายด้วย " + suffix + " กรุณาเปลี่ยนชื่อเป็น .xlsx",
            f"this is an Excel file named {suffix}; rename it to .xlsx",
        )
    return _read_csv(name, data, encoding)


def _require_reasonable_unzipped_size(name: str, data: bytes) -> None:
    """Refuse a workbook whose parts would unpack to more than the cap (sizes from the zip's
    directory; openpyxl streams members, and a lying directory only makes it stop early)."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # openpyxl reports the damaged file with its own message below
    if unzipped > MAX_XLSX_UNZIPPED_BYTES:
        limit_mb = MAX_XLSX_UNZIPPED_BYTES >> 20
        raise sheet_failure(
            name,
            f"ไฟล์ Excel นี้ขยายออกได้ใหญ่เกิน {limit_mb} MB กรุณาแบ่งเป็นหลายไฟล์",
            f"the workbook unpacks to more than {limit_mb} MB; split it into several files",
            unzipped_bytes=unzipped,
            limit_bytes=MAX_XLSX_UNZIPPED_BYTES,
        )


def _read_excel(name: str, data: bytes, sheet: str | None) -> SheetTable:
    import openpyxl

    if data.startswith(_OLE_MAGIC):
        raise sheet_failure(
            name,
            "เป็นไฟล์ Excel รุ่นเก่า (.xls) กรุณาบันทึกเป็น .xlsx หรือ CSV ก่อน",
            "this is an old-format Excel file (.xls); save it as .xlsx or CSV first",
        )
    if not data.startswith(_ZIP_MAGIC):
        if _looks_like_text(data):
            th = "ไม่ใช่ไฟล์ Excel (.xlsx) แต่เป็นไฟล์ข้อความ หากเป็น CSV กรุณาเปลี่ยนชื่อเป็น .csv"
            en = "this is not an Excel workbook but text; if it is a CSV file, rename it to .csv"
        else:
            th, en = "ไม่ใช่ไฟล์ Excel (.xlsx)", "this is not an Excel workbook"
        raise sheet_failure(name, th, en)
    _require_reasonable_unzipped_size(name, data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about unsupported extensions
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a damaged zip or XML fails in many ways; all mean "unreadable"
        raise sheet_failure(
            name,
            "อ่านไฟล์ Excel ไม่ได้ ไฟล์อาจเสียหาย",
            f"cannot read the Excel workbook, it may be damaged ({type(exc).__name__})",
        ) from exc
    try:
        names = list(book.sheetnames)
        if not names:
            raise sheet_failure(name, "ไม่มีแผ่นงาน", "the workbook has no sheets")
        chosen = _choose_sheet(name, names, sheet)
        worksheet = book[chosen]
        if hasattr(worksheet, "reset_dimensions"):
            worksheet.reset_dimensions()  # some writers store wrong dimensions
        try:
            rows = [list(row) for row in worksheet.iter_rows(values_only=True)]
        except Exception as exc:
            raise sheet_failure(
                name,
                f"อ่านแผ่นงาน '{chosen}' ไม่ได้",
                f"cannot read sheet '{chosen}' ({type(exc).__name__})",
            ) from exc
    finally:
        book.close()
    return SheetTable(file=name, rows=rows, sheet=chosen)


def _choose_sheet(file: str, names: list[str], sheet: str | None) -> str:
    if sheet is None:
        return names[0]
    if sheet in names:
        return sheet
    folded = {n.strip().casefold(): n for n in names}
    if sheet.strip().casefold() in folded:
        return folded[sheet.strip().casefold()]
    if sheet.isdigit() and 1 <= int(sheet) <= len(names):
        return names[int(sheet) - 1]
    raise sheet_failure(
        file,
        f"ไม่พบแผ่นงาน '{sheet}' (มี: {', '.join(names)})",
        f"there is no sheet '{sheet}' (it has: {', '.join(names)})",
        sheets=names,
    )


def _looks_like_text(data: bytes) -> bool:
    sample = data[:4096]
    return b"\x00" not in sample and (b"," in sample or b"\n" in sample or b";" in sample)


def _decode(name: str, data: bytes, encoding: str | None) -> tuple[str, str, list[str]]:
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError as exc:
            raise sheet_failure(
                name,
                f"ไม่รู้จักรหัสอักขระ '{encoding}' (ลอง utf-8 หรือ cp874)",
                f"unknown text encoding '{encoding}' (try utf-8 or cp874)",
            ) from exc
        try:
            return data.decode(encoding), encoding, []
        except UnicodeDecodeError as exc:
            raise sheet_failure(
                name,
                f"ข้อความในไฟล์ไม่ใช่รหัสอักขระ {encoding} ที่ระบุ (ลอง utf-8 หรือ cp874)",
                f"the text is not in the {encoding} encoding that was given "
                f"(byte {exc.start}; try utf-8 or cp874)",
            ) from exc
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel "Unicode text"
        return data.decode("utf-16"), "utf-16", []
    if b"\x00" in data[:4096]:
        raise sheet_failure(name, "ไม่ใช่ไฟล์ข้อความ/CSV", "this is not a text (CSV) file")
    try:
        return data.decode("utf-8-sig"), "utf-8", []
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp874")
    except UnicodeDecodeError as exc:
        raise sheet_failure(
            name,
            "อ่านข้อความไม่ได้ทั้งแบบ UTF-8 และ TIS-620 (cp874) ระบุรหัสอักขระด้วย --encoding",
            "the text is neither UTF-8 nor TIS-620 (cp874); give it with --encoding",
        ) from exc
    note = "อ่านไฟล์เป็นรหัสอักขระ TIS-620 (cp874) / read the file as TIS-620 (cp874)"
    return text, "cp874", [note]


def _delimiter(text: str) -> str:
    # Excel in a Thai locale writes commas; Kobo's legacy exports use semicolons; "Unicode
    # text" uses tabs. The delimiter seen most often on one of the first lines wins.
    lines = text.splitlines()[:10]
    counts = {d: max((line.count(d) for line in lines), default=0) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _read_csv(name: str, data: bytes, encoding: str | None) -> SheetTable:
    text, used, notes = _decode(name, data, encoding)
    text = text.lstrip("\ufeff")
    try:
        rows: list[list[object]] = [
            list(row)
            for row in csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
        ]
    except csv.Error as exc:
        raise sheet_failure(
            name, "รูปแบบ CSV ไม่ถูกต้อง", f"the CSV text is malformed ({exc})"
        ) from exc
    return SheetTable(file=name, rows=rows, encoding=used, warnings=notes)
