"""The map of approximate village areas in Chromium: dashed outlines drawn once per edge, the
label in the tooltip and the legend; a screenshot is kept in test-artifacts/ to look at."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from fieldsvc.analysis.village_areas import approximate_village_areas
from fieldsvc.maps.coverage_map import build_coverage_map, write_map_html
from tests.live import chromium
from tests.real_formats.make_places import PlaceFiles

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_approximate_areas_are_dashed_and_labelled_in_the_browser(
    place_files: PlaceFiles, vendor_dir: Path, tmp_path: Path
) -> None:
    centres = gpd.GeoDataFrame(
        {
            "village_id": [v[0] for v in place_files.villages],
            "number": [v[0] for v in place_files.villages],
            "name": [v[1] for v in place_files.villages],
            "boundary_source": ["approximate"] * len(place_files.villages),
            "covered_share": [0.9, 0.5, 0.2, None, 0.7],
        },
        geometry=[shapely.Point(v[2]) for v in place_files.villages],
        crs=4326,
    )
    boundary = gpd.GeoSeries([place_files.boundary()], crs=4326)
    villages = approximate_village_areas(boundary, centres)
    bins = gpd.GeoDataFrame(
        {"code": ["WG-1"], "stream": ["general"], "condition": ["usable"]},
        geometry=[shapely.Point(99.8185, 19.905)],
        crs=4326,
    )
    out = write_map_html(build_coverage_map(villages=villages, bins=bins), tmp_path / "m.html")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 844}, locale="th-TH")
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(out.as_uri())
        page.wait_for_selector("html[data-bins-ready]", timeout=15_000)
        # five village areas filled without an outline, and one dashed layer of their edges
        filled = page.locator("path.leaflet-interactive[fill-opacity='0.55']")
        assert filled.count() == 5
        assert [filled.nth(i).get_attribute("stroke") for i in range(5)] == ["none"] * 5
        dashed = page.locator("path[stroke-dasharray='6 5']")
        assert dashed.count() >= 1
        legend = page.locator(".fs-legend-approximate")
        assert "พื้นที่หมู่บ้านโดยประมาณ" in legend.inner_text()
        # hover the middle of an area away from the bin (its 44 px marker takes the pointer)
        marker = page.locator(".leaflet-marker-pane > *").first.bounding_box()
        assert marker is not None
        mx, my = marker["x"] + marker["width"] / 2, marker["y"] + marker["height"] / 2
        centres = []
        for i in range(5):
            box = filled.nth(i).bounding_box()
            assert box is not None
            centres.append((box["x"] + box["width"] / 2, box["y"] + box["height"] / 2))
        x, y = next(c for c in centres if abs(c[0] - mx) > 40 or abs(c[1] - my) > 40)
        page.mouse.move(x, y)
        tooltip = page.locator(".leaflet-tooltip")
        tooltip.wait_for(timeout=5_000)
        assert "พื้นที่หมู่บ้านโดยประมาณ (approximate village area)" in tooltip.inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "approximate_village_areas_phone.png"))
        assert errors == []
