"""The public audience API (contract in docs/privacy.md, kept stable: external checks use it).

- ``POST /api/visits/`` with ``{"page": <page id>, "referrer": "<url or empty>"}`` -> 204 once the
  visit (if it counts) is committed; 400 for a malformed body or a page id that is not a live
  public page, 413 for a body over 2 KB; nothing is written in any of those cases.
- ``GET /api/visits/<page id>/`` -> ``{"visits": N}``, the number shown as « N visites ».
- ``GET /api/visits/<page id>/pixel.gif``: the ``<noscript>`` fallback of the beacon.

Every answer carries ``Cache-Control: no-store`` (a cached 204 would hide visits from us, a cached
count would go stale) and sets no cookie.
"""

from __future__ import annotations

import json
import threading
import time

from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from wagtail.models import Page

from redac.core.lib.params import positive_int
from redac.news.models import published

from . import services
from .buffer import visit_buffer
from .visitor import from_own_page, is_bot, referrer_label, refuses_tracking, visitor_key

MAX_BODY_BYTES = 2048
MAX_REFERRER_CHARS = 1000
PAGE_CACHE_SECONDS = 30
PIXEL = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)

# Live, public page id -> (content type id, counter model, expiry). Only successes are cached, so a
# forged id always costs a query and never a write, and a newly published page counts at once.
_live_pages: dict[int, tuple[int, type | None, float]] = {}
_live_pages_lock = threading.Lock()
_own_hosts: tuple[set[str], float] = (set(), 0.0)


def live_page(page_id: int) -> tuple[int, type | None] | None:
    now = time.monotonic()
    cached = _live_pages.get(page_id)
    if cached is not None and cached[2] > now:
        return cached[0], cached[1]
    content_type_id = (
        published(Page).filter(pk=page_id, depth__gt=1).values_list("content_type_id", flat=True)
    ).first()
    if content_type_id is None:
        with _live_pages_lock:
            _live_pages.pop(page_id, None)
        return None
    model = services.counter_model_for(content_type_id)
    with _live_pages_lock:
        if len(_live_pages) > 50_000:
            _live_pages.clear()
        _live_pages[page_id] = (content_type_id, model, now + PAGE_CACHE_SECONDS)
    return content_type_id, model


def own_hosts() -> set[str]:
    global _own_hosts
    hosts, expiry = _own_hosts
    if expiry < time.monotonic():
        hosts = services._own_hosts()
        _own_hosts = (hosts, time.monotonic() + 300)
    return hosts


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def _error(status: int, message: str) -> HttpResponse:
    return _no_store(JsonResponse({"error": message}, status=status))


def _parse_page_id(value) -> int | None:
    return positive_int(value)


class Outcome:
    """What to answer to a beacon: a status and, for errors, a French message."""

    __slots__ = ("status", "message")

    def __init__(self, status: int, message: str = ""):
        self.status = status
        self.message = message


ACCEPTED = Outcome(204)


def count_visit(meta, page_id: int, referrer: str, model: type | None) -> Outcome:
    """Bots, prefetches, opted-out readers: 204 and nothing written (telling a bot it was ignored
    helps no one). Others wait for their batch to commit; 503 if it could not be."""
    if is_bot(meta) or refuses_tracking(meta):
        return ACCEPTED
    day = timezone.localdate()
    hit = services.Hit(
        page_id=page_id,
        day=day,
        key=visitor_key(meta, page_id, day),
        referrer=referrer_label(referrer, own_hosts()),
        counter_model=model,
        ts=time.time(),
    )
    if not visit_buffer.submit(hit):
        return Outcome(503, "Visite non enregistrée, réessayez.")
    return ACCEPTED


def handle_beacon(meta, read) -> Outcome:
    """The whole beacon, independent of Django's request object so that the WSGI fast path
    (``redac.visits.fastpath``) and the Django view share it. ``read(n)`` reads the body."""
    try:
        declared = int(meta.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return Outcome(400, "Content-Length invalide.")
    if declared > MAX_BODY_BYTES:
        return Outcome(413, "Corps de requête trop grand.")
    body = read(declared) if declared else b""  # never past Content-Length: it would block
    if len(body) > MAX_BODY_BYTES:
        return Outcome(413, "Corps de requête trop grand.")
    try:
        # RecursionError: 2 KB of nested ``[`` is deeper than the parser's recursion limit
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return Outcome(400, 'Corps JSON attendu : {"page": <id>, "referrer": "<url>"}.')
    if not isinstance(payload, dict):
        return Outcome(400, "Objet JSON attendu.")
    page_id = _parse_page_id(payload.get("page"))
    referrer = payload.get("referrer", "") or ""
    if page_id is None:
        return Outcome(400, "Identifiant de page invalide.")
    if not isinstance(referrer, str) or len(referrer) > MAX_REFERRER_CHARS:
        return Outcome(400, "Provenance invalide.")
    page = live_page(page_id)
    if page is None:
        return Outcome(400, "Page inconnue.")
    if not from_own_page(meta, own_hosts(), require_evidence=False):
        return ACCEPTED  # sent from another site's page: answered alike, never counted
    return count_visit(meta, page_id, referrer, page[1])


def _response(outcome: Outcome) -> HttpResponse:
    if outcome.status == 204:
        return _no_store(HttpResponse(status=204))
    response = _error(outcome.status, outcome.message)
    if outcome.status == 503:
        response["Retry-After"] = "1"
    return response


@csrf_exempt  # a cookieless beacon: there is no session to forge a request against
def beacon(request):
    if request.method != "POST":
        return _no_store(HttpResponse(status=405, headers={"Allow": "POST"}))
    return _response(handle_beacon(request.META, request.read))


def pixel(request, page_id: int):
    """For readers without JavaScript: the same count, from an ``<img>`` in ``<noscript>``."""
    page = live_page(page_id)
    if page is None:
        return _error(404, "Page inconnue.")
    # Only an <img> of this site's pages counts: any site can embed the pixel, and its address
    # can be typed in; the same image is answered either way.
    if from_own_page(request.META, own_hosts(), require_evidence=True):
        count_visit(request.META, page_id, "", page[1])
    return _no_store(HttpResponse(PIXEL, content_type="image/gif"))


def total(request, page_id: int):
    page = live_page(page_id)
    if page is None:
        return _error(404, "Page inconnue.")
    return _no_store(JsonResponse({"visits": services.visit_total(page_id, page[0])}))
