"""Spreadsheet cells that cannot run: text a user typed (a bin code, a village name, a note)
must never become a formula when the office opens a CSV or XLSX in Excel or LibreOffice.

A text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a formula
by spreadsheet programs (CSV/formula injection, OWASP). In XLSX the cell is stored as a string
cell, so the text shows exactly as typed. In CSV, which has no cell types, such a text is
prefixed with an apostrophe (the common mitigation; spreadsheets hide it or show it harmlessly).
Numbers are left alone: ``-5`` written by us as a number is a number.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from openpyxl.cell.cell import Cell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: object) -> bool:
    """True for text a spreadsheet would evaluate as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_safe(value: Any) -> Any:
    """``value`` as written to a CSV cell: formula-like text gets a leading apostrophe."""
    return "'" + value if is_formula_like(value) else value


def csv_safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells cannot run as formulas in a spreadsheet."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(csv_safe)
    return safe


def set_text_cell(cell: Cell, value: Any) -> Cell:
    """Put ``value`` in an openpyxl cell; text is always a text cell, never a formula.

    openpyxl stores any string that starts with ``=`` as a formula; this keeps it as text.
    """
    cell.value = value
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"
    return cell
