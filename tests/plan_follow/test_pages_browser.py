"""The plan page and the public page on a 360 × 640 phone in Chromium: staff record a delivery
and confirm a suggested bin by tapping; the public page shows the progress. Screenshots go to
test-artifacts/plan_follow/."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from fieldsvc.models import PlanItemStage
from fieldsvc.services import plan_progress
from tests.live import chromium, serve
from tests.plan_follow.conftest import NEAR_DLAT, SITE_1, Followed, add_bin

ARTIFACTS = Path(__file__).parents[2] / "test-artifacts" / "plan_follow"


def _phone(browser: Any, base: str) -> tuple[Any, Any, list[str], list[str]]:
    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="th-TH")
    foreign: list[str] = []
    errors: list[str] = []
    own = urlsplit(base).netloc

    def route(r: Any) -> None:
        if urlsplit(r.request.url).netloc not in (own, ""):
            foreign.append(r.request.url)
            r.abort()
        else:
            r.continue_()

    context.route("**/*", route)
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return context, page, foreign, errors


@pytest.mark.browser
def test_staff_confirm_a_bin_on_a_phone_and_the_public_page_shows_it(
    engine: Engine, settings: Settings, session: Session, followed: Followed
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    item = followed.item_ids[0]
    plan_progress.move_item(
        session=session,
        user=followed.place.staff,
        plan_id=followed.plan_id,
        item_id=item,
        stage=PlanItemStage.ordered,
        paid_baht=4600.0,
    )
    lon, lat = SITE_1
    add_bin(session, "NB-0901", lon, lat + NEAR_DLAT)
    add_bin(session, "NB-0902", lon + 0.0001, lat)
    with serve(create_app(settings, engine=engine)) as base, chromium() as browser:
        context, page, foreign, errors = _phone(browser, base)
        page.goto(f"{base}/login/{followed.place.staff_token}")
        with page.expect_navigation():
            page.click("#sign-in")
        page.goto(f"{base}/staff/plans/{followed.plan_id}#item-{item}")
        card = page.locator(f"#item-{item}")
        card.locator("summary").first.click()
        with page.expect_navigation():
            card.locator("form.move button").click()  # ordered → delivered
        card = page.locator(f"#item-{item}")
        assert card.get_attribute("open") is not None  # suggestions open the card
        assert "ตรวจรับแล้ว" in card.inner_text()
        with page.expect_navigation():
            card.locator("li.suggestion", has_text="NB-0901").locator(
                "button", has_text="ยืนยัน"
            ).click()
        page.locator(f"#item-{item}").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "staff-plan-item-360.png"))
        assert page.locator("#progress-bins strong").inner_text() == "1"
        wide = page.evaluate(
            "[...document.querySelectorAll('#progress *')]"
            ".filter(e => e.getBoundingClientRect().right > 361 && !e.closest('.table-wrap'))"
            ".map(e => e.tagName + '#' + e.id + '.' + e.className)"
        )
        assert wide == [], f"the progress section is wider than the phone: {wide}"
        page.goto(f"{base}/staff/plans/{followed.plan_id}")
        page.screenshot(path=str(ARTIFACTS / "staff-plan-top-360.png"))
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"the staff plan page scrolls sideways ({width}px)"
        context.close()

        context, page, foreign_public, errors_public = _phone(browser, base)
        page.goto(f"{base}/public")
        page.locator("#progress").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "public-progress-360.png"))
        assert page.locator("#progress-bins strong").inner_text() == "1"
        assert page.locator("#progress-money strong").inner_text() == "4,600"
        rows = page.locator("#plan-items tbody tr")
        assert rows.count() == 3
        assert "1 / 2" in rows.nth(0).inner_text()
        assert page.locator("#progress form").count() == 0  # nothing to press in public
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"the public page scrolls sideways ({width}px)"
        context.close()
    assert foreign == foreign_public == []
    assert errors == errors_public == []
