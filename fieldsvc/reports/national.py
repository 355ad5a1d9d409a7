"""The national table as files: GeoParquet (one row per subdistrict, its boundary as the
geometry) and an XLSX workbook with Thai headers and totals (a failed subdistrict's row keeps
its error)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from openpyxl import Workbook

from fieldsvc.errors import InvalidInput
from fieldsvc.reports.xlsx import (
    BAHT,
    COUNT,
    DECIMAL,
    SHARE,
    CachedFormulas,
    Column,
    save_workbook,
    title_block,
    write_table,
)

NATIONAL_SUFFIXES = (".parquet", ".xlsx")

#: (column, Thai / English header, number format, summed in the totals row)
_COLUMNS: Sequence[tuple[str, str, str | None, bool]] = (
    ("code", "รหัสตำบล\ncode", None, False),
    ("name", "ตำบล\nsubdistrict", None, False),
    ("district", "อำเภอ\ndistrict", None, False),
    ("province", "จังหวัด\nprovince", None, False),
    ("status", "สถานะ\nstatus", None, False),
    ("villages", "หมู่บ้าน\nvillages", COUNT, True),
    ("households", "ครัวเรือน\nhouseholds", COUNT, True),
    ("households_located", "ครัวเรือนที่มีพิกัด\nlocated", COUNT, True),
    ("households_within_reach", "ครัวเรือนในระยะบริการ\nwithin reach", COUNT, True),
    ("covered_share", "สัดส่วนที่เข้าถึง\ncoverage share", SHARE, False),
    ("waste_kg_per_cycle", "ขยะต่อรอบ (กก.)\nwaste kg/cycle", DECIMAL, True),
    ("usable_capacity_kg", "ความจุที่ใช้ได้ (กก.)\nusable capacity kg", DECIMAL, True),
    ("capacity_ratio", "ความจุ/ขยะ\ncapacity vs waste", "0.00", False),
    ("bins_total", "ถังทั้งหมด\nbins", COUNT, True),
    ("bins_usable", "ถังใช้งานได้\nbins usable", COUNT, True),
    ("additional_bins_needed", "ถังที่ขาด\nbins short", COUNT, True),
    ("budget_baht", "งบประมาณ (บาท)\nbudget baht", BAHT, True),
    ("recommended_bins", "ถังที่แนะนำ\nrecommended bins", COUNT, True),
    ("cost_baht", "ค่าใช้จ่าย (บาท)\ncost baht", BAHT, True),
    ("covered_share_after", "สัดส่วนหลังจัดสรร\nshare after", SHARE, False),
    ("error", "ข้อผิดพลาด\nerror", None, False),
)


def national_xlsx(table: pd.DataFrame, *, title: Sequence[str]) -> bytes:
    """The national table as a workbook: ``title`` lines, one row per subdistrict, totals."""
    columns = [
        Column(key, header, fmt, total)
        for key, header, fmt, total in _COLUMNS
        if key in table.columns
    ]
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "national"
    start = title_block(sheet, title, width=min(len(columns), 10))
    cached = CachedFormulas()
    write_table(sheet, columns, _rows(table), start_row=start, cached=cached)
    return save_workbook(workbook, cached)


def _rows(table: pd.DataFrame) -> list[dict[str, Any]]:
    plain = pd.DataFrame(table.drop(columns="geometry", errors="ignore"))
    plain = plain.replace([np.inf, -np.inf], np.nan).astype(object)
    plain = plain.where(plain.notna(), None)
    return [
        {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
        for row in plain.to_dict("records")
    ]


def write_national_table(table: gpd.GeoDataFrame, out: Path, *, title: Sequence[str]) -> None:
    """Write the national table by extension: ``.parquet`` (GeoParquet) or ``.xlsx``.

    Raises
    ------
    InvalidInput
        For any other extension.
    """
    suffix = out.suffix.lower()
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".parquet":
        table.to_parquet(out, index=False)
    elif suffix == ".xlsx":
        out.write_bytes(national_xlsx(table, title=title))
    else:
        raise InvalidInput.of(
            "table_type_unknown",
            field="out",
            details={"value": str(out)},
            suffix=out.suffix,
            allowed=", ".join(NATIONAL_SUFFIXES),
        )
