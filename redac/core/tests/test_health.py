"""/healthz and /readyz (issue 17): probes answered in front of every cache, never cached.

A load balancer probing ``/`` got a cached 200 while the database was down; these probes say what
the node can really do, through the WSGI application exactly as granian runs it (redac.wsgi)."""

from __future__ import annotations

import json
import socket

import pytest
from django.db import connection
from django.db.utils import OperationalError

from redac.core import health
from redac.core.health import HealthApp
from redac.delivery import conf
from redac.delivery.store import RedisStore
from redac.delivery.tests.conftest import WsgiClient, page_cache  # noqa: F401


@pytest.fixture
def node(demo, page_cache):  # noqa: F811 (the delivery tests' fixture)
    """The WSGI stack of redac/wsgi.py (probes, beacons, page cache, Django), page cache on."""
    from django.core.handlers.wsgi import WSGIHandler

    from redac.delivery.wsgi import CachedApp
    from redac.visits.fastpath import BeaconFastPath

    health._migrations_applied.clear()
    yield WsgiClient(HealthApp(BeaconFastPath(CachedApp(WSGIHandler(), enabled=True))))
    health._migrations_applied.clear()


def test_redac_wsgi_puts_the_probes_in_front_of_everything():
    from redac.core.logs import RequestContext
    from redac.wsgi import application

    assert isinstance(application, RequestContext)  # which only names the request
    # then the last-resort error answer (redac.core.lastresort), which only catches what escapes
    assert isinstance(application.app.__wrapped__, HealthApp)


def probe(node, path, **kwargs):
    response = node.request("GET", path, **kwargs)
    assert "no-store" in response.headers["cache-control"], path
    return response


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db
def test_healthz_answers_without_the_database_and_whatever_the_host(node, monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("database is down")

    monkeypatch.setattr(connection, "cursor", down)
    # A load balancer probes with the node's address as Host, which ALLOWED_HOSTS does not list.
    response = probe(node, "/healthz", host="10.1.2.3:8000")
    assert response.status == 200
    assert response.body == b"ok\n"


@pytest.mark.django_db
def test_readyz_is_ready_when_database_cache_and_migrations_are(node):
    response = probe(node, "/readyz", host="10.1.2.3:8000")
    assert response.status == 200
    assert json.loads(response.body) == {
        "status": "ready",
        "checks": {"database": "ok", "cache": "ok", "migrations": "ok"},
    }


@pytest.mark.django_db
def test_readyz_fails_while_the_database_is_down_though_cached_pages_are_served(node, monkeypatch):
    assert node.request("GET", "/").status == 200
    assert node.request("GET", "/").headers.get("x-cache") == "HIT"

    def down(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(connection, "cursor", down)
    assert node.request("GET", "/").status == 200  # readers keep being served from the cache
    response = probe(node, "/readyz")
    assert response.status == 503
    assert response.headers["retry-after"]
    body = json.loads(response.body)
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "fail"
    assert "could not connect" not in response.body.decode()  # no error details to the world


@pytest.mark.django_db
def test_readyz_fails_when_a_migration_of_the_code_is_not_applied(node):
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM django_migrations WHERE app = 'core' AND name = "
            "(SELECT MAX(name) FROM django_migrations WHERE app = 'core')"
        )
    response = probe(node, "/readyz")
    assert response.status == 503
    assert json.loads(response.body)["checks"] == {
        "database": "ok", "cache": "ok", "migrations": "fail"}  # fmt: skip


@pytest.mark.django_db
def test_readyz_fails_when_the_configured_redis_does_not_answer(node):
    store = RedisStore(f"redis://127.0.0.1:{free_port()}/0", memory_bytes=0)
    conf.use_store(store, None)
    response = probe(node, "/readyz")
    assert response.status == 503
    assert json.loads(response.body)["checks"]["cache"] == "fail"


@pytest.mark.django_db
def test_probes_are_never_stored_by_the_page_cache(node, monkeypatch):
    for _ in range(2):
        for path in ("/healthz", "/readyz"):
            response = probe(node, path)
            assert "x-cache" not in response.headers
    assert not any(p in ("/healthz", "/readyz") for p in conf.get_store().cached_paths())
    # Not through the page cache alone either (the layer that decides refuses these paths).
    from redac.delivery.wsgi import cache_key

    assert cache_key({"PATH_INFO": "/readyz", "HTTP_HOST": "x"}) is None


@pytest.mark.django_db
def test_probes_refuse_other_methods(node):
    assert node.request("POST", "/readyz").status == 405


def test_the_redis_keys_start_with_the_configured_prefix(settings):
    """Two sites on one Redis (REDAC_REDIS_PREFIX) never share an entry or a counter."""
    settings.REDAC_PAGE_CACHE = {**conf.config(), "URL": f"redis://127.0.0.1:{free_port()}/0",
                                 "REDIS_PREFIX": "journal2:"}  # fmt: skip
    conf.reset()
    try:
        store = conf.get_store()
        assert store.prefix == "journal2:pc:"
        assert store.seq_key.startswith("journal2:")
        assert all(key.startswith("journal2:") for key in store._keys(("http://a", "/", "")))
    finally:
        conf.reset()
