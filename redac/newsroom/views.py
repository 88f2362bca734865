"""Admin screens of the newsroom: two-factor set-up and check, restricted administrators'
sections, the trash, and the live preview of SPIP markup."""

from __future__ import annotations

import base64
import threading

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.log_actions import log
from wagtail.models import Page

from . import services
from .forms import SectionsForm, TokenForm, VerifyForm, restricted_admins
from .models import TrashEntry
from .security import (
    has_confirmed_device,
    issue_recovery_codes,
    remaining_recovery_codes,
    two_factor_required,
)

SPIP_PREVIEW_MAX_CHARS = 100_000
#: previews rendered at once by one worker process (see spip_preview)
SPIP_PREVIEW_CONCURRENCY = 1
#: a preview's share of the work budget of a page's conversion (redac.typo.budget)
SPIP_PREVIEW_BUDGET_FACTOR = 0.5
_PREVIEW_SLOTS = threading.BoundedSemaphore(SPIP_PREVIEW_CONCURRENCY)


def _next_url(request, default="wagtailadmin_home"):
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(default)


# --- Two-factor authentication -------------------------------------------------------------------


@login_required(login_url="wagtailadmin_login")
def two_factor_setup(request):
    import segno
    from django_otp import login as otp_login
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if has_confirmed_device(request.user) and not request.user.is_verified():
        return redirect("newsroom_2fa_verify")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="Application", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, _("La double authentification est activée."))
            return redirect(_next_url(request))
        form.add_error("token", _("Ce code n'est pas le bon (ou il a expiré) : réessayez."))
    secret = base64.b32encode(device.bin_key).decode()
    qr = segno.make(device.config_url, error="m")
    return TemplateResponse(request, "newsroom/two_factor_setup.html", {
        "form": form, "secret": secret, "qr_data_uri": qr.svg_data_uri(scale=4),
        "required": two_factor_required(request.user), "next": _next_url(request),
    })  # fmt: skip


@login_required(login_url="wagtailadmin_login")
def two_factor_verify(request):
    from django_otp import devices_for_user
    from django_otp import login as otp_login

    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        for device in devices_for_user(request.user, confirmed=True):
            if device.verify_token(token):  # a recovery code is consumed by its check
                otp_login(request, device)
                if isinstance(device, StaticDevice):
                    messages.warning(request, _(
                        "Code de secours accepté (il ne servira plus). Il vous en reste "
                        "%(count)d : pensez à en générer de nouveaux."
                    ) % {"count": remaining_recovery_codes(request.user)})  # fmt: skip
                return redirect(_next_url(request))
        form.add_error("token", _("Ce code n'est pas le bon (ou il a expiré) : réessayez."))
    return TemplateResponse(request, "newsroom/two_factor_verify.html",
                            {"form": form, "next": _next_url(request)})  # fmt: skip


@login_required(login_url="wagtailadmin_login")
def two_factor_recovery_codes(request):
    """Single-use recovery codes, for the day the phone is lost: generated on request, shown
    once (this response only, never cached), then only checked at login. Only after this
    session passed two-factor authentication: a password alone must not mint codes."""
    if not request.user.is_verified():
        if has_confirmed_device(request.user):
            return redirect(f"{reverse('newsroom_2fa_verify')}?next={request.path}")
        messages.error(request, _("Activez d'abord la double authentification."))
        return redirect("newsroom_2fa_setup")
    codes = None
    if request.method == "POST":
        codes = issue_recovery_codes(request.user)
        log(request.user, "newsroom.recovery_codes", user=request.user)
    response = TemplateResponse(request, "newsroom/two_factor_recovery_codes.html", {
        "codes": codes, "remaining": remaining_recovery_codes(request.user),
    })  # fmt: skip
    add_never_cache_headers(response)
    return response


# --- Restricted administrators' sections ---------------------------------------------------------


def sections(request):
    if not request.user.has_perm("newsroom.assign_sections"):
        raise PermissionDenied
    role = request.GET.get("role")
    role = role if role in (SectionsForm.RESTRICTED, SectionsForm.REDACTEUR) else None
    form = SectionsForm(request.POST or None,
                        initial={"user": request.GET.get("user"),
                                 "role": role or SectionsForm.RESTRICTED})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        user, chosen = form.cleaned_data["user"], list(form.cleaned_data["sections"])
        if form.cleaned_data["role"] == SectionsForm.REDACTEUR:
            services.set_redacteur_sections(user, chosen, by=request.user)
        else:
            services.set_restricted_sections(user, chosen, by=request.user)
        messages.success(request, _("Rubriques de %(user)s enregistrées.") % {"user": user})
        return redirect("newsroom_sections")
    rows = [(user, services.restricted_sections(user)) for user in restricted_admins()]
    redacteur_rows = [(user, services.redacteur_sections(user))
                      for user in services.redacteurs()]  # fmt: skip
    return TemplateResponse(request, "newsroom/sections.html",
                            {"form": form, "rows": rows, "redacteur_rows": redacteur_rows})  # fmt: skip


