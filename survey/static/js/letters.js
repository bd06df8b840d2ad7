/* The progress of work done in the background: letters being printed (the
   sample page) and the report PDF (its page). Every two seconds the
   progress is asked as JSON and shown in its <progress> and its status
   text (a live region; the JSON's "message" when it has one); when it is
   done the page reloads to show the file. Without JavaScript the "Refresh"
   link (and the PDF page's own refresh) does the same. */
(function () {
  "use strict";
  function poll(box) {
    var bar = box.querySelector("progress");
    var text = box.querySelector("[data-progress-text]");
    fetch(box.getAttribute("data-progress-url"), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (run) {
        bar.max = run.total;
        bar.value = run.done;
        text.textContent = run.message || (run.done + " / " + run.total + " (" + run.percent + "%)");
        if (run.state === "queued" || run.state === "running") {
          window.setTimeout(function () { poll(box); }, 2000);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { window.setTimeout(function () { poll(box); }, 5000); });
  }
  function init() {
    document.querySelectorAll("[data-progress-url]").forEach(function (box) {
      window.setTimeout(function () { poll(box); }, 1000);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
