"""The provincial overview: one row per subdistrict — its villages and households, coverage and
capacity from its latest national run, bins and bins usable now, and this month's surveys.

Coverage share and capacity ratio come from the most recent *finished* national run
(``fieldsvc coverage --all`` or ``allocate --all``) in which the subdistrict's task succeeded,
with that run's id and date, so a subdistrict that failed in the last run still shows its
previous figures, dated; one never computed says so. Everything else is read live: villages,
households (the registered count of each village, or its household points when it has no
count), bins in its villages by condition, and survey inspections observed in the current
calendar month in Thai time. Only aggregate figures: no names, house numbers or points.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

import pandas as pd
from sqlmodel import Session

from fieldsvc.errors import InvalidInput
from fieldsvc.models import Subdistrict
from fieldsvc.reports.province import overview_csv, overview_xlsx
from fieldsvc.services.mobile import month_start
from fieldsvc.storage.province import (
    bin_counts,
    latest_results,
    province_counts,
    subdistricts_with_prefix,
    surveys_between,
    village_households,
)
from fieldsvc.thai import BE_OFFSET, THAI_MONTHS, local_date

XLSX: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: The overview's columns, in order.
COLUMNS: Final = (
    "code",
    "name",
    "district",
    "villages",
    "households",
    "covered_share",
    "capacity_ratio",
    "computed",
    "run_id",
    "computed_on",
    "bins_total",
    "bins_usable",
    "surveys_this_month",
    "bins_surveyed_this_month",
)
#: Columns the table may be sorted by (the page's header links, the CLI's ``--sort``).
SORTABLE: Final = tuple(c for c in COLUMNS if c != "computed")
_PROVINCE = re.compile(r"^\d{2}$")


@dataclass(frozen=True)
class ProvinceOverview:
    """The overview table and what it covers: the province prefix (None: every subdistrict)
    and the Thai calendar month whose surveys are counted, ``[month_start, month_end)``."""

    table: pd.DataFrame
    province: str | None
    month_start: datetime
    month_end: datetime

    @property
    def not_computed(self) -> int:
        return int((~self.table["computed"]).sum()) if len(self.table) else 0


def next_month_start(start: datetime) -> datetime:
    """Midnight on the first of the month after ``start`` (itself a first-of-month midnight)."""
    year, month = (start.year + 1, 1) if start.month == 12 else (start.year, start.month + 1)
    return start.replace(year=year, month=month, day=1)


def province_prefix(province: str | None) -> str | None:
    """The two-digit DOPA province code, checked (None or empty: every subdistrict)."""
    if province is None or not province.strip():
        return None
    text = province.strip()
    if not _PROVINCE.match(text):
        raise InvalidInput.of("province_code_invalid", field="province", value=text)
    return text


def overview_table(
    subdistricts: Sequence[Subdistrict],
    villages: Sequence[tuple[int, int, int | None, float]],
    bins: dict[int, tuple[int, int]],
    surveys: dict[int, tuple[int, int]],
    results: dict[int, tuple[dict[str, Any], int, datetime | None]],
) -> pd.DataFrame:
    """One row per subdistrict (``COLUMNS``) from the grouped reads; pure.

    A village's households are its registered count, or the weight of its household points
    when it has none. ``covered_share`` and ``capacity_ratio`` are NaN and ``computed`` False
    when no finished run has a result for the subdistrict.
    """
    village_count: dict[int, int] = {}
    households: dict[int, float] = {}
    for sid, _vid, registered, points in villages:
        village_count[sid] = village_count.get(sid, 0) + 1
        households[sid] = households.get(sid, 0.0) + (
            float(registered) if registered is not None else points
        )
    records: list[dict[str, Any]] = []
    for s in subdistricts:
        sid = s.id or 0
        summary, run_id, ended = results.get(sid, ({}, None, None))
        found = run_id is not None
        records.append(
            {
                "code": s.code,
                "name": s.name,
                "district": s.district,
                "villages": village_count.get(sid, 0),
                "households": households.get(sid, 0.0),
                "covered_share": _number(summary.get("covered_share")),
                "capacity_ratio": _number(summary.get("capacity_ratio")),
                "computed": found,
                "run_id": run_id,
                "computed_on": local_date(ended) if ended else None,
                "bins_total": bins.get(sid, (0, 0))[0],
                "bins_usable": bins.get(sid, (0, 0))[1],
                "surveys_this_month": surveys.get(sid, (0, 0))[0],
                "bins_surveyed_this_month": surveys.get(sid, (0, 0))[1],
            }
        )
    table = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    return table.astype(
        {
            "villages": "int64",
            "households": "float64",
            "covered_share": "float64",
            "capacity_ratio": "float64",
            "computed": "bool",
            "run_id": "Int64",
            "bins_total": "int64",
            "bins_usable": "int64",
            "surveys_this_month": "int64",
            "bins_surveyed_this_month": "int64",
        }
    )


def _number(value: Any) -> float:
    if value is None:
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def sorted_overview(table: pd.DataFrame, *, by: str, descending: bool = False) -> pd.DataFrame:
    """The table sorted by one column (ties by code); rows without a value always last."""
    if by not in SORTABLE:
        raise InvalidInput.of(
            "province_sort_unknown", field="sort", value=by, allowed=", ".join(SORTABLE)
        )
    ordered = table.sort_values(
        [by, "code"], ascending=[not descending, True], na_position="last", kind="stable"
    )
    return ordered.reset_index(drop=True)


def provinces_to_choose(
    *,
    session: Session,
    province: str | None,
    most: int,
    subdistrict_ids: list[int] | None = None,
) -> list[tuple[str, int]] | None:
    """The provinces in scope, (code, subdistricts), when a table without ``province`` would
    hold more than ``most`` subdistricts of more than one province (a national install: the
    table sums every household of the country, tens of seconds); None when the table can be
    shown (a province given, or a scope that small)."""
    if province_prefix(province) is not None:
        return None
    counts = province_counts(session=session, subdistrict_ids=subdistrict_ids)
    if len(counts) <= 1 or sum(n for _, n in counts) <= most:
        return None
    return counts


def require_province(*, session: Session, province: str | None, most: int) -> None:
    """Refuse (422, naming ``province``) a whole-install table that would need a province."""
    counts = provinces_to_choose(session=session, province=province, most=most)
    if counts is not None:
        raise InvalidInput.of(
            "province_required",
            field="province",
            count=sum(n for _, n in counts),
            provinces=len(counts),
            example=counts[0][0],
        )


def provincial_overview(
    *,
    session: Session,
    province: str | None = None,
    now: datetime | None = None,
    sort: str = "code",
    descending: bool = False,
    subdistrict_ids: list[int] | None = None,
) -> ProvinceOverview:
    """The overview of every subdistrict whose code starts with ``province`` (two digits;
    None: all), surveys counted in ``now``'s Thai calendar month (default: this moment);
    only the subdistricts ``subdistrict_ids`` when given (those a staff member works for)."""
    prefix = province_prefix(province)
    start = month_start(now or datetime.now(UTC))
    end = next_month_start(start)
    subdistricts = subdistricts_with_prefix(session=session, prefix=prefix)
    if subdistrict_ids is not None:
        subdistricts = [s for s in subdistricts if s.id in subdistrict_ids]
    ids = [s.id for s in subdistricts if s.id is not None]
    table = overview_table(
        subdistricts,
        village_households(session=session, subdistrict_ids=ids),
        bin_counts(session=session, subdistrict_ids=ids),
        surveys_between(session=session, subdistrict_ids=ids, start=start, end=end),
        latest_results(session=session, subdistrict_ids=ids),
    )
    table = sorted_overview(table, by=sort, descending=descending)
    return ProvinceOverview(table=table, province=prefix, month_start=start, month_end=end)


def month_label(overview: ProvinceOverview, *, thai: bool = True) -> str:
    """The month whose surveys are counted: ``ธันวาคม 2569`` (Thai, Arabic digits as the pages
    write dates) or ``December 2026``."""
    start = overview.month_start
    if thai:
        return f"{THAI_MONTHS[start.month - 1]} {start.year + BE_OFFSET}"
    return start.strftime("%B %Y")


@dataclass(frozen=True)
class OverviewFile:
    data: bytes
    media_type: str
    filename: str


def overview_file(overview: ProvinceOverview, *, kind: str) -> OverviewFile:
    """The overview as ``csv`` (UTF-8 with BOM) or ``xlsx`` (Thai headers, totals)."""
    scope = f"province-{overview.province}" if overview.province else "province-all"
    stamp = overview.month_start.strftime("%Y-%m")
    if kind == "csv":
        return OverviewFile(
            overview_csv(overview.table), "text/csv; charset=utf-8", f"{scope}-{stamp}.csv"
        )
    where = f"จังหวัดรหัส {overview.province}" if overview.province else "ทุกตำบลในฐานข้อมูล"
    title = [
        f"ภาพรวมรายตำบล · {where}",
        f"Provincial overview · {overview.province or 'all subdistricts'} · "
        f"surveys in {month_label(overview, thai=False)} (การสำรวจเดือน"
        f"{month_label(overview)})",
    ]
    return OverviewFile(overview_xlsx(overview.table, title=title), XLSX, f"{scope}-{stamp}.xlsx")
