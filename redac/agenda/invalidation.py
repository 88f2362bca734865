"""What the agenda tells the page cache (issue 19's registry, redac.core.signals).

- **By the clock**: « à venir » becomes « passé » when an event ends, and « en cours » when it
  starts, with nobody saving anything. :func:`next_changes` gives delivery the next start and the
  next end after now among published events; delivery makes it the cached pages' expiry and
  empties the page cache, the published files and the CDN when it passes.
- **By a publication**: an event is not under the agenda page in the tree, so publishing,
  unpublishing, moving or deleting one purges every agenda address (its filters, months and files
  included). The event's own ancestors (its sections, the home page and its « Prochains
  rendez-vous ») are purged by delivery already.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Min, Q

from redac.core.paths import page_path
from redac.core.signals import register_clock, register_page_urls


def next_changes(now: dt.datetime) -> Iterable[dt.datetime | None]:
    """The next moment an event starts and the next moment one ends, after ``now`` (one query)."""
    from .models import EventOccurrence

    # Live events, restricted ones included: their moments only bring an expiry forward, and the
    # restricted paths are kept in a per-worker memo whose own expiry is this very computation.
    found = EventOccurrence.objects.published(paths=()).aggregate(
        start=Min("starts_at", filter=Q(starts_at__gt=now)),
        end=Min("ends_at", filter=Q(ends_at__gt=now)),
    )
    return [found["start"], found["end"]]


def agenda_addresses(page) -> Iterable[str]:
    """Every agenda address, as prefixes, when an event changes; nothing for other pages."""
    from .models import AgendaPage, EventPage

    if not isinstance(page, EventPage | AgendaPage):
        return []
    prefixes = []
    for agenda in AgendaPage.objects.all():
        path = page_path(agenda)
        if path:
            prefixes.append(path + "*")
    return prefixes


def register() -> None:
    register_clock(next_changes)
    register_page_urls(agenda_addresses)
