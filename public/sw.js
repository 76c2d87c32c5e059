// Fältlogg's service worker. scripts/postbuild.sh fills in VERSION and PRECACHE from the
// built files; this file in public/ is the template, never served as is.
'use strict';
const VERSION = '__VERSION__';
const PRECACHE = __PRECACHE__;
const CACHE = 'faltlogg-shell-' + VERSION;

self.addEventListener('install', function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(PRECACHE);
  }).then(function () {
    // The very first install takes over at once; later versions wait for the user.
    if (!self.registration.active) return self.skipWaiting();
  }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) {
      return k.indexOf('faltlogg-shell-') === 0 && k !== CACHE;
    }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener('message', function (event) {
  if (event.data === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('fetch', function (event) {
  const request = event.request;
  const url = new URL(request.url);
  // The API is never cached: records travel only as envelopes, and stale answers would lie.
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.indexOf('/api/') === 0) {
    return;
  }
  if (request.mode === 'navigate') {
    // Every screen is the same shell: answer from the cache so the app starts with no network.
    event.respondWith(caches.open(CACHE).then(function (cache) {
      return cache.match('/index.html').then(function (hit) { return hit || fetch(request); });
    }));
    return;
  }
  event.respondWith(caches.open(CACHE).then(function (cache) {
    return cache.match(request).then(function (hit) { return hit || fetch(request); });
  }));
});
