"""Monthly charts of coverage and capacity as static SVG (no chart library, nothing fetched).

The same text serves the staff dashboard, the public page (inline ``<svg>``) and a printed
report: :func:`monthly_chart_svg` draws any monthly series; :func:`coverage_chart_svg` and
:func:`capacity_chart_svg` draw the two charts of a fiscal year from the rows of
:func:`fieldsvc.analysis.coverage_series.series_totals` (or one village's rows of
:func:`~fieldsvc.analysis.coverage_series.coverage_series`). The drawing has a ``viewBox`` and
scales to its container's width; text is at least 11 units high so it stays readable on a
360 px phone. For a PDF or DOCX annex, write the text to a ``.svg`` file (or convert it with
the PDF engine already in use); ``thai_digits=True`` gives the official Thai digits.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

import pandas as pd

from fieldsvc.thai import BE_OFFSET, THAI_MONTHS_SHORT, digits

WIDTH, HEIGHT = 360, 230
LEFT, RIGHT, TOP, BOTTOM = 44, 10, 30, 64
FONT = "Sarabun, Laksaman, Loma, Garuda, 'Noto Sans Thai', sans-serif"

#: Colours: coverage blue (the general-waste bin), usable bins green, waste grey-red.
BLUE, GREEN, RED = "#1f5fa8", "#2e7d32", "#b23b3b"


@dataclass(frozen=True)
class ChartLine:
    """One line of a chart: its legend label, a value per month (None: not known yet)."""

    label: str
    values: Sequence[float | None]
    colour: str
    dashed: bool = False


def _nice_ceiling(value: float) -> float:
    if value <= 0 or not math.isfinite(value):
        return 1.0
    step = 10 ** math.floor(math.log10(value))
    for k in (1, 2, 2.5, 5, 10):
        if value <= k * step:
            return k * step
    return 10 * step


def _number(value: float, percent: bool, thai_digits: bool) -> str:
    text = f"{value:.0f}%" if percent else f"{value:,.0f}"
    return digits(text, thai_digits)


def _segments(points: list[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """Runs of known points; an unknown month breaks the line."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(point)
    return [run for run in runs if run]


def monthly_chart_svg(
    month_ends: Sequence[date],
    lines: Sequence[ChartLine],
    *,
    title: str,
    percent: bool = False,
    y_max: float | None = None,
    thai_digits: bool = False,
) -> str:
    """A line chart with one point per month, as a standalone ``<svg>`` element.

    Parameters
    ----------
    month_ends
        The months along the x axis (e.g. the twelve of a fiscal year).
    lines
        The series; each has a value per month (None where not known, e.g. a future month).
    title
        Shown above the chart and read out by screen readers.
    percent
        Values are shares 0–1, drawn 0–100 %.
    y_max
        Top of the y axis (default: a round number above the largest value).
    thai_digits
        Write numbers and the year in Thai digits (official documents).

    Returns
    -------
    str
        SVG text (UTF-8, no external references).
    """
    n = len(month_ends)
    known = [v for line in lines for v in line.values if v is not None and math.isfinite(v)]
    top = 1.0 if percent else (y_max or _nice_ceiling(max(known, default=0.0)))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(i: int) -> float:
        return LEFT + (plot_w * (i + 0.5) / n if n else 0.0)

    def y_of(v: float) -> float:
        return TOP + plot_h * (1 - min(max(v / top, 0.0), 1.05))

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" role="img" aria-label="{escape(title, {chr(34): "&quot;"})}" '
        f'font-family="{FONT}" font-size="11">',
        f"<title>{escape(title)}</title>",
        f'<text x="{LEFT}" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for k in range(5):
        value = top * k / 4
        y = y_of(value)
        out.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="#ccc" stroke-width="{1 if k else 1.5}"/>'
        )
        label = _number(value * (100 if percent else 1), percent, thai_digits)
        out.append(f'<text x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end">{label}</text>')
    for i, day in enumerate(month_ends):
        out.append(
            f'<text x="{x_of(i):.1f}" y="{TOP + plot_h + 14}" text-anchor="middle">'
            f"{escape(THAI_MONTHS_SHORT[day.month - 1])}</text>"
        )
    if month_ends:
        years = sorted({d.year + BE_OFFSET for d in month_ends})
        span = digits("–".join(str(y) for y in (years[0], years[-1]) if y), thai_digits)
        if len(years) == 1:
            span = digits(str(years[0]), thai_digits)
        out.append(
            f'<text x="{LEFT + plot_w / 2:.1f}" y="{TOP + plot_h + 28}" text-anchor="middle" '
            f'fill="#555">พ.ศ. {span}</text>'
        )
    for row, line in enumerate(lines):
        points = [
            None if v is None or not math.isfinite(v) else (x_of(i), y_of(v))
            for i, v in enumerate(line.values)
        ]
        dash = ' stroke-dasharray="5 3"' if line.dashed else ""
        for run in _segments(points):
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            out.append(
                f'<polyline points="{path}" fill="none" stroke="{line.colour}" '
                f'stroke-width="2.5"{dash}/>'
            )
            for x, y in run:
                out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{line.colour}"/>')
        y = HEIGHT - BOTTOM + 46  # the legend: one row below the axis, lines side by side
        lx = LEFT + row * (plot_w / max(len(lines), 1))
        out.append(
            f'<line x1="{lx:.1f}" y1="{y - 4}" x2="{lx + 16:.1f}" y2="{y - 4}" '
            f'stroke="{line.colour}" stroke-width="3"{dash}/>'
            f'<text x="{lx + 20:.1f}" y="{y}">{escape(line.label)}</text>'
        )
    out.append("</svg>")
    return "\n".join(out)


def _values(rows: pd.DataFrame, month_ends: Sequence[date], column: str) -> list[float | None]:
    by_day = dict(zip(rows["as_of"], rows[column], strict=True))
    values: list[float | None] = []
    for day in month_ends:
        value = by_day.get(day)
        values.append(None if value is None or pd.isna(value) else float(value))
    return values


def coverage_chart_svg(
    rows: pd.DataFrame, month_ends: Sequence[date], *, title: str, thai_digits: bool = False
) -> str:
    """Share of households within reach and share of bins usable, month by month.

    ``rows``: one stream's rows (``as_of, covered_share, usable_bin_share``) of the whole
    area or of one village; months without a row are left blank.
    """
    return monthly_chart_svg(
        month_ends,
        [
            ChartLine("ครัวเรือนเข้าถึงถัง", _values(rows, month_ends, "covered_share"), BLUE),
            ChartLine(
                "ถังใช้งานได้", _values(rows, month_ends, "usable_bin_share"), GREEN, dashed=True
            ),
        ],
        title=title,
        percent=True,
        thai_digits=thai_digits,
    )


def capacity_chart_svg(
    rows: pd.DataFrame, month_ends: Sequence[date], *, title: str, thai_digits: bool = False
) -> str:
    """Usable bin capacity against the waste of one collection cycle (kg), month by month."""
    return monthly_chart_svg(
        month_ends,
        [
            ChartLine("ความจุถัง (กก.)", _values(rows, month_ends, "usable_capacity_kg"), BLUE),
            ChartLine(
                "ขยะต่อรอบเก็บ (กก.)",
                _values(rows, month_ends, "waste_kg_per_cycle"),
                RED,
                dashed=True,
            ),
        ],
        title=title,
        thai_digits=thai_digits,
    )
