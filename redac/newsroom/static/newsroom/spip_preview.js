// Live preview of « Texte SPIP » blocks in the page editor: the text is rendered by the server
// through the site's own SPIP filter (the same result readers get), half a second after typing.
(function () {
  "use strict";
  var script = document.getElementById("newsroom-spip-preview");
  if (!script) { return; }
  var url = script.getAttribute("data-preview-url");
  var SELECTOR = "textarea[data-spip-preview]";

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function previewFor(el) {
    var box = el.parentElement.querySelector(".newsroom-spip-preview");
    if (!box) {
      box = document.createElement("div");
      box.className = "newsroom-spip-preview";
      box.setAttribute("aria-live", "polite");
      var label = document.createElement("div");
      label.className = "newsroom-spip-preview__label";
      label.textContent = "Aperçu";
      var body = document.createElement("div");
      body.className = "newsroom-spip-preview__body";
      box.appendChild(label);
      box.appendChild(body);
      el.parentElement.appendChild(box);
    }
    return box.querySelector(".newsroom-spip-preview__body");
  }

  function refresh(el, attempt) {
    var data = new FormData();
    data.append("text", el.value);
    fetch(url, { method: "POST", body: data, credentials: "same-origin",
                 headers: { "X-CSRFToken": csrfToken() } })
      .then(function (r) {
        if (r.status === 429 && (attempt || 0) < 5) {
          // the server renders one preview at a time per worker: try again shortly
          setTimeout(function () { refresh(el, (attempt || 0) + 1); }, 1000);
          return null;
        }
        return r.ok ? r.json() : { html: "" };
      })
      .then(function (json) { if (json) { previewFor(el).innerHTML = json.html; } });
  }

  var timers = new WeakMap();
  document.addEventListener("input", function (event) {
    var el = event.target;
    if (!el.matches || !el.matches(SELECTOR)) { return; }
    clearTimeout(timers.get(el));
    timers.set(el, setTimeout(function () { refresh(el); }, 500));
  });
  document.addEventListener("focusin", function (event) {
    var el = event.target;
    if (el.matches && el.matches(SELECTOR) && !el.dataset.spipPreviewed && el.value) {
      el.dataset.spipPreviewed = "1";
      refresh(el);
    }
  });
}());

// The page's visits, next to its title in the editor's header (« 1 234 visites »).
(function () {
  "use strict";
  var script = document.getElementById("newsroom-spip-preview");
  var match = window.location.pathname.match(/\/pages\/(\d+)\/edit\//);
  if (!script || !match) { return; }
  var url = script.getAttribute("data-visits-url").replace(/\/0\/$/, "/" + match[1] + "/");
  fetch(url, { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (json) {
      if (!json || !json.label) { return; }
      var title = document.querySelector("header h1, .w-header__title, [data-side-panel-toggle]");
      var badge = document.createElement("span");
      badge.className = "newsroom-visits-badge";
      badge.textContent = json.label;
      if (title && title.parentElement) { title.parentElement.appendChild(badge); }
    });
}());
