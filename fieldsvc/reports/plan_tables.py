"""Rows and Thai labels shared by the PDF, XLSX and CSV forms of an allocation plan.

Everything here reads a saved :class:`~fieldsvc.models.AllocationPlanRecord` only: a report
shows the plan as it was decided, never a recomputation. No personal data is read or written
(bins and sites are public assets; no house numbers, no names, no phone numbers).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fieldsvc.config import Settings
from fieldsvc.models import AllocationPlanRecord
from fieldsvc.models.enums import HOUSEHOLD_BASIS_TH, STREAM_TH

REASON_ORDER = ("replacement", "capacity", "coverage")
REASON_TH = {
    "replacement": "ทดแทนถังชำรุด/สูญหาย",
    "capacity": "เพิ่มถัง (ความจุไม่พอ)",
    "coverage": "ตั้งจุดวางถังใหม่",
}
SCENARIO_TH = {
    "before": "ก่อนจัดสรร",
    "efficiency": "เน้นประสิทธิภาพ (ครอบคลุมครัวเรือนมากที่สุด)",
    "equity_floor": "เน้นความเป็นธรรม (ทุกหมู่บ้านถึงเกณฑ์ขั้นต่ำก่อน) — ใช้ในแผนนี้",
}
STATUS_TH = {"draft": "ร่าง", "published": "ประกาศแล้ว", "superseded": "ถูกแทนที่แล้ว"}

#: Parameter key (dotted for nested values) → (Thai label, unit).
PARAMETER_LABELS: dict[str, tuple[str, str]] = {
    "budget_baht": ("งบประมาณ", "บาท"),
    "max_new_bins": ("จำนวนถังสูงสุดที่จัดหาได้", "ใบ"),
    "equity_floor_share": ("เกณฑ์ความครอบคลุมขั้นต่ำของทุกหมู่บ้าน", "สัดส่วน 0–1"),
    "radius_m": ("รัศมีให้บริการ (ระยะเดิน)", "เมตร"),
    "detour_factor": ("ตัวคูณระยะเดินอ้อม (ระยะเดิน ÷ ระยะเส้นตรง)", "เท่า"),
    "new_bin_capacity_l": ("ขนาดถังที่จัดหาใหม่ (เพิ่มความจุ/จุดใหม่)", "ลิตร"),
    "sizing.g_kg_per_person_day": ("ปริมาณขยะต่อคนต่อวัน", "กก./คน/วัน"),
    "sizing.collection_interval_days": ("ระยะห่างระหว่างรอบเก็บขน", "วัน"),
    "sizing.k_peak": ("ตัวคูณช่วงขยะมาก (เทศกาล ฤดูผลไม้)", "เท่า"),
    "sizing.f_coll": ("สัดส่วนขยะครัวเรือนที่ทิ้งลงถังส่วนรวม", "สัดส่วน 0–1"),
    "sizing.density_kg_m3": ("ความหนาแน่นของขยะในถัง", "กก./ลบ.ม."),
    "sizing.fill_fraction": ("สัดส่วนความจุที่บรรจุได้จริง", "สัดส่วน 0–1"),
    "sizing.persons_per_household": ("จำนวนคนต่อครัวเรือน", "คน"),
    "sizing.damaged_capacity_factor": ("ความจุที่นับได้ของถังชำรุด", "สัดส่วน 0–1"),
    "register_counts.villages": ("จำนวนหมู่บ้านในทะเบียน", "หมู่บ้าน"),
    "register_counts.bins": ("จำนวนถังในทะเบียน", "ใบ"),
    "register_counts.households": ("จำนวนครัวเรือนที่มีพิกัด", "ครัวเรือน"),
    "coverage_stream": ("ประเภทขยะที่ใช้วัดความครอบคลุม", ""),
    "candidates": ("จำนวนจุดที่พิจารณาตั้งถังใหม่", "จุด"),
    "candidate_spacing_m": ("ระยะห่างของจุดที่พิจารณา", "เมตร"),
}


def stream_th(stream: Any) -> str:
    return STREAM_TH.get(stream, str(stream or "—"))  # type: ignore[call-overload]


def reason_th(reason: Any) -> str:
    return REASON_TH.get(str(reason), str(reason))


def signatory_position(settings: Settings) -> str:
    """Position under the main signature: set explicitly, else the head of the office."""
    return settings.signatory_position or f"นายก{settings.office_name}"


def is_sample_office(settings: Settings) -> bool:
    """True for the sample office of the demo data (or an install marked so), whose documents
    must say they are synthetic."""
    return (
        settings.mark_documents_synthetic
        or settings.office_name == Settings.model_fields["office_name"].default
    )


def _number(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return number if number == number else 0.0


def _whole(value: Any) -> Any:
    """Whole floats as int (a CSV then reads 240, not 240.0)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _int_or_none(value: Any) -> int | None:
    return None if value is None or value != value else int(value)


