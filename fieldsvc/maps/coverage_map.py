"""The coverage map: villages coloured by the share of households within reach of a bin, the
bins themselves (colour = stream, glyph and shape = condition), uncovered household clusters,
recommended new sites and the service radius, with a Thai legend. Opens with no internet.

Examples
--------
>>> import geopandas as gpd
>>> from fieldsvc.maps.coverage_map import build_coverage_map, write_map_html
>>> villages = gpd.read_file("geodata/sample_villages.geojson")
>>> bins = gpd.read_file("geodata/sample_bins.geojson")
>>> m = build_coverage_map(villages=villages, bins=bins, radius_m=200)
>>> write_map_html(m, "coverage.html")  # doctest: +SKIP
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.colormap import LinearColormap
from branca.element import Element

from fieldsvc.analysis.defaults import SERVICE_RADIUS_M
from fieldsvc.errors import FieldsvcError
from fieldsvc.maps.assets import localize_assets
from fieldsvc.maps.elements import (
    CONDITION_GLYPHS,
    BinClusterLayer,
    InitialView,
    LegendControl,
    MapHelpers,
    ServiceRadiusLayer,
)
from fieldsvc.maps.output import ASSET_BASE_ATTR, render_map_html, write_map_html
from fieldsvc.maps.public_reports_layer import public_reports_layer, public_reports_legend_row
from fieldsvc.maps.traffy_layer import traffy_layer, traffy_legend_row
from fieldsvc.models.enums import (
    CONDITION_TH,
    HOUSEHOLD_BASIS_EN,
    HOUSEHOLD_BASIS_TH,
    STREAM_TH,
    Condition,
    Stream,
)
from fieldsvc.models.place import APPROXIMATE_AREA_EN, APPROXIMATE_AREA_TH, BOUNDARY_APPROXIMATE

__all__ = [
    "COVERAGE_COLORMAP",
    "LAYER_NAMES",
    "approximate_mask",
    "MapInputError",
    "bin_rows",
    "build_coverage_map",
    "render_map_html",
    "villages_with_coverage",
    "write_map_html",
]

#: 0 % reach → deep magenta, 100 % → pale (ColorBrewer RdPu reversed): "more colour = worse",
#: and no overlap with the four stream colours of the bins drawn on top.
COVERAGE_COLORMAP = LinearColormap(
    ["#7a0177", "#c51b8a", "#f768a1", "#fbb4b9", "#feebe2"], vmin=0.0, vmax=1.0
)
NO_DATA_COLOR = "#bdbdbd"
UNCOVERED_COLOR = "#e65100"
ROAD_COLOR = "#9e9e9e"
LEGEND_TITLE = "สัดส่วนครัวเรือนที่เข้าถึงถังขยะ"
#: An approximate village area (the subdistrict divided among village centres) is outlined
#: dashed, a real boundary solid.
APPROXIMATE_DASH = "6 5"
APPROXIMATE_LABEL = f"{APPROXIMATE_AREA_TH} ({APPROXIMATE_AREA_EN})"

LAYER_NAMES = {
    "villages": "หมู่บ้าน: สัดส่วนที่เข้าถึงถัง (villages: coverage)",
    "roads": "ถนน (roads)",
    "uncovered": "กลุ่มครัวเรือนที่ยังไม่เข้าถึงถัง (uncovered households)",
    "recommended": "จุดแนะนำตั้งถังใหม่ (recommended new sites)",
    "bins": "ถังขยะ (bins)",
    "radius": "รัศมีบริการ {radius} ม. (service radius {radius} m)",
    "base": "แผนที่ฐาน (base map)",
}
_INSPECTED_COLUMNS = ("last_inspected_at", "last_inspected", "observed_at")
_RECOMMENDED_FIELDS = {
    "rank": "ลำดับ (rank)",
    "stream_th": "ประเภท (stream)",
    "village_name": "หมู่บ้าน (village)",
    "households_added": "ครัวเรือนที่จะเข้าถึงเพิ่ม (households added)",
    "capacity_l": "ความจุ ลิตร (capacity, L)",
}


class MapInputError(FieldsvcError, ValueError):
    """A frame given to the map builder lacks a column or holds an unknown value."""

    code = "map_input_invalid"


def _stream_th(value: Any) -> str:
    try:
        return STREAM_TH[Stream(str(value))]
    except ValueError:
        return str(value)


def villages_with_coverage(
    villages: gpd.GeoDataFrame, by_village: Any, *, stream: str = "general"
) -> gpd.GeoDataFrame:
    """Village polygons with one stream's coverage columns joined on ``village_id``.

    ``by_village`` is a :class:`fieldsvc.analysis.coverage.CoverageResult` or its
    ``by_village`` frame. Adds ``covered_share, households_covered, households_located,
    bins_serving, household_basis`` (NaN where the analysis has no row for a village).
    """
    table = getattr(by_village, "by_village", by_village)
    wanted = [
        "covered_share",
        "households_covered",
        "households_located",
        "bins_serving",
        "household_basis",
    ]
    columns = ["village_id", *[c for c in wanted if c in table.columns]]
    rows = table.loc[table["stream"] == stream, columns]
    base = villages.drop(columns=[c for c in columns[1:] if c in villages.columns])
    merged = base.merge(rows, on="village_id", how="left")
    return gpd.GeoDataFrame(merged, geometry=villages.geometry.name, crs=villages.crs)


def _to_wgs84(frame: gpd.GeoDataFrame, name: str) -> gpd.GeoDataFrame:
    if frame.crs is None:
        raise MapInputError(f"{name} has no CRS; set it (EPSG:4326 for GPS lon/lat)")
    return frame if frame.crs.to_epsg() == 4326 else frame.to_crs(4326)


def _codes(values: pd.Series, vocabulary: Sequence[str], column: str) -> np.ndarray:
    index = {name: i for i, name in enumerate(vocabulary)}
    codes = values.astype("string").str.strip().str.lower().map(index)
    bad = values[codes.isna()]
    if len(bad):
        raise MapInputError(
            f"bins.{column} has {sorted(map(str, bad.unique()))[:5]}; expected one of "
            f"{list(vocabulary)}"
        )
    return codes.to_numpy(dtype=np.int64)


def bin_rows(bins: gpd.GeoDataFrame) -> list[list[Any]]:
    """The compact table :class:`~fieldsvc.maps.elements.BinClusterLayer` embeds.

    Needs ``code, stream, condition`` and point geometry; uses ``capacity_l``, the last
    inspection (``last_inspected_at`` / ``last_inspected`` / ``observed_at``), ``photo_url``
    and ``thumbnail_url`` (shown in the popup, linking to the photo) when present; a
    ``photo_url`` of :data:`~fieldsvc.maps.elements.UNREADABLE_PHOTO` says "รูปเปิดไม่ได้" in
    the popup instead of an image. Bins without a location are left out (they have nowhere to
    be drawn).
    """
    missing = [c for c in ("code", "stream", "condition") if c not in bins.columns]
    if missing:
        raise MapInputError(f"bins lacks column(s) {missing}")
    bins = _to_wgs84(bins, "bins")
    located = bins.geometry.notna() & ~bins.geometry.is_empty
    bins = bins[located]
    streams = _codes(bins["stream"], [s.value for s in Stream], "stream")
    conditions = _codes(bins["condition"], [c.value for c in Condition], "condition")
    inspected: list[Any] = [None] * len(bins)
    for column in _INSPECTED_COLUMNS:
        if column in bins.columns:
            dates = pd.to_datetime(bins[column], errors="coerce", utc=False, format="mixed")
            inspected = [None if pd.isna(d) else d for d in dates.dt.strftime("%Y-%m-%d")]
            break
    capacity: list[Any] = [None] * len(bins)
    if "capacity_l" in bins.columns:
        cap = pd.to_numeric(bins["capacity_l"], errors="coerce")
        capacity = [None if pd.isna(v) else int(v) for v in cap]
    photos = _optional_text(bins, "photo_url")
    thumbnails = _optional_text(bins, "thumbnail_url")
    lat = np.round(bins.geometry.y.to_numpy(), 6).tolist()
    lon = np.round(bins.geometry.x.to_numpy(), 6).tolist()
    codes = bins["code"].astype(str).tolist()
    rows: list[list[Any]] = []
    for i in range(len(bins)):
        row = [
            lat[i],
            lon[i],
            codes[i],
            int(streams[i]),
            int(conditions[i]),
            inspected[i],
            capacity[i],
        ]
        if photos[i]:
            row.append(photos[i])
            if thumbnails[i]:
                row.append(thumbnails[i])
        rows.append(row)
    return rows


def _optional_text(frame: pd.DataFrame, column: str) -> list[str | None]:
    if column not in frame.columns:
        return [None] * len(frame)
    return [None if pd.isna(v) or not str(v) else str(v) for v in frame[column]]


def _first_column(frame: pd.DataFrame, names: Sequence[str]) -> pd.Series | None:
    for name in names:
        if name in frame.columns:
            return frame[name]
    return None


def approximate_mask(villages: pd.DataFrame) -> pd.Series:
    """True for villages whose boundary is an approximate area (``boundary_source``)."""
    if "boundary_source" not in villages.columns:
        return pd.Series(False, index=villages.index)
    return villages["boundary_source"].astype("string").eq(BOUNDARY_APPROXIMATE).fillna(False)


def _village_layer(villages: gpd.GeoDataFrame, share_column: str) -> folium.GeoJson | None:
    villages = _to_wgs84(villages, "villages")
    drawn = villages[villages.geometry.notna() & ~villages.geometry.is_empty]
    if drawn.empty:
        return None
    number = _first_column(drawn, ("number", "moo", "village_number"))
    name = _first_column(drawn, ("name", "name_th"))
    labels = []
    for i in range(len(drawn)):
        parts = []
        if number is not None and pd.notna(number.iloc[i]):
            parts.append(f"หมู่ที่ {int(number.iloc[i])}")
        if name is not None and pd.notna(name.iloc[i]):
            parts.append(str(name.iloc[i]))
        labels.append(" ".join(parts) or "–")
    share = (
        pd.to_numeric(drawn[share_column], errors="coerce")
        if share_column in drawn.columns
        else pd.Series(np.nan, index=drawn.index)
    )
    covered = _first_column(drawn, ("households_covered",))
    located = _first_column(drawn, ("households_located",))
    basis = _first_column(drawn, ("household_basis",))
    bases = [_basis_text(basis.iloc[i]) if basis is not None else "–" for i in range(len(drawn))]
    texts, fills = [], []
    for i, value in enumerate(share):
        if pd.isna(value):
            texts.append("ไม่มีข้อมูล (no data)")
            fills.append(NO_DATA_COLOR)
            continue
        text = f"{value:.0%}"
        if covered is not None and located is not None and pd.notna(located.iloc[i]):
            text += f" ({int(covered.iloc[i]):,}/{int(located.iloc[i]):,} ครัวเรือน)"
        texts.append(text)
        fills.append(COVERAGE_COLORMAP(float(np.clip(value, 0.0, 1.0)))[:7])
    approximate = approximate_mask(drawn).tolist()
    columns: dict[str, list[Any]] = {
        # folium's tooltips write these into innerHTML: stored text is escaped here
        "village": [html.escape(t) for t in labels],
        "coverage": texts,
        "fill": fills,
        "basis": bases,
        "approximate": approximate,
    }
    fields = ["village", "coverage", "basis"]
    aliases = [
        "หมู่บ้าน (village)",
        "เข้าถึงถังขยะ (coverage)",
        "ที่มาของครัวเรือน (household basis)",
    ]
    if any(approximate):
        columns["area"] = [
            APPROXIMATE_LABEL if a else "ขอบเขตหมู่บ้าน (village boundary)" for a in approximate
        ]
        fields.append("area")
        aliases.append("พื้นที่ (area)")
    slim = gpd.GeoDataFrame(columns, geometry=drawn.geometry.values, crs=4326)
    return folium.GeoJson(
        slim,
        name=LAYER_NAMES["villages"],
        style_function=lambda f: {
            "fillColor": f["properties"]["fill"],
            "fillOpacity": 0.55,
            "color": "#4a4a4a",
            "weight": 1.5,
            # outlined once, dashed, by the layer of approximate edges (two dashed outlines
            # drawn over a shared edge in opposite directions would look solid)
            "stroke": not f["properties"]["approximate"],
        },
        highlight_function=lambda _f: {"stroke": True, "weight": 3, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(fields=fields, aliases=aliases),
    )


def _approximate_edges_layer(villages: gpd.GeoDataFrame) -> folium.GeoJson | None:
    """The outlines of approximate village areas, each shared edge drawn once, dashed."""
    villages = _to_wgs84(villages, "villages")
    drawn = villages[villages.geometry.notna() & ~villages.geometry.is_empty]
    approximate = drawn[approximate_mask(drawn).to_numpy()]
    if approximate.empty:
        return None
    edges = shapely.line_merge(shapely.union_all(approximate.geometry.boundary.values))
    return folium.GeoJson(
        gpd.GeoDataFrame(geometry=[edges], crs=4326),
        name=APPROXIMATE_LABEL,
        style_function=lambda _f: {
            "color": "#4a4a4a",
            "weight": 2,
            "dashArray": APPROXIMATE_DASH,
            "fill": False,
        },
        interactive=False,
        control=False,
    )


def _basis_text(value: Any) -> str:
    """Thai (English) label of a ``household_basis`` value; "–" when unknown."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "–"
    key = str(value)
    if key not in HOUSEHOLD_BASIS_TH:
        return html.escape(key)
    return f"{HOUSEHOLD_BASIS_TH[key]} ({HOUSEHOLD_BASIS_EN[key]})"


