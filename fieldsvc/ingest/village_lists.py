"""What the per-village lists (village centres, house counts) share: a CSV/Excel table whose
header may come after a title line, one village per row named by its 8-digit DOPA code
(``CCAATTMM``) or its number (หมู่ที่)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from fieldsvc.ingest.columns import FieldRole, column_key, find_column
from fieldsvc.ingest.report import NoteCollector
from fieldsvc.ingest.sheet_files import read_sheet_table
from fieldsvc.ingest.values import (
    MAX_VILLAGE_NUMBER,
    arabic_digits,
    clean_text,
    is_blank,
    parse_village_number,
)
from fieldsvc.problems import render

_VILLAGE_CODE: Final = re.compile(r"^\d{8}$")


@dataclass(frozen=True)
class VillageList:
    """The rows of a village list, each as its values by role (blank rows left out).

    ``rows`` holds ``(row number as a person counts rows in the sheet, values)``; ``picked``
    is the column chosen for each role (None when the file has none).
    """

    headers: list[str]
    picked: dict[str, str | None]
    rows: list[tuple[int, dict[str, object]]]
    warnings: list[str] = field(default_factory=list)

    def field_map(self) -> dict[str, str]:
        """The columns found, by role, for the import report."""
        return {role: column for role, column in self.picked.items() if column is not None}


def read_village_list(
    path: Path,
    fields: Mapping[str, FieldRole],
    *,
    encoding: str | None = None,
    sheet: str | None = None,
) -> VillageList:
    """Read a CSV/Excel village list, finding the header and a column for each of ``fields``."""
    table = read_sheet_table(path, encoding=encoding, sheet=sheet)
    header_at = _header_row(table.rows, fields)
    headers = [clean_text(v) or f"column_{i + 1}" for i, v in enumerate(table.rows[header_at])]
    picked = {
        role: find_column(headers, wanted, given=None, file=path.name)
        for role, wanted in fields.items()
    }
    index = {name: i for i, name in enumerate(headers)}
    rows = []
    for offset, cells in enumerate(table.rows[header_at + 1 :]):
        values = {role: _cell(cells, index, column) for role, column in picked.items()}
        if not all(is_blank(v) for v in values.values()):
            rows.append((header_at + offset + 2, values))
    return VillageList(headers, picked, rows, list(table.warnings))


def _header_row(rows: list[list[object]], fields: Mapping[str, FieldRole]) -> int:
    """The first row naming a known column (a title line may come before the header)."""
    keys = {column_key(c) for role in fields.values() for c in role.candidates}
    for index, row in enumerate(rows[:20]):
        if any(not is_blank(v) and column_key(str(v)) in keys for v in row):
            return index
    return 0


def _cell(cells: list[object], index: dict[str, int], column: str | None) -> object:
    if column is None or index[column] >= len(cells):
        return None
    return cells[index[column]]


class RowRejected(Exception):
    """A row left out of the import: why (Thai, English) and the value at fault."""

    def __init__(self, why: tuple[str, str], value: str | None) -> None:
        super().__init__(why[1])
        self.why = why
        self.value = value

    def note(self, row: int, notes: NoteCollector) -> None:
        """Record the rejection in the import report."""
        notes.reject(row, *self.why, self.value, None)


def village_code(value: object) -> str | None:
    """The 8-digit DOPA village code of a cell (Thai digits and spaces allowed), None if empty.

    Raises
    ------
    RowRejected
        The cell holds something that is not such a code.
    """
    code = clean_text(value)
    if code is None:
        return None
    code = arabic_digits(code).replace(" ", "")
    if _VILLAGE_CODE.fullmatch(code) is None:
        raise RowRejected(render("centre_code_invalid"), code)
    return code


def village_number(value: object) -> int | None:
    """The village number (หมู่ที่) of a cell, None if empty.

    Raises
    ------
    RowRejected
        The cell cannot be read as a village number.
    """
    try:
        return parse_village_number(value)
    except ValueError:
        why = render("village_number_unreadable", highest=MAX_VILLAGE_NUMBER)
        raise RowRejected(why, clean_text(value)) from None
