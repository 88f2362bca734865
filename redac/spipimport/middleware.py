"""Old SPIP addresses answer 301 to the imported objects (see ``models.LegacyURL``).

Placed last in MIDDLEWARE, i.e. closest to the views: addresses no redac page can have
(``spip.php?…``, ``article12.html``, ``article.php3?…``, ``IMG/…``, ``/?article12``) are answered
before any view runs; slugs ("propres" URLs) only after the site answered 404, so a real page
always wins over an old address. One indexed query per candidate request; nothing in memory.
"""

from __future__ import annotations

from django.http import Http404, HttpResponsePermanentRedirect

from . import legacy


class LegacyURLMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            # no SPIP address holds a NUL byte, and PostgreSQL refuses one in a query (a 500)
            return self.get_response(request)
        if request.method in ("GET", "HEAD"):
            query = request.META.get("QUERY_STRING", "")
            if legacy.looks_legacy(request.path, query):
                keys = legacy.keys_for_request(request.path, query)
                target = self._target(keys)
                # SPIP pages that name no object (search, feeds, home, private area)
                target = target or legacy.page_target(request.path, query)
                if target:
                    return HttpResponsePermanentRedirect(target)
                if legacy.numbered_key(request.path, query) or legacy.forum_key(
                    request.path, query
                ):
                    # an old address of an object readers cannot see (unpublished, trashed, an
                    # author with nothing published): not found, never the home page that
                    # ``/?page=article&id_article=N`` would otherwise reach
                    raise Http404
        response = self.get_response(request)
        if response.status_code == 404 and request.method in ("GET", "HEAD"):
            target = self._target(legacy.slug_keys(request.path))
            if target:
                return HttpResponsePermanentRedirect(target)
        return response

    @staticmethod
    def _target(keys: list[str]) -> str | None:
        if not keys:
            return None
        from .models import LegacyURL
        from .resolver import url_for_ref

        rows = {row.key: row for row in LegacyURL.objects.filter(key__in=keys)}
        for key in keys:
            row = rows.get(key)
            if row is None:
                continue
            if row.target_url:
                return row.target_url
            url = url_for_ref(row.target_ref)
            if url:
                return url
        return None
