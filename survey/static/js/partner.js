/* The planners' "new links" page: a Copy button next to each link (shown
   only when the browser offers the clipboard; the field stays selectable
   without JavaScript). */
(function () {
  "use strict";
  function init() {
    if (!navigator.clipboard) { return; }
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      var field = document.getElementById(button.getAttribute("data-copy"));
      if (!field) { return; }
      var status = document.getElementById(button.getAttribute("data-copy") + "-status");
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(field.value).then(function () {
          if (status) { status.textContent = button.getAttribute("data-copied") || ""; }
        });
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
