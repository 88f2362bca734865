"""The fast path: a WSGI application in front of Django that answers cache hits itself.

A hit never enters Django: no middleware, no URL resolution, no ORM, no template. It costs a few
dictionary lookups and a header check, which is what lets one machine answer tens of thousands of
readers a second (docs/performance.md). Whether a response may be shared is decided by Django
(:mod:`redac.delivery.middleware`), which knows about users, previews and CSRF; this layer only
refuses what it can see without Django (methods, cookies, query strings, paths) and stores what
Django marked.
"""

from __future__ import annotations

import re
import time
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl

from django.conf import settings

from . import conf
from .store import Entry

_HIT = [("X-Cache", "HIT")]
_DROP = {"content-length", "content-encoding", "date", "server", "x-cache", "set-cookie",
         conf.MARK_HEADER.lower(), conf.EXPIRES_HEADER.lower()}  # fmt: skip


def cache_key(environ) -> tuple[str, str, str] | None:
    """(scheme://host, path, page number) for a request that may be answered from the cache, or
    None when it must go to Django."""
    path = environ.get("PATH_INFO") or "/"
    if path.startswith(conf.NEVER_CACHED_PREFIXES) or path in conf.NEVER_CACHED_PATHS:
        return None
    cookie = environ.get("HTTP_COOKIE")
    if cookie and _private_cookie().search(cookie):
        return None
    page = ""
    query = environ.get("QUERY_STRING")
    if query:
        page = allowed_page(query)
        if page is None:
            return None
    scheme = environ.get("HTTP_X_FORWARDED_PROTO") if _behind_proxy() else None
    host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
    return (f"{scheme or environ.get('wsgi.url_scheme', 'http')}://{host.lower()}", path, page)


def allowed_page(query: str) -> str | None:
    """``page=N`` (and tracking parameters, ignored) -> "N"; any other parameter -> None."""
    page = ""
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name == "page" and not page and value.isdigit() and len(value) <= 6:
            page = value
        elif not conf.IGNORED_PARAMS.match(name):
            return None
    return page


_cookie_re = None


def _private_cookie():
    """Cookies whose presence means the page may differ for this visitor: a session (logged-in
    editor, or any session-backed state) or pending messages ("Votre message a été envoyé")."""
    global _cookie_re
    if _cookie_re is None:
        names = {settings.SESSION_COOKIE_NAME, getattr(settings, "MESSAGE_COOKIE_NAME", "messages"),
                 "messages"}  # fmt: skip
        _cookie_re = re.compile(r"(?:^|[;,]\s*)(?:" + "|".join(map(re.escape, names)) + r")=")
    return _cookie_re


def _behind_proxy() -> bool:
    return getattr(settings, "SECURE_PROXY_SSL_HEADER", None) is not None


def not_modified(entry: Entry, environ) -> bool:
    if not entry.status.startswith("200"):
        return False
    inm = environ.get("HTTP_IF_NONE_MATCH")
    if inm is not None:
        # Weak comparison (RFC 9110 8.8.3.2): the opaque tag, with or without W/.
        return inm.strip() == "*" or entry.etag[2:] in inm
    ims = environ.get("HTTP_IF_MODIFIED_SINCE")
    if ims:
        try:
            return int(entry.modified_at) <= parsedate_to_datetime(ims).timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            return False
    return False


def choose(entry: Entry, environ):
    accept = environ.get("HTTP_ACCEPT_ENCODING")
    if accept:
        variants = entry.variants
        if "br" in accept and "br" in variants:
            return variants["br"]
        if "gzip" in accept and "gzip" in variants:
            return variants["gzip"]
    return entry.variants["identity"]


