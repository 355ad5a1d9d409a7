"""Small openpyxl helpers: a title block, a formatted table, totals that every reader sees.

openpyxl writes formulas without their result, so a reader that does not calculate
(pandas, openpyxl ``data_only=True``, phone previewers) would see empty totals. The workbook
here keeps the formulas (Excel recalculates them on opening) and also stores each formula's
value in the file, computed by us from the same numbers.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from fieldsvc.reports.cells import set_text_cell

COUNT = "#,##0"
DECIMAL = "#,##0.0"
BAHT = "#,##0.00"
SHARE = "0.0%"
COORD = "0.000000"

_THIN = Side(style="thin", color="999999")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
_TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    number_format: str | None = None
    total: bool = False  # a SUM in the totals row


@dataclass
class CachedFormulas:
    """Formula cells whose value we know, to be stored next to the formula on save."""

    values: dict[tuple[str, str], float] = field(default_factory=dict)

    def add(self, sheet: Worksheet, ref: str, formula: str, value: float) -> None:
        sheet[ref] = formula
        self.values[(sheet.title, ref)] = value


def display_width(text: str) -> int:
    """Columns a text takes: Thai vowels and tone marks above/below take no width."""
    return sum(1 for ch in text if unicodedata.category(ch) not in ("Mn", "Me", "Cf"))


def title_block(sheet: Worksheet, lines: Sequence[str], *, width: int) -> int:
    """Title lines at the top (first one larger, bold), merged across the table width.

    Returns the next free row.
    """
    for i, text in enumerate(lines, start=1):
        sheet.cell(row=i, column=1, value=text)
        sheet.cell(row=i, column=1).font = Font(bold=i <= 2, size=14 if i == 1 else 12)
        sheet.cell(row=i, column=1).alignment = Alignment(vertical="center")
        if width > 1:
            sheet.merge_cells(start_row=i, start_column=1, end_row=i, end_column=width)
    return len(lines) + 2


def write_table(
    sheet: Worksheet,
    columns: Sequence[Column],
    rows: Iterable[dict[str, Any]],
    *,
    start_row: int,
    cached: CachedFormulas | None = None,
    total_label: str | None = "รวมทั้งสิ้น",
    freeze: bool = True,
    min_widths: dict[str, int] | None = None,
) -> int:
    """A header row, one row per item, and a totals row with SUM formulas.

    Returns the row number of the totals row (or of the last row when there are no totals).
    """
    header_row = start_row
    for c, column in enumerate(columns, start=1):
        cell = set_text_cell(sheet.cell(row=header_row, column=c), column.header)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.border = _BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    widths = [max(8, min(display_width(col.header) + 2, 24)) for col in columns]
    sums = [0.0] * len(columns)
    r = header_row
    for r, row in enumerate(rows, start=header_row + 1):
        for c, column in enumerate(columns, start=1):
            value = row.get(column.key)
            if isinstance(value, float) and value != value:
                value = None
            cell = set_text_cell(sheet.cell(row=r, column=c), value)
            cell.border = _BOX
            if column.number_format and isinstance(value, int | float):
                cell.number_format = column.number_format
            if column.total and isinstance(value, int | float):
                sums[c - 1] += float(value)
            shown = f"{value:,.2f}" if isinstance(value, float) else str(value or "")
            widths[c - 1] = max(widths[c - 1], min(display_width(shown) + 2, 45))
    first, last = header_row + 1, r
    if freeze:
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    for c, width in enumerate(widths, start=1):
        key = columns[c - 1].key
        width = max(width, (min_widths or {}).get(key, 0))
        sheet.column_dimensions[get_column_letter(c)].width = width
    sheet.row_dimensions[header_row].height = 36
    if total_label is None or not any(col.total for col in columns):
        return last
    total_row = last + 1
    label = sheet.cell(row=total_row, column=1, value=total_label)
    label.font = Font(bold=True)
    for c, column in enumerate(columns, start=1):
        cell = sheet.cell(row=total_row, column=c)
        cell.fill = _TOTAL_FILL
        cell.border = _BOX
        if not column.total:
            continue
        letter = get_column_letter(c)
        formula = f"=SUM({letter}{first}:{letter}{last})" if last >= first else "=0"
        if cached is not None:
            cached.add(sheet, f"{letter}{total_row}", formula, sums[c - 1])
        else:
            cell.value = formula
        cell.font = Font(bold=True)
        cell.number_format = column.number_format or COUNT
    return total_row


_VALUE = r'(<c r="{ref}"[^>]*>\s*<f>[^<]*</f>)\s*(?:<v\s*/>|<v>[^<]*</v>)?'


def save_workbook(workbook: Workbook, cached: CachedFormulas | None = None) -> bytes:
    """The workbook as bytes, each known formula result stored beside its formula."""
    workbook.calculation.fullCalcOnLoad = True  # Excel/LibreOffice recompute on opening
    buffer = io.BytesIO()
    workbook.save(buffer)
    if not cached or not cached.values:
        return buffer.getvalue()
    parts = {ws.title: f"xl/worksheets/sheet{i}.xml" for i, ws in enumerate(workbook, start=1)}
    by_part: dict[str, list[tuple[str, float]]] = {}
    for (title, ref), value in cached.values.items():
        by_part.setdefault(parts[title], []).append((ref, value))
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename in by_part:
                xml = data.decode("utf-8")
                for ref, value in by_part[info.filename]:
                    pattern = re.compile(_VALUE.format(ref=ref))
                    xml, n = pattern.subn(rf"\1<v>{float(value)!r}</v>", xml)
                    if n != 1:
                        raise RuntimeError(f"formula cell {ref} not found in {info.filename}")
                data = xml.encode("utf-8")
            target.writestr(info, data)
    return out.getvalue()
