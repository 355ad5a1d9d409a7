"""Grouping households (typically the uncovered ones) into clusters with polygons."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from geopandas.array import from_shapely
from pyproj import CRS
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from fieldsvc.analysis.crs import WGS84, xy_to_lonlat

FloatArray = npt.NDArray[np.float64]


def household_clusters(
    xy: FloatArray,
    village_pos: npt.NDArray[np.intp],
    persons: FloatArray,
    village_ids: pd.Index,
    stream: str,
    link_m: float,
    buffer_m: float,
    metric_crs: CRS,
    weights: FloatArray | None = None,
) -> gpd.GeoDataFrame:
    """Single-linkage groups of households: pairs closer than ``link_m`` share a group.

    Parameters
    ----------
    xy
        Household coordinates in ``metric_crs`` (metres), shape (n, 2).
    village_pos
        Position of each household's village in ``village_ids``.
    persons
        Persons per household (weights summed per cluster).
    village_ids
        Village identifiers; each cluster is labelled with its majority village.
    stream
        Stream label copied to the output.
    link_m
        Linkage distance, metres.
    buffer_m
        Buffer around each cluster's convex hull, metres.
    metric_crs
        CRS of ``xy``.
    weights
        Households each point stands for (default 1; building proxies stand for more).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326 polygons with ``stream, cluster_id, village_id, households, persons,
        centroid_lon, centroid_lat``, largest cluster first.
    """
    n = len(xy)
    if n == 0:
        return empty_clusters()
    pairs = cKDTree(xy).query_pairs(link_m, output_type="ndarray")
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    # Number clusters by their first household so the labelling is deterministic.
    _, first_seen = np.unique(labels, return_index=True)
    relabel = np.empty(len(first_seen), dtype=np.intp)
    relabel[np.argsort(np.argsort(first_seen))] = np.arange(len(first_seen))
    labels = relabel[labels]
    n_c = int(labels.max()) + 1
    counts = np.bincount(labels, minlength=n_c)
    order = np.argsort(labels, kind="stable")
    # Few segments per quarter circle: these are map outlines, not measurements. Lone
    # households (most clusters) get a ready-made octagon; groups a buffered convex hull.
    polygons = np.empty(n_c, dtype=object)
    single = counts == 1
    if single.any():
        angles = np.linspace(0, 2 * np.pi, 9)
        ring = np.column_stack([np.cos(angles), np.sin(angles)]) * buffer_m
        lone_xy = np.empty((n_c, 2))
        lone_xy[labels] = xy
        polygons[single] = shapely.polygons(lone_xy[single][:, None, :] + ring[None, :, :])
    if (~single).any():
        grouped = ~single[labels[order]]
        group_no = np.cumsum(~single) - 1  # 0..k-1 over the multi-household clusters
        hulls = shapely.convex_hull(
            shapely.multipoints(xy[order][grouped], indices=group_no[labels[order][grouped]])
        )
        polygons[~single] = shapely.buffer(hulls, buffer_m, quad_segs=2)
    centroid = np.column_stack(
        [
            np.bincount(labels, weights=xy[:, 0]) / counts,
            np.bincount(labels, weights=xy[:, 1]) / counts,
        ]
    )
    # Majority village per cluster (ties: lowest village position).
    key = labels.astype(np.int64) * len(village_ids) + village_pos
    uniq, key_counts = np.unique(key, return_counts=True)
    cl, vp = uniq // len(village_ids), uniq % len(village_ids)
    best = np.lexsort((vp, -key_counts, cl))
    first = np.ones(len(best), dtype=bool)
    first[1:] = cl[best][1:] != cl[best][:-1]
    majority = np.empty(n_c, dtype=np.intp)
    majority[cl[best][first]] = vp[best][first]
    households = counts if weights is None else np.bincount(labels, weights=weights, minlength=n_c)
    # Largest cluster first, ties in cluster order: the frame is built in that order.
    rank = np.argsort(-households, kind="stable")
    lonlat = xy_to_lonlat(centroid[rank], metric_crs)

    def to_wgs84(coords: FloatArray) -> FloatArray:
        return xy_to_lonlat(coords, metric_crs)

    # A plain frame made a GeoDataFrame costs less than GeoDataFrame(..., geometry=, crs=).
    frame = pd.DataFrame(
        {
            "stream": stream,
            "cluster_id": rank,
            "village_id": village_ids.to_numpy()[majority[rank]],
            "households": households[rank],
            "persons": np.bincount(labels, weights=persons, minlength=n_c)[rank],
            "centroid_lon": lonlat[:, 0],
            "centroid_lat": lonlat[:, 1],
            "geometry": from_shapely(shapely.transform(polygons[rank], to_wgs84), crs=WGS84),
        }
    )
    return gpd.GeoDataFrame(frame, geometry="geometry")


def empty_clusters() -> gpd.GeoDataFrame:
    """An empty cluster frame with the standard columns."""
    columns = [
        "stream",
        "cluster_id",
        "village_id",
        "households",
        "persons",
        "centroid_lon",
        "centroid_lat",
    ]
    return gpd.GeoDataFrame(
        {c: [] for c in columns}, geometry=gpd.GeoSeries([], crs=4326), crs=4326
    )


def concat_clusters(frames: list[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """Stack cluster frames (EPSG:4326)."""
    if not frames:
        return empty_clusters()
    if len(frames) == 1:  # as built: numbered from 0, in EPSG:4326
        return frames[0]
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=4326)
