"""Read registered house counts per village (DOPA "บ้าน" counts) from a CSV/Excel list.

Each row names a village by its 8-digit DOPA code (``CCAATTMM``) or by its number (หมู่ที่)
and gives a count. These are registered houses, not households (ครัวเรือน): the register is
what the office has without a survey, and is stored as the village's household figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pandas as pd

from fieldsvc.ingest.columns import FieldRole, column_key, find_column
from fieldsvc.ingest.errors import LayerReadError
from fieldsvc.ingest.report import ImportReport, NoteCollector
from fieldsvc.ingest.sheet_files import read_sheet_table
from fieldsvc.ingest.values import (
    MAX_VILLAGE_NUMBER,
    arabic_digits,
    clean_text,
    is_blank,
    parse_village_number,
    parse_whole,
)
from fieldsvc.problems import render

HOUSE_COUNT_FIELDS: Final = {
    "code": FieldRole("code", "รหัสหมู่บ้าน", ("village_code", "vill_code", "รหัสหมู่บ้าน", "code", "รหัส")),
    "number": FieldRole("number", "หมู่ที่", ("หมู่ที่", "หมู่", "moo", "number", "village_no", "ม.")),
    "name": FieldRole("name", "ชื่อหมู่บ้าน", ("ชื่อหมู่บ้าน", "name_th", "name", "village_name")),
    "houses": FieldRole(
        "houses",
        "จำนวนบ้าน",
        (
            "จำนวนบ้าน",
            "บ้าน",
            "houses",
            "house_count",
            "registered_houses",
            "households",
            "ครัวเรือน",
            "จำนวนครัวเรือน",
        ),
    ),
}

_VILLAGE_CODE: Final = re.compile(r"^\d{8}$")


@dataclass(frozen=True)
class HouseCounts:
    """Registered house counts read from one file.

    Attributes
    ----------
    counts : DataFrame
        One row per readable row: ``row`` (the sheet row number), ``code`` (str or None),
        ``number`` (Int64 or missing), ``name`` (str or None), ``houses`` (int64).
    report : ImportReport
    """

    counts: pd.DataFrame
    report: ImportReport


def read_house_counts(
    path: Path, *, encoding: str | None = None, sheet: str | None = None
) -> HouseCounts:
    """Read a house-count list keyed by DOPA village code or village number.

    Parameters
    ----------
    path : Path
        ``.csv``/``.tsv``/``.xlsx``.
    encoding, sheet : str, optional
        Text encoding of a CSV, worksheet of an Excel file.

    Returns
    -------
    HouseCounts
        Rows without a code or number, or with an unreadable count, are rejected in the report;
        matching rows to villages is the caller's (it knows the subdistrict).

    Raises
    ------
    LayerReadError
        No code/number column or no count column.
    """
    table = read_sheet_table(path, encoding=encoding, sheet=sheet)
    file = path.name
    header_at = _header_row(table.rows)
    headers = [clean_text(v) or f"column_{i + 1}" for i, v in enumerate(table.rows[header_at])]
    picked = {
        role: find_column(headers, field, given=None, file=file)
        for role, field in HOUSE_COUNT_FIELDS.items()
    }
    if picked["houses"] is None or picked["code"] is None and picked["number"] is None:
        raise LayerReadError("house_counts_columns_missing", file=file, columns=", ".join(headers))
    index = {name: i for i, name in enumerate(headers)}
    notes = NoteCollector(warnings=list(table.warnings))
    records = []
    for offset, cells in enumerate(table.rows[header_at + 1 :]):
        row = header_at + offset + 2
        values = {
            role: cells[index[c]] if c is not None and index[c] < len(cells) else None
            for role, c in picked.items()
        }
        if all(is_blank(v) for v in values.values()):
            continue
        record = _count_row(values, row, notes)
        if record is not None:
            records.append(record)
    counts = pd.DataFrame.from_records(
        records, columns=["row", "code", "number", "name", "houses"]
    ).astype({"number": "Int64", "houses": "int64", "row": "int64"})
    field_map = {role: column for role, column in picked.items() if column is not None}
    return HouseCounts(counts=counts, report=notes.freeze(len(counts), field_map))


def _header_row(rows: list[list[object]]) -> int:
    keys = {column_key(c) for role in HOUSE_COUNT_FIELDS.values() for c in role.candidates}
    for index, row in enumerate(rows[:20]):
        if any(not is_blank(v) and column_key(str(v)) in keys for v in row):
            return index
    return 0


def _count_row(
    values: dict[str, object], row: int, notes: NoteCollector
) -> dict[str, object] | None:
    code = clean_text(values["code"])
    if code is not None:
        code = arabic_digits(code).replace(" ", "")
        if _VILLAGE_CODE.fullmatch(code) is None:
            notes.reject(row, *render("centre_code_invalid"), code, None)
            return None
    try:
        number = parse_village_number(values["number"])
    except ValueError:
        why = render("village_number_unreadable", highest=MAX_VILLAGE_NUMBER)
        notes.reject(row, *why, clean_text(values["number"]), None)
        return None
    if code is None and number is None:
        notes.reject(row, *render("house_count_key_missing"), clean_text(values["name"]), None)
        return None
    try:
        houses = parse_whole(values["houses"], unit_word=True)
    except ValueError:
        notes.reject(row, *render("house_count_unreadable"), clean_text(values["houses"]), None)
        return None
    return {
        "row": row,
        "code": code,
        "number": number,
        "name": clean_text(values["name"]),
        "houses": houses,
    }
