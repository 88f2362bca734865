// Live preview of « Texte SPIP » blocks in the page editor: the text is rendered by the server
// through the site's own SPIP filter (the same result readers get), at most twice a second.
(function () {
  "use strict";
  var script = document.getElementById("newsroom-spip-preview");
  if (!script) { return; }
  var url = script.getAttribute("data-preview-url");

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function isSpipTextarea(el) {
    if (!el || el.tagName !== "TEXTAREA") { return false; }
    var block = el.closest("[data-contentpath]");
    return !!(block && block.getAttribute("data-contentpath") === "value" &&
      block.closest("[data-contentpath]") && /(^|-)spip/.test(el.id || "")) ||
      /-spip$|__spip$/.test(el.name || "") || el.closest(".w-field--spip") !== null ||
      (el.getAttribute("placeholder") || "").indexOf("SPIP") !== -1 ||
      hasSpipHelp(el);
  }

  function hasSpipHelp(el) {
    var field = el.closest(".w-field");
    var help = field ? field.parentElement.querySelector(".help, .w-field__help") : null;
    return !!(help && help.textContent.indexOf("Raccourcis SPIP") !== -1);
  }

  function previewFor(el) {
    var box = el.parentElement.querySelector(".newsroom-spip-preview");
    if (!box) {
      box = document.createElement("div");
      box.className = "newsroom-spip-preview";
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

  var timers = new WeakMap();
  function refresh(el) {
    var data = new FormData();
    data.append("text", el.value);
    fetch(url, { method: "POST", body: data, credentials: "same-origin",
                 headers: { "X-CSRFToken": csrfToken() } })
      .then(function (r) { return r.ok ? r.json() : { html: "" }; })
      .then(function (json) { previewFor(el).innerHTML = json.html; });
  }

  document.addEventListener("input", function (event) {
    var el = event.target;
    if (!isSpipTextarea(el)) { return; }
    clearTimeout(timers.get(el));
    timers.set(el, setTimeout(function () { refresh(el); }, 500));
  });
  document.addEventListener("focusin", function (event) {
    if (isSpipTextarea(event.target) && !event.target.dataset.spipPreviewed) {
      event.target.dataset.spipPreviewed = "1";
      refresh(event.target);
    }
  });
}());
