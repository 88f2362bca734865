"""The shared infrastructure petitions use, imported in this one place.

The mail outbox, the personal-data registry, ``uncacheable()`` and the anti-spam form flow live
in ``core`` (issue 19).
The election silence is read through the app registry (``reserve`` is a feature app beside this
one, not below it), as ``delivery.schedule`` reads it today.
"""

from __future__ import annotations

from django.apps import apps

from redac.core.cachecontrol import uncacheable
from redac.core.lib.antispam import check_post, issue_stamp, restamp
from redac.core.mail import queue_mail, site_name
from redac.core.personal_data import register as register_personal_data

__all__ = [
    "check_post", "issue_stamp", "queue_mail", "register_personal_data", "restamp",
    "silence_active", "site_name", "uncacheable",
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
