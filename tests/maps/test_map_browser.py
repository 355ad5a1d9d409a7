"""The written coverage map in Chromium with every request to another host blocked."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from fieldsvc.maps.coverage_map import build_coverage_map, write_map_html
from tests.live import chromium
from tests.maps.conftest import MapFrames

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def served_map(sample_frames: MapFrames, vendor_dir: Path, tmp_path: Path) -> Iterator[str]:
    """The self-contained map written to a temp dir, served on 127.0.0.1."""
    m = build_coverage_map(
        villages=sample_frames.villages,
        bins=sample_frames.bins,
        uncovered=sample_frames.uncovered,
        recommended_sites=sample_frames.recommended,
        roads=sample_frames.roads,
        radius_m=200,
    )
    write_map_html(m, tmp_path / "coverage.html")
    handler = functools.partial(_QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/coverage.html"
    finally:
        server.shutdown()
        server.server_close()


def test_coverage_map_opens_with_no_network(served_map: str, sample_frames: MapFrames) -> None:
    own_host = urlsplit(served_map).netloc
    external: list[str] = []
    errors: list[str] = []

    def guard(route) -> None:  # noqa: ANN001
        if urlsplit(route.request.url).netloc == own_host:
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="th-TH")
        page.route("**/*", guard)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(served_map)
        page.wait_for_selector("html[data-bins-ready]", timeout=15_000)
        page.wait_for_selector(".marker-cluster")
        page.wait_for_timeout(300)

        assert external == []
        assert errors == []
        assert page.locator(".leaflet-control-zoom-in.leaflet-disabled").count() == 0
        assert page.locator(".marker-cluster").count() > 0
        assert page.locator(".fs-cluster-bad").count() > 0  # damaged/missing in clusters
        assert page.locator(".fs-bin").count() > 0  # single bins outside clusters
        recommended = len(sample_frames.recommended)
        assert page.locator(".awesome-marker-icon-black").count() == recommended  # plan sites
        # 10 villages + 104 uncovered clusters, all SVG polygons
        assert page.locator("path.leaflet-interactive").count() >= 10 + 104
        # Font Awesome is really loaded: the glyph's font is the embedded one.
        family = page.evaluate(
            "getComputedStyle(document.querySelector('.fs-bin i'), ':before').fontFamily"
        )
        assert "Font Awesome 6 Free" in family
        assert page.evaluate("document.fonts.check('900 12px \"Font Awesome 6 Free\"')")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "coverage-map.png"))

        assert page.locator("path.fs-service-radius").count() == 0
        page.locator(".leaflet-control-layers-overlays label", has_text="รัศมีบริการ").click()
        page.wait_for_timeout(300)
        circles = page.locator("path.fs-service-radius").count()
        serving = page.evaluate(
            "Object.keys(window).filter(k => k.startsWith('bin_cluster_layer_')"
            " && k.endsWith('_data')).map(k => window[k].rows"
            ".filter(r => r[4] === 0 || r[4] === 3).length)[0]"
        )
        assert circles == serving > 0

        # A bin's popup: code, Thai condition, Buddhist-era date.
        page.locator(".fs-bin").first.click()
        popup = page.locator(".fs-popup")
        popup.wait_for()
        page.wait_for_timeout(400)  # the popup fades in
        text = popup.inner_text()
        assert "สภาพ" in text and "ตรวจล่าสุด" in text
        assert any(f" {year}" in text for year in range(2560, 2575))
        page.screenshot(path=str(ARTIFACTS / "coverage-map-radius-popup.png"))
        page.keyboard.press("Escape")

        # A cluster click zooms in to where it splits; the view is redrawn.
        zoom = "Object.values(window).find(v => v instanceof L.Map).getZoom()"
        before = page.evaluate(zoom)
        page.locator(".marker-cluster").first.click()
        page.wait_for_timeout(600)  # the zoom animation
        assert page.evaluate(zoom) > before
        assert page.locator(".leaflet-marker-pane .fs-bin").count() > 0
        assert external == [] and errors == []


#: Every marker in the marker pane: its kind, box, and where its point falls on the screen.
MARKERS_JS = """() => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  const box = map.getContainer().getBoundingClientRect();
  const found = [];
  map.eachLayer(l => {
    if (!(l instanceof L.Marker) || !l._icon) return;
    const e = l._icon, r = e.getBoundingClientRect(), c = e.classList;
    const at = map.latLngToContainerPoint(l.getLatLng());
    found.push({
      kind: c.contains('fs-bin-hit') ? 'bin' : c.contains('fs-cluster') ? 'cluster'
        : c.contains('awesome-marker') ? 'site' : e.className,
      left: r.left, top: r.top, width: r.width, height: r.height,
      x: box.left + at.x, y: box.top + at.y, title: e.title,
      hit: document.elementFromPoint(r.left + 3, r.top + 3) === e,
    });
  });
  return found;
}"""

#: Font size of every piece of text in a marker (a count, a badge) and of every glyph.
LABELS_JS = """() => [...document.querySelectorAll('.leaflet-marker-pane *')]
  .filter(e => e.tagName === 'I' || [...e.childNodes].some(
    n => n.nodeType === Node.TEXT_NODE && n.textContent.trim()))
  .map(e => ({what: e.className || e.tagName, text: e.textContent.trim(),
              px: parseFloat(getComputedStyle(e).fontSize)}))"""


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_bin_markers_are_finger_sized_with_readable_labels(
    served_map: str, width: int, height: int
) -> None:
    """Every marker (bin, cluster, recommended site) is a tap target of at least 44×44 px,
    still centred on its point; every label in it is at least 14 px; a bin is drawn as a
    28 px dot inside its target, and a tap on the target's transparent corner opens it."""
    with chromium() as browser:
        page = browser.new_page(
            viewport={"width": width, "height": height}, device_scale_factor=2, locale="th-TH"
        )
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(served_map)
        page.wait_for_selector("html[data-bins-ready]", timeout=15_000)
        page.wait_for_selector(".marker-cluster")
        page.wait_for_timeout(300)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"coverage-map-targets-{width}x{height}.png"))
        if width < 600:  # the phone: closer in, where single bins stand apart
            page.evaluate("Object.values(window).find(v => v instanceof L.Map).zoomIn(1)")
            page.wait_for_timeout(600)

        markers = page.evaluate(MARKERS_JS)
        assert {m["kind"] for m in markers} == {"bin", "cluster", "site"}, markers
        small = [m for m in markers if m["width"] < 44 or m["height"] < 44]
        assert small == []
        for m in markers:  # a bigger target, the same place
            centre_x = m["left"] + m["width"] / 2
            assert abs(centre_x - m["x"]) <= 1, m
            if m["kind"] != "site":  # a pin points down at its point
                assert abs(m["top"] + m["height"] / 2 - m["y"]) <= 1, m
        labels = page.evaluate(LABELS_JS)
        assert any(label["what"] == "fs-cluster-bad" for label in labels), labels
        assert [label for label in labels if label["px"] < 14] == []
        dots = page.locator(".leaflet-marker-pane .fs-bin").evaluate_all(
            "els => els.map(e => [e.offsetWidth, e.offsetHeight])"
        )
        assert dots and all(d == [28, 28] for d in dots), dots

        # The transparent corner of a bin's target is the bin: its popup opens.
        target = next(m for m in markers if m["kind"] == "bin" and m["hit"])
        page.mouse.click(target["left"] + 3, target["top"] + 3)
        page.locator(".fs-popup").wait_for()
        assert page.locator(".fs-popup-code").inner_text() == target["title"]
        page.wait_for_timeout(400)  # the popup fades in
        page.screenshot(path=str(ARTIFACTS / f"coverage-map-targets-{width}x{height}-bin.png"))
        assert errors == []
