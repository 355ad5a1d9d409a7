"""The QGIS styles of the register GeoPackage, drawn like the web map.

Villages are filled by the share of households within reach of a bin with the web map's ramp
(``COVERAGE_COLORMAP``, sampled at the middle of five 20 % classes; grey where there is no
figure), outlined solid or, for an approximate village area, dashed, and labelled
"หมู่ที่ N ชื่อ". Bins take the Thai stream colours of the web map (``STREAM_COLORS``) and show
their condition as the map does: round when usable, square with a dark outline otherwise, with
a white mark for damaged (×) and overflowing (▲) bins and a faded, dashed square for a missing
one. Inspections use the bins' symbols, smaller. The plan's recommended sites are black crosses
(more coverage) and stars (more capacity), like the map's black "+" markers; a bin to replace
is ringed.
"""

from __future__ import annotations

from collections.abc import Mapping

from fieldsvc.maps.coverage_map import COVERAGE_COLORMAP, NO_DATA_COLOR
from fieldsvc.maps.elements import STREAM_COLORS
from fieldsvc.maps.qml import (
    Label,
    LayerStyle,
    Rule,
    Symbol,
    SymbolLayer,
    layer_qml,
    simple_fill,
    simple_line,
    simple_marker,
)
from fieldsvc.models.enums import CONDITION_TH, STREAM_TH, Condition, Stream
from fieldsvc.models.place import APPROXIMATE_AREA_TH

#: Upper bounds of the coverage classes (shares 0–1); each class is filled with the ramp's
#: colour at its middle, as the web map fills a village whose share is that value.
SHARE_CLASS_BOUNDS = (0.2, 0.4, 0.6, 0.8, 1.0)
#: The web map's village fill opacity and outline colour.
VILLAGE_FILL_OPACITY = 0.55
OUTLINE_COLOR = "#4a4a4a"
#: Outline of a bin that is not usable, and the glyph colour on the yellow recyclable bin.
PROBLEM_OUTLINE = "#212121"
SITE_COLOR = "#303030"
#: A white mark over the square of a bin that is not usable (QGIS marker shapes).
CONDITION_MARKS: dict[Condition, str] = {
    Condition.damaged: "cross2",
    Condition.overflowing: "triangle",
}

VILLAGE_ALIASES = {
    "number": "หมู่ที่ (village number)",
    "name": "ชื่อหมู่บ้าน (name)",
    "code": "รหัสหมู่บ้าน (DOPA code)",
    "boundary_source": "ที่มาของขอบเขต (boundary source)",
    "households": "ครัวเรือน (households)",
    "household_basis": "ที่มาของครัวเรือน (household basis)",
    "households_covered": "ครัวเรือนที่เข้าถึงถัง (households covered)",
    "covered_share": "สัดส่วนที่เข้าถึงถัง (coverage share)",
    "bins_total": "ถังทั้งหมด (bins)",
    "bins_usable": "ถังใช้งานได้ (usable bins)",
}
BIN_ALIASES = {
    "code": "รหัสถัง (bin code)",
    "village_number": "หมู่ที่ (village)",
    "stream": "ประเภทขยะ (stream)",
    "stream_th": "ประเภทขยะ (ไทย)",
    "condition": "สภาพ (condition)",
    "condition_th": "สภาพ (ไทย)",
    "capacity_l": "ความจุ ลิตร (capacity, L)",
    "installed_on": "วันที่ติดตั้ง (installed on)",
    "last_inspected_at": "ตรวจล่าสุด UTC (last inspected, UTC)",
    "last_condition": "สภาพที่ตรวจล่าสุด (last inspection's condition)",
}
INSPECTION_ALIASES = {
    "bin_code": "รหัสถัง (bin code)",
    "observed_at": "เวลาที่ตรวจ UTC (observed at, UTC)",
    "condition": "สภาพ (condition)",
    "inspector_id": "ผู้ตรวจ (inspector id)",
    "accuracy_m": "ความแม่นยำ GPS ม. (accuracy, m)",
}
COVERAGE_ALIASES = {
    "stream": "ประเภทขยะ (stream)",
    "covered_share": "สัดส่วนที่เข้าถึงถัง (coverage share)",
    "households": "ครัวเรือน (households)",
    "capacity_ratio": "ความจุต่อความต้องการ (capacity ratio)",
}
PLAN_ALIASES = {
    "rank": "ลำดับ (rank)",
    "reason": "เหตุผล (reason)",
    "count": "จำนวนถัง (bins)",
    "cost_baht": "ค่าใช้จ่าย บาท (cost, baht)",
    "households_added": "ครัวเรือนที่จะเข้าถึงเพิ่ม (households added)",
}


def share_class_colors() -> list[tuple[float, float, str]]:
    """``(lower, upper, #rrggbb)`` of each coverage class, from the web map's ramp."""
    classes = []
    lower = 0.0
    for upper in SHARE_CLASS_BOUNDS:
        classes.append((lower, upper, str(COVERAGE_COLORMAP((lower + upper) / 2.0))[:7]))
        lower = upper
    return classes


def _share_rules(extra_filter: str | None = None) -> list[Rule]:
    """One rule per coverage class and one for villages without a figure (filled, no outline)."""
    rules = []
    for lower, upper, color in share_class_colors():
        tests = ['"covered_share" IS NOT NULL']
        tests += [f'"covered_share" >= {lower:g}'] if lower > 0 else []
        tests += [f'"covered_share" < {upper:g}'] if upper < 1.0 else []
        label = f"{lower * 100:.0f}–{upper * 100:.0f}%"
        rules.append(
            Rule(
                label,
                _and(extra_filter, " AND ".join(tests)),
                Symbol([simple_fill(color, fill_opacity=VILLAGE_FILL_OPACITY)]),
            )
        )
    rules.append(
        Rule(
            "ไม่มีข้อมูล (no data)",
            _and(extra_filter, '"covered_share" IS NULL'),
            Symbol([simple_fill(NO_DATA_COLOR, fill_opacity=VILLAGE_FILL_OPACITY)]),
        )
    )
    return rules


