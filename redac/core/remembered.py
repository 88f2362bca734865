"""Values every page shows (the site identity, the chrome's fragments), remembered by each worker
until what readers see changes.

Only the page cache knows when that is (its generation token, the next scheduled change), and it
sits above core (redac.delivery.chrome). So core asks here, and delivery installs its memory from
its ``ready()`` with :func:`provide`; without it (core used alone), values are computed on each
call, which is always correct.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

SiteWide = Callable[..., Any]
_provider: SiteWide | None = None


def site_wide(name: str, compute: Callable[[], Any], *, ttl: float = 300) -> Any:
    """``compute()``, remembered under ``name`` until the next invalidation of the page cache, the
    next scheduled change or ``ttl`` seconds, whichever comes first (shared: do not modify it)."""
    if _provider is None:
        return compute()
    return _provider(name, compute, ttl=ttl)


def provide(func: SiteWide) -> None:
    """Install the worker's memory: ``func(name, compute, *, ttl)`` (redac.delivery.chrome)."""
    global _provider
    _provider = func
