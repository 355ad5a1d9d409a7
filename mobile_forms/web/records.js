/* "My records": the count in the top bar, the saved screen after a survey, and the list of
 * saved surveys (waiting, failed with the server's reason, sent with staff's notes). */

import { outbox } from './api.js';
import { $, el, setText } from './dom.js';
import { renderHome } from './home.js';
import { current } from './nav.js';
import { countStates } from './send_queue.js';
import { state } from './state.js';
import { errorText, fmtNum, fmtTime, lang, t } from './words.js';

let savedId = null;

/** The survey the saved screen reports on. */
export function showSavedOf(id) { savedId = id; }

/** Count the queue and redraw whatever shows it. */
export async function renderQueueState() {
  const items = await outbox.all();
  const counts = countStates(items);
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

export function renderSaved(items) {
  const item = items.find((i) => i.id === savedId);
  const box = $('saved-status');
  renderSavedCode(item);
  if (!item) { setText(box, ''); return; }
  box.className = 'box ' + (item.state === 'sent' ? 'ok' : item.state === 'failed' ? 'bad' : 'warn');
  box.dataset.state = item.state;
  if (item.state === 'sent') setText(box, t('saved_sent'));
  else if (item.state === 'failed') setText(box, t('saved_failed', { why: errorText(item.error) }));
  else setText(box, navigator.onLine && !item.note ? t('saved_sending') : t('saved_waiting'));
}

/** A new bin's code, very large, to copy onto the bin; "written on the bin" ticks it off. */
function renderSavedCode(item) {
  const s = item && item.summary;
  const box = $('saved-code');
  box.hidden = !(s && s.isNew);
  $('s-saved').dataset.code = box.hidden ? 'no' : 'yes';
  if (box.hidden) return;
  const code = item.newCode || s.code; // the server's fresh code when another bin had this one
  setText($('saved-code-label'), t(s.generated || item.newCode ? 'saved_code_new' : 'saved_code_typed'));
  setText($('saved-code-value'), code);
  $('saved-written-box').hidden = !(s.generated || item.newCode);
  const tick = $('saved-written');
  if (box.dataset.code !== code) tick.checked = false; // a new code: not written yet
  box.dataset.code = code;
  box.dataset.written = tick.checked ? 'yes' : 'no';
  tick.onchange = () => { box.dataset.written = tick.checked ? 'yes' : 'no'; };
  const changed = box.querySelector('.changed');
  if (changed) changed.remove();
  if (item.newCode) $('saved-code-value').after(el('p', { class: 'changed box warn' }, t('code_changed', { old: s.code, code: item.newCode })));
}

const thumbUrls = new Map();

function thumbOf(item) {
  if (!item.thumb) return el('span', { class: 'noimg' }, t('no_photo'));
  if (!thumbUrls.has(item.id)) thumbUrls.set(item.id, URL.createObjectURL(item.thumb));
  return el('img', { src: thumbUrls.get(item.id), alt: '' });
}

/** The list; a failed item's "fix and send again" button carries data-fix (app.js opens it). */
export function renderQueue(items) {
  items.sort((a, b) => b.savedAt - a.savedAt);
  const c = state.counts;
  setText($('queue-summary'), items.length ? t('queue_summary', { w: c.waiting, f: c.failed, s: c.sent }) : t('queue_empty'));
  $('btn-send-now').hidden = !c.waiting;
  $('queue-list').replaceChildren(...items.map((item) => {
    const s = item.summary;
    const info = el('div', { class: 'info' },
      el('p', { class: 'title' }, `${item.newCode || s.code} · ${t('cond_' + s.condition)}`),
      el('p', { class: 'when' }, fmtTime(item.savedAt)),
      el('span', { class: 'state ' + item.state }, t('st_' + item.state)));
    if (item.state === 'waiting' && item.note) info.append(el('p', { class: 'why' }, t('why_' + item.note)));
    if (item.state === 'failed') {
      info.append(el('p', { class: 'why box bad' }, errorText(item.error)),
        el('button', { type: 'button', class: 'btn primary', 'data-fix': item.id }, t('fix_resend')),
        el('button', { type: 'button', class: 'btn quiet', onclick: () => removeItem(item.id) }, t('remove')));
    }
    if (item.state === 'sent') {
      if (item.notice) info.append(el('p', { class: 'why box warn' }, lang === 'th' ? item.notice.th : item.notice.en));
      for (const f of (item.flags || []).slice(0, 2)) info.append(el('p', { class: 'why' }, t('staff_check', { msg: lang === 'th' ? f.th : f.en })));
    }
    return el('li', { 'data-id': item.id, 'data-state': item.state }, thumbOf(item), info);
  }));
}

async function removeItem(id) {
  if (!confirm(t('remove_confirm'))) return;
  await outbox.remove(id);
  await renderQueueState();
}
