/* Forms on cached pages carry no CSRF token (the page is the same for every reader).
   A form marked data-redac-csrf gets one from /api/csrf/ when it is submitted, then submits.
   Without JavaScript the server refuses the POST with Django's CSRF page: the form's page says so. */
(function () {
  "use strict";
  function fill(form, token) {
    var input = form.querySelector('input[name="csrfmiddlewaretoken"]');
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = "csrfmiddlewaretoken";
      form.appendChild(input);
    }
    input.value = token;
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.hasAttribute || !form.hasAttribute("data-redac-csrf")) return;
    if (form.dataset.redacCsrfReady === "1") return;
    event.preventDefault();
    fetch("/api/csrf/", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        fill(form, data.token);
        form.dataset.redacCsrfReady = "1";
        if (form.requestSubmit) { form.requestSubmit(event.submitter || undefined); } else { form.submit(); }
      })
      .catch(function () { form.dataset.redacCsrfReady = "1"; form.submit(); });
  }, true);
})();
