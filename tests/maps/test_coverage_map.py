"""The coverage map's HTML: local assets only, Thai layer names, one compact bin table."""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from fieldsvc.maps.assets import external_references
from fieldsvc.maps.coverage_map import (
    LAYER_NAMES,
    LEGEND_TITLE,
    MapInputError,
    bin_rows,
    build_coverage_map,
    render_map_html,
    write_map_html,
)
from tests.maps.conftest import MapFrames

CDN_HOSTS = ("cdn.jsdelivr.net", "cdnjs.cloudflare.com", "code.jquery.com", "netdna")


def _full_map(frames: MapFrames, **kwargs: object):  # noqa: ANN202
    return build_coverage_map(
        villages=frames.villages,
        bins=frames.bins,
        uncovered=frames.uncovered,
        recommended_sites=frames.recommended,
        roads=frames.roads,
        radius_m=200,
        **kwargs,  # type: ignore[arg-type]
    )


def _unescaped(page: str) -> str:
    """folium writes non-ASCII text in scripts as \\uXXXX escapes."""
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), page)


def _layer_control_names(page: str) -> list[str]:
    block = re.search(r"overlays\s*:\s*\{(.*?)\}", page, re.DOTALL)
    assert block, "no layer control"
    return re.findall(r'"([^"]+)"\s*:', _unescaped(block.group(1)))


def _bins_table(page: str) -> list[list[object]]:
    match = re.search(r"var bin_cluster_layer_\w+_data = (\{.*?\});\n", page)
    assert match, "bin data table not found"
    return json.loads(match.group(1))["rows"]


def test_served_page_references_only_local_vendor_files(sample_frames: MapFrames) -> None:
    page = render_map_html(_full_map(sample_frames))
    urls = re.findall(r'<(?:script|link)\b[^>]*(?:src|href)="([^"]+)"', page)
    assert urls and all(u.startswith("/vendor/") for u in urls), urls
    assert not re.search(r"https?://", page)  # nothing from the internet, not even a link
    assert not any(host in page for host in CDN_HOSTS)


def test_self_contained_file_has_no_reference_to_another_host(
    sample_frames: MapFrames, vendor_dir: Path, tmp_path: Path
) -> None:
    path = write_map_html(_full_map(sample_frames), tmp_path / "coverage.html")
    page = path.read_text("utf-8")
    assert external_references(page) == []
    assert not re.search(r"<script\b[^>]*\bsrc=|<link\b[^>]*stylesheet", page)
    assert not any(host in page for host in CDN_HOSTS)
    assert 'url("data:font/woff2;base64,' in page  # Font Awesome glyphs travel with the file
    assert page.startswith("<!DOCTYPE html>") and '<html lang="th">' in page


def test_layer_names_and_legend_are_thai_with_english(sample_frames: MapFrames) -> None:
    page = render_map_html(_full_map(sample_frames))
    assert _layer_control_names(page) == [
        "ถนน (roads)",
        "หมู่บ้าน: สัดส่วนที่เข้าถึงถัง (villages: coverage)",
        "กลุ่มครัวเรือนที่ยังไม่เข้าถึงถัง (uncovered households)",
        "ถังขยะ (bins)",
        "รัศมีบริการ 200 ม. (service radius 200 m)",
        "จุดแนะนำตั้งถังใหม่ (recommended new sites)",
    ]
    assert LEGEND_TITLE == "สัดส่วนครัวเรือนที่เข้าถึงถังขยะ"
    assert LEGEND_TITLE in page and "ขยะรีไซเคิล" in page and "สูญหาย" in page


def test_service_radius_layer_is_off_by_default(sample_frames: MapFrames) -> None:
    page = render_map_html(_full_map(sample_frames))
    radius_var = re.search(r"var (service_radius_layer_\w+) = L.featureGroup", page).group(1)
    bins_var = re.search(r"var (bin_cluster_layer_\w+) = fieldsvcMaps.binLayer", page).group(1)
    assert f"{bins_var}.addTo(" in page
    assert f"{radius_var}.addTo(" not in page


def test_bins_are_one_compact_table_not_one_marker_each(sample_frames: MapFrames) -> None:
    page = render_map_html(_full_map(sample_frames))
    rows = _bins_table(page)
    assert len(rows) == len(sample_frames.bins) == 318
    # the two in fieldsvc-map.js (bin, cluster) and one per recommended site
    assert page.count("L.marker(") <= 2 + len(sample_frames.recommended)


def test_bin_rows_known_answer() -> None:
    bins = gpd.GeoDataFrame(
        {
            "code": ["B-1", "B-2"],
            "stream": ["general", "Recyclable "],
            "condition": ["usable", "missing"],
            "capacity_l": [240, None],
            "last_inspected_at": ["2026-08-11 09:30", None],
            "photo_url": [None, "/media/b2.jpg"],
            "thumbnail_url": [None, "/media/b2.jpg/thumbnail"],
        },
        geometry=[shapely.Point(103.2797481, 16.3142832), shapely.Point(103.1, 16.2)],
        crs=4326,
    )
    assert bin_rows(bins) == [
        [16.314283, 103.279748, "B-1", 0, 0, "2026-08-11", 240],
        [16.2, 103.1, "B-2", 2, 2, None, None, "/media/b2.jpg", "/media/b2.jpg/thumbnail"],
    ]


