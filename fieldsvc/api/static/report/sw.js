/* Service worker of the public report page (scope /report): the page, its script and Leaflet
 * are precached so the page opens with no signal; a report that cannot be sent waits in the
 * page's localStorage (report.js retries it). The village outlines and public bins are kept
 * once fetched. Sends and the status page always go to the network. */
'use strict';

const VERSION = '__PAGE_VERSION__';
const CACHE = 'fieldsvc-report-' + VERSION;
const SHELL = [
  '/report',
  '/report/report.js',
  '/report/report.css',
  '/vendor/leaflet/leaflet.js',
  '/vendor/leaflet/leaflet.css',
];
const ON_DEMAND = ['/public/data/villages.geojson', '/public/data/bins.geojson'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('fieldsvc-report-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  let key = null;
  if (request.mode === 'navigate' && url.pathname === '/report') key = '/report';
  else if (SHELL.includes(url.pathname)) key = url.pathname;
  else if (ON_DEMAND.includes(url.pathname)) {
    // network first (fresh outlines when online), the kept copy when offline
    event.respondWith(caches.open(CACHE).then((cache) => fetch(request).then((res) => {
      if (res.ok) cache.put(url.pathname, res.clone());
      return res;
    }).catch(() => cache.match(url.pathname))));
    return;
  }
  if (!key) return;
  event.respondWith(
    caches.open(CACHE).then((cache) => cache.match(key).then((hit) => hit || fetch(request).then((res) => {
      if (res.ok) cache.put(key, res.clone());
      return res;
    }))),
  );
});
