"""Open a GeoJSON, GeoPackage, Shapefile (plain or zipped) or KML/KMZ file in WGS 84.

Only the file: no field mapping, no row validation (see ``villages`` and ``points``).
"""

from __future__ import annotations

import os
import re
import tempfile
import warnings
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
from pyproj import CRS
from pyproj.exceptions import CRSError

from fieldsvc.ingest.errors import LayerReadError
from fieldsvc.ingest.zip_files import extract_from_zip
from fieldsvc.problems import render_line

WGS84: Final = "EPSG:4326"
# Generous box around Thailand; features outside it usually mean a wrong CRS or UTM zone.
THAILAND_BOUNDS: Final = (97.0, 5.3, 106.0, 20.8)
SOURCE_LAYER_COLUMN: Final = "source_layer"

_SPREADSHEETS: Final = {".csv", ".tsv", ".xlsx", ".xls", ".ods"}
_KNOWN_SUFFIXES: Final = {".shp", ".geojson", ".json", ".gpkg", ".kml", ".kmz", ".zip"}
# Fixed LIBKML schema columns that carry styling, not data.
_KML_HOUSEKEEPING: Final = (
    "id", "timestamp", "begin", "end", "altitudeMode", "tessellate", "extrude",
    "visibility", "drawOrder", "icon", "snippet",
)  # fmt: skip
_KML_PAIR: Final = re.compile(r"^\s*([^:<>]{1,40}?)\s*:\s*(.*?)\s*$")
_HTML_TAG: Final = re.compile(r"<[^>]+>")
_CPG_CODECS: Final = {
    "874": "cp874", "ansi874": "cp874", "cp874": "cp874", "windows874": "cp874",
    "tis620": "tis-620", "tis6202533": "tis-620", "iso885911": "iso8859-11",
    "utf8": "utf-8", "65001": "utf-8", "1252": "cp1252", "ansi1252": "cp1252",
    "88591": "latin-1", "iso88591": "latin-1", "latin1": "latin-1",
}  # fmt: skip


class LayerWarning(UserWarning):
    """A file was read, but something was assumed (CRS, encoding) or looks suspicious."""


def read_layer(
    path: str | os.PathLike[str],
    *,
    encoding: str | None = None,
    layer: str | None = None,
    source_crs: str | None = None,
) -> gpd.GeoDataFrame:
    """Read a boundary or point file into a GeoDataFrame in EPSG:4326.

    Parameters
    ----------
    path : str or PathLike
        GeoJSON, GeoPackage, Shapefile (``.shp`` with its sidecars, or a ``.zip`` holding
        one, in any folder), or KML/KMZ from Google Earth / My Maps. All KML folders are
        read and concatenated, with a ``source_layer`` column when there are several.
    encoding : str, optional
        Text encoding of a Shapefile or GeoJSON, e.g. ``"cp874"`` / ``"TIS-620"``.
        Without it a Shapefile's ``.cpg`` is honoured; with no ``.cpg``, UTF-8 is used when
        the text is valid UTF-8, else cp874 (Thai Windows), with a warning.
    layer : str, optional
        Layer to read from a GeoPackage, KML folder or a zip holding several shapefiles.
    source_crs : str, optional
        CRS of the coordinates (``"EPSG:24047"``, ``"32648"``) for a file without one, or to
        override a wrong one.

    Returns
    -------
    GeoDataFrame
        Source attribute columns and 2-D geometry in EPSG:4326. Assumptions are emitted as
        ``LayerWarning`` and kept in ``frame.attrs["warnings"]``.

    Raises
    ------
    LayerReadError
        With ``code`` one of ``file_not_found``, ``empty_file``, ``unsupported_format``,
        ``unreadable_file``, ``no_shapefile_in_zip``, ``zip_too_large``, ``ambiguous_layer``,
        ``layer_not_found``, ``no_features``, ``unknown_crs``, ``invalid_crs``,
        ``encoding_mismatch``.

    Examples
    --------
    >>> villages = read_layer("villages.zip", source_crs="EPSG:24047")  # doctest: +SKIP
    >>> villages.crs.to_epsg()  # doctest: +SKIP
    4326
    """
    frame, notes = read_layer_with_warnings(
        path, encoding=encoding, layer=layer, source_crs=source_crs
    )
    for note in notes:
        warnings.warn(note, LayerWarning, stacklevel=2)
    return frame


