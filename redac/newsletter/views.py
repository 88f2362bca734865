"""Sign-up, confirmation and unsubscription pages. All uncached (they carry CSRF tokens or
personal links). Confirming and unsubscribing take a POST: mail scanners that open every link
must not subscribe or unsubscribe anyone."""

from __future__ import annotations

from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from redac.contact.views import uncacheable
from redac.core.lib.antispam import (
    THROTTLED_MESSAGE,
    hit_rate_limit,
    honeypot_filled,
    issue_stamp,
    use_stamp,
)

from . import services
from .forms import SignupForm

RATE_LIMIT = (5, 600)
SAME_ANSWER = (
    "C'est noté. Si cette adresse n'était pas encore inscrite, un courriel de confirmation vient "
    "de lui être envoyé : cliquez sur le lien qu'il contient pour confirmer votre inscription."
)


def _render(request, template, context, status=200):
    return uncacheable(TemplateResponse(request, template, context, status=status))


def signup(request):
    problem, status = None, 200
    if request.method == "POST":
        form = SignupForm(request.POST)
        if hit_rate_limit(request, "newsletter", *RATE_LIMIT):
            problem, status = THROTTLED_MESSAGE, 429
        elif honeypot_filled(request.POST):
            return uncacheable(HttpResponseRedirect(reverse("newsletter:signup") + "?envoye=1"))
        elif (problem := use_stamp(request.POST.get("horodatage"))) is not None:
            status = 400
        elif form.is_valid():
            services.subscribe(form.cleaned_data["email"])
            return uncacheable(HttpResponseRedirect(reverse("newsletter:signup") + "?envoye=1"))
        else:
            status = 400
        form.data = form.data.copy()
        form.data["horodatage"] = issue_stamp()
    else:
        form = SignupForm(initial={"horodatage": issue_stamp()})
    sent = request.GET.get("envoye") == "1"
    return _render(request, "newsletter/signup.html",
                   {"form": form, "problem": problem, "sent": sent, "same_answer": SAME_ANSWER},
                   status)  # fmt: skip


def confirm(request, token):
    subscriber = services.pending_for_token(token)
    if subscriber is None:
        return _render(request, "newsletter/invalid_link.html", {}, 404)
    if request.method == "POST":
        services.confirm(token)
        return _render(request, "newsletter/done.html",
                       {"message": "Merci ! Votre inscription est confirmée."})  # fmt: skip
    return _render(request, "newsletter/confirm.html", {"email": subscriber.email})


def unsubscribe(request, token):
    subscriber = services.by_unsubscribe_token(token)
    if subscriber is None:
        return _render(request, "newsletter/invalid_link.html", {}, 404)
    if request.method == "POST":
        services.unsubscribe(token)
        return _render(
            request,
            "newsletter/done.html",
            {"message": "Vous êtes désinscrit : votre adresse a été effacée de notre liste."},
        )
    return _render(request, "newsletter/unsubscribe.html", {"email": subscriber.email})
