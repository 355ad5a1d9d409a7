"""Read village centres (one point per หมู่บ้าน) from a CSV/Excel list or an OpenStreetMap
extract, for dividing a subdistrict into approximate village areas.

* A list (CSV, Excel): a village number column (``หมู่``, ``moo``) or an 8-digit DOPA village
  code ``CCAATTMM`` (province, amphoe, tambon, then the หมู่ number in the last two digits), a
  name and ``lat``/``lon``. A DOPA province list holds every tambon's villages: rows whose code
  is of another tambon are skipped (counted in the report).
* An ``.osm.pbf`` extract: nodes tagged ``place=village`` or ``place=hamlet``; the Thai name
  ``name:th`` is preferred over ``name``; the number comes from ``moo``,
  ``addr:village_number``, ``village_number`` or a name such as "หมู่ที่ 3 บ้านหนองบัว".
  When OpenStreetMap gives no numbers, the villages are numbered from north to south and the
  report says so — they must be checked against the village register.
"""

from __future__ import annotations

import json
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from fieldsvc.ingest.columns import FieldRole
from fieldsvc.ingest.errors import LayerReadError
from fieldsvc.ingest.layer_files import WGS84
from fieldsvc.ingest.report import ImportReport, NoteCollector
from fieldsvc.ingest.values import (
    MAX_VILLAGE_NUMBER,
    clean_text,
    is_blank,
    parse_number,
    parse_village_number,
    village_number_in_text,
)
from fieldsvc.ingest.village_lists import (
    RowRejected,
    read_village_list,
    village_code,
    village_number,
)
from fieldsvc.problems import render, render_line

OSM_SUFFIXES: Final = (".osm.pbf", ".pbf")

CENTRE_FIELDS: Final = {
    "code": FieldRole("code", "รหัสหมู่บ้าน", ("village_code", "vill_code", "รหัสหมู่บ้าน", "code", "รหัส")),
    "number": FieldRole(
        "number", "หมู่ที่", ("หมู่ที่", "หมู่", "moo", "number", "village_no", "vill_no", "ม.")
    ),
    "name": FieldRole(
        "name", "ชื่อหมู่บ้าน", ("ชื่อหมู่บ้าน", "name_th", "name", "village_name", "vill_nm_t", "ชื่อ")
    ),
    "lat": FieldRole("lat", "ละติจูด", ("lat", "latitude", "ละติจูด", "y")),
    "lon": FieldRole("lon", "ลองจิจูด", ("lon", "lng", "long", "longitude", "ลองจิจูด", "x")),
}

#: OpenStreetMap tags that may carry the village number (หมู่ที่), best first.
OSM_NUMBER_TAGS: Final = ("moo", "addr:village_number", "village_number", "ref")


@dataclass(frozen=True)
class VillageCentres:
    """Village centres read from one file.

    Attributes
    ----------
    centres : GeoDataFrame
        One row per village number, sorted by it, EPSG:4326: ``row`` (int64, the row of the
        sheet, or the place's position north to south in an extract), ``number`` (int64), ``name``
        (str), ``code`` (str or None), geometry a Point or None (a listed village without a
        position).
    numbered : bool
        True when the numbers were given here (north to south), not read from the file.
    report : ImportReport
    """

    centres: gpd.GeoDataFrame
    numbered: bool
    report: ImportReport


