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

// The check-in's alert by Web Push. The words come from the app, in its language, when a
// coordinator turns alerts on (boot.js), and are kept here; a push itself says only that a
// check-in is overdue (crates/server/src/push.rs).
const ALERT = 'faltlogg-alert';

self.addEventListener('message', function (event) {
  if (event.data === 'skip-waiting') self.skipWaiting();
  if (event.data && event.data.alert) {
    event.waitUntil(caches.open(ALERT).then(function (cache) {
      return cache.put('/alert-words', new Response(JSON.stringify(event.data.alert)));
    }));
  }
});

self.addEventListener('push', function (event) {
  event.waitUntil(caches.open(ALERT).then(function (cache) {
    return cache.match('/alert-words');
  }).then(function (hit) { return hit ? hit.json() : {}; }).then(function (words) {
    return self.registration.showNotification(words.title || 'Fältlogg', {
      body: words.body || '', tag: 'check-in', renotify: true, requireInteraction: true,
      icon: '/icons/icon-192.png'
    });
  }));
});

self.addEventListener('notificationclick', function (event) {
  event.notification.close();
  event.waitUntil(self.clients.matchAll({ type: 'window' }).then(function (open) {
    if (open.length) return open[0].focus();
    return self.clients.openWindow('/');
  }));
});

// Background Sync (boot.js asks for it when the network goes): it is back, so every open window of
// the app is told to sync. The envelopes are sealed with keys only an unlocked app holds.
self.addEventListener('sync', function (event) {
  if (event.tag !== 'faltlogg-sync') return;
  event.waitUntil(self.clients.matchAll({ type: 'window' }).then(function (open) {
    open.forEach(function (client) { client.postMessage('faltlogg-sync'); });
  }));
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
