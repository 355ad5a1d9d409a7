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
from fieldsvc.problems import render

CSV_SUFFIXES: Final = frozenset({".csv", ".tsv", ".txt"})
EXCEL_SUFFIXES: Final = frozenset({".xlsx", ".xlsm", ".xls"})
SHEET_SUFFIXES: Final = CSV_SUFFIXES | EXCEL_SUFFIXES

_ZIP_MAGIC: Final = b"PK\x03\x04"
#: An .xlsx is a zip: what it unpacks to is capped before openpyxl opens it (a zip bomb of a
#: few kB can expand to gigabytes). A real survey sheet of 100,000 rows unpacks to ~50 MB.
MAX_XLSX_UNZIPPED_BYTES: Final = 256 << 20
_OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0"  # legacy .xls (BIFF) and other Office 97 files


@dataclass(frozen=True)
class SheetTable:
    """The raw cells of one sheet: ``rows[i]`` is the row numbered ``i + 1``."""

    file: str
    rows: list[list[object]]
    sheet: str | None = None
    encoding: str | None = None
    warnings: list[str] = field(default_factory=list)


def sheet_failure(
    key: str, file: str, /, *, details: dict[str, object] | None = None, **params: object
) -> ImportFailed:
    """An ``ImportFailed`` naming the file, what is wrong with it (the catalogue's ``key``,
    filled with ``params``) and what a sheet import expects."""
    what_th, what_en = render(key, **params)
    return ImportFailed.of(
        "sheet_unusable",
        field="path",
        details={"file": file, **(details or {})},
        file=file,
        what_th=what_th,
        what_en=what_en,
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
        raise sheet_failure("sheet_file_missing", name)
    data = path.read_bytes()
    if not data.strip():
        raise sheet_failure("sheet_file_empty", name, details={"size_bytes": len(data)})
    suffix = path.suffix.casefold()
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(name, data, sheet)
    if data.startswith(_ZIP_MAGIC) or data.startswith(_OLE_MAGIC):
        raise sheet_failure("sheet_excel_misnamed", name, suffix=suffix)
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
        raise sheet_failure(
            "sheet_unzips_too_large",
            name,
            details={"unzipped_bytes": unzipped, "limit_bytes": MAX_XLSX_UNZIPPED_BYTES},
            limit_mb=MAX_XLSX_UNZIPPED_BYTES >> 20,
        )


def _read_excel(name: str, data: bytes, sheet: str | None) -> SheetTable:
    import openpyxl

    if data.startswith(_OLE_MAGIC):
        raise sheet_failure("sheet_old_excel", name)
    if not data.startswith(_ZIP_MAGIC):
        if _looks_like_text(data):
            raise sheet_failure("sheet_text_named_excel", name)
        raise sheet_failure("sheet_not_excel", name)
    _require_reasonable_unzipped_size(name, data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about unsupported extensions
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a damaged zip or XML fails in many ways; all mean "unreadable"
        raise sheet_failure("sheet_excel_unreadable", name, kind=type(exc).__name__) from exc
    try:
        names = list(book.sheetnames)
        if not names:
            raise sheet_failure("sheet_no_sheets", name)
        chosen = _choose_sheet(name, names, sheet)
        worksheet = book[chosen]
        if hasattr(worksheet, "reset_dimensions"):
            worksheet.reset_dimensions()  # some writers store wrong dimensions
        try:
            rows = [list(row) for row in worksheet.iter_rows(values_only=True)]
        except Exception as exc:
            raise sheet_failure(
                "sheet_unreadable", name, sheet=chosen, kind=type(exc).__name__
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
        "sheet_not_found",
        file,
        details={"sheets": names},
        sheet=sheet,
        sheets=", ".join(names),
    )


def _looks_like_text(data: bytes) -> bool:
    sample = data[:4096]
    return b"\x00" not in sample and (b"," in sample or b"\n" in sample or b";" in sample)


def _decode(name: str, data: bytes, encoding: str | None) -> tuple[str, str, list[str]]:
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError as exc:
            raise sheet_failure("sheet_encoding_unknown", name, encoding=encoding) from exc
        try:
            return data.decode(encoding), encoding, []
        except UnicodeDecodeError as exc:
            raise sheet_failure(
                "sheet_encoding_mismatch", name, encoding=encoding, byte=exc.start
            ) from exc
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel "Unicode text"
        return data.decode("utf-16"), "utf-16", []
    if b"\x00" in data[:4096]:
        raise sheet_failure("sheet_not_text", name)
    try:
        return data.decode("utf-8-sig"), "utf-8", []
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp874")
    except UnicodeDecodeError as exc:
        raise sheet_failure("sheet_encoding_unguessed", name) from exc
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
        raise sheet_failure("sheet_csv_malformed", name, reason=exc) from exc
    return SheetTable(file=name, rows=rows, encoding=used, warnings=notes)
