"""The page cache's configuration (settings.REDAC_PAGE_CACHE) and the shared store/publisher.

One store and one publisher per process, built on first use from the settings, so that the WSGI
layer, the middleware and the invalidation signal handlers all see the same objects. Tests swap them
with :func:`use_store`.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

#: Never cached, whatever the response says: the admin, APIs (visit beacon, CSRF token), uploads
#: and static files (whitenoise and nginx serve those with their own headers).
NEVER_CACHED_PREFIXES = ("/admin/", "/api/", "/django-admin/", "/documents/", "/static/",
                         "/media/", "/cms/")  # fmt: skip
#: Health probes (redac.core.health): an answer is about this process now, never a stored one.
NEVER_CACHED_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
#: Content types worth keeping: pages, feeds, sitemaps, robots.txt.
CACHEABLE_TYPES = ("text/html", "application/rss+xml", "application/atom+xml", "application/xml",
                   "text/xml", "text/plain", "application/feed+json")  # fmt: skip
#: Query parameters that never change the HTML (campaign tracking): ignored in the cache key, so a
#: link shared with ``?utm_source=...`` on election night is still served from the cache.
IGNORED_PARAMS = re.compile(r"^(utm_[a-z]+|fbclid|gclid|mc_cid|mc_eid|xtor)$")
#: Response header by which Django tells the WSGI layer that a response may be shared, and when it
#: must expire at the latest (a flash item expiring, a campaign starting...). Never sent to clients.
MARK_HEADER = "X-Redac-Cache"
EXPIRES_HEADER = "X-Redac-Cache-Expires"
STALE_WHILE_REVALIDATE = 60

_state: dict = {}


def config() -> dict:
    defaults = {
        "ENABLED": True,
        "ROOT": Path(settings.DATA_DIR) / "cache" / "pages",
        "URL": "",
        "TTL": 86400,
        "ERROR_TTL": 30,
        "CDN_MAX_AGE": 300,
        "MAX_BYTES": 512 * 1024 * 1024,
        "MEMORY_BYTES": 64 * 1024 * 1024,
        "CHECK_INTERVAL": 0.1,
        "PUBLISH_DIR": "",
    }
    return {**defaults, **getattr(settings, "REDAC_PAGE_CACHE", {})}


def get_store():
    store = _state.get("store")
    if store is None:
        conf = config()
        if conf["URL"]:
            from .store import RedisStore

            prefix = conf.get("REDIS_PREFIX", "redac:") + "pc:"
            store = RedisStore(conf["URL"], prefix=prefix, memory_bytes=conf["MEMORY_BYTES"],
                               check_interval=conf["CHECK_INTERVAL"], max_ttl=conf["TTL"])  # fmt: skip
            from .outbox import pending

            store.pending = pending()
            if conf.get("POLL_OUTBOX", True):
                store.pending.start(store)
        else:
            from .store import FileStore

            store = FileStore(Path(conf["ROOT"]), max_bytes=conf["MAX_BYTES"],
                              memory_bytes=conf["MEMORY_BYTES"],
                              check_interval=conf["CHECK_INTERVAL"])  # fmt: skip
        _state["store"] = store
    return store


def get_publisher():
    if "publisher" not in _state:
        publish_dir = config()["PUBLISH_DIR"]
        if publish_dir:
            from .publish import Publisher

            _state["publisher"] = Publisher(Path(publish_dir))
        else:
            _state["publisher"] = None
    return _state["publisher"]


def use_store(store, publisher=None):
    """Replace the process's store and publisher (tests, benchmarks)."""
    _state["store"] = store
    _state["publisher"] = publisher


def reset():
    _state.clear()
