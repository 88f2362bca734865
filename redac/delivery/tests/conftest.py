"""A reader talking WSGI to redac's real entry point (the page cache in front of Django), and a
fresh page cache per test."""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass

import brotli
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from redac.delivery import conf, schedule
from redac.delivery.publish import Publisher
from redac.delivery.store import FileStore
from redac.delivery.wsgi import CachedApp


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes

    def header(self, name: str, default=None):
        return self.headers.get(name.lower(), default)

    @property
    def text(self) -> str:
        body = self.body
        encoding = self.header("content-encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            body = brotli.decompress(body)
        return body.decode()


class WsgiClient:
    """Enough of a browser to exercise the WSGI fast path: method, path, query, cookies, headers."""

    def __init__(self, app):
        self.app = app

    def request(self, method, path, *, query="", cookies=None, headers=None, host="testserver"):
        environ = {
            "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query,
            "SERVER_NAME": "testserver", "SERVER_PORT": "80", "HTTP_HOST": host,
            "SERVER_PROTOCOL": "HTTP/1.1", "SCRIPT_NAME": "", "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""), "wsgi.errors": io.StringIO(),
            "wsgi.version": (1, 0), "wsgi.multithread": False, "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }  # fmt: skip
        if cookies:
            environ["HTTP_COOKIE"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        for name, value in (headers or {}).items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        captured = {}

        def start_response(status, response_headers, exc_info=None):
            captured["status"] = int(status.split()[0])
            captured["headers"] = response_headers
            return lambda data: None

        # As Django's test client does, around each request: the test's transaction owns the
        # connection, which close_old_connections would otherwise close (PostgreSQL).
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            result = self.app(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        headers = {}
        for name, value in captured["headers"]:
            headers.setdefault(name.lower(), value)
        return Response(captured["status"], headers, body)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def head(self, path, **kwargs):
        return self.request("HEAD", path, **kwargs)


@pytest.fixture
def page_cache(tmp_path, settings):
    """An empty page cache (and static publishing folder) for this test only."""
    settings.REDAC_PAGE_CACHE = {**conf.config(), "ENABLED": True, "PUBLISH_DIR": ""}
    store = FileStore(tmp_path / "cache", max_bytes=64 * 1024 * 1024,
                      memory_bytes=8 * 1024 * 1024, check_interval=0.05)  # fmt: skip
    publisher = Publisher(tmp_path / "public")
    conf.use_store(store, publisher)
    schedule.forget()
    yield store
    conf.reset()
    schedule.forget()


@pytest.fixture
def publish_dir(page_cache, tmp_path):
    return tmp_path / "public"


@pytest.fixture
def reader(page_cache):
    """An anonymous visitor of the WSGI application as granian runs it (CachedApp(Django))."""
    return WsgiClient(CachedApp(WSGIHandler(), enabled=True))