def read_layer_with_warnings(
    path: str | os.PathLike[str],
    *,
    encoding: str | None = None,
    layer: str | None = None,
    source_crs: str | None = None,
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Do what ``read_layer`` does, returning the warnings instead of emitting them."""
    source = Path(path)
    name = source.name
    notes: list[str] = []
    if source.suffix.lower() in {".dbf", ".shx", ".prj", ".cpg"}:
        sibling = _sibling_shp(source)
        source = sibling if sibling is not None else source
    if not source.is_file():
        raise LayerReadError("file_not_found", file=name)
    if source.stat().st_size == 0:
        raise LayerReadError("empty_file", file=name)
    with tempfile.TemporaryDirectory(prefix="fieldsvc-layer-") as scratch:
        kind = _sniff(source, name)
        if kind == "zip":
            source, kind = extract_from_zip(source, Path(scratch), name=name, layer=layer)
            layer = None if kind == "shp" else layer
        frame = _read_kind(source, kind, name=name, encoding=encoding, layer=layer, notes=notes)
    if len(frame) == 0:
        raise LayerReadError("no_features", file=name)
    frame = _to_wgs84(frame, name=name, source_crs=source_crs, notes=notes)
    frame.attrs["warnings"] = list(notes)
    return frame, notes


def _sniff(path: Path, name: str) -> str:
    with path.open("rb") as handle:
        head = handle.read(4096)
    suffix = path.suffix.lower()
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(b"SQLite format 3\x00"):
        return "gpkg"
    if head.startswith(b"\x00\x00\x27\x0a"):  # shapefile main-file code 9994
        return "shp"
    if suffix in _SPREADSHEETS:
        raise LayerReadError(
            "unsupported_format",
            file=name,
            hint_th=" (ตารางให้นำเข้าด้วยเมนูนำเข้าตาราง)",
            hint_en=" (import spreadsheets with the sheet importer)",
        )
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"{"):
        return "geojson"
    if b"<kml" in head:
        return "kml"
    if suffix in _KNOWN_SUFFIXES:
        raise LayerReadError("unreadable_file", file=name, detail=f"not a valid {suffix} file")
    raise LayerReadError("unsupported_format", file=name)


def _sibling_shp(part: Path) -> Path | None:
    for suffix in (".shp", ".SHP"):
        candidate = part.with_suffix(suffix)
        if candidate.is_file():
            return candidate
    return None


def _read_kind(
    path: Path, kind: str, *, name: str, encoding: str | None, layer: str | None, notes: list[str]
) -> gpd.GeoDataFrame:
    if kind == "shp":
        return _read_shapefile(path, name=name, encoding=encoding, notes=notes)
    if kind == "geojson":
        return _read_geojson(path, name=name, encoding=encoding)
    if encoding is not None:
        notes.append(render_line("encoding_ignored", encoding=encoding, kind=kind.upper()))
    if kind == "kml":
        return _read_kml(path, name=name, layer=layer)
    return _read_one_layer(path, name=name, layer=_choose_layer(path, name=name, layer=layer))


def _pyogrio_read(path: Path, *, name: str, **options: object) -> gpd.GeoDataFrame:
    try:
        with warnings.catch_warnings():
            # Mixed-type GeoJSON properties ("1" and 1) arrive as text, which we parse anyway.
            warnings.filterwarnings("ignore", "Could not parse column", UserWarning)
            frame = pyogrio.read_dataframe(path, **options)
    except Exception as exc:  # any GDAL/pyogrio failure is a bad file, not a crash
        raise LayerReadError("unreadable_file", file=name, detail=str(exc)[:200]) from exc
    if not isinstance(frame, gpd.GeoDataFrame):  # a table without geometry
        raise LayerReadError("unreadable_file", file=name, detail="no geometry column")
    frame[frame.geometry.name] = frame.geometry.force_2d()
    return frame


def _read_one_layer(path: Path, *, name: str, layer: str | None) -> gpd.GeoDataFrame:
    return _pyogrio_read(path, name=name, layer=layer) if layer else _pyogrio_read(path, name=name)


def _list_layers(path: Path, *, name: str) -> list[str]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # GDAL notices on broken files
            listed = pyogrio.list_layers(path)
    except Exception as exc:
        raise LayerReadError("unreadable_file", file=name, detail=str(exc)[:200]) from exc
    return [str(row[0]) for row in listed if row[1] is not None]


def _choose_layer(path: Path, *, name: str, layer: str | None) -> str | None:
    spatial = _list_layers(path, name=name)
    if layer is not None:
        if layer not in spatial:
            raise LayerReadError(
                "layer_not_found", file=name, layer=layer, layers=", ".join(spatial) or "-"
            )
        return layer
    if len(spatial) > 1:
        raise LayerReadError("ambiguous_layer", file=name, layers=", ".join(spatial))
    if not spatial:
        raise LayerReadError("no_features", file=name)
    return spatial[0]


def _read_geojson(path: Path, *, name: str, encoding: str | None) -> gpd.GeoDataFrame:
    raw = path.read_bytes()
    if encoding is None:
        try:
            raw.decode("utf-8")
            return _pyogrio_read(path, name=name)
        except UnicodeDecodeError:
            encoding = "cp874"  # RFC 7946 says UTF-8; legacy Thai exports are cp874
    try:
        text = raw.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise LayerReadError("encoding_mismatch", file=name, encoding=encoding) from exc
    with tempfile.TemporaryDirectory(prefix="fieldsvc-geojson-") as scratch:
        recoded = Path(scratch) / "layer.geojson"
        recoded.write_text(text, encoding="utf-8")
        return _pyogrio_read(recoded, name=name)


def _read_kml(path: Path, *, name: str, layer: str | None) -> gpd.GeoDataFrame:
    # LIBKML turns non-ASCII ExtendedData names (Thai) into "____" unless told not to.
    if pyogrio.get_gdal_config_option("LIBKML_LAUNDER_FIELD_NAMES") is None:
        pyogrio.set_gdal_config_options({"LIBKML_LAUNDER_FIELD_NAMES": "NO"})
    layers = _list_layers(path, name=name)
    if layer is not None:
        if layer not in layers:
            raise LayerReadError(
                "layer_not_found", file=name, layer=layer, layers=", ".join(layers) or "-"
            )
        layers = [layer]
    frames = []
    for layer_name in layers:
        part = _pyogrio_read(path, name=name, layer=layer_name)
        if len(part):
            part[SOURCE_LAYER_COLUMN] = layer_name
            frames.append(part)
    if not frames:
        raise LayerReadError("no_features", file=name)
    frame = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs)
    if len(frames) == 1:
        frame = frame.drop(columns=SOURCE_LAYER_COLUMN)
    frame = frame.drop(columns=[c for c in _KML_HOUSEKEEPING if c in frame.columns])
    return _kml_description_fields(frame)


def _kml_description_fields(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Fill columns from ``key: value`` lines of a KML description where they are blank.

    My Maps writes a layer's table both as ExtendedData and as description lines; files
    re-saved by Google Earth, or other folders of the same file, may have only the lines.
    """
    column = next((c for c in frame.columns if c.casefold() == "description"), None)
    if column is None:
        return frame
    found: dict[str, dict[int, str]] = {}
    for position, text in enumerate(frame[column]):
        if not isinstance(text, str):
            continue
        for line in re.split(r"<br\s*/?>|\n", text, flags=re.IGNORECASE):
            match = _KML_PAIR.match(_HTML_TAG.sub("", line))
            if match is not None and match.group(1) not in (column, frame.geometry.name):
                found.setdefault(match.group(1), {})[position] = match.group(2)
    for key, by_position in found.items():
        values = list(frame[key]) if key in frame.columns else [None] * len(frame)
        for position, value in by_position.items():
            if values[position] is None or values[position] != values[position]:  # blank/NaN
                values[position] = value
        frame[key] = pd.Series(values, index=frame.index, dtype=object)
    return frame


def _read_shapefile(
    path: Path, *, name: str, encoding: str | None, notes: list[str]
) -> gpd.GeoDataFrame:
    # Read text as latin-1 (a lossless view of the raw bytes), then decode it ourselves:
    # GDAL would otherwise crash on a wrong .cpg or silently mangle Thai without one.
    frame = _pyogrio_read(path, name=name, encoding="ISO-8859-1")
    geometry = frame.geometry.name
    columns = [str(c) for c in frame.columns if c != geometry]
    text_columns = [c for c in columns if _is_text(frame[c])]
    raw_texts = columns + [v for c in text_columns for v in frame[c] if isinstance(v, str)]
    raw = b"\n".join(text.encode("latin-1") for text in raw_texts)
    codec = _shapefile_codec(path, raw, name=name, encoding=encoding, notes=notes)
    if codec == "latin-1":
        return frame

    def decode(value: object) -> object:
        if isinstance(value, str):
            return value.encode("latin-1").decode(codec, "replace")
        return value

    for column in text_columns:
        frame[column] = frame[column].map(decode).astype(object)
    return frame.rename(columns={c: decode(c) for c in columns})


def _is_text(series: pd.Series) -> bool:
    return bool(pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series))


