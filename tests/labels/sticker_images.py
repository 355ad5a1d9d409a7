"""Sticker sheets as images: the PDF rendered by poppler (pdftoppm), QR codes decoded by
zxing-cpp (independent of the qrcode library that drew them), and single labels cut out."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import zxingcpp
from PIL import Image

DPI = 150
LABEL_W_MM, LABEL_H_MM, TOP_MM = 70.0, 37.0, 0.5


def pdf_pages(pdf: bytes, *, dpi: int = DPI) -> list[Image.Image]:
    """Every page of ``pdf`` as an RGB image (fails, never skips, without poppler-utils)."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "sheet.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-png", str(source), str(Path(tmp) / "page")], check=True
        )
        return [Image.open(p).convert("RGB") for p in sorted(Path(tmp).glob("page*.png"))]


def decoded_codes(image: Image.Image) -> list[str]:
    """Texts of every QR code found in ``image``, in reading order (rows, then columns)."""
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    found.sort(key=lambda b: (round(b.position.top_left.y / 50), b.position.top_left.x))
    return [b.text for b in found]


def label_image(page: Image.Image, index: int, *, dpi: int = DPI) -> Image.Image:
    """Label ``index`` (0-based, reading order, 3 × 8 on A4) cut out of a rendered page."""
    px = dpi / 25.4
    row, column = divmod(index, 3)
    left, top = column * LABEL_W_MM * px, (TOP_MM + row * LABEL_H_MM) * px
    return page.crop(
        (round(left), round(top), round(left + LABEL_W_MM * px), round(top + LABEL_H_MM * px))
    )
