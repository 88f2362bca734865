"""``/api/csrf/``: a CSRF token for forms on cached pages.

A cached page is the same bytes for every reader, so it cannot carry a per-visitor CSRF token.
Forms marked ``data-redac-csrf`` get one at submit time from this endpoint
(``redac/static/redac/js/csrf.js``), which also sets the CSRF cookie the token is checked against.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def csrf_token(request):
    response = JsonResponse({"token": get_token(request)})
    response.redac_cache = False
    return response
