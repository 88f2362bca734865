// SPIP numbers in the admin (redac.news.numbers): the image and document choosers show each
// one's number with a one-click « insérer <img4> » / « insérer <doc4> », which puts the shortcut
// into the SPIP text being edited (where the caret was) and closes the chooser; image and
// document edit pages show « Document n° 4 ». No inline script (the admin's CSP forbids it).
(function () {
  "use strict";
  var script = document.getElementById("news-spip-numbers");
  if (!script) return;
  var url = script.getAttribute("data-numbers-url");
  var lastText = null;
  var caret = 0;

  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("textarea[data-spip-preview]")) {
      lastText = event.target;
    }
  });
  document.addEventListener("selectionchange", function () {
    if (lastText && document.activeElement === lastText) caret = lastText.selectionStart;
  });

  function insert(shortcut) {
    if (lastText && document.body.contains(lastText)) {
      var value = lastText.value;
      var at = Math.min(caret, value.length);
      lastText.value = value.slice(0, at) + shortcut + value.slice(at);
      caret = at + shortcut.length;
      lastText.dispatchEvent(new Event("input", { bubbles: true }));
      lastText.dispatchEvent(new Event("change", { bubbles: true }));
      return true;
    }
    if (navigator.clipboard) navigator.clipboard.writeText(shortcut);
    return false;
  }

  function idOf(link, kind) {
    // Wagtail's chooser links: /admin/images/chooser/chosen/4/ (or …/select_format/4/)
    var pattern = new RegExp("/" + kind + "/chooser/(?:chosen|select_format)/(\\d+)/");
    var match = (link.getAttribute("href") || "").match(pattern);
    return match ? match[1] : null;
  }

  function decorate(root) {
    var found = { images: {}, documents: {} };
    root.querySelectorAll("a[data-chooser-modal-choice]:not([data-spip-numbered])").forEach(function (link) {
      var image = idOf(link, "images");
      var doc = idOf(link, "documents");
      if (image) found.images[image] = link;
      else if (doc) found.documents[doc] = link;
    });
    var images = Object.keys(found.images), documents = Object.keys(found.documents);
    if (!images.length && !documents.length) return;
    fetch(url + "?images=" + images.join(",") + "&documents=" + documents.join(","), {
      credentials: "same-origin", headers: { Accept: "application/json" },
    }).then(function (response) { return response.json(); }).then(function (data) {
      [["images", "img"], ["documents", "doc"]].forEach(function (pair) {
        Object.keys(found[pair[0]]).forEach(function (id) {
          var link = found[pair[0]][id];
          var number = data[pair[0]][id];
          link.setAttribute("data-spip-numbered", "");
          if (!number) return;
          var shortcut = "<" + pair[1] + number + ">";
          var button = document.createElement("button");
          button.type = "button";
          button.className = "button button-small button-secondary spip-insert";
          button.setAttribute("data-spip-insert", shortcut);
          button.textContent = "n° " + number + " — insérer " + shortcut;
          link.insertAdjacentElement("afterend", button);
        });
      });
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-spip-insert]");
    if (!button) return;
    event.preventDefault();
    insert(button.getAttribute("data-spip-insert"));
    var modal = button.closest(".modal");
    var close = modal && modal.querySelector("[data-bs-dismiss='modal'], .modal-header .close, button.close");
    if (close) close.click();
  });

  new MutationObserver(function (mutations) {
    mutations.forEach(function (mutation) {
      mutation.addedNodes.forEach(function (node) {
        if (node.nodeType === 1) decorate(node);
      });
    });
  }).observe(document.documentElement, { childList: true, subtree: true });

  // image and document edit pages: « Document n° 4 »
  var edit = location.pathname.match(/\/admin\/(images|documents)\/edit\/(\d+)\//) ||
             location.pathname.match(/\/admin\/(images|documents)\/(\d+)\/$/);
  if (edit) {
    fetch(url + "?" + edit[1] + "=" + edit[2], { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var number = data[edit[1]][edit[2]];
        var heading = document.querySelector("h1");
        if (number && heading) {
          var label = document.createElement("p");
          label.className = "spip-number";
          label.textContent = "Document n° " + number + " — <img" + number + ">, <doc" + number + ">, <emb" + number + ">";
          heading.insertAdjacentElement("afterend", label);
        }
      });
  }
  decorate(document);
})();
