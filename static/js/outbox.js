/* Rebound's outbox: daily logs kept on this phone (IndexedDB) until the server has them.
 *
 * One entry per (workout, day), replayed with the same idempotent PUT, so a replay never makes
 * a second log. Loaded by the pages and, with importScripts, by the service worker (Background
 * Sync), which has no cookie access: an entry carries the CSRF token it was saved with.
 */
(function (root) {
  "use strict";

  var DB = "rebound";
  var STORE = "outbox";

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "key" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(result && result.result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function all() {
    return run("readonly", function (store) { return store.getAll(); });
  }

  function put(entry) {
    return run("readwrite", function (store) { store.put(entry); });
  }

  /* Removes the entry only if it is still the version that was sent (not re-saved meanwhile). */
  function removeIfUnchanged(entry) {
    return run("readwrite", function (store) {
      var request = store.get(entry.key);
      request.onsuccess = function () {
        if (request.result && request.result.savedAt === entry.savedAt) store.delete(entry.key);
      };
    });
  }

  function remove(key) {
    return run("readwrite", function (store) { store.delete(key); });
  }

  function errorsOf(response) {
    return response.json().catch(function () { return { detail: ["The server refused this log (" + response.status + ")."] }; });
  }

  async function send(entry, csrfToken) {
    var response;
    try {
      response = await fetch(entry.url, {
        method: "PUT",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken || entry.csrf },
        body: JSON.stringify(entry.body),
      });
    } catch (error) {
      return { entry: entry, outcome: "offline" };
    }
    if (response.ok) {
      var data = await response.json().catch(function () { return null; });
      await removeIfUnchanged(entry);
      return { entry: entry, outcome: "synced", data: data };
    }
    if (response.status === 401 || response.status === 403) {
      // The session ended: keep the log, ask the person to sign in again.
      entry.state = "auth";
      await put(entry);
      return { entry: entry, outcome: "auth" };
    }
    if (response.status === 429 || response.status >= 500) {
      return { entry: entry, outcome: "retry" };
    }
    // 400 and the like: the log itself is wrong; shown to the person, never retried as it is.
    entry.state = "invalid";
    entry.errors = await errorsOf(response);
    await put(entry);
    return { entry: entry, outcome: "invalid" };
  }

  async function flushNow(csrfToken) {
    var entries = await all();
    var results = [];
    for (var i = 0; i < entries.length; i++) {
      if (entries[i].state === "invalid") continue;
      var result = await send(entries[i], csrfToken);
      results.push(result);
      if (result.outcome === "offline") break;
    }
    return results;
  }

  /* Sends every pending entry, one flush at a time across tabs and the service worker. */
  function flush(csrfToken) {
    if (root.navigator && root.navigator.locks) {
      return root.navigator.locks.request("rebound-outbox", function () { return flushNow(csrfToken); });
    }
    return flushNow(csrfToken);
  }

  root.ReboundOutbox = { all: all, put: put, remove: remove, flush: flush };
})(self);
