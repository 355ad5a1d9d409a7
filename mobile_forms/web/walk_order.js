/* A short walking order through the bins due for inspection, from where the head stands.
 *
 * On the road lines the phone already keeps (/basemap, kind "road") when there are any: each
 * point joins the nearest road vertex (the straight step to it counts), distances are shortest
 * paths along the roads (Dijkstra). Without roads, or for a point far from every road, or two
 * points the roads do not join, the straight line counts instead. The order is nearest
 * neighbour from the start, then improved by 2-opt (reverse a stretch while it shortens the
 * walk); the walk is open (it ends at the last bin, it does not come back).
 *
 * No DOM here: tests/js/ runs it under node. */

const R_EARTH_M = 6371008.8;
/** A point farther than this from every road vertex walks the straight line instead, metres. */
export const MAX_SNAP_M = 250;
/** 2-opt stops after this many passes (a village's due list is tens of bins). */
const MAX_PASSES = 50;

export function haversineM(lat1, lon1, lat2, lon2) {
  const r = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * r) / 2) ** 2
    + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lon2 - lon1) * r) / 2) ** 2;
  return 2 * R_EARTH_M * Math.asin(Math.sqrt(a));
}

/** The road graph of a GeoJSON FeatureCollection: nodes (lat, lon) and adjacency lists of
 * [node, metres]. Vertices at the same place (6 decimals, ~10 cm) are one node, so lines that share
 * a vertex are joined. Null when there is no road. */
export function roadGraph(geojson) {
  const features = ((geojson && geojson.features) || []).filter((f) => f.geometry
    && (!f.properties || f.properties.kind === undefined || f.properties.kind === 'road'));
  const index = new Map();
  const nodes = [];
  const edges = [];
  const node = ([lon, lat]) => {
    // 6 decimals (~10 cm): a junction stays one node through the server's reprojection
    const key = `${lon.toFixed(6)},${lat.toFixed(6)}`;
    let i = index.get(key);
    if (i === undefined) {
      i = nodes.length;
      index.set(key, i);
      nodes.push([lat, lon]);
      edges.push([]);
    }
    return i;
  };
  for (const f of features) {
    const g = f.geometry;
    const lines = g.type === 'LineString' ? [g.coordinates] : g.type === 'MultiLineString' ? g.coordinates : [];
    for (const line of lines) {
      for (let k = 1; k < line.length; k += 1) {
        const a = node(line[k - 1]);
        const b = node(line[k]);
        if (a === b) continue;
        const d = haversineM(nodes[a][0], nodes[a][1], nodes[b][0], nodes[b][1]);
        edges[a].push([b, d]);
        edges[b].push([a, d]);
      }
    }
  }
  return nodes.length ? { nodes, edges } : null;
}

function nearestNode(graph, lat, lon) {
  let best = -1;
  let bestD = Infinity;
  for (let i = 0; i < graph.nodes.length; i += 1) {
    const d = haversineM(lat, lon, graph.nodes[i][0], graph.nodes[i][1]);
    if (d < bestD) { bestD = d; best = i; }
  }
  return [best, bestD];
}

/** Shortest distances along the roads from node ``src`` to every node (a binary heap). */
export function shortestFrom(graph, src) {
  const dist = new Float64Array(graph.nodes.length).fill(Infinity);
  dist[src] = 0;
  const heap = [[0, src]];
  const push = (item) => {
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (heap[p][0] <= heap[i][0]) break;
      [heap[p], heap[i]] = [heap[i], heap[p]];
      i = p;
    }
  };
  const pop = () => {
    const top = heap[0];
    const last = heap.pop();
    if (heap.length) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && heap[l][0] < heap[m][0]) m = l;
        if (r < heap.length && heap[r][0] < heap[m][0]) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i], heap[m]];
        i = m;
      }
    }
    return top;
  };
  while (heap.length) {
    const [d, u] = pop();
    if (d > dist[u]) continue;
    for (const [v, w] of graph.edges[u]) {
      if (d + w < dist[v]) { dist[v] = d + w; push([d + w, v]); }
    }
  }
  return dist;
}

