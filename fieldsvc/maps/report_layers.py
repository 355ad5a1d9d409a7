"""Residents' open reports on the staff map: a count layer per village and the reports.

Villages are shaded by their open reports (white → red), and a village with at least
``many`` open reports gets a thick red outline and a red count badge at its centre, so it
stands out over the coverage colours. Each open report is a small dot coloured by kind that
links to its triage page. Nothing here is for the public map: reports awaiting moderation and
the staff page links are the office's own.
"""

from __future__ import annotations

import html

import folium
import geopandas as gpd
import pandas as pd
from branca.colormap import LinearColormap
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

__all__ = ["KIND_COLORS", "REPORT_LAYER_NAMES", "report_layers"]

REPORT_LAYER_NAMES = {
    "counts": "เรื่องที่ประชาชนแจ้ง (ยังไม่เสร็จ) รายหมู่บ้าน (open reports per village)",
    "reports": "เรื่องที่ประชาชนแจ้ง (ยังไม่เสร็จ) (open residents' reports)",
}
#: The report kinds' dots: distinct from the four bin-stream colours drawn beside them.
KIND_COLORS = {
    "bin_full": "#d84315",
    "bin_broken": "#6a1b9a",
    "bin_missing": "#212121",
    "bin_request": "#00838f",
    "dumping": "#795548",
}
KIND_TH = {
    "bin_full": "ถังเต็ม / ขยะล้น",
    "bin_broken": "ถังชำรุด",
    "bin_missing": "ถังหาย",
    "bin_request": "ขอให้ตั้งถัง",
    "dumping": "ทิ้งขยะไม่เป็นที่",
}
MANY_COLOR = "#b71c1c"
COUNT_COLORMAP = LinearColormap(["#ffffff", "#ffcdd2", "#e57373", "#b71c1c"], vmin=0.0, vmax=1.0)


def _badge_point(area: BaseGeometry) -> Point:
    """Near the top of the village, so the badge does not cover the bins and reports that
    gather round its centre; inside the area (its representative point when the top is not)."""
    west, south, east, north = area.bounds
    point = Point((west + east) / 2, north - 0.12 * (north - south))
    return point if area.contains(point) else area.representative_point()


def _count_layer(villages: gpd.GeoDataFrame, many: int) -> folium.FeatureGroup | None:
    drawn = villages[villages.geometry.notna() & ~villages.geometry.is_empty]
    if drawn.empty:
        return None
    drawn = drawn.to_crs(4326)
    counts = pd.to_numeric(drawn["open_reports"], errors="coerce").fillna(0).astype(int)
    top = max(int(counts.max()), many, 1)
    group = folium.FeatureGroup(name=REPORT_LAYER_NAMES["counts"], show=True)
    labels = [
        html.escape(f"หมู่ที่ {int(n)} {name}".strip())
        for n, name in zip(drawn["number"], drawn["name"].fillna(""), strict=True)
    ]
    slim = gpd.GeoDataFrame(
        {
            "village": labels,
            "open_reports": [f"{c} เรื่อง ({c} open)" for c in counts],
            "fill": [COUNT_COLORMAP(c / top)[:7] for c in counts],
            "many": [bool(c >= many) for c in counts],
            "count": counts.tolist(),
        },
        geometry=drawn.geometry.values,
        crs=4326,
    )
    folium.GeoJson(
        slim,
        style_function=lambda f: {
            "fillColor": f["properties"]["fill"],
            "fillOpacity": 0.45 if f["properties"]["count"] else 0.0,
            "color": MANY_COLOR if f["properties"]["many"] else "#9e9e9e",
            "weight": 4 if f["properties"]["many"] else 1,
        },
        tooltip=folium.GeoJsonTooltip(
            fields=["village", "open_reports"],
            aliases=["หมู่บ้าน (village)", "เรื่องค้าง (open reports)"],
        ),
    ).add_to(group)
    # A badge with the number at each village's centre (a point inside its area).
    for label, count, many_here, point in zip(
        labels, counts, slim["many"], [_badge_point(g) for g in drawn.geometry], strict=True
    ):
        if count == 0:
            continue
        colour = MANY_COLOR if many_here else "#ef6c00"
        badge = (
            f'<div class="report-count" style="background:{colour};color:#fff;'
            "border-radius:12px;min-width:24px;height:24px;line-height:24px;text-align:center;"
            f'font-weight:bold;border:2px solid #fff">{int(count)}</div>'
        )
        folium.Marker(
            [point.y, point.x],
            icon=folium.DivIcon(html=badge, icon_size=(28, 28), icon_anchor=(14, 14)),
            tooltip=f"{label}: {int(count)} เรื่องค้าง (open reports)",
        ).add_to(group)
    return group


