"""Read registered house counts per village (DOPA "บ้าน" counts) from a CSV/Excel list.

Each row names a village by its 8-digit DOPA code (``CCAATTMM``) or by its number (หมู่ที่)
and gives a count. These are registered houses, not households (ครัวเรือน): the register is
what the office has without a survey, and is stored as the village's household figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pandas as pd

from fieldsvc.ingest.columns import FieldRole
from fieldsvc.ingest.errors import LayerReadError
from fieldsvc.ingest.report import ImportReport, NoteCollector
from fieldsvc.ingest.values import clean_text, parse_whole
from fieldsvc.ingest.village_lists import (
    RowRejected,
    read_village_list,
    village_code,
    village_number,
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
    listed = read_village_list(path, HOUSE_COUNT_FIELDS, encoding=encoding, sheet=sheet)
    picked = listed.picked
    if picked["houses"] is None or picked["code"] is None and picked["number"] is None:
        raise LayerReadError(
            "house_counts_columns_missing", file=path.name, columns=", ".join(listed.headers)
        )
    notes = NoteCollector(warnings=list(listed.warnings))
    records = []
    for row, values in listed.rows:
        record = _count_row(values, row, notes)
        if record is not None:
            records.append(record)
    counts = pd.DataFrame.from_records(
        records, columns=["row", "code", "number", "name", "houses"]
    ).astype({"number": "Int64", "houses": "int64", "row": "int64"})
    return HouseCounts(counts=counts, report=notes.freeze(len(counts), listed.field_map()))


def _count_row(
    values: dict[str, object], row: int, notes: NoteCollector
) -> dict[str, object] | None:
    try:
        code = village_code(values["code"])
        number = village_number(values["number"])
    except RowRejected as rejected:
        rejected.note(row, notes)
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
