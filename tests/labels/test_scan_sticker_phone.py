"""A printed sticker scanned back into the phone form at 360 × 640: the sheet PDF rendered to an
image, one label cut out, and given to the scanner as a photo of the code (Chromium on Linux has
no BarcodeDetector, so the vendored jsQR reads it). A registered bin's sticker opens its
re-inspection; a fresh sticker, scanned offline, starts a new bin under its code, which the
server registers and marks used once the phone is back online."""

from __future__ import annotations

import io
from typing import Any

import httpx
from PIL import Image
from sqlmodel import Session, col, select

from fieldsvc.models import Bin, Inspection, IssuedCode
from tests.labels.sticker_images import decoded_codes, label_image, pdf_pages
from tests.mobile.conftest import Live, PhoneMaker
from tests.mobile.test_phone_form import screen, shot

#: Seconds a request to the local test server may take: the 2-core test box runs the suite
#: in two workers beside browser tests, and httpx's 5 s default was once exceeded there.
SLOW_BOX_S = 60.0


def _sticker_photo(live: Live, path: str, index: int, code: str) -> dict[str, Any]:
    """Label ``index`` of the sheet at ``path``, as the phone's camera would hand it over."""
    headers = {"Authorization": f"Bearer {live.place.staff_token}"}
    pdf = httpx.get(live.base + path, headers=headers, timeout=60)
    assert pdf.status_code == 200, pdf.text
    sticker = label_image(pdf_pages(pdf.content)[0], index)
    assert decoded_codes(sticker) == [code]  # what the sheet holds, read by zxing-cpp
    photo = Image.new("RGB", (1200, 900), "#8a7f6a")  # the bin's side around the sticker
    photo.paste(sticker.resize((sticker.width * 2, sticker.height * 2)), (180, 230))
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=90)
    return {"name": "sticker.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


def _scan(page: Any, photo: dict[str, Any]) -> None:
    screen(page, "bin")
    page.wait_for_function("() => document.getElementById('near-intro').textContent !== '…'")
    page.click("#btn-scan")
    page.locator("#s-scan").wait_for(state="visible")
    # jsQR loaded (no BarcodeDetector here) and the fake camera running: use a photo instead
    page.wait_for_function(
        "() => window.jsQR && document.getElementById('scan-status').textContent === ''"
    )
    assert page.evaluate("'BarcodeDetector' in window") is False
    page.set_input_files("#scan-input", files=[photo])


def _to_bin_screen(page: Any) -> None:
    page.click("#btn-start")
    screen(page, "photo")
    page.click("#btn-photo-skip")
    screen(page, "gps")
    page.locator("#btn-gps-use[data-ready='yes']").wait_for()
    page.click("#btn-gps-use")


def test_scanning_printed_stickers_finds_the_bin_or_starts_a_new_one(
    make_phone: PhoneMaker, live: Live
) -> None:
    staff = {"Authorization": f"Bearer {live.place.staff_token}"}
    reserved = httpx.post(
        live.base + "/api/v1/labels/fresh",
        json={"village": 1, "count": 3},
        headers=staff,
        timeout=SLOW_BOX_S,
    )
    assert reserved.json()["codes"] == ["01-0001", "01-0002", "01-0003"]
    registered = _sticker_photo(live, "/staff/labels/1.pdf?which=bins", 1, "NB-0002")
    fresh = _sticker_photo(live, "/staff/labels/1.pdf?which=fresh", 2, "01-0003")

    phone = make_phone(lat=16.3050, lon=103.3050, accuracy=6)
    page = phone.page
    page.goto(live.link())
    screen(page, "home")

    # a registered bin's sticker (20 m away from the nearest listed one): its re-inspection
    _to_bin_screen(page)
    _scan(page, registered)
    screen(page, "condition")
    shot(page, "qr-01-registered-bin-condition")
    assert page.evaluate("document.getElementById('code-input').value") == "NB-0002"
    page.click("#pick-condition button[data-value='damaged']")
    screen(page, "review")  # no stream or size: the register knows them
    assert "NB-0002" in page.locator("#review-list").inner_text()
    page.click("#btn-save")
    screen(page, "saved")
    page.click("#btn-saved-home")
    screen(page, "home")

    # a fresh sticker, scanned with no signal after a reload: the QR reader comes from the
    # service worker's cache; a new bin under the sticker's code, not a made-up one
    page.locator("html[data-sw='ready']").wait_for(state="attached")
    phone.context.set_offline(True)
    page.reload()
    screen(page, "home")
    assert page.evaluate("typeof window.jsQR") == "undefined"
    _to_bin_screen(page)
    _scan(page, fresh)
    screen(page, "condition")
    page.click("#pick-condition button[data-value='usable']")
    screen(page, "stream")
    page.click("#pick-stream button[data-value='general']")
    screen(page, "size")
    page.click("#pick-size button[data-value='240']")
    screen(page, "review")
    shot(page, "qr-02-fresh-sticker-review")
    review = page.locator("#review-list").inner_text()
    assert "01-0003" in review
    page.click("#btn-save")
    screen(page, "saved")
    phone.context.set_offline(False)
    page.wait_for_function(
        "() => document.getElementById('queue-count').textContent === '0'", timeout=30_000
    )

    with Session(live.engine) as db:
        nb2 = db.exec(select(Bin).where(Bin.code == "NB-0002")).one()
        assert nb2.condition == "damaged"
        inspections = db.exec(select(Inspection).where(Inspection.bin_id == nb2.id)).all()
        assert len(inspections) == 2
        new_bin = db.exec(select(Bin).where(Bin.code == "01-0003")).one()
        assert (new_bin.capacity_l, new_bin.stream) == (240, "general")
        issued = db.exec(select(IssuedCode).order_by(col(IssuedCode.code))).all()
        assert [(r.code, r.bin_id) for r in issued] == [
            ("01-0001", None),
            ("01-0002", None),
            ("01-0003", new_bin.id),
        ]
    assert phone.foreign_requests() == []
    assert phone.errors == []
