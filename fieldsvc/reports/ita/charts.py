"""The annex's two monthly charts, drawn with Pillow (no chart library).

PNG, because every form can show it: Word cannot show SVG, and WeasyPrint sets SVG text glyph
by glyph, so Thai vowels and tone marks above or below a consonant fall apart into dotted
circles. Pillow shapes Thai through libraqm. Month labels are the short Thai months; the chart's
title is printed by the document around it, not inside the image.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from fieldsvc.reports.ita.figures import ItaMonth
from fieldsvc.thai import BE_OFFSET, THAI_MONTHS_SHORT, digits

WIDTH, HEIGHT = 720, 300
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 16, 34, 40
#: Colour-blind-safe pair (Okabe–Ito blue and vermillion) and a grey for the grid.
COLOURS = ("#0072B2", "#D55E00")
_GRID = "#BBBBBB"
_FONT_FILES = (
    "/usr/share/fonts/truetype/tlwg/Laksaman.ttf",
    "/usr/share/fonts/truetype/tlwg/Garuda.ttf",
)


@dataclass(frozen=True)
class _Shape:
    kind: str  # "rect" | "line" | "text"
    points: tuple[float, ...]
    colour: str
    text: str = ""
    anchor: str = "middle"  # text: start | middle | end
    width: float = 1.0


@dataclass(frozen=True)
class ChartLayout:
    """A laid-out chart: shapes in a WIDTH × HEIGHT box (pixels at scale 1)."""

    shapes: tuple[_Shape, ...]

    def png(self, scale: int = 2) -> bytes:
        """The chart as a PNG (``scale`` × the SVG's pixel size, for print)."""
        image = Image.new("RGB", (WIDTH * scale, HEIGHT * scale), "white")
        draw = ImageDraw.Draw(image)
        font = _font(13 * scale)
        for s in self.shapes:
            pts = [p * scale for p in s.points]
            if s.kind == "rect":
                draw.rectangle(pts, fill=s.colour)
            elif s.kind == "line":
                draw.line(pts, fill=s.colour, width=max(1, round(s.width * scale)))
            else:
                anchor = {"start": "ls", "middle": "ms", "end": "rs"}[s.anchor]
                draw.text((pts[0], pts[1]), s.text, fill=s.colour, font=font, anchor=anchor)
        out = io.BytesIO()
        image.save(out, format="PNG")
        return out.getvalue()


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in _FONT_FILES:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def month_label(month: ItaMonth, thai_digits: bool) -> str:
    """``ต.ค. 69``: the short Thai month and the last two digits of its Buddhist-era year."""
    be = month.month.year + BE_OFFSET
    return digits(f"{THAI_MONTHS_SHORT[month.month.month - 1]} {be % 100:02d}", thai_digits)


def _frame(
    months: tuple[ItaMonth, ...], top: float, ticks: list[tuple[float, str]], thai: bool
) -> tuple[list[_Shape], float]:
    """Axes, grid and month labels; returns the shapes and the width of one month's slot."""
    plot_w = WIDTH - _LEFT - _RIGHT
    slot = plot_w / max(1, len(months))
    shapes = []
    for value, label in ticks:
        y = _y(value, top)
        shapes.append(_Shape("line", (_LEFT, y, WIDTH - _RIGHT, y), _GRID, width=0.6))
        shapes.append(_Shape("text", (_LEFT - 6, y + 4), "#333333", label, "end"))
    for i, month in enumerate(months):
        x = _LEFT + slot * (i + 0.5)
        shapes.append(
            _Shape("text", (x, HEIGHT - _BOTTOM + 18), "#333333", month_label(month, thai))
        )
    return shapes, slot


def _y(value: float, top: float) -> float:
    plot_h = HEIGHT - _TOP - _BOTTOM
    return HEIGHT - _BOTTOM - (value / top) * plot_h if top else HEIGHT - _BOTTOM


def _nice_top(largest: float) -> tuple[float, float]:
    """A round axis maximum at or above ``largest`` and its whole-number tick step (≤ 5 ticks).

    >>> _nice_top(37), _nice_top(4), _nice_top(0)
    ((40.0, 10.0), (4.0, 1.0), (1.0, 1.0))
    """
    if largest <= 0:
        return 1.0, 1.0
    magnitude = max(1.0, 10.0 ** math.floor(math.log10(largest / 5)))
    step = magnitude
    for factor in (1, 2, 5, 10):
        step = factor * magnitude
        if largest / step <= 5:
            break
    return step * math.ceil(largest / step), step


def _legend(labels: tuple[str, str]) -> list[_Shape]:
    shapes = []
    x = float(_LEFT)
    for colour, label in zip(COLOURS, labels, strict=True):
        shapes.append(_Shape("rect", (x, 10, x + 14, 22), colour))
        shapes.append(_Shape("text", (x + 20, 21), "#000000", label, "start"))
        x += 20 + _font(13).getlength(label) + 24
    return shapes


def inspections_chart(months: tuple[ItaMonth, ...], *, thai_digits: bool) -> ChartLayout:
    """Inspections done (blue) beside inspections due (vermillion), per month."""
    largest = max([m.inspections_done for m in months] + [m.inspections_due or 0 for m in months])
    top, step = _nice_top(float(largest))
    ticks = [
        (step * k, digits(f"{step * k:,.0f}", thai_digits)) for k in range(int(top / step) + 1)
    ]
    shapes, slot = _frame(months, top, ticks, thai_digits)
    bar = slot * 0.34
    for i, m in enumerate(months):
        x = _LEFT + slot * (i + 0.5)
        base = _y(0, top)
        shapes.append(_Shape("rect", (x - bar, _y(m.inspections_done, top), x, base), COLOURS[0]))
        if m.inspections_due is not None:
            shapes.append(
                _Shape("rect", (x, _y(m.inspections_due, top), x + bar, base), COLOURS[1])
            )
    return ChartLayout(tuple(shapes + _legend(("ตรวจแล้ว (ครั้ง)", "ครบกำหนดตรวจ (ครั้ง)"))))


def shares_chart(months: tuple[ItaMonth, ...], *, thai_digits: bool) -> ChartLayout:
    """Share of bins usable (blue) and of households within reach (vermillion), 0–100 %."""
    ticks = [(v, digits(f"{v:.0f}%", thai_digits)) for v in (0.0, 20.0, 40.0, 60.0, 80.0, 100.0)]
    shapes, slot = _frame(months, 100.0, ticks, thai_digits)
    for colour, values in (
        (COLOURS[0], [m.usable_share for m in months]),
        (COLOURS[1], [m.covered_share for m in months]),
    ):
        points: list[float] = []
        for i, value in enumerate(values):
            if value is None:
                continue
            x, y = _LEFT + slot * (i + 0.5), _y(100 * value, 100.0)
            points += [x, y]
            shapes.append(_Shape("rect", (x - 3, y - 3, x + 3, y + 3), colour))
        if len(points) >= 4:
            shapes.append(_Shape("line", tuple(points), colour, width=2.0))
    return ChartLayout(tuple(shapes + _legend(("ถังที่ใช้งานได้", "ครัวเรือนที่อยู่ในระยะ"))))
