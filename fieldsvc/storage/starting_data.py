"""Store a subdistrict's starting data: its boundary and names, its villages with approximate
areas, and registered house counts. Keyword-only writers; the caller owns the transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
from shapely.geometry import MultiPolygon
from shapely.geometry.base import BaseGeometry
from sqlmodel import Session, col, select

from fieldsvc.models import Subdistrict, Village
from fieldsvc.models.place import BOUNDARY_APPROXIMATE, BOUNDARY_IMPORTED
from fieldsvc.storage.frames import SaveCounts, _set_if_changed, save_village, villages_by_number
from fieldsvc.storage.tenancy import pin_unscoped_users


def subdistrict_by_code(*, session: Session, code: str) -> Subdistrict | None:
    return session.exec(select(Subdistrict).where(Subdistrict.code == code)).first()


def save_subdistrict(
    *, session: Session, code: str, values: dict[str, Any], boundary: MultiPolygon
) -> tuple[Subdistrict, SaveCounts]:
    """Insert or update the subdistrict ``code`` (names and boundary); never duplicates."""
    counts = SaveCounts()
    found = subdistrict_by_code(session=session, code=code)
    wanted = {**{k: v for k, v in values.items() if v is not None}, "boundary": boundary}
    if found is None:
        pin_unscoped_users(session=session)
        found = Subdistrict(code=code, **wanted)
        counts.created = 1
    elif _set_if_changed(found, wanted):
        counts.updated = 1
    else:
        counts.unchanged = 1
    session.add(found)
    session.flush()
    return found, counts


def villages_with_real_boundaries(*, session: Session, subdistrict_id: int) -> list[Village]:
    """Villages whose boundary came from a map file (not an approximate area)."""
    query = select(Village).where(
        Village.subdistrict_id == subdistrict_id,
        Village.boundary_source == BOUNDARY_IMPORTED,
        col(Village.boundary).is_not(None),
    )
    return list(session.exec(query))


@dataclass
class CentreSaveCounts(SaveCounts):
    """A centres import: villages created/updated, and approximate areas set and withdrawn."""

    areas_set: int = 0
    real_kept: list[int] = field(default_factory=list)
    areas_withdrawn: list[int] = field(default_factory=list)

    def summary(self) -> str:
        lines = [
            super().summary(),
            f"พื้นที่หมู่บ้านโดยประมาณ {self.areas_set} หมู่บ้าน "
            f"(approximate village areas: {self.areas_set})",
        ]
        if self.real_kept:
            kept = ", ".join(map(str, self.real_kept))
            lines.append(f"คงขอบเขตจริงของหมู่ที่ {kept} (real boundaries kept: {kept})")
        if self.areas_withdrawn:
            gone = ", ".join(map(str, self.areas_withdrawn))
            lines.append(
                f"ยกเลิกพื้นที่โดยประมาณของหมู่ที่ {gone} ที่ไม่มีในไฟล์ "
                f"(approximate areas withdrawn, not in the file: {gone})"
            )
        return "\n".join(lines)


def save_village_centres(
    *, session: Session, subdistrict: Subdistrict, villages: gpd.GeoDataFrame
) -> CentreSaveCounts:
    """Insert or update villages by number with their approximate areas.

    ``villages``: ``number, name, code`` and a geometry (the approximate area, a MultiPolygon,
    or None/empty for a village without one), EPSG:4326. A village whose boundary is real
    keeps it; an approximate area of a village not in ``villages`` is withdrawn (it would
    overlap the new division).
    """
    counts = CentreSaveCounts()
    existing = villages_by_number(session=session, subdistrict=subdistrict)
    listed = set()
    for record in villages.to_dict("records"):
        number = int(record["number"])
        listed.add(number)
        values: dict[str, Any] = {"name": str(record["name"])}
        if record.get("code"):
            values["code"] = str(record["code"])
        row = existing.get(number)
        real = (
            row is not None
            and row.boundary_source == BOUNDARY_IMPORTED
            and row.boundary is not None
        )
        if real:
            counts.real_kept.append(number)
        else:
            area = _area(record.get("geometry"))
            values["boundary"] = area
            values["boundary_source"] = BOUNDARY_APPROXIMATE if area is not None else None
            counts.areas_set += area is not None
        save_village(
            session=session,
            subdistrict=subdistrict,
            row=row,
            number=number,
            values=values,
            counts=counts,
        )
    for number, row in sorted(existing.items()):
        if number not in listed and row.boundary_source == BOUNDARY_APPROXIMATE:
            row.boundary, row.boundary_source = None, None
            session.add(row)
            counts.areas_withdrawn.append(number)
    session.flush()
    return counts


@dataclass
class HouseCountSaveCounts(SaveCounts):
    """A house-count import: villages updated, and the file rows no village matched."""

    unmatched: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [super().summary()]
        if self.unmatched:
            lines.append(
                f"ไม่ตรงกับหมู่บ้านใด {len(self.unmatched)} แถว (ดูรายการข้างบน) "
                f"(rows matching no village: {len(self.unmatched)}, listed above)"
            )
        return "\n".join(lines)


def save_house_counts(
    *, session: Session, subdistrict: Subdistrict, counts: dict[int, int]
) -> HouseCountSaveCounts:
    """Set ``Village.households`` of the villages numbered in ``counts`` (number → houses)."""
    saved = HouseCountSaveCounts()
    villages = villages_by_number(session=session, subdistrict=subdistrict)
    for number, houses in sorted(counts.items()):
        village = villages[number]
        if village.households == houses:
            saved.unchanged += 1
            continue
        village.households = houses
        session.add(village)
        saved.updated += 1
    session.flush()
    return saved


def village_numbers(*, session: Session, subdistrict_id: int) -> dict[int, str | None]:
    """Village number → DOPA code of the subdistrict's villages."""
    query = select(Village).where(Village.subdistrict_id == subdistrict_id)
    return {v.number: v.code for v in session.exec(query)}


def _area(geometry: BaseGeometry | None) -> MultiPolygon | None:
    if geometry is None or geometry.is_empty:
        return None
    if isinstance(geometry, MultiPolygon):
        return geometry
    return MultiPolygon([geometry])
