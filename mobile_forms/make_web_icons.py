"""Draw the phone form's PNG icons (``web/icon-192.png``, ``web/icon-512.png``) with Pillow.

The same picture as ``web/icon.svg``: a blue wheelie bin with a tick. The square is filled to
the edge and the bin stays inside the central 80 % so the 512 px icon also works as "maskable".
Run: ``python mobile_forms/make_web_icons.py``.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

WEB_DIR = Path(__file__).resolve().parent / "web"
NAVY, BLUE, WHITE = (13, 59, 102), (30, 136, 229), (255, 255, 255)


def draw_icon(size_px: int) -> Image.Image:
    big = 512 * 2  # draw large, then shrink: smooth edges without anti-aliasing support
    image = Image.new("RGB", (big, big), NAVY)
    d = ImageDraw.Draw(image)

    def s(*xy: float) -> list[float]:
        return [v * 2 * 0.8 + 0.1 * big for v in xy]  # inside the maskable safe zone

    d.rounded_rectangle(s(206, 92, 306, 122), radius=16, fill=WHITE)
    d.rounded_rectangle(s(126, 122, 386, 166), radius=24, fill=BLUE, outline=WHITE, width=22)
    d.polygon(s(146, 166, 366, 166, 342, 400, 170, 400), fill=BLUE, outline=WHITE, width=22)
    for cx in (190, 322):
        d.ellipse(s(cx - 26, 394, cx + 26, 446), fill=WHITE)
    d.line(s(200, 280, 240, 320, 320, 234), fill=WHITE, width=48, joint="curve")
    return image.resize((size_px, size_px), Image.Resampling.LANCZOS)


def main() -> None:
    for size in (192, 512):
        draw_icon(size).save(WEB_DIR / f"icon-{size}.png", optimize=True)


if __name__ == "__main__":
    main()
