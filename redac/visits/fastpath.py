"""The beacon's fast path: ``POST /api/visits/`` answered before Django's middleware and URL
routing, which cost several times the beacon's own work.

Why it is safe to skip them for this one URL: the beacon uses no session, cookie, user, CSRF
token, locale or redirect; it reads the body with the same bound and runs exactly the same code
as the Django view (``views.handle_beacon``); the host is checked against ``ALLOWED_HOSTS`` as
Django would; the answer carries the headers the security middleware would add. Every other
request, including ``GET /api/visits/<id>/``, goes through Django unchanged.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.db import close_old_connections, connection
from django.http.request import split_domain_port, validate_host

from redac.core.middleware import PERMISSIONS_POLICY, PUBLIC_CSP

from .views import handle_beacon

BEACON_PATH = "/api/visits/"
STATUS_LINES = {
    204: "204 No Content", 400: "400 Bad Request", 413: "413 Content Too Large",
    503: "503 Service Unavailable",
}  # fmt: skip
COMMON_HEADERS = [
    ("Cache-Control", "no-store"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Content-Security-Policy", PUBLIC_CSP),
    ("Permissions-Policy", PERMISSIONS_POLICY),
]


class BeaconFastPath:
    def __init__(self, application):
        self.application = application
        self.allowed_hosts = None

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != BEACON_PATH or environ.get("REQUEST_METHOD") != "POST":
            return self.application(environ, start_response)
        if not self._host_allowed(environ):
            return self.application(environ, start_response)  # Django answers 400 as usual
        # What Django's request_started/finished signals do; never inside a transaction, which
        # only happens when a test calls this directly (closing would end the test's transaction).
        in_transaction = connection.in_atomic_block
        if not in_transaction:
            close_old_connections()
        had_connection = connection.connection is not None
        try:
            outcome = handle_beacon(environ, environ["wsgi.input"].read)
        finally:
            if not in_transaction:
                close_old_connections()
            if not in_transaction and not had_connection and connection.connection is not None:
                # Validating an uncached page id opened one: beacons run on many threads, and
                # keeping a database connection per thread would exhaust PostgreSQL's.
                connection.close()
        headers = list(COMMON_HEADERS)
        if outcome.status == 204:
            body = b""
        else:
            body = json.dumps({"error": outcome.message}).encode()
            headers.append(("Content-Type", "application/json"))
            if outcome.status == 503:
                headers.append(("Retry-After", "1"))
        headers.append(("Content-Length", str(len(body))))
        start_response(STATUS_LINES.get(outcome.status, f"{outcome.status} Error"), headers)
        return [body]

    def _host_allowed(self, environ) -> bool:
        if self.allowed_hosts is None:
            hosts = list(settings.ALLOWED_HOSTS)
            if settings.DEBUG and not hosts:
                hosts = [".localhost", "127.0.0.1", "[::1]"]
            self.allowed_hosts = hosts
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        domain, _port = split_domain_port(host)
        return bool(domain) and validate_host(domain, self.allowed_hosts)
