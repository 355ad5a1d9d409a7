"""The register GeoPackage read back as QGIS would meet it: by pyogrio, by GDAL's ``ogrinfo``
and by reading ``layer_styles`` (the table QGIS saves styles to) with plain SQLite."""

from __future__ import annotations

import re
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import pyogrio
import pytest
from defusedxml import ElementTree as SafeET

from tests.geopackage.conftest import PLANTED_HOUSE_NO, PLANTED_NOTE, PLANTED_PHONE, Exported

LAYERS = ["villages", "coverage", "bins", "inspections", "plan"]
STREAMS = ["general", "organic", "recyclable", "hazardous"]
CSS = Path(__file__).resolve().parents[2] / "fieldsvc" / "maps" / "static" / "fieldsvc-map.css"
#: The web map's coverage ramp as its module states it (0, 25, 50, 75, 100 %).
RAMP = ["#7a0177", "#c51b8a", "#f768a1", "#fbb4b9", "#feebe2"]
#: QGIS's layer_styles columns (qgsogrprovidermetadata.cpp creates them in this order).
STYLE_COLUMNS = [
    "id",
    "f_table_catalog",
    "f_table_schema",
    "f_table_name",
    "f_geometry_column",
    "styleName",
    "styleQML",
    "styleSLD",
    "useAsDefault",
    "description",
    "owner",
    "ui",
    "update_time",
]


def _rgb(hex_color: str) -> tuple[int, int, int]:
    return int(hex_color[1:3], 16), int(hex_color[3:5], 16), int(hex_color[5:7], 16)


def _ramp_at(share: float) -> tuple[float, float, float]:
    """Linear interpolation between the ramp's stops, worked out here."""
    position = share * (len(RAMP) - 1)
    low = min(int(position), len(RAMP) - 2)
    t = position - low
    a, b = _rgb(RAMP[low]), _rgb(RAMP[low + 1])
    return tuple(a[i] + t * (b[i] - a[i]) for i in range(3))  # type: ignore[return-value]


def _styles(path: Path) -> dict[str, dict[str, Any]]:
    with closing(sqlite3.connect(path)) as db:
        db.row_factory = sqlite3.Row
        rows = db.execute("SELECT * FROM layer_styles").fetchall()
    return {row["f_table_name"]: dict(row) for row in rows}


def _qml(path: Path, layer: str) -> Element:
    root: Element = SafeET.fromstring(_styles(path)[layer]["styleQML"])
    return root


def _rules(root: Element) -> list[Element]:
    return list(root.iter("rule"))


def _symbol_colors(root: Element, rule: Element) -> list[str]:
    """The fill/line colours of the symbol a rule draws with, in layer order."""
    symbol = root.find(f".//symbols/symbol[@name='{rule.get('symbol')}']")
    assert symbol is not None
    colors = []
    for layer in symbol.findall("layer"):
        options = {o.get("name"): o.get("value") for o in layer.findall("Option/Option")}
        props = {p.get("k"): p.get("v") for p in layer.findall("prop")}
        assert options == props  # both spellings say the same
        colors.append(options.get("color") or options.get("line_color") or "")
    return colors


def test_every_layer_is_there_with_its_count_and_wgs84(exported: Exported) -> None:
    listed = {name: kind for name, kind in pyogrio.list_layers(exported.wgs84)}
    assert list(listed)[:5] == LAYERS
    assert listed["villages"] == "MultiPolygon" and listed["bins"] == "Point"
    assert listed["layer_styles"] is None  # the attributes table QGIS reads styles from
    counts = {name: pyogrio.read_info(exported.wgs84, layer=name)["features"] for name in LAYERS}
    assert counts == {
        "villages": 10,
        "coverage": 10 * 4,
        "bins": exported.bins,
        "inspections": exported.inspections,
        "plan": exported.plan_sites,
    }
    assert exported.bins > 300 and exported.inspections > exported.bins
    for name in LAYERS:
        assert pyogrio.read_info(exported.wgs84, layer=name)["crs"] == "EPSG:4326"


