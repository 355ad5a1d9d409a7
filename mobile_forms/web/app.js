/* fieldsvc phone survey form: offline-first, Thai first, plain JS modules (no framework, no build).
 *
 * Flow, one question per screen: photo → GPS → which bin (nearby list + map, QR, typed code, or
 * new) → condition → [stream → size for a new bin] → review → save. A saved survey goes to an
 * IndexedDB queue with its submission_id fixed at save time, and is sent (JSON, then the photo)
 * whenever there is a connection; a retry after a lost response is recognised by the server.
 *
 * ES modules loaded by the browser as they are (no bundler). This one starts the form and
 * wires the screens together; the others, by responsibility: words.js (Thai/English), dom.js,
 * state.js (user, draft, token), store.js (IndexedDB), send_queue.js (sending and retries; no
 * browser needed, tested under tests/js/), api.js (requests and the page's queue), nav.js
 * (screens and the back button), home.js (sign-in, home), photo.js, gps.js, bins.js (nearby
 * bins, map, codes, village), choices.js (picture questions), survey.js (review, save, fix),
 * records.js (the list of saved surveys), scan.js (QR codes), due.js (the bins due for
 * inspection, first on a village head's home screen) and walk_order.js (their walking order).
 */

import { api, outbox, outboxEvents } from './api.js';
import { chooseCode, chooseNewBin, renderBin, renderCodeNotFound } from './bins.js';
import {
  chooseCondition, chooseSize, chooseStream, conditionChoices, renderPick, sizeChoices, streamChoices,
} from './choices.js';
import { $, setText } from './dom.js';
import { enterGps, stopGps, useGps } from './gps.js';
import { renderDue, renderDueList } from './due.js';
import {
  homeEvents, refreshData, renderHome, setAuthProblem, showLogin, signIn, signOut, tokenFrom,
} from './home.js';
import { advance, back, cancelSurvey, current, defineScreens, go, render, reset } from './nav.js';
import { onPhotoChosen, renderPhoto } from './photo.js';
import { renderQueue, renderQueueState, renderSaved } from './records.js';
import { prepareScanner, scanBinSticker, scanQr, stopScan } from './scan.js';
import { draft, setToken, state, token } from './state.js';
import { kvGet } from './store.js';
import { fixItem, renderReview, saveDraft, startSurvey } from './survey.js';
import { lang, t, toggleLang } from './words.js';

function applyWords() {
  document.documentElement.lang = lang;
  document.title = t('app_title');
  for (const node of document.querySelectorAll('[data-i18n]')) setText(node, t(node.dataset.i18n));
  for (const node of document.querySelectorAll('[data-i18n-label]')) node.setAttribute('aria-label', t(node.dataset.i18nLabel));
  $('code-input').placeholder = t('code_eg');
  const other = lang === 'th' ? 'en' : 'th';
  $('lang-word').textContent = other === 'en' ? 'English' : 'ภาษาไทย';
  $('btn-lang').setAttribute('lang', other);
}

defineScreens({
  's-home': () => { stopGps(); renderHome(); },
  's-photo': () => renderPhoto(),
  's-gps': () => enterGps(),
  's-bin': () => { renderBin(); prepareScanner(); },
  's-nocode': () => renderCodeNotFound(),
  's-condition': () => renderPick('pick-condition', conditionChoices(), draft.condition, chooseCondition),
  's-stream': () => renderPick('pick-stream', streamChoices(), draft.stream, chooseStream),
  's-size': () => renderPick('pick-size', sizeChoices(), draft.capacity, chooseSize),
  's-review': () => renderReview(),
  's-due': () => renderDueList(),
  's-queue': () => outbox.all().then(renderQueue),
  's-saved': () => outbox.all().then(renderSaved),
}, {
  's-scan': () => stopScan(null), // an overlay without its own history entry
});

homeEvents.rendered = renderDue;
outboxEvents.progress = renderQueueState;
outboxEvents.authProblem = () => setAuthProblem(true);
outboxEvents.sent = () => refreshData();

function bind() {
  $('btn-lang').onclick = () => {
    if (!confirm(t('lang_confirm'))) return; // one stray tap must not turn the app English
    toggleLang();
    applyWords();
    render(current());
    renderQueueState();
  };
  $('btn-back').onclick = back;
  $('btn-cancel').onclick = () => cancelSurvey(stopGps);
  $('btn-queue').onclick = () => go('s-queue');
  $('btn-open-queue').onclick = () => go('s-queue');
  $('btn-due').onclick = () => go('s-due');
  $('btn-start').onclick = startSurvey;
  $('btn-logout').onclick = signOut;
  $('photo-input').onchange = onPhotoChosen;
  $('btn-photo-next').onclick = () => (draft.editing ? advance('s-review') : go('s-gps'));
  $('btn-photo-skip').onclick = () => (draft.editing ? advance('s-review') : go('s-gps'));
  $('btn-gps-use').onclick = useGps;
  $('btn-code-ok').onclick = () => chooseCode($('code-input').value);
  $('code-input').onkeydown = (e) => { if (e.key === 'Enter') chooseCode($('code-input').value); };
  $('btn-new-bin').onclick = () => chooseNewBin(null);
  $('btn-nocode-retype').onclick = back;
  $('btn-scan').onclick = scanBinSticker;
  $('btn-save').onclick = saveDraft;
  $('btn-next-bin').onclick = startSurvey;
  $('btn-saved-home').onclick = () => reset('s-home');
  $('btn-send-now').onclick = () => outbox.sendNow();
  // A refused survey's "fix and send again" button (drawn by records.js).
  $('queue-list').addEventListener('click', (e) => {
    const fix = e.target.closest('button[data-fix]');
    if (fix) fixItem(fix.dataset.fix);
  });
  $('btn-scan-cancel').onclick = () => stopScan(null);
  $('btn-login').onclick = () => signIn(tokenFrom($('login-token').value));
  $('btn-login-scan').onclick = async () => { const v = await scanQr(); if (v) signIn(tokenFrom(v)); };
  const net = () => {
    $('net').hidden = navigator.onLine;
    document.querySelector('.bar').classList.toggle('offline', !navigator.onLine);
  };
  window.addEventListener('online', () => { net(); outbox.sendNow(); refreshData(); });
  window.addEventListener('offline', net);
  document.addEventListener('visibilitychange', () => { if (!document.hidden) outbox.sendNow(); });
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
    setToken(fromLink);
    history.replaceState(null, '', location.pathname + location.search);
  }
  try {
    [state.me, state.villages, state.bins, state.basemap, state.dataAt] = await Promise.all(['me', 'villages', 'bins', 'basemap', 'dataAt'].map(kvGet));
    await outbox.dropOldSent();
  } catch (e) { /* private mode without IndexedDB: the form still works online */ }
  await renderQueueState();
  document.documentElement.dataset.ready = 'yes';
  if (!token() && !state.me) {
    // Signed in by the /login/{token} cookie? Then /me answers without a token.
    try {
      const res = await api('/me', {}, 10000);
      if (res.ok) { reset('s-home'); await refreshData(); outbox.sendNow(); return; }
    } catch (e) { /* offline */ }
    showLogin('');
    return;
  }
  reset('s-home');
  if (fromLink && navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
  await refreshData();
  if (state.authProblem && !state.me) showLogin(t('login_again'));
  outbox.sendNow();
}

start();
