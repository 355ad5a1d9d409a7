/* The public report page: where (GPS with its accuracy, or a tap on the map), what, a photo
 * shrunk on the phone, a few words and an optional name and phone. A report is first kept in
 * localStorage (the outbox) with its draft id, then sent; one that could not be sent is sent
 * again when the phone is back online, and the server makes one report of any re-send. */

const WORDS = {
  title: ['แจ้งปัญหาถังขยะ', 'Report a bin problem'],
  switch: ['English', 'ภาษาไทย'],
  where: ['1. อยู่ที่ไหน', '1. Where is it?'],
  use_gps: ['ใช้ตำแหน่งของฉัน (GPS)', 'Use my location (GPS)'],
  or_tap: ['หรือแตะจุดบนแผนที่', 'or tap the place on the map'],
  locating: ['กำลังหาตำแหน่ง…', 'Finding your location…'],
  gps_at: ['ได้ตำแหน่งแล้ว แม่นยำประมาณ ±{m} ม.', 'Location found, accurate to about ±{m} m'],
  gps_poor: [' (ไม่ค่อยแม่น แตะบนแผนที่เพื่อแก้ได้)', ' (not precise: tap the map to correct it)'],
  gps_failed: ['หาตำแหน่งไม่ได้ แตะจุดบนแผนที่แทน', 'No location: tap the place on the map'],
  map_at: ['เลือกจุดบนแผนที่แล้ว', 'Place chosen on the map'],
  what: ['2. เกิดอะไรขึ้น', '2. What is wrong?'],
  bin_full: ['ถังเต็ม / ขยะล้น', 'Bin full / overflowing'],
  bin_broken: ['ถังชำรุด', 'Bin broken'],
  bin_missing: ['ถังหาย', 'Bin missing'],
  bin_request: ['ขอให้ตั้งถังตรงนี้', 'Please put a bin here'],
  dumping: ['ทิ้งขยะไม่เป็นที่', 'Dumped rubbish'],
  dup_title: ['มีคนแจ้งเรื่องนี้ไว้แล้ว', 'Already reported nearby'],
  dup_item: ['แจ้งไว้แล้วเมื่อ {d} — ห่าง {m} ม. (เลขที่ {t})', 'Reported {d} — {m} m away (no. {t})'],
  dup_join: ['เพิ่มเรื่องของคุณเข้าไป', 'Add yours to it'],
  dup_joined: ['จะส่งรวมกับเรื่องเลขที่ {t}', 'Will be added to report {t}'],
  dup_new: ['ไม่ใช่ ส่งเป็นเรื่องใหม่', 'No, send as a new report'],
  today: ['วันนี้', 'today'],
  days_ago: ['{n} วันก่อน', '{n} days ago'],
  details: ['3. รูปและรายละเอียด (ถ้ามี)', '3. Photo and a few words (optional)'],
  photo: ['ถ่ายรูป / เลือกรูป', 'Take or choose a photo'],
  words_ph: ['เล่าสั้น ๆ เช่น ขยะล้นมา 3 วัน', 'A few words, e.g. overflowing for 3 days'],
  contact: ['4. ชื่อและเบอร์โทร (ไม่บังคับ)', '4. Name and phone (optional)'],
  privacy: [
    'ใส่ชื่อและเบอร์โทรเฉพาะถ้าอยากให้เจ้าหน้าที่ติดต่อกลับเพื่อถามรายละเอียด ข้อมูลนี้ไม่เปิดเผยต่อสาธารณะ ใช้เฉพาะเจ้าหน้าที่ อบต. และจะลบทิ้งเมื่อครบ {days} วัน',
    'Give a name and phone only if you want staff to call you back about this report. They are never shown publicly, only office staff see them, and they are erased after {days} days.',
  ],
  name_ph: ['ชื่อ (ไม่บังคับ)', 'Name (optional)'],
  phone_ph: ['เบอร์โทร (ไม่บังคับ)', 'Phone (optional)'],
  send: ['ส่งเรื่อง', 'Send'],
  sending: ['กำลังส่ง…', 'Sending…'],
  need_place: ['เลือกตำแหน่งก่อน (GPS หรือแตะแผนที่)', 'Choose the place first (GPS or a tap on the map)'],
  need_kind: ['เลือกว่าเกิดอะไรขึ้น', 'Choose what is wrong'],
  queued: ['ยังส่งไม่ได้ (ไม่มีสัญญาณ) เก็บเรื่องไว้ในเครื่องแล้ว จะส่งให้เองเมื่อมีสัญญาณ', 'Not sent yet (no signal). Kept on this phone; it will be sent when you are online.'],
  outbox: ['มี {n} เรื่องรอส่ง จะส่งเมื่อมีสัญญาณ', '{n} report(s) waiting to be sent when online'],
  thanks: ['ได้รับเรื่องแล้ว ขอบคุณครับ/ค่ะ', 'Received, thank you'],
  your_ticket: ['เลขที่เรื่องของคุณ', 'Your report number'],
  follow: ['ติดตามเรื่อง (เก็บลิงก์นี้ไว้)', 'Follow your report (keep this link)'],
  again: ['แจ้งเรื่องอื่น', 'Report something else'],
  mine: ['เรื่องที่คุณแจ้งจากเครื่องนี้', 'Reports sent from this phone'],
};
const KINDS = ['bin_full', 'bin_broken', 'bin_missing', 'bin_request', 'dumping'];
const KEEP_DAYS = Number(document.body.dataset.keepDays) || 365;
const POOR_M = 50;
const OUTBOX = 'fieldsvc_report_outbox';
const DEVICE = 'fieldsvc_report_device';
const LANG = 'fieldsvc_report_lang';
const MINE = 'fieldsvc_report_mine';
const PHOTO_PX = 1280;

