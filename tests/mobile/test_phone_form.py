"""The phone survey form in Chromium at 360×640: sign-in link, photo-first flow, nearby bins,
the offline queue (IndexedDB + service worker), and what it costs to download."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlmodel import Session, col, select

from fieldsvc.models import Attachment, Bin, Inspection, Submission
from tests.mobile.conftest import ARTIFACTS, EXISTING_BINS, Live, Phone, PhoneMaker, jpeg

EXISTING_CODES = list(EXISTING_BINS)

pytestmark = pytest.mark.browser

PHOTO = {"name": "IMG_20261126_0915.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}

TAP_TARGETS_JS = """() => [...document.querySelectorAll(
  'button, a[href], input:not(.hidden-input), select, textarea, label.btn, [role=button]')]
  .filter(e => e.offsetParent !== null && getComputedStyle(e).visibility !== 'hidden')
  .map(e => { const r = e.getBoundingClientRect();
    return {what: e.id || e.dataset.value || e.dataset.code || e.textContent.trim().slice(0, 24),
            w: Math.round(r.width * 10) / 10, h: Math.round(r.height * 10) / 10}; })"""


def screen(page: Any, name: str) -> None:
    page.locator(f"html[data-screen='{name}']").wait_for(state="attached")
    page.locator(f"#s-{name}").wait_for(state="visible")


def open_signed_in(phone: Phone, live: Live) -> None:
    phone.page.goto(live.link())
    screen(phone.page, "home")
    phone.page.locator("html[data-data='ready']").wait_for(state="attached")


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def small_targets(page: Any) -> list[dict[str, Any]]:
    return [t for t in page.evaluate(TAP_TARGETS_JS) if t["w"] < 48 or t["h"] < 48]


def test_sign_in_link_thai_by_default(make_phone: PhoneMaker, live: Live) -> None:
    phone = make_phone()
    page = phone.page
    open_signed_in(phone, live)
    assert page.evaluate("document.documentElement.lang") == "th"
    assert "#token" not in page.url and live.place.head_token not in page.url
    assert page.evaluate("localStorage.getItem('fieldsvc.token')") == live.place.head_token
    assert page.locator("#btn-start").inner_text().strip() == "บันทึกถังขยะ"
    assert "ผู้ใหญ่บ้านหมู่ 1" in page.locator("#hello").inner_text()
    assert "บ้านหนองบัว" in page.locator("#my-villages").inner_text()
    # My progress: 0 of the 2 bins registered in หมู่ 1 (the หมู่ 3 bin is not counted).
    assert page.locator("#progress-done").inner_text() == "0"
    assert page.locator("#progress-total").inner_text() == "2"
    shot(page, "02-home")
    assert small_targets(page) == []
    page.on("dialog", lambda d: d.accept())  # the switch asks first (test_fits_screen)
    page.click("#btn-lang")
    assert page.locator("#btn-start").inner_text().strip() == "Record a bin"
    assert page.evaluate("document.documentElement.lang") == "en"
    shot(page, "02b-home-english")
    page.click("#btn-lang")
    assert page.locator("#btn-start").inner_text().strip() == "บันทึกถังขยะ"
    assert phone.foreign_requests() == []
    assert phone.errors == []


def record_bin(
    phone: Phone,
    *,
    at: tuple[float, float],
    accuracy: float = 5,
    photo: bool = True,
    existing: str | None = None,
    code: str | None = None,
    condition: str = "usable",
    stream: str = "general",
    litres: int = 240,
) -> None:
    """Walk the form from the home screen to 'saved': a new bin unless ``existing`` is given."""
    page = phone.page
    phone.context.set_geolocation({"latitude": at[0], "longitude": at[1], "accuracy": accuracy})
    page.click("#btn-start")
    screen(page, "photo")
    if photo:
        page.set_input_files("#photo-input", files=[PHOTO])
    else:
        page.click("#btn-photo-skip")
    screen(page, "gps")
    page.locator("#btn-gps-use[data-ready='yes']").wait_for()
    page.click("#btn-gps-use")
    screen(page, "bin")
    page.wait_for_function("() => document.getElementById('near-intro').textContent !== '…'")
    if existing:
        page.click(f"#near-list button[data-code='{existing}']")
    elif code:
        page.fill("#code-input", code)
        page.click("#btn-code-ok")
        # A code not in the register is never silently a new bin: one more, explicit, step.
        screen(page, "nocode")
        page.click("#btn-nocode-new")
    else:
        page.click("#btn-new-bin")
    screen(page, "condition")
    page.click(f"#pick-condition button[data-value='{condition}']")
    if not existing:
        screen(page, "stream")
        page.click(f"#pick-stream button[data-value='{stream}']")
        screen(page, "size")
        page.click(f"#pick-size button[data-value='{litres}']")
    screen(page, "review")
    page.click("#btn-save")
    screen(page, "saved")


def back_home(page: Any) -> None:
    page.click("#btn-saved-home")
    screen(page, "home")


def submissions(live: Live) -> list[Submission]:
    with Session(live.engine) as session:
        return list(session.exec(select(Submission).order_by(col(Submission.id))))


def test_record_a_new_bin_online_arrives_with_its_photo(make_phone: PhoneMaker, live: Live) -> None:
    phone = make_phone()
    page = phone.page
    open_signed_in(phone, live)
    record_bin(phone, at=(16.3020, 103.3020), code="nb-0100", stream="organic", litres=240)
    page.locator("#saved-status[data-state='sent']").wait_for()
    assert page.locator("#saved-status").inner_text() == "ส่งถึง อบต. แล้ว"

    rows = submissions(live)
    assert len(rows) == 1
    body = rows[0].parsed or {}
    assert body["bin_code"] == "NB-0100" and body["village_number"] == 1
    with Session(live.engine) as session:
        new_bin = session.exec(select(Bin).where(Bin.code == "NB-0100")).one()
        assert (new_bin.stream, new_bin.capacity_l, new_bin.condition) == (
            "organic",
            240,
            "usable",
        )
        assert new_bin.lat == pytest.approx(16.3020) and new_bin.lon == pytest.approx(103.3020)
        photo = session.exec(select(Attachment).where(Attachment.submission_id == rows[0].id)).one()
    assert photo.sha256 and photo.media_type == "image/jpeg"
    # Shrunk on the phone: 1600×1200 → 1024×768 JPEG, far below the original size.
    from PIL import Image

    from fieldsvc.storage.media import media_path

    stored = media_path(settings=live.settings, sha256=photo.sha256)
    with Image.open(stored) as image:
        assert image.size == (1024, 768)
    assert photo.size_bytes and photo.size_bytes < len(PHOTO["buffer"])
    back_home(page)
    page.wait_for_function("() => document.getElementById('progress-total').textContent === '3'")
    assert page.locator("#progress-done").inner_text() == "1"
    assert phone.foreign_requests() == [] and phone.errors == []


def wait_queue(page: Any, *, waiting: int, failed: int = 0) -> None:
    page.wait_for_function(
        f"document.documentElement.dataset.waiting === '{waiting}'"
        f" && document.documentElement.dataset.failed === '{failed}'"
    )


def test_five_bins_saved_offline_arrive_exactly_once(make_phone: PhoneMaker, live: Live) -> None:
    phone = make_phone()
    page = phone.page
    open_signed_in(phone, live)
    page.locator("html[data-sw='ready']").wait_for(state="attached")
    phone.context.set_offline(True)
    page.locator("#net").wait_for(state="visible")
    spots = [(16.3020 + 0.0008 * i, 103.3020) for i in range(4)]  # ~90 m apart
    for spot in spots:
        record_bin(phone, at=spot)  # new bins without a label: the phone makes up a code
        assert page.locator("#saved-status").get_attribute("data-state") == "waiting"
        assert page.locator("#saved-status").inner_text() == ("เก็บไว้ในโทรศัพท์แล้ว จะส่งให้เองเมื่อมีสัญญาณ")
        back_home(page)
    # 3 m from NB-0002: offline, the nearby list comes from the cached GeoJSON.
    record_bin(phone, at=(16.30703, 103.3080), existing="NB-0002", condition="overflowing")
    back_home(page)
    assert page.locator("#queue-count").inner_text() == "5"
    assert "และบันทึกไว้รอส่งอีก 5 ถัง" in page.locator("#progress-note").inner_text()
    assert submissions(live) == []

    # The first answer is lost on the way back: the server keeps the survey, the phone sees a
    # broken connection and must send it again later without making a second copy.
    lost: list[int] = []

    def lose_first_answer(route: Any) -> None:
        if route.request.method == "POST" and not lost:
            lost.append(route.fetch().status)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/api/v1/submissions", lose_first_answer)
    phone.context.set_offline(False)
    page.wait_for_function("() => document.getElementById('net').hidden")
    page.click("#btn-queue")
    screen(page, "queue")
    page.wait_for_function("() => document.querySelector('#queue-list li .why') !== null")
    assert lost == [201]
    page.click("#btn-send-now")  # or wait for the automatic retry (5 s, then doubling)
    wait_queue(page, waiting=0)
    assert page.locator("#queue-list li[data-state='sent']").count() == 5

    rows = submissions(live)
    assert len(rows) == 5 and len({r.instance_id for r in rows}) == 5
    with Session(live.engine) as session:
        photos = session.exec(select(Attachment)).all()
        assert len(photos) == 5 and all(p.sha256 for p in photos)
        # Made-up codes people can write: village number (หมู่ 1), a dash and four digits.
        bins = session.exec(select(Bin).where(col(Bin.code).startswith("01-"))).all()
        assert len(bins) == 4 and all(re.fullmatch(r"01-\d{4}", b.code) for b in bins)
        updated = session.exec(select(Bin).where(Bin.code == "NB-0002")).one()
        assert updated.condition == "overflowing"
        assert (
            len(session.exec(select(Inspection).where(Inspection.bin_id == updated.id)).all()) == 2
        )
    assert phone.foreign_requests() == []
    assert [e for e in phone.errors if "Failed to load resource: net::" not in e] == []


def test_reload_while_offline_keeps_the_queue(make_phone: PhoneMaker, live: Live) -> None:
    phone = make_phone()
    page = phone.page
    open_signed_in(phone, live)
    page.locator("html[data-sw='ready']").wait_for(state="attached")
    phone.context.set_offline(True)
    record_bin(phone, at=(16.3020, 103.3020))
    back_home(page)
    record_bin(phone, at=(16.3030, 103.3030), photo=False, stream="hazardous", litres=120)
    back_home(page)

    response = page.reload()
    assert response is not None and response.from_service_worker
    screen(page, "home")
    page.locator("html[data-ready='yes']").wait_for(state="attached")
    assert page.locator("#queue-count").inner_text() == "2"
    assert page.locator("#net").is_visible()
    assert page.locator("#hello").inner_text() == "สวัสดี ผู้ใหญ่บ้านหมู่ 1"  # cached
    assert page.locator("#progress-total").inner_text() == "2"
    page.click("#btn-queue")
    screen(page, "queue")
    assert page.locator("#queue-list li[data-state='waiting']").count() == 2
    shot(page, "12-queue-offline")
    assert small_targets(page) == []
    assert submissions(live) == []

    phone.context.set_offline(False)
    wait_queue(page, waiting=0)
    assert len(submissions(live)) == 2
    assert phone.foreign_requests() == []


def test_new_bin_next_to_a_registered_one_is_offered_for_update(
    make_phone: PhoneMaker, live: Live
) -> None:
    phone = make_phone()
    page = phone.page
    open_signed_in(phone, live)
    phone.context.set_geolocation({"latitude": 16.30503, "longitude": 103.3050, "accuracy": 4})
    page.click("#btn-start")
    page.set_input_files("#photo-input", files=[PHOTO])
    screen(page, "gps")
    page.locator("#gps-box[data-quality='green']").wait_for()
    page.click("#btn-gps-use")
    screen(page, "bin")
    near = page.locator("#near-list button[data-code='NB-0001']")
    near.wait_for()
    assert near.locator(".dist").inner_text() == "3 ม."
    assert page.locator("#near-list button").count() == 1  # NB-0002 is ~350 m away
    page.locator("#near-map .leaflet-interactive").first.wait_for()

    # Insisting on a new bin: the review warns before saving and offers the registered one.
    page.click("#btn-new-bin")
    page.click("#pick-condition button[data-value='damaged']")
    page.click("#pick-stream button[data-value='general']")
    page.click("#pick-size button[data-value='200']")
    screen(page, "review")
    warning = page.locator("#review-dup")
    assert warning.is_visible() and "NB-0001" in warning.inner_text()
    page.click("#btn-dup-same")
    screen(page, "condition")
    page.click("#pick-condition button[data-value='damaged']")
    screen(page, "review")
    assert not page.locator("#review-dup").is_visible()
    assert "NB-0001" in page.locator("#review-list [data-row='code']").inner_text()
    page.click("#btn-save")
    page.locator("#saved-status[data-state='sent']").wait_for()

    with Session(live.engine) as session:
        assert len(session.exec(select(Bin)).all()) == len(EXISTING_CODES)
        nb1 = session.exec(select(Bin).where(Bin.code == "NB-0001")).one()
        assert nb1.condition == "damaged"
        assert len(session.exec(select(Inspection).where(Inspection.bin_id == nb1.id)).all()) == 2
    assert phone.foreign_requests() == [] and phone.errors == []


def test_poor_gps_fix_warns_and_can_still_be_used(make_phone: PhoneMaker, live: Live) -> None:
    phone = make_phone(accuracy=80)
    page = phone.page
    open_signed_in(phone, live)
    phone.context.set_geolocation({"latitude": 16.3020, "longitude": 103.3020, "accuracy": 80})
    page.click("#btn-start")
    page.click("#btn-photo-skip")
    screen(page, "gps")
    page.locator("#gps-box[data-quality='red']").wait_for()
    assert page.locator("#gps-value").inner_text() == "± 80 ม."
    warning = page.locator("#gps-warning")
    assert warning.is_visible()
    # what to do, in plain words (the ± 80 ม. stands large above it; no "เกณฑ์")
    assert warning.inner_text() == "ออกไปที่โล่งแล้วรอสักครู่ ถ้ายังไม่ดีขึ้น กดปุ่มข้างล่างได้เลย"
    if page.locator("#btn-gps-use").get_attribute("data-ready") == "no":
        page.click("#btn-gps-use")  # the first tap only confirms the warning
    assert page.locator("#btn-gps-use").inner_text() == "ใช้ตำแหน่งนี้ แม้ไม่แม่นยำ"
    shot(page, "05-gps-poor-warning")
    assert small_targets(page) == []
    # Walking into the open: the fix improves live, amber then green.
    phone.context.set_geolocation({"latitude": 16.3020, "longitude": 103.3020, "accuracy": 18})
    page.locator("#gps-box[data-quality='amber']").wait_for()
    assert not warning.is_visible()
    phone.context.set_geolocation({"latitude": 16.3020, "longitude": 103.3020, "accuracy": 80})
    page.click("#btn-back")
    screen(page, "photo")
    page.click("#btn-photo-skip")
    screen(page, "gps")
    # (the best fix of this survey is kept while standing at the bin)
    assert page.locator("#gps-box").get_attribute("data-quality") == "amber"
    assert phone.errors == []


def test_a_refused_survey_explains_why_in_thai_and_can_be_fixed(
    make_phone: PhoneMaker, live: Live
) -> None:
    phone = make_phone()
    page = phone.page
    open_signed_in(phone, live)
    refused: list[str] = []

    def refuse_first(route: Any) -> None:
        if route.request.method == "POST" and not refused:
            refused.append(route.request.post_data_json["submission_id"])
            route.fulfill(
                status=422,
                content_type="application/json",
                body=(
                    '{"error": {"code": "invalid_input", "message": "capacity_l: too large",'
                    ' "message_th": "ขนาดถังไม่ถูกต้อง กรุณาเลือกใหม่", "field": "capacity_l",'
                    ' "details": {}}}'
                ),
            )
        else:
            route.continue_()

    page.route("**/api/v1/submissions", refuse_first)
    record_bin(phone, at=(16.3020, 103.3020), code="NB-0200")
    page.locator("#saved-status[data-state='failed']").wait_for()
    assert "ขนาดถังไม่ถูกต้อง กรุณาเลือกใหม่" in page.locator("#saved-status").inner_text()
    wait_queue(page, waiting=0, failed=1)
    assert page.locator("#btn-queue.has-failed").is_visible()
    page.click("#btn-queue")
    screen(page, "queue")
    item = page.locator("#queue-list li[data-state='failed']")
    assert "ขนาดถังไม่ถูกต้อง กรุณาเลือกใหม่" in item.inner_text()
    shot(page, "13-queue-failed")
    assert small_targets(page) == []
    item.locator("button[data-fix]").click()
    screen(page, "review")
    page.click("#review-list [data-row='size']")
    screen(page, "size")
    page.click("#pick-size button[data-value='660']")
    screen(page, "review")
    page.click("#btn-save")
    page.locator("#saved-status[data-state='sent']").wait_for()
    wait_queue(page, waiting=0, failed=0)

    rows = submissions(live)
    assert len(rows) == 1 and rows[0].instance_id != f"uuid:{refused[0]}"
    with Session(live.engine) as session:
        assert session.exec(select(Bin).where(Bin.code == "NB-0200")).one().capacity_l == 660
    assert phone.foreign_requests() == []


#: A stand-in for Android Chrome's BarcodeDetector (desktop Linux Chromium has none): it "sees"
#: whatever the test puts in window.__qr.
FAKE_BARCODE_DETECTOR = """
window.BarcodeDetector = class {
  constructor(options) { this.options = options; }
  async detect() { return window.__qr ? [{rawValue: window.__qr, format: 'qr_code'}] : []; }
};"""


def check_screen(page: Any, name: str, *, fits: bool = False) -> None:
    """Screenshot, every tap target at least 48×48 CSS px, optionally no scrolling needed."""
    shot(page, name)
    assert small_targets(page) == [], name
    if fits:
        assert page.evaluate("document.documentElement.scrollHeight") <= 640, name


def test_every_screen_at_360x640_big_targets_and_no_other_hosts(
    make_phone: PhoneMaker, live: Live
) -> None:
    phone = make_phone(lat=16.30503, lon=103.3050, accuracy=6)
    page = phone.page
    page.add_init_script(FAKE_BARCODE_DETECTOR)
    page.goto(f"{live.base}/m/")
    screen(page, "login")
    check_screen(page, "01-login")
    page.fill("#login-token", f"{live.base}/m/#token={live.place.head_token}")  # pasted link
    page.click("#btn-login")
    screen(page, "home")
    page.locator("html[data-data='ready']").wait_for(state="attached")

    page.click("#btn-start")
    screen(page, "photo")
    check_screen(page, "03-photo")
    page.set_input_files("#photo-input", files=[PHOTO])
    screen(page, "gps")
    page.locator("#gps-box[data-quality='green']").wait_for()
    check_screen(page, "04-gps-good")
    page.click("#btn-gps-use")
    screen(page, "bin")
    page.locator("#near-list button[data-code='NB-0001']").wait_for()
    page.locator("#near-map .leaflet-interactive").first.wait_for()
    check_screen(page, "06-which-bin-nearby")

    # The QR label selects the registered bin directly.
    page.click("#btn-scan")
    screen(page, "scan")
    check_screen(page, "07-scan-qr")
    page.evaluate("window.__qr = 'NB-0001'")
    screen(page, "condition")
    page.go_back()  # change of mind: a new bin after all, to see every question
    screen(page, "bin")
    page.click("#btn-new-bin")
    screen(page, "condition")
    check_screen(page, "08-condition", fits=True)
    page.click("#pick-condition button[data-value='usable']")
    screen(page, "stream")
    check_screen(page, "09-stream", fits=True)
    page.click("#pick-stream button[data-value='recyclable']")
    screen(page, "size")
    check_screen(page, "10-size", fits=True)
    page.click("#pick-size button[data-value='1100']")
    screen(page, "review")
    assert page.locator("#review-dup").is_visible()
    check_screen(page, "11-review-duplicate-warning")
    page.click("#review-list [data-row='photo']")
    screen(page, "photo")
    check_screen(page, "03b-photo-taken")
    page.click("#btn-photo-next")
    screen(page, "review")
    page.click("#btn-dup-same")
    screen(page, "condition")
    page.click("#pick-condition button[data-value='overflowing']")
    screen(page, "review")
    check_screen(page, "11b-review-existing-bin")
    page.click("#btn-save")
    page.locator("#saved-status[data-state='sent']").wait_for()
    check_screen(page, "14-saved-sent")
    page.click("#btn-queue")
    screen(page, "queue")
    check_screen(page, "15-queue-sent")
    page.click("#btn-back")
    screen(page, "saved")
    page.click("#btn-saved-home")
    screen(page, "home")
    page.wait_for_function("() => document.getElementById('progress-done').textContent === '1'")
    check_screen(page, "16-home-progress")

    assert phone.foreign_requests() == []
    assert phone.errors == []
    with Session(live.engine) as session:
        assert session.exec(select(Bin).where(Bin.code == "NB-0001")).one().condition == (
            "overflowing"
        )


def _kb(entries: list[dict[str, Any]]) -> float:
    return sum(e["bytes"] for e in entries) / 1024


def test_page_weight_first_and_repeat_load(
    make_phone: PhoneMaker, live: Live, capsys: pytest.CaptureFixture[str]
) -> None:
    """What a phone downloads: the first visit (shell + Leaflet precache + data) and a reload."""
    phone = make_phone()
    page = phone.page
    start = live.traffic.mark()
    open_signed_in(phone, live)
    page.locator("html[data-sw='ready']").wait_for(state="attached")
    page.wait_for_load_state("networkidle")
    first = live.traffic.since(start)
    paths = [e["path"] for e in first]
    assert "/vendor/leaflet/leaflet.js" in paths and "/m/sw.js" in paths

    again = live.traffic.mark()
    response = page.reload()
    assert response is not None and response.from_service_worker
    screen(page, "home")
    page.locator("html[data-data='ready']").wait_for(state="attached")
    page.wait_for_load_state("networkidle")
    repeat = live.traffic.since(again)
    shell = [e for e in repeat if not e["path"].startswith("/api/")]
    with capsys.disabled():
        print(
            f"\nphone form weight: first load {_kb(first):.1f} KB in {len(first)} requests "
            f"(Leaflet {_kb([e for e in first if e['path'].startswith('/vendor/')]):.1f} KB); "
            f"repeat load {_kb(repeat):.1f} KB in {len(repeat)} requests "
            f"(shell {_kb(shell):.1f} KB, data {_kb(repeat) - _kb(shell):.1f} KB)"
        )
    # 3G budget: the first visit well under half a megabyte; a reload re-downloads no shell file.
    assert _kb(first) < 320
    assert all(e["status"] == 304 or e["path"] == "/m/sw.js" for e in shell), shell
    assert _kb(repeat) < 20
    assert phone.foreign_requests() == []
