"""The CDN → local table, the copy from node_modules, and the offline rewriting."""

from __future__ import annotations

import json
import re
from pathlib import Path

import folium
import pytest
from branca.colormap import LinearColormap
from folium import folium as folium_module
from folium.plugins import FastMarkerCluster, MarkerCluster

from fieldsvc.maps.assets import (
    CDN_ASSETS,
    PACKAGES,
    AssetError,
    external_references,
    inline_assets,
    install,
    localize_assets,
    localize_html,
)

REPO = Path(__file__).resolve().parents[2]
BRANCA_D3 = "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js"


def _folium_urls() -> list[str]:
    lists = [
        folium_module._default_js,
        folium_module._default_css,
        MarkerCluster.default_js,
        MarkerCluster.default_css,
        FastMarkerCluster.default_js,
        FastMarkerCluster.default_css,
    ]
    return [url for links in lists for _, url in links] + [BRANCA_D3]


def test_every_cdn_url_folium_and_branca_load_has_a_local_answer() -> None:
    missing = [url for url in _folium_urls() if url not in CDN_ASSETS]
    assert missing == []


def test_package_json_pins_exactly_the_versions_of_the_table() -> None:
    declared = json.loads((REPO / "package.json").read_text("utf-8"))["dependencies"]
    assert declared == {p.name: p.version for p in PACKAGES}
    assert declared["leaflet"] == "1.9.3"
    assert declared["leaflet.markercluster"] == "1.1.0"
    lock = json.loads((REPO / "package-lock.json").read_text("utf-8"))["packages"]
    for package in PACKAGES:
        assert lock[f"node_modules/{package.name}"]["version"] == package.version


def test_table_versions_match_the_cdn_urls() -> None:
    # Each CDN URL names a version; the npm package serving it must be that version.
    versions = {p.folder: p.version for p in PACKAGES}
    for url, paths in CDN_ASSETS.items():
        for path in paths:
            folder = path.split("/")[0]
            assert versions[folder] in url, (url, path)


def test_install_copies_the_pinned_files_and_writes_a_manifest(tmp_path: Path) -> None:
    vendor = tmp_path / "vendor"
    written = install(vendor_dir=vendor, quiet=True)
    assert vendor / "leaflet" / "leaflet.js" in written
    assert (vendor / "fontawesome" / "webfonts" / "fa-solid-900.woff2").is_file()
    assert (vendor / "awesome-markers" / "images" / "markers-soft.png").is_file()
    manifest = json.loads((vendor / "MANIFEST.json").read_text("utf-8"))
    assert manifest["packages"]["drmonty-leaflet-awesome-markers"]["version"] == "2.0.2"
    for paths in CDN_ASSETS.values():
        for path in paths:
            assert (vendor / path).is_file(), path
    assert install(vendor_dir=vendor, quiet=True) == written  # idempotent


def test_install_refuses_a_package_at_another_version(tmp_path: Path) -> None:
    fake = tmp_path / "node_modules" / "leaflet"
    fake.mkdir(parents=True)
    (fake / "package.json").write_text('{"version": "1.9.4"}')
    with pytest.raises(AssetError, match="1.9.4"):
        install(node_modules=tmp_path / "node_modules", vendor_dir=tmp_path / "v", quiet=True)


def test_localize_assets_rewrites_the_map_and_its_plugins_but_not_folium_itself() -> None:
    m = folium.Map(tiles=None)
    MarkerCluster().add_to(m)
    localize_assets(m, base_url="/vendor/")
    page = m.get_root().render()
    tags = re.findall(r'<(?:script src|link rel="stylesheet" href)="([^"]+)"', page)
    assert tags == [
        "/vendor/leaflet/leaflet.js",
        "/vendor/awesome-markers/leaflet.awesome-markers.js",
        "/vendor/leaflet/leaflet.css",
        "/vendor/fontawesome/css/fontawesome.min.css",
        "/vendor/fontawesome/css/solid.min.css",
        "/vendor/awesome-markers/leaflet.awesome-markers.css",
        "/vendor/markercluster/leaflet.markercluster.js",
        "/vendor/markercluster/MarkerCluster.css",
        "/vendor/markercluster/MarkerCluster.Default.css",
    ]
    assert "glyphicons" not in page and "rotate" not in page and "jquery" not in page
    # folium's class-level lists are shared by every map in the process: untouched.
    assert folium.Map.default_js[0][1].startswith("https://cdn.jsdelivr.net/")


def test_keep_unused_serves_jquery_and_bootstrap_locally() -> None:
    m = folium.Map(tiles=None)
    localize_assets(m, keep_unused=True)
    page = m.get_root().render()
    assert '<script src="/vendor/jquery/jquery.min.js">' in page
    assert "/vendor/bootstrap/css/bootstrap.min.css" in page


def test_branca_legend_d3_added_at_render_time_is_rewritten_by_localize_html() -> None:
    m = folium.Map(tiles=None)
    LinearColormap(["red", "blue"]).add_to(m)
    localize_assets(m)
    page = localize_html(m.get_root().render())
    assert '<script src="/vendor/d3/d3.min.js"></script>' in page
    assert external_references(page) == []


def test_an_unknown_cdn_is_an_error_not_a_silent_online_dependency() -> None:
    m = folium.Map(tiles=None)
    m.default_js = [*m.default_js, ("x", "https://cdn.example.org/x.js")]
    with pytest.raises(AssetError, match="cdn.example.org"):
        localize_assets(m)


def test_inline_assets_embeds_code_and_fonts_as_data_uris(vendor_dir: Path) -> None:
    page = (
        '<link rel="stylesheet" href="/vendor/fontawesome/css/solid.min.css"/>'
        '<script src="/vendor/leaflet/leaflet.js"></script>'
        '<script src="other.js"></script>'
    )
    out = inline_assets(page, base_url="/vendor", vendor_dir=vendor_dir)
    assert 'url("data:font/woff2;base64,' in out
    assert ".ttf" not in out  # the TrueType fallback is dropped: woff2 is enough
    assert re.findall(r'src="([^"]+)"', out) == ["other.js"]  # only the non-vendor tag stays
    leaflet = (vendor_dir / "leaflet" / "leaflet.js").read_text("utf-8")
    assert leaflet[:200] in out


def test_inline_assets_names_a_missing_vendor_file(tmp_path: Path) -> None:
    with pytest.raises(AssetError, match="resources sync"):
        inline_assets('<script src="/vendor/nope.js"></script>', vendor_dir=tmp_path)
