"""The public report page on a phone (360×640, Chromium): GPS and a map tap, the duplicate
suggestion, a report kept offline and sent later exactly once, the status page without
personal data, and not one request to another server."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from PIL import Image
from sqlmodel import Session, select

from fieldsvc.models import CitizenReport
from fieldsvc.models.citizen import ReportVisibility
from fieldsvc.models.types import utc_now
from fieldsvc.services.citizen_reports import ReportDraft, accept_report
from fieldsvc.storage.media import media_path
from tests.mobile.conftest import (  # noqa: F401  (browser and live are fixtures)
    ARTIFACTS,
    Live,
    browser,
    jpeg,
    live,
)

pytestmark = pytest.mark.browser

NAME, PHONE = "นายทดสอบ แจ้งเหตุ", "0865554444"
HERE = (16.3020, 103.3020)  # หมู่ 1 (the square 103.30–103.31 E, 16.30–16.31 N)


@dataclass
class Visitor:
    context: Any
    page: Any
    requests: list[str]
    errors: list[str]


VisitorMaker = Callable[..., Visitor]


@pytest.fixture
def visitor(browser: Any, live: Live) -> Iterator[VisitorMaker]:  # noqa: F811
    contexts: list[Any] = []

    def make(*, gps: bool = True, accuracy: float = 6) -> Visitor:
        context = browser.new_context(
            viewport={"width": 360, "height": 640},
            device_scale_factor=2,
            geolocation={"latitude": HERE[0], "longitude": HERE[1], "accuracy": accuracy},
            permissions=["geolocation"] if gps else [],
            locale="th-TH",
            timezone_id="Asia/Bangkok",
            is_mobile=True,
            has_touch=True,
            bypass_csp=True,  # wait_for_function evaluates strings; CSP forbids that
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        requests: list[str] = []
        errors: list[str] = []
        context.on("request", lambda r: requests.append(r.url))
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        return Visitor(context, page, requests, errors)

    yield make
    for context in contexts:
        context.close()


def _reports(live: Live) -> list[CitizenReport]:  # noqa: F811
    with Session(live.engine) as session:
        return list(session.exec(select(CitizenReport).order_by(CitizenReport.id)))


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"report-{name}.png"), full_page=True)


def _open(v: Visitor, live: Live) -> Any:  # noqa: F811
    page = v.page
    page.goto(f"{live.base}/report")
    page.wait_for_function("() => document.querySelectorAll('#map path').length > 0")  # outlines
    return page


def _choose(page: Any, kind_th: str) -> None:
    page.locator("#kinds label", has_text=kind_th).click()


def _same_origin_only(requests: list[str], live: Live) -> list[str]:  # noqa: F811
    own = urlsplit(live.base).netloc
    return [
        u for u in requests if not u.startswith(("blob:", "data:")) and urlsplit(u).netloc != own
    ]


def test_report_by_gps_with_a_photo_shrunk_on_the_phone(
    visitor: VisitorMaker,
    live: Live,  # noqa: F811
) -> None:
    v = visitor()
    intercepted: list[str] = []

    def record(route: Any) -> None:  # every request the page makes passes here
        intercepted.append(route.request.url)
        route.continue_()

    v.context.route("**/*", record)
    page = _open(v, live)
    _shot(page, "start")
    assert page.locator("h1").inner_text() == "แจ้งปัญหาถังขยะ"
    assert "ลบทิ้งเมื่อครบ 365 วัน" in page.locator("#privacy").inner_text()
    page.click("#gps")
    page.wait_for_function("() => document.getElementById('where').textContent.includes('±6')")
    assert page.locator("#where").inner_text() == "ได้ตำแหน่งแล้ว แม่นยำประมาณ ±6 ม."
    _choose(page, "ถังชำรุด")
    page.set_input_files(
        "#photo",
        files=[{"name": "bin.jpg", "mimeType": "image/jpeg", "buffer": jpeg((1600, 1200))}],
    )
    page.locator("#preview").wait_for(state="visible")
    page.fill("#description", "ฝาถังแตก")
    page.fill("#name", NAME)
    page.fill("#phone", PHONE)
    _shot(page, "filled")
    page.click("#send")
    page.locator("#done").wait_for(state="visible")
    _shot(page, "sent")
    [row] = _reports(live)
    assert page.locator("#ticket").inner_text() == row.ticket
    assert (row.kind, row.located_by, row.accuracy_m) == ("bin_broken", "gps", 6.0)
    assert abs(row.lat - HERE[0]) < 1e-6 and abs(row.lon - HERE[1]) < 1e-6
    assert (row.contact_name, row.contact_phone, row.description) == (NAME, PHONE, "ฝาถังแตก")
    assert row.photo_sha256 is not None
    stored = media_path(settings=live.settings, sha256=row.photo_sha256).read_bytes()
    with Image.open(io.BytesIO(stored)) as photo:
        assert photo.size == (1280, 960)  # shrunk on the phone from 1600×1200
    assert len(stored) < 400_000
    # The status page: the ticket, the step reached, no name, no phone.
    page.click("#status-link")
    page.wait_for_url("**/report/t/**")
    _shot(page, "status")
    text = page.content()
    assert row.ticket in text and "รับเรื่องแล้ว" in text
    assert NAME not in text and PHONE not in text
    assert intercepted and _same_origin_only(intercepted, live) == []
    assert _same_origin_only(v.requests, live) == []
    assert v.errors == []


def test_report_by_a_tap_on_the_offline_map(visitor: VisitorMaker, live: Live) -> None:  # noqa: F811
    v = visitor(gps=False)
    page = _open(v, live)
    page.click("#lang")  # the English switch, remembered on the phone
    assert page.locator("h1").inner_text() == "Report a bin problem"
    assert "erased after 365 days" in page.locator("#privacy").inner_text()
    page.reload()
    page.wait_for_function("() => document.querySelectorAll('#map path').length > 0")
    assert page.locator("#send").inner_text() == "Send"
    page.click("#lang")
    box = page.locator("#map").bounding_box()
    # The map opens on the three villages' outlines (103.30–103.33 E, 16.30–16.31 N): its
    # middle is หมู่ 2's middle, 103.315 E 16.305 N. A tap a little left of it is in หมู่ 2.
    page.mouse.click(box["x"] + box["width"] / 2 - 20, box["y"] + box["height"] / 2 + 10)
    assert page.locator("#where").inner_text() == "เลือกจุดบนแผนที่แล้ว"
    _choose(page, "ขอให้ตั้งถังตรงนี้")
    page.click("#send")
    page.locator("#done").wait_for(state="visible")
    [row] = _reports(live)
    assert (row.kind, row.located_by, row.accuracy_m) == ("bin_request", "map", None)
    assert 103.310 < row.lon < 103.315 and 16.300 < row.lat < 16.305
    with Session(live.engine) as session:
        from fieldsvc.models import Village

        village = session.get(Village, row.village_id)
        assert village is not None and village.number == 2
    assert _same_origin_only(v.requests, live) == []
    assert v.errors == []


def test_a_nearby_open_report_is_offered_and_joined(visitor: VisitorMaker, live: Live) -> None:  # noqa: F811
    with Session(live.engine, expire_on_commit=False) as session:
        earlier = accept_report(
            session=session,
            draft=ReportDraft(kind="bin_full", lat=HERE[0] + 0.0002, lon=HERE[1]),
            settings=live.settings,
        )
        earlier.visibility = ReportVisibility.public
        earlier.created_at = utc_now() - timedelta(days=2, hours=1)
        session.add(earlier)
        session.commit()
    v = visitor()
    page = _open(v, live)
    page.click("#gps")
    page.wait_for_function("() => document.getElementById('where').textContent.includes('±')")
    _choose(page, "ถังเต็ม / ขยะล้น")
    page.locator("#dups").wait_for(state="visible")
    item = page.locator("#dup-list li").first.inner_text()
    assert f"แจ้งไว้แล้วเมื่อ 2 วันก่อน — ห่าง 22 ม. (เลขที่ {earlier.ticket})" in item
    _shot(page, "duplicate")
    page.locator("#dup-list button", has_text="เพิ่มเรื่องของคุณเข้าไป").click()
    page.locator("#dup-list button", has_text=f"จะส่งรวมกับเรื่องเลขที่ {earlier.ticket}").wait_for()
    page.click("#send")
    page.locator("#done").wait_for(state="visible")
    first, joined = _reports(live)
    assert first.id == earlier.id and joined.duplicate_of_id == earlier.id
    # Another kind at the same place is not offered.
    page.click("#again")
    _choose(page, "ทิ้งขยะไม่เป็นที่")
    page.wait_for_timeout(500)
    assert page.locator("#dups").is_hidden()
    assert v.errors == []


def test_a_report_made_offline_is_sent_later_exactly_once(
    visitor: VisitorMaker,
    live: Live,  # noqa: F811
) -> None:
    v = visitor()
    page = _open(v, live)
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    v.context.set_offline(True)
    page.reload()  # the page itself now comes from the service worker
    page.wait_for_function("() => document.querySelectorAll('#kinds input').length === 5")
    page.click("#gps")
    page.wait_for_function("() => document.getElementById('where').textContent.includes('±')")
    _choose(page, "ถังหาย")
    page.fill("#description", "ถังหายไปจากหน้าบ้านเลขที่ 12")
    page.click("#send")
    page.locator("#outbox").wait_for(state="visible")
    assert "เก็บเรื่องไว้ในเครื่องแล้ว" in page.locator("#error").inner_text()
    assert page.locator("#outbox").inner_text() == "มี 1 เรื่องรอส่ง จะส่งเมื่อมีสัญญาณ"
    _shot(page, "offline")
    assert _reports(live) == []

    # Back online, the answers are lost on the way back: the server keeps the report, the phone
    # sees a broken connection and keeps the draft. The browser's own "online" event and the one
    # dispatched here may each send it; however many times it went, the server made one report.
    lost: list[int] = []

    def lose_answers(route: Any) -> None:
        lost.append(route.fetch().status)
        route.abort("connectionreset")

    page.route("**/report/send", lose_answers)
    v.context.set_offline(False)
    page.wait_for_function("() => window.navigator.onLine")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    for _ in range(50):
        if lost:
            break
        page.wait_for_timeout(100)
    page.wait_for_timeout(500)  # let a second "online" send, if any, run its course
    assert lost and set(lost) == {202}
    assert len(_reports(live)) == 1
    assert page.locator("#outbox").is_visible()  # not answered: still kept
    page.unroute("**/report/send")
    page.reload()  # opening the page again sends what is waiting
    page.wait_for_function("() => document.getElementById('outbox').hidden")
    rows = _reports(live)
    assert len(rows) == 1 and rows[0].description == "ถังหายไปจากหน้าบ้านเลขที่ 12"
    assert page.evaluate("localStorage.getItem('fieldsvc_report_outbox')") == "[]"
    # The resident finds the number of the report sent in the background on the page.
    link = page.locator("#mine-list a")
    assert link.inner_text() == rows[0].ticket
    assert link.get_attribute("href") == f"/report/t/{rows[0].ticket}?k={rows[0].access_key}"
    assert _same_origin_only(v.requests, live) == []