# --- Trash ---------------------------------------------------------------------------------------


def trash(request):
    entries = TrashEntry.objects.select_related("page", "original_parent", "trashed_by").order_by(
        "-trashed_at"
    )
    visible = [entry for entry in entries
               if request.user.is_superuser
               or entry.page.permissions_for_user(request.user).can_edit()
               or services.can_restore(entry.page, request.user)]  # fmt: skip
    if not visible and not request.user.has_perm("newsroom.empty_trash"):
        trash_page = services.get_trash(create=False)
        if trash_page is None or not trash_page.permissions_for_user(request.user).can_edit():
            raise PermissionDenied
    finder = AdminURLFinder(request.user)
    rows = [{"entry": entry, "restorable": services.can_restore(entry.page, request.user),
             "edit_url": finder.get_edit_url(entry.page)} for entry in visible]  # fmt: skip
    return TemplateResponse(request, "newsroom/trash.html", {
        "rows": rows, "can_delete": services.can_delete_for_good(request.user),
    })  # fmt: skip


@require_POST
def restore(request, page_id: int):
    page = get_object_or_404(Page, pk=page_id)
    if not services.can_restore(page, request.user):
        raise PermissionDenied
    try:
        page = services.restore_from_trash(page, request.user)
    except services.TrashError as error:
        messages.error(request, str(error))
        return redirect("newsroom_trash")
    messages.success(request, _("« %(title)s » est restauré (en cours de rédaction).")
                     % {"title": page.title})  # fmt: skip
    return redirect("wagtailadmin_pages:edit", page.pk)


# --- SPIP live preview ---------------------------------------------------------------------------


@require_POST
def spip_preview(request):
    """The editor's live preview of a « Texte SPIP » block, through the same filter as the site.
    Authenticated (admin access) and CSRF-protected, as security case 64 asks."""
    text = request.POST.get("text", "")
    if len(text) > SPIP_PREVIEW_MAX_CHARS:
        return HttpResponseBadRequest(_("Texte trop long pour l'aperçu."))
    from redac.core.templatetags.redac_tags import page_notes, spip_block
    from redac.typo import budget

    # Previews share the workers with the readers: one at a time per worker process, and a
    # busy slot answers at once (the editor's page retries) instead of holding a thread that
    # a reader needs. Each preview gets half the work budget of a page (redac.typo.budget).
    if not _PREVIEW_SLOTS.acquire(blocking=False):
        response = JsonResponse({"error": _("Aperçu occupé, nouvel essai dans un instant.")},
                                status=429)  # fmt: skip
        response["Retry-After"] = "1"
        return response
    try:
        with budget.scaled(SPIP_PREVIEW_BUDGET_FACTOR):
            # As the page shows it: the text, then its notes ([[...]]) under it.
            context = {"page_notes": []}
            html = str(spip_block(context, text)) + str(page_notes(context))
    finally:
        _PREVIEW_SLOTS.release()
    return JsonResponse({"html": html})


# --- Visits shown in the page editor --------------------------------------------------------------


def page_visits(request, page_id: int):
    """The page's visit counter for the editor's header (the visits app keeps the counter)."""
    page = get_object_or_404(Page, pk=page_id).specific
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    from redac.core.lib.text import visits_label

    count = getattr(page, "visit_count", None)
    return JsonResponse({"visits": count, "label": visits_label(count or 0) if count is not None
                         else ""})  # fmt: skip


# --- « Ma signature »: the byline of one's own account --------------------------------------------


def own_author(request):
    """A person edits the byline their account signs with (made with the account, as SPIP
    does): only their own, whatever their role, through the account menu."""
    from .forms import OwnAuthorForm

    author = services.account_author(request.user)
    if author is None:
        messages.warning(request, _("Indiquez d'abord votre prénom et votre nom (Compte > "
                                    "Nom et adresse e-mail) : votre signature en est faite."))  # fmt: skip
        return redirect("wagtailadmin_account")
    form = OwnAuthorForm(request.POST or None, instance=author)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Votre signature est enregistrée."))
        return redirect("newsroom_own_author")
    return TemplateResponse(request, "newsroom/own_author.html",
                            {"form": form, "author": author, "media": form.media})  # fmt: skip


# --- « Nouvel article »: in which section ----------------------------------------------------------


def new_article(request):
    """The dashboard's « Nouvel article »: straight to the form when the person writes in one
    section, else the sections they write in, to pick one (SPIP asks « Dans la rubrique »)."""
    sections = services.article_sections_for(request.user)
    if not sections:
        raise PermissionDenied
    if len(sections) == 1:
        return redirect("wagtailadmin_pages:add", "news", "articlepage", sections[0].pk)
    return TemplateResponse(request, "newsroom/new_article.html", {"sections": sections})
