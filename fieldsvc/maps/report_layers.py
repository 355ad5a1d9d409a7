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

from fieldsvc.maps.elements import LegendControl

__all__ = ["KIND_COLORS", "REPORT_LAYER_NAMES", "add_report_layers"]

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
        labels, counts, slim["many"], drawn.geometry.representative_point(), strict=True
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


def _report_layer(reports: gpd.GeoDataFrame) -> folium.FeatureGroup | None:
    if reports.empty:
        return None
    group = folium.FeatureGroup(name=REPORT_LAYER_NAMES["reports"], show=True)
    for row in reports.to_crs(4326).itertuples():
        kind = str(row.kind)
        ticket = html.escape(str(row.ticket))
        popup = (
            f'<a href="/staff/reports/{ticket}" target="_top">{ticket}</a><br>'
            f"{html.escape(KIND_TH.get(kind, kind))}<br>{html.escape(str(row.received))}"
        )
        folium.CircleMarker(
            [row.geometry.y, row.geometry.x],
            radius=7,
            color="#ffffff",
            weight=2,
            fill=True,
            fill_color=KIND_COLORS.get(kind, "#424242"),
            fill_opacity=0.95,
            tooltip=f"{ticket} · {html.escape(KIND_TH.get(kind, kind))}",
            popup=folium.Popup(popup, max_width=240),
        ).add_to(group)
    return group


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


def add_report_layers(
    m: folium.Map, *, villages: gpd.GeoDataFrame, reports: gpd.GeoDataFrame, many: int
) -> folium.Map:
    """Add the open-report count layer and the report dots to the staff map ``m``.

    Parameters
    ----------
    m
        A map from :func:`fieldsvc.maps.coverage_map.build_coverage_map` (its layer control
        lists these layers too).
    villages
        Village polygons with ``number``, ``name`` and ``open_reports`` (a count; rows without
        a polygon are skipped).
    reports
        Open reports as points with ``ticket``, ``kind`` and ``received`` (text); never a
        resident's contact.
    many
        From this many open reports a village is outlined and badged in red.
    """
    counts = _count_layer(villages, many)
    if counts is not None:
        counts.add_to(m)
    dots = _report_layer(reports)
    if dots is not None:
        dots.add_to(m)
    if counts is not None or dots is not None:
        LegendControl(_legend(many), position="bottomleft").add_to(m)
    return m