def basis_by_village(villages: gpd.GeoDataFrame) -> list[tuple[str, list[str]]]:
    """``(basis, village labels)`` in a fixed order, for the legend: which villages'
    households are surveyed points, building proxies or register counts only."""
    if "household_basis" not in villages.columns:
        return []
    number = _first_column(villages, ("number", "moo", "village_number"))
    groups: dict[str, list[str]] = {key: [] for key in HOUSEHOLD_BASIS_TH}
    for i, value in enumerate(villages["household_basis"]):
        if isinstance(value, str) and value in groups:
            label = (
                str(int(number.iloc[i])) if number is not None and pd.notna(number.iloc[i]) else "?"
            )
            groups[value].append(label)
    return [(key, labels) for key, labels in groups.items() if labels]


def _uncovered_layer(uncovered: gpd.GeoDataFrame) -> folium.GeoJson | None:
    uncovered = _to_wgs84(uncovered, "uncovered")
    uncovered = uncovered[uncovered.geometry.notna() & ~uncovered.geometry.is_empty]
    if uncovered.empty:
        return None
    households = (
        pd.to_numeric(uncovered["households"], errors="coerce")
        if "households" in uncovered.columns
        else pd.Series(np.nan, index=uncovered.index)
    )
    texts = []
    for i in range(len(uncovered)):
        n = households.iloc[i]
        text = f"{int(n):,} ครัวเรือน ({int(n):,} households)" if pd.notna(n) else "–"
        if "stream" in uncovered.columns and pd.notna(uncovered["stream"].iloc[i]):
            text += f" · {html.escape(_stream_th(uncovered['stream'].iloc[i]))}"
        texts.append(text)
    slim = gpd.GeoDataFrame({"uncovered": texts}, geometry=uncovered.geometry.values, crs=4326)
    return folium.GeoJson(
        slim,
        name=LAYER_NAMES["uncovered"],
        style_function=lambda _f: {
            "color": UNCOVERED_COLOR,
            "weight": 2,
            "dashArray": "5 4",
            "fillColor": UNCOVERED_COLOR,
            "fillOpacity": 0.25,
        },
        tooltip=folium.GeoJsonTooltip(
            fields=["uncovered"], aliases=["ยังไม่เข้าถึงถัง (not within reach)"]
        ),
    )