def test_thai_names_and_fields_read_back(exported: Exported) -> None:
    villages = pyogrio.read_dataframe(exported.wgs84, layer="villages")
    assert dict(zip(villages["number"], villages["name"], strict=True)) == exported.villages
    assert any("บ้าน" in name for name in villages["name"])
    for column in ("covered_share", "households", "household_basis", "boundary_source"):
        assert column in villages.columns
    assert villages["covered_share"].between(0, 1).all()
    bins = pyogrio.read_dataframe(exported.wgs84, layer="bins")
    for column in ("code", "stream", "condition", "capacity_l", "last_inspected_at"):
        assert column in bins.columns
    assert {"ขยะทั่วไป"} <= set(bins["stream_th"]) and set(bins["stream"]) <= set(STREAMS)
    assert bins["last_inspection_id"].notna().all()  # every bin has been inspected once
    inspections = pyogrio.read_dataframe(exported.wgs84, layer="inspections")
    assert int(inspections["inspector_id"].notna().sum()) == exported.inspections_with_inspector
    assert exported.inspections_with_inspector > 0
    coverage = pyogrio.read_dataframe(exported.wgs84, layer="coverage")
    assert sorted(set(coverage["stream"])) == sorted(STREAMS)
    plan = pyogrio.read_dataframe(exported.wgs84, layer="plan")
    assert set(plan["plan_id"]) == {exported.plan_id} and set(plan["plan_status"]) == {"published"}
    assert {"reason", "count", "cost_baht"} <= set(plan.columns)
    assert plan["cost_baht"].gt(0).all()


def test_no_personal_data_anywhere_in_the_file(exported: Exported) -> None:
    for path in (exported.wgs84, exported.utm):
        for name in LAYERS:
            columns = set(pyogrio.read_info(path, layer=name)["fields"])
            assert not columns & {"house_no", "phone", "note", "display_name", "username"}
        raw = path.read_bytes()
        for planted in (PLANTED_PHONE, PLANTED_HOUSE_NO, PLANTED_NOTE):
            assert planted.encode("utf-8") not in raw


def test_utm_request_uses_the_data_zone(exported: Exported) -> None:
    # the sample subdistrict lies at 103.3° E: UTM zone 48N
    for name in LAYERS:
        assert pyogrio.read_info(exported.utm, layer=name)["crs"] == "EPSG:32648"
    bins = pyogrio.read_dataframe(exported.utm, layer="bins")
    assert bins.total_bounds[0] > 100_000 and bins.total_bounds[1] > 1_000_000  # metres
    assert len(bins) == exported.bins


def _ogrinfo(*args: str) -> str:
    done = subprocess.run(["ogrinfo", *args], capture_output=True, text=True, check=True)
    assert "non-conformant" not in done.stderr.lower()
    assert "partially supported" not in done.stderr  # a GeoPackage version GDAL reads fully
    return done.stdout


def test_gdal_reads_every_layer_and_the_style_table(exported: Exported) -> None:
    listing = _ogrinfo("-ro", "-q", str(exported.wgs84))
    for name in [*LAYERS, "layer_styles"]:
        assert re.search(rf"^\d+: {name}\b", listing, re.M), listing
    expected = {"bins": exported.bins, "inspections": exported.inspections, "villages": 10}
    for name, count in expected.items():
        summary = _ogrinfo("-ro", "-so", str(exported.wgs84), name)
        assert f"Feature Count: {count}" in summary
    villages = _ogrinfo("-ro", str(exported.wgs84), "villages", "-fid", "1")
    assert f"name (String) = {exported.villages[1]}" in villages
    inspections = _ogrinfo("-ro", str(exported.wgs84), "inspections", "-fid", "1")
    assert re.search(r"observed_at \(DateTime\) = \d{4}/\d\d/\d\d \d\d:\d\d:\d\d", inspections)
    styles = _ogrinfo("-ro", "-so", str(exported.wgs84), "layer_styles")
    assert "FID Column = id" in styles and "useAsDefault: Integer(Boolean)" in styles
    assert "Feature Count: 5" in styles
    utm = _ogrinfo("-ro", "-so", str(exported.utm), "bins")
    assert 'ID["EPSG",32648]' in utm


def test_layer_styles_is_the_table_qgis_writes(exported: Exported) -> None:
    with closing(sqlite3.connect(exported.wgs84)) as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(layer_styles)")]
        contents = db.execute(
            "SELECT data_type, identifier FROM gpkg_contents WHERE table_name = 'layer_styles'"
        ).fetchall()
        geometry_columns = dict(
            db.execute("SELECT table_name, column_name FROM gpkg_geometry_columns").fetchall()
        )
    assert columns == STYLE_COLUMNS
    assert contents == [("attributes", "layer_styles")]
    styles = _styles(exported.wgs84)
    assert sorted(styles) == sorted(LAYERS)  # one row per layer
    for name, row in styles.items():
        assert row["useAsDefault"] == 1
        assert row["f_table_schema"] == "" and row["f_geometry_column"] == geometry_columns[name]
        assert row["styleName"] and len(row["styleName"]) <= 30
        root = _qml(exported.wgs84, name)
        assert root.tag == "qgis" and root.find("renderer-v2") is not None


