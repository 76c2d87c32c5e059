// Registers the service worker and tells the app (by a flag and an event) when a new version
// has installed in the background. The app asks for it to take over with
// faltloggApplyUpdate(); the page then reloads once. Local data is untouched by an update.
'use strict';
(function () {
  if (!('serviceWorker' in navigator)) return;
  let applying = false;
  function ready() {
    window.faltloggUpdateReady = true;
    window.dispatchEvent(new Event('faltlogg-update'));
  }
  window.faltloggApplyUpdate = function () {
    navigator.serviceWorker.getRegistration().then(function (reg) {
      if (reg && reg.waiting) {
        applying = true;
        reg.waiting.postMessage('skip-waiting');
      }
    });
  };
  navigator.serviceWorker.addEventListener('controllerchange', function () {
    if (applying) window.location.reload();
  });
  // Registered once the page has loaded: a new worker precaches every file of the app, and on
  // a first visit over a slow network that download would otherwise share the line with the
  // page's own wasm, which the worker fetches again.
  function register() {
    navigator.serviceWorker.register('/sw.js').then(function (reg) {
      if (reg.waiting && navigator.serviceWorker.controller) ready();
      reg.addEventListener('updatefound', function () {
        const worker = reg.installing;
        if (!worker) return;
        worker.addEventListener('statechange', function () {
          if (worker.state === 'installed' && navigator.serviceWorker.controller) ready();
        });
      });
    }).catch(function () { /* No service worker (private mode): the app still runs online. */ });
  }
  // Web Push for the check-in's alert, on a coordinator's phone (More → Alerts when the app
  // is closed): asks for permission, subscribes with the server's key, tells the server where
  // to push, and gives the service worker the alert's words in the app's language. Called
  // from the tap itself (browsers ask for permission only then). Resolves to 'on', 'denied',
  // 'unsupported' or 'failed'.
  window.faltloggPush = function (token, title, body) {
    if (!('PushManager' in window) || !('Notification' in window)) return Promise.resolve('unsupported');
    const headers = { Authorization: 'Bearer ' + token, Accept: 'application/json' };
    const b64 = function (buffer) {
      return btoa(String.fromCharCode.apply(null, new Uint8Array(buffer)))
        .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    };
    const bytes = function (text) {
      return Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), function (c) { return c.charCodeAt(0); });
    };
    return Notification.requestPermission().then(function (permission) {
      if (permission !== 'granted') return 'denied';
      return navigator.serviceWorker.ready.then(function (reg) {
        reg.active.postMessage({ alert: { title: title, body: body } });
        return fetch('/api/push/key', { headers: headers }).then(function (r) {
          if (!r.ok) throw new Error('key');
          return r.json();
        }).then(function (key) {
          return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: bytes(key.key) });
        }).then(function (sub) {
          return fetch('/api/push/subscription', {
            method: 'PUT',
            headers: Object.assign({ 'Content-Type': 'application/json' }, headers),
            body: JSON.stringify({ endpoint: sub.endpoint, p256dh: b64(sub.getKey('p256dh')), auth: b64(sub.getKey('auth')) })
          });
        }).then(function (r) { return r.ok ? 'on' : 'failed'; });
      });
    }).catch(function () { return 'failed'; });
  };
  // Background Sync, where the browser has it: when the network goes, the app asks to be woken
  // once it is back (the worker's 'sync' event), which reaches an open app even when its page
  // missed the 'online' event. Asked once a time the network goes, never from a failed sync:
  // the event fires at once where the browser thinks it is online, and a server that is down
  // would then be called in a loop (the app's own backoff covers that case). The worker holds
  // no keys: it cannot sync for a closed app, only wake an open one.
  window.addEventListener('offline', function () {
    navigator.serviceWorker.ready.then(function (reg) {
      if (reg.sync) return reg.sync.register('faltlogg-sync');
    }).catch(function () { /* Not allowed here: the app's own retries remain. */ });
  });
  navigator.serviceWorker.addEventListener('message', function (event) {
    if (event.data === 'faltlogg-sync') window.dispatchEvent(new Event('faltlogg-sync'));
  });
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
})();