def _popup_value(value: Any) -> Any:
    if pd.isna(value):
        return None
    if hasattr(value, "item"):
        value = value.item()
    return html.escape(value) if isinstance(value, str) else value


def _recommended_layer(sites: gpd.GeoDataFrame) -> folium.GeoJson | None:
    sites = _to_wgs84(sites, "recommended_sites")
    sites = sites[sites.geometry.notna() & ~sites.geometry.is_empty].copy()
    if sites.empty:
        return None
    if "stream" in sites.columns:
        sites["stream_th"] = [_stream_th(s) for s in sites["stream"]]
    fields = [c for c in _RECOMMENDED_FIELDS if c in sites.columns]
    slim = sites[[*fields, sites.geometry.name]].copy()
    for column in fields:  # plain JSON values; text escaped (folium's popup uses innerHTML)
        slim[column] = [_popup_value(v) for v in slim[column]]
    popup = (
        folium.GeoJsonPopup(fields=fields, aliases=[_RECOMMENDED_FIELDS[f] for f in fields])
        if fields
        else None
    )
    return folium.GeoJson(
        slim,
        name=LAYER_NAMES["recommended"],
        marker=folium.Marker(icon=folium.Icon(color="black", icon="plus", prefix="fa")),
        popup=popup,
    )


def _legend_html(
    radius_m: float,
    *,
    has_uncovered: bool,
    has_recommended: bool,
    has_approximate: bool = False,
    basis: Sequence[tuple[str, list[str]]] = (),
    has_traffy: bool = False,
    has_public_reports: bool = False,
) -> str:
    stops = ", ".join(
        f"{COVERAGE_COLORMAP(x)[:7]} {x * 100:.0f}%" for x in np.linspace(0.0, 1.0, 5)
    )
    e = html.escape
    parts = [
        '<button class="fs-legend-toggle" type="button" title="ย่อ/ขยาย (collapse)">☰</button>',
        f'<h4>{e(LEGEND_TITLE)} <span class="fs-en">(share of households within reach of '
        "a bin)</span></h4>",
        '<div class="fs-legend-body">',
        f'<div class="fs-legend-ramp" style="background: linear-gradient(to right, {stops})">'
        "</div>",
        '<div class="fs-legend-ticks"><span>0%</span><span>50%</span><span>100%</span></div>',
        f'<div class="fs-legend-row"><span class="fs-legend-swatch" '
        f'style="background:{NO_DATA_COLOR}"></span><span>ไม่มีข้อมูล '
        '<span class="fs-en">(no data)</span></span></div>',
        *(
            [
                '<div class="fs-legend-row fs-legend-approximate"><span class="fs-legend-swatch" '
                'style="background:transparent;border:2px dashed #4a4a4a"></span><span>'
                f'{e(APPROXIMATE_AREA_TH)} <span class="fs-en">({e(APPROXIMATE_AREA_EN)})'
                "</span></span></div>"
            ]
            if has_approximate
            else []
        ),
        '<h4>ถังขยะ: สีตามประเภท <span class="fs-en">(bin colour = stream)</span></h4>',
        '<div class="fs-legend-grid">',
    ]
    for stream in Stream:
        parts.append(
            f'<div class="fs-legend-row"><span class="fs-bin fs-bin-{stream.value} '
            f'fs-bin-usable"></span><span>{e(STREAM_TH[stream])}</span></div>'
        )
    parts += [
        "</div>",
        '<h4>สภาพถัง <span class="fs-en">(condition)</span></h4>',
        "<div>",
    ]
    for condition in Condition:
        parts.append(
            f'<div class="fs-legend-row"><span class="fs-bin fs-bin-general '
            f'fs-bin-{condition.value}"><i class="fa fa-{CONDITION_GLYPHS[condition]}">'
            f'</i></span><span>{e(CONDITION_TH[condition])} <span class="fs-en">'
            f"({condition.value})</span></span></div>"
        )
    parts.append("</div>")
    parts.append(
        '<div class="fs-legend-row"><span class="fs-cluster-bad" style="position:static">'
        '3</span><span>ถังในกลุ่มที่ใช้การไม่ได้ <span class="fs-en">(not usable)'
        "</span></span></div>"
    )
    if has_uncovered:
        parts.append(
            f'<div class="fs-legend-row"><span class="fs-legend-swatch" style="background:'
            f'{UNCOVERED_COLOR}40;border:2px dashed {UNCOVERED_COLOR}"></span>'
            '<span>ครัวเรือนที่ยังไม่เข้าถึงถัง <span class="fs-en">(uncovered)</span>'
            "</span></div>"
        )
    if has_recommended:
        parts.append(
            '<div class="fs-legend-row"><span class="fs-bin fs-legend-site"><i class="fa fa-plus">'
            '</i></span><span>จุดแนะนำตั้งถังใหม่ <span class="fs-en">(recommended site)</span>'
            "</span></div>"
        )
    if has_traffy:
        parts.append(traffy_legend_row())
    if has_public_reports:
        parts.append(public_reports_legend_row())
    if basis:
        parts.append('<h4>ที่มาของจำนวนครัวเรือน <span class="fs-en">(household basis)</span></h4>')
        for key, labels in basis:
            parts.append(
                f'<div class="fs-legend-row fs-basis-{e(key)}"><span>{e(HOUSEHOLD_BASIS_TH[key])}'
                f' <span class="fs-en">({e(HOUSEHOLD_BASIS_EN[key])})</span>: หมู่ที่ '
                f"{e(', '.join(labels))}</span></div>"
            )
    parts.append(f'<div class="fs-en">รัศมีบริการ (service radius): {radius_m:,.0f} ม. (m)</div>')
    parts.append("</div>")
    return "".join(parts)


