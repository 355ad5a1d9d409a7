/* Service worker of the phone form (scope /m/). The shell and Leaflet are precached, so the
 * form opens with no signal (the QR reader is kept once fetched: ON_DEMAND); API calls are never cached here (the app keeps its data and the
 * queue in IndexedDB). The server writes the shell's content hash into VERSION: a change to
 * any shell file makes a new cache, and old ones are deleted on activation. Every module of the
 * form is listed here (tests/js/ checks that the list and the imports agree). */
'use strict';

const VERSION = '__SHELL_VERSION__';
const CACHE = 'fieldsvc-m-' + VERSION;
const SHELL = [
  '/m/',
  '/m/app.js',
  '/m/api.js',
  '/m/bins.js',
  '/m/choices.js',
  '/m/dom.js',
  '/m/find_bin.js',
  '/m/gps.js',
  '/m/gps_accuracy.js',
  '/m/home.js',
  '/m/nav.js',
  '/m/orders.html',
  '/m/orders.js',
  '/m/photo.js',
  '/m/records.js',
  '/m/scan.js',
  '/m/send_queue.js',
  '/m/state.js',
  '/m/store.js',
  '/m/survey.js',
  '/m/words.js',
  '/m/app.css',
  '/m/manifest.webmanifest',
  '/m/icon.svg',
  '/m/icon-192.png',
  '/vendor/leaflet/leaflet.js',
  '/vendor/leaflet/leaflet.css',
];
// Kept once fetched, not precached: the QR reader (250 KB) for browsers without BarcodeDetector;
// scan.js fetches it when a survey reaches the "which bin" screen online.
const ON_DEMAND = ['/vendor/jsqr/jsQR.js'];

self.addEventListener('install', (event) => {
  // Default cache mode: files the page just loaded revalidate with a cheap 304.
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('fieldsvc-m-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  let key = null;
  // A page of its own (orders.html) is answered with itself; any other page under /m/ is the form.
  if (request.mode === 'navigate' && url.pathname.startsWith('/m/')) key = SHELL.includes(url.pathname) ? url.pathname : '/m/';
  else if (SHELL.includes(url.pathname) || ON_DEMAND.includes(url.pathname)) key = url.pathname;
  if (!key) return; // the API and everything else: straight to the network
  event.respondWith(
    caches.open(CACHE).then((cache) => cache.match(key).then((hit) => hit || fetch(request).then((res) => {
      if (res.ok) cache.put(key, res.clone());
      return res;
    }))),
  );
});
