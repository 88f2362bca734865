"""The counter's fast path: ``GET /api/petitions/<page id>/`` answered before Django's
middleware and URL routing, as the visit beacon's is (redac.visits.fastpath).

Why it is safe to skip them for this one URL: the answer uses no session, cookie, user, CSRF
token or locale; it runs the same code as the Django view (``views.counter_response``), whose
answers each worker remembers for a second (``services.remembered_counter``); the host is
checked against ``ALLOWED_HOSTS`` as Django would; the answer carries the security headers the
middleware would add. Every other request goes through Django unchanged.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import close_old_connections, connection
from django.http.request import split_domain_port, validate_host

from redac.core.middleware import PERMISSIONS_POLICY, PUBLIC_CSP

from .views import COUNTER_MAX_AGE, counter_response

COUNTER_PATH = re.compile(r"^/api/petitions/([0-9]{1,12})/$")
STATUS_LINES = {200: "200 OK", 404: "404 Not Found"}
COMMON_HEADERS = [
    ("Content-Type", "application/json"),
    ("Cache-Control", f"public, max-age={COUNTER_MAX_AGE}"),
    ("Access-Control-Allow-Origin", "*"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Content-Security-Policy", PUBLIC_CSP),
    ("Permissions-Policy", PERMISSIONS_POLICY),
]


class PetitionCounterFastPath:
    def __init__(self, application):
        self.application = application
        self.allowed_hosts = None

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD")
        match = COUNTER_PATH.match(environ.get("PATH_INFO", ""))
        if match is None or method not in ("GET", "HEAD") or environ.get("QUERY_STRING"):
            return self.application(environ, start_response)
        if not self._host_allowed(environ):
            return self.application(environ, start_response)  # Django answers 400 as usual
        in_transaction = connection.in_atomic_block
        if not in_transaction:
            close_old_connections()
        had_connection = connection.connection is not None
        try:
            status, body = counter_response(int(match.group(1)))
        finally:
            if not in_transaction:
                close_old_connections()
            if not in_transaction and not had_connection and connection.connection is not None:
                # Many threads answer counters: one database connection kept per thread would
                # exhaust PostgreSQL's (the beacon's fast path does the same).
                connection.close()
        headers = [*COMMON_HEADERS, ("Content-Length", str(len(body)))]
        start_response(STATUS_LINES[status], headers)
        return [b""] if method == "HEAD" else [body]

    def _host_allowed(self, environ) -> bool:
        if self.allowed_hosts is None:
            hosts = list(settings.ALLOWED_HOSTS)
            if settings.DEBUG and not hosts:
                hosts = [".localhost", "127.0.0.1", "[::1]"]
            self.allowed_hosts = hosts
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        domain, _port = split_domain_port(host)
        return bool(domain) and validate_host(domain, self.allowed_hosts)
