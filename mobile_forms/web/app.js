/* fieldsvc phone survey form: offline-first, Thai first, plain JS (no framework, no build).
 *
 * Flow, one question per screen: photo → GPS → which bin (nearby list + map, QR, typed code, or
 * new) → condition → [stream → size for a new bin] → review → save. A saved survey goes to an
 * IndexedDB queue with its submission_id fixed at save time, and is sent (JSON, then the photo)
 * whenever there is a connection; a retry after a lost response is recognised by the server.
 */
'use strict';

const API = '/api/v1';
const DB_NAME = 'fieldsvc-m';
const TOKEN_KEY = 'fieldsvc.token';
const LANG_KEY = 'fieldsvc.lang';
const DEVICE_KEY = 'fieldsvc.device';
const GPS_GREEN_M = 10;
const POOR_FIX_WAIT_MS = 6000;
const PHOTO_LONG_SIDE_PX = 1024;
const PHOTO_QUALITY = 0.7;
const RETRY_FIRST_MS = 5000;
const RETRY_MAX_MS = 5 * 60 * 1000;
const KEEP_SENT_DAYS = 45;

// --- words ---------------------------------------------------------------------------------------

const WORDS = {
  th: {
    app_title: 'สำรวจถังขยะ', offline: 'ไม่มีสัญญาณ', waiting_short: 'รอส่ง', back: 'ย้อนกลับ',
    login_title: 'เข้าสู่ระบบ',
    login_help: 'เปิดลิงก์ที่ได้รับทาง LINE จากเจ้าหน้าที่ หรือวางลิงก์ / สแกน QR ด้านล่าง',
    login_paste: 'วางลิงก์หรือรหัสเข้าใช้', login_go: 'เข้าสู่ระบบ',
    login_bad: 'ลิงก์หรือรหัสนี้ใช้ไม่ได้ กรุณาขอลิงก์ใหม่จากเจ้าหน้าที่ อบต.',
    login_again: 'ต้องเข้าสู่ระบบใหม่ รายการที่รอส่งยังเก็บอยู่ในเครื่อง',
    hello: 'สวัสดี {name}', village: 'หมู่ {n} {name}', all_villages: 'ทุกหมู่บ้านในตำบล',
    progress_title: 'ตรวจแล้วเดือนนี้', bins_unit: 'ถัง',
    progress_pending: 'และบันทึกไว้รอส่งอีก {n} ถัง',
    start: 'บันทึกถังขยะ', my_records: 'รายการที่บันทึก',
    data_age: 'ข้อมูลถังในเครื่อง ณ {time}', no_data: 'ยังไม่มีข้อมูลถังในเครื่อง',
    logout: 'ออกจากระบบ', logout_confirm: 'ออกจากระบบจากโทรศัพท์เครื่องนี้?',
    step: 'ขั้นที่ {n}',
    q_photo: 'ถ่ายรูปถังขยะ', take_photo: 'ถ่ายรูป', retake: 'ถ่ายใหม่',
    photo_ready: 'ได้รูปแล้ว ({kb} KB)', photo_work: 'กำลังย่อรูป…',
    photo_bad: 'อ่านรูปนี้ไม่ได้ ลองถ่ายใหม่', skip_photo: 'ข้าม ไม่ถ่ายรูป', next: 'ถัดไป',
    q_gps: 'ตำแหน่งถัง', gps_help: 'ยืนข้างถัง ในที่โล่ง ไม่อยู่ใต้หลังคา',
    gps_accuracy: 'คลาดเคลื่อนได้', gps_wait: 'กำลังหาสัญญาณ GPS…', m: 'ม.',
    gps_green: 'แม่นยำดี', gps_amber: 'พอใช้ได้', gps_red: 'ยังไม่แม่นยำ',
    gps_use: 'ใช้ตำแหน่งนี้', gps_wait_btn: 'รอ GPS… (แตะเพื่อข้าม)',
    gps_use_poor: 'ใช้ตำแหน่งนี้ แม้ไม่แม่นยำ', gps_go_without: 'ไปต่อโดยไม่มีตำแหน่ง',
    gps_warn_poor: 'ตำแหน่งคลาดเคลื่อนได้ถึง {acc} ม. หยาบกว่าเกณฑ์ {max} ม. ลองออกไปที่โล่งแล้วรอสักครู่ ถ้าบันทึกเลย เจ้าหน้าที่จะตรวจตำแหน่งอีกครั้ง',
    gps_warn_none: 'ยังหาตำแหน่งไม่ได้ เปิด GPS (ตำแหน่ง) ในโทรศัพท์ แล้วรอสักครู่',
    gps_denied: 'โทรศัพท์ไม่อนุญาตให้ใช้ตำแหน่ง กรุณาอนุญาต "ตำแหน่ง" ให้เบราว์เซอร์',
    q_bin: 'ถังนี้มีในทะเบียนแล้วหรือยัง',
    near_some: 'ถังที่ลงทะเบียนไว้ในระยะ {r} ม. ถ้าเป็นใบนี้ แตะที่ชื่อถัง',
    near_none: 'ไม่พบถังที่ลงทะเบียนไว้ในระยะ {r} ม.',
    near_nofix: 'ไม่มีตำแหน่ง จึงหาถังใกล้ ๆ ไม่ได้ สแกนหรือพิมพ์รหัสบนถัง',
    pending: 'รอส่ง', away: '{d} ม.', or: 'หรือ', scan_qr: 'สแกน QR บนถัง', login_scan: 'สแกน QR เข้าใช้',
    type_code: 'พิมพ์รหัสบนถัง', code_eg: 'เช่น NB-0001', ok: 'ตกลง', code_empty: 'กรุณาพิมพ์รหัสบนถัง',
    new_bin_no_code: 'ถังใหม่ ยังไม่มีรหัส',
    q_condition: 'สภาพถัง', cond_usable: 'ใช้งานได้', cond_damaged: 'ชำรุด',
    cond_missing: 'สูญหาย', cond_overflowing: 'ขยะล้น',
    q_stream: 'ถังสีอะไร (ประเภทขยะ)',
    stream_general: 'ทั่วไป', stream_organic: 'อินทรีย์', stream_recyclable: 'รีไซเคิล',
    stream_hazardous: 'อันตราย', col_general: 'สีน้ำเงิน', col_organic: 'สีเขียว',
    col_recyclable: 'สีเหลือง', col_hazardous: 'สีแดง',
    q_size: 'ขนาดถัง', litres: '{n} ลิตร', size_120: 'ถังล้อเลื่อนเล็ก',
    size_240: 'ถังล้อเลื่อน', size_200: 'ถังกลม (ถังน้ำมัน)', size_660: 'คอนเทนเนอร์',
    size_1100: 'คอนเทนเนอร์ใหญ่',
    q_review: 'ตรวจแล้วกดบันทึก', r_photo: 'รูป', r_code: 'รหัสถัง', r_condition: 'สภาพ',
    r_stream: 'ประเภท', r_size: 'ขนาด', r_location: 'ตำแหน่ง', change: 'แก้',
    no_photo: 'ไม่มีรูป', no_location: 'ไม่มีตำแหน่ง', not_set: 'ยังไม่เลือก',
    new_badge: 'ถังใหม่', write_code: 'เขียนรหัสนี้ไว้ที่ถัง',
    review_dup: 'ระวังซ้ำ: ถัง {code} ลงทะเบียนไว้แล้ว ห่างจากที่นี่ {d} ม.',
    dup_same: 'เป็นถัง {code} ใบเดิม', q_village: 'ถังนี้อยู่หมู่บ้านไหน',
    need_village: 'กรุณาเลือกหมู่บ้าน', need_location: 'ถังใหม่ต้องมีตำแหน่ง กรุณากลับไปรอ GPS',
    need_condition: 'กรุณาเลือกสภาพถัง', need_stream: 'กรุณาเลือกประเภทขยะ (สีถัง)',
    need_size: 'กรุณาเลือกขนาดถัง', save: 'บันทึก',
    saved_title: 'บันทึกแล้ว', saved_sending: 'กำลังส่ง…', saved_sent: 'ส่งถึง อบต. แล้ว',
    saved_waiting: 'เก็บไว้ในโทรศัพท์แล้ว จะส่งให้เองเมื่อมีสัญญาณ',
    saved_failed: 'ส่งไม่สำเร็จ: {why}', next_bin: 'บันทึกถังต่อไป', home: 'กลับหน้าแรก',
    send_now: 'ส่งตอนนี้', queue_summary: 'รอส่ง {w} · ส่งไม่สำเร็จ {f} · ส่งแล้ว {s}',
    queue_empty: 'ยังไม่มีรายการ', st_sent: 'ส่งแล้ว', st_waiting: 'รอส่ง',
    st_failed: 'ส่งไม่สำเร็จ', why_network: 'ยังไม่มีสัญญาณ จะลองส่งใหม่เอง',
    why_server: 'เซิร์ฟเวอร์ไม่ว่าง จะลองส่งใหม่เอง', why_auth: 'ต้องเข้าสู่ระบบใหม่ก่อนส่ง',
    staff_check: 'เจ้าหน้าที่จะตรวจ: {msg}', fix_resend: 'แก้ไขแล้วส่งใหม่',
    remove: 'ลบรายการนี้', remove_confirm: 'ลบรายการนี้ออกจากโทรศัพท์? ข้อมูลจะไม่ถูกส่ง',
    scan_title: 'ส่องกล้องไปที่ QR', scan_starting: 'กำลังเปิดกล้อง…',
    scan_no_camera: 'เปิดกล้องไม่ได้ ถ่ายรูป QR แทน', scan_none: 'ไม่พบ QR ในรูป ลองใหม่',
    cancel: 'ยกเลิก', unknown_error: 'เกิดข้อผิดพลาด (รหัส {status})',
  },
  en: {
    app_title: 'Bin survey', offline: 'Offline', waiting_short: 'to send', back: 'Back',
    login_title: 'Sign in',
    login_help: 'Open the link the staff sent you on LINE, or paste the link / scan the QR code below',
    login_paste: 'Paste your link or access code', login_go: 'Sign in',
    login_bad: 'This link or code does not work. Ask the office staff for a new link.',
    login_again: 'Please sign in again. Surveys waiting to be sent are kept on this phone.',
    hello: 'Hello, {name}', village: 'Village {n} {name}', all_villages: 'All villages',
    progress_title: 'Inspected this month', bins_unit: 'bins',
    progress_pending: 'and {n} more saved, waiting to be sent',
    start: 'Record a bin', my_records: 'My records',
    data_age: 'Bin data on this phone from {time}', no_data: 'No bin data on this phone yet',
    logout: 'Sign out', logout_confirm: 'Sign out on this phone?',
    step: 'Step {n}',
    q_photo: 'Take a photo of the bin', take_photo: 'Take photo', retake: 'Retake',
    photo_ready: 'Photo ready ({kb} KB)', photo_work: 'Shrinking the photo…',
    photo_bad: 'This photo could not be read. Try again.', skip_photo: 'Skip the photo',
    next: 'Next',
    q_gps: 'Bin location', gps_help: 'Stand next to the bin, in the open, not under a roof',
    gps_accuracy: 'Accuracy', gps_wait: 'Finding GPS…', m: 'm',
    gps_green: 'Good', gps_amber: 'Fair', gps_red: 'Not accurate yet',
    gps_use: 'Use this location', gps_wait_btn: 'Waiting for GPS… (tap to skip)',
    gps_use_poor: 'Use it anyway', gps_go_without: 'Continue without location',
    gps_warn_poor: 'The location may be off by {acc} m, worse than the {max} m limit. Move into the open and wait a moment. If you save now, staff will check the location.',
    gps_warn_none: 'No GPS fix yet. Turn on location on the phone and wait a moment.',
    gps_denied: 'The phone does not allow location. Allow "Location" for the browser.',
    q_bin: 'Is this bin already registered?',
    near_some: 'Registered bins within {r} m. If it is this one, tap it.',
    near_none: 'No registered bin within {r} m.',
    near_nofix: 'No location, so nearby bins cannot be shown. Scan or type the bin code.',
    pending: 'to send', away: '{d} m', or: 'or', scan_qr: 'Scan the QR on the bin', login_scan: 'Scan the sign-in QR',
    type_code: 'Type the code on the bin', code_eg: 'e.g. NB-0001', ok: 'OK', code_empty: 'Please type the bin code',
    new_bin_no_code: 'New bin, no code yet',
    q_condition: 'Condition', cond_usable: 'Usable', cond_damaged: 'Damaged',
    cond_missing: 'Missing', cond_overflowing: 'Overflowing',
    q_stream: 'Bin colour (waste type)',
    stream_general: 'General', stream_organic: 'Organic', stream_recyclable: 'Recyclable',
    stream_hazardous: 'Hazardous', col_general: 'blue', col_organic: 'green',
    col_recyclable: 'yellow', col_hazardous: 'red',
    q_size: 'Bin size', litres: '{n} L', size_120: 'small wheelie bin', size_240: 'wheelie bin',
    size_200: 'drum', size_660: 'container', size_1100: 'large container',
    q_review: 'Check, then save', r_photo: 'Photo', r_code: 'Bin code', r_condition: 'Condition',
    r_stream: 'Type', r_size: 'Size', r_location: 'Location', change: 'change',
    no_photo: 'No photo', no_location: 'No location', not_set: 'Not chosen',
    new_badge: 'NEW', write_code: 'Write this code on the bin',
    review_dup: 'Possible duplicate: bin {code} is registered {d} m from here.',
    dup_same: 'It is bin {code}', q_village: 'Which village is this bin in?',
    need_village: 'Please choose the village', need_location: 'A new bin needs a location: go back and wait for GPS',
    need_condition: 'Please choose the condition', need_stream: 'Please choose the waste type (colour)',
    need_size: 'Please choose the size', save: 'Save',
    saved_title: 'Saved', saved_sending: 'Sending…', saved_sent: 'Sent to the office',
    saved_waiting: 'Kept on this phone; it will be sent when there is signal',
    saved_failed: 'Not sent: {why}', next_bin: 'Record the next bin', home: 'Home',
    send_now: 'Send now', queue_summary: 'To send {w} · failed {f} · sent {s}',
    queue_empty: 'Nothing recorded yet', st_sent: 'Sent', st_waiting: 'To send',
    st_failed: 'Failed', why_network: 'No signal; it will retry by itself',
    why_server: 'The server is busy; it will retry by itself', why_auth: 'Sign in again to send',
    staff_check: 'Staff will check: {msg}', fix_resend: 'Fix and send again',
    remove: 'Remove this record', remove_confirm: 'Remove this record from the phone? It will not be sent.',
    scan_title: 'Point the camera at the QR code', scan_starting: 'Opening the camera…',
    scan_no_camera: 'The camera could not be opened: take a photo of the QR instead',
    scan_none: 'No QR code found; try again', cancel: 'Cancel',
    unknown_error: 'Something went wrong (code {status})',
  },
};

