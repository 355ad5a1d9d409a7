"""Coverage map at register scale: build, write and open a map of 100,000 bins, against 1,000.

Run: ``.venv/bin/python -m bench.map_bench [--large 100000] [--small 1000] [--repeat 3]``.
Prints times and the large/small ratio for each phase; never part of the tests. Opening is
timed in Debian's Chromium (headless, network blocked) from navigation start until every bin is
clustered (``window.fieldsvcBinsReadyAt``) and the cluster icons are in the page; then a zoom
in by two levels (markers of the new view drawn) and switching the service radius on.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np

from fieldsvc.maps.coverage_map import build_coverage_map, write_map_html
from fieldsvc.models.enums import Condition, Stream
from tests.live import CHROMIUM_ARGS

GEODATA = Path(__file__).resolve().parents[1] / "geodata"


def synthetic_bins(n: int, villages: gpd.GeoDataFrame, seed: int = 6) -> gpd.GeoDataFrame:
    """``n`` bins spread over a box 0.6° wide around the sample subdistrict (a district-sized
    register: clusters must form at every zoom), with the sample's mix of streams/conditions."""
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = villages.total_bounds
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    lon = cx + rng.uniform(-0.3, 0.3, n)
    lat = cy + rng.uniform(-0.3, 0.3, n)
    days = rng.integers(0, 720, n).astype("timedelta64[D]")
    return gpd.GeoDataFrame(
        {
            "code": [f"BN-{i:06d}" for i in range(n)],
            "stream": rng.choice([s.value for s in Stream], n, p=[0.7, 0.1, 0.15, 0.05]),
            "condition": rng.choice([c.value for c in Condition], n, p=[0.7, 0.15, 0.05, 0.1]),
            "capacity_l": rng.choice([120, 200, 240, 660], n),
            "last_inspected_at": np.datetime64("2026-11-01") - days,
        },
        geometry=gpd.points_from_xy(lon, lat),
        crs=4326,
    )


# Zoom in two levels at once (no animation) on the centre of the first cluster; ms until the
# bins layer has drawn the new view (it redraws on moveend, which Leaflet fires synchronously).
_ZOOM_IN_JS = """() => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  const icon = document.querySelector('.marker-cluster');
  const rect = icon.getBoundingClientRect(), box = map.getContainer().getBoundingClientRect();
  const at = map.containerPointToLatLng([rect.left + rect.width / 2 - box.left,
                                         rect.top + rect.height / 2 - box.top]);
  const start = performance.now();
  map.setView(at, map.getZoom() + 2, {animate: false});
  const ms = performance.now() - start;
  return [ms, document.querySelectorAll('.leaflet-marker-pane .leaflet-marker-icon').length];
}"""

# Switch the service-radius layer on; ms until the next frame has been painted.
_TOGGLE_RADIUS_JS = """() => {
  const label = [...document.querySelectorAll('.leaflet-control-layers-overlays label')]
    .find(l => l.textContent.includes('service radius'));
  const start = performance.now();
  label.querySelector('input').click();
  return new Promise(done => requestAnimationFrame(
    () => setTimeout(() => done(performance.now() - start), 0)));
}"""


def _open_ms(url: str, repeat: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    ready: list[float] = []
    wall: list[float] = []
    radius: list[float] = []
    index: list[float] = []
    zoom: list[float] = []
    clusters = markers = 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            for _ in range(repeat):
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.route(
                    "**/*",
                    lambda route: (
                        route.continue_()
                        if route.request.url.startswith("file:")
                        else route.abort()
                    ),
                )
                start = time.perf_counter()
                page.goto(url, timeout=300_000)
                page.wait_for_function("window.fieldsvcBinsReadyAt", timeout=300_000)
                page.wait_for_selector(".marker-cluster", timeout=300_000)
                wall.append((time.perf_counter() - start) * 1000)
                ready.append(page.evaluate("window.fieldsvcBinsReadyAt"))
                clusters = page.locator(".marker-cluster").count()
                index.append(page.evaluate("window.fieldsvcBinsIndexMs"))
                zoom_ms, markers = page.evaluate(_ZOOM_IN_JS)
                zoom.append(zoom_ms)
                radius.append(page.evaluate(_TOGGLE_RADIUS_JS))
                page.close()
        finally:
            browser.close()
    return {
        "ready_ms": statistics.median(ready),
        "wall_ms": statistics.median(wall),
        "index_ms": statistics.median(index),
        "clusters": clusters,
        "zoom_ms": statistics.median(zoom),
        "markers_zoomed": markers,
        "radius_ms": statistics.median(radius),
    }


def measure(n: int, villages: gpd.GeoDataFrame, out_dir: Path, repeat: int) -> dict[str, float]:
    bins = synthetic_bins(n, villages)
    start = time.perf_counter()
    m = build_coverage_map(villages=villages, bins=bins, radius_m=200)
    built = time.perf_counter()
    path = write_map_html(m, out_dir / f"map_{n}.html")
    written = time.perf_counter()
    return {
        "bins": n,
        "build_s": built - start,
        "write_s": written - built,
        "size_mb": path.stat().st_size / 1e6,
        **_open_ms(path.as_uri(), repeat),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    villages = gpd.read_file(GEODATA / "sample_villages.geojson")
    villages["covered_share"] = np.linspace(0.05, 1.0, len(villages))
    with tempfile.TemporaryDirectory() as tmp:
        small = measure(args.small, villages, Path(tmp), args.repeat)
        large = measure(args.large, villages, Path(tmp), args.repeat)
    print(f"{'':26}{'small':>12}{'large':>12}{'ratio':>9}")
    for key, label in [
        ("bins", "bins"),
        ("build_s", "build map (s)"),
        ("write_s", "write self-contained (s)"),
        ("size_mb", "HTML size (MB)"),
        ("ready_ms", "open → clustered (ms)"),
        ("wall_ms", "open, wall clock (ms)"),
        ("index_ms", "  of which indexing (ms)"),
        ("clusters", "cluster icons drawn"),
        ("zoom_ms", "zoom in 2 → drawn (ms)"),
        ("markers_zoomed", "markers after zoom"),
        ("radius_ms", "radius layer on (ms)"),
    ]:
        ratio = large[key] / small[key] if small[key] else float("nan")
        print(f"{label:26}{small[key]:12.2f}{large[key]:12.2f}{ratio:9.1f}")


if __name__ == "__main__":
    main()
