"""The messages inbox in the admin: list, read, mark handled, export, per-person export and erase.

Messages are political-opinion data: every view requires the ``contact.view_contactmessage``
permission (the « Messages » group, or a superuser), not mere admin access (security case 50,
cf. Wagtail CVE-2026-44199); changing or deleting requires the matching permission too.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from redac.core import personal_data
from redac.core.lib.csvsafe import csv_response

from .models import ContactMessage, attach_mails


def _require(request, action: str) -> None:
    if not request.user.has_perm(f"contact.{action}_contactmessage"):
        raise PermissionDenied


def _render(request, template, context, title):
    context.update({"page_title": title, "header_icon": "mail"})
    response = TemplateResponse(request, template, context)
    response["Cache-Control"] = "private, no-store"
    return response


def _filtered(request):
    queryset = ContactMessage.objects.select_related("handled_by")
    state = request.GET.get("etat", "a-traiter")
    if state == "a-traiter":
        queryset = queryset.filter(handled_at__isnull=True)
    elif state == "traites":
        queryset = queryset.filter(handled_at__isnull=False)
    query = (request.GET.get("q") or "").strip()[:200]
    if query:
        queryset = queryset.filter(
            Q(name__icontains=query) | Q(email__icontains=query) | Q(message__icontains=query)
            | Q(subject__icontains=query)
        )  # fmt: skip
    return queryset, state, query


def inbox(request):
    _require(request, "view")
    queryset, state, query = _filtered(request)
    raw = request.GET.get("page", "1")
    page = Paginator(queryset, 30).get_page(raw if raw.isdigit() else 1)
    page.object_list = attach_mails(page.object_list)
    return _render(request, "contact/admin/inbox.html",
                   {"items": page, "state": state, "query": query}, "Messages reçus")  # fmt: skip


def detail(request, pk):
    _require(request, "view")
    message = get_object_or_404(ContactMessage, pk=pk)
    return _render(request, "contact/admin/detail.html", {"message": message},
                   f"Message de {message.name}")  # fmt: skip


@require_POST
def mark(request, pk):
    _require(request, "change")
    message = get_object_or_404(ContactMessage, pk=pk)
    handled = request.POST.get("traite") == "1"
    message.mark_handled(request.user, handled)
    messages.success(request, "Message marqué comme traité." if handled
                     else "Message remis dans les messages à traiter.")  # fmt: skip
    return redirect("contact_admin:inbox")


@require_POST
def bulk(request):
    _require(request, "change")
    ids = [int(pk) for pk in request.POST.getlist("ids") if pk.isdigit()]
    action = request.POST.get("action")
    selected = ContactMessage.objects.filter(pk__in=ids)
    if action == "traite":
        count = selected.filter(handled_at__isnull=True).update(
            handled_at=timezone.now(), handled_by=request.user
        )
        messages.success(request, f"{count} message(s) marqué(s) comme traité(s).")
    elif action == "supprimer":
        _require(request, "delete")
        count, _ = selected.delete()
        messages.success(request, f"{len(ids)} message(s) supprimé(s).")
    return redirect("contact_admin:inbox")


@require_POST
def delete(request, pk):
    _require(request, "delete")
    get_object_or_404(ContactMessage, pk=pk).delete()
    messages.success(request, "Message supprimé.")
    return redirect("contact_admin:inbox")


def export_csv(request):
    _require(request, "view")
    queryset, _state, _query = _filtered(request)
    rows = (
        [timezone.localtime(m.created_at).strftime("%Y-%m-%d %H:%M"), m.subject, m.name, m.email,
         m.message, "oui" if m.is_handled else "non"]
        for m in queryset.iterator(chunk_size=500)
    )  # fmt: skip
    return csv_response("messages.csv", ["reçu le", "sujet", "nom", "adresse", "message", "traité"],
                        rows)  # fmt: skip


def person(request):
    """GDPR access and erasure requests: everything redac holds about one e-mail address."""
    _require(request, "view")
    email = (request.POST.get("email") or request.GET.get("email") or "").strip()[:254]
    if request.method == "POST" and request.POST.get("action") == "effacer":
        _require(request, "delete")
        if request.POST.get("confirmation") != "1":
            messages.error(request, "Cochez la case de confirmation pour effacer ces données.")
        else:
            counts = personal_data.erase(email)
            messages.success(request, f"Données effacées pour {email} : " + ", ".join(
                f"{label} : {n}" for label, n in counts.items()))  # fmt: skip
            return redirect("contact_admin:person")
    if request.GET.get("format") == "json" and email:
        response = HttpResponse(
            json.dumps(personal_data.export(email), ensure_ascii=False, indent=2, default=str),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="donnees-personnelles.json"'
        response["Cache-Control"] = "private, no-store"
        return response
    found = personal_data.export(email) if email else None
    return _render(request, "contact/admin/person.html", {"email": email, "found": found},
                   "Données d'une personne")  # fmt: skip