let lang = localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'th';

function t(key, params) {
  let s = (WORDS[lang] && WORDS[lang][key]) || WORDS.th[key] || key;
  if (params) for (const k of Object.keys(params)) s = s.split('{' + k + '}').join(String(params[k]));
  return s;
}

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'html') node.innerHTML = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c);
  return node;
}

/* Thai has no spaces between words, and the line breaker's dictionary splits words such as
 * เจ้า|หน้าที่ on a narrow screen. The texts here put a space between phrases: each phrase becomes
 * an inline-block, so lines break between phrases (a phrase wider than the screen still wraps). */
function setText(node, text) {
  text = text == null ? '' : String(text);
  if (!/[\u0E00-\u0E7F]/.test(text) || !text.includes(' ')) { node.textContent = text; return; }
  const parts = [];
  text.split(' ').forEach((phrase, i) => {
    if (i) parts.push(' ');
    if (phrase) parts.push(el('span', { class: 'w' }, phrase));
  });
  node.replaceChildren(el('span', {}, parts)); // one box, also inside a flex button
}

function fmtNum(n, digits) {
  return Number(n).toLocaleString(lang === 'th' ? 'th-TH' : 'en-GB', { maximumFractionDigits: digits || 0 });
}

function fmtTime(ms) {
  // th-TH shows the Buddhist-era year by itself.
  return new Date(ms).toLocaleString(lang === 'th' ? 'th-TH' : 'en-GB', {
    day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit',
  });
}