const $ = (id) => document.getElementById(id);
let lang = new URLSearchParams(location.search).get('lang') || localStorage.getItem(LANG) || 'th';
if (!['th', 'en'].includes(lang)) lang = 'th';
const t = (key, values = {}) => (WORDS[key] ? WORDS[key][lang === 'en' ? 1 : 0] : key)
  .replace(/\{(\w+)\}/g, (_, k) => String(values[k]));

const draft = { lat: null, lon: null, accuracy: null, located_by: null, kind: null, join: null, photo: null };
let map = null;
let marker = null;
let accuracyCircle = null;

function uid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

function deviceId() {
  let id = localStorage.getItem(DEVICE);
  if (!id) { id = uid(); localStorage.setItem(DEVICE, id); }
  return id;
}

function applyWords() {
  document.documentElement.lang = lang;
  document.title = t('title');
  for (const node of document.querySelectorAll('[data-w]')) node.textContent = t(node.dataset.w, { days: KEEP_DAYS });
  for (const node of document.querySelectorAll('[data-wp]')) node.placeholder = t(node.dataset.wp);
  renderKinds();
  showWhere();
  showOutbox();
  showMine();
}

function renderKinds() {
  $('kinds').replaceChildren(...KINDS.map((kind) => {
    const input = Object.assign(document.createElement('input'), { type: 'radio', name: 'kind', value: kind, checked: draft.kind === kind });
    input.addEventListener('change', () => { draft.kind = kind; draft.join = null; lookForDuplicates(); });
    const label = document.createElement('label');
    label.append(input, document.createTextNode(t(kind)));
    return label;
  }));
}

function showWhere() {
  const where = $('where');
  where.className = 'hint';
  if (draft.lat === null) { where.textContent = t('or_tap'); return; }
  if (draft.located_by === 'gps') {
    const m = Math.round(draft.accuracy);
    where.textContent = t('gps_at', { m }) + (m > POOR_M ? t('gps_poor') : '');
    where.className = m > POOR_M ? 'hint' : 'ok';
  } else {
    where.textContent = t('map_at');
    where.className = 'ok';
  }
}

// --- the map: village outlines and public bins, no tiles from the internet ----------------------

async function drawMap() {
  const L = window.L;
  if (!L) return;
  map = L.map('map', { attributionControl: false, maxZoom: 20, minZoom: 10 });
  map.setView([13.75, 100.5], 12);
  // The office's own tiles when it has them (served by this server, never from the internet).
  if (document.body.dataset.tiles) L.tileLayer(document.body.dataset.tiles, { maxZoom: 20 }).addTo(map);
  map.on('click', (event) => setPlace(event.latlng.lat, event.latlng.lng, null, 'map'));
  try {
    const villages = await (await fetch('/public/data/villages.geojson')).json();
    const layer = L.geoJSON(villages, { interactive: false, style: { color: '#5b6b7c', weight: 2, fillOpacity: 0.05 } }).addTo(map);
    if (draft.lat === null && layer.getBounds().isValid()) map.fitBounds(layer.getBounds());
  } catch (e) { /* offline with no copy yet: the empty map still takes a tap */ }
  try {
    const bins = await (await fetch('/public/data/bins.geojson')).json();
    L.geoJSON(bins, {
      pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 5, color: '#2e7d32', weight: 2, fillOpacity: 0.6 }),
      onEachFeature: (f, layer) => layer.on('click', (event) => setPlace(event.latlng.lat, event.latlng.lng, null, 'map')),
    }).addTo(map);
  } catch (e) { /* as above */ }
}

