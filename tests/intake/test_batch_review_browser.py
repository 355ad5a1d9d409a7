"""The batch review as staff use it in Chromium at desktop size: the list's "approve all"
button, the confirmation (count and flags, Thai first), then the page of what was decided."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from fieldsvc.models import ReviewState, Submission
from tests.intake.conftest import Place
from tests.intake.test_batch_review import imported  # noqa: F401  (fixture)
from tests.live import chromium, serve

ARTIFACTS = Path(__file__).parents[2] / "test-artifacts" / "pages"


@pytest.mark.browser
def test_staff_approve_an_imported_sheet_in_one_action(
    engine: Engine,
    settings: Settings,
    imported: Place,  # noqa: F811
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    with serve(create_app(settings, engine=engine)) as base, chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="th-TH")
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{base}/login/{imported.staff_token}")
        with page.expect_navigation():
            page.click("#sign-in")
        page.goto(f"{base}/staff/review")
        page.select_option("select[name=source]", "heads.csv")
        with page.expect_navigation():
            page.click("#review-filters button[type=submit]")
        approve = page.locator("#batch-review button[value=approved]")
        assert approve.inner_text() == "อนุมัติทั้งหมด 5 รายการ"
        page.screenshot(path=str(ARTIFACTS / "batch-review-list.png"), full_page=True)
        with page.expect_navigation():
            approve.click()
        assert page.locator("h1").inner_text() == "ยืนยันการอนุมัติพร้อมกัน"
        assert page.locator("#batch-count").inner_text() == "5"
        rows = page.locator("#batch-flags tbody tr")
        assert rows.count() == 3
        assert rows.first.inner_text().startswith("ค่าที่เป็นไปไม่ได้")
        assert page.locator("#batch-filter").inner_text().count("heads.csv") == 1
        page.screenshot(path=str(ARTIFACTS / "batch-review-confirm.png"), full_page=True)
        page.fill("#batch-confirm input[name=comment]", "ตรวจกับผู้ใหญ่บ้านแล้ว")
        with page.expect_navigation():
            page.click("#batch-confirm button[type=submit]")
        assert page.locator("#batch-decided").inner_text() == "2"
        assert page.locator("#batch-failed").inner_text() == "3"
        page.screenshot(path=str(ARTIFACTS / "batch-review-done.png"), full_page=True)
        context.close()
    assert errors == []
    with Session(engine) as session:
        states = _states(session)
    assert states == {ReviewState.approved: 2, ReviewState.has_issues: 4, ReviewState.received: 2}


def _states(session: Session) -> dict[ReviewState, int]:
    found: dict[ReviewState, int] = {}
    for survey in session.exec(select(Submission)):
        found[survey.review_state] = found.get(survey.review_state, 0) + 1
    return found
