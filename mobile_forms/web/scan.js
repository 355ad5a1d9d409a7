/* Reading a QR code (a bin's label, or a sign-in QR) with the camera, where the browser has
 * BarcodeDetector; with no live camera, a photo of the code works too. */

import { $, setText } from './dom.js';
import { go, leaveOverlay } from './nav.js';
import { t } from './words.js';

let scanDone = null;
let scanStream = null;
let scanLoop = null;

export function scanQr() {
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

export function stopScan(value) {
  clearTimeout(scanLoop);
  if (scanStream) scanStream.getTracks().forEach((tr) => tr.stop());
  scanStream = null;
  const done = scanDone;
  scanDone = null;
  leaveOverlay('s-scan');
  if (done) done(value);
}
