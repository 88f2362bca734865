"""Django's side of the page cache: decide whether a response may be shared, and say so.

Only Django knows whether the visitor is logged in, whether a CSRF token or a message was rendered,
whether the page is a preview. This middleware turns that into an explicit mark
(``X-Redac-Cache: public``) that the WSGI layer requires before storing anything, plus the caching
headers CDNs and browsers see. Everything not marked stays private: a mistake here loses speed, not
an editor's draft.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.utils.cache import patch_cache_control

from redac.typo import budget as typo_budget

from . import conf
from .chrome import prime_site
from .schedule import apply_due_changes, next_scheduled_change

_PRIVATE_CC = re.compile(r"private|no-store|no-cache", re.I)


class DeliveryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        apply_due_changes()
        # a page whose SPIP text went over its work budget shows that text escaped: it must
        # be neither cached nor published, so that a fixed text replaces it at once
        typo_budget.reset_overruns()
        if request.method in ("GET", "HEAD") and not request.path.startswith(
            conf.NEVER_CACHED_PREFIXES
        ):
            prime_site(request)
        response = self.get_response(request)
        if typo_budget.overruns():
            response.redac_cache = False
            patch_cache_control(response, private=True, no_cache=True, no_store=True)
        if request.method in ("GET", "HEAD") and conf.config()["ENABLED"]:
            if is_shareable(request, response):
                options = conf.config()
                response[conf.MARK_HEADER] = "public"
                response[conf.EXPIRES_HEADER] = str(next_scheduled_change())
                if "Cache-Control" not in response:
                    # Browsers revalidate every time (a cheap 304); CDNs keep it for s-maxage and
                    # may serve it stale while they fetch a fresh copy. Purges make it precise.
                    patch_cache_control(
                        response, public=True, max_age=0, s_maxage=options["CDN_MAX_AGE"],
                        stale_while_revalidate=conf.STALE_WHILE_REVALIDATE,
                    )  # fmt: skip
            elif not request.path.startswith(conf.NEVER_CACHED_PREFIXES):
                # A public URL answered for one visitor (an editor, a form with a token): no CDN
                # or browser may keep it for someone else.
                patch_cache_control(response, private=True, no_cache=True)
        return response


def is_shareable(request, response) -> bool:
    if request.path.startswith(conf.NEVER_CACHED_PREFIXES):
        return False
    if response.status_code not in (200, 404, 410) or response.streaming:
        return False
    if getattr(response, "redac_cache", True) is False:
        return False
    if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    if _PRIVATE_CC.search(response.get("Cache-Control", "")):
        return False
    content_type = response.get("Content-Type", "").split(";")[0].strip()
    if content_type not in conf.CACHEABLE_TYPES:
        return False
    if getattr(request, "is_preview", False):
        return False
    # LocaleMiddleware may render the interface in the reader's browser language; the cache key has
    # no language, so only pages in the site's own language are shared (else an English browser
    # would decide the language of the cached page for everybody).
    if response.get("Content-Language", settings.LANGUAGE_CODE) != settings.LANGUAGE_CODE:
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    for name in request.GET:
        if name != "page" and not conf.IGNORED_PARAMS.match(name):
            return False
    return True
