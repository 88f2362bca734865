// Names for the buttons of Wagtail's date and time picker (jQuery datetimepicker), which have
// none: screen readers announced « button » five times (axe-core « button-name », issue 16).
(function () {
  "use strict";
  var NAMES = [
    [".xdsoft_monthpicker .xdsoft_prev", "Mois précédent"],
    [".xdsoft_monthpicker .xdsoft_next", "Mois suivant"],
    [".xdsoft_today_button", "Aujourd’hui"],
    [".xdsoft_timepicker .xdsoft_prev", "Heures plus tôt"],
    [".xdsoft_timepicker .xdsoft_next", "Heures plus tard"],
  ];
  function name(root) {
    NAMES.forEach(function (pair) {
      root.querySelectorAll(pair[0] + ":not([aria-label])").forEach(function (button) {
        button.setAttribute("aria-label", pair[1]);
      });
    });
  }
  function start() {
    name(document);
    new MutationObserver(function () { name(document); })
      .observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