function applyWords() {
  document.documentElement.lang = lang;
  document.title = t('app_title');
  for (const node of document.querySelectorAll('[data-i18n]')) setText(node, t(node.dataset.i18n));
  for (const node of document.querySelectorAll('[data-i18n-label]')) node.setAttribute('aria-label', t(node.dataset.i18nLabel));
  for (const node of document.querySelectorAll('[data-step]')) node.textContent = t('step', { n: node.dataset.step });
  $('code-input').placeholder = t('code_eg');
  const other = lang === 'th' ? 'en' : 'th';
  $('btn-lang').textContent = other === 'en' ? 'EN' : 'ไทย';
  $('btn-lang').setAttribute('lang', other);
  $('btn-lang').setAttribute('aria-label', other === 'en' ? 'English' : 'ภาษาไทย');
}

// --- storage: IndexedDB (queue + cached data) --------------------------------------------------

let dbPromise = null;

function openDb() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => {
        req.result.createObjectStore('queue', { keyPath: 'id' });
        req.result.createObjectStore('kv');
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }
  return dbPromise;
}

async function idb(store, mode, fn) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(store, mode);
    const req = fn(tx.objectStore(store));
    tx.oncomplete = () => resolve(req ? req.result : undefined);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

const kvGet = (key) => idb('kv', 'readonly', (s) => s.get(key));
const kvSet = (key, value) => idb('kv', 'readwrite', (s) => s.put(value, key));
const queueAll = () => idb('queue', 'readonly', (s) => s.getAll());
const queueGet = (id) => idb('queue', 'readonly', (s) => s.get(id));
const queuePut = (item) => idb('queue', 'readwrite', (s) => s.put(item));
const queueDelete = (id) => idb('queue', 'readwrite', (s) => s.delete(id));

// --- state ---------------------------------------------------------------------------------------

const state = {
  me: null, villages: null, bins: null, dataAt: null,
  authProblem: false, counts: { waiting: 0, failed: 0, sent: 0 },
};
let draft = null;

function token() { return localStorage.getItem(TOKEN_KEY); }

function deviceId() {
  let id = localStorage.getItem(DEVICE_KEY);
  if (!id) { id = 'web:' + uuid().slice(0, 13); localStorage.setItem(DEVICE_KEY, id); }
  return id;
}

function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function gpsLimit() { return (state.me && state.me.settings.max_gps_accuracy_m) || 25; }
function nearRadius() { return (state.me && state.me.settings.nearby_radius_m) || 30; }

// --- network -------------------------------------------------------------------------------------

async function api(path, opts = {}, timeoutMs = 20000) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const headers = Object.assign({ Accept: 'application/json' }, opts.headers || {});
  const tok = token();
  if (tok) headers.Authorization = 'Bearer ' + tok;
  try {
    return await fetch(API + path, Object.assign({}, opts, { headers, signal: controller.signal, cache: 'no-store' }));
  } finally {
    clearTimeout(timer);
  }
}

async function errorOf(res) {
  try {
    const body = await res.json();
    if (body && body.error) return Object.assign({ status: res.status }, body.error);
  } catch (e) { /* not JSON */ }
  return { status: res.status, code: 'http_' + res.status, message: res.statusText, message_th: null };
}

function errorText(err) {
  if (!err) return '';
  const text = lang === 'th' ? err.message_th || err.message : err.message || err.message_th;
  return text || t('unknown_error', { status: err.status });
}

async function refreshData() {
  if (!navigator.onLine) return;
  try {
    const res = await api('/me', {}, 15000);
    if (res.status === 401) { setAuthProblem(true); return; }
    if (!res.ok) return;
    state.me = await res.json();
    setAuthProblem(false);
    await kvSet('me', state.me);
    const [villages, bins] = await Promise.all([api('/villages', {}, 30000), api('/bins', {}, 60000)]);
    if (villages.ok) { state.villages = await villages.json(); await kvSet('villages', state.villages); }
    if (bins.ok) { state.bins = await bins.json(); await kvSet('bins', state.bins); }
    if (villages.ok && bins.ok) { state.dataAt = Date.now(); await kvSet('dataAt', state.dataAt); }
    document.documentElement.dataset.data = 'ready';
  } catch (e) {
    /* offline or slow: keep what is cached */
  }
  renderHome();
}

function setAuthProblem(on) {
  state.authProblem = on;
  if (on && current() === 's-home' && !state.me) showLogin(t('login_again'));
}

// --- the queue: save, send, retry ------------------------------------------------------------------

let sending = null;
let retryTimer = null;
let retryDelay = 0;

function sendQueue() {
  if (!sending) {
    const run = () => sendWaiting();
    const job = navigator.locks ? navigator.locks.request('fieldsvc-send', run) : run();
    sending = job.finally(() => { sending = null; });
  }
  return sending;
}

async function sendWaiting() {
  const waiting = (await queueAll()).filter((i) => i.state === 'waiting').sort((a, b) => a.savedAt - b.savedAt);
  let trouble = false;
  let sentAny = false;
  if (navigator.onLine) {
    for (const item of waiting) {
      const outcome = await sendOne(item);
      await renderQueueState();
      if (outcome === 'sent') sentAny = true;
      if (outcome === 'retry' || outcome === 'auth') { trouble = true; break; }
    }
  } else if (waiting.length) {
    trouble = true;
  }
  clearTimeout(retryTimer);
  const left = (await queueAll()).some((i) => i.state === 'waiting');
  if (left) {
    retryDelay = trouble ? Math.min(RETRY_MAX_MS, retryDelay ? retryDelay * 2 : RETRY_FIRST_MS) : RETRY_FIRST_MS;
    retryTimer = setTimeout(sendQueue, retryDelay * (0.8 + Math.random() * 0.4));
  } else {
    retryDelay = 0;
  }
  if (sentAny) refreshData();
}

async function sendOne(item) {
  try {
    if (item.stage === 'json') {
      const res = await api('/submissions', {
        method: 'POST', body: item.body, headers: { 'Content-Type': 'application/json' },
      }, 30000);
      if (!res.ok) return await notSent(item, res);
      const out = await res.json();
      item.serverId = out.id;
      item.received = true;
      item.flags = (out.flags || []).map((f) => ({ th: f.message_th, en: f.message_en, severity: f.severity }));
      const photoThere = (out.attachments || []).some((a) => a.name === item.photoName && a.received);
      item.stage = item.photoName && item.photo && !photoThere ? 'photo' : 'done';
      item.note = null;
      await queuePut(item);
    }
    if (item.stage === 'photo') {
      const url = `/submissions/${encodeURIComponent(item.id)}/attachments/${encodeURIComponent(item.photoName)}`;
      const res = await api(url, { method: 'PUT', body: item.photo, headers: { 'Content-Type': 'image/jpeg' } }, 60000);
      if (!res.ok) return await notSent(item, res);
      item.stage = 'done';
    }
    item.state = 'sent';
    item.sentAt = Date.now();
    item.photo = null; // the server has it; the thumbnail stays
    item.error = null;
    item.note = null;
    await queuePut(item);
    return 'sent';
  } catch (e) {
    item.attempts = (item.attempts || 0) + 1;
    item.note = 'network';
    await queuePut(item);
    return 'retry';
  }
}

async function notSent(item, res) {
  item.attempts = (item.attempts || 0) + 1;
  if (res.status === 401) {
    item.note = 'auth';
    await queuePut(item);
    setAuthProblem(true);
    return 'auth';
  }
  if (res.status >= 500 || res.status === 408 || res.status === 429) {
    item.note = 'server';
    await queuePut(item);
    return 'retry';
  }
  item.state = 'failed';
  item.error = await errorOf(res);
  item.note = null;
  await queuePut(item);
  return 'failed';
}

