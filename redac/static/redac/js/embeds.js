// Embedded players and maps (redac.core.embeds): the page holds a facade, a box with a link to the
// content on the provider's site; this script adds a button that puts the provider's iframe in its
// place when the reader asks for it. Nothing is requested from the provider before that. The iframe
// is sandboxed, and only built for the origins the page's script tag lists (the CSP's frame-src).
(function () {
  "use strict";
  var script = document.currentScript;
  var origins = ((script && script.getAttribute("data-origins")) || "").split(" ").filter(Boolean);
  if (!origins.length || !window.URL) { return; }

  function allowed(src) {
    try {
      var url = new URL(src);
      return url.protocol === "https:" && origins.indexOf(url.origin) !== -1;
    } catch (error) {
      return false;
    }
  }

  function play(box, src) {
    var url = new URL(src);
    if (!box.classList.contains("embed--map")) { url.searchParams.set("autoplay", "1"); }
    var frame = document.createElement("iframe");
    frame.src = url.href;
    frame.title = box.getAttribute("data-embed-title") || box.getAttribute("data-embed-provider") || "";
    frame.setAttribute("sandbox", "allow-scripts allow-same-origin allow-presentation allow-popups allow-popups-to-escape-sandbox");
    frame.setAttribute("allow", "autoplay; fullscreen; picture-in-picture; encrypted-media");
    frame.setAttribute("allowfullscreen", "");
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    while (box.firstChild) { box.removeChild(box.firstChild); }
    box.classList.add("embed--playing");
    box.appendChild(frame);
    frame.focus();
  }

  document.querySelectorAll(".embed[data-embed-src]").forEach(function (box) {
    var src = box.getAttribute("data-embed-src");
    if (!allowed(src)) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "embed__play";
    button.textContent = box.getAttribute("data-embed-play") || box.getAttribute("data-embed-title");
    button.addEventListener("click", function () { play(box, src); });
    box.insertBefore(button, box.firstChild);
    box.classList.add("embed--ready");
  });
})();
