"""What petitions change on the cached pages, declared to the invalidation registry
(redac.core.signals, issue 19; docs: /work/briefs/registry-api.md).

- A petition's opening and closing dates change its article by the clock (the form appears or
  goes): :func:`petition_moments` tells delivery when.
- Saving or deleting a petition (an editor's change of text, goal, options, dates) changes its
  article: ``content_changed`` purges the article's URL.
- Signatures never purge anything: the counter in the HTML is refreshed from the API by the
  page's script (the contract allows 5 s), so a viral petition does not empty the cache.
"""

from __future__ import annotations

from django.db.models import Q
from django.db.models.signals import post_delete, post_save

from redac.core.signals import content_changed, register_clock

from .models import Petition


@register_clock
def petition_moments(now):
    """The next opening and the next closing of a petition on a live article."""
    upcoming = Petition.objects.on_live_pages().filter(Q(opens_at__gt=now) | Q(closes_at__gt=now))
    for opens_at, closes_at in upcoming.values_list("opens_at", "closes_at"):
        yield opens_at if opens_at and opens_at > now else None
        yield closes_at if closes_at and closes_at > now else None


def _article_changed(sender, instance, **kwargs):
    page = instance.page if instance.page_id else None
    if page is None or not page.live:
        return
    parts = page.get_url_parts()
    if parts:
        content_changed.send(sender=Petition, paths=[parts[2]],
                             reason=f"pétition de « {page.title} » modifiée")  # fmt: skip


post_save.connect(_article_changed, sender=Petition, dispatch_uid="petitions.article_changed")
post_delete.connect(_article_changed, sender=Petition, dispatch_uid="petitions.article_deleted")
