"""Changes that happen by the clock rather than by an editor's action: a flash item expiring, a
campaign banner starting or ending, an election silence opening or closing. No signal fires then,
so the content apps declare those moments (redac.core.signals.register_clock), every cached page
carries the earliest of them as its latest expiry, and the first request Django sees after that
time (a cache miss, a visit beacon, an editor) empties the page cache, the published files and
the CDN. Scheduled *publishing* of pages and snippets goes through Wagtail's
``publish_scheduled``, which fires the ordinary signals (redac.delivery.signals).
"""

from __future__ import annotations

import math
import time

from django.utils import timezone

from redac.core import signals as registry

from . import conf

#: How long a computed value is trusted without re-reading the database.
RECHECK_SECONDS = 300
_cache: dict = {"value": None, "token": None, "computed": 0.0}


def _compute(now: float) -> float:
    moment = timezone.now()
    candidates = []
    for clock in registry.clock_functions():
        candidates.extend(clock(moment) or ())
    times = [c.timestamp() for c in candidates if c is not None]
    return min(times) if times else math.inf


def next_scheduled_change() -> float:
    """Unix time of the next clock-driven change to what every page shows (or far in the future)."""
    now = time.time()
    token = conf.get_store().token()
    value = _cache["value"]
    if (value is None or value <= now or token != _cache["token"]
            or now - _cache["computed"] > RECHECK_SECONDS):  # fmt: skip
        value = _compute(now)
        _cache.update(value=value, token=token, computed=now)
    return value if value != math.inf else now + conf.config()["TTL"]


def apply_due_changes() -> None:
    """Called on every request Django handles: once the change we told caches about has come,
    empty them (once per process; a second empty cache costs nothing)."""
    value = _cache["value"]
    if value is not None and value <= time.time():
        _cache["value"] = None
        from .invalidation import invalidate_everything

        invalidate_everything(reason="heure d'un changement programmé")


def forget() -> None:
    _cache.update(value=None, token=None, computed=0.0)
