// Refreshes the clinic's patient list in place, every data-refresh-seconds, while the tab is
// visible. The HX-Request header makes the server (django-htmx) answer with the rows alone.
(function () {
  "use strict";
  var box = document.getElementById("patients");
  if (!box) return;
  var url = box.getAttribute("data-refresh-url");
  var every = 1000 * Number(box.getAttribute("data-refresh-seconds") || 60);
  function refresh() {
    if (document.hidden) return;
    fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin", cache: "no-store" })
      .then(function (r) { if (r.ok && !r.redirected) return r.text(); throw new Error(r.status); })
      .then(function (html) { box.innerHTML = html; box.setAttribute("data-refreshed", new Date().toISOString()); })
      .catch(function () { /* keep the list shown; try again next time */ });
  }
  setInterval(refresh, every);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) refresh(); });
})();