def _and(first: str | None, second: str) -> str:
    return second if first is None else f"({first}) AND ({second})"


def _outline_rules() -> list[Rule]:
    approximate = "\"boundary_source\" = 'approximate'"
    return [
        Rule(
            "ขอบเขตหมู่บ้าน (village boundary)",
            f"NOT coalesce({approximate}, false)",
            Symbol([simple_line(OUTLINE_COLOR, width_mm=0.4)]),
        ),
        Rule(
            f"{APPROXIMATE_AREA_TH} (approximate village area)",
            approximate,
            Symbol([simple_line(OUTLINE_COLOR, width_mm=0.5, style="dash")]),
        ),
    ]


VILLAGE_LABEL = Label("'หมู่ที่ ' || \"number\" || ' ' || coalesce(\"name\", '')", bold=True)


def villages_style() -> LayerStyle:
    """Villages: general-waste coverage classes, outlines by boundary source, Thai labels."""
    return LayerStyle(
        "polygon",
        [
            Rule("สัดส่วนครัวเรือนที่เข้าถึงถังขยะ (coverage)", children=_share_rules()),
            *_outline_rules(),
        ],
        label=VILLAGE_LABEL,
        aliases=VILLAGE_ALIASES,
    )


def coverage_style() -> LayerStyle:
    """Coverage per village × stream: a group of classes per stream; general switched on."""
    streams = [
        Rule(
            f"{STREAM_TH[stream]} ({stream.value})",
            children=_share_rules(f"\"stream\" = '{stream.value}'"),
            checked=stream == Stream.general,
        )
        for stream in Stream
    ]
    return LayerStyle("polygon", [*streams, *_outline_rules()], aliases=COVERAGE_ALIASES)


def bin_symbol(stream: Stream, condition: Condition, *, size_mm: float = 3.4) -> Symbol:
    """The web map's bin: stream colour; round if usable, else a dark-edged square with a mark."""
    color = STREAM_COLORS[stream]
    if condition == Condition.usable:
        return Symbol([simple_marker("circle", color, size_mm=size_mm)])
    mark_color = PROBLEM_OUTLINE if stream == Stream.recyclable else "#ffffff"
    square = simple_marker(
        "square",
        color,
        size_mm=size_mm * 0.9,
        outline=PROBLEM_OUTLINE,
        outline_style="dash" if condition == Condition.missing else "solid",
    )
    layers: list[SymbolLayer] = [square]
    if condition in CONDITION_MARKS:
        layers.append(
            simple_marker(
                CONDITION_MARKS[condition],
                mark_color,
                size_mm=size_mm * 0.45,
                outline=mark_color,
                outline_width_mm=0.3,
            )
        )
    return Symbol(layers, opacity=0.6 if condition == Condition.missing else 1.0)


def _bin_rules(size_mm: float) -> list[Rule]:
    return [
        Rule(
            STREAM_TH[stream],
            f"\"stream\" = '{stream.value}'",
            children=[
                Rule(
                    f"{CONDITION_TH[condition]} ({condition.value})",
                    f"\"condition\" = '{condition.value}'",
                    bin_symbol(stream, condition, size_mm=size_mm),
                )
                for condition in Condition
            ],
        )
        for stream in Stream
    ]


def bins_style() -> LayerStyle:
    """Bins: stream colour and condition shape, as on the web map."""
    return LayerStyle("point", _bin_rules(3.4), aliases=BIN_ALIASES)


def inspections_style() -> LayerStyle:
    """Inspections: where each one was made, with the bin symbol of what it found."""
    return LayerStyle("point", _bin_rules(2.4), aliases=INSPECTION_ALIASES)


def plan_style() -> LayerStyle:
    """Recommended sites: crosses where a bin adds coverage, stars where it adds capacity, a
    ringed square on a bin to replace; labelled "count × size ล."."""
    cross = Symbol([simple_marker("cross_fill", SITE_COLOR, size_mm=4.6, outline_width_mm=0.5)])
    star = Symbol([simple_marker("star", SITE_COLOR, size_mm=5.0, outline_width_mm=0.5)])
    ring = Symbol(
        [
            simple_marker(
                "square",
                "#ffffff",
                size_mm=5.4,
                outline=SITE_COLOR,
                outline_width_mm=0.6,
                fill_opacity=0.0,  # a ring around the bin's own symbol, which stays visible
            )
        ]
    )
    return LayerStyle(
        "point",
        [
            Rule("จุดใหม่เพิ่มการเข้าถึง (new site, coverage)", "\"reason\" = 'coverage'", cross),
            Rule("เพิ่มความจุ (added capacity)", "\"reason\" = 'capacity'", star),
            Rule("เปลี่ยนถังที่ชำรุด (replacement)", "\"reason\" = 'replacement'", ring),
        ],
        label=Label("\"count\" || ' × ' || \"capacity_l\" || ' ล.'", size_pt=8.0),
        aliases=PLAN_ALIASES,
    )


#: Layer name → its style, in the order the layers are written.
LAYER_STYLES = {
    "villages": villages_style,
    "coverage": coverage_style,
    "bins": bins_style,
    "inspections": inspections_style,
    "plan": plan_style,
}


def register_layer_qml() -> Mapping[str, str]:
    """The QML document of every layer of the register GeoPackage, by layer name."""
    return {name: layer_qml(build()) for name, build in LAYER_STYLES.items()}
