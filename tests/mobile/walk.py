"""A village head's walk through the phone form, counted: screens seen, taps, characters typed,
and where each tapped button stood when its screen opened (in view without scrolling, or not).

Three paths from the home screen to "saved", as a head would take them:

- ``reinspect``: standing 3 m from the registered bin NB-0001 with a good (±5 m) fix;
- ``new_bin``: a bin with no code, far from any registered bin;
- ``poor_fix``: standing at NB-0001 under trees, the phone reporting ±80 m and placing the
  head 72 m north of the bin; the head picks NB-0001 if the form offers it, else types its code.

A tap on a button that is not in view when its screen opens needs a scroll first; the walk
records that (``scrolls``) instead of hiding it, as Playwright's click would.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tests.mobile.conftest import EXISTING_BINS, jpeg

PHOTO = {"name": "IMG_20261126_0915.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}

#: Where the head stands and what the phone reports, per path: (lat, lon, accuracy m).
NB1_LAT, NB1_LON = EXISTING_BINS["NB-0001"][0], EXISTING_BINS["NB-0001"][1]
PATHS: dict[str, tuple[float, float, float]] = {
    "reinspect": (NB1_LAT + 0.000027, NB1_LON, 5),  # 3 m north of NB-0001
    "new_bin": (16.3020, 103.3020, 5),  # ~470 m from the nearest registered bin
    "poor_fix": (NB1_LAT + 72 / 111_320, NB1_LON, 80),  # 72 m off, ±80 m
}


@dataclass
class Tap:
    screen: str
    target: str
    top: float
    bottom: float
    viewport: int

    @property
    def in_view(self) -> bool:
        return self.top >= 0 and self.bottom <= self.viewport


@dataclass
class Walk:
    path: str
    viewport: tuple[int, int]
    screens: list[str] = field(default_factory=list)
    taps: list[Tap] = field(default_factory=list)
    typed: int = 0

    @property
    def scrolls(self) -> int:
        return sum(not t.in_view for t in self.taps)

    def summary(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "viewport": f"{self.viewport[0]}x{self.viewport[1]}",
            "screens": len(self.screens),
            "screen_names": self.screens,
            "taps": len(self.taps),
            "typed": self.typed,
            "scrolls": self.scrolls,
            "out_of_view": [asdict(t) for t in self.taps if not t.in_view],
        }


class Walker:
    """Drives one page and counts what the head does."""

    def __init__(
        self, page: Any, walk: Walk, on_screen: Callable[[Any, str, str], None] | None = None
    ) -> None:
        self.page, self.walk, self.on_screen = page, walk, on_screen

    def screen_now(self) -> str:
        return str(self.page.evaluate("document.documentElement.dataset.screen || ''"))

    def seen(self) -> None:
        name = self.screen_now()
        if name and (not self.walk.screens or self.walk.screens[-1] != name):
            self.walk.screens.append(name)

    def wait_screen(self, name: str) -> None:
        self.page.locator(f"html[data-screen='{name}']").wait_for(state="attached")
        self.page.locator(f"#s-{name}").wait_for(state="visible")
        self.seen()
        if self.on_screen:
            self.on_screen(self.page, self.walk.path, name)

    def tap(
        self, selector: str, *, files: list[dict[str, Any]] | None = None, upload: str = ""
    ) -> None:
        loc = self.page.locator(selector).first
        loc.wait_for(state="visible")
        box = loc.evaluate(
            "e => { const r = e.getBoundingClientRect();"
            " return {top: r.top + window.scrollY, bottom: r.bottom + window.scrollY}; }"
        )
        height = int(self.page.evaluate("window.innerHeight"))
        self.walk.taps.append(Tap(self.screen_now(), selector, box["top"], box["bottom"], height))
        if files is not None:
            self.page.set_input_files(upload, files=files)  # the camera, after the label
        else:
            loc.click()

    def type(self, selector: str, text: str) -> None:
        self.page.locator(selector).fill(text)
        self.walk.typed += len(text)


def walk_path(
    phone: Any, path: str, on_screen: Callable[[Any, str, str], None] | None = None
) -> Walk:
    """Record one bin along ``path`` from the home screen to the saved screen; ``on_screen``
    (page, path, screen name) is called as each screen opens, before anything is tapped."""
    page = phone.page
    lat, lon, accuracy = PATHS[path]
    size = page.viewport_size
    walk = Walk(path, (size["width"], size["height"]))
    w = Walker(page, walk, on_screen)
    phone.context.set_geolocation({"latitude": lat, "longitude": lon, "accuracy": accuracy})
    w.wait_screen("home")
    w.tap("#btn-start")
    w.wait_screen("photo")
    w.tap("#photo-label", files=[PHOTO], upload="#photo-input")
    page.locator("html[data-screen='gps']").wait_for(state="attached")
    page.locator("#gps-value:not(:text('…'))").wait_for()
    w.wait_screen("gps")
    w.tap("#btn-gps-use")  # at once, as a head would: a poor fix may ask for a second tap
    if w.screen_now() == "gps":
        page.locator("#btn-gps-use[data-ready='yes']").wait_for()
        if w.screen_now() == "gps":
            w.tap("#btn-gps-use")
    page.locator("html[data-screen='bin']").wait_for(state="attached")
    page.wait_for_function("document.getElementById('near-intro').textContent !== '…'")
    w.wait_screen("bin")
    if path == "new_bin":
        w.tap("#btn-new-bin")
    elif page.locator("#near-list button[data-code='NB-0001']").count():
        w.tap("#near-list button[data-code='NB-0001']")
    else:
        w.tap("#code-input")
        w.type("#code-input", "NB-0001")
        w.tap("#btn-code-ok")
    w.wait_screen("condition")
    w.tap("#pick-condition button[data-value='usable']")
    if path == "new_bin":
        w.wait_screen("stream")
        w.tap("#pick-stream button[data-value='general']")
        w.wait_screen("size")
        w.tap("#pick-size button[data-value='240']")
    w.wait_screen("review")
    w.tap("#btn-save")
    w.wait_screen("saved")
    # sent before the phone is put away (and before a test closes the browser)
    page.locator("#saved-status[data-state='sent']").wait_for()
    return walk


def write(walks: list[Walk], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps([w.summary() for w in walks], ensure_ascii=False, indent=1) + "\n")