@dataclass(frozen=True)
class ParameterRow:
    key: str
    label: str
    value: Any
    unit: str


def parameter_rows(parameters: Mapping[str, Any]) -> list[ParameterRow]:
    """Every parameter of a plan, nested ones flattened (``sizing.k_peak``), labelled in Thai.

    Unit prices become one row per bin size; unknown keys are kept with their key as label,
    so a parameter added to the engine later is still printed.
    """
    rows: list[ParameterRow] = []

    def visit(prefix: str, value: Any) -> None:
        if prefix == "unit_price_baht" and isinstance(value, Mapping):
            for size in sorted(value, key=_number):
                rows.append(
                    ParameterRow(
                        f"unit_price_baht.{size}",
                        f"ราคาต่อใบ ถัง {_number(size):g} ลิตร",
                        value[size],
                        "บาท",
                    )
                )
        elif isinstance(value, Mapping):
            for key, inner in value.items():
                visit(f"{prefix}.{key}" if prefix else str(key), inner)
        else:
            label, unit = PARAMETER_LABELS.get(prefix, (prefix, ""))
            if prefix == "coverage_stream":
                value = stream_th(value)
            elif isinstance(value, list | tuple):
                value = json.dumps(value, ensure_ascii=False)
            rows.append(ParameterRow(prefix, label, value, unit))

    visit("", dict(parameters))
    return rows


#: Columns of the full list (XLSX/CSV): key in the plan row → Thai header.
LIST_COLUMNS: tuple[tuple[str, str], ...] = (
    ("rank", "ลำดับความสำคัญ"),
    ("village_number", "หมู่ที่"),
    ("village_name", "หมู่บ้าน"),
    ("reason_th", "ประเภทการจัดสรร"),
    ("stream_th", "ประเภทขยะ"),
    ("capacity_l", "ขนาดถัง (ลิตร)"),
    ("count", "จำนวน (ใบ)"),
    ("bin_code", "รหัสถังเดิม"),
    ("lat", "ละติจูด"),
    ("lon", "ลองจิจูด"),
    ("households_added", "ครัวเรือนที่ได้รับบริการเพิ่ม"),
    ("unit_price_baht", "ราคาต่อใบ (บาท)"),
    ("cost_baht", "จำนวนเงิน (บาท)"),
    ("cumulative_cost_baht", "เงินสะสม (บาท)"),
    # last, so the money columns keep their letters in offices' own sheets
    ("household_basis_th", "ที่มาของจำนวนครัวเรือน"),
)


def list_rows(
    plan: AllocationPlanRecord,
    bin_codes: Mapping[int, str] | None = None,
    *,
    deferred: bool = False,
) -> list[dict[str, Any]]:
    """The funded items in priority order, with Thai labels (keys of :data:`LIST_COLUMNS`).

    ``bin_codes`` maps the register's bin id to the code painted on the bin; without it the
    replaced bin is named by its register id. ``deferred``: the items the budget did not
    reach, instead of the funded ones.
    """
    rows = []
    basis = village_basis(plan)
    items = plan.deferred if deferred else plan.recommendations
    for item in sorted(items, key=lambda r: _number(r.get("rank"))):
        count = _number(item.get("count")) or 1.0
        cost = _number(item.get("cost_baht"))
        bin_id = _int_or_none(item.get("bin_id"))
        code = None
        if bin_id is not None:
            code = (bin_codes or {}).get(bin_id, f"ID {bin_id}")
        rows.append(
            {
                "rank": _int_or_none(item.get("rank")),
                "village_number": _int_or_none(item.get("village_number")),
                "village_name": item.get("village_name") or "",
                "household_basis_th": basis.get(_int_or_none(item.get("village_number")), ""),
                "reason": item.get("reason"),
                "reason_th": reason_th(item.get("reason")),
                "stream_th": stream_th(item.get("stream")),
                "capacity_l": _whole(_number(item.get("capacity_l"))),
                "count": int(count),
                "bin_code": code,
                "lat": item.get("lat"),
                "lon": item.get("lon"),
                "households_added": _whole(item.get("households_added")),
                "unit_price_baht": cost / count,
                "cost_baht": cost,
                "cumulative_cost_baht": item.get("cumulative_cost_baht"),
            }
        )
    return rows


@dataclass(frozen=True)
class ReasonTotal:
    reason: str
    label: str
    items: int
    bins: int
    households_added: float
    cost_baht: float


