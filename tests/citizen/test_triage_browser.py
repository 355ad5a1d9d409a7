"""The triage pages and the staff map in Chromium: a staff member links a report to the
suggested bin, replies and closes it with the page's forms; the map shows the reports; nothing
from another host and no script error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from fieldsvc.ingest.photos import clean_photo
from fieldsvc.models import CitizenReport
from fieldsvc.storage.media import store_media
from tests.api.test_pages_browser import _open
from tests.citizen.test_triage import NAME, PHONE, Triage, triage  # noqa: F401
from tests.intake.conftest import jpeg_bytes
from tests.live import chromium, serve

ARTIFACTS = Path(__file__).parents[2] / "test-artifacts" / "triage"


@pytest.mark.browser
def test_triage_in_chromium(
    engine: Engine,
    settings: Settings,
    triage: Triage,  # noqa: F811
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    ticket = triage.tickets["full"]
    photo = clean_photo(jpeg_bytes(size=(800, 600)), name="p.jpg", max_bytes=10**7)
    with Session(engine) as session:
        row = session.exec(select(CitizenReport).where(CitizenReport.ticket == ticket)).one()
        row.photo_sha256 = store_media(settings=settings, data=photo.data)
        row.photo_media_type = photo.media_type
        row.description = "ขยะล้นถังหน้าศาลาประชาคม"
        session.add(row)
        session.commit()
    with serve(create_app(settings, engine=engine)) as base, chromium() as browser:
        context, page, foreign, errors = _open(browser, base, triage.place.staff_token)
        page.goto(f"{base}/staff/reports")
        rows = page.locator("#report-queue tbody tr")
        assert rows.count() == 4
        first_full = page.locator(f'#report-queue tr[data-ticket="{ticket}"]')
        assert "A-0001" in first_full.inner_text() and "A-0002" in first_full.inner_text()
        page.wait_for_function(
            "() => document.querySelector('#report-queue img.thumb').naturalWidth > 0",
            timeout=10_000,
        )
        page.screenshot(path=str(ARTIFACTS / "queue.png"), full_page=True)

        page.click(f'#report-queue a[href="/staff/reports/{ticket}"]')
        assert PHONE in page.locator("#contact").inner_text()
        with page.expect_navigation():
            page.locator("#suggestions button").first.click()  # the nearest: A-0001
        assert page.locator("#linked-bin").inner_text() == "A-0001"
        page.fill("#reply-form textarea", "รถเก็บขยะจะเข้าเก็บวันพรุ่งนี้")
        with page.expect_navigation():
            page.click("#reply-form button")
        assert page.locator("#public-reply").inner_text() == "รถเก็บขยะจะเข้าเก็บวันพรุ่งนี้"
        with page.expect_navigation():
            page.locator("#status-forms button", has_text="ปิดเรื่อง").click()
        assert page.locator("#status").inner_text() == "เสร็จแล้ว"
        # created, link, the extra-collection work order, reply, status
        assert page.locator("#events tbody tr").count() == 5
        assert "เก็บขยะเพิ่ม" in page.locator("#events").inner_text()
        page.wait_for_function(
            "() => document.querySelector('#report-photo').naturalWidth > 0", timeout=10_000
        )
        page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)

        page.set_viewport_size({"width": 360, "height": 640})
        page.goto(f"{base}/staff/reports")
        page.screenshot(path=str(ARTIFACTS / "queue-phone.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 860})

        page.goto(f"{base}/staff/bins/A-0001")
        assert ticket in page.locator("#citizen-reports").inner_text()
        page.screenshot(path=str(ARTIFACTS / "bin.png"), full_page=True)

        page.goto(f"{base}/staff/map.html")
        page.wait_for_selector(".report-count", timeout=15_000)
        assert sorted(page.locator(".report-count").all_inner_texts()) == ["1", "2"]
        page.wait_for_timeout(500)
        page.screenshot(path=str(ARTIFACTS / "map.png"))
        all_text: Any = page.content()
        assert NAME not in all_text and PHONE not in all_text
        assert foreign == [] and errors == []
        context.close()
