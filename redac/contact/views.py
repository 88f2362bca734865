"""The contact page's form handling (served by ContactPage.serve).

The page carries a CSRF token, so its responses are ``Cache-Control: private, no-store`` and vary on
Cookie: the page cache (issue 6) and any CDN must never share one reader's token with another.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse

from redac.core.cachecontrol import uncacheable
from redac.core.lib.antispam import check_post, issue_stamp

from .forms import ContactForm
from .services import store_contact_message


def serve_contact_page(page, request):
    subjects = list(page.subjects.all())
    status = 200
    sent = request.GET.get("envoye") == "1"
    problem = None
    if request.method == "POST":
        form = ContactForm(request.POST, subjects=subjects)
        check = check_post(request, form)
        if check.passed:
            data = form.cleaned_data
            store_contact_message(page, data["subject"], name=data["name"], email=data["email"],
                                  message=data["message"])  # fmt: skip
        if check.passed or check.bot:
            # A bot is answered as if all went well: nothing stored, nothing taught.
            return uncacheable(HttpResponseRedirect(page.url + "?envoye=1"))
        # Re-displayed with what the reader typed (and a fresh stamp).
        problem, status = check.problem, check.status
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
