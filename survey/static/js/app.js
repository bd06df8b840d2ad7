/* Shared page behaviour, loaded on every page (no inline scripts: the
   Content-Security-Policy forbids them).
   - The error summary takes focus when the page opens, so screen readers
     read it first; its links move focus to the field and show its question. */
(function () {
  "use strict";
  function focusField(event) {
    var href = event.currentTarget.getAttribute("href") || "";
    if (href.charAt(0) !== "#") { return; }
    var field = document.getElementById(href.slice(1));
    if (!field) { return; }
    event.preventDefault();
    var legend = field.closest("fieldset") ? field.closest("fieldset").querySelector("legend") : null;
    var label = document.querySelector('label[for="' + field.id + '"]');
    (legend || label || field).scrollIntoView();
    field.focus({ preventScroll: true });
  }
  function init() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
      summary.querySelectorAll("a").forEach(function (link) {
        link.addEventListener("click", focusField);
      });
    }
    // A second click on a submit button while the first is on its way does
    // nothing (the server is idempotent anyway).
    document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.dataset.sent) { event.preventDefault(); return; }
        form.dataset.sent = "1";
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
