/* The kiosk's service worker (issue 19, point 4): when a step's request cannot reach the
   server, the tablet shows the "see reception" screen instead of the browser's error page,
   and goes back to the welcome screen once the server answers again (offline.js).
   It keeps only that screen and its static files: never a page, a form or an answer, so
   nothing of any visitor is ever in its cache. Every other request goes to the network. */
"use strict";
var CACHE = "intake-kiosk-offline-v1";
var OFFLINE = "/kiosk/static/offline.html";
var KEPT = [OFFLINE, "/kiosk/static/offline.js", "/kiosk/static/kiosk.css", "/static/intake.css"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE)
    .then(function (cache) { return cache.addAll(KEPT); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name !== CACHE; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var path = new URL(event.request.url).pathname;
  if (event.request.mode === "navigate") {
    event.respondWith(fetch(event.request).catch(function () { return caches.match(OFFLINE); }));
  } else if (KEPT.indexOf(path) !== -1) {  // the screen's own script and styles, offline too
    event.respondWith(fetch(event.request).catch(function () { return caches.match(path); }));
  }
});
