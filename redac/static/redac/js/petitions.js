// The petition's counter on cached article pages (see redac/petitions/__init__.py): the HTML
// carries the count of when the page was rendered; this asks /api/petitions/<id>/ (fresh within
// 5 s) when the page opens and every 15 s while it is shown, and updates the figure, the
// progress bar and the form's state. Without JavaScript the page's own figure stays.
(function () {
  "use strict";
  var box = document.querySelector("[data-petition-api]");
  if (!box || !window.fetch) { return; }
  var count = box.querySelector("[data-petition-count]");
  var unit = box.querySelector("[data-petition-unit]");
  var progress = box.querySelector("[data-petition-progress]");
  var closed = box.querySelector("[data-petition-closed]");
  var sign = box.querySelector("[data-petition-sign]");
  var format = window.Intl ? new Intl.NumberFormat(document.documentElement.lang || "fr") : null;

  function show(data) {
    if (typeof data.signatures !== "number") { return; }
    count.textContent = format ? format.format(data.signatures) : String(data.signatures);
    if (unit) { unit.textContent = data.signatures > 1 ? "signatures" : "signature"; }
    if (progress && data.goal) {
      progress.max = data.goal;
      progress.value = Math.min(data.signatures, data.goal);
    }
    if (closed) { closed.hidden = data.open; }
    if (sign) { sign.hidden = !data.open; }
  }

  function refresh() {
    if (document.hidden) { return; }
    fetch(box.dataset.petitionApi, { credentials: "omit" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { show(data); } })
      .catch(function () {});
  }

  refresh();
  window.setInterval(refresh, 15000);
}());
