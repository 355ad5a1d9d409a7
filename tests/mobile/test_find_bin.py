"""Finding the right bin on the phone (Chromium, 360×640): a poor fix beside a registered bin
offers that bin first, a mistyped code offers the registered one (offline too), a code that is not
registered becomes a new bin only by an explicit step, and a new bin's code is shown very large.
(What each bin costs in screens, taps and typing is counted in test_walk.py.)"""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlmodel import Session, select

from fieldsvc.models import Bin, Inspection
from tests.mobile.conftest import EXISTING_BINS, Live, Phone, PhoneMaker
from tests.mobile.test_phone_form import (
    open_signed_in,
    screen,
    shot,
    small_targets,
    submissions,
    wait_queue,
)
from tests.mobile.walk import SCENARIOS, add_bin

pytestmark = pytest.mark.browser

# 72 m north of NB-0001 (16.3050 N, 103.3050 E), reporting ±80 m.
POOR_AT = SCENARIOS["poor_fix"].at


def to_bin_screen(page: Any) -> None:
    page.click("#btn-start")
    screen(page, "photo")
    page.click("#btn-photo-skip")
    screen(page, "gps")
    page.locator("#gps-box:not([data-quality='none'])").wait_for()
    page.click("#btn-gps-use")
    if page.evaluate("document.documentElement.dataset.screen") == "gps":
        page.click("#btn-gps-use")  # a poor fix: the first tap shows the warning
    screen(page, "bin")
    page.wait_for_function("() => document.getElementById('near-intro').textContent !== '…'")


def bin_screen_at(make_phone: PhoneMaker, live: Live, **position: float) -> Phone:
    """A signed-in phone at ``position`` (lat, lon, accuracy) on the bin screen."""
    phone = make_phone(**position)
    open_signed_in(phone, live)
    to_bin_screen(phone.page)
    return phone


def box(page: Any, selector: str) -> dict[str, float]:
    found = page.locator(selector).bounding_box()
    assert found is not None, selector
    return dict(found)


def test_poor_fix_beside_a_registered_bin_offers_it_first(
    make_phone: PhoneMaker, live: Live
) -> None:
    phone = bin_screen_at(make_phone, live, lat=POOR_AT[0], lon=POOR_AT[1], accuracy=80)
    page = phone.page
    near = page.locator("#near-list button")
    near.first.wait_for()
    # ±80 m: the search reaches 80 + 30 = 110 m, so the bin 72 m away is found (not NB-0002, 350 m).
    assert near.count() == 1
    assert near.first.get_attribute("data-code") == "NB-0001"
    assert near.first.locator(".dist").inner_text() == "72 ม."
    assert page.locator("#near-intro").inner_text() == (
        "ตำแหน่งคลาดเคลื่อนได้ถึง 80 ม. ถังนี้น่าจะเป็นถังด้านล่างที่ลงทะเบียนไว้แล้ว แตะถังที่ใช่"
    )
    # The registered bin is the big choice, first; "new bin" is smaller, lower, not green.
    new_bin = page.locator("#btn-new-bin")
    classes = (new_bin.get_attribute("class") or "").split()
    assert "secondary" in classes and "primary" not in classes
    bin_box, new_box = box(page, "#near-list button"), box(page, "#btn-new-bin")
    assert bin_box["y"] + bin_box["height"] <= new_box["y"]
    assert bin_box["height"] > new_box["height"]
    assert bin_box["y"] + bin_box["height"] <= 560  # in view on a real phone, without scrolling
    page.locator("#near-map .leaflet-interactive").first.wait_for()
    shot(page, "20-poor-fix-registered-first")
    assert small_targets(page) == []

    page.click("#near-list button[data-code='NB-0001']")
    screen(page, "condition")
    page.click("#pick-condition button[data-value='damaged']")
    screen(page, "review")
    page.click("#btn-save")
    page.locator("#saved-status[data-state='sent']").wait_for()
    assert page.locator("#saved-code").is_hidden()  # a registered bin: nothing to write
    with Session(live.engine) as session:
        assert len(session.exec(select(Bin)).all()) == len(EXISTING_BINS)
        nb1 = session.exec(select(Bin).where(Bin.code == "NB-0001")).one()
        assert nb1.condition == "damaged"
        assert len(session.exec(select(Inspection).where(Inspection.bin_id == nb1.id)).all()) == 2
    assert phone.foreign_requests() == [] and phone.errors == []


