/* "ครบกำหนดตรวจในหมู่บ้านของฉัน": the bins of a village head's villages that are due or overdue
 * for inspection. The home screen opens with one button (how many, and the first stop; the
 * "record a bin" button stays in view on a small phone); it opens the list, in a short walking
 * order from where the head stands (walk_order.js: along the roads the phone keeps, else the straight line). Everything
 * comes from the data already on the phone (/bins with due_on, /basemap), so it works offline;
 * the state is worked out again from due_on and today's date, so a list cached days ago is
 * still right. A bin surveyed on this phone since the data was fetched leaves the list.
 * Tapping a bin starts its inspection with the bin already chosen. */

import { outbox } from './api.js';
import { STREAM_COLOURS } from './choices.js';
import { $, el, setText } from './dom.js';
import { current } from './nav.js';
import { draft, state } from './state.js';
import { startSurvey } from './survey.js';
import { walkingOrder } from './walk_order.js';
import { fmtNum, lang, t } from './words.js';

/** At most this many bins are listed (the rest are counted). */
const SHOWN = 30;
/** A position older than this is asked for again, ms. */
const FIX_MAX_AGE_MS = 120000;

let here = null;
let asking = false;

/** Today in Thailand as YYYY-MM-DD (due_on is a Thai calendar day). */
export function thaiToday(now = Date.now()) {
  return new Date(now + 7 * 3600 * 1000).toISOString().slice(0, 10);
}

function addDays(day, n) {
  const d = new Date(day + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

function daysBetween(a, b) {
  return Math.round((Date.parse(b + 'T00:00:00Z') - Date.parse(a + 'T00:00:00Z')) / 86400000);
}

/** The state of a bin due on ``dueOn`` as of ``today``: overdue, due or null (not in the list). */
export function dueState(dueOn, today, soonDays) {
  if (!dueOn) return null;
  if (dueOn < today) return 'overdue';
  if (dueOn <= addDays(today, soonDays)) return 'due';
  return null;
}

function soonDays() {
  const s = state.me && state.me.settings;
  return s && Number.isFinite(s.due_soon_days) ? s.due_soon_days : 7;
}

async function surveyedHere() {
  const since = state.dataAt || 0;
  const items = await outbox.all().catch(() => []);
  return new Set(items.filter((i) => (i.savedAt || 0) >= since && i.summary && !i.summary.isNew).map((i) => i.summary.code));
}

/** The due bins on the phone: overdue first (longest overdue first), then due (soonest first). */
export async function dueBins() {
  const today = thaiToday();
  const soon = soonDays();
  const done = await surveyedHere();
  return ((state.bins && state.bins.features) || [])
    .filter((f) => f.geometry && f.properties.due_on && !done.has(f.properties.code))
    .map((f) => {
      const p = f.properties;
      return {
        code: p.code, stream: p.stream, condition: p.condition, capacity_l: p.capacity_l,
        village_id: p.village_id, due_on: p.due_on, state: dueState(p.due_on, today, soon),
        days: daysBetween(p.due_on, today), lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1],
      };
    })
    .filter((b) => b.state)
    .sort((a, b) => (a.due_on < b.due_on ? -1 : a.due_on > b.due_on ? 1 : a.code < b.code ? -1 : 1));
}

function isHead() {
  return !!state.me && state.me.role === 'village_head';
}

function askPosition() {
  if (asking || !navigator.geolocation) return;
  asking = true;
  navigator.geolocation.getCurrentPosition((pos) => {
    asking = false;
    here = { lat: pos.coords.latitude, lon: pos.coords.longitude, at: Date.now() };
    if (current() === 's-due') renderDueList(); else renderDue();
  }, () => { asking = false; }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
}

function dueLine(b) {
  if (b.state === 'overdue') return t('due_overdue_days', { n: fmtNum(b.days) });
  if (b.days === 0) return t('due_today');
  const when = new Date(b.due_on + 'T00:00:00Z').toLocaleDateString(lang === 'th' ? 'th-TH' : 'en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
  return t('due_on', { date: when });
}

function dueButton(b, n) {
  return el('button', { type: 'button', class: 'near due-bin ' + b.state, 'data-code': b.code, onclick: () => inspectDue(b) },
    el('span', { class: 'stop' }, fmtNum(n)),
    el('span', { class: 'dot', style: `background:${STREAM_COLOURS[b.stream] || '#999'}` }),
    el('span', { class: 'what' }, el('b', {}, b.code), el('br'), el('span', { class: 'when' }, dueLine(b))),
    b.leg_m != null ? el('span', { class: 'dist' }, t('away', { d: fmtNum(b.leg_m) })) : null);
}

function ordered(bins) {
  if (!here || Date.now() - here.at > FIX_MAX_AGE_MS) askPosition();
  return here && bins.length ? walkingOrder(here, bins, state.basemap) : null;
}

/** The home screen's first button (village heads with bins due): how many, and the first stop. */
export async function renderDue() {
  const open = $('btn-due');
  if (!open) return;
  if (!isHead()) { open.hidden = true; return; }
  const bins = await dueBins();
  if (current() !== 's-home') return;
  open.hidden = !bins.length;
  if (!bins.length) return;
  const overdue = bins.filter((b) => b.state === 'overdue').length;
  setText($('due-head'), t('due_head', { n: fmtNum(bins.length) }) + (overdue ? ' ' + t('due_head_overdue', { o: fmtNum(overdue) }) : ''));
  open.dataset.overdue = overdue ? 'yes' : 'no';
  const walk = ordered(bins);
  const first = walk && walk.stops[0];
  setText($('due-next'), first ? t('due_next', { code: first.code, d: fmtNum(first.leg_m) }) : t('due_next_date'));
}

/** The list screen: every due bin, numbered in walking order from where the head stands. */
export async function renderDueList() {
  const bins = await dueBins();
  if (current() !== 's-due') return;
  const overdue = bins.filter((b) => b.state === 'overdue').length;
  setText($('due-count'), bins.length ? t('due_count', { n: fmtNum(bins.length), o: fmtNum(overdue) }) : t('due_none'));
  const walk = ordered(bins);
  const stops = walk ? walk.stops : bins;
  let note = '';
  if (walk) note = t(walk.by === 'road' ? 'due_order_road' : 'due_order_straight', { d: fmtNum(walk.total_m) });
  else if (bins.length) note = t('due_order_wait');
  setText($('due-order'), note);
  $('s-due').dataset.order = walk ? walk.by : 'date';
  $('due-list').replaceChildren(...stops.slice(0, SHOWN).map((b, i) => el('li', {}, dueButton(b, i + 1))));
  setText($('due-more'), stops.length > SHOWN ? t('due_more', { n: fmtNum(stops.length - SHOWN) }) : '');
}

/** Start the inspection of a due bin: the usual steps, with the bin already chosen. */
export function inspectDue(b) {
  startSurvey();
  draft.bin = {
    code: b.code, isNew: false, stream: b.stream, capacity: b.capacity_l,
    condition: b.condition, villageId: b.village_id, pending: false, fromDue: true,
  };
  draft.stream = b.stream;
  draft.capacity = b.capacity_l;
}
