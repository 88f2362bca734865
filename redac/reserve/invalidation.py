"""What the election silence invalidates in the page cache, declared in the registry of
redac.core.signals (read by redac.delivery, which does not name it).

A silence opening or closing shows or hides comment forms in campaign sections: saving the
setting empties the whole cache, and its start and end change pages by the clock.
"""

from __future__ import annotations

from django.db.models import Min, Q

from redac.core import signals


def register() -> None:
    """Called once, from ReserveConfig.ready()."""
    signals.register_site_wide("reserve.ElectionSilence")
    signals.register_clock(silence_boundaries)


def silence_boundaries(now) -> list:
    """The next start and the next end of an election silence."""
    from .models import ElectionSilence

    silence = ElectionSilence.objects.aggregate(
        starts=Min("starts_at", filter=Q(starts_at__gt=now)),
        ends=Min("ends_at", filter=Q(ends_at__gt=now)),
    )
    return [silence["starts"], silence["ends"]]
