"""The shared infrastructure petitions use, imported in this one place.

Issue 19 is moving the mail outbox, the personal-data registry, ``uncacheable()`` and the
anti-spam form flow from ``contact`` to ``core``: when it lands, only the imports below change.
The election silence is read through the app registry (``reserve`` is a feature app beside this
one, not below it), as ``delivery.schedule`` reads it today.
"""

from __future__ import annotations

from django.apps import apps

from redac.contact.personal_data import register as register_personal_data
from redac.contact.services import queue_mail, site_name
from redac.contact.views import uncacheable
from redac.core.lib.antispam import (
    THROTTLED_MESSAGE,
    hit_rate_limit,
    honeypot_filled,
    issue_stamp,
    use_stamp,
)

__all__ = [
    "THROTTLED_MESSAGE", "hit_rate_limit", "honeypot_filled", "issue_stamp", "use_stamp",
    "queue_mail", "register_personal_data", "silence_active", "site_name", "uncacheable",
]  # fmt: skip


def silence_active(page, now) -> bool:
    """Whether the election silence of ``page``'s site (or of the default site) is on at
    ``now``. The editor who ticks « fermer pendant la réserve » says the petition is campaign
    content: no campaign section is needed for it to close."""
    if not apps.is_installed("redac.reserve"):
        return False
    ElectionSilence = apps.get_model("reserve", "ElectionSilence")
    silences = list(ElectionSilence.objects.select_related("site__root_page"))
    path = getattr(page, "path", "") or ""
    for silence in silences:
        if path and path.startswith(silence.site.root_page.path):
            return silence.is_active(now)
    default = next((s for s in silences if s.site.is_default_site), None)
    return default is not None and default.is_active(now)
