"""The staff map and the public page in Chromium: nothing from another host, no script errors,
markers and village polygons drawn, the service-radius layer toggles."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from fieldsvc.ingest.photos import clean_photo
from fieldsvc.models import Attachment, Submission
from fieldsvc.storage.media import store_media
from tests.api.test_staff_public import seeded  # noqa: F401  (fixture)
from tests.intake.conftest import jpeg_bytes
from tests.live import chromium, serve

ARTIFACTS = Path(__file__).parents[2] / "test-artifacts" / "pages"


def _open(browser: Any, base: str, token: str | None) -> tuple[Any, Any, list[str], list[str]]:
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="th-TH")
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
    if token:
        page.goto(f"{base}/login/{token}")  # the link shows a form: it signs in when posted
        with page.expect_navigation():
            page.click("#sign-in")
    return context, page, foreign, errors


@pytest.mark.browser
def test_staff_map_and_public_page_work_offline_in_chromium(
    engine: Engine,
    settings: Settings,
    seeded: dict[str, str],  # noqa: F811
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    photo = clean_photo(jpeg_bytes(size=(1024, 768)), name="bin.jpg", max_bytes=10**7)
    with Session(engine) as session:  # the seeded survey of bin B-1 gets its photo
        survey = session.exec(select(Submission)).one()
        digest = store_media(settings=settings, data=photo.data)
        session.add(
            Attachment(
                submission_id=survey.id,
                name="bin.jpg",
                sha256=digest,
                media_type=photo.media_type,
                size_bytes=len(photo.data),
            )
        )
        session.commit()
    with serve(create_app(settings, engine=engine)) as base, chromium() as browser:
        for name, url, token in [
            ("staff-map", "/staff/map.html", seeded["staff"]),
            ("public-map", "/public/map.html", None),
        ]:
            context, page, foreign, errors = _open(browser, base, token)
            page.goto(base + url)
            page.wait_for_selector("path.leaflet-interactive", timeout=15_000)
            page.wait_for_selector(".fs-bin, .marker-cluster", timeout=15_000)
            assert page.locator("path.leaflet-interactive").count() >= 2  # both villages
            assert page.locator("path.fs-service-radius").count() == 0
            toggle = page.locator(".leaflet-control-layers-overlays label", has_text="รัศมีบริการ")
            toggle.locator("input").check()
            page.wait_for_selector("path.fs-service-radius", timeout=10_000)  # usable bin B-1
            page.locator(".fs-bin").first.click()
            page.locator(".fs-popup").wait_for()
            photos = page.locator(".fs-popup img.fs-popup-photo")
            if name == "staff-map":  # the thumbnail, linking to the full photo
                photos.wait_for()
                page.wait_for_function(
                    "() => document.querySelector('.fs-popup img').naturalWidth > 0", timeout=10_000
                )
                assert photos.get_attribute("src") == f"/api/v1/media/{digest}/thumbnail"
                assert page.evaluate(
                    "[document.querySelector('.fs-popup img').naturalWidth,"
                    " document.querySelector('.fs-popup img').naturalHeight]"
                ) == [320, 240]
                link = page.locator(".fs-popup a.fs-popup-photo-link")
                assert link.get_attribute("href") == f"/api/v1/media/{digest}"
            else:  # no photos on anything public
                assert photos.count() == 0
            page.wait_for_timeout(400)  # the popup fades in
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
            assert foreign == []
            assert errors == []
            context.close()

        context, page, foreign, errors = _open(browser, base, None)
        page.goto(f"{base}/public")
        page.wait_for_load_state("networkidle")
        assert page.locator("#villages tbody tr").count() == 2
        frame = page.frame_locator("iframe.map-frame")
        frame.locator("path.leaflet-interactive").first.wait_for(timeout=15_000)
        page.screenshot(path=str(ARTIFACTS / "public.png"), full_page=True)
        assert foreign == [] and errors == []
        context.close()


@pytest.mark.browser
def test_api_docs_page_works_offline(engine: Engine, settings: Settings) -> None:
    """FastAPI's default /docs loads Swagger UI from a CDN; ours is served from /vendor."""
    with serve(create_app(settings, engine=engine)) as base, chromium() as browser:
        context, page, foreign, errors = _open(browser, base, None)
        page.goto(f"{base}/docs")
        page.wait_for_selector(".swagger-ui .info .title", timeout=15_000)
        assert "fieldsvc" in page.locator(".swagger-ui .info .title").inner_text()
        page.wait_for_selector(".opblock-tag", timeout=15_000)  # the API's sections are listed
        assert page.locator(".opblock-tag", has_text="submissions").count() >= 1
        assert foreign == [] and errors == []
        context.close()


@pytest.mark.browser
def test_phone_form_runs_under_the_content_security_policy(
    engine: Engine, settings: Settings
) -> None:
    """The phone form's scripts, styles, manifest and service worker all come from this
    server, so the CSP blocks nothing (a violation is a console error)."""
    with serve(create_app(settings, engine=engine)) as base, chromium() as browser:
        context, page, foreign, errors = _open(browser, base, None)
        answer = page.goto(f"{base}/m/")
        assert answer is not None
        assert "default-src 'self'" in answer.headers["content-security-policy"]
        page.wait_for_selector("body", timeout=15_000)
        page.wait_for_timeout(1_000)  # let module scripts and the service worker start
        assert page.evaluate("document.querySelectorAll('script').length") >= 1
        assert foreign == []
        assert [e for e in errors if "Content Security Policy" in e] == []
        context.close()
