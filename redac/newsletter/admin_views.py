"""The newsletter's admin: letters (compose, preview, test, schedule, send, pause, cancel, progress)
and the export of the confirmed subscribers.

Who does what: ``newsletter.send_letter`` (Administrateur, Webmestre) writes and sends letters,
and sees only counts of subscribers; ``newsletter.view_subscriber`` (Webmestre, and the
« Messages » group since issue 8) sees the addresses (the CSV export).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from redac.core.lib.csvsafe import csv_response

from . import composing, sending
from .admin_forms import ImportForm, LetterForm
from .importing import import_csv
from .models import Letter, NewsletterList, Subscriber, Subscription
from .services import unsubscribe_url

SEND = "newsletter.send_letter"


def _require(request, permission) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _render(request, template, context, title):
    context.update({"page_title": title, "header_icon": "mail"})
    response = TemplateResponse(request, template, context)
    response["Cache-Control"] = "private, no-store"
    return response


def index(request):
    _require(request, SEND)
    letters = [(letter, sending.progress(letter))
               for letter in Letter.objects.select_related("list")[:50]]  # fmt: skip
    return _render(request, "newsletter/admin/index.html", {"letters": letters},
                   "Lettres d'information")  # fmt: skip


def edit(request, pk=None):
    _require(request, SEND)
    letter = get_object_or_404(Letter, pk=pk) if pk else Letter()
    if letter.pk and letter.status != Letter.Status.DRAFT:
        messages.error(request, "Cette lettre n'est plus un brouillon : elle ne se modifie plus.")
        return redirect("newsletter_admin:detail", letter.pk)
    form = LetterForm(request.POST or None, instance=letter)
    if request.method == "POST" and form.is_valid():
        letter = form.save()
        composing.set_items(letter, form.chosen_pages())
        return redirect("newsletter_admin:detail", letter.pk)
    return _render(request, "newsletter/admin/edit.html", {"form": form, "letter": letter},
                   "Modifier la lettre" if letter.pk else "Nouvelle lettre")  # fmt: skip


def detail(request, pk):
    _require(request, SEND)
    letter = get_object_or_404(Letter.objects.select_related("list"), pk=pk)
    progress = sending.progress(letter)
    rate = settings.REDAC_NEWSLETTER_RATE
    remaining_seconds = progress["remaining"] / rate if rate else 0
    return _render(request, "newsletter/admin/detail.html", {
        "letter": letter, "progress": progress, "items": letter.letter_items.select_related("page"),
        "recipients": sending.recipients(letter.list).count(),
        "estimated_end": timezone.now() + dt.timedelta(seconds=remaining_seconds)
        if letter.status == Letter.Status.SENDING and progress["remaining"] else None,
    }, letter.subject)  # fmt: skip


def preview(request, pk):
    """The letter's HTML as a subscriber sees it (with a dummy personal link), for a new tab."""
    _require(request, SEND)
    letter = get_object_or_404(Letter.objects.select_related("list"), pk=pk)
    context = {**sending.letter_context(letter), "unsubscribe_url": "#desinscription"}
    response = HttpResponse(render_to_string("newsletter/mail/letter.html", context))
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def act(request, pk, action):
    _require(request, SEND)
    letter = get_object_or_404(Letter, pk=pk)
    if action == "essai":
        if not request.user.email:
            messages.error(request, "Votre compte n'a pas d'adresse électronique.")
        else:
            sending.send_test(letter, request.user.email)
            messages.success(request, f"Lettre d'essai envoyée à {request.user.email}.")
    elif action == "envoyer":
        done = sending.start_sending(letter)
        messages.success(request, "Envoi commencé." if done else "Cette lettre est déjà partie.")
    elif action == "programmer":
        when = _parse_when(request.POST.get("quand", ""))
        if when is None or when <= timezone.now():
            messages.error(request, "Indiquez une date et une heure à venir (JJ/MM/AAAA HH:MM).")
        else:
            Letter.objects.filter(pk=letter.pk, status__in=[Letter.Status.DRAFT,
                                                            Letter.Status.SCHEDULED]).update(
                status=Letter.Status.SCHEDULED, scheduled_at=when)  # fmt: skip
            messages.success(
                request, f"Envoi programmé le {timezone.localtime(when):%d/%m/%Y à %H:%M}."
            )
    elif action in ("pause", "reprendre", "annuler"):
        done = {"pause": sending.pause, "reprendre": sending.resume,
                "annuler": sending.cancel}[action](letter)  # fmt: skip
        if not done:
            messages.error(request, "Cette action ne s'applique pas à la lettre dans son état.")
    else:
        raise PermissionDenied
    return redirect("newsletter_admin:detail", letter.pk)


