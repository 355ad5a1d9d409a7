/* Reading a QR code (a bin's sticker, or a sign-in QR) with the camera: the browser's
 * BarcodeDetector where it has one, else jsQR (/vendor/jsqr/jsQR.js, pinned in the root
 * package.json, loaded on first need; fetched ahead by prepareScanner and kept by sw.js, so a
 * scan works offline once the phone has been online at the "which bin" screen). With no live camera, or when
 * the user prefers, a photo of the code is read the same way.
 *
 * A bin sticker holds the plain code (07-0427); a link with ?code= or #code= (or the code as
 * its last path segment) is read too. A scanned code is exact, never a typo: a registered
 * bin's sticker opens its re-inspection, and any other sticker (a fresh one from the office)
 * starts a new bin under that code. */

import { api, outbox } from './api.js';
import { chooseCode, chooseNewBin } from './bins.js';
import { $, el, setText } from './dom.js';
import { go, leaveOverlay } from './nav.js';
import { state } from './state.js';
import { t } from './words.js';

const JSQR_SRC = '/vendor/jsqr/jsQR.js';
const VIDEO_MAX_PX = 800;
const PHOTO_MAX_PX = 1600;

let scanDone = null;
let scanStream = null;
let scanLoop = null;
let jsqrPromise = null;

export function scanQr() {
  return new Promise((resolve) => {
    scanDone = resolve;
    go('s-scan', { overlay: true });
    startScan();
  });
}

function loadJsQr() {
  if (!jsqrPromise) {
    jsqrPromise = new Promise((resolve, reject) => {
      const s = el('script', { src: JSQR_SRC });
      s.onload = () => resolve(window.jsQR);
      s.onerror = () => { jsqrPromise = null; reject(new Error('jsqr')); };
      document.head.append(s);
    });
  }
  return jsqrPromise;
}

/** Fetch the QR reader while there is a signal, so that the service worker keeps it for a
 * scan made offline later (browsers with BarcodeDetector need none). */
export function prepareScanner() {
  if ('BarcodeDetector' in window || !navigator.onLine || jsqrPromise) return;
  fetch(JSQR_SRC).catch(() => {});
}

/** A function reading the first QR code's text from a video, image or bitmap (null: none). */
async function qrReader() {
  if ('BarcodeDetector' in window) {
    try {
      const detector = new window.BarcodeDetector({ formats: ['qr_code'] });
      return async (source) => {
        const codes = await detector.detect(source);
        return codes.length ? codes[0].rawValue : null;
      };
    } catch (e) { /* no QR support in this BarcodeDetector: jsQR below */ }
  }
  const jsQR = await loadJsQr();
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  return async (source, maxPx) => {
    const w = source.videoWidth || source.width;
    const h = source.videoHeight || source.height;
    if (!w || !h) return null;
    const scale = Math.min(1, (maxPx || VIDEO_MAX_PX) / Math.max(w, h));
    canvas.width = Math.round(w * scale);
    canvas.height = Math.round(h * scale);
    ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
    const image = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const found = jsQR(image.data, image.width, image.height, { inversionAttempts: 'attemptBoth' });
    return found ? found.data : null;
  };
}

async function startScan() {
  const status = $('scan-status');
  status.textContent = t('scan_starting');
  let read;
  try { read = await qrReader(); } catch (e) { setText(status, t('scan_none')); return; }
  $('btn-scan-photo').onclick = () => $('scan-input').click();
  $('scan-input').onchange = async () => {
    const file = $('scan-input').files[0];
    $('scan-input').value = '';
    if (!file) return;
    setText(status, t('scan_reading'));
    try {
      const value = await read(await createImageBitmap(file), PHOTO_MAX_PX);
      if (value) return stopScan(value);
    } catch (err) { /* unreadable */ }
    setText(status, t('scan_none'));
  };
  try {
    scanStream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
    const video = $('scan-video');
    video.srcObject = scanStream;
    await video.play();
    status.textContent = '';
    const tick = async () => {
      if (!scanStream) return;
      try {
        const value = await read(video, VIDEO_MAX_PX);
        if (value) return stopScan(value);
      } catch (e) { /* frame not ready */ }
      scanLoop = setTimeout(tick, 250);
    };
    tick();
  } catch (e) {
    // No live camera: a photo of the label works as well.
    setText(status, t('scan_no_camera'));
    $('scan-input').click();
  }
}

export function stopScan(value) {
  clearTimeout(scanLoop);
  if (scanStream) scanStream.getTracks().forEach((tr) => tr.stop());
  scanStream = null;
  const done = scanDone;
  scanDone = null;
  leaveOverlay('s-scan');
  if (done) done(value);
}

/** The bin code a sticker's QR holds: the plain code, or the code in a link to the form. */
export function codeFromQr(text) {
  let s = (text || '').trim();
  if (/^https?:\/\//i.test(s)) {
    try {
      const u = new URL(s);
      const fromHash = new URLSearchParams(u.hash.replace(/^#/, '')).get('code');
      s = u.searchParams.get('code') || fromHash || u.pathname.split('/').filter(Boolean).pop() || '';
    } catch (e) { /* not a URL after all */ }
  }
  return s.toUpperCase().slice(0, 40);
}

/** 'registered', 'elsewhere' (a bin the server will not show this user) or 'unknown'. */
async function registerHas(code) {
  const cached = ((state.bins && state.bins.features) || []).some((f) => String(f.properties.code).toUpperCase() === code);
  if (cached) return 'registered';
  const queued = (await outbox.all()).some((i) => i.state !== 'sent' && i.summary.isNew && String(i.summary.code).toUpperCase() === code);
  if (queued) return 'registered';
  if (!navigator.onLine) return 'unknown';
  try {
    const res = await api('/bins/' + encodeURIComponent(code), {}, 5000);
    if (res.ok) return 'registered';
    if (res.status === 403) return 'elsewhere';
  } catch (e) { /* no answer: as offline */ }
  return 'unknown';
}

/** Scan a bin's sticker: its re-inspection when registered, else a new bin with that code. */
export async function scanBinSticker() {
  const value = await scanQr();
  if (!value) return;
  const code = codeFromQr(value);
  if (!code) return;
  $('code-input').value = code;
  if ((await registerHas(code)) === 'unknown') return chooseNewBin(code);
  return chooseCode(code); // the registered bin (or the server's "not your village")
}
