/* Signing in and out, the home screen (who I am, the bins due in my village first, this
 * month's progress), and refreshing the
 * user, villages and bins kept on the phone for offline use. */

import { api, csrfToken, outbox } from './api.js';
import { $, setText } from './dom.js';
import { current, reset } from './nav.js';
import { dropToken, setToken, state } from './state.js';
import { kvSet } from './store.js';
import { fmtNum, fmtTime, t } from './words.js';

/** What else the home screen draws (the due list, due.js); app.js fills it in at start. */
export const homeEvents = { rendered: () => {} };

export function renderHome() {
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
  homeEvents.rendered();
}

/** Fetch the user, villages and bins again and keep them in IndexedDB (quietly keeps the old
 * ones when offline or slow). */
export async function refreshData() {
  if (!navigator.onLine) return;
  try {
    const res = await api('/me', {}, 15000);
    if (res.status === 401) { setAuthProblem(true); return; }
    if (!res.ok) return;
    state.me = await res.json();
    setAuthProblem(false);
    await kvSet('me', state.me);
    const [villages, bins, basemap] = await Promise.all([
      api('/villages', {}, 30000), api('/bins', {}, 60000), api('/basemap', {}, 30000)]);
    if (villages.ok) { state.villages = await villages.json(); await kvSet('villages', state.villages); }
    if (basemap.ok) { state.basemap = await basemap.json(); await kvSet('basemap', state.basemap); }
    if (bins.ok) { state.bins = await bins.json(); await kvSet('bins', state.bins); }
    if (villages.ok && bins.ok) { state.dataAt = Date.now(); await kvSet('dataAt', state.dataAt); }
    document.documentElement.dataset.data = 'ready';
  } catch (e) {
    /* offline or slow: keep what is cached */
  }
  renderHome();
}

export function setAuthProblem(on) {
  state.authProblem = on;
  if (on && current() === 's-home' && !state.me) showLogin(t('login_again'));
}

export function showLogin(message) {
  setText($('login-error'), message || '');
  $('login-error').hidden = !message;
  reset('s-login');
}

/** The token in a pasted sign-in link, a /login/ or /key/ URL, or a bare token; else null. */
export function tokenFrom(text) {
  const s = (text || '').trim();
  let m = s.match(/[#&?]token=([^&\s]+)/);
  if (m) return decodeURIComponent(m[1]);
  m = s.match(/\/login\/([A-Za-z0-9_-]{16,})/) || s.match(/\/key\/([A-Za-z0-9_-]{16,})/);
  if (m) return m[1];
  return /^[A-Za-z0-9_-]{16,}$/.test(s) ? s : null;
}

export async function signIn(tok) {
  const error = $('login-error');
  if (!tok) { setText(error, t('login_bad')); error.hidden = false; return; }
  setToken(tok);
  try {
    const res = await api('/me', {}, 15000);
    if (res.status === 401) {
      dropToken();
      setText(error, t('login_bad'));
      error.hidden = false;
      return;
    }
  } catch (e) { /* offline: checked when the signal returns */ }
  setAuthProblem(false);
  reset('s-home');
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
  await refreshData();
  outbox.sendNow();
}

export async function signOut() {
  if (!confirm(t('logout_confirm'))) return;
  dropToken();
  state.me = null;
  await kvSet('me', null);
  try {
    await fetch('/logout', { method: 'POST', headers: { 'X-CSRF-Token': csrfToken() }, redirect: 'manual' });
  } catch (e) { /* offline */ }
  showLogin('');
}