def reason_totals(items: Iterable[Mapping[str, Any]]) -> list[ReasonTotal]:
    """Bins, households added and cost per kind of allocation, in the plan's priority order."""
    grouped: dict[str, list[Mapping[str, Any]]] = {}
    for item in items:
        grouped.setdefault(str(item.get("reason")), []).append(item)
    order = [r for r in REASON_ORDER if r in grouped] + sorted(set(grouped) - set(REASON_ORDER))
    return [
        ReasonTotal(
            reason=reason,
            label=reason_th(reason),
            items=len(grouped[reason]),
            bins=int(sum(_number(i.get("count")) for i in grouped[reason])),
            households_added=sum(_number(i.get("households_added")) for i in grouped[reason]),
            cost_baht=sum(_number(i.get("cost_baht")) for i in grouped[reason]),
        )
        for reason in order
    ]


@dataclass
class VillageGroup:
    """One village's lines of the printed list: identical items merged (same kind, stream
    and size), the way a บัญชีรายการ lists "ถัง ๒๐๐ ลิตร ๓ ใบ" rather than three lines."""

    number: int | None
    name: str
    lines: list[dict[str, Any]] = field(default_factory=list)

    @property
    def bins(self) -> int:
        return sum(int(line["count"]) for line in self.lines)

    @property
    def households_added(self) -> float:
        return sum(_number(line["households_added"]) for line in self.lines)

    @property
    def cost_baht(self) -> float:
        return sum(_number(line["cost_baht"]) for line in self.lines)


def village_groups(plan: AllocationPlanRecord) -> list[VillageGroup]:
    """Funded items merged per village × kind × stream × size, villages in number order."""
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for item in plan.recommendations:
        key = (
            _int_or_none(item.get("village_number")),
            str(item.get("village_name") or ""),
            REASON_ORDER.index(item["reason"]) if item.get("reason") in REASON_ORDER else 9,
            str(item.get("reason")),
            str(item.get("stream")),
            _number(item.get("capacity_l")),
        )
        line = merged.setdefault(
            key,
            {
                "reason": item.get("reason"),
                "reason_th": reason_th(item.get("reason")),
                "stream_th": stream_th(item.get("stream")),
                "capacity_l": _number(item.get("capacity_l")),
                "count": 0,
                "sites": 0,
                "households_added": None,
                "cost_baht": 0.0,
            },
        )
        line["count"] += int(_number(item.get("count")) or 1)
        line["sites"] += 1
        if item.get("households_added") is not None:
            line["households_added"] = _number(line["households_added"]) + _number(
                item.get("households_added")
            )
        line["cost_baht"] += _number(item.get("cost_baht"))
    groups: dict[tuple[int | None, str], VillageGroup] = {}
    for key in sorted(merged, key=lambda k: (k[0] is None, k[0] or 0, k[1], k[2], k[4], k[5])):
        line = merged[key]
        line["unit_price_baht"] = line["cost_baht"] / max(line["count"], 1)
        group = groups.setdefault((key[0], key[1]), VillageGroup(key[0], key[1]))
        group.lines.append(line)
    return list(groups.values())


def basis_th(value: Any) -> str:
    """Thai label of a village's ``household_basis`` ("" for a plan saved before it existed)."""
    return HOUSEHOLD_BASIS_TH.get(str(value), "") if value is not None else ""


def village_basis(plan: AllocationPlanRecord) -> dict[int | None, str]:
    """Village number → Thai label of what its households rest on, from the saved plan."""
    return {
        _int_or_none(v.get("village_number")): basis_th(v.get("household_basis"))
        for v in plan.villages
    }


def village_coverage_rows(plan: AllocationPlanRecord) -> list[dict[str, Any]]:
    """Per village: what its households rest on, households located, covered before and
    after (the funded scenario)."""
    rows = []
    for v in sorted(plan.villages, key=lambda r: _number(r.get("village_number"))):
        rows.append(
            {
                "village_number": _int_or_none(v.get("village_number")),
                "village_name": v.get("village_name") or "",
                "household_basis_th": basis_th(v.get("household_basis")),
                "households_located": _number(v.get("households_located")),
                "covered_before": _number(v.get("covered_before")),
                "covered_share_before": v.get("covered_share_before"),
                "covered_efficiency": _number(v.get("covered_efficiency")),
                "covered_share_efficiency": v.get("covered_share_efficiency"),
                "covered_after": _number(v.get("covered_equity_floor")),
                "covered_share_after": v.get("covered_share_equity_floor"),
            }
        )
    return rows


def scenario(plan: AllocationPlanRecord, name: str) -> dict[str, Any]:
    """One scenario row of the plan summary (empty when absent)."""
    return next((dict(r) for r in plan.summary if r.get("scenario") == name), {})


def village_label(number: int | None, name: str) -> str:
    """``หมู่ที่ 3 บ้านหนองบัว`` (without the number when unknown)."""
    return f"หมู่ที่ {number} {name}".strip() if number is not None else name