def _shapefile_codec(
    path: Path, raw: bytes, *, name: str, encoding: str | None, notes: list[str]
) -> str:
    if encoding is not None:
        codec = _codec_name(encoding) or encoding
        if not _decodes(raw, codec):
            raise LayerReadError("encoding_mismatch", file=name, encoding=encoding)
        return codec
    cpg = next(
        (p for p in (path.with_suffix(".cpg"), path.with_suffix(".CPG")) if p.is_file()), None
    )
    declared = _codec_name(cpg.read_text("ascii", "replace")) if cpg else None
    if declared is not None and _decodes(raw, declared):
        return declared
    guessed = "utf-8" if _decodes(raw, "utf-8") else "cp874"
    if not raw.isascii():
        if cpg is not None:
            label = cpg.read_text("ascii", "replace").strip()
            notes.append(render_line("cpg_encoding_wrong", label=label, guessed=guessed))
        elif guessed == "cp874":
            notes.append(render_line("encoding_guessed_thai"))
    return guessed


def _codec_name(label: str) -> str | None:
    return _CPG_CODECS.get(re.sub(r"[\s_\-]", "", label).casefold())


def _decodes(raw: bytes, codec: str) -> bool:
    try:
        raw.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _parse_crs(source_crs: str, *, name: str) -> CRS:
    text = source_crs.strip()
    try:
        return CRS.from_user_input(f"EPSG:{text}" if text.isdigit() else text)
    except CRSError as exc:
        raise LayerReadError("invalid_crs", file=name, crs=source_crs) from exc


