"""Read household (demand) points or bin points from a map file."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

import geopandas as gpd
import pandas as pd

from fieldsvc.ingest.columns import FieldRole, find_column
from fieldsvc.ingest.geometry import as_point
from fieldsvc.ingest.layer_files import SOURCE_LAYER_COLUMN, WGS84, read_layer_with_warnings
from fieldsvc.ingest.report import ImportReport, NoteCollector
from fieldsvc.ingest.rows import Row, iter_rows
from fieldsvc.ingest.values import (
    clean_text,
    is_blank,
    parse_bin_code,
    parse_date,
    parse_litres,
    parse_village_number,
    parse_whole,
)
from fieldsvc.ingest.vocab import match_condition, match_stream
from fieldsvc.problems import render, render_line

PointKind = Literal["households", "bins"]

_VILLAGE: Final = FieldRole(
    "village_number",
    "หมู่ที่",
    (
        "village_number",
        "village_moo",
        "moo",
        "หมู่ที่",
        "หมู่",
        "vill_no",
        "village_no",
        "village",
    ),  # fmt: skip
)
POINT_FIELDS: Final[dict[PointKind, dict[str, FieldRole]]] = {
    "households": {
        "ref": FieldRole(
            "ref",
            "รหัสอ้างอิง",
            ("ref", "household_id", "hh_id", "รหัสบ้าน", "รหัส", "id", "uuid", "instanceid", "key"),
        ),
        "persons": FieldRole(
            "persons",
            "จำนวนคน",
            ("persons", "members", "people", "จำนวนคน", "จำนวนสมาชิก", "สมาชิก", "คน"),
        ),
        "village_number": _VILLAGE,
        "house_no": FieldRole(
            "house_no", "บ้านเลขที่", ("house_no", "house_number", "houseno", "บ้านเลขที่", "เลขที่")
        ),
    },
    "bins": {
        "code": FieldRole(
            "code", "รหัสถัง", ("code", "bin_code", "asset_code", "qr", "รหัสถัง", "รหัส", "id")
        ),
        "village_number": _VILLAGE,
        "capacity_l": FieldRole(
            "capacity_l",
            "ความจุ (ลิตร)",
            ("capacity_l", "capacity", "size_l", "volume_l", "ความจุ", "ขนาด"),
        ),
        "stream": FieldRole(
            "stream", "ประเภทขยะ", ("stream", "waste_type", "type", "ประเภทขยะ", "ประเภท")
        ),
        "condition": FieldRole("condition", "สภาพ", ("condition", "status", "สภาพ", "สถานะ")),
        "installed_on": FieldRole(
            "installed_on",
            "วันที่ติดตั้ง",
            ("installed_on", "installed", "install_date", "วันที่ติดตั้ง", "date", "วันที่"),
        ),
        "inspected_on": FieldRole(
            "inspected_on",
            "วันที่สำรวจล่าสุด",
            ("last_inspected", "inspected_on", "inspected", "survey_date", "วันที่สำรวจ"),
        ),
    },
}
_KEY: Final[dict[PointKind, str]] = {"households": "ref", "bins": "code"}


@dataclass(frozen=True)
class PointLayer:
    """Points read from one file and what happened to each row.

    Attributes
    ----------
    points : GeoDataFrame
        EPSG:4326 Points, in file order. Households: ``ref`` (str or None, external id for
        idempotent re-import), ``persons``, ``village_number`` (nullable Int64),
        ``house_no`` (str or None). Bins: ``code`` (str or None), ``village_number``,
        ``capacity_l`` (nullable Int64), ``stream``, ``condition`` (vocabulary codes or
        None), ``installed_on`` and ``inspected_on`` (``datetime.date`` or None).
    kind : {"households", "bins"}
    report : ImportReport
    """

    points: gpd.GeoDataFrame
    kind: PointKind
    report: ImportReport


def read_points(
    path: str | os.PathLike[str],
    *,
    kind: PointKind,
    fields: dict[str, str] | None = None,
    encoding: str | None = None,
    layer: str | None = None,
    source_crs: str | None = None,
) -> PointLayer:
    """Read household or bin points, map their fields and check every row.

    Parameters
    ----------
    path : str or PathLike
        Any file ``read_layer`` accepts (GeoJSON, GeoPackage, Shapefile, KML).
    kind : {"households", "bins"}
        Which columns to produce (see ``PointLayer``).
    fields : dict of str to str, optional
        Output column -> source column, e.g. ``{"persons": "สมาชิก"}``. Output columns
        not given are guessed from common Thai and English names.
    encoding, layer, source_crs : str, optional
        Passed to ``read_layer``.

    Returns
    -------
    PointLayer
        Non-point geometry and repeated ``ref``/``code`` values are rejected with the
        row; unreadable optional values (persons, capacity, stream, ...) are left blank
        and reported as repairs.

    Raises
    ------
    ValueError
        When ``kind`` is unknown or ``fields`` names an output column of another kind.
    LayerReadError
        When the file cannot be read or a given source column is not in it.

    Examples
    --------
    >>> bins = read_points("bins.geojson", kind="bins")  # doctest: +SKIP
    >>> bins.points["stream"].value_counts()  # doctest: +SKIP
    """
    if kind not in POINT_FIELDS:
        raise ValueError(f"kind must be 'households' or 'bins', not {kind!r}")
    roles = POINT_FIELDS[kind]
    given = dict(fields or {})
    unknown = sorted(set(given) - set(roles))
    if unknown:
        raise ValueError(f"fields for {kind} are {sorted(roles)}; unknown: {unknown}")
    frame, file_warnings = read_layer_with_warnings(
        path, encoding=encoding, layer=layer, source_crs=source_crs
    )
    file = Path(path).name
    columns = [str(c) for c in frame.columns if c not in (frame.geometry.name, SOURCE_LAYER_COLUMN)]
    picked = {
        role: find_column(columns, field_role, given=given.get(role), file=file)
        for role, field_role in roles.items()
    }
    notes = NoteCollector(warnings=list(file_warnings))
    key = _KEY[kind]
    if picked[key] is None:
        notes.warnings.append(
            render_line(
                "no_point_id_column",
                label_th=roles[key].label_th,
                column=key,
                tried=", ".join(roles[key].candidates),
            )
        )
    read_row = _read_household if kind == "households" else _read_bin
    records: list[dict[str, object]] = []
    first_row: dict[str, int] = {}
    for row in iter_rows(frame, notes):
        check = as_point(row.geometry)
        if check.geometry is None:
            row.reject(check.reason_th or "", check.reason_en or "", check.value)
            continue
        record = read_row(row, picked)
        ident = record[key]
        if isinstance(ident, str) and ident in first_row:
            repeated = render(
                "point_id_repeated", label_th=roles[key].label_th, column=key, row=first_row[ident]
            )
            row.reject(*repeated, ident)
            continue
        if isinstance(ident, str):
            first_row[ident] = row.number
        records.append({**record, "geometry": check.geometry})
    points = _point_frame(records, kind)
    field_map = {role: column for role, column in picked.items() if column is not None}
    return PointLayer(points=points, kind=kind, report=notes.freeze(len(points), field_map))


def _read_household(row: Row, picked: dict[str, str | None]) -> dict[str, object]:
    return {
        "ref": clean_text(row.get(picked["ref"])),
        "persons": row.optional(_parse_count, picked["persons"], "จำนวนคน", "persons"),
        "village_number": row.optional(
            parse_village_number, picked["village_number"], "หมู่ที่", "village number"
        ),
        "house_no": clean_text(row.get(picked["house_no"])),
    }


def _read_bin(row: Row, picked: dict[str, str | None]) -> dict[str, object]:
    stream, condition = _vocab(match_stream), _vocab(match_condition)
    return {
        "code": row.optional(parse_bin_code, picked["code"], "รหัสถัง", "bin code"),
        "village_number": row.optional(
            parse_village_number, picked["village_number"], "หมู่ที่", "village number"
        ),
        "capacity_l": row.optional(_parse_capacity_l, picked["capacity_l"], "ความจุ", "capacity"),
        "stream": row.optional(stream, picked["stream"], "ประเภทขยะ", "stream"),
        "condition": row.optional(condition, picked["condition"], "สภาพ", "condition"),
        "installed_on": row.optional(
            parse_date, picked["installed_on"], "วันที่ติดตั้ง", "installation date"
        ),
        "inspected_on": row.optional(
            parse_date, picked["inspected_on"], "วันที่สำรวจล่าสุด", "last inspection date"
        ),
    }


def _parse_count(value: object) -> int:
    return parse_whole(value, unit_word=True)  # "3", "3 คน"


def _parse_capacity_l(value: object) -> int:
    litres = parse_litres(value)  # "240", "240 L", "240 ลิตร"
    if not 1 <= litres <= 20_000:
        raise ValueError(value)
    return litres


def _vocab(match: Callable[[str], str | None]) -> Callable[[object], str | None]:
    def parse(value: object) -> str | None:
        if is_blank(value):
            return None
        code = match(str(value))
        if code is None:
            raise ValueError(value)
        return code

    return parse


_DTYPES: Final[dict[str, str]] = {
    "persons": "Int64",
    "village_number": "Int64",
    "capacity_l": "Int64",
}


def _point_frame(records: list[dict[str, object]], kind: PointKind) -> gpd.GeoDataFrame:
    columns = list(POINT_FIELDS[kind])
    data = {
        column: pd.Series([r[column] for r in records], dtype=_DTYPES.get(column, object))
        for column in columns
    }
    geometry = gpd.GeoSeries([r["geometry"] for r in records], crs=WGS84)
    return gpd.GeoDataFrame(data, geometry=geometry, crs=WGS84)
