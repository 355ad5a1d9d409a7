"""A GeoPackage of layers, with their QGIS styles stored inside it.

The layers are written by pyogrio (GDAL's GPKG driver). The styles go into ``layer_styles``,
the table QGIS itself creates when a style is saved "in the database": the same columns and
types (``id`` as the feature id, ``styleName``, ``styleQML``, ``styleSLD``, ``useAsDefault``
…), registered in ``gpkg_contents`` as an ``attributes`` table so GDAL and QGIS list it. A
layer opened in QGIS loads the row of its ``f_table_name`` whose ``useAsDefault`` is 1.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Mapping
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import pyogrio
from pyproj import CRS

#: GDAL's name for the geometry column of a GeoPackage layer.
GEOMETRY_COLUMN = "geom"
MEDIA_TYPE = "application/geopackage+sqlite3"
GEOPACKAGE_VERSION = "1.2"

#: ``layer_styles`` as QGIS creates it through GDAL (field widths become ``TEXT(n)``, the
#: boolean ``useAsDefault`` a ``BOOLEAN``, ``update_time`` a ``DATETIME`` defaulting to now).
CREATE_LAYER_STYLES = """
CREATE TABLE "layer_styles" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  "f_table_catalog" TEXT(256),
  "f_table_schema" TEXT(256),
  "f_table_name" TEXT(256),
  "f_geometry_column" TEXT(256),
  "styleName" TEXT(30),
  "styleQML" TEXT,
  "styleSLD" TEXT,
  "useAsDefault" BOOLEAN,
  "description" TEXT,
  "owner" TEXT(30),
  "ui" TEXT(30),
  "update_time" DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
)
"""


@dataclass(frozen=True)
class StyledLayer:
    """One layer: its features, its geometry type (``MultiPolygon``, ``Point``), its QML
    style and a description (the layer's ``gpkg_contents`` description and the style's)."""

    frame: gpd.GeoDataFrame
    geometry_type: str
    qml: str
    description: str


def write_geopackage(
    path: Path, layers: Mapping[str, StyledLayer], *, crs: CRS, style_name: str = "fieldsvc"
) -> None:
    """Write ``layers`` (each reprojected to ``crs``) and their default styles to ``path``.

    An existing file at ``path`` is replaced.
    """
    path.unlink(missing_ok=True)
    for name, layer in layers.items():
        frame = layer.frame.to_crs(crs)
        pyogrio.write_dataframe(
            frame,
            path,
            layer=name,
            driver="GPKG",
            geometry_type=layer.geometry_type,
            promote_to_multi=layer.geometry_type.startswith("Multi"),
            layer_options={"DESCRIPTION": layer.description, "IDENTIFIER": name},
            # GeoPackage 1.2: read without warnings by the GDAL of every QGIS 3 an office runs
            dataset_options={"VERSION": GEOPACKAGE_VERSION},
        )
    _add_layer_styles(path, layers, style_name=style_name)


def _add_layer_styles(path: Path, layers: Mapping[str, StyledLayer], *, style_name: str) -> None:
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    with closing(sqlite3.connect(path)) as db, db:
        db.execute(CREATE_LAYER_STYLES)
        db.executemany(
            "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, "
            "f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, "
            "owner, ui, update_time) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, NULL, ?)",
            [
                (
                    "",
                    "",
                    name,
                    GEOMETRY_COLUMN,
                    style_name,
                    layer.qml,
                    "",
                    layer.description,
                    "",
                    now,
                )
                for name, layer in layers.items()
            ],
        )
        # QGIS's table is made by GDAL, which lists every table it creates in gpkg_contents
        db.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, "
            "last_change, srs_id) VALUES ('layer_styles', 'attributes', 'layer_styles', '', ?, 0)",
            (now,),
        )
        has_counts = db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'gpkg_ogr_contents'"
        ).fetchone()
        if has_counts:  # GDAL's feature-count cache: a listed table without a row is recounted
            db.execute(
                "INSERT INTO gpkg_ogr_contents (table_name, feature_count) VALUES (?, ?)",
                ("layer_styles", len(layers)),
            )


def geopackage_bytes(
    layers: Mapping[str, StyledLayer], *, crs: CRS, style_name: str = "fieldsvc"
) -> bytes:
    """The GeoPackage of :func:`write_geopackage` as bytes (a download)."""
    with tempfile.TemporaryDirectory(prefix="fieldsvc-gpkg-") as folder:
        path = Path(folder) / "register.gpkg"
        write_geopackage(path, layers, crs=crs, style_name=style_name)
        return path.read_bytes()
