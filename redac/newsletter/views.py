"""Sign-up, confirmation and unsubscription pages. All uncached (they carry CSRF tokens or
personal links). Confirming and unsubscribing take a POST: mail scanners that open every link
must not subscribe or unsubscribe anyone."""

from __future__ import annotations

from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from redac.core.cachecontrol import uncacheable
from redac.core.lib.antispam import check_post, issue_stamp

from . import services
from .forms import SignupForm

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
        check = check_post(request, form)
        if check.passed:
            services.subscribe(form.cleaned_data["email"])
        if check.passed or check.bot:
            return uncacheable(HttpResponseRedirect(reverse("newsletter:signup") + "?envoye=1"))
        problem, status = check.problem, check.status
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
