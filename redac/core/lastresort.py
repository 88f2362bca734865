"""The last-resort error answer of the WSGI application, outside everything else.

Django turns an exception in a view or a middleware into the site's 500 page, and the security
middleware then adds its headers. What runs before Django (the beacon's fast path, the page
cache's fast path) or after it has answered has no such net: an exception there reached granian,
whose bare 500 carried no Content-Security-Policy, no nosniff (issue 15, « any_query_or_body_4xx »).
This wrapper is that net: any exception that escapes the application is logged and answered with a
short 500 that carries the same security headers as every other answer, and says nothing of the
error.
"""

from __future__ import annotations

import logging
import sys

from .middleware import PERMISSIONS_POLICY, PUBLIC_CSP

logger = logging.getLogger("django.request")

ERROR_BODY = (
    '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Erreur du serveur'
    "</title></head><body><h1>Erreur du serveur</h1><p>Une erreur est survenue. Réessayez dans"
    " un moment.</p></body></html>"
).encode()
#: What every answer of the site carries (redac.core.middleware, settings.py), for this one.
ERROR_HEADERS = [
    ("Content-Type", "text/html; charset=utf-8"),
    ("Cache-Control", "no-store"),
    ("Content-Security-Policy", PUBLIC_CSP),
    ("Permissions-Policy", PERMISSIONS_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
]


def last_resort(application):
    """``application`` whose escaping exceptions become a 500 with the security headers."""

    def guarded(environ, start_response):
        try:
            return application(environ, start_response)
        except Exception:
            logger.exception("Unhandled error on %s %s", environ.get("REQUEST_METHOD"),
                             environ.get("PATH_INFO"))  # fmt: skip
            headers = [*ERROR_HEADERS, ("Content-Length", str(len(ERROR_BODY)))]
            # exc_info lets a server replace a status line it has not sent yet (PEP 3333)
            start_response("500 Internal Server Error", headers, sys.exc_info())
            return [ERROR_BODY]

    guarded.__wrapped__ = application  # what it guards, for whoever inspects the stack
    return guarded
