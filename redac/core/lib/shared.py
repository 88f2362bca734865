"""The shared store of several app servers (Redis), reached without ever hanging a reader.

``REDAC_CACHE_URL=redis://...`` makes Redis the place where the page cache, Django's cache (Wagtail's
site root paths, rate limits) and the visitor key's daily secret are shared between nodes. Redis can
fail two ways: *refused* (it is down: the error comes at once) or *hanging* (a frozen process, a
network that drops packets: every call waits for its timeout). A public page makes a dozen calls,
so a hang of 2 s per call made pages of 40 s.

Two defences, used by every caller of Redis in redac:

- short timeouts (``REDAC_REDIS_TIMEOUT_MS``, for connecting and for each answer) and no retries
  inside the client;
- a circuit breaker per Redis address and process: after one failure, nobody in this process calls
  Redis for ``REDAC_REDIS_RETRY_SECONDS``; then one caller probes it (half-open) while the others
  keep doing without, and the first success closes the breaker. So a reader waits at most about one
  timeout when Redis hangs, and nothing while the breaker is open: pages are rendered (or served
  from the worker's memory layer), rate limits and the visitor secret fall back to this node.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings

log = logging.getLogger("redac.shared")


class CircuitBreaker:
    """closed -> (failure) -> open -> (delay) -> half-open: one probe -> closed or open again."""

    def __init__(self, name: str, retry_after: float):
        self.name = name
        self.retry_after = retry_after
        self._lock = threading.Lock()
        self._open_until = 0.0  # 0: closed
        self._probing = False
        self.opened_at: float | None = None  # wall-clock time of the opening (None: closed)
        self.failures = 0
        self._on_recover: list[Callable[[], None]] = []

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None

    def allow(self) -> bool:
        """May this call go to Redis? True when closed, and for one caller once the delay passed."""
        if self.opened_at is None:
            return True
        with self._lock:
            if self.opened_at is None:
                return True
            if self._probing or time.monotonic() < self._open_until:
                return False
            self._probing = True  # this caller is the probe; the others do without
            return True

    def success(self) -> None:
        if self.opened_at is None:
            return
        with self._lock:
            was_open = self.opened_at is not None
            self.opened_at = None
            self._open_until = 0.0
            self._probing = False
        if was_open:
            log.warning("%s answers again: using it", self.name)
            for callback in list(self._on_recover):
                try:
                    callback()
                except Exception:
                    log.exception("%s: recovery callback failed", self.name)

    def failure(self, exc: BaseException | None = None) -> None:
        with self._lock:
            first = self.opened_at is None
            self.failures += 1
            if first:
                self.opened_at = time.time()
            self._open_until = time.monotonic() + self.retry_after
            self._probing = False
        if first:
            log.warning("%s does not answer (%s): doing without it, next try in %.0f s",
                        self.name, exc, self.retry_after)  # fmt: skip

    def on_recover(self, callback: Callable[[], None]) -> None:
        if callback not in self._on_recover:
            self._on_recover.append(callback)

    def reset(self) -> None:
        with self._lock:
            self.opened_at = None
            self._open_until = 0.0
            self._probing = False


_breakers: dict[str, CircuitBreaker] = {}
_clients: dict[str, object] = {}
_lock = threading.Lock()


def timeout_seconds() -> float:
    return getattr(settings, "REDAC_REDIS_TIMEOUT_MS", 250) / 1000


def breaker_for(url: str) -> CircuitBreaker:
    """One breaker per Redis address in this process: the page cache, Django's cache and the
    visitor secret all learn at once that it hangs."""
    breaker = _breakers.get(url)
    if breaker is None:
        with _lock:
            breaker = _breakers.setdefault(
                url,
                CircuitBreaker(f"Redis {_redacted(url)}",
                               getattr(settings, "REDAC_REDIS_RETRY_SECONDS", 2.0)),
            )  # fmt: skip
    return breaker


def client_options() -> dict:
    """Options for ``redis.Redis``: short timeouts, no silent retries (each would wait again)."""
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    timeout = timeout_seconds()
    return {
        "socket_timeout": timeout,
        "socket_connect_timeout": timeout,
        "retry": Retry(NoBackoff(), 0),
        "health_check_interval": 0,
    }


def client_for(url: str):
    """A redis client with :func:`client_options`, one per address and process."""
    client = _clients.get(url)
    if client is None:
        import redis

        with _lock:
            client = _clients.get(url)
            if client is None:
                client = _clients[url] = redis.Redis.from_url(url, **client_options())
    return client


def shared_url() -> str:
    """The shared store's address (``REDAC_CACHE_URL``), or "" on a single node."""
    return getattr(settings, "REDAC_PAGE_CACHE", {}).get("URL", "") or ""


def redis_prefix() -> str:
    """``REDAC_REDIS_PREFIX``: the start of every key redac writes in Redis."""
    return getattr(settings, "REDAC_PAGE_CACHE", {}).get("REDIS_PREFIX", "redac:")


def call(url: str, func: Callable, default=None):
    """``func(client)`` through the breaker: ``default`` when the breaker is open or Redis fails."""
    import redis

    breaker = breaker_for(url)
    if not breaker.allow():
        return default
    try:
        result = func(client_for(url))
    except (redis.RedisError, OSError) as exc:
        breaker.failure(exc)
        return default
    breaker.success()
    return result


def _redacted(url: str) -> str:
    """The address without its password, for logs."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}{':' + str(parts.port) if parts.port else ''}{parts.path}"


def forget() -> None:
    """Tests: new clients and closed breakers."""
    with _lock:
        _breakers.clear()
        _clients.clear()
