"""The provincial overview's figures, against the register counted by hand (conftest)."""

from __future__ import annotations

import io
import math
from typing import Any

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from fieldsvc.cli.main import main
from fieldsvc.config import Settings
from fieldsvc.errors import InvalidInput
from fieldsvc.services.province import overview_file, provincial_overview
from tests.province.conftest import EXPECTED, NOW_DECEMBER, NOW_NOVEMBER


def _expected(code: str, ids: dict[str, int]) -> dict[str, Any]:
    row = dict(EXPECTED[code])
    if row["run_id"] is not None:
        row["run_id"] = ids[row["run_id"]]
    return row


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def test_every_column_of_every_subdistrict(engine: Engine, province: dict[str, int]) -> None:
    with Session(engine) as session:
        overview = provincial_overview(session=session, now=NOW_DECEMBER)
    table = overview.table
    assert list(table["code"]) == ["300101", "340101", "340102"]  # by code
    for row in table.to_dict("records"):
        got = {k: _plain(v) for k, v in row.items() if k != "code"}
        assert got == pytest.approx(_expected(row["code"], province)), row["code"]
    assert overview.not_computed == 1
    assert overview.month_start.isoformat() == "2026-12-01T00:00:00+07:00"
    assert overview.month_end.isoformat() == "2027-01-01T00:00:00+07:00"


def test_surveys_counted_in_the_thai_month_across_the_utc_boundary(
    engine: Engine, province: dict[str, int]
) -> None:
    """At 23:59 on 30 November in Thailand only the 16:30 UTC survey is this month's; the
    17:30 UTC one (00:30 on 1 December in Thailand) is next month's."""
    with Session(engine) as session:
        november = provincial_overview(session=session, now=NOW_NOVEMBER).table
    counts = november.set_index("code")[["surveys_this_month", "bins_surveyed_this_month"]]
    assert counts.loc["340101"].tolist() == [1, 1]
    assert counts.loc["340102"].tolist() == [0, 0]  # B's survey was in October
    assert counts.loc["300101"].tolist() == [0, 0]


def test_province_prefix_keeps_its_subdistricts(engine: Engine, province: dict[str, int]) -> None:
    with Session(engine) as session:
        ours = provincial_overview(session=session, province="34", now=NOW_DECEMBER)
        none = provincial_overview(session=session, province="96", now=NOW_DECEMBER)
        with pytest.raises(InvalidInput) as bad:
            provincial_overview(session=session, province="3")
    assert list(ours.table["code"]) == ["340101", "340102"]
    assert ours.province == "34"
    assert none.table.empty and none.not_computed == 0
    assert bad.value.field == "province"
    assert bad.value.message_en.startswith("Province code 3 is not valid")


def test_sorted_by_coverage_with_the_not_computed_last(
    engine: Engine, province: dict[str, int]
) -> None:
    with Session(engine) as session:
        down = provincial_overview(session=session, sort="covered_share", descending=True)
        up = provincial_overview(session=session, sort="covered_share")
        with pytest.raises(InvalidInput) as bad:
            provincial_overview(session=session, sort="house_no")
    assert list(down.table["code"]) == ["340101", "300101", "340102"]
    assert list(up.table["code"]) == ["300101", "340101", "340102"]
    assert bad.value.field == "sort"
    assert bad.value.message_en.startswith("Cannot sort by house_no")


def test_csv_and_xlsx_hold_the_same_figures(engine: Engine, province: dict[str, int]) -> None:
    with Session(engine) as session:
        overview = provincial_overview(session=session, now=NOW_DECEMBER)
    csv = overview_file(overview, kind="csv")
    assert csv.filename == "province-all-2026-12.csv"
    assert csv.data.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens the Thai text
    rows = pd.read_csv(io.BytesIO(csv.data), encoding="utf-8-sig", dtype={"code": str})
    a = rows.set_index("code").loc["340101"]
    assert (a["households"], a["covered_share"], a["capacity_ratio"]) == (14.0, 0.8, 1.25)
    assert (a["computed_on"], a["bins_usable"], a["surveys_this_month"]) == ("2026-11-20", 2, 3)
    assert rows.set_index("code").loc["340102", "computed_on"].startswith("ยังไม่ได้คำนวณ")

    book = openpyxl.load_workbook(
        io.BytesIO(overview_file(overview, kind="xlsx").data), data_only=True
    )
    sheet = book.active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, r in enumerate(values) if r[0] == "รหัสตำบล\ncode")
    table = values[header + 1 : header + 4]
    assert [r[0] for r in table] == ["300101", "340101", "340102"]
    totals = values[header + 4]
    names = [h.split("\n")[1] for h in values[header]]
    total = dict(zip(names, totals, strict=True))
    # 2 + 1 + 1 villages, 14 + 20 + 5 households, 4 + 1 + 0 bins, 2 + 1 usable, 3 surveys
    assert (total["villages"], total["households"], total["bins"]) == (4, 39, 5)
    assert (total["bins usable"], total["surveys this month"]) == (3, 3)


def test_command_prints_and_writes_the_province(
    engine: Engine, province: dict[str, int], settings: Settings, tmp_path: Any, capsys: Any
) -> None:
    out = tmp_path / "ubon.csv"
    assert (
        main(["province", "overview", "--province", "34", "--out", str(out)], settings=settings)
        == 0
    )
    rows = pd.read_csv(out, encoding="utf-8-sig", dtype={"code": str})
    assert list(rows["code"]) == ["340101", "340102"]
    assert list(rows["bins_total"]) == [4, 1]
    printed = capsys.readouterr().out
    assert "340102" in printed and "not computed yet" in printed and "300101" not in printed
    assert main(["province", "overview", "--province", "3x"], settings=settings) == 2
    assert main(["province", "overview", "--out", str(tmp_path / "x.pdf")], settings=settings) == 2