def test_good_fix_far_from_bins_keeps_new_bin_the_main_choice(
    make_phone: PhoneMaker, live: Live
) -> None:
    phone = bin_screen_at(make_phone, live, lat=16.3020, lon=103.3020, accuracy=4)
    page = phone.page
    assert page.locator("#near-list button").count() == 0
    assert page.locator("#near-intro").inner_text() == "ไม่พบถังที่ลงทะเบียนไว้ในระยะ 34 ม."
    classes = (page.locator("#btn-new-bin").get_attribute("class") or "").split()
    assert "primary" in classes and "secondary" not in classes


@pytest.mark.parametrize(
    ("typed", "shown"), [("07-0472", "07-0472"), ("O7-O427", "O7-O427"), ("070427", None)]
)
def test_a_mistyped_code_offers_the_registered_one_offline(
    make_phone: PhoneMaker, live: Live, typed: str, shown: str | None
) -> None:
    add_bin(live, "07-0427", 16.3060, 103.3060)  # in หมู่ 1, 150 m from the phone
    add_bin(live, "07-1234", 16.3065, 103.3065)
    phone = make_phone(lat=16.3020, lon=103.3020, accuracy=5)
    page = phone.page
    open_signed_in(phone, live)
    page.locator("html[data-sw='ready']").wait_for(state="attached")
    phone.context.set_offline(True)
    to_bin_screen(page)
    page.fill("#code-input", typed)
    page.click("#btn-code-ok")
    if shown is None:  # the same code without its dash: that bin, no question asked
        screen(page, "condition")
    else:
        screen(page, "nocode")
        assert page.locator("#nocode-title").inner_text() == f"ไม่พบรหัส {shown}"
        offered = page.locator("#nocode-list button")
        assert [offered.nth(i).get_attribute("data-code") for i in range(offered.count())] == [
            "07-0427"
        ]
        assert page.locator("#btn-nocode-new").is_visible()
        shot(page, f"21-code-not-found-{typed}")
        assert small_targets(page) == []
        page.click("#nocode-list button[data-code='07-0427']")
        screen(page, "condition")
    page.click("#pick-condition button[data-value='usable']")
    screen(page, "review")  # a registered bin: no stream or size questions
    assert "07-0427" in page.locator("#review-list [data-row='code']").inner_text()
    page.click("#btn-save")
    screen(page, "saved")
    phone.context.set_offline(False)
    wait_queue(page, waiting=0)
    assert [s.parsed["bin_code"] for s in submissions(live) if s.parsed] == ["07-0427"]
    assert phone.errors == []


def test_an_unknown_code_becomes_a_new_bin_only_when_asked(
    make_phone: PhoneMaker, live: Live
) -> None:
    phone = bin_screen_at(make_phone, live, lat=16.3020, lon=103.3020, accuracy=5)
    page = phone.page
    page.fill("#code-input", "12-9876")
    page.click("#btn-code-ok")
    screen(page, "nocode")
    assert page.locator("#nocode-list button").count() == 0
    assert page.locator("#nocode-intro").inner_text() == ("ไม่มีรหัสที่คล้ายกันในทะเบียน ดูรหัสบนถังอีกครั้ง")
    # (the language switch lives on the home screen only, away from the survey's buttons)
    assert page.locator("#nocode-title").inner_text() == "ไม่พบรหัส 12-9876"
    assert "ลงทะเบียนเป็นถังใหม่ รหัส 12-9876" in page.locator("#btn-nocode-new").inner_text()
    # Typing again goes back with the code still there to correct.
    page.click("#btn-nocode-retype")
    screen(page, "bin")
    assert page.locator("#code-input").input_value() == "12-9876"
    page.click("#btn-code-ok")
    screen(page, "nocode")
    assert (
        page.locator("#btn-nocode-new")
        .inner_text()
        .strip()
        .endswith("ลงทะเบียนเป็นถังใหม่ รหัส 12-9876")
    )
    page.click("#btn-nocode-new")
    screen(page, "condition")
    page.click("#pick-condition button[data-value='usable']")
    page.click("#pick-stream button[data-value='general']")
    page.click("#pick-size button[data-value='200']")
    screen(page, "review")
    page.click("#btn-save")
    page.locator("#saved-status[data-state='sent']").wait_for()
    # The code typed from the bin is shown large, without a "write it" tick (it is on the bin).
    assert page.locator("#saved-code-value").inner_text() == "12-9876"
    assert page.locator("#saved-written-box").is_hidden()
    with Session(live.engine) as session:
        assert session.exec(select(Bin).where(Bin.code == "12-9876")).one().capacity_l == 200
    assert phone.errors == []


