"""Roads and village outlines for a small field map when no tile layer is set.

The office has an OpenStreetMap extract (``.osm.pbf``, read with pyrosm; nothing is
downloaded) and the village boundaries. A phone needs only the roads around its own villages,
light enough for a slow link: ``base_map_layers`` clips and simplifies them.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import box

from fieldsvc.analysis.crs import choose_metric_crs
from fieldsvc.analysis.errors import AnalysisInputError

WGS84 = "EPSG:4326"
LAYER_COLUMNS = ["kind", "number", "name", "highway", "geometry"]


def roads_from_pbf(
    pbf_path: str | Path, *, bounding_box: tuple[float, float, float, float] | None = None
) -> gpd.GeoDataFrame:
    """The roads a car or motorbike can take, from an OpenStreetMap extract.

    Parameters
    ----------
    pbf_path
        Path to a local ``.osm.pbf`` extract; nothing is downloaded.
    bounding_box
        Optional (lon_min, lat_min, lon_max, lat_max) to read only part of the file.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``highway`` and ``geometry`` (lines, EPSG:4326); empty when the file has none.
    """
    path = Path(pbf_path)
    if not path.is_file():
        raise AnalysisInputError.of("network_file_missing", field="pbf_path", path=path)
    from pyrosm import OSM  # imported lazily: pyrosm is slow to import

    osm = OSM(str(path), bounding_box=list(bounding_box) if bounding_box else None)
    edges = osm.get_network(network_type="driving")
    if edges is None or edges.empty:
        return gpd.GeoDataFrame({"highway": []}, geometry=[], crs=WGS84)
    roads = gpd.GeoDataFrame(edges[["highway"]].astype(str), geometry=edges.geometry, crs=WGS84)
    return roads.reset_index(drop=True)


def base_map_layers(
    villages: gpd.GeoDataFrame,
    roads: gpd.GeoDataFrame | None,
    *,
    margin_m: float = 300.0,
    tolerance_m: float = 2.0,
) -> gpd.GeoDataFrame:
    """Village outlines and the roads around them, ready to draw under a map's markers.

    Parameters
    ----------
    villages
        Village polygons with ``number`` and ``name`` (any CRS; rows without a boundary are
        left out).
    roads
        Road lines with ``highway`` (any CRS), or ``None`` when the office has none.
    margin_m
        Roads are kept within this distance of the villages' common bounding box.
    tolerance_m
        Simplification tolerance: a few metres keeps a road's shape at street zoom and
        drops most of its vertices.

    Returns
    -------
    geopandas.GeoDataFrame
        ``kind`` ("village" outline or "road"), ``number``, ``name``, ``highway``, line
        geometries in EPSG:4326; outlines first, so roads draw above them.
    """
    outlines = villages[villages.geometry.notna() & ~villages.geometry.is_empty]
    if outlines.empty:
        return gpd.GeoDataFrame(columns=LAYER_COLUMNS, geometry="geometry", crs=WGS84)
    metric = choose_metric_crs([outlines])
    area = outlines.to_crs(metric)
    lines = gpd.GeoDataFrame(
        {
            "kind": "village",
            "number": area["number"].astype("Int64"),
            "name": area["name"].astype(str),
            "highway": None,
        },
        geometry=area.geometry.boundary.simplify(tolerance_m),
        crs=metric,
    )
    parts = [lines]
    if roads is not None and not roads.empty:
        window = box(*area.total_bounds).buffer(margin_m, join_style="mitre")
        near = roads.to_crs(metric).clip(window)
        near = near[~near.geometry.is_empty]
        parts.append(
            gpd.GeoDataFrame(
                {"kind": "road", "number": pd.NA, "name": None, "highway": near["highway"]},
                geometry=near.geometry.simplify(tolerance_m),
                crs=metric,
            )
        )
    layers = pd.concat(parts, ignore_index=True)
    return gpd.GeoDataFrame(layers, geometry="geometry", crs=metric).to_crs(WGS84)[LAYER_COLUMNS]
