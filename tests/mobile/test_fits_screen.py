"""The phone form on a real screen (issue 17): with the browser's bars a 640 px phone shows
~560 px. At 360×560 and 360×640 every screen's way on is in view without scrolling, every
question screen has a cancel, the step numbers count the screens this bin goes through, and
the language switch stands apart and asks first. Screenshots at 360×560 go to
test-artifacts/mobile/fit-*.png."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import pytest
from shapely.geometry import LineString

from fieldsvc.services import basemap
from tests.mobile.conftest import ARTIFACTS, Live, PhoneMaker
from tests.mobile.walk import SCENARIOS, walk_bin

pytestmark = pytest.mark.browser

#: The way on of each screen (any one of them is enough for the screen to be usable; all of
#: them are checked when listed as a tuple).
MAIN_ACTIONS: dict[str, tuple[str, ...]] = {
    "home": ("#btn-start",),
    "photo": ("#photo-label",),
    "gps": ("#btn-gps-use",),
    "condition": ("#pick-condition button:last-child",),
    "stream": ("#pick-stream button:last-child",),
    "size": ("#pick-size button:last-child",),
    "review": ("#btn-save",),
    "saved": ("#btn-next-bin",),
}

#: Step labels expected on each question screen, per path (counted independently: a registered
#: bin skips colour and size, so its review is step 5 of 5; a new bin's is 7 of 7).
STEPS = {
    "reinspect": {"photo": "ขั้นที่ 1", "gps": "ขั้นที่ 2", "bin": "ขั้นที่ 3",
                  "condition": "ขั้นที่ 4 จาก 5", "review": "ขั้นที่ 5 จาก 5"},
    "new_bin": {"photo": "ขั้นที่ 1", "gps": "ขั้นที่ 2", "bin": "ขั้นที่ 3",
                "condition": "ขั้นที่ 4 จาก 7", "stream": "ขั้นที่ 5 จาก 7",
                "size": "ขั้นที่ 6 จาก 7", "review": "ขั้นที่ 7 จาก 7"},
    "poor_fix": {"photo": "ขั้นที่ 1", "gps": "ขั้นที่ 2", "bin": "ขั้นที่ 3",
                 "condition": "ขั้นที่ 4 จาก 5", "review": "ขั้นที่ 5 จาก 5"},
}  # fmt: skip

BOX_JS = """e => { const r = e.getBoundingClientRect();
  return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; }"""

TARGETS_JS = """() => [...document.querySelectorAll(
  'button, a[href], input:not(.hidden-input), label.btn, .leaflet-marker-icon')]
  .filter(e => e.offsetParent !== null && getComputedStyle(e).visibility !== 'hidden')
  .map(e => { const r = e.getBoundingClientRect();
    return {id: e.id, top: r.top, bottom: r.bottom, left: r.left, right: r.right}; })"""


def in_view(page: Any, selector: str) -> bool:
    """``selector`` lies wholly inside the window, the page scrolled to its top."""
    assert page.evaluate("window.scrollY") == 0
    box = page.locator(selector).first.evaluate(BOX_JS)
    height = page.evaluate("window.innerHeight")
    return bool(box["top"] >= 0 and box["bottom"] <= height)


def gap(a: dict[str, float], b: dict[str, float]) -> float:
    """Smallest distance between two rectangles (0 when they touch or overlap)."""
    dx = max(0.0, max(a["left"], b["left"]) - min(a["right"], b["right"]))
    dy = max(0.0, max(a["top"], b["top"]) - min(a["bottom"], b["bottom"]))
    return float((dx**2 + dy**2) ** 0.5)


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"fit-{name}.png"))


def warning_lines(page: Any, selector: str) -> int:
    return int(
        page.locator(selector).evaluate(
            """e => { const s = getComputedStyle(e);
              const inner = e.clientHeight - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom);
              return Math.round(inner / parseFloat(s.lineHeight)); }"""
        )
    )


@pytest.mark.parametrize("height", [560, 640])
def test_every_screen_of_each_path_shows_its_way_on(
    make_phone: PhoneMaker, live: Live, height: int
) -> None:
    seen: list[tuple[str, str]] = []

    def check(page: Any, path: str, name: str) -> None:
        seen.append((path, name))
        if height == 560:
            shot(page, f"{path}-{name}")
        actions = MAIN_ACTIONS.get(name)
        if name == "bin":
            # a listed bin, "new bin" and the typed code all without scrolling
            listed = page.locator("#near-list button")
            actions = ("#btn-new-bin", "#code-input") + (
                ("#near-list button",) if listed.count() else ()
            )
        for selector in actions or ():
            assert in_view(page, selector), (path, name, selector, height)
        if page.locator(f"#s-{name}.step").count():
            assert page.locator("#btn-cancel").is_visible(), (path, name)
            assert not page.locator("#btn-queue").is_visible()
            assert page.locator(f"#s-{name} .stepno").inner_text() == STEPS[path][name]
        if name == "gps" and page.locator("#gps-warning").is_visible():
            assert warning_lines(page, "#gps-warning") <= 2, page.locator(
                "#gps-warning"
            ).inner_text()

    for path in STEPS:
        phone = make_phone(height=height)
        phone.page.goto(live.link())
        phone.page.locator("html[data-data='ready']").wait_for(state="attached")
        walk = walk_bin(phone, SCENARIOS[path], on_screen=check)
        assert walk.scrolls == 0, walk.summary()
        assert phone.errors == []
    assert {n for _, n in seen} == set(MAIN_ACTIONS) | {"bin"}


@pytest.mark.parametrize("height", [560, 640])
def test_poor_fix_warning_and_new_bin_beside_a_listed_bin_fit(
    make_phone: PhoneMaker, live: Live, height: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the office's roads (an OSM extract stands in): one past NB-0001, drawn under the bins
    road = LineString([(103.3040, 16.30495), (103.3060, 16.30495)])
    roads = gpd.GeoDataFrame({"highway": ["residential"]}, geometry=[road], crs="EPSG:4326")
    monkeypatch.setattr(basemap, "office_roads", lambda settings: roads)
    # ±80 m: the warning is shown after the wait, in at most two lines, the button in view.
    phone = make_phone(lat=16.3020, lon=103.3020, accuracy=80, height=height)
    page = phone.page
    page.goto(live.link())
    page.locator("html[data-data='ready']").wait_for(state="attached")
    page.click("#btn-start")
    page.click("#btn-photo-skip")
    page.locator("#gps-box[data-quality='red']").wait_for()
    page.locator("#btn-gps-use[data-ready='yes']").wait_for(timeout=10_000)
    warning = page.locator("#gps-warning")
    assert warning.is_visible()
    assert warning_lines(page, "#gps-warning") <= 2
    assert in_view(page, "#btn-gps-use") and in_view(page, "#gps-warning")
    if height == 560:
        shot(page, "gps-poor")
    # 3 m from NB-0001 with a good fix: the bin is listed, and "new bin" is still in view.
    phone.context.set_geolocation({"latitude": 16.30503, "longitude": 103.3050, "accuracy": 4})
    page.locator("#gps-box[data-quality='green']").wait_for()
    page.click("#btn-gps-use")
    page.locator("#near-list button[data-code='NB-0001']").wait_for()
    page.locator("#near-map .leaflet-marker-icon").first.wait_for()
    for selector in ("#near-list button", "#btn-new-bin", "#code-input", "#btn-code-ok"):
        assert in_view(page, selector), (selector, height)
    if height == 560:
        page.evaluate("document.getElementById('near-map').scrollIntoView()")
        shot(page, "bin-map")
    # bin markers on the small map are 44 px tap targets, their labels 14 px
    sizes = page.locator("#near-map .leaflet-marker-icon").evaluate_all(
        "els => els.map(e => [e.getBoundingClientRect().width, e.getBoundingClientRect().height])"
    )
    assert sizes and all(w >= 44 and h >= 44 for w, h in sizes), sizes
    label = page.locator("#near-map .bin-label").first
    assert label.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 14
    # context: the road (grey) and the village outline (dashed) under the markers
    strokes = page.locator("#near-map svg path").evaluate_all(
        "els => els.map(e => [e.getAttribute('stroke'), e.getAttribute('stroke-dasharray')])"
    )
    assert ["#8d8d8d", None] in strokes and ["#5b6b7c", "6 4"] in strokes, strokes
    assert phone.errors == []


def test_cancel_asks_when_answers_would_be_lost_and_keeps_nothing(
    make_phone: PhoneMaker, live: Live
) -> None:
    phone = make_phone(height=560)
    page = phone.page
    page.goto(live.link())
    page.locator("html[data-data='ready']").wait_for(state="attached")
    dialogs: list[str] = []
    answers = [False, True]  # to the cancel's question: first "no", then "yes"

    def answer(d: Any) -> None:
        dialogs.append(d.message)
        d.accept() if answers.pop(0) else d.dismiss()

    page.on("dialog", answer)
    # Nothing answered yet: straight home, no question.
    page.click("#btn-start")
    page.locator("html[data-screen='photo']").wait_for(state="attached")
    page.click("#btn-cancel")
    page.locator("html[data-screen='home']").wait_for(state="attached")
    assert dialogs == []

    # A condition chosen: the cancel asks; "no" stays, "yes" goes home with nothing queued.
    page.click("#btn-start")
    page.click("#btn-photo-skip")
    page.locator("#btn-gps-use[data-ready='yes']").wait_for()
    page.click("#btn-gps-use")
    page.click("#btn-new-bin")
    page.locator("html[data-screen='condition']").wait_for(state="attached")
    page.click("#pick-condition button[data-value='damaged']")
    page.locator("html[data-screen='stream']").wait_for(state="attached")
    cancel, back = (page.locator(s).evaluate(BOX_JS) for s in ("#btn-cancel", "#btn-back"))
    assert gap(cancel, back) >= 8
    page.click("#btn-cancel")
    assert page.evaluate("document.documentElement.dataset.screen") == "stream"
    page.click("#btn-cancel")
    page.locator("html[data-screen='home']").wait_for(state="attached")
    assert dialogs == ["ยกเลิกถังนี้? สิ่งที่บันทึกไว้ของถังนี้จะหายไป"] * 2
    assert page.evaluate("document.documentElement.dataset.waiting") == "0"
    assert page.locator("#queue-count").inner_text() == "0"
    # A new survey starts empty: the cancelled answers are gone.
    page.click("#btn-start")
    page.click("#btn-photo-skip")
    page.locator("#btn-gps-use[data-ready='yes']").wait_for()
    page.click("#btn-gps-use")
    page.click("#btn-new-bin")
    page.locator("html[data-screen='condition']").wait_for(state="attached")
    assert page.locator("#pick-condition button[aria-pressed='true']").count() == 0
    assert phone.errors == []


def test_language_switch_stands_apart_and_asks_first(make_phone: PhoneMaker, live: Live) -> None:
    phone = make_phone(height=560)
    page = phone.page
    page.goto(live.link())
    page.locator("html[data-data='ready']").wait_for(state="attached")
    assert page.locator("header #btn-lang").count() == 0  # not in the bar beside the queue
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    shot(page, "home-settings")
    page.evaluate("window.scrollTo(0, 0)")
    targets = page.evaluate(TARGETS_JS)
    lang = next(t for t in targets if t["id"] == "btn-lang")
    others = [t for t in targets if t["id"] != "btn-lang"]
    assert min(gap(lang, o) for o in others) >= 8
    answers = iter([False, True])
    messages: list[str] = []

    def answer(d: Any) -> None:
        messages.append(d.message)
        d.accept() if next(answers) else d.dismiss()

    page.on("dialog", answer)
    page.click("#btn-lang")
    assert page.locator("#btn-start").inner_text().strip() == "บันทึกถังขยะ"
    page.click("#btn-lang")
    assert page.locator("#btn-start").inner_text().strip() == "Record a bin"
    assert messages == ["เปลี่ยนภาษาเป็นภาษาอังกฤษ (English)?"] * 2
    assert phone.errors == []


@pytest.mark.parametrize("height", [560, 640])
def test_home_links_the_public_report_page_without_pushing_the_start_button_out(
    make_phone: PhoneMaker, live: Live, height: int
) -> None:
    phone = make_phone(height=height)
    page = phone.page
    page.goto(live.link())
    page.locator("html[data-data='ready']").wait_for(state="attached")
    link = page.locator("#link-report")
    assert link.get_attribute("href") == "/report"
    assert link.inner_text().strip() == "แจ้งปัญหาถังขยะ"
    assert in_view(page, "#btn-start"), height
    targets = page.evaluate(TARGETS_JS)
    mine = next(t for t in targets if t["id"] == "link-report")
    assert mine["bottom"] - mine["top"] >= 44  # a thumb-sized target like the other buttons
    assert min(gap(mine, t) for t in targets if t["id"] != "link-report") >= 8
    if height == 640:
        page.evaluate("document.getElementById('link-report').scrollIntoView()")
        shot(page, "home-report-link")
    assert phone.errors == []
    with page.expect_navigation():
        link.click()
    assert page.url.endswith("/report")
