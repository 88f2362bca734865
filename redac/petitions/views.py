"""Public petition endpoints: the uncached signing page, the confirmation page (a button: GET
confirms nothing), the public list, and the counter's Django view (the WSGI fast path answers
the same thing first, :mod:`.fastpath`)."""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from . import services
from .forms import SignForm
from .infra import check_post, issue_stamp, restamp, uncacheable
from .models import Signature
from .services import (
    SignatureForm,
    closed_reason,
    consent_text,
    domain_throttled,
    pending_for_token,
    petition_for_page,
    remembered_counter,
    sign,
)

SAME_ANSWER = (
    "Merci ! Si cette signature est nouvelle, un courriel vient de partir vers l'adresse "
    "indiquée : cliquez sur le lien qu'il contient pour que votre signature compte."
)
LIST_PAGE_SIZE = 50


def _render(request, template, context, status=200):
    return uncacheable(TemplateResponse(request, template, context, status=status).render())


def sign_page(request, page_id: int):
    petition = petition_for_page(page_id)
    if petition is None:
        raise Http404
    here = reverse("petitions:sign", args=[page_id])
    closed = closed_reason(petition)
    consent = consent_text(petition)
    problem, status = None, 200
    if request.method == "POST":
        form = SignForm(request.POST, petition=petition, consent_text=consent)
        check = check_post(request, form) if not closed else None
        if check is None:
            problem, status = closed, 403
            restamp(form)
        elif check.bot:
            return uncacheable(HttpResponseRedirect(here + "?envoye=1"))
        elif not check.passed:
            problem, status = check.problem, check.status
        elif domain_throttled(form.cleaned_data["email"]):
            problem, status = services.DOMAIN_THROTTLED_MESSAGE, 429
            restamp(form)
        else:
            data = form.cleaned_data
            sign(petition, SignatureForm(
                name=data["name"], email=data["email"], city=data.get("city", ""),
                postcode=data.get("postcode", ""), website=data.get("website", ""),
                message=data.get("message", "")))  # fmt: skip
            return uncacheable(HttpResponseRedirect(here + "?envoye=1"))
    else:
        form = SignForm(petition=petition, consent_text=consent,
                        initial={"horodatage": issue_stamp()})  # fmt: skip
    context = {"page": petition.page, "petition": petition, "form": form, "problem": problem,
               "closed": closed, "sent": request.GET.get("envoye") == "1",
               "same_answer": SAME_ANSWER, "form_action": here}  # fmt: skip
    return _render(request, "petitions/sign_page.html", context, status)


def confirm(request, token: str):
    signature = pending_for_token(token)
    if signature is None:
        return _render(request, "petitions/invalid_link.html", {}, 404)
    petition = signature.petition
    if request.method == "POST":
        services.confirm(token)
        return _render(request, "petitions/confirmed.html",
                       {"petition": petition, "page": petition.page})  # fmt: skip
    return _render(request, "petitions/confirm.html",
                   {"petition": petition, "page": petition.page, "name": signature.name})  # fmt: skip


@require_GET
def signatures_list(request, page_id: int):
    """The public list (when the petition's option says so): names, cities, messages left by
    the moderation; never an address. Not kept by the page cache: it grows with every
    confirmation, and nothing purges it."""
    petition = petition_for_page(page_id)
    if petition is None or not petition.list_public:
        raise Http404
    queryset = (Signature.objects.filter(petition=petition).public()
                .only("name", "city", "message", "message_hidden", "confirmed_at"))  # fmt: skip
    raw = request.GET.get("page", "1")
    page = Paginator(queryset, LIST_PAGE_SIZE).get_page(raw if raw.isdigit() else 1)
    response = TemplateResponse(request, "petitions/signatures_list.html",
                                {"petition": petition, "page": petition.page, "signatures": page})  # fmt: skip
    response.redac_cache = False
    return response


#: The counter may be kept this long by browsers and CDNs (the contract: fresh within 5 s).
COUNTER_MAX_AGE = 5


def counter_response(page_id: int) -> tuple[int, bytes]:
    """(status, JSON body) of ``GET /api/petitions/<page id>/``, shared by the view and the
    WSGI fast path."""
    answer = remembered_counter(page_id)
    if answer is None:
        return 404, json.dumps({"error": "Pas de pétition ici."}).encode()
    return 200, json.dumps(answer).encode()


@require_GET
def counter_api(request, page_id: int):
    status, body = counter_response(page_id)
    response = HttpResponse(body, status=status, content_type="application/json")
    response["Cache-Control"] = f"public, max-age={COUNTER_MAX_AGE}"
    response["Access-Control-Allow-Origin"] = "*"  # a contract for outside checks
    return response
