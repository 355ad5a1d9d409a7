"""The public map's layer of residents' reports that staff accepted: a point per report,
coloured by where the office is with it, with a popup of what, where it stands, when and the
office's reply. The frame it draws holds public fields only (``services.public_reports``).
"""

from __future__ import annotations

from typing import Any, Final

import folium
import geopandas as gpd

from fieldsvc.maps.popup_values import popup_date, popup_text

PUBLIC_REPORTS_LAYER_NAME: Final = "เรื่องที่ประชาชนแจ้ง (residents' reports)"
#: Status → fill colour, apart from the bins' stream colours (blue, green, yellow, red):
#: waiting (deep orange), being dealt with (purple), done (grey: it recedes); a thick dark
#: ring sets them apart from the bins' markers too.
STATUS_COLORS: Final = {"received": "#ef6c00", "in_progress": "#7b1fa2", "done": "#9e9e9e"}
STATUS_LEGEND: Final = {
    "received": ("รับเรื่องแล้ว", "received"),
    "in_progress": ("กำลังดำเนินการ", "in progress"),
    "done": ("เสร็จแล้ว", "done"),
}
RING_COLOR: Final = "#212121"
_FIELDS: Final = {
    "kind_th": "เรื่อง (report)",
    "status_th": "สถานะ (status)",
    "reported": "วันที่แจ้ง (reported)",
    "reply": "คำตอบจาก อบต. (office reply)",
    "ticket": "เลขที่เรื่อง (ticket)",
}


def _style(feature: dict[str, Any]) -> dict[str, Any]:
    status = feature["properties"].get("status")
    return {"fillColor": STATUS_COLORS.get(status, "#9e9e9e"), "color": RING_COLOR}


def public_reports_layer(reports: gpd.GeoDataFrame) -> folium.GeoJson | None:
    """Report points (``ticket, status, kind_th, status_th, reported_at, public_reply`` and
    points, as ``fieldsvc.services.public_reports.public_reports_map_frame`` gives) as one
    layer; ``None`` when there is none to draw."""
    drawn = reports[reports.geometry.notna() & ~reports.geometry.is_empty]
    if drawn.empty:
        return None
    # folium writes popup values into innerHTML: every stored text is escaped here
    columns = {
        "status": [str(s) for s in drawn["status"]],
        "kind_th": [popup_text(k) for k in drawn["kind_th"]],
        "status_th": [popup_text(s) for s in drawn["status_th"]],
        "reported": [popup_date(d) for d in drawn["reported_at"]],
        "reply": [popup_text(r) for r in drawn["public_reply"]],
        "ticket": [popup_text(t) for t in drawn["ticket"]],
    }
    slim = gpd.GeoDataFrame(columns, geometry=drawn.geometry.values, crs=drawn.crs)
    return folium.GeoJson(
        slim.to_crs(4326),
        name=PUBLIC_REPORTS_LAYER_NAME,
        marker=folium.CircleMarker(radius=8, weight=3, fill=True, fill_opacity=0.95),
        style_function=_style,
        popup=folium.GeoJsonPopup(fields=list(_FIELDS), aliases=list(_FIELDS.values())),
    )


def public_reports_legend_row() -> str:
    """The legend's rows for the layer: one swatch per status."""
    parts = ['<h4>เรื่องที่ประชาชนแจ้ง <span class="fs-en">(residents\' reports)</span></h4>']
    for status, (th, en) in STATUS_LEGEND.items():
        parts.append(
            f'<div class="fs-legend-row fs-legend-report-{status}"><span class="fs-legend-swatch" '
            f'style="background:{STATUS_COLORS[status]};border:3px solid {RING_COLOR};'
            f'border-radius:50%;width:12px"></span><span>{th} <span class="fs-en">({en})'
            "</span></span></div>"
        )
    return "".join(parts)
