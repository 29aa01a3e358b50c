/* Rebound's service worker (shell version {{ version }}), served at /sw.js so its scope is the whole site.
 * The app shell is cached under a versioned name: a deploy that changes it installs a new
 * worker, which takes over at once and drops the old cache. */
"use strict";
importScripts({{ outbox_url|safe }});

var CACHE = "rebound-shell-{{ version }}";
var ASSETS = {{ assets|safe }};
var PUBLIC_PAGES = {{ public_pages|safe }};
var APP_PAGES = {{ app_pages|safe }};

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) { return cache.addAll(ASSETS.concat(PUBLIC_PAGES)); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name.indexOf("rebound-shell-") === 0 && name !== CACHE; })
        .map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

/* A page is the same markup for everyone; only a real 200 (not a redirect to sign in) is kept. */
function keep(path, response) {
  if (response.ok && !response.redirected && response.type === "basic") {
    var copy = response.clone();
    caches.open(CACHE).then(function (cache) { cache.put(path, copy); });
  }
  return response;
}

async function page(request) {
  var path = new URL(request.url).pathname;
  try {
    return keep(path, await fetch(request));
  } catch (offline) {
    var cache = await caches.open(CACHE);
    return (await cache.match(path)) || (await cache.match("/")) || (await cache.match("/signin/")) || Response.error();
  }
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/api/") === 0 || url.pathname.indexOf("/admin/") === 0 || url.pathname === "/sw.js") return;
  if (request.mode === "navigate") {
    event.respondWith(page(request));
    return;
  }
  event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
});

self.addEventListener("message", function (event) {
  if (event.data && event.data.type === "warm") {
    // A signed-in page asks: keep every screen, so each opens offline even if never visited.
    event.waitUntil(Promise.all(APP_PAGES.map(function (path) {
      return fetch(path, { credentials: "same-origin" }).then(function (response) { keep(path, response); }).catch(function () {});
    })));
  }
});

/* Background Sync: the browser wakes the worker when the network is back, even with no tab open. */
self.addEventListener("sync", function (event) {
  if (event.tag !== "outbox") return;
  event.waitUntil(self.ReboundOutbox.flush().then(function (results) {
    if (results.some(function (r) { return r.outcome === "offline" || r.outcome === "retry"; })) throw new Error("outbox not empty");
    return self.clients.matchAll({ type: "window" }).then(function (clients) {
      clients.forEach(function (client) { client.postMessage({ type: "synced", results: results }); });
    });
  }));
});

self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (notJson) { data = { body: event.data.text() }; }
  event.waitUntil(self.registration.showNotification(data.title || "Rebound", {
    body: data.body || "",
    tag: data.tag || undefined,
    icon: {{ icon_url|safe }},
    data: { url: data.url || "/" },
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin).href;
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (clients) {
    for (var i = 0; i < clients.length; i++) {
      if ("navigate" in clients[i]) {
        var client = clients[i];
        return client.navigate(target).then(function (c) { return (c || client).focus(); }).catch(function () { return self.clients.openWindow(target); });
      }
    }
    return self.clients.openWindow(target);
  }));
});
