"""Site-wide fragments (main navigation, flash ticker, campaign banner, the request's site and
its home page, the site identity, view restrictions) computed once per worker and reused until
something invalidates the page cache or a scheduled change comes.

They are the same on every page, so recomputing them on each uncached page is four or five queries
of pure waste. The page-cache generation token (redac.delivery.store) already changes whenever a
page, a flash item or a banner is published, so it is the right key; the next scheduled change
(redac.delivery.schedule) bounds how long a value lives.
"""

from __future__ import annotations

import copy
import time

from django.core.exceptions import DisallowedHost

from . import conf
from .schedule import next_scheduled_change

_values: dict = {}
#: Distinct Host headers remembered (they are validated against ALLOWED_HOSTS first; the bound is
#: for wildcard ALLOWED_HOSTS, where a client could otherwise grow the dict without limit).
MAX_SITE_KEYS = 32


def site_wide(name: str, compute, *, ttl: float = 300):
    """``compute()``, remembered by this worker until the next invalidation, the next scheduled
    change or ``ttl`` seconds, whichever comes first."""
    store = conf.get_store()
    # The store's generation token, and the pending purges: while the shared store does not answer
    # its token stands still, and a purge written meanwhile must still renew these fragments.
    pending = store.pending
    token = (store.token(), pending.version if pending is not None else 0)
    now = time.time()
    hit = _values.get(name)
    if hit is not None and hit[0] == token and hit[1] > now:
        return hit[2]
    value = compute()
    _values[name] = (token, min(next_scheduled_change(), now + ttl), value)
    return value


def forget() -> None:
    _values.clear()


def prime_site(request) -> None:
    """Give a reader's request its Wagtail site, with the site's home page already specific, from
    this worker's memory: Wagtail would spend two queries on them for every page it serves. Each
    request gets its own copies, so nothing one request caches on them leaks into another."""
    try:
        host = request.get_host()  # raises for a Host that ALLOWED_HOSTS refuses
    except DisallowedHost:
        return
    key = f"site:{host}:{request.get_port()}"
    if key not in _values and sum(k.startswith("site:") for k in _values) >= MAX_SITE_KEYS:
        return
    site = site_wide(key, lambda: _load_site(request))
    if site is not None:
        mine = copy.copy(site)
        mine.root_page = copy.copy(site.root_page)
        request._wagtail_site = mine
    # Every {% pageurl %} asks for the site root paths, which Wagtail keeps in Django's cache (a
    # file read each time with the file cache): keep them here, with the same lifetime.
    from wagtail.models import Site

    request._wagtail_cached_site_root_paths = site_wide("site_root_paths", Site.get_site_root_paths)


def _load_site(request):
    from wagtail.models import Site

    # Wagtail's private lookup (the public one caches on the request): test_site_lookup.py fails
    # if it stops agreeing with Site.find_for_request.
    site = Site._find_for_request(request)
    if site is not None:
        site.root_page = site.root_page.specific
    return site