def test_bin_rows_reprojects_and_skips_bins_without_location() -> None:
    bins = gpd.GeoDataFrame(
        {"code": ["A", "B"], "stream": ["general"] * 2, "condition": ["usable"] * 2},
        geometry=[shapely.Point(500000, 1800000), None],
        crs=32648,
    )
    rows = bin_rows(bins)
    assert len(rows) == 1 and rows[0][2] == "A"
    assert rows[0][1] == pytest.approx(105.0, abs=1e-6)  # central meridian of zone 48


def test_unknown_condition_is_named_in_the_error() -> None:
    bins = gpd.GeoDataFrame(
        {"code": ["A"], "stream": ["general"], "condition": ["stolen"]},
        geometry=[shapely.Point(103, 16)],
        crs=4326,
    )
    with pytest.raises(MapInputError, match="stolen"):
        bin_rows(bins)


def test_villages_with_coverage_joins_one_stream(sample_frames: MapFrames) -> None:
    villages = sample_frames.villages
    assert villages["covered_share"].notna().all()
    worst = villages.loc[villages["covered_share"].idxmin()]
    assert int(worst["number"]) == 7  # the sample's poorly served village
    assert 0 <= villages["covered_share"].min() < villages["covered_share"].max() <= 1


def test_villages_without_coverage_are_grey_no_data(sample_frames: MapFrames) -> None:
    villages = sample_frames.villages.copy()
    villages.loc[villages["number"] == 4, "covered_share"] = np.nan
    m = build_coverage_map(villages=villages, bins=sample_frames.bins.head(3))
    page = render_map_html(m)
    assert "ไม่มีข้อมูล (no data)" in _unescaped(page) and "#bdbdbd" in page


def test_villages_as_points_only_still_draw_the_bins(sample_frames: MapFrames) -> None:
    villages = sample_frames.villages.copy()
    villages["geometry"] = None
    villages = villages.set_geometry("geometry", crs=4326)
    page = render_map_html(build_coverage_map(villages=villages, bins=sample_frames.bins))
    assert LAYER_NAMES["villages"] not in _unescaped(page)
    assert len(_bins_table(page)) == 318


def test_local_tile_folder_as_base_layer(sample_frames: MapFrames) -> None:
    m = build_coverage_map(
        villages=sample_frames.villages,
        bins=sample_frames.bins,
        base_layer="/tiles/{z}/{x}/{y}.png",
        base_attribution="© office survey",
    )
    page = render_map_html(m)
    assert '"/tiles/{z}/{x}/{y}.png"' in page and "© office survey" in _unescaped(page)


def test_asset_base_is_where_the_app_serves_vendor(sample_frames: MapFrames) -> None:
    m = build_coverage_map(
        villages=sample_frames.villages, bins=sample_frames.bins, asset_base="/static/v"
    )
    page = render_map_html(m)
    assert '<script src="/static/v/leaflet/leaflet.js"></script>' in page
    assert '<script src="/static/v/supercluster/supercluster.min.js"></script>' in page


def test_bins_are_clustered_with_supercluster_not_markercluster(
    sample_frames: MapFrames, vendor_dir: Path, tmp_path: Path
) -> None:
    page = render_map_html(_full_map(sample_frames))
    assert "/vendor/supercluster/supercluster.min.js" in page
    assert "markercluster" not in page.lower()
    inlined = write_map_html(_full_map(sample_frames), tmp_path / "m.html").read_text("utf-8")
    supercluster = (vendor_dir / "supercluster" / "supercluster.min.js").read_text("utf-8")
    assert supercluster[:300] in inlined


def test_radius_must_be_positive(sample_frames: MapFrames) -> None:
    with pytest.raises(MapInputError, match="radius_m"):
        build_coverage_map(villages=sample_frames.villages, bins=sample_frames.bins, radius_m=0)


def test_register_text_is_escaped_before_folium_writes_it_as_html(
    sample_frames: MapFrames,
) -> None:
    """folium's GeoJsonTooltip/GeoJsonPopup put property values into innerHTML: a village
    name or plan text holding markup must arrive as text, never as a live element."""
    attack = "<img src=x onerror=alert(1)>"
    villages = sample_frames.villages.copy()
    villages.loc[villages.index[0], "name"] = attack
    recommended = sample_frames.recommended.copy()
    recommended["stream"] = recommended["stream"].astype(object)
    recommended.loc[recommended.index[0], "stream"] = attack
    page = _unescaped(
        render_map_html(
            build_coverage_map(
                villages=villages,
                bins=sample_frames.bins,
                uncovered=sample_frames.uncovered,
                recommended_sites=recommended,
                roads=sample_frames.roads,
                radius_m=200,
            )
        )
    )
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_plan_site_popup_shows_what_the_allocation_engine_produces(
    sample_frames: MapFrames,
) -> None:
    """The popup names each field the plan rows really carry (it once expected a column the
    engine never made, hidden by a hand-made fixture)."""
    sites = sample_frames.recommended
    page = _unescaped(render_map_html(_full_map(sample_frames)))
    tables = re.findall(r"let fields = (\[[^\]]*\]);\s*let aliases = (\[[^\]]*\]);", page)
    popups = [(json.loads(f), json.loads(a)) for f, a in tables if "rank" in json.loads(f)]
    assert len(popups) == 1
    fields, aliases = popups[0]
    assert "households_added" in fields and "capacity_l" in fields
    assert set(fields) <= set(sites.columns) | {"stream_th"}
    assert "ครัวเรือนที่จะเข้าถึงเพิ่ม (households added)" in aliases
