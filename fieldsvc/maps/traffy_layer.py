"""The staff map's layer of Traffy Fondue tickets: read-only points with a popup of type,
comment, state, date and the photo address as link text (the photo is never loaded).

Comments are the reporters' own words and can name people: the layer is for staff maps only.
"""

from __future__ import annotations

import html
from typing import Any, Final

import folium
import geopandas as gpd

from fieldsvc.maps.popup_values import popup_date, popup_text

TRAFFY_LAYER_NAME: Final = "เรื่องจาก Traffy Fondue อ่านอย่างเดียว (Traffy Fondue tickets, read-only)"
#: Teal rings: apart from the four stream colours and the coverage ramp.
TRAFFY_COLOR: Final = "#00838f"
_FIELDS: Final = {
    "types": "ประเภท (type)",
    "comment": "รายละเอียด (comment)",
    "state": "สถานะ (state)",
    "reported": "วันที่แจ้ง (reported)",
    "photo": "ภาพ (photo link, not loaded)",
    "ticket_id": "เลขเรื่อง Traffy (ticket)",
}


def _photo_link(url: Any) -> str:
    """The address as escaped text; an http(s) one also as a link opened only when clicked
    (any other scheme, e.g. ``javascript:``, stays plain text)."""
    if not isinstance(url, str) or not url.strip():
        return "–"
    shown = html.escape(url.strip())
    if not url.strip().casefold().startswith(("https://", "http://")):
        return shown
    return (
        f'<a href="{shown}" target="_blank" rel="noopener noreferrer" '
        f'style="word-break:break-all">{shown}</a>'
    )


def traffy_layer(tickets: gpd.GeoDataFrame) -> folium.GeoJson | None:
    """Ticket points (``ticket_id, types, comment, state, reported_at, photo_url`` and WGS 84
    points, as ``fieldsvc.storage.traffy.traffy_frame`` gives) as one read-only layer."""
    drawn = tickets[tickets.geometry.notna() & ~tickets.geometry.is_empty]
    if drawn.empty:
        return None
    # folium writes popup values into innerHTML: every stored text is escaped here
    columns = {
        "types": [popup_text(t) for t in drawn["types"]],
        "comment": [popup_text(c) for c in drawn["comment"]],
        "state": [popup_text(s) for s in drawn["state"]],
        "reported": [popup_date(d) for d in drawn["reported_at"]],
        "photo": [_photo_link(u) for u in drawn["photo_url"]],
        "ticket_id": [popup_text(t) for t in drawn["ticket_id"]],
    }
    slim = gpd.GeoDataFrame(columns, geometry=drawn.geometry.values, crs=drawn.crs)
    return folium.GeoJson(
        slim.to_crs(4326),
        name=TRAFFY_LAYER_NAME,
        marker=folium.CircleMarker(
            radius=7,
            color=TRAFFY_COLOR,
            weight=3,
            fill=True,
            fill_color="#ffffff",
            fill_opacity=0.9,
        ),
        popup=folium.GeoJsonPopup(fields=list(_FIELDS), aliases=list(_FIELDS.values())),
    )


def traffy_legend_row() -> str:
    """The legend's row for the layer."""
    return (
        '<div class="fs-legend-row"><span class="fs-legend-swatch" style="background:#fff;'
        f'border:3px solid {TRAFFY_COLOR};border-radius:50%;width:12px"></span><span>'
        'เรื่องจาก Traffy Fondue (อ่านอย่างเดียว) <span class="fs-en">(Traffy Fondue ticket, '
        "read-only)</span></span></div>"
    )
