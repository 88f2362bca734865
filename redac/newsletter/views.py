"""Sign-up, confirmation and unsubscription pages. All uncached (they carry CSRF tokens or
personal links). Confirming and unsubscribing take a POST: mail scanners that open every link
must not subscribe or unsubscribe anyone."""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from redac.core.cachecontrol import uncacheable
from redac.core.lib.antispam import check_post, issue_stamp

from . import archive, sending, services
from .forms import SignupForm

SAME_ANSWER = (
    "C'est noté. Si cette adresse n'était pas encore inscrite, un courriel de confirmation vient "
    "de lui être envoyé : cliquez sur le lien qu'il contient pour confirmer votre inscription."
)


def _render(request, template, context, status=200):
    return uncacheable(TemplateResponse(request, template, context, status=status))


def signup(request):
    problem, status = None, 200
    lists = services.public_lists()
    if request.method == "POST":
        form = SignupForm(request.POST, public_lists=lists)
        check = check_post(request, form)
        if check.passed:
            services.subscribe(form.cleaned_data["email"], form.cleaned_data["lists"])
        if check.passed or check.bot:
            return uncacheable(HttpResponseRedirect(reverse("newsletter:signup") + "?envoye=1"))
        problem, status = check.problem, check.status
    else:
        form = SignupForm(public_lists=lists, initial={"horodatage": issue_stamp()})
    sent = request.GET.get("envoye") == "1"
    return _render(request, "newsletter/signup.html",
                   {"form": form, "problem": problem, "sent": sent, "same_answer": SAME_ANSWER},
                   status)  # fmt: skip


def confirm(request, token):
    subscription = services.pending_for_token(token)
    if subscription is None:
        return _render(request, "newsletter/invalid_link.html", {}, 404)
    if request.method == "POST":
        services.confirm(token)
        return _render(request, "newsletter/done.html",
                       {"message": f"Merci ! Votre inscription à « {subscription.list.name} » "
                                   "est confirmée."})  # fmt: skip
    return _render(request, "newsletter/confirm.html",
                   {"email": subscription.subscriber.email, "list": subscription.list})  # fmt: skip


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


@csrf_exempt  # RFC 8058: the mail client's one-click POST carries no cookie and no CSRF token
def leave(request, token):
    """A letter's personal link: leave this list (the one-click POST of RFC 8058, or the page's
    first button), or leave every list, which erases the address. Knowing the signed link is the
    only credential; a forged POST could only unsubscribe the link's own owner."""
    found = sending.read_unsubscribe_token(token)
    if found is None:
        return _render(request, "newsletter/invalid_link.html", {}, 404)
    subscriber, newsletter_list = found
    if request.method == "POST":
        if request.POST.get("List-Unsubscribe") == "One-Click":
            services.leave_list(subscriber, newsletter_list)
            return uncacheable(HttpResponse("Désinscription enregistrée.",
                                            content_type="text/plain; charset=utf-8"))  # fmt: skip
        if request.POST.get("tout") == "1":
            services.unsubscribe(subscriber.unsubscribe_token)
            message = "Vous êtes désinscrit de toutes nos lettres : votre adresse a été effacée."
        else:
            services.leave_list(subscriber, newsletter_list)
            message = f"Vous ne recevrez plus « {newsletter_list.name} »."
        return _render(request, "newsletter/done.html", {"message": message})
    others = [s.list for s in subscriber.subscriptions.select_related("list")
              if s.list_id != newsletter_list.pk]  # fmt: skip
    return _render(request, "newsletter/leave.html",
                   {"email": subscriber.email, "list": newsletter_list, "others": others})  # fmt: skip


def archive_index(request):
    """Public and cacheable: the same for every reader."""
    return TemplateResponse(request, "newsletter/archive_index.html",
                            {"letters": archive.archived_letters()})  # fmt: skip


def archive_letter(request, pk):
    letter = get_object_or_404(archive.archived_letters(), pk=pk)
    return TemplateResponse(request, "newsletter/archive_letter.html",
                            sending.letter_context(letter))  # fmt: skip
