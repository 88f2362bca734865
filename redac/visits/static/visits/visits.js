/* redac visit beacon: counts this page once per reader per day, without cookies or storage
   (docs/privacy.md), then shows the up-to-date « N visites » even when the page came from a cache.

   The beacon is POST /api/visits/ {"page": id, "referrer": document.referrer}. It is sent with
   fetch(keepalive) — the mechanism navigator.sendBeacon is built on, with the same guarantee that
   the request outlives the page — because only fetch says when the server has committed the
   visit, so the count fetched next includes it. navigator.sendBeacon is the fallback. Sending
   twice is harmless: the server counts a reader once per page per day. */
(function () {
  "use strict";
  var ENDPOINT = "/api/visits/";
  var body = document.body;
  var id = body && body.getAttribute("data-page-id");
  if (!id || !/^[0-9]+$/.test(id)) {
    return;
  }
  var payload = JSON.stringify({ page: Number(id), referrer: document.referrer || "" });

  /* Same rule as redac.core.lib.text.visits_label: French "0 visite, 1 visite, 2 visites",
     thousands grouped with a narrow no-break space, a no-break space before the word. */
  function visitsLabel(count, lang) {
    if (/^fr/i.test(lang || "fr")) {
      var number = String(count).replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f");
      return number + "\u00a0" + (count <= 1 ? "visite" : "visites");
    }
    return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ",") + " " + (count === 1 ? "visit" : "visits");
  }

  function showCount() {
    var targets = document.querySelectorAll(".byline__visits");
    if (!targets.length || !window.fetch) {
      return;
    }
    window.fetch(ENDPOINT + id + "/", { credentials: "omit", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || typeof data.visits !== "number") {
          return;
        }
        var text = visitsLabel(data.visits, document.documentElement.lang);
        for (var i = 0; i < targets.length; i++) {
          targets[i].textContent = text;
        }
      })
      .catch(function () { /* the server-rendered figure stays */ });
  }

  function beacon() {
    return navigator.sendBeacon ? navigator.sendBeacon(ENDPOINT, payload) : false;
  }

  function send() {
    if (!window.fetch) {
      beacon();
      return;
    }
    window.fetch(ENDPOINT, {
      method: "POST",
      body: payload,
      keepalive: true,
      credentials: "omit",
      headers: { "Content-Type": "text/plain;charset=UTF-8" }
    }).then(showCount, function () {
      beacon();
    });
  }

  /* A page prerendered by the browser is not a visit until the reader actually opens it. */
  if (document.prerendering) {
    document.addEventListener("prerenderingchange", send, { once: true });
  } else {
    send();
  }
})();
