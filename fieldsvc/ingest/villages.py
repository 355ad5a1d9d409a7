"""Read village boundaries (หมู่บ้าน) from a map file into clean, numbered MultiPolygons."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Final, cast

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import MultiPolygon

from fieldsvc.ingest.columns import FieldRole, find_column
from fieldsvc.ingest.geometry import as_multipolygon, polygon_parts
from fieldsvc.ingest.layer_files import SOURCE_LAYER_COLUMN, WGS84, read_layer_with_warnings
from fieldsvc.ingest.report import ImportReport, NoteCollector
from fieldsvc.ingest.rows import Row, iter_rows
from fieldsvc.ingest.values import (
    MAX_VILLAGE_NUMBER,
    clean_text,
    parse_village_number,
    parse_whole,
    village_number_in_text,
)
from fieldsvc.problems import render, render_line

VILLAGE_COLUMNS: Final = ("number", "name", "code", "households", "population", "geometry")

VILLAGE_FIELDS: Final = {
    "number": FieldRole(
        "number",
        "หมู่ที่",
        (
            "number",
            "moo",
            "village_moo",
            "หมู่ที่",
            "หมู่",
            "vill_no",
            "village_no",
            "moo_no",
            "no",
        ),  # fmt: skip
    ),
    "name": FieldRole(
        "name",
        "ชื่อหมู่บ้าน",
        ("name_th", "ชื่อหมู่บ้าน", "ชื่อ", "vill_nm_t", "vill_name", "village_name", "name"),
    ),
    "code": FieldRole("code", "รหัสหมู่บ้าน", ("code", "village_code", "vill_code", "รหัส")),
    "households": FieldRole(
        "households", "จำนวนครัวเรือน", ("households", "hh", "จำนวนครัวเรือน", "ครัวเรือน")
    ),
    "population": FieldRole(
        "population", "จำนวนประชากร", ("population", "pop", "จำนวนประชากร", "ประชากร")
    ),
}


@dataclass(frozen=True)
class VillageLayer:
    """Villages read from one file and what happened to each row.

    Attributes
    ----------
    villages : GeoDataFrame
        One row per village number, sorted by it, EPSG:4326: ``number`` (int64, หมู่ที่),
        ``name`` (str), ``code`` (str or None), ``households`` and ``population``
        (nullable Int64), ``geometry`` (valid MultiPolygon).
    report : ImportReport
    """

    villages: gpd.GeoDataFrame
    report: ImportReport


@dataclass
class _Village:
    row: int
    number: int
    name: str | None
    code: str | None
    households: int | None
    population: int | None
    geometry: MultiPolygon


def read_villages(
    path: str | os.PathLike[str],
    *,
    name_field: str | None = None,
    number_field: str | None = None,
    code_field: str | None = None,
    households_field: str | None = None,
    population_field: str | None = None,
    encoding: str | None = None,
    layer: str | None = None,
    source_crs: str | None = None,
) -> VillageLayer:
    """Read village boundary polygons, map their fields and check every row.

    Parameters
    ----------
    path : str or PathLike
        Any file ``read_layer`` accepts.
    name_field, number_field, code_field, households_field, population_field : str, optional
        Source column for each output column. When not given, common Thai and English
        names are tried (``moo``, ``หมู่ที่``, ``VILL_NO``; ``name``, ``ชื่อหมู่บ้าน``,
        ``VILL_NM_T``, KML ``Name``; ...). A missing number is read from the name
        ("หมู่ 3", "หมู่ที่ ๓", "Moo 3").
    encoding, layer, source_crs : str, optional
        Passed to ``read_layer``.

    Returns
    -------
    VillageLayer
        Invalid polygons are repaired (polygonal parts of ``shapely.make_valid``) and
        reported; points/lines and rows without a usable number are rejected with the row
        and reason; parts sharing a number and name are merged, a number reused under
        another name is rejected.

    Raises
    ------
    LayerReadError
        When the file cannot be read at all or a given ``*_field`` is not in it.

    Examples
    --------
    >>> layer = read_villages("villages.zip", name_field="VILL_NM_T")  # doctest: +SKIP
    >>> print(layer.report.summary())  # doctest: +SKIP
    """
    frame, file_warnings = read_layer_with_warnings(
        path, encoding=encoding, layer=layer, source_crs=source_crs
    )
    file = Path(path).name
    columns = [str(c) for c in frame.columns if c not in (frame.geometry.name, SOURCE_LAYER_COLUMN)]
    given = {
        "number": number_field,
        "name": name_field,
        "code": code_field,
        "households": households_field,
        "population": population_field,
    }
    picked = {
        role: find_column(columns, VILLAGE_FIELDS[role], given=given[role], file=file)
        for role in VILLAGE_FIELDS
    }
    notes = NoteCollector(warnings=list(file_warnings))
    if picked["number"] is None:
        tried = ", ".join(VILLAGE_FIELDS["number"].candidates)
        notes.warnings.append(render_line("no_village_number_column", tried=tried))
    by_number: dict[int, _Village] = {}
    for row in iter_rows(frame, notes):
        village = _read_village(row, picked)
        if village is not None:
            _add_village(by_number, village, row)
    villages = _village_frame(sorted(by_number.values(), key=lambda v: v.number))
    field_map = {role: column for role, column in picked.items() if column is not None}
    return VillageLayer(villages=villages, report=notes.freeze(len(villages), field_map))


def _parse_count(value: object) -> int:
    return parse_whole(value, unit_word=True)  # "120", "120 ครัวเรือน"


def _read_village(row: Row, picked: dict[str, str | None]) -> _Village | None:
    name = clean_text(row.get(picked["name"]))
    raw_number = row.get(picked["number"])
    try:
        number = parse_village_number(raw_number)
    except ValueError:
        row.reject(*render("village_number_unreadable", highest=MAX_VILLAGE_NUMBER), raw_number)
        return None
    if number is None and name is not None:
        number = village_number_in_text(name)
    if number is None:
        row.reject(*render("village_number_missing"), name)
        return None
    check = as_multipolygon(row.geometry)
    if check.geometry is None:
        row.reject(check.reason_th or "", check.reason_en or "", check.value)
        return None
    if check.reason_en is not None:
        row.repair(check.reason_th or "", check.reason_en, check.value)
    return _Village(
        row=row.number,
        number=number,
        name=name,
        code=clean_text(row.get(picked["code"])),
        households=row.optional(_parse_count, picked["households"], "จำนวนครัวเรือน", "households"),
        population=row.optional(_parse_count, picked["population"], "จำนวนประชากร", "population"),
        geometry=cast(MultiPolygon, check.geometry),
    )


def _add_village(by_number: dict[int, _Village], village: _Village, row: Row) -> None:
    first = by_number.get(village.number)
    if first is None:
        by_number[village.number] = village
        return
    if first.name is None or village.name is None or first.name == village.name:
        first.geometry = MultiPolygon(
            polygon_parts(shapely.union(first.geometry, village.geometry))
        )
        first.name = first.name or village.name
        merged = render("village_parts_merged", number=village.number, row=first.row)
        row.repair(*merged, village.number)
        return
    taken = render("village_number_taken", number=village.number, row=first.row, name=first.name)
    row.reject(*taken, village.name)


def _village_frame(villages: list[_Village]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "number": pd.Series([v.number for v in villages], dtype="int64"),
            "name": pd.Series([v.name or f"หมู่ที่ {v.number}" for v in villages], dtype=object),
            "code": pd.Series([v.code for v in villages], dtype=object),
            "households": pd.Series([v.households for v in villages], dtype="Int64"),
            "population": pd.Series([v.population for v in villages], dtype="Int64"),
        },
        geometry=gpd.GeoSeries([v.geometry for v in villages], crs=WGS84),
        crs=WGS84,
    )