function setPlace(lat, lon, accuracy, by) {
  Object.assign(draft, { lat, lon, accuracy, located_by: by, join: null });
  if (map) {
    const L = window.L;
    // a drawn dot, not Leaflet's marker image: nothing to fetch, so it shows offline too
    if (marker) marker.setLatLng([lat, lon]);
    else marker = L.circleMarker([lat, lon], { radius: 9, color: '#fff', weight: 3, fillColor: '#d32f2f', fillOpacity: 1, interactive: false }).addTo(map);
    if (accuracyCircle) { accuracyCircle.remove(); accuracyCircle = null; }
    if (accuracy) accuracyCircle = L.circle([lat, lon], { radius: accuracy, weight: 1, fillOpacity: 0.12, interactive: false }).addTo(map);
    if (by === 'gps') map.setView([lat, lon], 16);
  }
  showWhere();
  lookForDuplicates();
}

function locate() {
  const where = $('where');
  where.textContent = t('locating');
  if (!navigator.geolocation) { where.textContent = t('gps_failed'); return; }
  navigator.geolocation.getCurrentPosition(
    (pos) => setPlace(pos.coords.latitude, pos.coords.longitude, pos.coords.accuracy, 'gps'),
    () => { where.textContent = t('gps_failed'); },
    { enableHighAccuracy: true, timeout: 20000, maximumAge: 30000 },
  );
}

// --- duplicates ("already reported — add yours to it?") -------------------------------------

async function lookForDuplicates() {
  const box = $('dups');
  if (draft.lat === null || !draft.kind) { box.hidden = true; return; }
  let found = [];
  try {
    const q = new URLSearchParams({ lat: draft.lat.toFixed(6), lon: draft.lon.toFixed(6), kind: draft.kind });
    const res = await fetch('/report/nearby?' + q);
    found = res.ok ? await res.json() : [];
  } catch (e) { found = []; }
  if (!found.length) { box.hidden = true; return; }
  box.hidden = false;
  $('dup-list').replaceChildren(...found.map((r) => {
    const li = document.createElement('li');
    const when = r.days_ago === 0 ? t('today') : t('days_ago', { n: r.days_ago });
    li.append(document.createTextNode(t('dup_item', { d: when, m: r.distance_m, t: r.ticket })));
    const join = Object.assign(document.createElement('button'), { type: 'button', className: 'big', textContent: draft.join === r.ticket ? t('dup_joined', { t: r.ticket }) : t('dup_join') });
    join.dataset.ticket = r.ticket;
    join.addEventListener('click', () => { draft.join = r.ticket; lookForDuplicates(); });
    li.append(join);
    return li;
  }), (() => {
    const li = document.createElement('li');
    const fresh = Object.assign(document.createElement('button'), { type: 'button', className: 'link', textContent: t('dup_new') });
    fresh.addEventListener('click', () => { draft.join = null; $('dups').hidden = true; });
    li.append(fresh);
    return li;
  })());
}

// --- the photo, shrunk on the phone ------------------------------------------------------------

async function shrink(file) {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, PHOTO_PX / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  return canvas.toDataURL('image/jpeg', 0.8);
}

async function photoChosen() {
  const file = $('photo').files[0];
  if (!file) return;
  try { draft.photo = await shrink(file); } catch (e) { draft.photo = null; return; }
  Object.assign($('preview'), { src: draft.photo, hidden: false });
}

// --- the outbox: kept first, then sent; a re-send is one report -------------------------------

function outbox() {
  try { return JSON.parse(localStorage.getItem(OUTBOX) || '[]'); } catch (e) { return []; }
}

function saveOutbox(items) {
  localStorage.setItem(OUTBOX, JSON.stringify(items));
  showOutbox();
}

function showOutbox() {
  const n = outbox().length;
  const box = $('outbox');
  box.hidden = n === 0;
  box.textContent = t('outbox', { n });
}

