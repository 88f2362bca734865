"""Site-wide fragments (main navigation, flash ticker, campaign banner) computed once per worker
and reused until something invalidates the page cache or a scheduled change comes.

They are the same on every page, so recomputing them on each uncached page is four or five queries
of pure waste. The page-cache generation token (redac.delivery.store) already changes whenever a
page, a flash item or a banner is published, so it is the right key; the next scheduled change
(redac.delivery.schedule) bounds how long a value lives.
"""

from __future__ import annotations

import time

from . import conf
from .schedule import next_scheduled_change

_values: dict = {}


def site_wide(name: str, compute):
    token = conf.get_store().token()
    now = time.time()
    hit = _values.get(name)
    if hit is not None and hit[0] == token and hit[1] > now:
        return hit[2]
    value = compute()
    _values[name] = (token, min(next_scheduled_change(), now + 300), value)
    return value


def forget() -> None:
    _values.clear()
