/* Rebound's screens. No framework: each page's markup is served by Django and filled here from
 * the API (same origin, session cookie + CSRF header; no token is ever kept in the browser). */
(function () {
  "use strict";

  var outbox = self.ReboundOutbox;
  var page = document.body.dataset.page;
  var CACHE_PREFIX = "rebound:cache:";

  // ---- helpers ----

  function $(selector, scope) { return (scope || document).querySelector(selector); }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs[name];
      else if (name === "className") node.className = attrs[name];
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  /* One API call: {status, ok, data}; status 0 when the network is down. */
  async function api(method, path, body) {
    var options = { method: method, credentials: "same-origin", headers: { "Accept": "application/json" } };
    if (method !== "GET") options.headers["X-CSRFToken"] = csrfToken();
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    var response;
    try {
      response = await fetch(path, options);
    } catch (error) {
      return { status: 0, ok: false, data: null };
    }
    var data = null;
    if (response.status !== 204) data = await response.json().catch(function () { return null; });
    if (response.status === 401 || response.status === 403) signInAgain();
    return { status: response.status, ok: response.ok, data: data };
  }

  /* GET with the last good answer kept on this phone, so screens still show something offline. */
  async function cachedGet(path) {
    var result = await api("GET", path);
    if (result.ok) {
      try { localStorage.setItem(CACHE_PREFIX + path, JSON.stringify(result.data)); } catch (e) { /* full: fine */ }
      return result;
    }
    if (result.status === 0) {
      var kept = localStorage.getItem(CACHE_PREFIX + path);
      if (kept) return { status: 200, ok: true, data: JSON.parse(kept), stale: true };
    }
    return result;
  }

  function clearCachedData() {
    Object.keys(localStorage).forEach(function (key) { if (key.indexOf("rebound:") === 0) localStorage.removeItem(key); });
  }

  function results(data) { return Array.isArray(data) ? data : (data && data.results) || []; }

  function errorText(data, fallback) {
    if (!data || typeof data !== "object") return fallback;
    return Object.keys(data).map(function (field) {
      var messages = Array.isArray(data[field]) ? data[field].join(" ") : String(data[field]);
      return field === "detail" || field === "non_field_errors" ? messages : field.replace(/_/g, " ") + ": " + messages;
    }).join(" ");
  }

  function showError(node, text) {
    node.textContent = text;
    node.hidden = !text;
  }

  function banner(text, link) {
    var node = $("#banner");
    node.textContent = text + " ";
    if (link) node.appendChild(el("a", { href: link.href, text: link.text }));
    node.hidden = false;
  }

  var askedToSignIn = false;
  function signInAgain() {
    if (askedToSignIn || page === "signin" || page === "signup") return;
    askedToSignIn = true;
    banner("You are signed out. Your logs stay on this phone until you sign in again.",
      { href: "/signin/?next=" + encodeURIComponent(location.pathname + location.search), text: "Sign in" });
  }

  var formatters = {};
  function localDate(timeZone, date) {
    var zone = timeZone || "UTC";
    formatters[zone] = formatters[zone] || new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" });
    var parts = formatters[zone].formatToParts(date || new Date());
    var get = function (type) { return parts.find(function (p) { return p.type === type; }).value; };
    return get("year") + "-" + get("month") + "-" + get("day");
  }

  // Spelled out here rather than by Intl: a second locale's data costs a phone a long task.
  var DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  function prettyDate(iso) {
    var d = new Date(iso + "T12:00:00Z");
    return DAYS[d.getUTCDay()] + " " + d.getUTCDate() + " " + MONTHS[d.getUTCMonth()];
  }

  function workoutName(w) { return (w.title || "Workout") + ", " + prettyDate(w.performed_on); }

  var LEVEL_WORDS = { ok: "All clear", caution: "Take care", see_doctor: "See a doctor or physiotherapist", emergency: "Emergency" };

  async function me() {
    var result = await cachedGet("/api/v1/me/");
    return result.ok ? result.data : null;
  }

  // ---- sync status: what is still only on this phone ----

  async function showSyncState(results) {
    var entries = await outbox.all();
    var waiting = entries.filter(function (e) { return e.state !== "invalid"; }).length;
    var invalid = entries.filter(function (e) { return e.state === "invalid"; });
    var node = $("#sync");
    if (waiting) node.textContent = waiting === 1 ? "1 log saved on this phone, will sync" : waiting + " logs saved on this phone, will sync";
    else if ((results || []).some(function (r) { return r.outcome === "synced"; }) || /will sync/.test(node.textContent)) {
      // Sent by this page or by the service worker (Background Sync), whichever got there first.
      node.textContent = "All logs synced";
    }
    if (entries.some(function (e) { return e.state === "auth"; })) signInAgain();
    if (invalid.length) {
      var first = invalid[0];
      banner("A log for " + prettyDate(first.body_day) + " was refused: " + errorText(first.errors, "check it and save again.") +
        " It was not sent again.", { href: "/?workout=" + first.workout, text: "Fix it" });
    }
  }

  /* What a flush did, by this page or by the service worker's Background Sync. */
  async function announce(done) {
    await showSyncState(done);
    document.dispatchEvent(new CustomEvent("rebound:synced", { detail: done }));
  }

  async function sync() {
    if (!outbox) return [];
    var done = await outbox.flush(csrfToken());
    await announce(done);
    return done;
  }

  function syncSoon() { sync().catch(function () { /* IndexedDB unavailable: nothing queued */ }); }

  function askBackgroundSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) return registration.sync.register("outbox");
    }).catch(function () { /* no Background Sync: load, online and visibilitychange cover it */ });
  }

  // ---- service worker and push ----

  function b64ToBytes(base64) {
    var padded = (base64 + "===".slice((base64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    return Uint8Array.from(raw, function (c) { return c.charCodeAt(0); });
  }

  async function pushSubscription() {
    if (!("serviceWorker" in navigator) || !("PushManager" in self)) return null;
    var registration = await navigator.serviceWorker.ready;
    return registration.pushManager.getSubscription();
  }

  /* Endpoints rotate: the subscription this browser holds is sent again on every start. */
  async function resendSubscription() {
    if (!("Notification" in self) || Notification.permission !== "granted") return;
    var subscription = await pushSubscription();
    if (subscription) await api("POST", "/api/v1/push/subscriptions/", subscription.toJSON());
  }

  /* Only ever called from a tap: browsers (rightly) ignore permission prompts out of the blue. */
  async function turnPushOn() {
    if (!("Notification" in self) || !("PushManager" in self)) return "This browser cannot show notifications. Alerts still appear under Alerts.";
    var key = await api("GET", "/api/v1/push/key/");
    if (!key.ok) return "Notifications are not available on this server right now. Alerts still appear under Alerts.";
    var permission = await Notification.requestPermission();
    if (permission !== "granted") return "Notifications are blocked for Rebound in this browser's settings.";
    var registration = await navigator.serviceWorker.ready;
    var subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: b64ToBytes(key.data.public_key) });
    var saved = await api("POST", "/api/v1/push/subscriptions/", subscription.toJSON());
    return saved.ok ? "" : "Could not turn notifications on: " + errorText(saved.data, "try again.");
  }

  async function turnPushOff() {
    var subscription = await pushSubscription();
    if (!subscription) return "";
    await api("DELETE", "/api/v1/push/subscriptions/", { endpoint: subscription.endpoint });
    await subscription.unsubscribe();
    return "";
  }

  function startServiceWorker(signedIn) {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register("/sw.js").then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      if (signedIn && registration.active) registration.active.postMessage({ type: "warm" });
    }).catch(function () { /* the app still works online */ });
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "synced") announce(event.data.results);
    });
  }

  // ---- sign in / sign up ----

  function formValues(form) {
    var data = {};
    new FormData(form).forEach(function (value, name) { data[name] = value; });
    return data;
  }

  function nextUrl() {
    var next = new URLSearchParams(location.search).get("next") || "/";
    return next.charAt(0) === "/" && next.charAt(1) !== "/" ? next : "/";
  }

  function initSignin() {
    var form = $("#signin-form");
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var result = await api("POST", "/api/v1/auth/session/", formValues(form));
      if (result.ok) { location.assign(nextUrl()); return; }
      showError($("#signin-error"), result.status === 0 ? "You are offline: sign in once you have a connection." :
        result.status === 429 ? "Too many tries. Wait a minute and try again." : errorText(result.data, "Could not sign in."));
    });
  }

  function initSignup() {
    var form = $("#signup-form");
    $("#timezone").value = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var body = formValues(form);
      if (!body.email) delete body.email;
      ["username", "email", "password"].forEach(function (f) { showError($("#" + f + "-error"), ""); });
      var result = await api("POST", "/api/v1/auth/session/register/", body);
      if (result.ok) { clearCachedData(); location.assign("/workouts/new/"); return; }
      var general = [];
      Object.keys(result.data || {}).forEach(function (field) {
        var node = $("#" + field + "-error");
        if (node) showError(node, [].concat(result.data[field]).join(" "));
        else general.push([].concat(result.data[field]).join(" "));
      });
      showError($("#signup-error"), result.status === 0 ? "You are offline: create your account once you have a connection." : general.join(" "));
    });
  }

  // ---- today's log ----

  var SIGNS = ["radiates_to_legs", "numbness_tingling", "difficulty_standing", "difficulty_bending", "difficulty_walking",
    "worse_at_rest", "bladder_bowel_change", "saddle_numbness", "leg_weakness", "both_legs"];

  function fillLog(form, log) {
    form.reset();
    if (!log) return;
    var pain = $("#pain-" + log.pain, form);
    if (pain) pain.checked = true;
    SIGNS.forEach(function (name) { form.elements[name].checked = Boolean(log[name]); });
    (log.locations || []).forEach(function (loc) { var box = $("#loc-" + loc, form); if (box) box.checked = true; });
    if (log.quality) { var q = $("#q-" + log.quality, form); if (q) q.checked = true; }
    form.elements.notes.value = log.notes || "";
  }

  function readLog(form) {
    var checked = $("input[name=pain]:checked", form);
    var body = { pain: checked ? Number(checked.value) : null };
    SIGNS.forEach(function (name) { body[name] = form.elements[name].checked; });
    body.locations = Array.from(form.querySelectorAll("input[name=locations]:checked")).map(function (box) { return box.value; });
    var quality = $("input[name=quality]:checked", form);
    if (quality) body.quality = quality.value;
    var notes = form.elements.notes.value.trim();
    if (notes) body.notes = notes;
    return body;
  }

  function afterTriage(workout, triage, status) {
    if (!triage) return;
    if (triage.level === "emergency" || triage.level === "see_doctor") {
      sessionStorage.setItem("rebound:triage", JSON.stringify({ workout: workout, triage: triage }));
      location.assign("/alerts/?workout=" + workout);
    } else if (triage.level === "caution") {
      status.textContent += " " + triage.message;
    }
  }

  async function initToday() {
    var params = new URLSearchParams(location.search);
    if (params.get("alert")) { location.replace("/alerts/?alert=" + encodeURIComponent(params.get("alert"))); return; }
    var form = $("#log-form");
    var status = $("#log-status");
    var select = $("#workout");
    var profile = await me();
    var today = localDate(profile && profile.timezone);
    var list = await cachedGet("/api/v1/workouts/?page_size=20");
    var workouts = results(list.data).filter(function (w) { return w.performed_on <= today; });
    if (!workouts.length) { $("#no-workout").hidden = false; return; }
    workouts.forEach(function (w) { select.appendChild(el("option", { value: w.id, text: workoutName(w) })); });
    if (params.get("workout") && workouts.some(function (w) { return w.id === params.get("workout"); })) select.value = params.get("workout");

    async function load() {
      var key = select.value + "/" + today;
      var queued = (await outbox.all()).find(function (e) { return e.key === key; });
      if (queued) {
        fillLog(form, queued.body);
        status.textContent = queued.state === "invalid" ? "Not saved: " + errorText(queued.errors, "check and save again.") : "Saved on this phone, will sync";
        return;
      }
      var logs = await cachedGet("/api/v1/workouts/" + select.value + "/logs/");
      fillLog(form, results(logs.data).find(function (log) { return log.logged_on === today; }));
      status.textContent = "";
    }
    select.addEventListener("change", load);

    document.addEventListener("rebound:synced", function (event) {
      event.detail.forEach(function (r) {
        if (r.entry.key !== select.value + "/" + today) return;
        if (r.outcome === "synced") { status.textContent = "Synced"; afterTriage(r.entry.workout, r.data && r.data.triage, status); }
        if (r.outcome === "invalid") status.textContent = "Not saved: " + errorText(r.entry.errors, "check and save again.");
        if (r.outcome === "auth") status.textContent = "Saved on this phone. Sign in again to send it.";
      });
    });

    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var body = readLog(form);
      if (body.pain === null) { showError($("#log-error"), "Choose how bad the pain is, from 0 to 10."); $("#pain-0").focus(); return; }
      showError($("#log-error"), "");
      var workout = select.value;
      await outbox.put({
        key: workout + "/" + today, workout: workout, body_day: today, state: "pending", savedAt: Date.now(),
        url: "/api/v1/workouts/" + workout + "/logs/" + today + "/", body: body, csrf: csrfToken(),
      });
      status.textContent = "Saved on this phone, will sync";
      askBackgroundSync();
      await sync();
    });
    await load();
    form.hidden = false;  // only now: a tap before the handlers are in place would submit the bare form
  }

  // ---- log a workout ----

  function addExercise() {
    var row = $("#exercise-row").content.firstElementChild.cloneNode(true);
    $(".remove", row).addEventListener("click", function () { row.remove(); });
    $("#exercises").appendChild(row);
    $("input[name=name]", row).focus();
  }

  async function initWorkout() {
    var form = $("#workout-form");
    $("#add-exercise").addEventListener("click", addExercise);
    var first = $("#exercises .exercise");  // in the page's markup, so nothing shifts as the script starts
    $(".remove", first).addEventListener("click", function () { first.remove(); });
    var profile = await me();
    var today = localDate(profile && profile.timezone);
    form.elements.performed_on.value = today;
    form.elements.performed_on.max = today;
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var body = { performed_on: form.elements.performed_on.value, warmed_up: form.elements.warmed_up.checked, cooled_down: form.elements.cooled_down.checked };
      if (form.elements.title.value.trim()) body.title = form.elements.title.value.trim();
      if (form.elements.intensity.value) body.intensity = Number(form.elements.intensity.value);
      if (form.elements.notes.value.trim()) body.notes = form.elements.notes.value.trim();
      body.exercises = Array.from(form.querySelectorAll(".exercise")).map(function (row) {
        var exercise = { name: $("input[name=name]", row).value.trim() };
        ["load_kg", "sets", "reps"].forEach(function (f) { var v = $("input[name=" + f + "]", row).value; if (v !== "") exercise[f] = Number(v); });
        return exercise;
      }).filter(function (e) { return e.name; });
      var result = await api("POST", "/api/v1/workouts/", body);
      if (result.ok) { location.assign("/?workout=" + result.data.id); return; }
      showError($("#workout-error"), result.status === 0 ? "You are offline. A new workout needs a connection; your daily logs do not." :
        errorText(result.data, "Could not save the workout."));
    });
  }

  // ---- today's plan ----

  function stepList(steps) {
    return el("ol", { className: "steps" }, steps.map(function (s) {
      return el("li", {}, [el("strong", { text: s.title }), el("p", { text: s.detail }), s.timing ? el("p", { className: "muted", text: s.timing }) : null]);
    }));
  }

  async function initPlan() {
    var today = await cachedGet("/api/v1/recovery/today/");
    var workouts = await cachedGet("/api/v1/workouts/?page_size=20");
    var names = {};
    results(workouts.data).forEach(function (w) { names[w.id] = workoutName(w); });
    var entries = results(today.data);
    var box = $("#plans");
    if (!entries.length) { $("#plan-empty").hidden = !today.ok; if (!today.ok) box.textContent = "Could not load the plan."; return; }
    entries.forEach(function (entry) {
      var card = el("section", { className: "card level-" + entry.level }, [
        el("h2", { text: "Day " + entry.day + " after " + (names[entry.workout] || prettyDate(entry.performed_on)) }),
        entry.level !== "ok" ? el("p", { className: "badge", text: LEVEL_WORDS[entry.level] }) : null,
        entry.level !== "ok" ? el("p", { className: "message", text: entry.message }) : null,
        stepList(entry.plan.steps),
      ]);
      if (entry.prevention && entry.prevention.length) {
        card.appendChild(el("h3", { text: "Next time" }));
        card.appendChild(el("ul", {}, entry.prevention.map(function (tip) {
          return el("li", {}, [el("strong", { text: tip.title }), el("p", { text: tip.detail }), el("p", { className: "muted", text: "Why: " + tip.because })]);
        })));
      }
      box.appendChild(card);
    });
    if (today.stale) $("#sync").textContent = "Offline: showing the plan from your last visit";
  }

  // ---- alerts ----

  var REASONS = {
    persistent_pain: "Pain lasting more than three days", radiating_pain: "Pain spreading to the legs or buttocks",
    numbness_tingling: "Numbness or tingling", limited_movement: "Hard to stand, bend or walk", worse_at_rest: "Pain worse at rest",
    sharp_pain: "Sharp or shooting pain", worsening_pain: "Pain getting worse", recurring_pain: "Strong pain after several workouts",
    severe_pain: "Severe pain", cauda_equina: "Possible nerve compression",
  };

  async function initAlerts() {
    var today = await cachedGet("/api/v1/recovery/today/");
    var entries = results(today.data).slice();
    var saved = JSON.parse(sessionStorage.getItem("rebound:triage") || "null");
    if (saved && !entries.some(function (e) { return e.workout === saved.workout; })) entries.unshift(Object.assign({ workout: saved.workout }, saved.triage));
    var emergency = entries.find(function (e) { return e.level === "emergency"; });
    if (emergency) {
      $("#emergency-message").textContent = emergency.message;
      $("#emergency").hidden = false;
      document.body.classList.add("has-emergency");
      $("#emergency-title").setAttribute("tabindex", "-1");
      $("#emergency-title").focus();
    }
    var current = $("#current");
    entries.filter(function (e) { return e.level === "see_doctor" || e.level === "caution"; }).forEach(function (e) {
      current.appendChild(el("section", { className: "card level-" + e.level }, [
        el("h2", { text: LEVEL_WORDS[e.level] }),
        el("p", { className: "message", text: e.message }),
        el("p", {}, [el("a", { href: "/plan/", text: "Today's plan" })]),
      ]));
    });
    var alerts = await cachedGet("/api/v1/alerts/");
    var list = $("#alert-list");
    var items = results(alerts.data);
    $("#alerts-empty").hidden = items.length > 0;
    var highlighted = new URLSearchParams(location.search).get("alert");
    items.forEach(function (a) {
      var item = el("li", { className: "card level-" + a.level, id: "alert-" + a.id }, [
        el("h3", { text: REASONS[a.reason] || a.reason }),
        el("p", { className: "badge", text: LEVEL_WORDS[a.level] }),
        el("p", { text: a.message }),
        el("p", { className: "muted", text: new Date(a.created_at).toLocaleString() }),
      ]);
      if (!a.acknowledged_at) {
        var button = el("button", { type: "button", text: "Got it" });
        button.addEventListener("click", async function () {
          var result = await api("POST", "/api/v1/alerts/" + a.id + "/acknowledge/");
          if (result.ok) button.replaceWith(el("p", { className: "muted", text: "Acknowledged" }));
        });
        item.appendChild(button);
      }
      list.appendChild(item);
    });
    if (highlighted && $("#alert-" + highlighted)) $("#alert-" + highlighted).classList.add("highlight");
  }

  // ---- history ----

  var SVG = "http://www.w3.org/2000/svg";
  function svg(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    return node;
  }

  function painChart(logs) {
    var days = Math.max(7, logs.reduce(function (m, l) { return Math.max(m, l.day); }, 0));
    var w = 300, h = 120, left = 24, bottom = 20, top = 8;
    var x = function (d) { return left + (d / days) * (w - left - 8); };
    var y = function (p) { return top + (1 - p / 10) * (h - top - bottom); };
    var summary = logs.map(function (l) { return "day " + l.day + ": " + l.pain; }).join(", ");
    var chart = svg("svg", { viewBox: "0 0 " + w + " " + h, role: "img", "aria-label": "Pain by day after the workout: " + summary, "class": "chart" });
    [0, 5, 10].forEach(function (p) {
      chart.appendChild(svg("line", { x1: left, x2: w - 8, y1: y(p), y2: y(p), "class": "grid" }));
      var label = svg("text", { x: 2, y: y(p) + 4, "class": "axis" });
      label.textContent = String(p);
      chart.appendChild(label);
    });
    var points = logs.map(function (l) { return x(l.day) + "," + y(l.pain); }).join(" ");
    chart.appendChild(svg("polyline", { points: points, "class": "line" }));
    logs.forEach(function (l) { chart.appendChild(svg("circle", { cx: x(l.day), cy: y(l.pain), r: 4, "class": "dot" })); });
    var axis = svg("text", { x: left, y: h - 4, "class": "axis" });
    axis.textContent = "day 0 … day " + days;
    chart.appendChild(axis);
    return chart;
  }

  async function initHistory() {
    var list = await cachedGet("/api/v1/workouts/?page_size=20");
    var workouts = results(list.data);
    $("#history-empty").hidden = workouts.length > 0;
    var box = $("#workouts");
    for (var i = 0; i < workouts.length; i++) {
      var w = workouts[i];
      var exercises = (w.exercises || []).map(function (e) {
        return e.name + (e.load_kg != null ? " " + e.load_kg + " kg" : "") + (e.sets ? " " + e.sets + "×" + (e.reps || "?") : "");
      }).join(", ");
      var item = el("li", { className: "card" }, [
        el("h2", { text: workoutName(w) }),
        exercises ? el("p", { text: exercises }) : null,
        el("p", { className: "muted", text: (w.warmed_up ? "Warmed up" : "No warm-up") + " · " + (w.cooled_down ? "cooled down" : "no cool-down") }),
      ]);
      box.appendChild(item);
      var logs = results((await cachedGet("/api/v1/workouts/" + w.id + "/logs/")).data);
      item.appendChild(logs.length ? painChart(logs) : el("p", { className: "muted", text: "No pain logged after this workout." }));
    }
  }

  // ---- settings ----

  function listOrMessage(list, result, render, empty) {
    list.textContent = "";
    if (result.status === 404) { list.appendChild(el("li", { text: "Not available on this server yet." })); return; }
    if (!result.ok) { list.appendChild(el("li", { text: result.status === 0 ? "Offline: try again with a connection." : "Could not load this." })); return; }
    var items = results(result.data);
    if (!items.length) list.appendChild(el("li", { text: empty }));
    items.forEach(function (item) { list.appendChild(render(item)); });
  }

  async function loadCareTeam() {
    var result = await api("GET", "/api/v1/care-team/");
    if (result.ok) result.data = results(result.data).filter(function (link) { return link.active !== false; });
    listOrMessage($("#care-team"), result, function (link) {
      var name = link.physio_name || link.physio;
      var button = el("button", { type: "button", text: "Remove" });
      button.setAttribute("aria-label", "Remove " + name + " from your care team");
      button.addEventListener("click", async function () {
        var gone = await api("DELETE", "/api/v1/care-team/" + link.id + "/");
        if (gone.ok || gone.status === 404) loadCareTeam();
      });
      return el("li", { className: "row" }, [el("span", { text: String(name) }), button]);
    }, "No one is linked.");
    return result;
  }

  async function download(path, filename) {
    var status = $("#export-status");
    status.textContent = "Preparing…";
    var response;
    try { response = await fetch(path, { credentials: "same-origin" }); } catch (e) { status.textContent = "Offline: export needs a connection."; return; }
    if (response.status === 404) { status.textContent = "Export is not available on this server yet."; return; }
    if (!response.ok) { status.textContent = "Could not export (" + response.status + ")."; return; }
    var link = el("a", { href: URL.createObjectURL(await response.blob()), download: filename });
    document.body.appendChild(link);
    link.click();
    link.remove();
    status.textContent = "Downloaded " + filename;
  }

  async function initSettings() {
    var form = $("#profile-form");
    var zones = Intl.supportedValuesOf ? Intl.supportedValuesOf("timeZone") : ["UTC"];
    if (zones.indexOf("UTC") < 0) zones.unshift("UTC");
    var tz = $("#tz");
    zones.forEach(function (z) { tz.appendChild(el("option", { value: z, text: z.replace(/_/g, " ") })); });
    var profile = await me();
    if (profile) {
      tz.value = profile.timezone;
      form.elements.reminder_time.value = (profile.reminder_time || "").slice(0, 5);
      form.elements.quiet_hours_start.value = (profile.quiet_hours_start || "").slice(0, 5);
      form.elements.quiet_hours_end.value = (profile.quiet_hours_end || "").slice(0, 5);
    }
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var body = {
        timezone: tz.value, reminder_time: form.elements.reminder_time.value || "20:00",
        quiet_hours_start: form.elements.quiet_hours_start.value || null, quiet_hours_end: form.elements.quiet_hours_end.value || null,
      };
      var result = await api("PATCH", "/api/v1/me/", body);
      showError($("#profile-error"), result.ok ? "" : result.status === 0 ? "Offline: settings need a connection." : errorText(result.data, "Could not save."));
      $("#profile-status").textContent = result.ok ? "Saved" : "";
      if (result.ok) localStorage.setItem(CACHE_PREFIX + "/api/v1/me/", JSON.stringify(result.data));
    });

    var toggle = $("#push-toggle");
    var state = $("#push-state");
    async function showPush() {
      var on = Boolean(await pushSubscription().catch(function () { return null; })) && Notification.permission === "granted";
      state.textContent = on ? "On: alerts and reminders reach this phone." : "Off: alerts still appear under Alerts.";
      toggle.textContent = on ? "Turn off notifications" : "Turn on notifications";
      toggle.dataset.on = on ? "1" : "";
    }
    toggle.addEventListener("click", async function () {
      toggle.disabled = true;
      var problem = toggle.dataset.on ? await turnPushOff() : await turnPushOn();
      toggle.disabled = false;
      await showPush();
      if (problem) state.textContent = problem;
    });
    if ("Notification" in self) await showPush(); else state.textContent = "This browser cannot show notifications.";

    var careForm = $("#care-form");
    var care = await loadCareTeam();
    careForm.hidden = care.status === 404;
    careForm.addEventListener("submit", async function (event) {
      event.preventDefault();
      var result = await api("POST", "/api/v1/care-team/", { code: careForm.elements.code.value.trim() });
      showError($("#care-error"), result.ok ? "" : result.status === 404 ? "Linking is not available on this server yet." : errorText(result.data, "Could not link."));
      if (result.ok) { careForm.reset(); loadCareTeam(); }
    });

    listOrMessage($("#access-log"), await api("GET", "/api/v1/me/access-log/"), function (entry) {
      var what = entry.description || entry.what || "your record";
      return el("li", { text: entry.physio + ": " + what + (entry.at ? ", " + new Date(entry.at).toLocaleString() : "") });
    }, "No one has looked at your data.");

    $("#export-json").addEventListener("click", function () { download("/api/v1/me/export/", "rebound-export.json"); });
    $("#export-fhir").addEventListener("click", function () { download("/api/v1/me/export/?format=fhir", "rebound-fhir.json"); });
    $("#signout").addEventListener("click", async function () {
      await api("POST", "/api/v1/auth/session/logout/");
      clearCachedData();
      location.assign("/signin/");
    });
    $("#delete-form").addEventListener("submit", async function (event) {
      event.preventDefault();
      if (!$("#delete-confirm").checked) { showError($("#delete-error"), "Tick the box first: this cannot be undone."); return; }
      await turnPushOff().catch(function () {});
      var result = await api("DELETE", "/api/v1/me/");
      if (!result.ok) { showError($("#delete-error"), result.status === 0 ? "Offline: try again with a connection." : "Could not delete the account."); return; }
      clearCachedData();
      (await outbox.all()).forEach(function (e) { outbox.remove(e.key); });
      location.assign("/signup/");
    });
  }

  // ---- start ----

  var screens = { signin: initSignin, signup: initSignup, today: initToday, workout: initWorkout, plan: initPlan,
    alerts: initAlerts, history: initHistory, settings: initSettings };
  var signedIn = page !== "signin" && page !== "signup";
  var tab = $("[data-tab=" + page + "]");
  if (tab) tab.setAttribute("aria-current", "page");
  startServiceWorker(signedIn);
  if (signedIn) {
    syncSoon();
    resendSubscription().catch(function () { /* push is optional */ });
    window.addEventListener("online", syncSoon);
    document.addEventListener("visibilitychange", function () { if (document.visibilityState === "visible") syncSoon(); });
  }
  if (screens[page]) screens[page]();
})();
