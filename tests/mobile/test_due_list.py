"""The village head's "due in my village" list on the phone at 360×640, offline: first on the
home screen, in walking order from where the head stands, and a tap starts that inspection."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, col, select

from fieldsvc.models import Bin, BinCreate, Condition, Inspection, Stream
from fieldsvc.storage.register import create_bin
from tests.mobile.conftest import Live, PhoneMaker
from tests.mobile.test_phone_form import back_home, open_signed_in, screen, shot, wait_queue

pytestmark = pytest.mark.browser

# The head stands at the south-west of หมู่ 1 (16.302 N, 103.302 E). Along the diagonal to the
# north-east: D-01 (~155 m), NB-0001 (seeded, ~470 m), D-03 (done: not listed), NB-0002
# (seeded, ~780 m), D-02 (~1,090 m). No road extract is loaded: the order is by straight line.
STAND = (16.3020, 103.3020)
EXTRA = {
    # code: (lat, lon, days since the last inspection)
    "D-01": (16.3030, 103.3030, 40),  # due 30 days after: 10 days overdue
    "D-02": (16.3090, 103.3090, 28),  # due in 2 days: listed as due
    "D-03": (16.3060, 103.3060, 5),  # inspected this round: not listed
}


def add_due_bins(live: Live) -> None:
    now = datetime.now(UTC)
    with Session(live.engine) as session:
        for code, (lat, lon, days) in EXTRA.items():
            create_bin(
                session=session,
                bin_in=BinCreate(
                    code=code,
                    lat=lat,
                    lon=lon,
                    capacity_l=200,
                    stream=Stream.general,
                    condition=Condition.usable,
                    village_id=village_1(session),
                ),
                observed_at=now - timedelta(days=days),
            )
        session.commit()


def village_1(session: Session) -> int:
    bin_row = session.exec(select(Bin).where(Bin.code == "NB-0001")).one()
    assert bin_row.village_id is not None
    return bin_row.village_id


def listed(page: object) -> list[str]:
    return page.eval_on_selector_all(  # type: ignore[attr-defined, no-any-return]
        "#due-list button", "bs => bs.map(b => b.dataset.code)"
    )


def test_due_list_first_in_walking_order_offline_and_a_tap_inspects(
    make_phone: PhoneMaker, live: Live
) -> None:
    add_due_bins(live)
    phone = make_phone(lat=STAND[0], lon=STAND[1])
    page = phone.page
    open_signed_in(phone, live)
    page.locator("html[data-sw='ready']").wait_for(state="attached")
    # Offline, and the app opened again from the phone's own copy.
    phone.context.set_offline(True)
    page.reload()
    screen(page, "home")
    # First on the home screen: how many are due, and the first stop of the walk; the
    # "record a bin" button stays in view at 360x640.
    page.locator("#due-next").filter(has_text="D-01").wait_for()
    head = page.locator("#btn-due")
    assert head.inner_text().replace("\n", " ") == (
        "ครบกำหนดตรวจ 4 ถัง เลยกำหนด 3 ถัง ถังแรกตามทางเดิน D-01 154 ม. ›"
    )
    top = page.locator("#btn-due").bounding_box()
    progress = page.locator("#progress-card").bounding_box()
    start = page.locator("#btn-start").bounding_box()
    assert top is not None and progress is not None and start is not None
    assert top["y"] < progress["y"] < start["y"] and start["y"] + start["height"] <= 640
    shot(page, "due-01-home-offline")

    page.click("#btn-due")
    screen(page, "due")
    page.locator("#s-due[data-order='straight']").wait_for()
    assert listed(page) == ["D-01", "NB-0001", "NB-0002", "D-02"]
    first = page.locator("#due-list button").first
    assert "เลยกำหนด 10 วัน" in first.inner_text()
    assert "เลยกำหนด" in page.locator("#due-list button[data-code='NB-0001']").inner_text()
    assert "ครบกำหนด" in page.locator("#due-list button[data-code='D-02']").inner_text()
    assert page.locator("#due-count").inner_text().replace("\n", "") == (
        "ถึงกำหนดตรวจ 4 ถัง (เลยกำหนด 3 ถัง) แตะที่ถังเพื่อเริ่มตรวจ"
    )
    assert "เรียงตามระยะเส้นตรง" in page.locator("#due-order").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "due-02-list-offline")

    # A tap starts that bin's inspection: photo, position, then straight to its condition.
    page.click("#due-list button[data-code='D-02']")
    screen(page, "photo")
    page.click("#btn-photo-skip")
    screen(page, "gps")
    page.locator("#btn-gps-use[data-ready='yes']").wait_for()
    page.click("#btn-gps-use")
    screen(page, "condition")
    page.click("#pick-condition button[data-value='usable']")
    screen(page, "review")
    assert "D-02" in page.locator("#review-list").inner_text()
    page.click("#btn-save")
    screen(page, "saved")
    back_home(page)
    # Inspected on this phone: off the list, even before it is sent.
    page.locator("#due-head").filter(has_text="3 ถัง").wait_for()
    page.click("#btn-due")
    screen(page, "due")
    page.wait_for_function("() => document.querySelectorAll('#due-list button').length === 3")
    assert listed(page) == ["D-01", "NB-0001", "NB-0002"]

    phone.context.set_offline(False)
    wait_queue(page, waiting=0)
    with Session(live.engine) as session:
        bin_row = session.exec(select(Bin).where(Bin.code == "D-02")).one()
        inspections = session.exec(
            select(Inspection).where(Inspection.bin_id == bin_row.id).order_by(col(Inspection.id))
        ).all()
    assert len(inspections) == 2
    assert phone.foreign_requests() == []
    assert [e for e in phone.errors if "net::" not in e] == []


def test_staff_phones_show_no_due_list(make_phone: PhoneMaker, live: Live) -> None:
    phone = make_phone()
    page = phone.page
    page.goto(live.link(live.place.staff_token))
    screen(page, "home")
    page.locator("html[data-data='ready']").wait_for(state="attached")
    assert page.locator("#btn-due").is_hidden()
