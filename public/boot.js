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
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
})();
