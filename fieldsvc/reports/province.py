"""The provincial overview as files: CSV (UTF-8 with BOM, for Excel) and an XLSX workbook with
Thai headers and totals. Only aggregate figures per subdistrict."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook

from fieldsvc.reports.xlsx import (
    COUNT,
    SHARE,
    CachedFormulas,
    Column,
    save_workbook,
    title_block,
    write_table,
)

#: (column, Thai / English header, number format, summed in the totals row)
OVERVIEW_COLUMNS: Sequence[tuple[str, str, str | None, bool]] = (
    ("code", "รหัสตำบล\ncode", None, False),
    ("name", "ตำบล\nsubdistrict", None, False),
    ("district", "อำเภอ\ndistrict", None, False),
    ("villages", "หมู่บ้าน\nvillages", COUNT, True),
    ("households", "ครัวเรือน\nhouseholds", COUNT, True),
    ("covered_share", "สัดส่วนที่เข้าถึงถัง\ncoverage share", SHARE, False),
    ("capacity_ratio", "ความจุ/ขยะ\ncapacity ratio", "0.00", False),
    ("computed_on", "คำนวณเมื่อ\ncomputed on", None, False),
    ("run_id", "ครั้งที่คำนวณ\nrun", None, False),
    ("bins_total", "ถังทั้งหมด\nbins", COUNT, True),
    ("bins_usable", "ถังใช้งานได้\nbins usable", COUNT, True),
    ("surveys_this_month", "การสำรวจเดือนนี้\nsurveys this month", COUNT, True),
    ("bins_surveyed_this_month", "ถังที่สำรวจเดือนนี้\nbins surveyed this month", COUNT, True),
)
NOT_COMPUTED = "ยังไม่ได้คำนวณ / not computed yet"


def plain_rows(table: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows as plain Python values (None for missing; dates as ISO text)."""
    plain = table.replace([np.inf, -np.inf], np.nan).astype(object)
    plain = plain.where(plain.notna(), None)
    rows = []
    for row in plain.to_dict("records"):
        item = {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
        if item.get("computed_on") is not None:
            item["computed_on"] = item["computed_on"].isoformat()
        if not item.get("computed"):
            item["computed_on"] = NOT_COMPUTED
        rows.append(item)
    return rows


def overview_csv(table: pd.DataFrame) -> bytes:
    """CSV with English column names (stable for scripts), UTF-8 with BOM for Excel."""
    frame = pd.DataFrame(plain_rows(table), columns=list(table.columns))
    return frame.to_csv(index=False).encode("utf-8-sig")


def overview_xlsx(table: pd.DataFrame, *, title: Sequence[str]) -> bytes:
    """The overview as a workbook: ``title`` lines, one row per subdistrict, totals."""
    columns = [Column(key, header, fmt, total) for key, header, fmt, total in OVERVIEW_COLUMNS]
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "province"
    start = title_block(sheet, title, width=min(len(columns), 10))
    cached = CachedFormulas()
    write_table(sheet, columns, plain_rows(table), start_row=start, cached=cached)
    return save_workbook(workbook, cached)
