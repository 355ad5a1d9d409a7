"""QR sticker sheets: an A4 page of 3 × 8 labels (70 × 37 mm, the common 24-up label stock,
weather-proof vinyl in the field), each with the bin's QR code, the code in large type and the
village and subdistrict, printed with WeasyPrint like the allocation list.

The QR code holds the plain bin code (``07-0427``), nothing else: a sticker outlives a change
of the server's address, a short text gives the largest modules (21 × 21, easy to read from a
metre away and through dirt, at error-correction level Q), and ODK Collect's barcode question
receives exactly the code it looks up in the bins list.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import qrcode
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from qrcode.constants import ERROR_CORRECT_Q
from qrcode.image.svg import SvgPathImage

from fieldsvc.reports.pdf import FONT_STACK, keep_together, render_pdf

#: Labels per sheet: columns × rows of the 70 × 37 mm stock on A4.
COLUMNS, ROWS = 3, 8
LABELS_PER_SHEET = COLUMNS * ROWS


@dataclass(frozen=True)
class Label:
    """One sticker: the code the QR holds and the words printed beside it."""

    code: str
    village_number: int
    village_name: str
    subdistrict_name: str


@lru_cache(maxsize=4096)
def qr_svg_data_uri(text: str) -> str:
    """The QR code of ``text`` as an SVG ``data:`` URI (vector: sharp at any print size)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, border=2, box_size=10)
    code.add_data(text)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image(image_factory=SvgPathImage).save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode("ascii")


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("fieldsvc.reports", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def labels_html(labels: Sequence[Label], *, title: str) -> str:
    """The sheets as HTML: ``labels`` in reading order, 24 to a page."""
    pages = [
        list(labels[start : start + LABELS_PER_SHEET])
        for start in range(0, len(labels), LABELS_PER_SHEET)
    ]
    template = _environment().get_template("qr_labels.html")
    html = template.render(
        font_stack=FONT_STACK,
        title=title,
        pages=pages,
        columns=COLUMNS,
        qr=qr_svg_data_uri,
    )
    return keep_together(html)


def labels_pdf(labels: Sequence[Label], *, title: str) -> bytes:
    """The sticker sheets as a PDF (one A4 page per 24 labels)."""
    return render_pdf(labels_html(labels, title=title))
