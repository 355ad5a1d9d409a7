// The walking order through the bins due (mobile_forms/web/walk_order.js): nearest neighbour
// and 2-opt, along the roads the phone keeps when there are any, else the straight line.
// Run: node --test tests/js/
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { haversineM, roadGraph, shortWalk, walkingOrder } from '../../mobile_forms/web/walk_order.js';

// Local metres → degrees around 15° N (a small area: the order, not the metre, is tested).
const LAT0 = 15.0;
const LON0 = 102.0;
const M_LAT = 1 / 111195;
const M_LON = 1 / (111195 * Math.cos((LAT0 * Math.PI) / 180));
const at = (x, y) => ({ lat: LAT0 + y * M_LAT, lon: LON0 + x * M_LON });
const lonlat = (x, y) => [LON0 + x * M_LON, LAT0 + y * M_LAT];

test('along a straight street the bins come in the order they are met', () => {
  const bins = [Object.assign(at(300, 0), { code: 'C' }), Object.assign(at(100, 0), { code: 'A' }), Object.assign(at(200, 0), { code: 'B' })];
  const walk = walkingOrder(at(0, 0), bins, null);
  assert.deepEqual(walk.stops.map((s) => s.code), ['A', 'B', 'C']);
  assert.equal(walk.by, 'straight');
  assert.ok(Math.abs(walk.total_m - 300) < 0.5, String(walk.total_m));
  assert.ok(Math.abs(walk.stops[1].walk_m - 200) < 0.5);
});

// Euclidean distances, so the answers below can be checked with a ruler.
const euclid = (pts) => pts.map(([x1, y1]) => pts.map(([x2, y2]) => Math.hypot(x2 - x1, y2 - y1)));
const length = (order, m) => order.slice(1).reduce((s, j, k) => s + m[order[k]][j], 0);

function bestByBruteForce(m) {
  const rest = [...Array(m.length).keys()].slice(1);
  let best = null;
  const perm = (done, left) => {
    if (!left.length) {
      const order = [0, ...done];
      if (!best || length(order, m) < length(best, m) - 1e-9) best = order;
      return;
    }
    left.forEach((x, i) => perm([...done, x], left.filter((_, k) => k !== i)));
  };
  perm([], rest);
  return best;
}

test('2-opt shortens the walk nearest neighbour leaves', () => {
  // Standing at S(0,0); bins 1 (6,2), 2 (0,6), 3 (0,5), 4 (2,4), 5 (4,3).
  // Nearest neighbour: S→4 (√20) →3 (√5, tie with 5: the first listed) →2 (1) →5 (5) →1 (√5)
  // = 14.944. Best: S→3 (5) →2 (1) →4 (√8) →5 (√5) →1 (√5) = 13.301.
  const pts = [[0, 0], [6, 2], [0, 6], [0, 5], [2, 4], [4, 3]];
  const m = euclid(pts);
  assert.ok(Math.abs(length([0, 4, 3, 2, 5, 1], m) - 14.944) < 1e-3);
  const got = shortWalk(m);
  assert.deepEqual(got, [0, 3, 2, 4, 5, 1]);
  assert.ok(Math.abs(length(got, m) - (5 + 1 + Math.sqrt(8) + 2 * Math.sqrt(5))) < 1e-9);
  assert.deepEqual(got, bestByBruteForce(m));
});

test('two or fewer points need no search', () => {
  assert.deepEqual(shortWalk([[0]]), [0]);
  assert.deepEqual(shortWalk([[0, 5], [5, 0]]), [0, 1]);
});

// A U-shaped lane: up the left arm, along the bottom, up the right arm; a canal between the
// arms. Standing at the top of the left arm, the bin across the canal (P) is 100 m away in a
// straight line but 300 m on foot.
const U_ROADS = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', properties: { kind: 'road' }, geometry: { type: 'LineString', coordinates: [lonlat(0, 100), lonlat(0, 50), lonlat(0, 0), lonlat(50, 0), lonlat(100, 0)] } },
    { type: 'Feature', properties: { kind: 'road' }, geometry: { type: 'LineString', coordinates: [lonlat(100, 0), lonlat(100, 50), lonlat(100, 100)] } },
    { type: 'Feature', properties: { kind: 'village' }, geometry: { type: 'Polygon', coordinates: [[lonlat(-10, -10), lonlat(110, -10), lonlat(110, 110), lonlat(-10, -10)]] } },
  ],
};

test('the road graph joins lines at a shared vertex and ignores village outlines', () => {
  const g = roadGraph(U_ROADS);
  assert.equal(g.nodes.length, 7);
  assert.equal(g.edges.reduce((s, e) => s + e.length, 0), 12); // 6 segments, both ways
  assert.equal(roadGraph({ type: 'FeatureCollection', features: [] }), null);
});

test('on the roads the walk goes round the canal, in a straight line it jumps it', () => {
  const start = at(0, 100);
  const bins = [
    Object.assign(at(100, 100), { code: 'P' }), // across the canal
    Object.assign(at(0, -10), { code: 'Q' }), // 10 m off the bottom-left corner
    Object.assign(at(100, 50), { code: 'W' }), // on the right arm
  ];
  const straight = walkingOrder(start, bins, null);
  assert.deepEqual(straight.stops.map((s) => s.code), ['P', 'W', 'Q']);
  const road = walkingOrder(start, bins, U_ROADS);
  assert.deepEqual(road.stops.map((s) => s.code), ['Q', 'W', 'P']);
  assert.equal(road.by, 'road');
  // 100 down + 10 off the road to Q; back 10, 100 along the bottom, 50 up to W; 50 more to P
  assert.ok(Math.abs(road.total_m - 320) < 1, String(road.total_m));
  assert.ok(Math.abs(road.stops[0].leg_m - 110) < 1);
});

test('without a position the bins keep their order', () => {
  const bins = [{ code: 'B', lat: 15, lon: 102 }, { code: 'A', lat: 15.1, lon: 102 }];
  const walk = walkingOrder(null, bins, U_ROADS);
  assert.deepEqual(walk.stops.map((s) => s.code), ['B', 'A']);
  assert.equal(walk.by, null);
  assert.ok(haversineM(15, 102, 15.1, 102) > 11000);
});