def test_a_new_bin_gets_a_village_code_shown_very_large(make_phone: PhoneMaker, live: Live) -> None:
    phone = bin_screen_at(make_phone, live, lat=16.3020, lon=103.3020, accuracy=5)
    page = phone.page
    page.click("#btn-new-bin")
    page.click("#pick-condition button[data-value='usable']")
    page.click("#pick-stream button[data-value='general']")
    page.click("#pick-size button[data-value='240']")
    screen(page, "review")
    page.click("#btn-save")
    page.locator("#saved-status[data-state='sent']").wait_for()
    code = page.locator("#saved-code-value").inner_text()
    assert re.fullmatch(r"01-\d{4}", code), code  # the head's village is หมู่ 1
    size_px = page.evaluate(
        "parseFloat(getComputedStyle(document.getElementById('saved-code-value')).fontSize)"
    )
    assert size_px >= 48
    assert page.locator("#saved-code-label").inner_text() == "รหัสถังใหม่ เขียนบนถังให้ชัด"
    next_bin = box(page, "#btn-next-bin")
    assert next_bin["y"] + next_bin["height"] <= 560  # the main action in view on a real phone
    tick = page.locator("#saved-written")
    assert not tick.is_checked()
    assert box(page, "#saved-code-value")["y"] < 560 and box(page, "#saved-written")["y"] < 560
    page.click("#saved-written-box")
    assert tick.is_checked()
    assert page.locator("#saved-code").get_attribute("data-written") == "yes"
    shot(page, "22-saved-new-code")
    assert small_targets(page) == []
    with Session(live.engine) as session:
        assert session.exec(select(Bin).where(Bin.code == code)).one().capacity_l == 240
    assert phone.errors == []


# The phone's draw for a new code is always 427 (only the one-number Uint16Array draws).
DRAW_427 = """(() => { const real = crypto.getRandomValues.bind(crypto);
  crypto.getRandomValues = (a) =>
    (a instanceof Uint16Array && a.length === 1 ? (a[0] = 427, a) : real(a)); })()"""


def test_a_code_another_phone_took_meanwhile_is_replaced_and_shown(
    make_phone: PhoneMaker, live: Live
) -> None:
    phone = make_phone(lat=16.3020, lon=103.3020, accuracy=5)
    page = phone.page
    page.add_init_script(DRAW_427)
    open_signed_in(phone, live)
    # Another phone registered 01-0427 after this one cached the register.
    add_bin(live, "01-0427", 16.3080, 103.3080)
    to_bin_screen(page)
    page.click("#btn-new-bin")
    page.click("#pick-condition button[data-value='usable']")
    page.click("#pick-stream button[data-value='general']")
    page.click("#pick-size button[data-value='240']")
    screen(page, "review")
    assert "01-0427" in page.locator("#review-list [data-row='code']").inner_text()
    page.click("#btn-save")
    page.locator("#saved-status[data-state='sent']").wait_for()
    fresh = page.locator("#saved-code-value").inner_text()
    assert re.fullmatch(r"01-\d{4}", fresh) and fresh != "01-0427"
    assert page.locator("#saved-code .changed").inner_text() == (
        f"รหัส 01-0427 มีถังอื่นใช้แล้ว ถังนี้ได้รหัสใหม่ {fresh} เขียนรหัสใหม่บนถังแทน"
    )
    shot(page, "23-saved-code-changed")
    with Session(live.engine) as session:
        assert {b.code for b in session.exec(select(Bin))} >= {"01-0427", fresh}
        assert session.exec(select(Bin).where(Bin.code == fresh)).one().capacity_l == 240
    assert phone.errors == []
