"""The ITA report as a printed PDF: the measure's row (A4 landscape) and the annex.

The same machinery as the allocation notice (:mod:`fieldsvc.reports.pdf`): a Jinja template,
the TLWG fonts, Thai digits and Buddhist-era dates, WeasyPrint. Charts go in as SVG (WeasyPrint
draws them with the report's fonts) or PNG; the map as the image given.
"""

from __future__ import annotations

import base64
import re
from datetime import date

from fieldsvc.config import Settings
from fieldsvc.reports.ita.annex import (
    MONTH_COLUMNS,
    annex_charts,
    month_totals,
    month_values,
    printed_cells,
)
from fieldsvc.reports.ita.figures import ItaFigures
from fieldsvc.reports.ita.row import HEADINGS, MEASURE_8, ItaMeasure, ita_row
from fieldsvc.reports.pdf import FONT_STACK, _environment, _filters, keep_together, render_pdf
from fieldsvc.thai import fiscal_year_label, format_be_date, thai_now

SYNTHETIC_NOTE = "ตัวเลขในรายงานนี้เป็นข้อมูลสมมุติ (ตัวอย่าง) สำหรับสาธิตระบบ มิใช่ผลการดำเนินงานจริงของหน่วยงานใด"


def data_uri(data: bytes | str, media_type: str) -> str:
    """``data:`` URI of an image, so the HTML needs no file and nothing is fetched."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return f"data:{media_type};base64,{base64.b64encode(raw).decode('ascii')}"


def image_type(data: bytes) -> str:
    """The media type of a PNG or JPEG image, from its first bytes."""
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    raise ValueError("the coverage map image must be PNG or JPEG")


def ita_html(
    figures: ItaFigures,
    settings: Settings,
    *,
    thai_digits: bool,
    measure: ItaMeasure = MEASURE_8,
    issued_on: date | None = None,
) -> str:
    """The report as HTML (what :func:`ita_pdf` prints)."""
    from fieldsvc.reports.plan_tables import is_sample_office

    env = _environment().overlay()
    env.filters.update(_filters(thai_digits))
    row = ita_row(figures, measure, thai_digits=thai_digits)
    # PNG first: WeasyPrint does not shape Thai text inside SVG (see charts.py).
    charts = [
        {
            "title": c.title,
            "src": data_uri(c.png, "image/png")
            if c.png
            else data_uri(c.svg or "", "image/svg+xml"),
        }
        for c in annex_charts(figures, thai_digits=thai_digits)
    ]
    months = [printed_cells(month_values(m, thai_digits), thai_digits) for m in figures.monthly]
    map_png = figures.coverage_map_png
    synthetic = figures.synthetic or is_sample_office(settings)
    context = {
        "font_stack": FONT_STACK,
        "thai_digits": thai_digits,
        "office_name": settings.office_name,
        "fiscal_year": fiscal_year_label(figures.fiscal_year_be, thai_digits),
        "previous_year": fiscal_year_label(figures.fiscal_year_be - 1, thai_digits),
        "synthetic_note": SYNTHETIC_NOTE if synthetic else None,
        "headings": HEADINGS,
        "cells": row.cells(),
        "reporter_name": settings.cosignatory_name,
        "reporter_position": settings.cosignatory_position,
        "issued_on": format_be_date(issued_on or thai_now().date(), thai_digits),
        "measure_number": measure.number,
        "month_headings": [h for _, h in MONTH_COLUMNS],
        "months": months,
        "month_totals": printed_cells(month_totals(figures.monthly), thai_digits),
        "charts": charts,
        "map_src": data_uri(map_png, image_type(map_png)) if map_png else None,
        "end_date": format_be_date(figures.as_of_end, thai_digits),
        "radius_m": figures.radius_m,
    }
    template = env.get_template("ita_report.html")
    return _unbroken(keep_together(template.render(**context)))


#: Compounds Pango's Thai line breaker splits even with a WORD JOINER inside (ครัว|เรือน,
#: ปี|งบประมาณ, หมู่|บ้าน in table cells): set as unbreakable spans in the body.
_UNBROKEN = ("ปีงบประมาณ", "หมู่บ้าน", "ครัวเรือน", "ใบสั่งงาน", "ถังขยะ")


def _unbroken(html: str) -> str:
    head, body = html.split("<body>", 1)
    pattern = re.compile("|".join(_UNBROKEN))

    def text(match: re.Match[str]) -> str:  # text between tags only, never an attribute
        plain = match.group(1).replace("\u2060", "")
        return ">" + pattern.sub(lambda m: f'<span class="nw">{m.group(0)}</span>', plain) + "<"

    return f"{head}<body>" + re.sub(r">([^<>]+)<", text, body)


def ita_pdf(
    figures: ItaFigures,
    settings: Settings,
    *,
    thai_digits: bool | None = None,
    measure: ItaMeasure = MEASURE_8,
    issued_on: date | None = None,
) -> bytes:
    """The report as PDF; ``thai_digits`` defaults to ``settings.report_thai_digits``."""
    thai = settings.report_thai_digits if thai_digits is None else thai_digits
    return render_pdf(
        ita_html(figures, settings, thai_digits=thai, measure=measure, issued_on=issued_on)
    )
