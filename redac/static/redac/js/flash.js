// The flash ticker (templates/components/flash_ticker.html): one line that scrolls, as news
// tickers do, with a button to pause it (WCAG 2.2.2: anything that moves for more than five
// seconds can be paused). It stays still, scrollable by hand, when the reader's system asks
// for less motion (prefers-reduced-motion), and without JavaScript. No inline script (CSP).
(function () {
  "use strict";
  var ticker = document.querySelector("[data-flash]");
  if (!ticker) { return; }
  var viewport = ticker.querySelector(".flash__viewport");
  var list = ticker.querySelector(".flash__list");
  var button = ticker.querySelector(".flash__toggle");
  var lessMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  var copies = [];

  function setPaused(paused) {
    ticker.classList.toggle("flash--paused", paused);
    // One name (« Pause du flash »), its state pressed or not: what screen readers announce.
    button.setAttribute("aria-pressed", paused ? "true" : "false");
  }

  function start() {
    stop();
    if (lessMotion.matches || list.scrollWidth <= viewport.clientWidth) { return; }
    // A second copy of the items follows the first, so that the line loops without a gap; it is
    // hidden from assistive technologies and out of the tab order (the first copy is the text).
    Array.prototype.forEach.call(list.children, function (item) {
      var copy = item.cloneNode(true);
      copy.setAttribute("aria-hidden", "true");
      copy.querySelectorAll("a").forEach(function (link) { link.setAttribute("tabindex", "-1"); });
      copies.push(copy);
    });
    copies.forEach(function (copy) { list.appendChild(copy); });
    // About 60 px a second, whatever the length of the line.
    ticker.style.setProperty("--flash-duration", Math.max(10, list.scrollWidth / 2 / 60) + "s");
    ticker.classList.add("flash--moving");
    button.hidden = false;
  }

  function stop() {
    copies.forEach(function (copy) { copy.remove(); });
    copies = [];
    ticker.classList.remove("flash--moving");
    button.hidden = true;
  }

  button.addEventListener("click", function () {
    setPaused(!ticker.classList.contains("flash--paused"));
  });
  if (lessMotion.addEventListener) { lessMotion.addEventListener("change", start); }
  setPaused(false);
  start();
}());
