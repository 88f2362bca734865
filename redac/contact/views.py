"""The contact page's form handling (served by ContactPage.serve).

The page carries a CSRF token, so its responses are ``Cache-Control: private, no-store`` and vary on
Cookie: the page cache (issue 6) and any CDN must never share one reader's token with another.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers

from redac.core.lib.antispam import (
    THROTTLED_MESSAGE,
    hit_rate_limit,
    honeypot_filled,
    issue_stamp,
    use_stamp,
)

from .forms import ContactForm
from .services import store_contact_message

#: Submissions per client address per window (seconds). A person writes once or twice; a bot
#: hundreds of times (security case 7).
RATE_LIMIT = (5, 600)


def uncacheable(response):
    add_never_cache_headers(response)
    patch_cache_control(response, private=True, no_store=True)
    patch_vary_headers(response, ["Cookie"])
    return response


def serve_contact_page(page, request):
    subjects = list(page.subjects.all())
    status = 200
    sent = request.GET.get("envoye") == "1"
    problem = None
    if request.method == "POST":
        form = ContactForm(request.POST, subjects=subjects)
        if hit_rate_limit(request, "contact", *RATE_LIMIT):
            problem, status = THROTTLED_MESSAGE, 429
        elif honeypot_filled(request.POST):
            # A bot: answer as if all went well, store nothing, teach it nothing.
            return uncacheable(HttpResponseRedirect(page.url + "?envoye=1"))
        elif (problem := use_stamp(request.POST.get("horodatage"))) is not None:
            status = 400
        elif form.is_valid():
            data = form.cleaned_data
            store_contact_message(page, data["subject"], name=data["name"], email=data["email"],
                                  message=data["message"])  # fmt: skip
            return uncacheable(HttpResponseRedirect(page.url + "?envoye=1"))
        else:
            status = 400
        # Re-displayed with what the reader typed, and a fresh stamp.
        form.data = form.data.copy()
        form.data["horodatage"] = issue_stamp()
    else:
        form = ContactForm(subjects=subjects, initial={"horodatage": issue_stamp()})
    context = page.get_context(request)
    context.update(
        {
            "form": form,
            "sent": sent,
            "problem": problem,
            "retention_months": max(1, settings.REDAC_CONTACT_RETENTION_DAYS // 30),
        }
    )
    response = TemplateResponse(request, page.get_template(request), context, status=status)
    return uncacheable(response)