function queueNow() {
  retryDelay = 0;
  sendQueue();
}

async function renderQueueState() {
  const items = await queueAll();
  const counts = { waiting: 0, failed: 0, sent: 0 };
  for (const i of items) counts[i.state] += 1;
  state.counts = counts;
  const pendingBadge = counts.waiting + counts.failed;
  $('queue-count').textContent = fmtNum(pendingBadge);
  $('btn-queue').classList.toggle('has-failed', counts.failed > 0);
  $('btn-queue').setAttribute('aria-label', t('queue_summary', { w: counts.waiting, f: counts.failed, s: counts.sent }));
  document.documentElement.dataset.waiting = String(counts.waiting);
  document.documentElement.dataset.failed = String(counts.failed);
  document.documentElement.dataset.sent = String(counts.sent);
  if (current() === 's-queue') renderQueue(items);
  if (current() === 's-saved') renderSaved(items);
  if (current() === 's-home') renderHome();
}

async function cleanOldSent() {
  const cutoff = Date.now() - KEEP_SENT_DAYS * 24 * 3600 * 1000;
  for (const item of await queueAll()) if (item.state === 'sent' && item.sentAt < cutoff) await queueDelete(item.id);
}

// --- screens and navigation ---------------------------------------------------------------------

let stack = [];

function current() { return stack[stack.length - 1]; }

function render(id) {
  for (const s of document.querySelectorAll('.screen')) s.hidden = s.id !== id;
  const signedIn = id !== 's-login';
  $('btn-queue').hidden = !signedIn;
  $('btn-back').hidden = stack.length < 2;
  document.documentElement.dataset.screen = id.slice(2);
  window.scrollTo(0, 0);
  const enter = ENTER[id];
  if (enter) enter();
}

function go(id, opts) {
  if (current() === id) return render(id);
  stack.push(id);
  if (!(opts && opts.overlay)) history.pushState({ depth: stack.length }, '');
  render(id);
}

function reset(id) {
  stack = [id];
  history.replaceState({ depth: 1 }, '');
  render(id);
}

function back() {
  if (current() === 's-scan') return stopScan(null); // an overlay, not a history entry
  if (stack.length > 1) history.back();
}

window.addEventListener('popstate', () => {
  if (stack.length > 1) {
    if (current() === 's-scan') stopScan(null);
    if (stack.length > 1) stack.pop();
    render(current());
  }
});

const ENTER = {
  's-home': () => { stopGps(); renderHome(); },
  's-photo': () => renderPhoto(),
  's-gps': () => { gpsShownAt = Date.now(); renderGps(); },
  's-bin': () => renderBin(),
  's-condition': () => renderPick('pick-condition', conditionChoices(), draft.condition, chooseCondition),
  's-stream': () => renderPick('pick-stream', streamChoices(), draft.stream, chooseStream),
  's-size': () => renderPick('pick-size', sizeChoices(), draft.capacity, chooseSize),
  's-review': () => renderReview(),
  's-queue': () => queueAll().then(renderQueue),
  's-saved': () => queueAll().then(renderSaved),
};

function showLogin(message) {
  setText($('login-error'), message || '');
  $('login-error').hidden = !message;
  reset('s-login');
}

// --- home ----------------------------------------------------------------------------------------

function renderHome() {
  if (current() !== 's-home') return;
  const me = state.me;
  setText($('hello'), me ? t('hello', { name: me.display_name }) : '');
  setText($('my-villages'), !me ? '' : me.all_villages
    ? t('all_villages')
    : me.villages.map((v) => t('village', { n: v.number, name: v.name })).join(' · '));
  const p = me && me.progress;
  $('progress-done').textContent = p ? fmtNum(p.bins_inspected) : '–';
  $('progress-total').textContent = p ? fmtNum(p.bins_registered) : '–';
  const share = p && p.bins_registered ? Math.min(1, p.bins_inspected / p.bins_registered) : 0;
  $('progress-fill').style.width = (share * 100).toFixed(1) + '%';
  const waiting = state.counts.waiting;
  setText($('progress-note'), waiting ? t('progress_pending', { n: fmtNum(waiting) }) : '');
  const c = state.counts;
  $('home-queue-summary').textContent = t('queue_summary', { w: c.waiting, f: c.failed, s: c.sent });
  setText($('data-age'), state.dataAt ? t('data_age', { time: fmtTime(state.dataAt) }) : t('no_data'));
}

// --- the survey ------------------------------------------------------------------------------------

function newDraft() {
  return {
    photo: null, thumb: null, photoUrl: null, fix: null, bin: null, near: [],
    condition: null, stream: null, capacity: null, village: null,
    editing: false, replaces: null, fromItem: null,
  };
}

function startSurvey() {
  if (draft && draft.photoUrl) URL.revokeObjectURL(draft.photoUrl);
  draft = newDraft();
  startGps(true);
  stack = ['s-home'];
  history.replaceState({ depth: 1 }, '');
  go('s-photo');
}

/* After a choice: on a first pass go to the next question; when changing from review, back to it. */
function advance(next) {
  if (draft.editing) {
    while (stack.length > 1 && current() !== 's-review') stack.pop();
    history.replaceState({ depth: stack.length }, '');
    return render('s-review');
  }
  go(next);
}

// photo

function renderPhoto() {
  const has = !!draft.photo;
  $('photo-preview').hidden = !has;
  $('photo-placeholder').style.display = has ? 'none' : '';
  if (has) $('photo-preview').src = draft.photoUrl;
  $('photo-label-text').textContent = has ? t('retake') : t('take_photo');
  $('photo-label').classList.toggle('primary', !has);
  $('btn-photo-next').hidden = !has;
  $('btn-photo-skip').hidden = has;
  setText($('photo-status'), has ? t('photo_ready', { kb: fmtNum(draft.photo.size / 1024) }) : '');
}

async function shrinkPhoto(file) {
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const scale = Math.min(1, PHOTO_LONG_SIDE_PX / Math.max(img.naturalWidth, img.naturalHeight));
    const photo = await drawJpeg(img, scale, PHOTO_QUALITY);
    const thumb = await drawJpeg(img, Math.min(1, 128 / Math.max(img.naturalWidth, img.naturalHeight)), 0.6);
    return { photo, thumb };
  } finally {
    URL.revokeObjectURL(url);
  }
}

function drawJpeg(img, scale, quality) {
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(img.naturalWidth * scale));
  canvas.height = Math.max(1, Math.round(img.naturalHeight * scale));
  const ctx = canvas.getContext('2d');
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve, reject) => canvas.toBlob((b) => {
    canvas.width = 0; // let a small phone free the pixels at once
    if (b) resolve(b); else reject(new Error('toBlob'));
  }, 'image/jpeg', quality));
}

async function onPhotoChosen() {
  const file = $('photo-input').files[0];
  if (!file) return;
  setText($('photo-status'), t('photo_work'));
  try {
    const { photo, thumb } = await shrinkPhoto(file);
    if (draft.photoUrl) URL.revokeObjectURL(draft.photoUrl);
    draft.photo = photo;
    draft.thumb = thumb;
    draft.photoUrl = URL.createObjectURL(photo);
    $('photo-input').value = '';
    if (draft.editing) return advance('s-review');
    renderPhoto();
    go('s-gps');
  } catch (e) {
    setText($('photo-status'), t('photo_bad'));
  }
}

// GPS

let gpsWatch = null;
let gpsShownAt = 0;
let gpsTicker = null;
let gpsError = null;
let gpsTapped = false;
let liveFix = null;

