"""Import use cases for a subdistrict's starting data: the boundary (COD-AB style), village
centres with approximate village areas, and registered house counts. Each reads its file with
``fieldsvc.ingest``, computes with ``fieldsvc.analysis``, stores with ``fieldsvc.storage`` and
returns what was read and stored, for a report a person can check."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from sqlmodel import Session

from fieldsvc.analysis.village_areas import approximate_village_areas
from fieldsvc.errors import InvalidInput
from fieldsvc.ingest.errors import LayerReadError
from fieldsvc.ingest.house_counts import read_house_counts
from fieldsvc.ingest.report import ImportReport, RowNote
from fieldsvc.ingest.subdistricts import SubdistrictBoundary, dopa_code, read_subdistrict
from fieldsvc.ingest.village_centres import read_village_centres
from fieldsvc.models import Subdistrict
from fieldsvc.models.place import APPROXIMATE_AREA_EN, APPROXIMATE_AREA_TH
from fieldsvc.problems import render
from fieldsvc.storage.frames import SaveCounts
from fieldsvc.storage.register import only_subdistrict
from fieldsvc.storage.starting_data import (
    save_house_counts,
    save_subdistrict,
    save_village_centres,
    subdistrict_by_code,
    village_numbers,
    villages_with_real_boundaries,
)

WGS84 = "EPSG:4326"


@dataclass(frozen=True)
class PlaceImportOutcome:
    """What an import read (the file report), what it stored, and a headline for people."""

    report: ImportReport
    saved: SaveCounts
    headline: str = ""

    def summary(self) -> str:
        lines = [self.headline] if self.headline else []
        return "\n".join([*lines, self.report.summary(), self.saved.summary()])


def import_subdistrict(
    *,
    session: Session,
    path: Path,
    pcode: str | None = None,
    name: str | None = None,
    subdistrict_code: str | None = None,
    subdistrict_name: str | None = None,
    encoding: str | None = None,
    layer: str | None = None,
    source_crs: str | None = None,
) -> PlaceImportOutcome:
    """Read one tambon from a boundary file and insert or update it by its DOPA code.

    ``pcode``/``subdistrict_code`` and ``name``/``subdistrict_name`` choose the tambon in a
    file of many; where the file has no code or name, ``subdistrict_code`` and
    ``subdistrict_name`` give them.
    """
    read = read_subdistrict(
        path,
        pcode=pcode or subdistrict_code,
        name=name or subdistrict_name,
        encoding=encoding,
        layer=layer,
        source_crs=source_crs,
    )
    code = read.code or (dopa_code(subdistrict_code) if subdistrict_code else None)
    if subdistrict_code and code is None:
        raise LayerReadError("boundary_code_invalid", file=path.name, value=subdistrict_code)
    label = read.name or subdistrict_name or name
    if code is None or label is None:
        raise LayerReadError("boundary_code_missing", file=path.name)
    values = {
        "name": label,
        "name_en": read.name_en,
        "district": read.district,
        "province": read.province,
    }
    subdistrict, saved = save_subdistrict(
        session=session, code=code, values=values, boundary=read.boundary
    )
    session.commit()
    return PlaceImportOutcome(read.report, saved, _subdistrict_headline(read, subdistrict))


def _subdistrict_headline(read: SubdistrictBoundary, subdistrict: Subdistrict) -> str:
    shape = gpd.GeoSeries([read.boundary], crs=WGS84)
    area_km2 = float(shape.to_crs(shape.estimate_utm_crs()).area.iloc[0]) / 1e6
    where_th = " ".join(p for p in (subdistrict.district, subdistrict.province) if p)
    where_en = ", ".join(p for p in (read.name_en, read.district_en, read.province_en) if p)
    chosen = f" (1 of {read.candidates} in the file)" if read.candidates > 1 else ""
    return (
        f"ตำบล{subdistrict.name} {where_th} รหัส {subdistrict.code} พื้นที่ {area_km2:,.2f} ตร.กม.\n"
        f"Subdistrict {subdistrict.code} {where_en}{chosen}: {area_km2:,.2f} km²"
        + (f", pcode {read.pcode}" if read.pcode else "")
    )


def _stored_report(
    read: ImportReport,
    loaded: int,
    rejected: list[RowNote],
    repaired: list[RowNote] | None = None,
) -> ImportReport:
    """The file's report with what storing found: the rows loaded, and the rows it rejected
    or noted (in row order among the file's own)."""
    return dataclasses.replace(
        read,
        loaded=loaded,
        rejected=sorted([*read.rejected, *rejected], key=lambda n: n.row),
        repaired=[*read.repaired, *(repaired or [])],
    )


def _subdistrict(session: Session, code: str | None) -> Subdistrict:
    if code:
        found = subdistrict_by_code(session=session, code=dopa_code(code) or code)
    else:
        found = only_subdistrict(session=session)
    if found is None:
        raise InvalidInput.of("subdistrict_missing", field="subdistrict_code")
    return found


def import_village_centres(
    *,
    session: Session,
    path: Path,
    subdistrict_code: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
) -> PlaceImportOutcome:
    """Read village centres and store the villages with approximate areas.

    The subdistrict's boundary is divided among the centres (nearest centre, clipped to the
    boundary). Villages with real (imported) boundaries keep them: the rest of the
    subdistrict is divided among the other centres. Centres outside the boundary are
    rejected in the report.
    """
    subdistrict = _subdistrict(session, subdistrict_code)
    if subdistrict.boundary is None:
        raise InvalidInput.of(
            "centres_no_boundary", field="subdistrict_code", subdistrict=subdistrict.code
        )
    outline = shapely.make_valid(subdistrict.boundary)
    read = read_village_centres(
        path, subdistrict_code=subdistrict.code, encoding=encoding, sheet=sheet, within=outline
    )
    centres = read.centres
    real = villages_with_real_boundaries(session=session, subdistrict_id=subdistrict.id or 0)
    real_numbers = {v.number for v in real}
    rejected: list[RowNote] = []
    notes: list[RowNote] = []
    keep = []
    for position, point in enumerate(centres.geometry):
        number = int(centres["number"].iloc[position])
        row = int(centres["row"].iloc[position])
        if number in real_numbers:
            why = render("centre_keeps_surveyed_area", number=number)
            notes.append(RowNote(row, *why))
            keep.append(True)
        elif point is not None and not outline.covers(point):
            why = render("centre_outside_subdistrict")
            rejected.append(RowNote(row, *why, f"{point.y:.6f}, {point.x:.6f}"))
            keep.append(False)
        else:
            keep.append(True)
    centres = centres[keep].reset_index(drop=True)
    located = centres.geometry.notna() & ~centres["number"].isin(real_numbers)
    areas = centres.copy()
    areas["geometry"] = None
    if located.any():
        free = (
            outline.difference(shapely.union_all([v.boundary for v in real])) if real else outline
        )
        divided = approximate_village_areas(
            gpd.GeoSeries([free], crs=WGS84), centres[located].reset_index(drop=True)
        )
        areas.loc[located, "geometry"] = list(divided.geometry.values)
    areas = gpd.GeoDataFrame(areas, geometry="geometry", crs=WGS84)
    saved = save_village_centres(session=session, subdistrict=subdistrict, villages=areas)
    session.commit()
    report = _stored_report(read.report, len(centres), rejected, notes)
    headline = (
        f"ตำบล{subdistrict.name} ({subdistrict.code}): {APPROXIMATE_AREA_TH} = ตำบลแบ่งตามจุด"
        f"ศูนย์กลางหมู่บ้านที่ใกล้ที่สุด จนกว่าจะนำเข้าขอบเขตจริง (fieldsvc import villages)\n"
        f"Subdistrict {subdistrict.code}: {APPROXIMATE_AREA_EN}s = the subdistrict divided by "
        "nearest village centre, until real boundaries are imported (fieldsvc import villages)"
    )
    return PlaceImportOutcome(report, saved, headline)


def import_house_counts(
    *,
    session: Session,
    path: Path,
    subdistrict_code: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
) -> PlaceImportOutcome:
    """Set each village's household figure from a registered house-count list.

    Rows are matched by 8-digit DOPA code (its last two digits are the village number, its
    first six must be the subdistrict's) or by village number; rows matching no village of
    the subdistrict are named in the report and change nothing.
    """
    subdistrict = _subdistrict(session, subdistrict_code)
    read = read_house_counts(path, encoding=encoding, sheet=sheet)
    known = village_numbers(session=session, subdistrict_id=subdistrict.id or 0)
    by_code = {code: number for number, code in known.items() if code}
    counts: dict[int, int] = {}
    unmatched: list[RowNote] = []
    for record in read.counts.to_dict("records"):
        number = _match(record, known, by_code, subdistrict.code)
        if number is None:
            why = render("house_count_village_unknown", code=subdistrict.code)
            shown = record["code"] or f"หมู่ {record['number']}"
            unmatched.append(RowNote(int(record["row"]), *why, str(shown)))
        else:
            counts[number] = int(record["houses"])
    saved = save_house_counts(session=session, subdistrict=subdistrict, counts=counts)
    saved.unmatched = [note.line() for note in unmatched]
    session.commit()
    report = _stored_report(read.report, len(counts), unmatched)
    headline = (
        f"จำนวนบ้านตามทะเบียนราษฎร์ {sum(counts.values()):,} หลัง ใน {len(counts)} หมู่บ้าน\n"
        f"Registered houses: {sum(counts.values()):,} in {len(counts)} villages"
    )
    return PlaceImportOutcome(report, saved, headline)


def _match(
    record: dict[str, object],
    known: dict[int, str | None],
    by_code: dict[str, int],
    subdistrict_code: str,
) -> int | None:
    code = record["code"]
    if isinstance(code, str):
        if code in by_code:
            return by_code[code]
        if not code.startswith(subdistrict_code):
            return None
        coded = int(code[6:])
        return coded if coded in known and known[coded] in (None, code) else None
    given = record["number"]
    if given is None or pd.isna(given):
        return None
    number = int(str(given))
    return number if number in known else None
