/* Which bin, and where: registered bins near the fix (from the server, or the bins cached on
 * the phone plus new ones still waiting to be sent; the search reaches further when the fix is
 * poor, and then those bins come first and "new bin" second), a small offline map of them, a QR
 * or typed code (a code not found offers the closest registered codes, then an explicit "register
 * as a new bin"), or a new bin with a made-up code (village number + four digits); and the
 * village it is in (the user's only village, the registered bin's village, or the village
 * polygon around the fix, else the user chooses). */

import { api, outbox } from './api.js';
import { STREAM_COLOURS } from './choices.js';
import { $, el, setText } from './dom.js';
import {
  closestCodes, isPoorFix, isVillageCode, nearbyRadiusM, newBinCode, sameCode, villagePrefix,
} from './find_bin.js';
import { advance, current, go } from './nav.js';
import { errorOf } from './send_queue.js';
import { draft, nearRadius, state } from './state.js';
import { errorText, fmtNum, t } from './words.js';

function haversineM(lat1, lon1, lat2, lon2) {
  const r = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * r) / 2) ** 2
    + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lon2 - lon1) * r) / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.sqrt(a));
}

function cachedBins() {
  return ((state.bins && state.bins.features) || []).filter((f) => f.geometry).map((f) => ({
    code: f.properties.code, stream: f.properties.stream, condition: f.properties.condition,
    capacity_l: f.properties.capacity_l, village_id: f.properties.village_id,
    lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1],
  }));
}

let queuedNew = [];

/** How far to look for registered bins around the fix, metres (wider for a poor fix). */
export function searchRadius() {
  return nearbyRadiusM(draft.fix ? draft.fix.accuracy : 0, nearRadius());
}

/** A fix worse than "good" (green): the bin may be any of the registered ones around. */
function poorFix() {
  return !!draft.fix && isPoorFix(draft.fix.accuracy);
}

export function nearbyFromCache() {
  if (!draft.fix) return [];
  const all = cachedBins().concat(queuedNew);
  return all.map((b) => Object.assign({}, b, { distance_m: haversineM(draft.fix.lat, draft.fix.lon, b.lat, b.lon) }))
    .filter((b) => b.distance_m <= searchRadius())
    .sort((a, b) => a.distance_m - b.distance_m);
}

async function loadQueuedNew() {
  queuedNew = (await outbox.all())
    .filter((i) => i.state !== 'sent' && i.summary.isNew && i.summary.lat != null)
    .map((i) => ({
      code: i.newCode || i.summary.code, stream: i.summary.stream, condition: i.summary.condition,
      capacity_l: i.summary.capacity, lat: i.summary.lat, lon: i.summary.lon, pending: true,
    }));
}

async function nearbyBins() {
  await loadQueuedNew();
  const cached = nearbyFromCache();
  if (!draft.fix || !navigator.onLine) return cached;
  try {
    const q = `lat=${draft.fix.lat}&lon=${draft.fix.lon}&radius_m=${searchRadius()}`;
    const res = await api('/bins/near?' + q, {}, 4000);
    if (!res.ok) return cached;
    const found = await res.json();
    const codes = new Set(found.map((b) => b.code));
    const pending = cached.filter((b) => b.pending && !codes.has(b.code));
    return found.concat(pending).sort((a, b) => a.distance_m - b.distance_m);
  } catch (e) {
    return cached;
  }
}

export async function renderBin() {
  $('code-error').hidden = true;
  $('code-input').value = draft.typedCode || ''; // back from "not found": fix the typing
  const list = $('near-list');
  list.replaceChildren();
  setText($('near-intro'), draft.fix ? '…' : t('near_nofix'));
  const near = await nearbyBins();
  draft.near = near;
  if (current() !== 's-bin') return;
  const r = searchRadius();
  const poor = poorFix() && near.length > 0;
  if (draft.fix) setText($('near-intro'), poor ? t('near_poor', { r, acc: fmtNum(draft.fix.accuracy) }) : near.length ? t('near_some', { r }) : t('near_none', { r }));
  $('near-intro').classList.toggle('warn-text', poor);
  list.replaceChildren(...near.slice(0, 6).map((b) => el('li', {}, binButton(b, () => chooseBin(b)))));
  // A poor fix beside registered bins: those are the likely answer; "new bin" is the exception.
  const newBin = $('btn-new-bin');
  newBin.classList.toggle('primary', !!draft.fix && !near.length);
  newBin.classList.toggle('secondary', poor);
  $('s-bin').dataset.poor = poor ? 'yes' : 'no';
  drawMap(near);
}