function startGps(fresh) {
  if (fresh) { liveFix = null; gpsTapped = false; gpsError = null; }
  if (gpsWatch !== null || !navigator.geolocation) return;
  gpsWatch = navigator.geolocation.watchPosition((pos) => {
    const c = pos.coords;
    const fix = { lat: c.latitude, lon: c.longitude, accuracy: c.accuracy, altitude: c.altitude, at: pos.timestamp || Date.now() };
    // Standing at the bin: keep the best fix, unless it is getting old.
    if (!liveFix || fix.accuracy <= liveFix.accuracy || fix.at - liveFix.at > 20000) liveFix = fix;
    gpsError = null;
    if (current() === 's-gps') renderGps();
  }, (err) => {
    gpsError = err.code === 1 ? 'denied' : 'none';
    if (current() === 's-gps') renderGps();
  }, { enableHighAccuracy: true, maximumAge: 0, timeout: 60000 });
  gpsTicker = setInterval(() => { if (current() === 's-gps') renderGps(); }, 1000);
}

function stopGps() {
  if (gpsWatch !== null) navigator.geolocation.clearWatch(gpsWatch);
  gpsWatch = null;
  clearInterval(gpsTicker);
}

function fixQuality(fix) {
  if (!fix) return 'none';
  if (fix.accuracy <= GPS_GREEN_M) return 'green';
  if (fix.accuracy <= gpsLimit()) return 'amber';
  return 'red';
}

function renderGps() {
  const fix = liveFix;
  const q = fixQuality(fix);
  $('gps-box').dataset.quality = q;
  $('gps-value').textContent = fix ? `± ${fmtNum(fix.accuracy)} ${t('m')}` : '…';
  $('gps-state').textContent = fix ? t('gps_' + q) : t('gps_wait');
  const good = q === 'green' || q === 'amber';
  const waited = Date.now() - gpsShownAt >= POOR_FIX_WAIT_MS || gpsTapped;
  const warn = $('gps-warning');
  if (gpsError === 'denied') setText(warn, t('gps_denied'));
  else if (q === 'red') setText(warn, t('gps_warn_poor', { acc: fmtNum(fix.accuracy), max: fmtNum(gpsLimit()) }));
  else if (q === 'none' && waited) setText(warn, t('gps_warn_none'));
  warn.hidden = good || !(gpsError === 'denied' || q === 'red' || waited);
  const btn = $('btn-gps-use');
  btn.classList.toggle('primary', good);
  btn.classList.toggle('caution', !good && waited);
  if (good) setText(btn, t('gps_use'));
  else if (!waited) setText(btn, t('gps_wait_btn'));
  else setText(btn, fix ? t('gps_use_poor') : t('gps_go_without'));
  btn.dataset.ready = good || waited ? 'yes' : 'no';
}

function useGps() {
  const good = ['green', 'amber'].includes(fixQuality(liveFix));
  const waited = Date.now() - gpsShownAt >= POOR_FIX_WAIT_MS || gpsTapped;
  if (!good && !waited) { gpsTapped = true; renderGps(); return; }
  draft.fix = liveFix ? Object.assign({}, liveFix) : null;
  if (draft.editing) { draft.near = nearbyFromCache(); return advance('s-review'); }
  go('s-bin');
}

// which bin

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

function nearbyFromCache() {
  if (!draft.fix) return [];
  const all = cachedBins().concat(queuedNew);
  return all.map((b) => Object.assign({}, b, { distance_m: haversineM(draft.fix.lat, draft.fix.lon, b.lat, b.lon) }))
    .filter((b) => b.distance_m <= nearRadius())
    .sort((a, b) => a.distance_m - b.distance_m);
}

async function loadQueuedNew() {
  queuedNew = (await queueAll())
    .filter((i) => i.state !== 'sent' && i.summary.isNew && i.summary.lat != null)
    .map((i) => ({
      code: i.summary.code, stream: i.summary.stream, condition: i.summary.condition,
      capacity_l: i.summary.capacity, lat: i.summary.lat, lon: i.summary.lon, pending: true,
    }));
}