def is_osm_extract(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` names an OpenStreetMap ``.pbf`` extract (by its name)."""
    return Path(path).name.casefold().endswith(OSM_SUFFIXES)


def read_village_centres(
    path: str | os.PathLike[str],
    *,
    subdistrict_code: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    within: BaseGeometry | None = None,
) -> VillageCentres:
    """Read village centres from a CSV/Excel list or an ``.osm.pbf`` extract.

    Parameters
    ----------
    path : str or PathLike
        ``.csv``/``.tsv``/``.xlsx`` or ``.osm.pbf``.
    subdistrict_code : str, optional
        The 6-digit DOPA code of the subdistrict: list rows whose 8-digit village code starts
        otherwise are skipped.
    encoding, sheet : str, optional
        Text encoding of a CSV, worksheet of an Excel file.
    within : shapely geometry, optional
        The subdistrict (EPSG:4326): places of an extract outside it are skipped (an extract
        usually covers a whole province), counted in the report, before any numbering.

    Returns
    -------
    VillageCentres

    Raises
    ------
    LayerReadError
        The file has no number/code or position columns, or no village at all.
    ImportFailed
        The sheet cannot be read.
    """
    if is_osm_extract(path):
        return _read_osm(Path(path), within)
    return _read_list(Path(path), subdistrict_code, encoding, sheet)


# --- a list (CSV / Excel) ----------------------------------------------------------------------


def _read_list(
    path: Path, subdistrict_code: str | None, encoding: str | None, sheet: str | None
) -> VillageCentres:
    listed = read_village_list(path, CENTRE_FIELDS, encoding=encoding, sheet=sheet)
    if listed.picked["number"] is None and listed.picked["code"] is None:
        raise LayerReadError(
            "centres_columns_missing", file=path.name, columns=", ".join(listed.headers)
        )
    notes = NoteCollector(warnings=list(listed.warnings))
    other_subdistricts = 0
    by_number: dict[int, dict[str, object]] = {}
    for row_number, values in listed.rows:
        read = _list_row(values, subdistrict_code, row_number, notes)
        if read == "other":
            other_subdistricts += 1
        elif isinstance(read, dict):
            _keep(by_number, read, row_number, notes)
    if other_subdistricts:
        line = render_line(
            "centres_other_subdistricts", count=other_subdistricts, code=subdistrict_code
        )
        notes.warnings.append(line)
    frame = _centre_frame(list(by_number.values()))
    report = notes.freeze(len(frame), listed.field_map())
    return VillageCentres(frame, numbered=False, report=report)


def _list_row(
    values: dict[str, object], subdistrict_code: str | None, row: int, notes: NoteCollector
) -> dict[str, object] | str | None:
    """One listed village, ``"other"`` for a village of another subdistrict, None if rejected."""
    number: int | None = None
    try:
        code = village_code(values["code"])
        if code is not None:
            if subdistrict_code and not code.startswith(subdistrict_code):
                return "other"
            number = int(code[6:])
        given = village_number(values["number"])
    except RowRejected as rejected:
        rejected.note(row, notes)
        return None
    name = clean_text(values["name"])
    if given is None and number is None and name is not None:
        given = village_number_in_text(name)
    if given is not None and number is not None and given != number:
        why = render("centre_number_conflict", number=given, from_code=number)
        notes.reject(row, *why, code, None)
        return None
    number = number if number is not None else given
    if number is None or not 1 <= number <= MAX_VILLAGE_NUMBER:
        notes.reject(row, *render("village_number_missing"), name, None)
        return None
    point = _position(values["lon"], values["lat"])
    if point is None:
        text = f"{values['lat']}, {values['lon']}"
        notes.repair(row, *render("centre_without_position"), text, None)
    return {"row": row, "number": number, "name": name, "code": code, "geometry": point}


def _position(lon: object, lat: object) -> shapely.Point | None:
    try:
        x, y = parse_number(lon), parse_number(lat)
    except ValueError:
        return None
    if not (-180 <= x <= 180 and -90 <= y <= 90):
        return None
    return shapely.Point(x, y)


def _keep(
    by_number: dict[int, dict[str, object]], read: dict[str, object], row: int, notes: NoteCollector
) -> None:
    number = int(str(read["number"]))
    first = by_number.get(number)
    if first is not None:
        why = render("centre_number_repeated", number=number, row=first["row"])
        notes.reject(row, *why, clean_text(read["name"]), None)
        return
    by_number[number] = read


def _centre_frame(records: list[dict[str, object]]) -> gpd.GeoDataFrame:
    records = sorted(records, key=lambda r: int(str(r["number"])))
    return gpd.GeoDataFrame(
        {
            "row": pd.Series([int(str(r["row"])) for r in records], dtype="int64"),
            "number": pd.Series([int(str(r["number"])) for r in records], dtype="int64"),
            "name": pd.Series([r["name"] or f"หมู่ที่ {r['number']}" for r in records], dtype=object),
            "code": pd.Series([r["code"] for r in records], dtype=object),
        },
        geometry=gpd.GeoSeries([r["geometry"] for r in records], crs=WGS84),
        crs=WGS84,
    )


# --- an OpenStreetMap extract ------------------------------------------------------------------


def _read_osm(path: Path, within: BaseGeometry | None) -> VillageCentres:
    file = path.name
    if not path.is_file():
        raise LayerReadError("file_not_found", file=file)
    places = osm_places(path)
    notes = NoteCollector()
    if within is not None and not places.empty:
        inside = shapely.covers(within, shapely.points(places["lon"], places["lat"]))
        if (~inside).any():
            notes.warnings.append(
                render_line("centres_outside_skipped", count=int((~inside).sum()))
            )
        places = places[inside].reset_index(drop=True)
    if places.empty:
        raise LayerReadError("centres_none_found", file=file)
    by_number: dict[int, dict[str, object]] = {}
    unnumbered: list[dict[str, object]] = []
    # North to south, then west to east: the order numbers are given in when OSM has none.
    order = sorted(range(len(places)), key=lambda i: (-places["lat"][i], places["lon"][i]))
    for row, i in enumerate(order, start=1):
        name = clean_text(places["name_th"][i]) or clean_text(places["name"][i])
        number = _osm_number(places["number_tags"][i], name)
        point = shapely.Point(float(places["lon"][i]), float(places["lat"][i]))
        record: dict[str, object] = {"row": row, "number": number, "name": name, "code": None}
        record["geometry"] = point
        if number is None:
            unnumbered.append(record)
        else:
            _keep(by_number, record, row, notes)
    numbered = bool(unnumbered)
    if unnumbered:
        free = (n for n in range(1, MAX_VILLAGE_NUMBER + 1) if n not in by_number)
        given = []
        for record, number in zip(unnumbered, free, strict=False):
            record["number"] = number
            by_number[number] = record
            given.append(number)
        notes.warnings.append(
            render_line("centres_numbered", count=len(given), numbers=_ranges(given))
        )
    frame = _centre_frame(list(by_number.values()))
    field_map = {"name": "name:th / name", "number": " / ".join(OSM_NUMBER_TAGS)}
    return VillageCentres(frame, numbered=numbered, report=notes.freeze(len(frame), field_map))


def _osm_number(tags: dict[str, str], name: str | None) -> int | None:
    for tag in OSM_NUMBER_TAGS:
        if tag in tags:
            try:
                number = parse_village_number(tags[tag])
            except ValueError:
                continue
            if number is not None:
                return number
    return village_number_in_text(name) if name else None


def _ranges(numbers: list[int]) -> str:
    """``[1, 2, 3, 5]`` → ``"1–3, 5"``."""
    parts: list[str] = []
    for number in sorted(numbers):
        if parts and parts[-1].split("–")[-1] == str(number - 1):
            parts[-1] = f"{parts[-1].split('–')[0]}–{number}"
        else:
            parts.append(str(number))
    return ", ".join(parts)


def osm_places(path: Path) -> pd.DataFrame:
    """Nodes tagged ``place=village|hamlet`` of an ``.osm.pbf`` file.

    Returns
    -------
    DataFrame
        ``lon, lat`` (float), ``name``, ``name_th`` (str or None) and ``number_tags`` (dict of
        the tags that may carry the village number), in file order.
    """
    from pyrosm import OSM  # imported lazily: pyrosm is slow to import

    with warnings.catch_warnings():
        # "Could not find any OSM data": an extract without villages is reported by the caller
        warnings.simplefilter("ignore", UserWarning)
        found = OSM(str(path)).get_data_by_custom_criteria(
            custom_filter={"place": ["village", "hamlet"]},
            osm_keys_to_keep="place",
            filter_type="keep",
            keep_nodes=True,
            keep_ways=False,
            keep_relations=False,
            extra_attributes=["name:th", *OSM_NUMBER_TAGS],
        )
    columns = ["lon", "lat", "name", "name_th", "number_tags"]
    if found is None or len(found) == 0:
        return pd.DataFrame(columns=columns)
    records = []
    for _, row in found.iterrows():
        tags = _osm_tags(row)
        records.append(
            {
                "lon": float(row.geometry.x),
                "lat": float(row.geometry.y),
                "name": tags.get("name"),
                "name_th": tags.get("name:th"),
                "number_tags": {t: tags[t] for t in OSM_NUMBER_TAGS if t in tags},
            }
        )
    return pd.DataFrame.from_records(records, columns=columns)


def _osm_tags(row: pd.Series) -> dict[str, str]:
    """All tags of a pyrosm row: its tag columns and the JSON of the others."""
    tags: dict[str, str] = {}
    raw = row.get("tags")
    if isinstance(raw, str) and raw:
        tags.update({str(k): str(v) for k, v in json.loads(raw).items() if v is not None})
    for tag in ("name", "name:th", *OSM_NUMBER_TAGS):
        if tag in row and not is_blank(row[tag]):
            tags[tag] = str(row[tag])
    return tags
