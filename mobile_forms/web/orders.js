/* The service unit's work orders on the phone (/m/orders.html): the open orders, overdue ones
 * marked, and a "done" button. Offline like the survey form: the list is kept on the phone
 * (IndexedDB), and a "done" mark is queued there with its own id, fixed when tapped; it is sent
 * whenever there is a connection, and a re-send after a lost answer is recognised by the
 * server (exactly once). Sign-in is the survey form's (the same token on this phone). */

import { api } from './api.js';
import { $, el, setText } from './dom.js';
import { errorOf } from './send_queue.js';
import { setToken, token, uuid } from './state.js';
import { kvGet, kvSet } from './store.js';

const KIND_TH = { repair: 'ซ่อมถัง', replace: 'ตั้งถังใหม่แทนใบที่หาย', extra_collection: 'เก็บขยะเพิ่ม (ถังล้น)' };
const STATUS_TH = {
  open: 'รอมอบงาน', assigned: 'มอบงานแล้ว', reopened: 'เปิดใหม่ (ยังพบปัญหา)',
  done: 'ทำเสร็จแล้ว รอตรวจยืนยัน', verified: 'ตรวจยืนยันแล้ว', cancelled: 'ยกเลิก',
};
const WAITING = new Set(['open', 'assigned', 'reopened']);
const RETRY_MS = 15000;
const when = new Intl.DateTimeFormat('th-TH', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Bangkok' });

let orders = [];
let me = null;
let marks = {}; // mark_id → { mark_id, order_id, body, state: waiting|sent|failed, problem }
let sending = false;

const saveMarks = () => kvSet('wo.marks', marks);
const markOf = (orderId) => Object.values(marks).find((m) => m.order_id === orderId && m.state !== 'sent');

function showNet() {
  const offline = !navigator.onLine;
  $('net').hidden = !offline;
  $('bar').classList.toggle('offline', offline);
}

function showProblem(text) {
  setText($('orders-problem'), text || '');
  $('orders-problem').hidden = !text;
}

function card(order) {
  const mark = markOf(order.id);
  const overdue = order.overdue && !mark;
  const state = mark ? (mark.state === 'failed' ? 'failed' : 'queued') : order.status;
  const button = WAITING.has(order.status) && !mark
    ? el('button', { type: 'button', class: 'btn primary', 'data-done': String(order.id) }, 'ทำเสร็จแล้ว')
    : null;
  let note = STATUS_TH[order.status] || order.status;
  if (mark && mark.state === 'waiting') note = 'บันทึกว่าเสร็จแล้ว รอส่ง';
  if (mark && mark.state === 'failed') note = mark.problem || 'ส่งไม่สำเร็จ';
  const who = order.assigned_to ? `ผู้รับงาน ${order.assigned_to}` : 'ยังไม่มีผู้รับงาน';
  const village = order.village_number ? `หมู่ ${order.village_number}` : '';
  return el('li', { class: 'order' + (overdue ? ' overdue' : ''), 'data-order': String(order.id), 'data-state': state },
    el('div', { class: 'order-head' },
      el('strong', {}, order.bin_code), ' ', el('span', {}, village),
      overdue ? el('span', { class: 'badge-overdue' }, 'เกินกำหนด') : null),
    el('div', { class: 'order-kind' }, KIND_TH[order.kind] || order.kind),
    el('div', { class: 'order-when' }, `กำหนดเสร็จ ${when.format(new Date(order.due_at))}`),
    el('div', { class: 'order-who' }, who),
    el('div', { class: 'order-note' }, note),
    button);
}

function render() {
  const mine = (o) => (me && o.assigned_to_id === me.id ? 0 : 1);
  const shown = orders.filter((o) => WAITING.has(o.status) || o.status === 'done' || markOf(o.id))
    .sort((a, b) => mine(a) - mine(b) || Number(b.overdue) - Number(a.overdue) || a.due_at.localeCompare(b.due_at));
  $('orders-list').replaceChildren(...shown.map(card));
  $('orders-none').hidden = shown.length > 0;
  const overdue = shown.filter((o) => o.overdue && WAITING.has(o.status) && !markOf(o.id)).length;
  setText($('orders-summary'), `ใบงานค้าง ${shown.length} ใบ · เกินกำหนด ${overdue} ใบ`);
  const waiting = Object.values(marks).filter((m) => m.state === 'waiting').length;
  $('marks-count').textContent = String(waiting);
  $('marks-waiting').hidden = waiting === 0;
  document.documentElement.dataset.marksWaiting = String(waiting);
  document.documentElement.dataset.orders = String(shown.length);
}

async function refresh() {
  if (!navigator.onLine) return;
  try {
    const [board, who] = await Promise.all([api('/work-orders'), me ? null : api('/me')]);
    if (board.status === 401 || board.status === 403) {
      showProblem((await errorOf(board)).message_th || 'เข้าใช้ไม่ได้');
      return;
    }
    if (board.ok) { orders = (await board.json()).orders; await kvSet('wo.orders', orders); }
    if (who && who.ok) { me = await who.json(); await kvSet('wo.me', me); }
    showProblem('');
  } catch (e) { /* no signal after all: the kept list stays */ }
  render();
}

/** Send every waiting mark, one at a time; a lost answer leaves it waiting (sent again). */
async function sendMarks() {
  if (sending || !navigator.onLine) return;
  sending = true;
  try {
    for (const mark of Object.values(marks).filter((m) => m.state === 'waiting')) {
      let res;
      try {
        res = await api(`/work-orders/${mark.order_id}/done`, {
          method: 'POST', body: mark.body, headers: { 'Content-Type': 'application/json' },
        });
      } catch (e) { break; } // no connection: try again later
      if (res.ok) {
        const answer = await res.json();
        mark.state = 'sent';
        orders = orders.map((o) => (o.id === answer.order.id ? answer.order : o));
        await kvSet('wo.orders', orders);
      } else if (res.status >= 500 || res.status === 408 || res.status === 429) {
        break;
      } else if (res.status === 401) {
        showProblem((await errorOf(res)).message_th || 'เข้าใช้ไม่ได้');
        break;
      } else {
        mark.state = 'failed';
        mark.problem = (await errorOf(res)).message_th;
      }
      await saveMarks();
      render();
    }
  } finally {
    sending = false;
  }
  render();
}

async function markDone(orderId) {
  const id = 'wo:' + uuid();
  const body = JSON.stringify({ mark_id: id, done_at: new Date().toISOString() });
  marks[id] = { mark_id: id, order_id: orderId, body, state: 'waiting' };
  await saveMarks();
  render();
  sendMarks();
}

async function start() {
  // A sign-in link for this page (#token=…) signs this phone in, as the survey form's does.
  const linked = location.hash.match(/[#&]token=([^&]+)/);
  if (linked) { setToken(decodeURIComponent(linked[1])); history.replaceState(null, '', location.pathname); }
  showNet();
  window.addEventListener('online', () => { showNet(); sendMarks().then(refresh); });
  window.addEventListener('offline', showNet);
  $('orders-list').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-done]');
    if (button) markDone(Number(button.dataset.done));
  });
  orders = (await kvGet('wo.orders')) || [];
  me = (await kvGet('wo.me')) || null;
  marks = (await kvGet('wo.marks')) || {};
  render();
  if (!token() && !document.cookie.includes('fieldsvc_csrf=')) {
    showProblem('เข้าสู่ระบบในแบบสำรวจก่อน แล้วเปิดหน้านี้อีกครั้ง');
  }
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/m/sw.js', { scope: '/m/' }).catch(() => {});
    navigator.serviceWorker.ready.then(() => {
      const ready = () => { if (navigator.serviceWorker.controller) document.documentElement.dataset.sw = 'ready'; };
      ready();
      navigator.serviceWorker.addEventListener('controllerchange', ready);
    });
  }
  await sendMarks();
  await refresh();
  document.documentElement.dataset.ready = 'yes';
  setInterval(() => { sendMarks(); }, RETRY_MS);
}

start();
