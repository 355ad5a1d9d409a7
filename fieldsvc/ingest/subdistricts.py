"""Read one subdistrict (ตำบล) boundary from an administrative-boundary file.

The usual source is OCHA's COD-AB for Thailand (from the Royal Thai Survey Department): one
polygon per tambon with ``ADM3_PCODE`` (``"TH"`` + the 6-digit DOPA code, e.g. ``TH570101``),
``ADM3_TH``/``ADM3_EN`` and the amphoe (``ADM2_*``) and province (``ADM1_*``) names. A national
file holds ~7,400 tambons, so one is chosen by pcode, DOPA code or name. A file without those
attributes (a boundary drawn by the office) is accepted when it holds a single subdistrict;
its code and name are then given by the caller.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import geopandas as gpd
import shapely
from shapely.geometry import MultiPolygon

from fieldsvc.ingest.columns import FieldRole, find_column
from fieldsvc.ingest.errors import LayerReadError
from fieldsvc.ingest.geometry import as_multipolygon, polygon_parts
from fieldsvc.ingest.layer_files import SOURCE_LAYER_COLUMN, read_layer_with_warnings
from fieldsvc.ingest.report import ImportReport, NoteCollector
from fieldsvc.ingest.values import arabic_digits, clean_text

#: COD-AB attribute names first, then names an office's own file may use.
SUBDISTRICT_FIELDS: Final = {
    "pcode": FieldRole("pcode", "รหัสตำบล", ("ADM3_PCODE", "TAM_CODE", "TB_CODE", "tambon_code")),
    "name": FieldRole("name", "ชื่อตำบล", ("ADM3_TH", "TAM_NAM_T", "TB_TN", "tambon_th")),
    "name_en": FieldRole("name_en", "ชื่อตำบล (อังกฤษ)", ("ADM3_EN", "TAM_NAM_E", "TB_EN")),
    "district": FieldRole("district", "อำเภอ", ("ADM2_TH", "AMP_NAM_T", "AP_TN")),
    "district_en": FieldRole("district_en", "อำเภอ (อังกฤษ)", ("ADM2_EN", "AMP_NAM_E", "AP_EN")),
    "province": FieldRole("province", "จังหวัด", ("ADM1_TH", "PROV_NAM_T", "PV_TN")),
    "province_en": FieldRole("province_en", "จังหวัด (อังกฤษ)", ("ADM1_EN", "PROV_NAM_E", "PV_EN")),
}

_PCODE: Final = re.compile(r"^(?:TH)?(\d{6})$", re.IGNORECASE)
_TAMBON_PREFIX: Final = re.compile(r"^(?:ตำบล|ต\.|tambon\s+)", re.IGNORECASE)
_SHOWN_CHOICES: Final = 5


@dataclass(frozen=True)
class SubdistrictBoundary:
    """One subdistrict read from a boundary file.

    Attributes
    ----------
    code : str or None
        The 6-digit DOPA code (``"570101"``), from ``ADM3_PCODE`` without its ``"TH"``; None
        when the file has no code column.
    pcode : str or None
        The pcode as written in the file (``"TH570101"``).
    name, name_en, district, district_en, province, province_en : str or None
        Thai and English names from the file's attributes.
    boundary : MultiPolygon
        Valid, in EPSG:4326.
    candidates : int
        How many subdistricts the file held (1 for a single-tambon file).
    report : ImportReport
    """

    code: str | None
    pcode: str | None
    name: str | None
    name_en: str | None
    district: str | None
    district_en: str | None
    province: str | None
    province_en: str | None
    boundary: MultiPolygon
    candidates: int
    report: ImportReport


def dopa_code(pcode: object) -> str | None:
    """The 6-digit DOPA tambon code of a COD-AB pcode (``"TH570101"`` → ``"570101"``).

    >>> dopa_code("TH570101"), dopa_code("570101"), dopa_code("TH5701")
    ('570101', '570101', None)
    """
    text = clean_text(pcode)
    if text is None:
        return None
    match = _PCODE.fullmatch(arabic_digits(text).replace(" ", ""))
    return match.group(1) if match else None


def _name_key(name: object) -> str:
    text = clean_text(name) or ""
    return _TAMBON_PREFIX.sub("", text).strip().casefold()


def read_subdistrict(
    path: str | os.PathLike[str],
    *,
    pcode: str | None = None,
    name: str | None = None,
    encoding: str | None = None,
    layer: str | None = None,
    source_crs: str | None = None,
) -> SubdistrictBoundary:
    """Read the boundary, code and names of one subdistrict from a boundary file.

    Parameters
    ----------
    path : str or PathLike
        GeoJSON, GeoPackage, Shapefile (``.shp`` or ``.zip``) or KML, as ``read_layer``.
    pcode : str, optional
        The tambon to take: a pcode (``"TH570101"``) or DOPA code (``"570101"``). Ignored
        when the file has no code column.
    name : str, optional
        The tambon to take by its Thai or English name (``"ริมกก"``, ``"ตำบลริมกก"``,
        ``"Rim Kok"``), when no ``pcode`` is given. Ignored when the file has no name column.
    encoding, layer, source_crs : str, optional
        Passed to ``read_layer``.

    Returns
    -------
    SubdistrictBoundary
        Polygons of the chosen tambon (several rows with its code are merged).

    Raises
    ------
    LayerReadError
        The file cannot be read, holds no polygon, has several tambons and none was chosen,
        or the chosen one is not in it.
    """
    frame, file_warnings = read_layer_with_warnings(
        path, encoding=encoding, layer=layer, source_crs=source_crs
    )
    file = Path(path).name
    columns = [str(c) for c in frame.columns if c not in (frame.geometry.name, SOURCE_LAYER_COLUMN)]
    picked = {
        role: find_column(columns, field, given=None, file=file)
        for role, field in SUBDISTRICT_FIELDS.items()
    }
    notes = NoteCollector(warnings=list(file_warnings))
    polygonal = frame[frame.geometry.notna() & frame.geometry.geom_type.isin(_POLYGONAL)]
    if polygonal.empty:
        raise LayerReadError("boundary_no_polygon", file=file)
    keys = _tambon_keys(polygonal, picked)
    candidates = len(set(keys))
    chosen = _choose(polygonal, keys, picked, pcode=pcode, name=name, file=file)
    rows = polygonal[[k == chosen for k in keys]]
    first = rows.iloc[0]

    def value(role: str) -> str | None:
        column = picked[role]
        return clean_text(first[column]) if column is not None else None

    raw_pcode = value("pcode")
    code = dopa_code(raw_pcode)
    if raw_pcode is not None and code is None:
        raise LayerReadError("boundary_code_invalid", file=file, value=raw_pcode)
    boundary = _dissolve(rows.geometry, notes)
    field_map = {role: column for role, column in picked.items() if column is not None}
    return SubdistrictBoundary(
        code=code,
        pcode=raw_pcode,
        name=value("name"),
        name_en=value("name_en"),
        district=value("district"),
        district_en=value("district_en"),
        province=value("province"),
        province_en=value("province_en"),
        boundary=boundary,
        candidates=candidates,
        report=notes.freeze(1, field_map),
    )


_POLYGONAL: Final = ("Polygon", "MultiPolygon")


def _tambon_keys(frame: gpd.GeoDataFrame, picked: dict[str, str | None]) -> list[str]:
    """One key per row naming its tambon: the DOPA code, else the name, else the row; a file
    with neither column is one subdistrict drawn in parts."""
    if picked["pcode"] is None and picked["name"] is None:
        return ["file"] * len(frame)
    keys = []
    for position, (_, row) in enumerate(frame.iterrows()):
        code = dopa_code(row[picked["pcode"]]) if picked["pcode"] else None
        label = clean_text(row[picked["name"]]) if picked["name"] else None
        keys.append(code or (f"name:{label}" if label else f"row:{position + 1}"))
    return keys


def _describe(frame: gpd.GeoDataFrame, keys: list[str], picked: dict[str, str | None]) -> str:
    shown: dict[str, str] = {}
    for key, (_, row) in zip(keys, frame.iterrows(), strict=True):
        if key in shown:
            continue
        parts = [clean_text(row[picked[r]]) for r in ("pcode", "name", "name_en") if picked[r]]
        shown[key] = " ".join(p for p in parts if p) or key
    listed = list(shown.values())
    more = f" … (+{len(listed) - _SHOWN_CHOICES})" if len(listed) > _SHOWN_CHOICES else ""
    return ", ".join(listed[:_SHOWN_CHOICES]) + more


def _choose(
    frame: gpd.GeoDataFrame,
    keys: list[str],
    picked: dict[str, str | None],
    *,
    pcode: str | None,
    name: str | None,
    file: str,
) -> str:
    distinct = list(dict.fromkeys(keys))
    if len(distinct) == 1 and keys[0] == "file":
        return "file"  # no code or name in the file: the caller names it
    if pcode and picked["pcode"] is not None:
        wanted = dopa_code(pcode)
        if wanted is None:
            raise LayerReadError("boundary_code_invalid", file=file, value=pcode)
        if wanted in distinct:
            return wanted
        found = _describe(frame, keys, picked)
        raise LayerReadError("boundary_tambon_not_found", file=file, wanted=pcode, found=found)
    if name and picked["name"] is not None or name and picked["name_en"] is not None:
        wanted_name = _name_key(name)
        for key, (_, row) in zip(keys, frame.iterrows(), strict=True):
            names = [row[picked[r]] for r in ("name", "name_en") if picked[r]]
            if any(_name_key(n) == wanted_name for n in names):
                return key
        found = _describe(frame, keys, picked)
        raise LayerReadError("boundary_tambon_not_found", file=file, wanted=name, found=found)
    if len(distinct) == 1:
        return distinct[0]
    found = _describe(frame, keys, picked)
    raise LayerReadError("boundary_tambon_ambiguous", file=file, count=len(distinct), found=found)


def _dissolve(geometries: gpd.GeoSeries, notes: NoteCollector) -> MultiPolygon:
    parts = []
    for position, geometry in enumerate(geometries, start=1):
        check = as_multipolygon(geometry)
        if check.geometry is None:
            notes.reject(position, check.reason_th or "", check.reason_en or "", check.value, None)
            continue
        if check.reason_en is not None:
            notes.repair(position, check.reason_th or "", check.reason_en, check.value, None)
        parts.append(check.geometry)
    return MultiPolygon(polygon_parts(shapely.union_all(parts)))
