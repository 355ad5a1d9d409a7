"""Folium elements for large bin registers: one compact data table, clustered in the browser.

One ``folium.Marker`` per bin writes a few hundred bytes of JavaScript per bin and makes the
browser run 100,000 generated statements; :class:`BinClusterLayer` embeds the bins once as a
compact JSON table and ``static/fieldsvc-map.js`` clusters them (supercluster) and draws the
markers in view and the popups.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from branca.element import Element, Figure, MacroElement
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.template import Template

from fieldsvc.maps.assets import SUPERCLUSTER_JS
from fieldsvc.models.enums import CONDITION_TH, STREAM_TH, Condition, Stream

STATIC_DIR = Path(__file__).resolve().parent / "static"

#: Thai bin colour code by stream (DOMAIN.md): blue general, green organic, yellow recyclable,
#: red hazardous.
STREAM_COLORS: dict[Stream, str] = {
    Stream.general: "#1565c0",
    Stream.organic: "#2e7d32",
    Stream.recyclable: "#f9c80e",
    Stream.hazardous: "#c62828",
}
#: Font Awesome 6 solid glyph per condition.
CONDITION_GLYPHS: dict[Condition, str] = {
    Condition.usable: "check",
    Condition.damaged: "wrench",
    Condition.missing: "question",
    Condition.overflowing: "trash-arrow-up",
}
#: Conditions that still serve households (as in ``fieldsvc.analysis``): their radius is drawn.
SERVING: tuple[Condition, ...] = (Condition.usable, Condition.overflowing)
#: Above this many bins the service-radius circles are drawn on a canvas, not as SVG paths.
CANVAS_ABOVE = 3000
#: Bins closer than this on screen (pixels) are drawn as one cluster.
CLUSTER_RADIUS_PX = 50
#: Bins are clustered up to this zoom; from the next one in, every bin is drawn.
MAX_CLUSTER_ZOOM = 17

POPUP_TEXT = {
    "stream": "ประเภท",
    "condition": "สภาพ",
    "capacity": "ความจุ",
    "litres": "ลิตร",
    "inspected": "ตรวจล่าสุด",
    "photo": "รูปถัง",
    "photo_full": "เปิดรูปขนาดเต็ม (open the full photo)",
    "photo_unreadable": "รูปเปิดไม่ได้",
    "problemBins": "ถังที่ชำรุด สูญหาย หรือขยะล้น (bins not usable)",
}


#: ``photo_url`` of a bin whose latest photo could not be opened: the popup says so in words
#: (the same marker is in ``fieldsvc-map.js``).
UNREADABLE_PHOTO = "unreadable"


def safe_json(value: Any) -> str:
    """JSON that can sit inside an inline ``<script>`` (no ``</script>`` or ``<!--``)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def bin_style_config() -> dict[str, Any]:
    """What the browser needs to draw bins: stream/condition keys, Thai labels, colours."""
    conditions = list(Condition)
    return {
        "streams": [
            {"key": s.value, "th": STREAM_TH[s], "color": STREAM_COLORS[s]} for s in Stream
        ],
        "conditions": [
            {"key": c.value, "th": CONDITION_TH[c], "glyph": CONDITION_GLYPHS[c]}
            for c in conditions
        ],
        "usableIndex": conditions.index(Condition.usable),
        "servingIndexes": [conditions.index(c) for c in SERVING],
        "canvasAbove": CANVAS_ABOVE,
        "text": POPUP_TEXT,
    }


@cache
def _static_text(name: str) -> str:
    return (STATIC_DIR / name).read_text("utf-8")


class MapHelpers(MacroElement):
    """Adds ``fieldsvc-map.css`` and ``fieldsvc-map.js`` inline to the page header, once."""

    _template = Template("")

    def render(self, **kwargs: Any) -> Any:
        figure = self.get_root()
        assert isinstance(figure, Figure), "MapHelpers must be inside a Figure"
        code = (
            f"<style>\n{_static_text('fieldsvc-map.css')}</style>\n"
            f"<script>\n{_static_text('fieldsvc-map.js')}</script>"
        )
        figure.header.add_child(Element(code), name="fieldsvc_map_helpers")
        return super().render(**kwargs)


class BinClusterLayer(JSCSSMixin, Layer):
    """All bins as one compact table, clustered client-side with supercluster.

    ``rows`` are ``[lat, lon, code, stream_index, condition_index, inspected_iso, capacity_l,
    photo_url, thumbnail_url]`` with indexes into :func:`bin_style_config`'s lists. The
    browser indexes them once and, after each move or zoom, draws only the clusters and bins
    in view (a few hundred Leaflet markers whatever the size of the register); clicking a
    cluster zooms to where it splits. Leaflet.markercluster took 3–7 s to open 100,000 bins;
    this takes well under 1 s (``bench/map_bench.py``).
    """

    default_js = [("supercluster", SUPERCLUSTER_JS)]
    default_css: list[tuple[str, str]] = []

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }}_data = {{ this.data_json }};
            var {{ this.get_name() }} = fieldsvcMaps.binLayer({{ this.get_name() }}_data,
                {{ this.config_json }}, {{ this.options_json }});
        {% endmacro %}
        """
    )

    def __init__(self, rows: list[list[Any]], *, name: str, show: bool = True) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "BinClusterLayer"
        self.bin_count = len(rows)
        self.data_json = safe_json({"rows": rows})
        self.config_json = safe_json(bin_style_config())
        self.options_json = safe_json(
            {"radius": CLUSTER_RADIUS_PX, "maxClusterZoom": MAX_CLUSTER_ZOOM, "padding": 0.25}
        )


class ServiceRadiusLayer(Layer):
    """Circles of ``radius_m`` around the serving bins of a :class:`BinClusterLayer`.

    Built in the browser the first time the layer is switched on (off by default), from the
    bins layer's data table: nothing is duplicated in the page.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.featureGroup();
            fieldsvcMaps.serviceRadius({{ this.get_name() }},
                {{ this.bins_layer.get_name() }}_data, {{ this.config_json }},
                {{ this.radius_m }});
        {% endmacro %}
        """
    )

    def __init__(
        self, bins_layer: BinClusterLayer, *, radius_m: float, name: str, show: bool = False
    ) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "ServiceRadiusLayer"
        self.bins_layer = bins_layer
        self.radius_m = float(radius_m)
        self.config_json = bins_layer.config_json


class LegendControl(MacroElement):
    """A Leaflet control showing ``html`` (already escaped by the caller)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            fieldsvcMaps.legend({{ this._parent.get_name() }}, {{ this.html_json }},
                {{ this.position_json }});
        {% endmacro %}
        """
    )

    def __init__(self, html: str, *, position: str = "bottomright") -> None:
        super().__init__()
        self._name = "LegendControl"
        self.html_json = safe_json(html)
        self.position_json = safe_json(position)


class InitialView(MacroElement):
    """Fit the map to ``bounds`` at once, before any layer is added.

    folium's ``fit_bounds`` runs after the layers and animates the zoom: the bins layer would
    draw the markers of the starting view first, then of every step of the animation.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.fitBounds({{ this.bounds_json }},
                {padding: [10, 10], animate: false});
        {% endmacro %}
        """
    )

    def __init__(self, bounds: list[list[float]]) -> None:
        super().__init__()
        self._name = "InitialView"
        self.bounds_json = safe_json(bounds)