def _report_layer(reports: gpd.GeoDataFrame) -> folium.GeoJson | None:
    if reports.empty:
        return None
    points = reports.to_crs(4326)
    kinds = [str(k) for k in points["kind"]]
    # folium's popups and tooltips write values into innerHTML: text is escaped here
    tickets = [html.escape(str(t)) for t in points["ticket"]]
    slim = gpd.GeoDataFrame(
        {
            "report": [f'<a href="/staff/reports/{t}" target="_top">{t}</a>' for t in tickets],
            "ticket": tickets,
            "kind": [html.escape(KIND_TH.get(k, k)) for k in kinds],
            "received": [html.escape(str(r)) for r in points["received"]],
            "fill": [KIND_COLORS.get(k, "#424242") for k in kinds],
        },
        geometry=points.geometry.values,
        crs=4326,
    )
    return folium.GeoJson(
        slim,
        name=REPORT_LAYER_NAMES["reports"],
        marker=folium.CircleMarker(radius=7),
        style_function=lambda f: {
            "color": "#ffffff",
            "weight": 2,
            "fillColor": f["properties"]["fill"],
            "fillOpacity": 0.95,
        },
        tooltip=folium.GeoJsonTooltip(
            fields=["ticket", "kind"], aliases=["เลขที่เรื่อง (report)", "เรื่อง (what)"]
        ),
        popup=folium.GeoJsonPopup(
            fields=["report", "kind", "received"],
            aliases=["เลขที่เรื่อง (report)", "เรื่อง (what)", "แจ้งเมื่อ (received)"],
        ),
    )


def _legend(many: int) -> str:
    items = "".join(
        f'<div><span style="display:inline-block;width:12px;height:12px;border-radius:6px;'
        f'background:{colour};margin-right:4px"></span>{html.escape(KIND_TH[kind])}</div>'
        for kind, colour in KIND_COLORS.items()
    )
    return (
        '<div class="report-legend"><strong>เรื่องที่ประชาชนแจ้ง (ยังไม่เสร็จ)</strong>'
        f"{items}<div>"
        f'<span style="display:inline-block;width:14px;height:10px;border:3px solid {MANY_COLOR};'
        f'margin-right:4px"></span>หมู่บ้านที่มีเรื่องค้าง ≥ {int(many)} เรื่อง</div></div>'
    )


def report_layers(
    *, villages: gpd.GeoDataFrame, reports: gpd.GeoDataFrame, many: int
) -> tuple[list[folium.map.Layer], str | None]:
    """The open-report count layer, the report dots and their legend, for
    :func:`fieldsvc.maps.coverage_map.build_coverage_map` (``extra_layers``,
    ``extra_legend_html``).

    Parameters
    ----------
    villages
        Village polygons with ``number``, ``name`` and ``open_reports`` (a count; rows without
        a polygon are skipped).
    reports
        Open reports as points with ``ticket``, ``kind`` and ``received`` (text); never a
        resident's contact.
    many
        From this many open reports a village is outlined and badged in red.

    Returns
    -------
    The layers (none when there is nothing to draw) and the legend's HTML (None then).
    """
    found: list[folium.map.Layer | None] = [_count_layer(villages, many), _report_layer(reports)]
    layers = [layer for layer in found if layer is not None]
    return layers, (_legend(many) if layers else None)