// Tickets sent from this phone (a report sent later from the outbox gets its number here).
function mine() {
  try { return JSON.parse(localStorage.getItem(MINE) || '[]'); } catch (e) { return []; }
}

function remember(answer) {
  const kept = mine().filter((r) => r.ticket !== answer.ticket);
  localStorage.setItem(MINE, JSON.stringify([{ ticket: answer.ticket, url: answer.status_url }].concat(kept).slice(0, 10)));
  showMine();
}

function showMine() {
  const items = mine();
  $('mine').hidden = items.length === 0;
  $('mine-list').replaceChildren(...items.map((r) => {
    const li = document.createElement('li');
    li.append(Object.assign(document.createElement('a'), { href: r.url, textContent: r.ticket }));
    return li;
  }));
}

function formOf(item) {
  const form = new FormData();
  for (const [key, value] of Object.entries(item)) {
    if (key === 'photo' || value === null || value === undefined || value === '') continue;
    form.append(key, String(value));
  }
  if (item.photo) {
    const [head, body] = item.photo.split(',');
    const bytes = Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
    form.append('photo', new Blob([bytes], { type: head.slice(5).split(';')[0] }), 'photo.jpg');
  }
  return form;
}

/* Send one kept report. Returns the answer, 'offline' (kept for later) or an error body. */
async function sendOne(item) {
  let res;
  try {
    res = await fetch('/report/send', { method: 'POST', body: formOf(item) });
  } catch (e) {
    return { offline: true };
  }
  if (res.status >= 500) return { offline: true }; // the server's fault: kept, tried again
  const body = await res.json().catch(() => ({}));
  saveOutbox(outbox().filter((x) => x.draft_id !== item.draft_id)); // answered: not kept
  if (!res.ok) return { error: body.error || {} };
  if (body.ticket) remember(body);
  return body;
}

let flushing = false;
async function flush() {
  if (flushing) return;
  flushing = true;
  try {
    for (const item of outbox()) {
      const answer = await sendOne(item);
      if (answer.offline) break;
    }
  } finally {
    flushing = false;
  }
}

function showError(error, className = 'error') {
  const box = $('error');
  box.hidden = false;
  box.className = className;
  box.textContent = (lang === 'en' ? error.message : error.message_th) || error.message || '';
}

async function submit(event) {
  event.preventDefault();
  $('error').hidden = true;
  if (draft.lat === null) { showError({ message_th: t('need_place'), message: t('need_place') }); return; }
  if (!draft.kind) { showError({ message_th: t('need_kind'), message: t('need_kind') }); return; }
  const item = {
    draft_id: uid(), device_id: deviceId(), kind: draft.kind, lat: draft.lat, lon: draft.lon,
    accuracy: draft.accuracy, located_by: draft.located_by, join: draft.join,
    description: $('description').value.trim(), name: $('name').value.trim(), phone: $('phone').value.trim(),
    website: $('website').value, photo: draft.photo,
  };
  saveOutbox(outbox().concat([item]));
  const button = $('send');
  button.disabled = true;
  button.textContent = t('sending');
  const answer = await sendOne(item);
  button.disabled = false;
  button.textContent = t('send');
  if (answer.offline) {
    showError({ message_th: t('queued'), message: t('queued') }, 'notice');
    resetForm();
    return;
  }
  if (answer.error) { showError(answer.error); return; }
  $('report').hidden = true;
  $('done').hidden = false;
  $('ticket').textContent = answer.ticket || '';
  $('status-link').href = answer.status_url || '/report';
}

function resetForm() {
  Object.assign(draft, { kind: null, join: null, photo: null });
  $('report').reset();
  $('preview').hidden = true;
  $('dups').hidden = true;
  renderKinds();
}

function start() {
  applyWords();
  $('lang').addEventListener('click', () => {
    lang = lang === 'th' ? 'en' : 'th';
    localStorage.setItem(LANG, lang);
    applyWords();
  });
  $('gps').addEventListener('click', locate);
  $('photo').addEventListener('change', photoChosen);
  $('report').addEventListener('submit', submit);
  $('again').addEventListener('click', () => { resetForm(); $('done').hidden = true; $('report').hidden = false; });
  window.addEventListener('online', flush);
  setInterval(() => { if (navigator.onLine !== false) flush(); }, 30000);
  drawMap();
  flush();
  if ('serviceWorker' in navigator) navigator.serviceWorker.register('/report/sw.js', { scope: '/report' }).catch(() => {});
}

start();