/** A registered bin as a big button: colour, code, condition and size, distance when known. */
function binButton(b, onclick) {
  return el('button', { type: 'button', class: 'near', 'data-code': b.code, onclick },
    el('span', { class: 'dot', style: `background:${STREAM_COLOURS[b.stream] || '#999'}` }),
    el('span', { class: 'what' }, el('b', {}, b.code), el('br'),
      `${t('cond_' + b.condition)} · ${t('litres', { n: fmtNum(b.capacity_l) })} `,
      b.pending ? el('span', { class: 'pending' }, t('pending')) : null),
    b.distance_m != null ? el('span', { class: 'dist' }, t('away', { d: fmtNum(b.distance_m) })) : null);
}

export function chooseBin(b) {
  draft.bin = {
    code: b.code, isNew: false, stream: b.stream, capacity: b.capacity_l,
    condition: b.condition, villageId: b.village_id, pending: !!b.pending,
  };
  draft.stream = b.stream || draft.stream;
  draft.capacity = b.capacity_l || draft.capacity;
  advance('s-condition');
}

export function chooseNewBin(code) {
  const village = villageFor();
  if (!draft.editing && draft.bin && !draft.bin.isNew) draft.stream = draft.capacity = null; // not that bin's
  draft.bin = { code: code || generatedCode(village), isNew: true, generated: !code };
  advance('s-condition');
}

function knownCodes() {
  return cachedBins().concat(queuedNew).map((b) => b.code);
}

function generatedCode(village) {
  const draw = () => crypto.getRandomValues(new Uint16Array(1))[0];
  return newBinCode(village || 0, knownCodes(), draw);
}

/** A made-up code follows the village once it is known (chosen on the review screen). */
export function refreshNewCode() {
  const bin = draft.bin;
  const village = villageFor() || (villageChoices().length === 1 ? villageChoices()[0].value : null);
  if (!bin || !bin.generated || !village || !isVillageCode(bin.code)) return;
  if (!bin.code.startsWith(villagePrefix(village) + '-')) bin.code = generatedCode(village);
}

function cleanCode(text) {
  let s = (text || '').trim();
  try {
    if (/^https?:\/\//i.test(s)) {
      const u = new URL(s);
      s = u.searchParams.get('code') || u.pathname.split('/').filter(Boolean).pop() || '';
    }
  } catch (e) { /* not a URL */ }
  return s.toUpperCase().slice(0, 40);
}

export async function chooseCode(text) {
  const code = cleanCode(text);
  draft.typedCode = code;
  const error = $('code-error');
  error.hidden = true;
  if (!code) { setText(error, t('code_empty')); error.hidden = false; return; }
  const onPhone = cachedBins().concat(queuedNew);
  const same = sameCode(code, onPhone.map((b) => b.code));
  if (same) return chooseBin(onPhone.find((b) => b.code === same));
  if (navigator.onLine) {
    try {
      const res = await api('/bins/' + encodeURIComponent(code), {}, 5000);
      if (res.ok) {
        const found = (await res.json()).bin;
        return chooseBin(found);
      }
      if (res.status === 403) { setText(error, errorText(await errorOf(res))); error.hidden = false; return; }
    } catch (e) { /* offline: the register on the phone answers */ }
  }
  showCodeNotFound(code, onPhone);
}

let notFound = null;

function showCodeNotFound(code, onPhone) {
  notFound = { code, onPhone };
  go('s-nocode');
}

/** "ไม่พบรหัส …": the closest registered codes as buttons, then "register as a new bin". */
export function renderCodeNotFound() {
  if (!notFound) return;
  const { code, onPhone } = notFound;
  const byCode = new Map(onPhone.map((b) => [b.code, b]));
  const close = closestCodes(code, [...byCode.keys()]).map((c) => byCode.get(c));
  const fix = draft.fix;
  setText($('nocode-title'), t('code_not_found', { code }));
  setText($('nocode-intro'), close.length ? t('code_closest') : t('code_none_close'));
  $('nocode-list').replaceChildren(...close.map((b) => {
    const shown = fix ? Object.assign({}, b, { distance_m: haversineM(fix.lat, fix.lon, b.lat, b.lon) }) : b;
    return el('li', {}, binButton(shown, () => chooseBin(b)));
  }));
  const register = $('btn-nocode-new');
  register.onclick = () => chooseNewBin(code);
  setText($('nocode-new-label'), t('code_register_new', { code }));
}

// the small offline map (Leaflet from /vendor/, loaded on first use)

let leafletPromise = null;
let map = null;
let mapLayer = null;

