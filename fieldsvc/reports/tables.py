"""Tables and documents written to files, the format chosen by the file's extension.

The CLI's ``--out`` options all come here: ``write_table_file`` for analysis tables
(CSV/XLSX, or GeoJSON/GeoPackage when the table has geometry) and ``write_document`` for
the bytes of a finished report (PDF, XLSX, CSV).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from fieldsvc.errors import InvalidInput

TABLE_SUFFIXES = (".csv", ".xlsx", ".geojson", ".json", ".gpkg")
GEO_SUFFIXES = (".geojson", ".json", ".gpkg")


def wants_geometry(out: Path) -> bool:
    """True when ``out`` is a map file (GeoJSON or GeoPackage): the table needs shapes."""
    return out.suffix.lower() in GEO_SUFFIXES


def with_geometry(
    table: pd.DataFrame, shapes: gpd.GeoDataFrame, *, on: str, crs: int = 4326
) -> gpd.GeoDataFrame:
    """``table`` with the ``geometry`` of ``shapes`` joined on column ``on`` (rows kept)."""
    return gpd.GeoDataFrame(
        table.merge(shapes[[on, "geometry"]], on=on, how="left"), geometry="geometry", crs=crs
    )


def write_table_file(frame: pd.DataFrame, out: Path, *, sheet: str = "data") -> None:
    """Write a table by file extension: CSV (UTF-8 with BOM, for Excel), XLSX, GeoJSON/GPKG.

    Raises
    ------
    InvalidInput
        For an unknown extension, or a map file asked of a table without geometry.
    """
    suffix = out.suffix.lower()
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        pd.DataFrame(frame.drop(columns="geometry", errors="ignore")).to_csv(
            out, index=False, encoding="utf-8-sig"
        )
    elif suffix == ".xlsx":
        pd.DataFrame(frame.drop(columns="geometry", errors="ignore")).to_excel(
            out, index=False, sheet_name=sheet
        )
    elif suffix in GEO_SUFFIXES:
        if not isinstance(frame, gpd.GeoDataFrame):
            raise InvalidInput.of("table_without_geometry", field="out")
        frame.to_file(out, driver="GPKG" if suffix == ".gpkg" else "GeoJSON", engine="pyogrio")
    else:
        raise InvalidInput.of(
            "table_type_unknown",
            field="out",
            details={"value": str(out)},
            suffix=out.suffix,
            allowed=", ".join(TABLE_SUFFIXES),
        )


def document_format(out: Path, given: str | None, allowed: tuple[str, ...]) -> str:
    """The format asked for (``given``), else the extension of ``out``; one of ``allowed``.

    Raises
    ------
    InvalidInput
        Naming the formats allowed.
    """
    chosen = given or out.suffix.lower().lstrip(".")
    if chosen not in allowed:
        raise InvalidInput.of(
            "document_format_unknown",
            field="format",
            details={"value": chosen, "expected": list(allowed)},
            chosen=chosen,
            allowed=", ".join(allowed),
            choices=" | ".join(allowed),
        )
    return chosen


def write_document(out: Path, data: bytes) -> Path:
    """Write a finished document's bytes, making its folder; returns the path written."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return out
