"""The overview page in Chromium on a phone and a desktop: nothing wider than the screen but the
table's own scroller, a header click sorts, and a screenshot of each is kept to look at."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from tests.live import chromium, serve

ARTIFACTS = Path(__file__).parents[2] / "test-artifacts" / "province"


@pytest.mark.browser
def test_overview_fits_a_phone_and_sorts_by_a_header_click(
    engine: Engine, settings: Settings, province: dict[str, int]
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with serve(create_app(settings, engine=engine)) as base, chromium() as browser:
        for width, height in ((360, 640), (1280, 800)):
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            page.goto(f"{base}/public/province")
            page.screenshot(path=str(ARTIFACTS / f"public-{width}.png"), full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            codes = page.locator("#province-overview tbody tr").evaluate_all(
                "rows => rows.map(r => r.dataset.code)"
            )
            assert codes == ["300101", "340101", "340102"]
            with page.expect_navigation():
                page.click("#province-overview thead a[href*='sort=covered_share']")
            codes = page.locator("#province-overview tbody tr").evaluate_all(
                "rows => rows.map(r => r.dataset.code)"
            )
            assert codes == ["300101", "340101", "340102"]  # 60 %, 80 %, not computed last
            with page.expect_navigation():
                page.click("#province-overview thead a[href*='sort=covered_share']")
            codes = page.locator("#province-overview tbody tr").evaluate_all(
                "rows => rows.map(r => r.dataset.code)"
            )
            assert codes == ["340101", "300101", "340102"]
            context.close()
