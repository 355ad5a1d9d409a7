"""``import buildings``: households estimated from building footprints.

Read the footprints (``fieldsvc.ingest.buildings``), filter them, assign them to villages and
weight them to each village's registered house count (``fieldsvc.analysis.households``), and
store them as household points of source ``building`` in place of the previous ones
(``fieldsvc.storage.frames``). Surveyed households are never touched, and a village that has
them keeps them as its only demand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from sqlmodel import Session

from fieldsvc.analysis.households import BuildingDemand, BuildingFilter, building_demand
from fieldsvc.config import Settings
from fieldsvc.errors import InvalidInput
from fieldsvc.ingest.buildings import BuildingFormat, read_buildings
from fieldsvc.problems import render_line
from fieldsvc.storage.frames import (
    Progress,
    SaveCounts,
    replace_building_households,
    surveyed_village_ids,
    villages_frame,
)

#: Why footprints were left out, in the order the report lists them.
DROP_REASONS: dict[str, tuple[str, str]] = {
    "bad_location": ("พิกัดไม่ถูกต้อง", "no usable latitude/longitude"),
    "low_confidence": ("ความเชื่อมั่นต่ำกว่าเกณฑ์ {min_confidence}", "confidence below {min_confidence}"),
    "no_area": ("ไม่ทราบพื้นที่", "area unknown"),
    "too_small": ("เล็กกว่า {min_area_m2:g} ตร.ม.", "smaller than {min_area_m2:g} m²"),
    "too_large": ("ใหญ่กว่า {max_area_m2:g} ตร.ม.", "larger than {max_area_m2:g} m²"),
    "outside_villages": ("อยู่นอกเขตหมู่บ้านทุกหมู่", "outside every village area"),
    "village_surveyed": ("หมู่บ้านมีจุดบ้านที่สำรวจแล้ว", "the village has surveyed households"),
}


@dataclass(frozen=True)
class BuildingImport:
    """What ``import buildings`` read, kept, weighted and stored."""

    file: str
    file_format: BuildingFormat
    rows_read: int
    rule: BuildingFilter
    demand: BuildingDemand
    saved: SaveCounts
    lines: list[str] = field(default_factory=list)

    @property
    def stored(self) -> int:
        return len(self.demand.households)

    @property
    def households_represented(self) -> float:
        return float(self.demand.households["weight"].sum())

    def summary(self) -> str:
        head = [
            f"อ่าน {self.rows_read:,} อาคารจาก {self.file} · ใช้เป็นครัวเรือน {self.stored:,} หลัง "
            f"แทนครัวเรือน {self.households_represented:,.0f} ครัวเรือน",
            f"Read {self.rows_read:,} buildings from {self.file}; stored {self.stored:,} as "
            f"household proxies standing for {self.households_represented:,.0f} households",
            f"เกณฑ์ / filter: {self.rule.min_area_m2:g}–{self.rule.max_area_m2:g} m², "
            f"confidence ≥ {self.rule.min_confidence:g}",
        ]
        return "\n".join([*head, *self.lines, *self.saved.notes])


def building_filter(
    settings: Settings,
    *,
    min_area_m2: float | None = None,
    max_area_m2: float | None = None,
    min_confidence: float | None = None,
) -> BuildingFilter:
    """The office's building filter, with any of its values overridden."""
    rule = BuildingFilter(
        min_area_m2=settings.building_min_area_m2 if min_area_m2 is None else min_area_m2,
        max_area_m2=settings.building_max_area_m2 if max_area_m2 is None else max_area_m2,
        min_confidence=(
            settings.building_min_confidence if min_confidence is None else min_confidence
        ),
    )
    if not rule.valid:
        raise InvalidInput.of(
            "buildings_filter_invalid",
            field="min_area_m2",
            min_area_m2=rule.min_area_m2,
            max_area_m2=rule.max_area_m2,
            min_confidence=rule.min_confidence,
        )
    return rule


def _report_lines(
    demand: BuildingDemand, rule: BuildingFilter, numbers: pd.Series, surveyed: list[int]
) -> list[str]:
    values = {
        "min_area_m2": rule.min_area_m2,
        "max_area_m2": rule.max_area_m2,
        "min_confidence": rule.min_confidence,
    }
    lines = []
    for reason, (th, en) in DROP_REASONS.items():
        count = demand.dropped.get(reason, 0)
        if count:
            lines.append(
                render_line(
                    "buildings_dropped",
                    count=count,
                    reason_th=th.format(**values),
                    reason_en=en.format(**values),
                )
            )
    for row in demand.by_village.itertuples(index=False):
        number = numbers.get(row.village_id, row.village_id)
        buildings = int(row.buildings)
        if not row.used:
            lines.append(
                render_line("buildings_village_surveyed", number=number, buildings=buildings)
            )
        elif pd.notna(row.registered):
            lines.append(
                render_line(
                    "buildings_weighted",
                    number=number,
                    buildings=buildings,
                    weight=float(row.weight),
                    households=int(row.registered),
                )
            )
        else:
            lines.append(render_line("buildings_unweighted", number=number, buildings=buildings))
    with_buildings = set(demand.by_village["village_id"]) | set(surveyed)
    for village_id, number in numbers.items():
        if village_id not in with_buildings:
            lines.append(render_line("buildings_village_none", number=number))
    return lines


def import_buildings(
    *,
    session: Session,
    path: Path,
    settings: Settings,
    min_area_m2: float | None = None,
    max_area_m2: float | None = None,
    min_confidence: float | None = None,
    progress: Progress | None = None,
    subdistrict_code: str | None = None,
) -> BuildingImport:
    """Replace the building proxies with those of ``path`` and commit: in the villages of
    subdistrict ``subdistrict_code`` (needed when the install serves several; else its only
    one)."""
    from fieldsvc.services.imports import subdistrict_for_points

    rule = building_filter(
        settings, min_area_m2=min_area_m2, max_area_m2=max_area_m2, min_confidence=min_confidence
    )
    subdistrict_id = subdistrict_for_points(session=session, code=subdistrict_code)
    villages = villages_frame(session=session, subdistrict_id=subdistrict_id)
    if villages.empty or villages.geometry.isna().all():
        raise InvalidInput.of("buildings_need_village_areas", field="villages")
    footprints = read_buildings(path)
    surveyed = surveyed_village_ids(session=session)
    demand = building_demand(footprints.frame, villages, rule, surveyed_village_ids=surveyed)
    saved = replace_building_households(
        session=session,
        households=demand.households,
        progress=progress,
        village_ids=(
            None if subdistrict_code is None else [int(i) for i in villages["village_id"]]
        ),
    )
    session.commit()
    numbers = pd.Series(villages["number"].to_numpy(), index=villages["village_id"].to_numpy())
    return BuildingImport(
        file=footprints.file,
        file_format=footprints.file_format,
        rows_read=len(footprints.frame),
        rule=rule,
        demand=demand,
        saved=saved,
        lines=_report_lines(demand, rule, numbers, surveyed),
    )
