"""The petitions' admin: the list of petitions, one petition's signatures by status with their
moderation, statistics per day, the CSV export and the erasure of a signer.

Who sees what (least privilege, GDPR art. 9: signing a petition reveals a political opinion):
- ``petitions.change_petition`` (Administrateur): the petitions, their counts and statistics;
- ``petitions.moderate_signature`` (Administrateur, Webmestre): names, cities and messages —
  what the public list shows — to remove a signature or hide a message;
- ``petitions.view_signer_data`` (Webmestre): the addresses, the CSV export (each export is
  written to the audit log) and the erasure of a signer.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from wagtail.log_actions import log

from redac.core.lib.csvsafe import csv_response

from . import services
from .models import Petition, Signature

SEE = ("petitions.change_petition", "petitions.moderate_signature", "petitions.view_signer_data")
STATES = {"a-confirmer": Signature.Status.TO_CONFIRM, "confirmees": Signature.Status.CONFIRMED,
          "retirees": Signature.Status.REMOVED}  # fmt: skip


def can_see_petitions(user) -> bool:
    return any(user.has_perm(permission) for permission in SEE)


def _require(request, *permissions) -> None:
    if not any(request.user.has_perm(permission) for permission in permissions):
        raise PermissionDenied


def _render(request, template, context, title):
    context.update({"page_title": title, "header_icon": "list-ul"})
    response = TemplateResponse(request, template, context)
    response["Cache-Control"] = "private, no-store"
    return response


def index(request):
    _require(request, *SEE)
    petitions = (Petition.objects.select_related("page")
                 .annotate(to_confirm=Count("signatures", filter=Q(
                     signatures__status=Signature.Status.TO_CONFIRM))))  # fmt: skip
    return _render(request, "petitions/admin/index.html", {"petitions": petitions,
                   "now": timezone.now()}, "Pétitions")  # fmt: skip


def detail(request, pk):
    """One petition: its counts by status and its signatures per day."""
    _require(request, *SEE)
    petition = get_object_or_404(Petition.objects.select_related("page"), pk=pk)
    by_status = dict(petition.signatures.values_list("status").annotate(n=Count("pk")))
    counts = [(label, slug, by_status.get(status, 0)) for (slug, status), label in
              zip(STATES.items(), ["À confirmer", "Confirmées", "Retirées"], strict=True)]  # fmt: skip
    return _render(request, "petitions/admin/detail.html",
                   {"petition": petition, "counts": counts, "days": services.stats_per_day(petition),
                    "closed": services.closed_reason(petition)},
                   f"Pétition : {petition.page.title}")  # fmt: skip


def signatures(request, pk):
    """The signatures of one status; addresses only for who may see signers' data."""
    _require(request, "petitions.moderate_signature", "petitions.view_signer_data")
    petition = get_object_or_404(Petition.objects.select_related("page"), pk=pk)
    state = request.GET.get("etat", "confirmees")
    status = STATES.get(state, Signature.Status.CONFIRMED)
    queryset = petition.signatures.filter(status=status).order_by("-created_at", "-pk")
    query = (request.GET.get("q") or "").strip()[:200]
    if query:
        search = Q(name__icontains=query) | Q(city__icontains=query) | Q(message__icontains=query)
        if request.user.has_perm("petitions.view_signer_data"):
            search |= Q(email__icontains=query)
        queryset = queryset.filter(search)
    if request.GET.get("messages") == "1":
        queryset = queryset.exclude(message="")
    raw = request.GET.get("page", "1")
    items = Paginator(queryset, 50).get_page(raw if raw.isdigit() else 1)
    return _render(request, "petitions/admin/signatures.html",
                   {"petition": petition, "items": items, "state": state, "query": query,
                    "show_data": request.user.has_perm("petitions.view_signer_data")},
                   f"Signatures : {petition.page.title}")  # fmt: skip


ACTIONS = {
    "retirer": ("petitions.moderate_signature", lambda s: services.set_status(s, Signature.Status.REMOVED),
                "{n} signature(s) retirée(s)."),
    "retablir": ("petitions.moderate_signature",
                 lambda s: services.set_status(s, Signature.Status.CONFIRMED),
                 "{n} signature(s) rétablie(s)."),
    "masquer": ("petitions.moderate_signature", lambda s: services.set_message_hidden(s, True),
                "{n} message(s) masqué(s)."),
    "afficher": ("petitions.moderate_signature", lambda s: services.set_message_hidden(s, False),
                 "{n} message(s) de nouveau visible(s)."),
    "effacer": ("petitions.view_signer_data", services.erase,
                "{n} signataire(s) effacé(s) : leurs données n'existent plus."),
}  # fmt: skip


@require_POST
def bulk(request, pk):
    petition = get_object_or_404(Petition, pk=pk)
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        raise PermissionDenied
    permission, apply, done = ACTIONS[action]
    _require(request, permission)
    if action == "effacer":
        _require(request, "petitions.delete_signature")
    ids = [int(value) for value in request.POST.getlist("ids") if value.isdigit()]
    selected = list(petition.signatures.filter(pk__in=ids))
    count = apply(selected)
    if action == "effacer" and count:
        log(instance=petition, action="petitions.erase", user=request.user,
            data={"signatures": count})  # fmt: skip
    messages.success(request, done.format(n=count))
    state = request.POST.get("etat", "confirmees")
    state = state if state in STATES else "confirmees"
    return redirect(reverse("petitions_admin:signatures", args=[petition.pk]) + f"?etat={state}")


def export_csv(request, pk):
    """The confirmed signatures, formula-safe; each export is an audit log entry (who, when,
    how many)."""
    _require(request, "petitions.view_signer_data")
    petition = get_object_or_404(Petition.objects.select_related("page"), pk=pk)
    queryset = petition.signatures.confirmed().order_by("confirmed_at", "pk")
    log(instance=petition, action="petitions.export", user=request.user,
        data={"signatures": queryset.count()})  # fmt: skip
    rows = (
        [timezone.localtime(s.created_at).strftime("%Y-%m-%d %H:%M"),
         timezone.localtime(s.confirmed_at).strftime("%Y-%m-%d %H:%M") if s.confirmed_at else "",
         s.name, s.email, s.city, s.postcode, s.website, s.shown_message,
         "oui" if s.imported else "non"]
        for s in queryset.iterator(chunk_size=1000)
    )  # fmt: skip
    return csv_response(f"signatures-{petition.page.slug}.csv",
                        ["signée le", "confirmée le", "nom", "adresse", "ville", "code postal",
                         "site web", "message", "importée"], rows)  # fmt: skip
