"""A village head's walk through the phone form for one bin, counted: the screens the form shows,
the taps made in the form, the characters typed, and the taps on buttons that were out of view.

How it counts (one convention for every test and for the before/after note):

- **screens**: every screen the form shows from the tap that starts the bin to the "saved"
  screen, *saved included, home not*: a head recording bins one after another goes from
  "saved" ("next bin") straight to the photo, so home is not part of a bin. The form's own
  record of its screen (``html[data-screen]``) is logged on the page, so a screen the form
  passes through without waiting is counted too.
- **taps**: taps in the form, including the one that starts the bin ("record a bin" on home,
  "next bin" on saved), the tap into the code field before typing, and "take photo"; the
  camera app's own shutter and OK are not the form's and are not counted.
- **typed**: characters typed (a bin's code, when the form does not offer the bin).
- **scrolls**: taps on a button that was not wholly in view when tapped (the form opens every
  screen at its top; a scroll made for an earlier tap on the same screen is kept), i.e. the
  scrolls the head needs. Playwright's click would scroll silently; the walk records it instead.
  Also kept, as ``out_of_view_at_open``: taps on a button that was not in view when its screen
  opened (the same, except that a second tap on a button already scrolled to counts again).

The head answers what the form asks, screen by screen: a registered bin is tapped in the nearby
list if the form lists it, else its code is typed as the head reads it off the bin; a typed code
the form does not find is corrected by tapping the offered code (the form after issue 17),
otherwise the head goes on as the form leads (before it, a new bin). Photo taken, condition
"usable", a new bin "general" and 240 l, saved.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session

from fieldsvc.models import BinCreate, Condition, Stream
from fieldsvc.storage.register import create_bin
from tests.mobile.conftest import EXISTING_BINS, Live, Phone, jpeg

PHOTO = {"name": "IMG_20261126_0915.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}

M_PER_DEG_LAT = 111_320
NB1_LAT, NB1_LON = EXISTING_BINS["NB-0001"][0], EXISTING_BINS["NB-0001"][1]

#: A bin registered 150 m east of where it stands (its first fix was poor): standing at it, the
#: head is offered nothing nearby and types its code from the bin, swapping two digits.
MISREGISTERED = ("07-0427", 16.3060, 103.3060)


@dataclass(frozen=True)
class Scenario:
    """Where the head stands, what the phone reports, and which bin it is.

    ``code`` is the registered bin being re-inspected (None: a new bin); ``typed`` is what the
    head types if the form does not list that bin (the code itself unless mistyped).
    """

    name: str
    at: tuple[float, float]
    accuracy_m: float
    code: str | None = None
    typed: str | None = None

    @property
    def reads(self) -> str:
        return self.typed or self.code or ""


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        # 3 m north of NB-0001, ±4 m
        Scenario("reinspect", (NB1_LAT + 3 / M_PER_DEG_LAT, NB1_LON), 4, "NB-0001"),
        # no code, ~470 m from the nearest registered bin, ±5 m
        Scenario("new_bin", (16.3020, 103.3020), 5),
        # at NB-0001 under trees: the phone reports ±80 m and places the head 72 m north of it
        Scenario("poor_fix", (NB1_LAT + 72 / M_PER_DEG_LAT, NB1_LON), 80, "NB-0001"),
        # at 07-0427 (registered 150 m east, see MISREGISTERED), ±5 m, typing 07-0472
        Scenario("mistyped_code", (16.3060, 103.3046), 5, "07-0427", typed="07-0472"),
    )
}


def add_bin(live: Live, code: str, lat: float, lon: float) -> None:
    """Register a 240 l general bin ``code`` at (lat, lon), as if surveyed in January."""
    with Session(live.engine) as session:
        create_bin(
            session=session,
            bin_in=BinCreate(
                code=code,
                lat=lat,
                lon=lon,
                capacity_l=240,
                stream=Stream.general,
                condition=Condition.usable,
            ),
            observed_at=datetime(2026, 1, 5, tzinfo=UTC),
        )
        session.commit()


# Every screen the form shows, in order, logged on the page. The attribute's old values give the
# screens set and left within one task too (reading the attribute in the callback would not).
SCREEN_LOG_JS = """() => {
  const root = document.documentElement;
  window.__screens = [];
  if (window.__screenLog) window.__screenLog.disconnect();
  window.__screenLog = new MutationObserver((records) => {
    records.forEach((r, i) => {
      const now = i + 1 < records.length ? records[i + 1].oldValue : root.dataset.screen;
      const log = window.__screens;
      if (now && log[log.length - 1] !== now) log.push(now);
    });
  });
  window.__screenLog.observe(root, { attributes: true, attributeFilter: ['data-screen'],
                                     attributeOldValue: true });
}"""

#: Where a tapped element stands in the window at the moment of the tap, and how far the page
#: is scrolled.
BOX_JS = """e => { const r = e.getBoundingClientRect();
  return {top: r.top, bottom: r.bottom, scroll: window.scrollY}; }"""


@dataclass
class Tap:
    screen: str
    target: str
    top: float
    bottom: float
    viewport: int
    scrolled: float = 0  # how far the page had been scrolled since the screen opened

    @property
    def in_view(self) -> bool:
        """Wholly in the window when tapped."""
        return self.top >= 0 and self.bottom <= self.viewport

    @property
    def in_view_at_open(self) -> bool:
        """Wholly in the window as the screen opened (before any scroll on it)."""
        return self.top + self.scrolled >= 0 and self.bottom + self.scrolled <= self.viewport


@dataclass
class Walk:
    """What one bin cost (see the module's docstring for how each number is counted)."""

    scenario: str
    viewport: tuple[int, int]
    screens: list[str] = field(default_factory=list)
    taps: list[Tap] = field(default_factory=list)
    typed: int = 0

    @property
    def scrolls(self) -> int:
        return sum(not t.in_view for t in self.taps)

    @property
    def out_of_view_at_open(self) -> int:
        return sum(not t.in_view_at_open for t in self.taps)

    def counts(self) -> tuple[int, int, int, int]:
        """(screens, taps, characters typed, scrolls)."""
        return len(self.screens), len(self.taps), self.typed, self.scrolls

    def summary(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "viewport": f"{self.viewport[0]}x{self.viewport[1]}",
            "screens": len(self.screens),
            "taps": len(self.taps),
            "typed": self.typed,
            "scrolls": self.scrolls,
            "out_of_view_at_open": self.out_of_view_at_open,
            "path": " → ".join(self.screens),
            "tapped": [f"{t.screen}: {t.target}" for t in self.taps],
            "out_of_view": [asdict(t) for t in self.taps if not t.in_view_at_open],
        }


OnScreen = Callable[[Any, str, str], None]


class Walker:
    """Drives one page through one bin and counts what the head does."""

    def __init__(self, phone: Phone, scenario: Scenario, on_screen: OnScreen | None) -> None:
        self.page, self.scenario, self.on_screen = phone.page, scenario, on_screen
        size = self.page.viewport_size
        self.walk = Walk(scenario.name, (size["width"], size["height"]))
        self.at = ""
        self.opened_scroll = 0.0

    def screen_now(self) -> str:
        return str(self.page.evaluate("document.documentElement.dataset.screen || ''"))

    def arrive(self, name: str) -> None:
        """``name`` is open and settled: its fix shown, its nearby bins looked up."""
        page = self.page
        page.locator(f"html[data-screen='{name}']").wait_for(state="attached")
        page.locator(f"#s-{name}").wait_for(state="visible")
        if name == "gps":
            page.locator("#gps-box:not([data-quality='none'])").wait_for()
        if name == "bin":
            page.wait_for_function(
                "() => document.getElementById('near-intro').textContent !== '…'"
            )
        self.at = name
        self.opened_scroll = float(page.evaluate("window.scrollY"))
        if self.on_screen:
            self.on_screen(page, self.scenario.name, name)

    def next_screen(self) -> str:
        """Wait for the form to leave the current screen; the one it opens, settled."""
        self.page.wait_for_function(
            "s => document.documentElement.dataset.screen !== s", arg=self.at
        )
        name = self.screen_now()
        self.arrive(name)
        return name

    def tap(self, selector: str, *, photo: bool = False) -> None:
        loc = self.page.locator(selector).first
        loc.wait_for(state="visible")
        box = loc.evaluate(BOX_JS)
        height = int(self.page.evaluate("window.innerHeight"))
        scrolled = box["scroll"] - self.opened_scroll
        self.walk.taps.append(Tap(self.at, selector, box["top"], box["bottom"], height, scrolled))
        if photo:  # "take photo"; the camera answers with the picture
            self.page.set_input_files("#photo-input", files=[PHOTO])
        else:
            loc.click()

    def type(self, selector: str, text: str) -> None:
        self.tap(selector)  # into the field: the keyboard opens
        self.page.locator(selector).fill(text)
        self.walk.typed += len(text)

    def listed(self, listing: str, code: str | None) -> str | None:
        """The button for ``code`` in the list ``listing``, if the form offers it."""
        selector = f"{listing} button[data-code='{code}']"
        return selector if code and self.page.locator(selector).count() else None

    # What the head does on each screen.
    def on_photo(self) -> None:
        self.tap("#photo-label", photo=True)

    def on_gps(self) -> None:
        self.tap("#btn-gps-use")  # at once, as a head would: a poor fix asks for a second tap
        if self.screen_now() == "gps":
            self.page.locator("#btn-gps-use[data-ready='yes']").wait_for()
            if self.screen_now() == "gps":
                self.tap("#btn-gps-use")

    def on_bin(self) -> None:
        s = self.scenario
        if s.code is None:
            self.tap("#btn-new-bin")
        elif near := self.listed("#near-list", s.code):
            self.tap(near)
        else:
            self.type("#code-input", s.reads)
            self.tap("#btn-code-ok")

    def on_nocode(self) -> None:
        self.tap(self.listed("#nocode-list", self.scenario.code) or "#btn-nocode-new")

    def on_condition(self) -> None:
        self.tap("#pick-condition button[data-value='usable']")

    def on_stream(self) -> None:
        self.tap("#pick-stream button[data-value='general']")

    def on_size(self) -> None:
        self.tap("#pick-size button[data-value='240']")

    def on_review(self) -> None:
        self.tap("#btn-save")


def walk_bin(phone: Phone, scenario: Scenario, on_screen: OnScreen | None = None) -> Walk:
    """Record one bin as ``scenario``, from home (or the last bin's "saved") to "saved".

    ``on_screen`` (page, scenario name, screen name) is called as each screen opens, the start
    screen included, before anything on it is tapped. Returns once the bin has been sent.
    """
    page = phone.page
    lat, lon = scenario.at
    phone.context.set_geolocation(
        {"latitude": lat, "longitude": lon, "accuracy": scenario.accuracy_m}
    )
    w = Walker(phone, scenario, on_screen)
    page.locator("html[data-screen='home'], html[data-screen='saved']").wait_for(state="attached")
    start = w.screen_now()
    w.arrive(start)
    page.evaluate(SCREEN_LOG_JS)
    w.tap("#btn-start" if start == "home" else "#btn-next-bin")
    while (name := w.next_screen()) != "saved":
        handler = getattr(w, f"on_{name}", None)
        assert handler is not None, f"the walk does not know the screen {name!r}"
        handler()
    w.walk.screens = list(page.evaluate("window.__screens"))
    # sent before the phone is put away (and before a test closes the browser)
    page.locator("#saved-status[data-state='sent']").wait_for()
    return w.walk


def write(walks: list[Walk], out: Path) -> None:
    """The walks' summaries into the JSON file ``out``, by viewport and scenario (the viewports
    of other walks already in the file are kept)."""
    by_size: dict[str, dict[str, Any]] = json.loads(out.read_text()) if out.exists() else {}
    for w in walks:
        summary = w.summary()
        by_size.setdefault(summary["viewport"], {})[w.scenario] = summary
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(by_size, ensure_ascii=False, indent=1) + "\n")
