/* The judge's tablet with no network: this service worker keeps the tablet page and the files
 * it loads, so a judge who reloads while the venue Wi-Fi is down still gets the sheet and can
 * keep entering marks (judge_tablet.js queues them in localStorage, judge_store.js, and
 * judge_link.js sends them later).
 *
 * The page: network first, so a tablet online always gets a fresh page; the last good copy
 * only when the network fails. The static files: the cached copy at once, refreshed in the
 * background. Socket.IO and every other request are left alone.
 * Served by competition/web/judge.py (the cache's name changes with the files it keeps).
 */
"use strict";

var CACHE = "judge-tablet-{{ version }}";
var PAGE = {{ page|tojson }};
var ASSETS = {{ assets|tojson }};

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(ASSETS).then(function () {
      // the page that registered this worker was loaded before it: keep a copy of it now
      return fetch(PAGE, { credentials: "same-origin" }).then(function (response) {
        if (response.ok && !response.redirected) return cache.put(PAGE, response);
      }).catch(function () { /* offline while installing: the next load keeps it */ });
    });
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("judge-tablet-") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function pageFirst(event) {
  return caches.open(CACHE).then(function (cache) {
    var copy = function (otherwise) {
      return cache.match(PAGE).then(function (kept) { return kept || otherwise(); });
    };
    return fetch(event.request).then(function (response) {
      if (response.ok && !response.redirected) {
        event.waitUntil(cache.put(PAGE, response.clone()));
      } else if (response.status === 403) {
        // the link was reissued or revoked: keep no copy of the sheet
        event.waitUntil(cache.delete(PAGE));
      } else if (response.status >= 500) {
        return copy(function () { return response; }); // the server is down, not the judge
      }
      return response;
    }, function (error) {
      return copy(function () { throw error; });
    });
  });
}

function copyFirst(event) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(event.request, { ignoreSearch: true }).then(function (kept) {
      var fresh = fetch(event.request).then(function (response) {
        if (response.ok) return cache.put(event.request, response.clone()).then(function () {
          return response;
        });
        return response;
      });
      if (!kept) return fresh;
      event.waitUntil(fresh.catch(function () { /* offline: the copy will do */ }));
      return kept;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === PAGE) event.respondWith(pageFirst(event));
  else if (ASSETS.indexOf(url.pathname) >= 0) event.respondWith(copyFirst(event));
});
