from __future__ import annotations

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pyrosm
import pytest
from pyproj import CRS, Transformer
from shapely.geometry import Point

from fieldsvc.analysis.coverage import coverage_by_village
from fieldsvc.analysis.crs import estimate_utm_crs
from fieldsvc.analysis.errors import AnalysisInputError
from fieldsvc.analysis.network import (
    WalkingGraph,
    nearest_network_distance_m,
    walking_graph_from_edges,
    walking_graph_from_pbf,
)

UTM47 = CRS.from_epsg(32647)


def _line_graph() -> tuple[WalkingGraph, np.ndarray]:
    """Four nodes on a 300 m east-west street with a 50 m parallel edge shortcut."""
    to_ll = Transformer.from_crs(UTM47, 4326, always_xy=True)
    xy = np.array([[0.0, 0], [100, 0], [200, 0], [300, 0]]) + [660_000, 1_550_000]
    lon, lat = to_ll.transform(xy[:, 0], xy[:, 1])
    graph = walking_graph_from_edges(
        [10, 11, 12, 13],
        np.column_stack([lon, lat]),
        u=[10, 11, 12, 11],
        v=[11, 12, 13, 12],
        length_m=[100.0, 150.0, 100.0, 100.0],  # parallel 11–12: shortest (100) wins
    )
    return graph, xy


def test_multi_source_dijkstra_on_a_hand_made_street() -> None:
    graph, xy = _line_graph()
    targets = np.array([xy[0] + [0, 10], xy[3] + [0, 20]])  # snaps 10 m and 20 m
    origins = np.array([xy[1], xy[2] + [0, 5]])
    dist, idx = nearest_network_distance_m(graph, origins, targets, UTM47)
    assert dist[0] == pytest.approx(110.0, abs=0.01) and idx[0] == 0
    # node 12: 200 via target 0 (+10) vs 100 via target 1 (+20) → 120 (+5 snap)
    assert dist[1] == pytest.approx(125.0, abs=0.01) and idx[1] == 1


def test_unreachable_and_far_points_are_infinite() -> None:
    graph, xy = _line_graph()
    dist, idx = nearest_network_distance_m(
        graph, np.array([xy[0] + [0, 5000]]), np.array([xy[3]]), UTM47, max_snap_m=500
    )
    assert np.isinf(dist[0]) and idx[0] == -1


def test_edges_to_unknown_nodes_raise() -> None:
    with pytest.raises(AnalysisInputError, match="unknown node"):
        walking_graph_from_edges([1, 2], np.zeros((2, 2)), [1], [3], [10.0])


def test_pyrosm_test_extract_matches_networkx() -> None:
    path = pyrosm.get_data("test_pbf")  # shipped inside the pyrosm wheel: no download
    graph = walking_graph_from_pbf(path)
    nodes, edges = pyrosm.OSM(path).get_network(network_type="walking", nodes=True)
    g = nx.Graph()
    for u, v, length in zip(edges["u"], edges["v"], edges["length"], strict=True):
        if not g.has_edge(u, v) or g[u][v]["length"] > length:
            g.add_edge(u, v, length=max(float(length), 1e-6))
    lon_c, lat_c = graph.node_lonlat.mean(axis=0)
    crs = estimate_utm_crs(lon_c, lat_c, lon_c, lat_c)
    tr = Transformer.from_crs(4326, crs, always_xy=True)
    x, y = tr.transform(graph.node_lonlat[:, 0], graph.node_lonlat[:, 1])
    node_xy = np.column_stack([x, y])
    rng = np.random.default_rng(7)
    target_nodes = rng.choice(graph.n_nodes, 3, replace=False)
    origin_nodes = rng.choice(graph.n_nodes, 40, replace=False)
    dist, idx = nearest_network_distance_m(graph, node_xy[origin_nodes], node_xy[target_nodes], crs)
    ids = graph.node_ids
    expected = nx.multi_source_dijkstra_path_length(
        g, {int(ids[t]) for t in target_nodes}, weight="length"
    )
    for k, o in enumerate(origin_nodes):
        want = expected.get(int(ids[o]), np.inf)
        assert dist[k] == pytest.approx(want, abs=1e-3)
        if np.isfinite(want):
            straight = np.hypot(*(node_xy[o] - node_xy[target_nodes[idx[k]]]))
            assert dist[k] >= straight - 1.0
    assert np.isfinite(dist).sum() >= 10  # the extract is connected enough to test


def test_coverage_with_network_distances() -> None:
    graph, xy = _line_graph()
    to_ll = Transformer.from_crs(UTM47, 4326, always_xy=True)
    villages = pd.DataFrame(
        {"village_id": [1], "households": [2], "population": [None],
         "collection_interval_days": [None]}
    )  # fmt: skip
    bins = gpd.GeoDataFrame(
        {"bin_id": [7], "village_id": [1], "capacity_l": [240], "stream": ["general"],
         "condition": ["usable"]},
        geometry=[Point(*to_ll.transform(*xy[0]))], crs=4326,
    )  # fmt: skip
    hh = gpd.GeoDataFrame(
        {"household_id": [1, 2], "village_id": [1, 1], "persons": [3, 3]},
        geometry=[Point(*to_ll.transform(*xy[1])), Point(*to_ll.transform(*xy[3]))],
        crs=4326,
    )
    res = coverage_by_village(villages, bins, hh, walking_graph=graph, radius_m=200)
    assert res.distance_method == "network"
    assert res.households["distance_m"].round(3).tolist() == [100.0, 300.0]
    assert res.households["covered"].tolist() == [True, False]