def _bounds(frames: Sequence[gpd.GeoDataFrame | None]) -> list[list[float]] | None:
    boxes = []
    for frame in frames:
        if frame is None or frame.empty or frame.crs is None:
            continue
        box = _to_wgs84(frame, "frame").total_bounds
        if np.isfinite(box).all():
            boxes.append(box)
    if not boxes:
        return None
    b = np.array(boxes)
    return [
        [float(b[:, 1].min()), float(b[:, 0].min())],
        [float(b[:, 3].max()), float(b[:, 2].max())],
    ]


def build_coverage_map(
    *,
    villages: gpd.GeoDataFrame,
    bins: gpd.GeoDataFrame,
    uncovered: gpd.GeoDataFrame | None = None,
    recommended_sites: gpd.GeoDataFrame | None = None,
    radius_m: float = SERVICE_RADIUS_M,
    base_layer: str = "none",
    base_attribution: str | None = None,
    roads: gpd.GeoDataFrame | None = None,
    asset_base: str = "/vendor",
    share_column: str = "covered_share",
    title: str = "แผนที่การเข้าถึงถังขยะ (bin coverage map)",
    max_zoom: int = 19,
    traffy_tickets: gpd.GeoDataFrame | None = None,
    extra_layers: Sequence[folium.map.Layer] = (),
    extra_legend_html: str | None = None,
    public_reports: gpd.GeoDataFrame | None = None,
) -> folium.Map:
    """Build the coverage map.

    Parameters
    ----------
    villages
        Village polygons (rows with no geometry are skipped) with ``number``/``moo``,
        ``name``/``name_th`` and ``share_column`` (0–1; see :func:`villages_with_coverage`).
        Rows with ``boundary_source == "approximate"`` are outlined dashed (each shared edge
        once) and labelled
        "พื้นที่หมู่บ้านโดยประมาณ" in the tooltip and the legend.
    bins
        The register (``code, stream, condition`` + points; see :func:`bin_rows`). Any size:
        bins are embedded once and clustered in the browser.
    uncovered
        Polygons of uncovered households (``CoverageResult.uncovered_clusters``), or None.
    recommended_sites
        Points of proposed new bins, or None.
    radius_m
        Radius of the service-radius circles (metres, straight line; pass
        ``radius_m / detour_factor`` to show the reach the coverage analysis used).
    base_layer
        ``"none"`` (boundaries and ``roads`` are the base), a local tile URL template served by
        the app (``"/tiles/{z}/{x}/{y}.png"``) or an online one the office may use.
    base_attribution
        Attribution for ``base_layer`` tiles (the tile licence usually requires it).
    roads
        Road lines drawn under everything, or None.
    asset_base
        URL prefix where ``fieldsvc/resources/vendor`` is served (``/vendor`` in the app).
    traffy_tickets
        Traffy Fondue tickets (``fieldsvc.storage.traffy.traffy_frame``) for a staff map, or
        None; their comments can name people, so a public map never gets them.
    extra_layers
        More overlays (for example :func:`fieldsvc.maps.report_layers.report_layers`), added
        before the layer control so that it lists them.
    extra_legend_html
        A second legend (bottom left) for ``extra_layers``, already escaped.
    public_reports
        Residents' reports staff accepted, public fields only
        (``fieldsvc.services.public_reports.public_reports_map_frame``), or None.
    """
    if radius_m <= 0:
        raise MapInputError(f"radius_m must be > 0, got {radius_m}")
    bounds = _bounds([villages, bins, uncovered, recommended_sites])
    no_base = base_layer == "none"
    m = folium.Map(
        location=None
        if bounds is None
        else [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2],
        zoom_start=14,
        tiles=None,
        control_scale=True,
        # Without a tile layer the map has no maxZoom (cluster clicks zoom up to it).
        maxZoom=max_zoom,
    )
    figure = m.get_root()
    figure.title = title  # type: ignore[attr-defined]
    figure.header.add_child(  # type: ignore[attr-defined]
        Element('<meta name="viewport" content="width=device-width, initial-scale=1.0"/>'),
        name="viewport",
    )
    m.add_child(MapHelpers(), name="fieldsvc_helpers")
    if bounds is not None:
        m.add_child(InitialView(bounds), name="initial_view")
    if no_base:
        figure.header.add_child(  # type: ignore[attr-defined]
            Element("<style>.folium-map.leaflet-container{background:#f3f1ea}</style>"),
            name="no_base",
        )
    else:
        folium.TileLayer(
            tiles=base_layer,
            attr=base_attribution or "แผนที่ฐานของสำนักงาน (office base map)",
            name=LAYER_NAMES["base"],
            max_zoom=max_zoom,
            control=False,
        ).add_to(m)

    if roads is not None and not roads.empty:
        folium.GeoJson(
            _to_wgs84(roads, "roads")[["geometry"]],
            name=LAYER_NAMES["roads"],
            style_function=lambda _f: {"color": ROAD_COLOR, "weight": 1.5, "opacity": 0.9},
            interactive=False,
        ).add_to(m)
    village_layer = _village_layer(villages, share_column)
    if village_layer is not None:
        village_layer.add_to(m)
        edges = _approximate_edges_layer(villages)
        if edges is not None:
            edges.add_to(m)
    uncovered_layer = _uncovered_layer(uncovered) if uncovered is not None else None
    if uncovered_layer is not None:
        uncovered_layer.add_to(m)
    bins_layer = BinClusterLayer(bin_rows(bins), name=LAYER_NAMES["bins"])
    radius_name = LAYER_NAMES["radius"].format(radius=f"{radius_m:,.0f}")
    bins_layer.add_to(m)  # before the radius layer, which reads its data table
    ServiceRadiusLayer(bins_layer, radius_m=radius_m, name=radius_name).add_to(m)
    recommended_layer = (
        _recommended_layer(recommended_sites) if recommended_sites is not None else None
    )
    if recommended_layer is not None:
        recommended_layer.add_to(m)
    traffy = traffy_layer(traffy_tickets) if traffy_tickets is not None else None
    if traffy is not None:
        traffy.add_to(m)
    reports = public_reports_layer(public_reports) if public_reports is not None else None
    if reports is not None:
        reports.add_to(m)

    for layer in extra_layers:
        layer.add_to(m)

    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    LegendControl(
        _legend_html(
            radius_m,
            has_uncovered=uncovered_layer is not None,
            has_recommended=recommended_layer is not None,
            has_approximate=village_layer is not None and bool(approximate_mask(villages).any()),
            basis=basis_by_village(villages),
            has_traffy=traffy is not None,
            has_public_reports=reports is not None,
        )
    ).add_to(m)
    if extra_legend_html:
        LegendControl(extra_legend_html, position="bottomleft").add_to(m)
    localize_assets(m, base_url=asset_base)
    setattr(m, ASSET_BASE_ATTR, asset_base)
    return m
