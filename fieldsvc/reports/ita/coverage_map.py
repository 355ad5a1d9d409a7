"""The annex's coverage map: village polygons coloured by households within reach, and the bins,
drawn with Pillow into a PNG (offline: no tiles, no map server, no browser).

A plain equirectangular drawing scaled by the cosine of the middle latitude is true enough for
a subdistrict a few kilometres across. Village numbers are printed just above each polygon's
representative point, bins on top; the legend sits under the map.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont
from shapely.geometry.base import BaseGeometry

from fieldsvc.reports.ita.charts import _FONT_FILES
from fieldsvc.thai import digits

WIDTH = 900
_MARGIN = 24
_LEGEND_H = 136
#: Below the threshold, at or above it, no located households (Okabe–Ito vermillion, bluish
#: green, grey): readable by colour-blind readers and in greyscale print.
BELOW, ABOVE, UNKNOWN = "#E69F00", "#009E73", "#DDDDDD"


@dataclass(frozen=True)
class MapVillage:
    number: int
    geometry: BaseGeometry  # lon/lat (EPSG:4326)
    covered_share: float | None


@dataclass(frozen=True)
class MapBin:
    lon: float
    lat: float
    usable: bool


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in _FONT_FILES:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default()


def _rings(geometry: BaseGeometry) -> list[list[tuple[float, float]]]:
    polygons = getattr(geometry, "geoms", [geometry])
    return [list(p.exterior.coords) for p in polygons if hasattr(p, "exterior")]


def coverage_map_png(
    villages: Sequence[MapVillage],
    bins: Sequence[MapBin],
    *,
    threshold_share: float,
    thai_digits: bool = True,
) -> bytes | None:
    """The map as PNG bytes, or None when no village has a polygon."""
    shapes = [v for v in villages if v.geometry is not None and not v.geometry.is_empty]
    if not shapes:
        return None
    xs0, ys0, xs1, ys1 = zip(*(v.geometry.bounds for v in shapes), strict=True)
    west, south, east, north = min(xs0), min(ys0), max(xs1), max(ys1)
    kx = math.cos(math.radians((south + north) / 2))
    span_x, span_y = max((east - west) * kx, 1e-9), max(north - south, 1e-9)
    scale = (WIDTH - 2 * _MARGIN) / span_x
    height = int(span_y * scale) + 2 * _MARGIN
    image = Image.new("RGB", (WIDTH, height + _LEGEND_H), "white")
    draw = ImageDraw.Draw(image)

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return (_MARGIN + (lon - west) * kx * scale, _MARGIN + (north - lat) * scale)

    label_font = _font(22)
    for v in shapes:
        if v.covered_share is None:
            fill = UNKNOWN
        else:
            fill = BELOW if v.covered_share < threshold_share - 1e-12 else ABOVE
        for ring in _rings(v.geometry):
            draw.polygon([xy(x, y) for x, y in ring], fill=fill, outline="#333333", width=2)
    for v in shapes:
        point = v.geometry.representative_point()
        x, y = xy(point.x, point.y)
        y -= 30  # above the middle, where a bin often stands
        text = "ม." + digits(v.number, thai_digits)
        draw.text((x, y), text, fill="black", font=label_font, anchor="mm",
                  stroke_width=3, stroke_fill="white")  # fmt: skip

    for b in bins:
        x, y = xy(b.lon, b.lat)
        if b.usable:
            draw.ellipse((x - 5, y - 5, x + 5, y + 5), fill="#0072B2", outline="white")
        else:
            draw.line((x - 6, y - 6, x + 6, y + 6), fill="#D55E00", width=3)
            draw.line((x - 6, y + 6, x + 6, y - 6), fill="#D55E00", width=3)
    font = _font(18)
    pct = digits(f"{100 * threshold_share:g}", thai_digits)
    top = height + 8
    legend = (
        ("box", BELOW, f"ครัวเรือนอยู่ในระยะต่ำกว่าร้อยละ {pct}"),
        ("box", ABOVE, f"ครัวเรือนอยู่ในระยะตั้งแต่ร้อยละ {pct}"),
        ("box", UNKNOWN, "ไม่มีพิกัดครัวเรือน"),
        ("dot", "#0072B2", "ถังที่ใช้งานได้"),
        ("cross", "#D55E00", "ถังชำรุด สูญหาย หรือขยะล้น"),
    )
    for i, (kind, colour, text) in enumerate(legend):
        x = _MARGIN + (i % 2) * 430
        y = top + (i // 2) * 40
        if kind == "box":
            draw.rectangle((x, y, x + 24, y + 24), fill=colour, outline="#333333")
        elif kind == "dot":
            draw.ellipse((x + 6, y + 6, x + 18, y + 18), fill=colour)
        else:
            draw.line((x + 5, y + 5, x + 19, y + 19), fill=colour, width=3)
            draw.line((x + 5, y + 19, x + 19, y + 5), fill=colour, width=3)
        draw.text((x + 32, y + 12), text, fill="black", font=font, anchor="lm")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
