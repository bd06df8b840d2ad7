/* The fieldwork dashboard refreshes without a reload: every minute its
   figures are asked as JSON ({"figures": {key: text}}) and written into the
   elements marked data-live="key". When the figures name a row the page does
   not have (a new wave, stratum or option) or lack one it has, only a
   reload can show it: the status line says so. Without JavaScript the
   "Refresh" link reloads the page. */
(function () {
  "use strict";
  var INTERVAL = 60000;
  function refresh(box) {
    var status = box.querySelector("[data-live-status]");
    fetch(box.getAttribute("data-live-url"), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        var figures = data.figures || {};
        var seen = {};
        var changed = false;
        document.querySelectorAll("[data-live]").forEach(function (element) {
          var key = element.getAttribute("data-live");
          seen[key] = true;
          if (Object.prototype.hasOwnProperty.call(figures, key)) {
            element.textContent = figures[key];
          } else {
            changed = true;
          }
        });
        Object.keys(figures).forEach(function (key) {
          if (!seen[key]) { changed = true; }
        });
        status.textContent = changed ? box.getAttribute("data-live-changed") : "";
      })
      .catch(function () { status.textContent = box.getAttribute("data-live-failed"); })
      .then(function () { window.setTimeout(function () { refresh(box); }, INTERVAL); });
  }
  function init() {
    document.querySelectorAll("[data-live-url]").forEach(function (box) {
      window.setTimeout(function () { refresh(box); }, INTERVAL);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