async function nearbyBins() {
  await loadQueuedNew();
  const cached = nearbyFromCache();
  if (!draft.fix || !navigator.onLine) return cached;
  try {
    const q = `lat=${draft.fix.lat}&lon=${draft.fix.lon}&radius_m=${nearRadius()}`;
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

async function renderBin() {
  $('code-error').hidden = true;
  $('code-input').value = '';
  $('btn-scan').hidden = !('BarcodeDetector' in window);
  const list = $('near-list');
  list.replaceChildren();
  setText($('near-intro'), draft.fix ? '…' : t('near_nofix'));
  const near = await nearbyBins();
  draft.near = near;
  if (current() !== 's-bin') return;
  if (draft.fix) setText($('near-intro'), near.length ? t('near_some', { r: nearRadius() }) : t('near_none', { r: nearRadius() }));
  for (const b of near.slice(0, 6)) {
    list.append(el('li', {}, el('button', { type: 'button', class: 'near', 'data-code': b.code, onclick: () => chooseBin(b) },
      el('span', { class: 'dot', style: `background:${STREAM_COLOURS[b.stream] || '#999'}` }),
      el('span', { class: 'what' }, el('b', {}, b.code), el('br'),
        `${t('cond_' + b.condition)} · ${t('litres', { n: fmtNum(b.capacity_l) })} `,
        b.pending ? el('span', { class: 'pending' }, t('pending')) : null),
      el('span', { class: 'dist' }, t('away', { d: fmtNum(b.distance_m) })))));
  }
  $('btn-new-bin').classList.toggle('primary', draft.fix && !near.length);
  drawMap(near);
}

function chooseBin(b) {
  draft.bin = {
    code: b.code, isNew: false, stream: b.stream, capacity: b.capacity_l,
    condition: b.condition, villageId: b.village_id, pending: !!b.pending,
  };
  draft.stream = b.stream || draft.stream;
  draft.capacity = b.capacity_l || draft.capacity;
  advance('s-condition');
}

function chooseNewBin(code) {
  if (!draft.editing && draft.bin && !draft.bin.isNew) draft.stream = draft.capacity = null; // not that bin's
  draft.bin = { code: code || generatedCode(), isNew: true, generated: !code };
  advance('s-condition');
}

function generatedCode() {
  const letters = 'ACDEFGHJKLMNPQRTUVWXY34679';
  const r = crypto.getRandomValues(new Uint8Array(5));
  const village = myVillageNumber() || '';
  return `N${village}-${[...r].map((x) => letters[x % letters.length]).join('')}`;
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

async function chooseCode(text) {
  const code = cleanCode(text);
  const error = $('code-error');
  error.hidden = true;
  if (!code) { setText(error, t('code_empty')); error.hidden = false; return; }
  const known = cachedBins().concat(queuedNew).find((b) => b.code.toUpperCase() === code);
  if (known) return chooseBin(known);
  if (navigator.onLine) {
    try {
      const res = await api('/bins/' + encodeURIComponent(code), {}, 5000);
      if (res.ok) {
        const found = (await res.json()).bin;
        return chooseBin(found);
      }
      if (res.status === 403) { setText(error, errorText(await errorOf(res))); error.hidden = false; return; }
    } catch (e) { /* offline: the server decides later */ }
  }
  chooseNewBin(code);
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
  if (state.villages) {
    L.geoJSON(state.villages, { style: { color: '#5b6b7c', weight: 2, fill: false, dashArray: '6 4' }, interactive: false }).addTo(mapLayer);
  }
  L.circle(here, { radius: nearRadius(), color: '#0d3b66', weight: 2, dashArray: '4 4', fill: false, interactive: false }).addTo(mapLayer);
  L.circle(here, { radius: draft.fix.accuracy, color: '#1e88e5', weight: 1, fillOpacity: 0.12, interactive: false }).addTo(mapLayer);
  const shown = cachedBins().concat(queuedNew)
    .filter((b) => haversineM(here[0], here[1], b.lat, b.lon) <= 150);
  for (const b of shown) {
    L.circleMarker([b.lat, b.lon], { radius: 9, color: '#000', weight: 2, fillColor: STREAM_COLOURS[b.stream] || '#999', fillOpacity: 1 })
      .bindTooltip(b.code, { permanent: near.some((n) => n.code === b.code), direction: 'top', className: 'bin-label', offset: [0, -8] })
      .on('click', () => chooseBin(b))
      .addTo(mapLayer);
  }
  L.circleMarker(here, { radius: 7, color: '#fff', weight: 3, fillColor: '#1e88e5', fillOpacity: 1, interactive: false }).addTo(mapLayer);
  map.invalidateSize();
  map.setView(here, 19);
}

// picture choices

const STREAM_COLOURS = { general: '#1565c0', organic: '#2e7d32', recyclable: '#f9c80e', hazardous: '#c62828' };
const STREAMS = ['general', 'organic', 'recyclable', 'hazardous'];
const SIZES = [[120, 'wheelie', 0.72], [240, 'wheelie', 1], [200, 'drum', 1], [660, 'container', 0.85], [1100, 'container', 1]];

function wheelie(fill, extra = '', scale = 1) {
  const s = scale;
  const o = 50 - 50 * s;
  return `<g transform="translate(${o} ${100 - 100 * s}) scale(${s})">`
    + `<rect x="38" y="6" width="24" height="7" rx="2" fill="#222"/>`
    + `<rect x="16" y="13" width="68" height="11" rx="3" fill="${fill}" stroke="#000" stroke-width="3"/>`
    + `<path d="M21 24H79L73 86H27Z" fill="${fill}" stroke="#000" stroke-width="3" stroke-linejoin="round"/>`
    + `<circle cx="30" cy="90" r="7" fill="#222"/><circle cx="70" cy="90" r="7" fill="#222"/>${extra}</g>`;
}

function drum(fill) {
  return `<path d="M22 18V84A28 8 0 0 0 78 84V18" fill="${fill}" stroke="#000" stroke-width="3"/>`
    + `<ellipse cx="50" cy="18" rx="28" ry="8" fill="${fill}" stroke="#000" stroke-width="3"/>`
    + `<path d="M22 42A28 8 0 0 0 78 42M22 64A28 8 0 0 0 78 64" fill="none" stroke="#000" stroke-width="2.5"/>`;
}

function container(fill, scale = 1) {
  const s = scale;
  return `<g transform="translate(${50 - 50 * s} ${100 - 100 * s}) scale(${s})">`
    + `<path d="M4 26H96L93 36H7Z" fill="${fill}" stroke="#000" stroke-width="3" stroke-linejoin="round"/>`
    + `<path d="M8 36H92L88 84H12Z" fill="${fill}" stroke="#000" stroke-width="3" stroke-linejoin="round"/>`
    + `<circle cx="20" cy="90" r="6" fill="#222"/><circle cx="80" cy="90" r="6" fill="#222"/></g>`;
}

const SYMBOLS = {
  general: '<path d="M38 44H62M40 56H60M42 68H58" stroke="#fff" stroke-width="5" stroke-linecap="round"/>',
  organic: '<path d="M50 74C34 66 36 44 60 38C64 56 60 70 50 74ZM50 74L46 82" fill="#fff" stroke="#fff" stroke-width="3"/>',
  recyclable: '<path d="M50 38L62 58H38Z" fill="none" stroke="#000" stroke-width="5" stroke-linejoin="round"/><path d="M44 70H56" stroke="#000" stroke-width="5"/>',
  hazardous: '<path d="M50 36L66 70H34Z" fill="#fff"/><path d="M50 47V59" stroke="#c62828" stroke-width="5" stroke-linecap="round"/><circle cx="50" cy="65" r="2.8" fill="#c62828"/>',
};

function svg(inner) {
  return `<svg viewBox="0 0 100 100" aria-hidden="true">${inner}</svg>`;
}

function conditionPicture(c, fill) {
  if (c === 'usable') return svg(wheelie(fill) + '<circle cx="76" cy="22" r="18" fill="#0a6b2f" stroke="#fff" stroke-width="3"/><path d="M67 22l6 6 12-13" fill="none" stroke="#fff" stroke-width="5" stroke-linecap="round" stroke-linejoin="round"/>');
  if (c === 'damaged') return svg(wheelie(fill, '<path d="M44 26L36 46L52 54L40 84" fill="none" stroke="#000" stroke-width="4"/><path d="M62 30L70 40" stroke="#000" stroke-width="4"/>').replace('<circle cx="70" cy="90" r="7" fill="#222"/>', '') + '<circle cx="80" cy="22" r="16" fill="#e65100"/><path d="M80 13V25" stroke="#fff" stroke-width="5" stroke-linecap="round"/><circle cx="80" cy="31" r="3" fill="#fff"/>');
  if (c === 'missing') return svg('<path d="M21 24H79L73 86H27ZM16 13H84V24H16Z" fill="none" stroke="#555" stroke-width="3" stroke-dasharray="7 5"/><text x="50" y="70" font-size="44" font-weight="800" text-anchor="middle" fill="#b00020" font-family="sans-serif">?</text>');
  return svg(wheelie(fill).replace('<rect x="16" y="13" width="68" height="11" rx="3"', '<rect x="6" y="2" width="68" height="11" rx="3" transform="rotate(-25 16 13)"') + '<circle cx="36" cy="20" r="11" fill="#3e2723"/><circle cx="56" cy="16" r="13" fill="#424242"/><circle cx="70" cy="24" r="9" fill="#5d4037"/><circle cx="46" cy="8" r="8" fill="#6d4c41"/>');
}

function conditionChoices() {
  const fill = STREAM_COLOURS[draft.stream] || '#607d8b';
  const list = ['usable', 'damaged', 'missing', 'overflowing'].filter((c) => !(c === 'missing' && draft.bin && draft.bin.isNew));
  return list.map((c) => ({ value: c, html: conditionPicture(c, fill), label: t('cond_' + c) }));
}

function streamChoices() {
  return STREAMS.map((s) => ({ value: s, html: svg(wheelie(STREAM_COLOURS[s], SYMBOLS[s])), label: t('stream_' + s), sub: t('col_' + s) }));
}

function sizeChoices() {
  const fill = STREAM_COLOURS[draft.stream] || '#607d8b';
  return SIZES.map(([litres, kind, scale]) => ({
    value: litres,
    html: svg(kind === 'wheelie' ? wheelie(fill, '', scale) : kind === 'drum' ? drum(fill) : container(fill, scale)),
    label: t('litres', { n: fmtNum(litres) }),
    sub: t('size_' + litres),
  }));
}

function renderPick(boxId, choices, selected, onChoose) {
  const box = $(boxId);
  box.replaceChildren(...choices.map((c, i) => {
    const b = el('button', {
      type: 'button', 'data-value': c.value, 'aria-pressed': String(selected === c.value),
      class: choices.length % 2 === 1 && i === choices.length - 1 ? 'wide' : null,
      onclick: () => onChoose(c.value),
    });
    b.innerHTML = c.html;
    b.append(el('span', {}, c.label));
    if (c.sub) b.append(el('span', { class: 'sub' }, c.sub));
    return b;
  }));
}

function chooseCondition(value) {
  draft.condition = value;
  if (draft.bin && draft.bin.isNew) return advance(draft.stream ? (draft.capacity ? 's-review' : 's-size') : 's-stream');
  // An existing bin: its colour and size are in the register already; review shows them.
  if (value === 'missing' || (draft.stream && draft.capacity)) return advance('s-review');
  advance(draft.stream ? 's-size' : 's-stream');
}

function chooseStream(value) {
  draft.stream = value;
  advance(draft.capacity && !(draft.bin && draft.bin.isNew && !draft.editing) ? 's-review' : 's-size');
}

function chooseSize(value) {
  draft.capacity = value;
  advance('s-review');
}

// village

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

function villageFor() {
  if (draft.village) return draft.village;
  const only = myVillageNumber();
  if (only) return only;
  if (draft.bin && draft.bin.villageId && state.me) {
    const v = state.me.villages.find((x) => x.id === draft.bin.villageId);
    if (v) return v.number;
  }
  return draft.fix ? villageAt(draft.fix.lat, draft.fix.lon) : null;
}

function villageChoices() {
  const me = state.me;
  let list = me ? me.villages : [];
  if ((!list.length || me.all_villages) && state.villages) {
    list = state.villages.features.map((f) => ({ number: f.properties.number, name: f.properties.name }));
  }
  return list.map((v) => ({ value: v.number, html: '', label: t('village', { n: v.number, name: v.name }) }));
}

// review and save

function reviewRow(key, value, target, extra) {
  return el('button', { type: 'button', 'data-row': key, onclick: () => { draft.editing = true; go(target); } },
    el('span', { class: 'k' }, t('r_' + key)), el('span', { class: 'v' }, value, extra || null),
    el('span', { class: 'edit' }, t('change')));
}

function duplicateNear() {
  if (!draft.bin || !draft.bin.isNew) return null;
  return (draft.near || []).find((b) => b.code !== draft.bin.code && (!draft.stream || !b.stream || b.stream === draft.stream))
    || (draft.near || []).find((b) => b.code !== draft.bin.code) || null;
}

function renderReview() {
  draft.editing = true;
  const rows = [];
  const photo = draft.photo ? el('img', { src: draft.photoUrl, alt: '' }) : t('no_photo');
  rows.push(reviewRow('photo', photo, 's-photo'));
  const code = draft.bin ? draft.bin.code : t('not_set');
  const codeExtra = draft.bin && draft.bin.isNew
    ? [el('span', { class: 'badge-new' }, t('new_badge')), draft.bin.generated ? el('span', { class: 'small' }, el('br'), t('write_code')) : null]
    : null;
  rows.push(reviewRow('code', code, 's-bin', codeExtra));
  rows.push(reviewRow('condition', draft.condition ? t('cond_' + draft.condition) : t('not_set'), 's-condition'));
  if (draft.condition !== 'missing' || draft.stream) {
    rows.push(reviewRow('stream', draft.stream ? `${t('stream_' + draft.stream)} (${t('col_' + draft.stream)})` : t('not_set'), 's-stream'));
    rows.push(reviewRow('size', draft.capacity ? t('litres', { n: fmtNum(draft.capacity) }) : t('not_set'), 's-size'));
  }
  const loc = draft.fix ? `± ${fmtNum(draft.fix.accuracy)} ${t('m')} · ${t('gps_' + fixQuality(draft.fix))}` : t('no_location');
  rows.push(reviewRow('location', loc, 's-gps'));
  $('review-list').replaceChildren(...rows);

  const dup = duplicateNear();
  const dupBox = $('review-dup');
  dupBox.hidden = !dup;
  if (dup) {
    const text = el('span');
    setText(text, t('review_dup', { code: dup.code, d: fmtNum(dup.distance_m) }));
    dupBox.replaceChildren(text,
      el('button', { type: 'button', class: 'btn caution', id: 'btn-dup-same', onclick: () => { draft.editing = false; chooseBin(dup); } }, t('dup_same', { code: dup.code })));
  }
  const needVillage = !villageFor() && villageChoices().length > 1;
  $('review-village').hidden = !needVillage && !draft.village;
  if (needVillage || draft.village) {
    renderPick('pick-village', villageChoices(), draft.village, (n) => { draft.village = n; renderReview(); });
  }
  $('review-error').hidden = true;
}

function reviewProblem() {
  if (!draft.bin) return t('code_empty');
  if (!draft.condition) return t('need_condition');
  if (draft.bin.isNew) {
    if (!draft.fix) return t('need_location');
    if (!draft.stream) return t('need_stream');
    if (!draft.capacity) return t('need_size');
  }
  if (!villageFor() && villageChoices().length > 1) return t('need_village');
  return null;
}

async function saveDraft() {
  const problem = reviewProblem();
  if (problem) { setText($('review-error'), problem); $('review-error').hidden = false; return; }
  const id = uuid();
  const photoName = draft.photo ? `bin-${id.slice(0, 8)}.jpg` : null;
  const village = villageFor() || (villageChoices().length === 1 ? villageChoices()[0].value : null);
  const body = { submission_id: id, form_id: 'bin_survey', form_version: 'web-1', bin_code: draft.bin.code };
  if (draft.replaces) body.replaces_submission_id = draft.replaces;
  if (village) body.village = village;
  if (draft.fix) {
    body.location = { lat: draft.fix.lat, lon: draft.fix.lon, accuracy_m: Math.round(draft.fix.accuracy * 10) / 10 };
    if (draft.fix.altitude != null) body.location.altitude_m = draft.fix.altitude;
  }
  body.condition = draft.condition;
  if (draft.capacity) body.capacity_l = draft.capacity;
  if (draft.stream) body.stream = draft.stream;
  body.observed_at = new Date().toISOString();
  body.device_id = deviceId();
  body.photos = photoName ? [photoName] : [];
  const item = {
    id, body: JSON.stringify(body), // sent byte for byte on every retry
    photoName, photo: draft.photo, thumb: draft.thumb,
    state: 'waiting', stage: 'json', savedAt: Date.now(), attempts: 0,
    summary: {
      code: draft.bin.code, isNew: draft.bin.isNew, condition: draft.condition, stream: draft.stream,
      capacity: draft.capacity, village, lat: draft.fix && draft.fix.lat, lon: draft.fix && draft.fix.lon,
      accuracy: draft.fix && draft.fix.accuracy, altitude: draft.fix && draft.fix.altitude,
      generated: !!draft.bin.generated, villageId: draft.bin.villageId || null,
    },
  };
  await queuePut(item);
  if (draft.fromItem) await queueDelete(draft.fromItem);
  savedId = id;
  stopGps();
  stack = ['s-home'];
  history.replaceState({ depth: 1 }, '');
  go('s-saved');
  await renderQueueState();
  queueNow();
}

let savedId = null;

function renderSaved(items) {
  const item = items.find((i) => i.id === savedId);
  const box = $('saved-status');
  if (!item) { setText(box, ''); return; }
  box.className = 'box ' + (item.state === 'sent' ? 'ok' : item.state === 'failed' ? 'bad' : 'warn');
  box.dataset.state = item.state;
  if (item.state === 'sent') setText(box, t('saved_sent'));
  else if (item.state === 'failed') setText(box, t('saved_failed', { why: errorText(item.error) }));
  else setText(box, navigator.onLine && !item.note ? t('saved_sending') : t('saved_waiting'));
}

// --- queue screen ------------------------------------------------------------------------------------

const thumbUrls = new Map();

function thumbOf(item) {
  if (!item.thumb) return el('span', { class: 'noimg' }, t('no_photo'));
  if (!thumbUrls.has(item.id)) thumbUrls.set(item.id, URL.createObjectURL(item.thumb));
  return el('img', { src: thumbUrls.get(item.id), alt: '' });
}

function renderQueue(items) {
  items.sort((a, b) => b.savedAt - a.savedAt);
  const c = state.counts;
  setText($('queue-summary'), items.length ? t('queue_summary', { w: c.waiting, f: c.failed, s: c.sent }) : t('queue_empty'));
  $('btn-send-now').hidden = !c.waiting;
  $('queue-list').replaceChildren(...items.map((item) => {
    const s = item.summary;
    const info = el('div', { class: 'info' },
      el('p', { class: 'title' }, `${s.code} · ${t('cond_' + s.condition)}`),
      el('p', { class: 'when' }, fmtTime(item.savedAt)),
      el('span', { class: 'state ' + item.state }, t('st_' + item.state)));
    if (item.state === 'waiting' && item.note) info.append(el('p', { class: 'why' }, t('why_' + item.note)));
    if (item.state === 'failed') {
      info.append(el('p', { class: 'why box bad' }, errorText(item.error)),
        el('button', { type: 'button', class: 'btn primary', 'data-fix': item.id, onclick: () => fixItem(item.id) }, t('fix_resend')),
        el('button', { type: 'button', class: 'btn quiet', onclick: () => removeItem(item.id) }, t('remove')));
    }
    if (item.state === 'sent') {
      for (const f of (item.flags || []).slice(0, 2)) info.append(el('p', { class: 'why' }, t('staff_check', { msg: lang === 'th' ? f.th : f.en })));
    }
    return el('li', { 'data-id': item.id, 'data-state': item.state }, thumbOf(item), info);
  }));
}

async function fixItem(id) {
  const item = await queueGet(id);
  if (!item) return;
  const s = item.summary;
  startSurvey();
  draft.photo = item.photo;
  draft.thumb = item.thumb;
  draft.photoUrl = item.photo ? URL.createObjectURL(item.photo) : null;
  draft.fix = s.lat != null ? { lat: s.lat, lon: s.lon, accuracy: s.accuracy, altitude: s.altitude, at: item.savedAt } : null;
  liveFix = draft.fix;
  draft.bin = { code: s.code, isNew: s.isNew, generated: s.generated, villageId: s.villageId };
  draft.condition = s.condition;
  draft.stream = s.stream;
  draft.capacity = s.capacity;
  draft.village = s.village;
  draft.fromItem = id;
  // A survey the server already holds is replaced by an edit; one it refused gets a new id too.
  draft.replaces = item.received ? id : null;
  stack = ['s-home'];
  history.replaceState({ depth: 1 }, '');
  go('s-review');
}

async function removeItem(id) {
  if (!confirm(t('remove_confirm'))) return;
  await queueDelete(id);
  await renderQueueState();
}

// --- QR scanning (BarcodeDetector where the browser has it) ------------------------------------------

let scanDone = null;
let scanStream = null;
let scanLoop = null;

function scanQr() {
  return new Promise((resolve) => {
    scanDone = resolve;
    go('s-scan', { overlay: true });
    startScan();
  });
}

async function startScan() {
  const status = $('scan-status');
  status.textContent = t('scan_starting');
  let detector;
  try { detector = new window.BarcodeDetector({ formats: ['qr_code'] }); } catch (e) { return stopScan(null); }
  try {
    scanStream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
    const video = $('scan-video');
    video.srcObject = scanStream;
    await video.play();
    status.textContent = '';
    const tick = async () => {
      if (!scanStream) return;
      try {
        const codes = await detector.detect(video);
        if (codes.length) return stopScan(codes[0].rawValue);
      } catch (e) { /* frame not ready */ }
      scanLoop = setTimeout(tick, 250);
    };
    tick();
  } catch (e) {
    // No live camera: a photo of the label works as well.
    setText(status, t('scan_no_camera'));
    $('scan-input').onchange = async () => {
      const file = $('scan-input').files[0];
      $('scan-input').value = '';
      if (!file) return;
      try {
        const codes = await detector.detect(await createImageBitmap(file));
        if (codes.length) return stopScan(codes[0].rawValue);
      } catch (err) { /* unreadable */ }
      status.textContent = t('scan_none');
    };
    $('scan-input').click();
  }
}

function stopScan(value) {
  clearTimeout(scanLoop);
  if (scanStream) scanStream.getTracks().forEach((tr) => tr.stop());
  scanStream = null;
  const done = scanDone;
  scanDone = null;
  if (current() === 's-scan') { stack.pop(); render(current()); }
  if (done) done(value);
}

// --- sign in -----------------------------------------------------------------------------------------

function tokenFrom(text) {
  const s = (text || '').trim();
  let m = s.match(/[#&?]token=([^&\s]+)/);
  if (m) return decodeURIComponent(m[1]);
  m = s.match(/\/login\/([A-Za-z0-9_-]{16,})/) || s.match(/\/key\/([A-Za-z0-9_-]{16,})/);
  if (m) return m[1];
  return /^[A-Za-z0-9_-]{16,}$/.test(s) ? s : null;
}

async function signIn(tok) {
  const error = $('login-error');
  if (!tok) { setText(error, t('login_bad')); error.hidden = false; return; }
  localStorage.setItem(TOKEN_KEY, tok);
  try {
    const res = await api('/me', {}, 15000);
    if (res.status === 401) {
      localStorage.removeItem(TOKEN_KEY);
      setText(error, t('login_bad'));
      error.hidden = false;
      return;
    }
  } catch (e) { /* offline: checked when the signal returns */ }
  setAuthProblem(false);
  reset('s-home');
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
  await refreshData();
  queueNow();
}

async function signOut() {
  if (!confirm(t('logout_confirm'))) return;
  localStorage.removeItem(TOKEN_KEY);
  state.me = null;
  await kvSet('me', null);
  try { await fetch('/logout', { redirect: 'manual' }); } catch (e) { /* offline */ }
  showLogin('');
}

// --- start -------------------------------------------------------------------------------------------

function bind() {
  $('btn-lang').onclick = () => {
    lang = lang === 'th' ? 'en' : 'th';
    localStorage.setItem(LANG_KEY, lang);
    applyWords();
    render(current());
    renderQueueState();
  };
  $('btn-back').onclick = back;
  $('btn-queue').onclick = () => go('s-queue');
  $('btn-open-queue').onclick = () => go('s-queue');
  $('btn-start').onclick = startSurvey;
  $('btn-logout').onclick = signOut;
  $('photo-input').onchange = onPhotoChosen;
  $('btn-photo-next').onclick = () => (draft.editing ? advance('s-review') : go('s-gps'));
  $('btn-photo-skip').onclick = () => (draft.editing ? advance('s-review') : go('s-gps'));
  $('btn-gps-use').onclick = useGps;
  $('btn-code-ok').onclick = () => chooseCode($('code-input').value);
  $('code-input').onkeydown = (e) => { if (e.key === 'Enter') chooseCode($('code-input').value); };
  $('btn-new-bin').onclick = () => chooseNewBin(null);
  $('btn-scan').onclick = async () => { const v = await scanQr(); if (v) chooseCode(v); };
  $('btn-save').onclick = saveDraft;
  $('btn-next-bin').onclick = startSurvey;
  $('btn-saved-home').onclick = () => reset('s-home');
  $('btn-send-now').onclick = queueNow;
  $('btn-scan-cancel').onclick = () => stopScan(null);
  $('btn-login').onclick = () => signIn(tokenFrom($('login-token').value));
  $('btn-login-scan').hidden = !('BarcodeDetector' in window);
  $('btn-login-scan').onclick = async () => { const v = await scanQr(); if (v) signIn(tokenFrom(v)); };
  const net = () => {
    $('net').hidden = navigator.onLine;
    document.querySelector('.bar').classList.toggle('offline', !navigator.onLine);
  };
  window.addEventListener('online', () => { net(); queueNow(); refreshData(); });
  window.addEventListener('offline', net);
  document.addEventListener('visibilitychange', () => { if (!document.hidden) queueNow(); });
  net();
}

async function start() {
  applyWords();
  bind();
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/m/sw.js', { scope: '/m/' }).catch(() => {});
    navigator.serviceWorker.ready.then(() => {
      const mark = () => { if (navigator.serviceWorker.controller) document.documentElement.dataset.sw = 'ready'; };
      mark();
      navigator.serviceWorker.addEventListener('controllerchange', mark);
    });
  }
  // The sign-in link carries the token in the fragment: keep it on the phone, drop it from the URL.
  const fromLink = tokenFrom(location.hash);
  if (fromLink) {
    localStorage.setItem(TOKEN_KEY, fromLink);
    history.replaceState(null, '', location.pathname + location.search);
  }
  try {
    [state.me, state.villages, state.bins, state.dataAt] = await Promise.all(['me', 'villages', 'bins', 'dataAt'].map(kvGet));
    await cleanOldSent();
  } catch (e) { /* private mode without IndexedDB: the form still works online */ }
  await renderQueueState();
  document.documentElement.dataset.ready = 'yes';
  if (!token() && !state.me) {
    // Signed in by the /login/{token} cookie? Then /me answers without a token.
    try {
      const res = await api('/me', {}, 10000);
      if (res.ok) { reset('s-home'); await refreshData(); queueNow(); return; }
    } catch (e) { /* offline */ }
    showLogin('');
    return;
  }
  reset('s-home');
  if (fromLink && navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
  await refreshData();
  if (state.authProblem && !state.me) showLogin(t('login_again'));
  queueNow();
}

start();