function loadLeaflet() {
  if (!leafletPromise) {
    leafletPromise = new Promise((resolve, reject) => {
      document.head.append(el('link', { rel: 'stylesheet', href: '/vendor/leaflet/leaflet.css' }));
      const s = el('script', { src: '/vendor/leaflet/leaflet.js' });
      s.onload = () => resolve(window.L);
      s.onerror = () => { leafletPromise = null; reject(new Error('leaflet')); };
      document.head.append(s);
    });
  }
  return leafletPromise;
}

async function drawMap(near) {
  const box = $('near-map');
  if (!draft.fix) { box.hidden = true; return; }
  let L;
  try { L = await loadLeaflet(); } catch (e) { box.hidden = true; return; }
  if (current() !== 's-bin') return;
  box.hidden = false;
  if (!map) {
    map = L.map(box, { zoomControl: false, attributionControl: false, maxZoom: 21, minZoom: 12 });
    mapLayer = L.layerGroup().addTo(map);
  }
  mapLayer.clearLayers();
  const here = [draft.fix.lat, draft.fix.lon];
  // Under the bins, what the office has: roads and village outlines (/basemap), so the map
  // shows where the head stands even without tiles; the village polygons when not loaded yet.
  const base = state.basemap || state.villages;
  if (base) {
    L.geoJSON(base, {
      interactive: false,
      style: (f) => (f.properties.kind === 'road'
        ? { color: '#8d8d8d', weight: f.properties.highway === 'residential' ? 5 : 7, opacity: 0.9 }
        : { color: '#5b6b7c', weight: 2, fill: false, dashArray: '6 4' }),
    }).addTo(mapLayer);
  }
  L.circle(here, { radius: searchRadius(), color: '#0d3b66', weight: 2, dashArray: '4 4', fill: false, interactive: false }).addTo(mapLayer);
  L.circle(here, { radius: draft.fix.accuracy, color: '#1e88e5', weight: 1, fillOpacity: 0.12, interactive: false }).addTo(mapLayer);
  const shown = cachedBins().concat(queuedNew)
    .filter((b) => haversineM(here[0], here[1], b.lat, b.lon) <= Math.max(150, searchRadius()));
  for (const b of shown) {
    // a 44 px tap target (a finger, not a stylus) around a 24 px dot in the bin's colour
    const dot = el('span', { style: `background:${STREAM_COLOURS[b.stream] || '#999'}` });
    L.marker([b.lat, b.lon], { icon: L.divIcon({ className: 'bin-pin', html: dot, iconSize: [44, 44] }), keyboard: false })
      // a DOM text node, never HTML: Leaflet puts a string tooltip into innerHTML
      .bindTooltip(el('span', {}, String(b.code)), { permanent: near.some((n) => n.code === b.code), direction: 'top', className: 'bin-label', offset: [0, -18] })
      .on('click', () => chooseBin(b))
      .addTo(mapLayer);
  }
  L.circleMarker(here, { radius: 7, color: '#fff', weight: 3, fillColor: '#1e88e5', fillOpacity: 1, interactive: false }).addTo(mapLayer);
  map.invalidateSize();
  // The whole search circle in view: a poor fix's circle is wide.
  map.fitBounds(L.latLng(here).toBounds(2 * searchRadius()), { maxZoom: 19 });
}

// the village

function pointInRing(lon, lat, ring) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if ((yi > lat) !== (yj > lat) && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function villageAt(lat, lon) {
  for (const f of (state.villages && state.villages.features) || []) {
    const g = f.geometry;
    if (!g) continue;
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
    for (const rings of polys) {
      if (pointInRing(lon, lat, rings[0]) && !rings.slice(1).some((h) => pointInRing(lon, lat, h))) return f.properties.number;
    }
  }
  return null;
}

function myVillageNumber() {
  const me = state.me;
  if (me && !me.all_villages && me.villages.length === 1) return me.villages[0].number;
  return null;
}

export function villageFor() {
  if (draft.village) return draft.village;
  const only = myVillageNumber();
  if (only) return only;
  if (draft.bin && draft.bin.villageId && state.me) {
    const v = state.me.villages.find((x) => x.id === draft.bin.villageId);
    if (v) return v.number;
  }
  return draft.fix ? villageAt(draft.fix.lat, draft.fix.lon) : null;
}

export function villageChoices() {
  const me = state.me;
  let list = me ? me.villages : [];
  if ((!list.length || me.all_villages) && state.villages) {
    list = state.villages.features.map((f) => ({ number: f.properties.number, name: f.properties.name }));
  }
  return list.map((v) => ({ value: v.number, html: '', label: t('village', { n: v.number, name: v.name }) }));
}
