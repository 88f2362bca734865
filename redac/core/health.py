"""``/healthz`` and ``/readyz``: what a load balancer or an orchestrator probes.

- ``/healthz``: the process answers (nothing else is touched: a database outage must not make
  every node look dead and get restarted).
- ``/readyz``: this node can serve readers: the database answers, the configured page-cache store
  answers (Redis when ``REDAC_CACHE_URL`` is set, else its folder is writable), and every migration
  of the code is applied. 200 when all hold, else 503 with ``Retry-After``; the body says which
  check failed (``{"status": "unavailable", "checks": {"database": "fail", ...}}``), never why in
  detail (no error text, no address).

Both are answered by a WSGI layer in front of everything else (redac/wsgi.py): before the page
cache (so a probe never gets a cached 200 while the database is down), before Django's host check
(a load balancer probes with the node's IP address as Host) and its middleware (which reads the
database for scheduled publications). Every answer says ``Cache-Control: no-store``, so no CDN,
proxy or browser keeps one; docs/deploy/nginx.conf passes both paths to redac as they are.
"""

from __future__ import annotations

import json
import logging
import threading

logger = logging.getLogger("redac.health")

PATHS = frozenset({"/healthz", "/readyz", "/metrics"})

_HEADERS = [
    ("Cache-Control", "no-store, max-age=0"),
    ("X-Content-Type-Options", "nosniff"),
]

_migrations_applied = threading.Event()  # once applied, they stay applied for this code


def check_database() -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone()[0] == 1


def check_cache() -> bool:
    """The page cache's store answers. The page cache sits above core: redac.delivery puts its
    store's ping in :data:`CHECKS` from its ``ready()``; without it there is nothing to check."""
    return True


def check_migrations() -> bool:
    if _migrations_applied.is_set():
        return True
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        return False
    _migrations_applied.set()
    return True


#: What ``/readyz`` checks, in this order; apps above core replace their entry from ``ready()``.
CHECKS = {"database": check_database, "cache": check_cache, "migrations": check_migrations}


def readiness() -> dict[str, str]:
    """Each check's outcome, ``ok`` or ``fail`` (migrations are not checked without a database)."""
    from django.db import close_old_connections, connection

    # As Django does around each request (a connection past its age or broken is reopened), except
    # inside a transaction that someone else owns (tests run the probes inside theirs).
    owned = not connection.in_atomic_block
    results: dict[str, str] = {}
    if owned:
        close_old_connections()
    try:
        for name, check in CHECKS.items():
            if name == "migrations" and results.get("database") != "ok":
                results[name] = "fail"
                continue
            try:
                results[name] = "ok" if check() else "fail"
            except Exception as exc:  # any failure of a dependency is "not ready", never a 500
                logger.warning("readyz: %s check failed: %s", name, type(exc).__name__)
                results[name] = "fail"
    finally:
        try:
            if owned:
                close_old_connections()
        except Exception:  # a broken connection is closed by the next request anyway
            logger.debug("readyz: closing the connection failed", exc_info=True)
    return results


class HealthApp:
    """``HealthApp(application)``: answers the two probe paths, passes everything else on."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO")
        if path not in PATHS:
            return self.app(environ, start_response)
        if path == "/metrics":
            return self.metrics(environ, start_response)
        if environ["REQUEST_METHOD"] not in ("GET", "HEAD"):
            start_response("405 Method Not Allowed", [("Allow", "GET, HEAD"), *_HEADERS,
                                                      ("Content-Length", "0")])  # fmt: skip
            return []
        if path == "/healthz":
            status, body, extra = "200 OK", b"ok\n", [("Content-Type", "text/plain")]
        else:
            checks = readiness()
            ready = all(value == "ok" for value in checks.values())
            status = "200 OK" if ready else "503 Service Unavailable"
            payload = {"status": "ready" if ready else "unavailable", "checks": checks}
            body = json.dumps(payload).encode() + b"\n"
            extra = [("Content-Type", "application/json")]
            if not ready:
                extra.append(("Retry-After", "5"))
        start_response(status, [*extra, *_HEADERS, ("Content-Length", str(len(body)))])
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def metrics(self, environ, start_response):
        """Prometheus' scrape (redac.core.metrics): only with the token; absent without one."""
        from redac.core import metrics

        allowed = metrics.authorised(environ)
        if allowed is None:
            return self.app(environ, start_response)  # off: the site answers (404)
        if environ["REQUEST_METHOD"] not in ("GET", "HEAD") or not allowed:
            body = b"Unauthorized\n"
            start_response("401 Unauthorized", [
                ("Content-Type", "text/plain"), ("WWW-Authenticate", 'Bearer realm="metrics"'),
                *_HEADERS, ("Content-Length", str(len(body)))])  # fmt: skip
            return [body]
        body, content_type = metrics.exposition()
        start_response("200 OK", [("Content-Type", content_type), *_HEADERS,
                                  ("Content-Length", str(len(body)))])  # fmt: skip
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]
