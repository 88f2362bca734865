"""The moderation queue: comments on the pages a user can publish (section editors, admins)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from .models import Comment
from .services import moderatable_pages, moderate

STATES = {"attente": Comment.Status.PENDING, "publies": Comment.Status.PUBLISHED,
          "refuses": Comment.Status.REJECTED, "indesirables": Comment.Status.SPAM}  # fmt: skip
DONE = {"approve": "publié(s)", "reject": "refusé(s)", "spam": "marqué(s) indésirable(s)",
        "delete": "supprimé(s)"}  # fmt: skip


def _visible_comments(user):
    pages = moderatable_pages(user)
    return Comment.objects.filter(page__in=pages.values("pk")).select_related("page", "parent")


def queue(request):
    if not moderatable_pages(request.user).exists():
        raise PermissionDenied
    state = request.GET.get("etat", "attente")
    comments = _visible_comments(request.user).order_by("-created_at")
    if state in STATES:
        comments = comments.filter(status=STATES[state])
    raw = request.GET.get("page", "1")
    items = Paginator(comments, 50).get_page(raw if raw.isdigit() else 1)
    response = TemplateResponse(request, "comments/admin/queue.html", {
        "items": items, "state": state, "page_title": "Commentaires à modérer",
        "header_icon": "comment",
    })  # fmt: skip
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def act(request):
    action = request.POST.get("action", "")
    if action not in DONE:
        messages.error(request, "Action inconnue.")
        return redirect("comments_admin:queue")
    ids = [int(pk) for pk in request.POST.getlist("ids") if pk.isdigit()]
    if request.GET.get("un", "").isdigit():  # a row's own button acts on that row only
        ids = [int(request.GET["un"])]
    selected = Comment.objects.filter(pk__in=ids).select_related("page")
    count = moderate(selected, action, request.user)
    if count < len(ids):
        messages.warning(
            request, f"{len(ids) - count} commentaire(s) hors de vos rubriques ignoré(s)."
        )
    messages.success(request, f"{count} commentaire(s) {DONE[action]}.")
    return redirect(request.POST.get("retour") if request.POST.get("retour", "").startswith(
        "/admin/commentaires/") else "comments_admin:queue")  # fmt: skip
