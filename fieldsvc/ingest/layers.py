"""Pure file readers for village boundaries and point layers (no database).

One import point for callers::

    from fieldsvc.ingest.layers import read_layer, read_villages, read_points

- ``read_layer``: any GeoJSON / GeoPackage / Shapefile (plain or zipped) / KML file as a
  GeoDataFrame in EPSG:4326 (``layer_files``).
- ``read_villages``: village polygons with number, name, code, households, population,
  checked row by row (``villages``).
- ``read_points``: household or bin points (``points``).
- ``LayerReadError``: the whole file is unusable (``errors``); row problems go to the
  ``ImportReport`` instead (``report``).
"""

from fieldsvc.ingest.errors import LayerReadError
from fieldsvc.ingest.layer_files import LayerWarning, read_layer, read_layer_with_warnings
from fieldsvc.ingest.points import PointKind, PointLayer, read_points
from fieldsvc.ingest.report import ImportReport, RowNote
from fieldsvc.ingest.villages import VillageLayer, read_villages

__all__ = [
    "ImportReport",
    "LayerReadError",
    "LayerWarning",
    "PointKind",
    "PointLayer",
    "RowNote",
    "VillageLayer",
    "read_layer",
    "read_layer_with_warnings",
    "read_points",
    "read_villages",
]