def _parse_when(value: str):
    for pattern in ("%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"):
        try:
            return timezone.make_aware(dt.datetime.strptime(value.strip(), pattern))
        except ValueError:
            continue
    return None


def export_csv(request):
    """The confirmed subscribers, for an organisation that also uses another mailer."""
    _require(request, "newsletter.view_subscriber")
    rows = (
        [s.email, timezone.localtime(s.confirmed_at).strftime("%Y-%m-%d %H:%M"),
         s.consent_version, unsubscribe_url(s)]
        for s in Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED).iterator()
    )  # fmt: skip
    return csv_response("abonnes.csv",
                        ["adresse", "confirmé le", "version du consentement", "désinscription"],
                        rows)  # fmt: skip


def import_subscribers(request):
    """Import an existing list (CSV): only with the attestation that these people consented."""
    _require(request, "newsletter.add_subscriber")
    form = ImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            result = import_csv(form.cleaned_data["file"], form.cleaned_data["list"],
                                consent_confirmed=True, by=request.user.get_username())  # fmt: skip
            messages.success(request, f"{result.added} adresse(s) ajoutée(s), {result.already} "
                                      f"déjà inscrite(s), {len(result.refused)} refusée(s).")  # fmt: skip
            for number, value in result.refused[:20]:
                messages.warning(request, f"Ligne {number} : « {value} » n'est pas une adresse.")
            return redirect("newsletter_admin:import")
        status = 400
    response = _render(request, "newsletter/admin/import.html", {"form": form},
                       "Importer des abonnés")  # fmt: skip
    response.status_code = status
    return response


SEE_SUBSCRIBERS = "newsletter.view_subscriber"


def subscribers(request):
    """The subscribers: search by address, filter by list and state; each row's lists with their
    state, origin and dates of consent and confirmation. Personal data: Webmestre and the
    « Messages » group only; the page is never cached."""
    _require(request, SEE_SUBSCRIBERS)
    query = request.GET.get("q", "").strip()
    rows = Subscription.objects.select_related("subscriber", "list").order_by("subscriber__email",
                                                                             "list__name")  # fmt: skip
    if query:
        rows = rows.filter(subscriber__email__icontains=query)
    chosen_list = request.GET.get("liste", "")
    if chosen_list.isdigit():
        rows = rows.filter(list_id=int(chosen_list))
    state = request.GET.get("etat", "")
    if state in Subscription.Status.values:
        rows = rows.filter(status=state)
    return _render(request, "newsletter/admin/subscribers.html", {
        "rows": rows[:200], "count": rows.count(), "query": query, "lists": NewsletterList.objects.all(),
        "chosen_list": chosen_list, "state": state, "states": Subscription.Status.choices,
    }, "Abonnés")  # fmt: skip


@require_POST
def remove_subscription(request, pk):
    """Take an address off one list (at its owner's request, by mail or phone)."""
    _require(request, SEE_SUBSCRIBERS)
    from .services import leave_list

    subscription = get_object_or_404(Subscription.objects.select_related("subscriber", "list"),
                                     pk=pk)  # fmt: skip
    leave_list(subscription.subscriber, subscription.list)
    messages.success(request, f"{subscription.subscriber.email} ne reçoit plus « "
                              f"{subscription.list.name} ».")  # fmt: skip
    return redirect("newsletter_admin:subscribers")


@require_POST
def erase_subscriber(request, pk):
    """Erase an address and everything held under it in the newsletter (GDPR art. 17)."""
    _require(request, SEE_SUBSCRIBERS)
    subscriber = get_object_or_404(Subscriber, pk=pk)
    email = subscriber.email
    subscriber.delete()
    messages.success(request, f"{email} a été effacée de toutes les listes.")
    return redirect("newsletter_admin:subscribers")
