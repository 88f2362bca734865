"""Django's cache when several app servers share Redis (``REDAC_CACHE_URL``).

What redac and Wagtail keep in Django's cache must be the same on every node: Wagtail's site root
paths (a node with its own copy renders ``href="None"`` after a home page's slug changed elsewhere)
and the forms' rate limits (per node, they would multiply by the number of nodes); login and
page-password throttles are in the database already. So with a shared store configured, Django's
cache is Redis, under ``REDAC_REDIS_PREFIX``.

Redis failing must not fail or slow the page: every call goes through the breaker of
:mod:`redac.core.lib.shared`, and while Redis does not answer this process uses a local memory
cache instead (rate limits then count per node, Wagtail recomputes its site root paths). A delete
made meanwhile (Wagtail's site root paths after a home page or site change) is done again in Redis
when it answers, and the local memory cache is emptied then, so that neither keeps a value the
other node changed.
"""

from __future__ import annotations

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

from redac.core.lib import shared

#: Keys deleted (already made) while Redis failed, by Redis address: deleted there on recovery.
_missed_deletes: dict[str, set[str]] = {}
_recovery_hooked: set[str] = set()
MAX_MISSED = 10_000


def _hook_recovery(url: str, local: LocMemCache) -> None:
    if url in _recovery_hooked:
        return
    _recovery_hooked.add(url)

    def recovered():
        local.clear()
        keys = _missed_deletes.pop(url, set())
        if keys:
            shared.call(url, lambda client: client.delete(*keys))

    shared.breaker_for(url).on_recover(recovered)


class SharedCache(BaseCache):
    """Redis through the breaker, a process-local memory cache while the breaker is open."""

    def __init__(self, server, params):
        super().__init__(params)
        self.url = server
        options = {**shared.client_options(), **params.get("OPTIONS", {})}
        self._shared = RedisCache(server, {**params, "OPTIONS": options})
        self._local = LocMemCache(f"redac-shared-fallback-{server}", {
            "TIMEOUT": params.get("TIMEOUT", 300), "KEY_PREFIX": params.get("KEY_PREFIX", ""),
            "VERSION": params.get("VERSION", 1), "OPTIONS": {"MAX_ENTRIES": 5000},
        })  # fmt: skip
        _hook_recovery(server, self._local)

    def _missed(self, keys, version):
        missed = _missed_deletes.setdefault(self.url, set())
        for key in keys:
            if len(missed) < MAX_MISSED:
                missed.add(self._shared.make_and_validate_key(key, version=version))

    def _do(self, name, *args, **kwargs):
        import redis

        breaker = shared.breaker_for(self.url)
        if breaker.allow():
            try:
                result = getattr(self._shared, name)(*args, **kwargs)
            except (redis.RedisError, OSError) as exc:
                breaker.failure(exc)
            else:
                breaker.success()
                return result
        return getattr(self._local, name)(*args, **kwargs)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._do("add", key, value, self._t(timeout), version=version)

    def get(self, key, default=None, version=None):
        return self._do("get", key, default, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._do("set", key, value, self._t(timeout), version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._do("touch", key, self._t(timeout), version=version)

    def delete(self, key, version=None):
        result = self._do("delete", key, version=version)
        if shared.breaker_for(self.url).is_open:
            self._missed([key], version)
        return result

    def get_many(self, keys, version=None):
        return self._do("get_many", keys, version=version)

    def has_key(self, key, version=None):
        return self._do("has_key", key, version=version)

    def incr(self, key, delta=1, version=None):
        return self._do("incr", key, delta, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._do("set_many", data, self._t(timeout), version=version)

    def delete_many(self, keys, version=None):
        keys = list(keys)
        result = self._do("delete_many", keys, version=version)
        if shared.breaker_for(self.url).is_open:
            self._missed(keys, version)
        return result

    def clear(self):
        """Only this site's keys: Django's own ``clear`` would empty the whole Redis database
        (another site's cache, the page cache, the visitor secret)."""
        self._local.clear()

        def delete_prefixed(client):
            pattern = self.make_key("*").replace(":1:*", ":*")
            batch = []
            for key in client.scan_iter(match=pattern, count=1000):
                batch.append(key)
                if len(batch) >= 1000:
                    client.delete(*batch)
                    batch = []
            if batch:
                client.delete(*batch)

        shared.call(self.url, delete_prefixed)

    def _t(self, timeout):
        # BaseCache's DEFAULT_TIMEOUT sentinel means "the backend's default": pass it on as is.
        return timeout