def test_villages_are_coloured_by_the_web_maps_ramp_and_labelled_in_thai(
    exported: Exported,
) -> None:
    root = _qml(exported.wgs84, "villages")
    assert root.find("renderer-v2").get("type") == "RuleRenderer"  # type: ignore[union-attr]
    classes = [r for r in _rules(root) if r.get("label", "").endswith("%")]
    assert [r.get("label") for r in classes] == ["0–20%", "20–40%", "40–60%", "60–80%", "80–100%"]
    for rule, middle in zip(classes, (0.1, 0.3, 0.5, 0.7, 0.9), strict=True):
        red, green, blue, alpha = (int(v) for v in _symbol_colors(root, rule)[0].split(","))
        expected = _ramp_at(middle)
        assert all(
            abs(got - want) <= 1 for got, want in zip((red, green, blue), expected, strict=True)
        )
        assert alpha == 140  # the web map's fill opacity 0.55
    assert "covered_share" in (classes[2].get("filter") or "")
    no_data = next(r for r in _rules(root) if "IS NULL" in (r.get("filter") or ""))
    assert _symbol_colors(root, no_data)[0].startswith("189,189,189")  # #bdbdbd
    dashed = next(
        r for r in _rules(root) if r.get("filter") == "\"boundary_source\" = 'approximate'"
    )
    symbol = root.find(f".//symbols/symbol[@name='{dashed.get('symbol')}']")
    assert symbol is not None
    assert symbol.find("layer/Option/Option[@name='line_style']").get("value") == "dash"  # type: ignore[union-attr]
    text_style = root.find("labeling/settings/text-style")
    assert text_style is not None and text_style.get("isExpression") == "1"
    assert "หมู่ที่" in (text_style.get("fieldName") or "")
    assert root.get("labelsEnabled") == "1"


def test_bins_take_the_stream_colours_of_the_web_map_and_show_condition(
    exported: Exported,
) -> None:
    css = CSS.read_text(encoding="utf-8")
    web = dict(re.findall(r"\.fs-bin-(\w+) \{ background: (#[0-9a-f]{6});", css))
    assert sorted(web) == sorted(STREAMS)
    root = _qml(exported.wgs84, "bins")
    rules = _rules(root)
    for stream in STREAMS:
        parent = next(r for r in rules if r.get("filter") == f"\"stream\" = '{stream}'")
        children = {c.get("filter"): c for c in parent.findall("rule")}
        assert len(children) == 4
        red, green, blue = _rgb(web[stream])
        for condition in ("usable", "damaged", "missing", "overflowing"):
            child = children[f"\"condition\" = '{condition}'"]
            symbol = root.find(f".//symbols/symbol[@name='{child.get('symbol')}']")
            assert symbol is not None
            marker = {
                o.get("name"): o.get("value") or ""
                for o in symbol.findall("layer[1]/Option/Option")
            }
            assert marker["color"].startswith(f"{red},{green},{blue},")
            assert marker["name"] == ("circle" if condition == "usable" else "square")
            if condition == "missing":
                assert symbol.get("alpha") == "0.6" and marker["outline_style"] == "dash"
            if condition in ("damaged", "overflowing"):
                assert len(symbol.findall("layer")) == 2  # a mark over the square
    conditions = [r.get("label") for r in rules if "condition" in (r.get("filter") or "")]
    assert "ชำรุด (damaged)" in conditions and "สูญหาย (missing)" in conditions


def test_coverage_groups_streams_with_general_shown_and_plan_sites_are_marked(
    exported: Exported,
) -> None:
    root = _qml(exported.wgs84, "coverage")
    parents = [r for r in root.find("renderer-v2/rules").findall("rule")]  # type: ignore[union-attr]
    by_label = {r.get("label"): r for r in parents}
    assert by_label["ขยะทั่วไป (general)"].get("checkstate") is None  # shown
    for stream in ("organic", "recyclable", "hazardous"):
        hidden = next(r for label, r in by_label.items() if label and label.endswith(f"({stream})"))
        assert hidden.get("checkstate") == "0"
        assert len(hidden.findall("rule")) == 6
    plan = _qml(exported.wgs84, "plan")
    shapes = set()
    for symbol in plan.iter("symbol"):
        shapes |= {o.get("value") for o in symbol.findall("layer/Option/Option[@name='name']")}
    assert {"cross_fill", "star"} <= shapes
    assert (
        SafeET.fromstring(_styles(exported.wgs84)["inspections"]["styleQML"]).find("renderer-v2")
        is not None
    )


@pytest.mark.parametrize("layer", LAYERS)
def test_styles_are_the_same_in_the_utm_file(exported: Exported, layer: str) -> None:
    assert _styles(exported.utm)[layer]["styleQML"] == _styles(exported.wgs84)[layer]["styleQML"]
