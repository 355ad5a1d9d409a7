"""The dashboard's ITA buttons on a 360 × 640 phone in Chromium: staff tap PDF and get the
year's report. Screenshot in test-artifacts/ita/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from fieldsvc.services.coverage_history import current_fiscal_year
from tests.ita.world import World, build_world
from tests.live import chromium, serve

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "ita"


@pytest.fixture
def world(
    session: Session, engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[World]:
    yield from build_world(session, engine, settings, monkeypatch)


@pytest.mark.browser
def test_staff_download_the_year_report_from_the_dashboard(
    engine: Engine, world: World, tmp_path: Path
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    year = current_fiscal_year()
    with serve(create_app(world.settings, engine=engine)) as base, chromium() as browser:
        context = browser.new_context(
            viewport={"width": 360, "height": 640}, locale="th-TH", accept_downloads=True
        )
        page = context.new_page()
        page.goto(f"{base}/login/{world.place.staff_token}")
        with page.expect_navigation():
            page.click("#sign-in")
        page.goto(f"{base}/staff#ita-report")
        section = page.locator("#ita-report")
        section.scroll_into_view_if_needed()
        assert "รายงาน ITA มาตรการที่ 8" in section.inner_text()
        page.screenshot(path=str(ARTIFACTS / "dashboard-ita-360.png"))
        button = page.locator(f'a[href="/staff/reports/ita.pdf?fiscal_year={year}"]')
        box = button.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
        assert box["height"] >= 32  # a finger can hit it
        with page.expect_download() as caught:
            button.click()
        saved = tmp_path / "ita.pdf"
        caught.value.save_as(saved)
        assert caught.value.suggested_filename == f"ita-measure8-{year}.pdf"
        assert saved.read_bytes()[:4] == b"%PDF"
        context.close()
