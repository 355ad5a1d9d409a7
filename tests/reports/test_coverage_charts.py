"""The monthly charts: well-formed SVG, one point per known month, gaps where unknown."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pandas as pd

from fieldsvc.reports.coverage_charts import (
    ChartLine,
    capacity_chart_svg,
    coverage_chart_svg,
    monthly_chart_svg,
)
from fieldsvc.thai import fiscal_month_ends

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = fiscal_month_ends(2570)


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")  # nothing fetched
    return root


def test_a_line_has_a_point_per_known_month_and_breaks_at_unknown_ones() -> None:
    values = [0.5, 0.6, None, 0.7, 0.8] + [None] * 7
    root = _parse(
        monthly_chart_svg(MONTHS, [ChartLine("ก", values, "#000")], title="ทดสอบ", percent=True)
    )
    assert len(root.findall(f"{SVG}circle")) == 4
    lines = root.findall(f"{SVG}polyline")
    assert [len(p.get("points", "").split()) for p in lines] == [2, 2]
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts[0] == "ทดสอบ"
    assert "ต.ค." in texts and "ก.ย." in texts and "100%" in texts
    assert "พ.ศ. 2569–2570" in texts
    assert root.find(f"{SVG}title").text == "ทดสอบ"  # type: ignore[union-attr]


def test_a_share_of_one_is_drawn_at_the_top_and_zero_at_the_bottom() -> None:
    root = _parse(
        monthly_chart_svg(MONTHS[:2], [ChartLine("ก", [1.0, 0.0], "#000")], title="t", percent=True)
    )
    (first, second) = root.findall(f"{SVG}circle")
    assert float(first.get("cy", "nan")) == 30.0  # TOP
    assert float(second.get("cy", "nan")) == 230.0 - 64.0  # HEIGHT - BOTTOM


def test_thai_digits_for_an_official_annex() -> None:
    rows = pd.DataFrame(
        {
            "as_of": [date(2026, 10, 31)],
            "usable_capacity_kg": [1200.0],
            "waste_kg_per_cycle": [900.0],
        }
    )
    svg = capacity_chart_svg(rows, MONTHS, title="ความจุ", thai_digits=True)
    texts = [t.text or "" for t in _parse(svg).iter(f"{SVG}text")]
    assert "พ.ศ. ๒๕๖๙–๒๕๗๐" in texts
    assert "๒,๐๐๐" in texts  # the axis top: a round number above 1,200


def test_coverage_chart_reads_the_series_columns() -> None:
    rows = pd.DataFrame(
        {
            "as_of": [date(2026, 10, 31), date(2026, 11, 30)],
            "covered_share": [0.25, 0.5],
            "usable_bin_share": [1.0, float("nan")],
        }
    )
    root = _parse(coverage_chart_svg(rows, MONTHS, title="<หมู่ 1 & 2>"))
    assert len(root.findall(f"{SVG}circle")) == 3  # the NaN month is left out
    assert root.find(f"{SVG}title").text == "<หมู่ 1 & 2>"  # type: ignore[union-attr]
