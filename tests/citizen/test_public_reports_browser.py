"""The public map on a phone (Chromium, 360×640): accepted reports drawn in their status colour,
a tap shows what, where it stands, when and the office's reply; nothing from another host."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import Engine

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from fieldsvc.maps.public_reports_layer import STATUS_COLORS
from fieldsvc.services import public_data
from tests.citizen.test_public_reports import REPLY, Planted, planted  # noqa: F401  (fixture)
from tests.live import chromium, serve

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "citizen"


def test_public_map_shows_accepted_reports_on_a_phone_offline(
    engine: Engine,
    settings: Settings,
    planted: Planted,  # noqa: F811
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    public_data.clear_cache()
    with serve(create_app(settings, engine=engine)) as base, chromium() as browser:
        context = browser.new_context(viewport={"width": 360, "height": 640}, locale="th-TH")
        own = urlsplit(base).netloc
        foreign: list[str] = []
        errors: list[str] = []

        def guard(route: Any) -> None:
            if urlsplit(route.request.url).netloc not in (own, ""):
                foreign.append(route.request.url)
                route.abort()
            else:
                route.continue_()

        context.route("**/*", guard)
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{base}/public/map.html")
        page.locator("path.leaflet-interactive").first.wait_for()
        fills = page.locator("path.leaflet-interactive").evaluate_all(
            "els => els.map(e => e.getAttribute('fill'))"
        )
        # one report in progress, one done; the pending, hidden and merged ones are not drawn
        assert fills.count(STATUS_COLORS["in_progress"]) == 1, fills
        assert fills.count(STATUS_COLORS["done"]) == 1, fills
        assert fills.count(STATUS_COLORS["received"]) == 0, fills
        page.screenshot(path=str(ARTIFACTS / "public-map-360.png"))
        marker = page.locator(f"path.leaflet-interactive[fill='{STATUS_COLORS['in_progress']}']")
        marker.click(force=True)
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        text = popup.inner_text()
        assert "ถังเต็ม / ขยะล้น" in text and "กำลังดำเนินการ" in text and REPLY in text
        assert planted.accepted in text
        page.wait_for_timeout(600)  # the popup's fade and the map's pan to show it whole
        box = popup.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
        page.screenshot(path=str(ARTIFACTS / "public-map-360-popup.png"))
        # the legend (folded on a phone) names the layer's three statuses once opened
        page.locator(".leaflet-popup-close-button").click()
        page.locator(".fs-legend-toggle").click()
        legend = page.locator(".fs-legend-report-in_progress")
        legend.scroll_into_view_if_needed()
        assert legend.is_visible() and "กำลังดำเนินการ" in legend.inner_text()
        page.screenshot(path=str(ARTIFACTS / "public-map-360-legend.png"))
        page.goto(f"{base}/public")
        link = page.locator("#report-link")
        assert link.get_attribute("href") == "/report"
        page.locator("#public-reports").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "public-page-360-reports.png"))
        context.close()
    public_data.clear_cache()
    assert foreign == []
    assert errors == []