class CachedApp:
    """``CachedApp(get_wsgi_application())``: see the module docstring."""

    def __init__(self, app, *, enabled: bool | None = None, x_cache: bool | None = None):
        self.app = app
        self.enabled = conf.config()["ENABLED"] if enabled is None else enabled
        #: Say HIT/MISS in an X-Cache header (settings.REDAC_X_CACHE_HEADER): off in production,
        #: where it would tell anyone which URLs somebody asked for recently.
        self.x_cache = (getattr(settings, "REDAC_X_CACHE_HEADER", False)
                        if x_cache is None else x_cache)  # fmt: skip

    def __call__(self, environ, start_response):
        if not self.enabled or environ["REQUEST_METHOD"] not in ("GET", "HEAD"):
            return self.app(environ, start_response)
        key = cache_key(environ)
        if key is None:
            return self.app(environ, start_response)
        store = conf.get_store()
        entry = store.get(key)
        if entry is not None:
            environ["redac.cache"] = "hit"  # for the metrics (redac.core.metrics)
            if not_modified(entry, environ):
                start_response("304 Not Modified",
                               entry.not_modified + _HIT if self.x_cache else entry.not_modified)  # fmt: skip
                return []
            headers, body = choose(entry, environ)
            start_response(entry.status, headers + _HIT if self.x_cache else headers)
            return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]
        return self.miss(key, store, environ, start_response)

    def miss(self, key, store, environ, start_response):
        environ["redac.cache"] = "miss"
        token = store.token()
        captured: dict = {}

        def capture(status, headers, exc_info=None):
            if "returned" not in captured and shareable(status, headers):
                captured["status"], captured["headers"] = status, headers
                return captured.setdefault("chunks", []).append
            return start_response(status, self._state(_public_headers(headers), "MISS"), exc_info)

        result = self.app(environ, capture)
        captured["returned"] = True
        if "status" not in captured:
            return result
        try:
            chunks = captured["chunks"] + list(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        body = b"".join(chunks)
        entry = self.build_entry(captured["status"], captured["headers"], body)
        if environ["REQUEST_METHOD"] == "GET" and entry is not None:
            store.put(key, entry, token, after=self.publish_step(key, entry))
        if entry is None:  # too large or malformed: answer as Django did
            start_response(captured["status"],
                           self._state(_public_headers(captured["headers"]), "MISS"))  # fmt: skip
            return [body]
        if not_modified(entry, environ):
            start_response("304 Not Modified", self._state(entry.not_modified, "MISS"))
            return []
        headers, payload = choose(entry, environ)
        start_response(entry.status, self._state(headers, "MISS"))
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [payload]

    def _state(self, headers, state: str):
        """The headers to send, with ``X-Cache: state`` when the setting asks for it."""
        return headers + [("X-Cache", state)] if self.x_cache else headers

    def build_entry(self, status, headers, body) -> Entry | None:
        options = conf.config()
        now = time.time()
        expires_at = now + options["TTL"]
        kept, vary = [], ["Accept-Encoding"]
        for name, value in headers:
            lower = name.lower()
            if lower == conf.EXPIRES_HEADER.lower():
                try:
                    expires_at = min(expires_at, float(value))
                except ValueError:
                    pass
            elif lower == "vary":
                vary.extend(v.strip() for v in value.split(",") if v.strip() not in vary)
            elif lower not in _DROP:
                kept.append((name, value))
        if not status.startswith("200"):
            expires_at = min(expires_at, now + options["ERROR_TTL"])
        signed_until = signed_url_expiry(body)
        if signed_until is not None:
            # A signed media URL in the page (an original on private object storage): the entry
            # must die before the URL does, or readers get pages whose links answer 403.
            expires_at = min(expires_at, signed_until - SIGNED_URL_MARGIN)
            if expires_at <= now:
                return None
            # Nor may a CDN keep it (no purge comes when the URL expires): it revalidates.
            kept = [(name, SIGNED_CACHE_CONTROL if name.lower() == "cache-control" else value)
                    for name, value in kept]  # fmt: skip
        kept.append(("Vary", ", ".join(vary)))
        return Entry.build(status, kept, body, expires_at=expires_at, modified_at=now)

    def publish_step(self, key, entry):
        from .conf import get_publisher

        publisher = get_publisher()
        _origin, path, page = key
        content_type = next((v for k, v in entry.headers if k.lower() == "content-type"), "")
        if (publisher is None or page or not entry.status.startswith("200")
                or not content_type.startswith("text/html")):  # fmt: skip
            return None
        if signed_url_expiry(entry.body) is not None:
            return None  # nginx would serve the file after its signed URLs expired
        return lambda: publisher.publish(path, entry.body, entry.gzip_body)


#: A page holding a signed URL is dropped from the cache this long before the URL expires.
SIGNED_URL_MARGIN = 60
#: What a page holding a signed URL tells browsers and CDNs: ask again each time (a 304 when it
#: has not changed), never serve it stale.
SIGNED_CACHE_CONTROL = "public, max-age=0, s-maxage=0, must-revalidate"
_AMZ_V4 = re.compile(rb"X-Amz-Date=(\d{8}T\d{6}Z)(?:(?!X-Amz-Date=)[^\"'\s<>]){0,600}?"
                     rb"X-Amz-Expires=(\d{1,7})")  # fmt: skip
_AMZ_V4_REVERSED = re.compile(rb"X-Amz-Expires=(\d{1,7})(?:(?!X-Amz-Expires=)[^\"'\s<>]){0,600}?"
                              rb"X-Amz-Date=(\d{8}T\d{6}Z)")  # fmt: skip
#: Signature V2, CloudFront and most other signers: an absolute ``Expires=<unix time>``.
_EXPIRES = re.compile(rb"[?&;]Expires=(\d{9,11})(?![\d])")


def signed_url_expiry(body: bytes) -> float | None:
    """The earliest expiry (Unix time) of the signed URLs in a response body, or None."""
    if b"Expires=" not in body:
        return None
    import calendar

    def signed_at(stamp: bytes) -> float:
        try:
            return calendar.timegm(time.strptime(stamp.decode(), "%Y%m%dT%H%M%SZ"))
        except ValueError:  # not a date: an unknown lifetime, so none at all in the cache
            return 0.0

    times = []
    for match in _AMZ_V4.finditer(body):
        times.append(signed_at(match.group(1)) + int(match.group(2)))
    for match in _AMZ_V4_REVERSED.finditer(body):
        times.append(signed_at(match.group(2)) + int(match.group(1)))
    times += [float(m.group(1)) for m in _EXPIRES.finditer(body)]
    return min(times) if times else None


def shareable(status: str, headers) -> bool:
    """Did Django mark this response as shareable, and does nothing in it say otherwise?"""
    if not status.startswith(("200", "404", "410")):
        return False
    marked = False
    for name, value in headers:
        lower = name.lower()
        if lower == "set-cookie":
            return False
        if lower == "cache-control" and re.search(r"private|no-store|no-cache", value, re.I):
            return False
        if lower == conf.MARK_HEADER.lower() and value == "public":
            marked = True
    return marked


def _public_headers(headers):
    """Django's headers minus our internal ones (and any X-Cache: the WSGI layer says it)."""
    return [(k, v) for k, v in headers if k.lower() not in (
        conf.MARK_HEADER.lower(), conf.EXPIRES_HEADER.lower(), "x-cache")]  # fmt: skip
