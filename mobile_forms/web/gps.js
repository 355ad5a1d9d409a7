/* The GPS step: watch the position while standing at the bin, keep the best fix, show its
 * accuracy as green / amber / red, and warn before a poor fix (or none) is used. */

import { nearbyFromCache } from './bins.js';
import { $, setText } from './dom.js';
import { advance, current, go } from './nav.js';
import { GPS_GOOD_M as GPS_GREEN_M } from './gps_accuracy.js';
import { draft, gpsLimit } from './state.js';
import { fmtNum, t } from './words.js';

const POOR_FIX_WAIT_MS = 6000;

let gpsWatch = null;
let gpsShownAt = 0;
let gpsTicker = null;
let gpsError = null;
let gpsTapped = false;
let liveFix = null;

export function startGps(fresh) {
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

export function stopGps() {
  if (gpsWatch !== null) navigator.geolocation.clearWatch(gpsWatch);
  gpsWatch = null;
  clearInterval(gpsTicker);
}

export function fixQuality(fix) {
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

export function useGps() {
  const good = ['green', 'amber'].includes(fixQuality(liveFix));
  const waited = Date.now() - gpsShownAt >= POOR_FIX_WAIT_MS || gpsTapped;
  if (!good && !waited) { gpsTapped = true; renderGps(); return; }
  draft.fix = liveFix ? Object.assign({}, liveFix) : null;
  if (draft.editing) { draft.near = nearbyFromCache(); return advance('s-review'); }
  // A bin chosen from the due list: straight on to its condition.
  if (draft.bin && draft.bin.fromDue) { draft.near = nearbyFromCache(); return go('s-condition'); }
  go('s-bin');
}

/** The GPS screen opens: the wait before "use a poor fix" starts now. */
export function enterGps() {
  gpsShownAt = Date.now();
  renderGps();
}

/** A survey being fixed starts from the location it was saved with. */
export function setLiveFix(fix) { liveFix = fix; }
