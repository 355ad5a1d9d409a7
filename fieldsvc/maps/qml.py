"""QGIS layer styles (QML) written from plain descriptions: rule-based renderers, simple fill,
line and marker symbols, an expression label and field aliases.

A QML document is the XML QGIS writes with "Save Style…" for a vector layer. Only what our
layers need is written: a ``RuleRenderer`` (rules may nest; a rule with ``checked=False`` is
listed in the Layers panel but switched off), symbols made of ``SimpleFill``, ``SimpleLine``
and ``SimpleMarker`` layers, one ``simple`` labeling and the aliases. Each symbol-layer
property is written both as an ``<Option>`` map (read by QGIS ≥ 3.26) and as ``<prop>``
elements (read by older QGIS 3 releases), so the file opens the same in the LTR releases an
office may still run.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

#: The QGIS release whose QML layout is written (any QGIS ≥ 3.16 reads it).
QGIS_VERSION = "3.28.0-Firenze"
GeometryKind = Literal["point", "line", "polygon"]
#: ``layerGeometryType`` in QML: 0 point, 1 line, 2 polygon.
_GEOMETRY_TYPE = {"point": "0", "line": "1", "polygon": "2"}
_SYMBOL_TYPE = {"point": "marker", "line": "line", "polygon": "fill"}


def qgis_color(hex_color: str, opacity: float = 1.0) -> str:
    """``#rrggbb`` and an opacity (0–1) as QGIS writes colours: ``"r,g,b,a"`` (0–255).

    >>> qgis_color("#1565c0", 0.5)
    '21,101,192,128'
    """
    text = hex_color.lstrip("#")
    if len(text) != 6:
        raise ValueError(f"expected #rrggbb, got {hex_color!r}")
    red, green, blue = (int(text[i : i + 2], 16) for i in (0, 2, 4))
    return f"{red},{green},{blue},{round(opacity * 255)}"


@dataclass(frozen=True)
class SymbolLayer:
    """One QGIS symbol layer: its class (``SimpleFill``, ``SimpleLine``, ``SimpleMarker``)
    and its properties as QGIS names them (``color``, ``outline_style``, ``name``, ``size``…)."""

    kind: str
    properties: Mapping[str, str]


def simple_fill(
    fill: str | None,
    *,
    fill_opacity: float = 1.0,
    outline: str | None = None,
    outline_width_mm: float = 0.4,
    outline_style: str = "solid",
) -> SymbolLayer:
    """A polygon fill; ``fill=None`` leaves the inside empty, ``outline=None`` no outline."""
    return SymbolLayer(
        "SimpleFill",
        {
            "color": qgis_color(fill or "#000000", fill_opacity if fill else 0.0),
            "style": "solid" if fill else "no",
            "outline_color": qgis_color(outline or "#000000"),
            "outline_style": outline_style if outline else "no",
            "outline_width": f"{outline_width_mm:g}",
            "outline_width_unit": "MM",
            "joinstyle": "round",
            "border_width_map_unit_scale": "3x:0,0,0,0,0,0",
            "offset": "0,0",
            "offset_unit": "MM",
        },
    )


def simple_line(color: str, *, width_mm: float = 0.5, style: str = "solid") -> SymbolLayer:
    """A line, e.g. the outline of a polygon drawn on its own (``style``: solid, dash, dot)."""
    return SymbolLayer(
        "SimpleLine",
        {
            "line_color": qgis_color(color),
            "line_style": style,
            "line_width": f"{width_mm:g}",
            "line_width_unit": "MM",
            "capstyle": "round",
            "joinstyle": "round",
            "offset": "0",
            "offset_unit": "MM",
        },
    )


def simple_marker(
    shape: str,
    fill: str,
    *,
    size_mm: float = 3.0,
    outline: str = "#ffffff",
    outline_width_mm: float = 0.4,
    outline_style: str = "solid",
    fill_opacity: float = 1.0,
) -> SymbolLayer:
    """A point marker; ``shape`` is a QGIS marker name (circle, square, star, cross_fill,
    cross2, triangle…)."""
    return SymbolLayer(
        "SimpleMarker",
        {
            "name": shape,
            "color": qgis_color(fill, fill_opacity),
            "outline_color": qgis_color(outline),
            "outline_style": outline_style,
            "outline_width": f"{outline_width_mm:g}",
            "outline_width_unit": "MM",
            "size": f"{size_mm:g}",
            "size_unit": "MM",
            "angle": "0",
            "joinstyle": "miter",
            "offset": "0,0",
            "offset_unit": "MM",
            "scale_method": "diameter",
            "vertical_anchor_point": "1",
            "horizontal_anchor_point": "1",
        },
    )


@dataclass(frozen=True)
class Symbol:
    """A symbol: its layers drawn bottom to top, and an overall opacity."""

    layers: Sequence[SymbolLayer]
    opacity: float = 1.0


@dataclass(frozen=True)
class Rule:
    """A rule of a rule-based renderer: features matching ``filter`` (a QGIS expression; ``None``
    matches all) are drawn with ``symbol``; ``children`` refine it; ``checked=False`` lists the
    rule switched off."""

    label: str
    filter: str | None = None
    symbol: Symbol | None = None
    children: Sequence[Rule] = ()
    checked: bool = True


@dataclass(frozen=True)
class Label:
    """Labels from a QGIS expression, in a Thai-capable font, haloed for any background."""

    expression: str
    font_family: str = "Tahoma"
    size_pt: float = 9.0
    color: str = "#212121"
    bold: bool = False


@dataclass(frozen=True)
class LayerStyle:
    """Everything the QML of one layer says."""

    geometry: GeometryKind
    rules: Sequence[Rule]
    label: Label | None = None
    aliases: Mapping[str, str] = field(default_factory=dict)


def _option_map(parent: ET.Element, properties: Mapping[str, str]) -> None:
    options = ET.SubElement(parent, "Option", type="Map")
    for name, value in properties.items():
        ET.SubElement(options, "Option", name=name, type="QString", value=value)
    for name, value in properties.items():
        ET.SubElement(parent, "prop", k=name, v=value)


def _symbol_element(parent: ET.Element, symbol: Symbol, name: str, kind: GeometryKind) -> None:
    element = ET.SubElement(
        parent,
        "symbol",
        type=_SYMBOL_TYPE[kind],
        name=name,
        alpha=f"{symbol.opacity:g}",
        clip_to_extent="1",
        force_rhr="0",
    )
    for layer in symbol.layers:
        item = ET.SubElement(
            element, "layer", attrib={"class": layer.kind, "enabled": "1", "pass": "0"}
        )
        item.set("locked", "0")
        _option_map(item, layer.properties)


def _rule_elements(
    parent: ET.Element, rules: Sequence[Rule], symbols: list[Symbol], path: str
) -> None:
    for i, rule in enumerate(rules):
        element = ET.SubElement(parent, "rule", key=f"{{{path}-{i}}}", label=rule.label)
        if rule.filter is not None:
            element.set("filter", rule.filter)
        if rule.symbol is not None:
            element.set("symbol", str(len(symbols)))
            symbols.append(rule.symbol)
        if not rule.checked:
            element.set("checkstate", "0")
        _rule_elements(element, rule.children, symbols, f"{path}-{i}")


def _labeling(parent: ET.Element, label: Label, kind: GeometryKind) -> None:
    labeling = ET.SubElement(parent, "labeling", type="simple")
    settings = ET.SubElement(labeling, "settings", calloutType="simple")
    ET.SubElement(
        settings,
        "text-style",
        fieldName=label.expression,
        isExpression="1",
        fontFamily=label.font_family,
        fontSize=f"{label.size_pt:g}",
        fontSizeUnit="Point",
        fontWeight="75" if label.bold else "50",
        fontItalic="0",
        textColor=qgis_color(label.color),
        textOpacity="1",
        multilineHeight="1",
    )
    ET.SubElement(
        settings,
        "text-buffer",
        bufferDraw="1",
        bufferSize="0.8",
        bufferSizeUnits="MM",
        bufferColor=qgis_color("#ffffff"),
        bufferOpacity="0.85",
        bufferJoinStyle="128",
    )
    # polygons: over the centroid (1); points: around the point (0)
    ET.SubElement(
        settings,
        "placement",
        placement="1" if kind == "polygon" else "0",
        centroidInside="1",
        centroidWhole="0",
        fitInPolygonOnly="0",
        dist="1",
        distUnits="MM",
    )
    ET.SubElement(
        settings,
        "rendering",
        obstacle="1",
        displayAll="0",
        upsidedownLabels="0",
        scaleVisibility="0",
        drawLabels="1",
        labelPerPart="0",
    )


def layer_qml(style: LayerStyle) -> str:
    """The QML document of ``style`` (UTF-8 text; Thai stays readable, not escaped)."""
    root = ET.Element(
        "qgis",
        version=QGIS_VERSION,
        styleCategories="Symbology|Labeling|Fields",
        labelsEnabled="1" if style.label else "0",
    )
    renderer = ET.SubElement(
        root,
        "renderer-v2",
        type="RuleRenderer",
        symbollevels="0",
        enableorderby="0",
        forceraster="0",
        referencescale="-1",
    )
    rules = ET.SubElement(renderer, "rules", key="{root}")
    symbols: list[Symbol] = []
    _rule_elements(rules, style.rules, symbols, "rule")
    symbols_element = ET.SubElement(renderer, "symbols")
    for i, symbol in enumerate(symbols):
        _symbol_element(symbols_element, symbol, str(i), style.geometry)
    if style.label is not None:
        _labeling(root, style.label, style.geometry)
    aliases = ET.SubElement(root, "aliases")
    for i, (name, alias) in enumerate(style.aliases.items()):
        ET.SubElement(aliases, "alias", field=name, index=str(i), name=alias)
    ET.SubElement(root, "layerGeometryType").text = _GEOMETRY_TYPE[style.geometry]
    ET.indent(root, space=" ")
    body = ET.tostring(root, encoding="unicode")
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + body + "\n"