/** Walking distances between every pair of ``points`` ({lat, lon}), metres, and how each was
 * measured: 'road' when along the roads, 'straight' otherwise. */
export function walkingMatrix(points, graph) {
  const n = points.length;
  const m = Array.from({ length: n }, () => new Float64Array(n));
  const by = Array.from({ length: n }, () => new Array(n).fill('straight'));
  const snaps = graph ? points.map((p) => nearestNode(graph, p.lat, p.lon)) : [];
  const trees = graph ? snaps.map(([node, d]) => (d <= MAX_SNAP_M ? shortestFrom(graph, node) : null)) : [];
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < n; j += 1) {
      if (i === j) continue;
      const straight = haversineM(points[i].lat, points[i].lon, points[j].lat, points[j].lon);
      let d = straight;
      if (graph && trees[i] && snaps[j][1] <= MAX_SNAP_M) {
        const along = trees[i][snaps[j][0]];
        if (Number.isFinite(along)) {
          d = snaps[i][1] + along + snaps[j][1];
          by[i][j] = 'road';
        }
      }
      m[i][j] = d;
    }
  }
  return { m, by };
}

function pathLength(order, m) {
  let total = 0;
  for (let k = 1; k < order.length; k += 1) total += m[order[k - 1]][order[k]];
  return total;
}

/** An open walk through 0..n-1 starting at 0: nearest neighbour, then 2-opt. */
export function shortWalk(m) {
  const n = m.length;
  if (n <= 2) return [...Array(n).keys()];
  const order = [0];
  const left = new Set([...Array(n).keys()].slice(1));
  while (left.size) {
    const here = order[order.length - 1];
    let next = -1;
    for (const j of left) if (next < 0 || m[here][j] < m[here][next] || (m[here][j] === m[here][next] && j < next)) next = j;
    order.push(next);
    left.delete(next);
  }
  // 2-opt on an open path with a fixed start: reverse order[i..k]; the walk after k changes
  // only by the edge leaving k (none when k is the end).
  for (let pass = 0; pass < MAX_PASSES; pass += 1) {
    let better = false;
    for (let i = 1; i < n - 1; i += 1) {
      for (let k = i + 1; k < n; k += 1) {
        const a = order[i - 1];
        const b = order[i];
        const c = order[k];
        const d = k + 1 < n ? order[k + 1] : null;
        const before = m[a][b] + (d === null ? 0 : m[c][d]);
        const after = m[a][c] + (d === null ? 0 : m[b][d]);
        if (after < before - 1e-9) {
          for (let x = i, y = k; x < y; x += 1, y -= 1) [order[x], order[y]] = [order[y], order[x]];
          better = true;
        }
      }
    }
    if (!better) break;
  }
  return order;
}

/** The bins (objects with lat, lon) in a short walking order from ``start`` ({lat, lon}),
 * each with ``leg_m`` (from the previous stop) and ``walk_m`` (from the start); ``by`` says
 * whether roads were used ('road' when at least one leg followed the roads). Without a start,
 * the bins keep their order and carry no distances. */
export function walkingOrder(start, bins, roads) {
  if (!start || !bins.length) return { stops: bins.map((b) => Object.assign({}, b)), by: null, total_m: null };
  const graph = roadGraph(roads);
  const points = [start].concat(bins);
  const { m, by } = walkingMatrix(points, graph);
  const order = shortWalk(m);
  let walked = 0;
  let usedRoad = false;
  const stops = [];
  for (let k = 1; k < order.length; k += 1) {
    const leg = m[order[k - 1]][order[k]];
    usedRoad = usedRoad || by[order[k - 1]][order[k]] === 'road';
    walked += leg;
    stops.push(Object.assign({}, bins[order[k] - 1], { leg_m: leg, walk_m: walked }));
  }
  return { stops, by: usedRoad ? 'road' : 'straight', total_m: pathLength(order, m) };
}
