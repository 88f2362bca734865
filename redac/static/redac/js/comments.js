// Reader comments on cached pages (see redac/comments/__init__.py): reveal the form, fetch a CSRF
// token and a form timestamp from /api/comments/token/ when the reader starts writing, then post normally.
(function () {
  "use strict";
  var form = document.querySelector("form.comment-form");
  if (!form || !window.fetch) { return; }
  var link = document.querySelector(".comments__write");
  form.hidden = false;
  if (link) { link.hidden = true; }
  var tokenRequest = null;

  function fetchToken() {
    if (!tokenRequest) {
      tokenRequest = fetch(form.dataset.tokenUrl, { credentials: "same-origin", cache: "no-store" })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          form.elements.csrfmiddlewaretoken.value = data.csrf;
          form.elements.horodatage.value = data.stamp;
        });
    }
    return tokenRequest;
  }

  form.addEventListener("focusin", fetchToken);
  form.addEventListener("submit", function (event) {
    if (form.elements.csrfmiddlewaretoken.value) { return; }
    event.preventDefault();
    fetchToken().then(function () { form.submit(); });
  });
  document.querySelectorAll("[data-reply-to]").forEach(function (replyLink) {
    replyLink.addEventListener("click", function (event) {
      event.preventDefault();
      form.elements.parent.value = replyLink.dataset.replyTo;
      form.querySelector("h3").textContent = "Votre réponse";
      form.elements.body.focus();
    });
  });
}());
