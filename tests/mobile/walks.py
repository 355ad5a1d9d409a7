"""Walks through the phone form as a village head would, counting what each bin costs: the
screens seen, the taps made in the form (the camera app's own shutter taps not counted) and the
characters typed. Shared by the find-the-bin tests and the before/after measurement."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.mobile.conftest import Phone, jpeg

PHOTO = {"name": "IMG_20261126_0915.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}

# Every screen the form shows, in order, recorded on the page (the walk reads it back).
SCREEN_LOG_JS = """() => {
  window.__screens = [];
  new MutationObserver(() => {
    const s = document.documentElement.dataset.screen;
    if (s && window.__screens[window.__screens.length - 1] !== s) window.__screens.push(s);
  }).observe(document.documentElement, { attributes: true, attributeFilter: ['data-screen'] });
}"""


@dataclass
class WalkCount:
    """What one bin cost: screens from the first question to 'saved', taps and characters."""

    screens: list[str] = field(default_factory=list)
    taps: int = 0
    typed: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "screens": len(self.screens),
            "taps": self.taps,
            "typed": self.typed,
            "path": " → ".join(self.screens),
        }


class Walker:
    """Taps and typing through ``phone``'s page, counted."""

    def __init__(self, phone: Phone) -> None:
        self.phone, self.page = phone, phone.page
        self.count = WalkCount()

    def start(self) -> None:
        self.page.evaluate(SCREEN_LOG_JS)
        self.tap("#btn-start")

    def tap(self, selector: str) -> None:
        self.page.click(selector)
        self.count.taps += 1

    def photo(self) -> None:
        self.page.set_input_files("#photo-input", files=[PHOTO])
        self.count.taps += 1  # "take photo" (the camera's shutter and OK are the camera's)

    def type(self, selector: str, text: str) -> None:
        self.page.fill(selector, text)
        self.count.typed += len(text)

    def wait_screen(self, name: str) -> None:
        self.page.locator(f"html[data-screen='{name}']").wait_for(state="attached")
        self.page.locator(f"#s-{name}").wait_for(state="visible")

    def finish(self) -> WalkCount:
        self.wait_screen("saved")
        self.count.screens = list(self.page.evaluate("window.__screens"))
        return self.count


def walk_bin(
    phone: Phone,
    *,
    at: tuple[float, float],
    accuracy: float,
    existing: str | None = None,
) -> WalkCount:
    """One bin from the home screen to 'saved': the registered bin ``existing`` (tapped in the
    nearby list when the form offers it, else its code typed), or else a new bin."""
    phone.context.set_geolocation({"latitude": at[0], "longitude": at[1], "accuracy": accuracy})
    w = Walker(phone)
    page = w.page
    w.start()
    w.wait_screen("photo")
    w.photo()
    w.wait_screen("gps")
    page.locator("#gps-box:not([data-quality='none'])").wait_for()
    w.tap("#btn-gps-use")
    if page.evaluate("document.documentElement.dataset.screen") == "gps":
        w.tap("#btn-gps-use")  # the first tap on a poor fix only shows the warning
    w.wait_screen("bin")
    page.wait_for_function("document.getElementById('near-intro').textContent !== '…'")
    if existing:
        near = page.locator(f"#near-list button[data-code='{existing}']")
        if near.count():
            w.tap(f"#near-list button[data-code='{existing}']")
        else:
            w.type("#code-input", existing)
            w.tap("#btn-code-ok")
        w.wait_screen("condition")
        w.tap("#pick-condition button[data-value='usable']")
    else:
        w.tap("#btn-new-bin")
        w.wait_screen("condition")
        w.tap("#pick-condition button[data-value='usable']")
        w.wait_screen("stream")
        w.tap("#pick-stream button[data-value='general']")
        w.wait_screen("size")
        w.tap("#pick-size button[data-value='240']")
    w.wait_screen("review")
    w.tap("#btn-save")
    return w.finish()