def _looks_geographic(bounds: np.ndarray) -> bool:
    if np.isnan(bounds).any():
        return True  # nothing to judge; rows without geometry are rejected later
    min_x, min_y, max_x, max_y = bounds
    return bool(-180 <= min_x <= max_x <= 180 and -90 <= min_y <= max_y <= 90)


def _to_wgs84(
    frame: gpd.GeoDataFrame, *, name: str, source_crs: str | None, notes: list[str]
) -> gpd.GeoDataFrame:
    bounds = frame.total_bounds
    shown = ", ".join(f"{v:.0f}" for v in bounds)
    if source_crs is not None:
        crs = _parse_crs(source_crs, name=name)
        if frame.crs is not None and not frame.crs.equals(crs):
            given, declared = crs.to_string(), frame.crs.to_string()
            notes.append(render_line("crs_overridden", given=given, declared=declared))
        frame = frame.set_crs(crs, allow_override=True)
    elif frame.crs is None:
        if not _looks_geographic(bounds):
            raise LayerReadError("unknown_crs", file=name, bounds=shown)
        notes.append(render_line("crs_assumed_wgs84"))
        frame = frame.set_crs(WGS84)
    elif frame.crs.is_geographic and not _looks_geographic(bounds):
        raise LayerReadError(
            "unknown_crs",
            file=name,
            bounds=shown,
            why_th=f"ระบุระบบพิกัดเป็นองศา ({frame.crs.to_string()}) แต่",
            why_en=f"says its CRS is in degrees ({frame.crs.to_string()})",
        )
    frame = frame.to_crs(WGS84)
    _warn_outside_thailand(frame, notes)
    return frame


def _warn_outside_thailand(frame: gpd.GeoDataFrame, notes: list[str]) -> None:
    min_x, min_y, max_x, max_y = frame.total_bounds
    west, south, east, north = THAILAND_BOUNDS
    if np.isnan(min_x) or (west <= min_x and max_x <= east and south <= min_y and max_y <= north):
        return
    box = f"{min_x:.3f}, {min_y:.3f}, {max_x:.3f}, {max_y:.3f}"
    notes.append(render_line("features_outside_thailand", box=box))
