"""Walking-network distances from an OpenStreetMap extract (optional).

The graph is read from a ``.osm.pbf`` file supplied by the user with pyrosm (nothing is
downloaded) and distances to the nearest target are found with one multi-source Dijkstra
(``scipy.sparse.csgraph``) from a virtual source joined to every target.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from pyproj import CRS
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from fieldsvc.analysis.crs import WGS84
from fieldsvc.analysis.errors import AnalysisInputError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


@dataclass(frozen=True, eq=False)
class WalkingGraph:
    """Undirected walking network.

    Attributes
    ----------
    node_ids
        OpenStreetMap node identifiers, one per graph node.
    node_lonlat
        Node coordinates in degrees (WGS 84), shape (n, 2).
    adjacency
        Symmetric CSR matrix of edge lengths in metres.
    """

    node_ids: npt.NDArray[np.int64]
    node_lonlat: FloatArray
    adjacency: sp.csr_matrix

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return int(self.adjacency.shape[0])


def walking_graph_from_edges(
    node_ids: npt.ArrayLike,
    node_lonlat: npt.ArrayLike,
    u: npt.ArrayLike,
    v: npt.ArrayLike,
    length_m: npt.ArrayLike,
) -> WalkingGraph:
    """Build a :class:`WalkingGraph` from node and edge arrays (edges refer to node ids).

    Edges whose ends are not among the nodes raise rather than being dropped silently.
    Parallel edges keep the shortest length.
    """
    ids = np.asarray(node_ids, dtype=np.int64)
    order = np.argsort(ids, kind="stable")
    sorted_ids = ids[order]
    u_arr, v_arr = np.asarray(u, dtype=np.int64), np.asarray(v, dtype=np.int64)
    lengths = np.asarray(length_m, dtype=float)

    def position(values: npt.NDArray[np.int64]) -> IntArray:
        pos = np.searchsorted(sorted_ids, values)
        pos = np.clip(pos, 0, len(sorted_ids) - 1)
        found = sorted_ids[pos] == values
        if not found.all():
            raise AnalysisInputError.of(
                "network_edge_unknown_node",
                details={"value": values[~found][:10].tolist()},
                count=int((~found).sum()),
            )
        return np.asarray(order[pos], dtype=np.intp)

    iu, iv = position(u_arr), position(v_arr)
    if (lengths < 0).any() or not np.isfinite(lengths).all():
        raise AnalysisInputError.of("network_length")
    # A zero-length edge would vanish from a sparse matrix: keep it with a tiny length.
    lengths = np.maximum(lengths, 1e-6)
    n = len(ids)
    rows = np.concatenate([iu, iv])
    cols = np.concatenate([iv, iu])
    data = np.concatenate([lengths, lengths])
    # Sort by length descending so that, when duplicates are resolved by keeping the last
    # entry written, the shortest parallel edge wins.
    keep = np.lexsort((-data, cols, rows))
    rows, cols, data = rows[keep], cols[keep], data[keep]
    last = np.ones(len(rows), dtype=bool)
    last[:-1] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    adjacency = sp.csr_matrix((data[last], (rows[last], cols[last])), shape=(n, n))
    return WalkingGraph(ids, np.asarray(node_lonlat, dtype=float), adjacency)


def walking_graph_from_pbf(
    pbf_path: str | Path,
    *,
    bounding_box: tuple[float, float, float, float] | None = None,
) -> WalkingGraph:
    """Read the walking network of an OpenStreetMap ``.osm.pbf`` file with pyrosm.

    Parameters
    ----------
    pbf_path
        Path to a local extract; nothing is downloaded.
    bounding_box
        Optional (lon_min, lat_min, lon_max, lat_max) to read only part of the file.
    """
    path = Path(pbf_path)
    if not path.is_file():
        raise AnalysisInputError.of("network_file_missing", field="pbf_path", path=path)
    from pyrosm import OSM  # imported lazily: pyrosm is slow to import

    osm = OSM(str(path), bounding_box=list(bounding_box) if bounding_box else None)
    result = osm.get_network(network_type="walking", nodes=True)
    if result is None:
        raise AnalysisInputError.of("network_empty", field="pbf_path", path=path)
    nodes, edges = result
    return walking_graph_from_edges(
        nodes["id"].to_numpy(),
        nodes[["lon", "lat"]].to_numpy(dtype=float),
        edges["u"].to_numpy(),
        edges["v"].to_numpy(),
        edges["length"].to_numpy(dtype=float),
    )


def nearest_network_distance_m(
    graph: WalkingGraph,
    origin_xy: FloatArray,
    target_xy: FloatArray,
    metric_crs: CRS,
    *,
    max_snap_m: float = 500.0,
) -> tuple[FloatArray, IntArray]:
    """Walking distance from each origin to its nearest target, in metres.

    Origins and targets are snapped to their nearest graph node (straight-line snap
    distances are added to the path). One Dijkstra run from a virtual node joined to every
    target gives all distances at once.

    Parameters
    ----------
    graph
        Walking network.
    origin_xy, target_xy
        Coordinates in ``metric_crs`` (metres), shapes (n, 2) and (m, 2).
    metric_crs
        Projected CRS of the coordinates.
    max_snap_m
        Points farther than this from the network get distance ``inf``.

    Returns
    -------
    distance_m : ndarray
        ``inf`` where no target is reachable.
    target_index : ndarray
        Row of the nearest target, -1 where none is reachable.
    """
    from pyproj import Transformer

    tr = Transformer.from_crs(WGS84, metric_crs, always_xy=True)
    nx_, ny_ = tr.transform(graph.node_lonlat[:, 0], graph.node_lonlat[:, 1])
    node_tree = cKDTree(np.column_stack([nx_, ny_]))
    n = graph.n_nodes
    n_origin = len(origin_xy)
    dist_out = np.full(n_origin, np.inf)
    idx_out = np.full(n_origin, -1, dtype=np.intp)
    if len(target_xy) == 0 or n_origin == 0:
        return dist_out, idx_out
    t_snap, t_node = node_tree.query(target_xy)
    ok_t = t_snap <= max_snap_m
    if not ok_t.any():
        return dist_out, idx_out
    # Per node, keep the target with the smallest snap distance (ties: lowest row).
    t_rows = np.flatnonzero(ok_t)
    order = np.lexsort((t_rows, t_snap[t_rows], t_node[t_rows]))
    t_rows = t_rows[order]
    first = np.ones(len(t_rows), dtype=bool)
    first[1:] = t_node[t_rows][1:] != t_node[t_rows][:-1]
    t_rows = t_rows[first]
    source = n  # virtual node joined to every target node
    extra = sp.csr_matrix(
        (np.maximum(t_snap[t_rows], 1e-6), (np.full(len(t_rows), source), t_node[t_rows])),
        shape=(n + 1, n + 1),
    )
    augmented = sp.bmat([[graph.adjacency, None], [None, sp.csr_matrix((1, 1))]], format="csr")
    augmented = (augmented + extra).tocsr()
    dist, pred = dijkstra(augmented, directed=True, indices=source, return_predecessors=True)
    # Which target does each node's shortest path start from: pointer-jump to the child of
    # the virtual source.
    parent = np.where((pred < 0) | (pred == source), np.arange(n + 1), pred)
    while True:
        nxt = parent[parent]
        if np.array_equal(nxt, parent):
            break
        parent = nxt
    node_target = np.full(n + 1, -1, dtype=np.intp)
    node_target[t_node[t_rows]] = t_rows
    o_snap, o_node = node_tree.query(origin_xy)
    ok_o = o_snap <= max_snap_m
    total = o_snap + dist[o_node]
    reach = ok_o & np.isfinite(total)
    dist_out[reach] = total[reach]
    idx_out[reach] = node_target[parent[o_node[reach]]]
    return dist_out, idx_out
