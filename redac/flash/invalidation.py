"""What flash items and campaign banners invalidate in the page cache, declared in the registry of
redac.core.signals (read by redac.delivery, which names neither).

The flash ticker and the campaign banner show on every page: publishing, unpublishing or
deleting a live one empties the whole cache (drafts change nothing readers see), and so does a
page they link to changing. An item's expiry and a banner's start and end change every page by
the clock.
"""

from __future__ import annotations

from django.db.models import Min, Q

from redac.core import signals


def register() -> None:
    """Called once, from FlashConfig.ready()."""
    signals.register_site_wide("flash.FlashItem", on="publish")
    signals.register_site_wide("flash.CampaignBanner", on="publish")
    signals.register_clock(expiries_and_banner_times)
    signals.register_page_urls(linked_from_every_page)


def expiries_and_banner_times(now) -> list:
    """The next expiry of a live flash item, and the next start and end of a live banner."""
    from .models import CampaignBanner, FlashItem

    expiry = FlashItem.objects.filter(live=True, expire_at__gt=now).aggregate(m=Min("expire_at"))
    banners = CampaignBanner.objects.filter(live=True).aggregate(
        starts=Min("starts_at", filter=Q(starts_at__gt=now)),
        ends=Min("ends_at", filter=Q(ends_at__gt=now)),
    )
    return [expiry["m"], banners["starts"], banners["ends"]]


def linked_from_every_page(page) -> list[str]:
    """A page that the visible flash ticker or the active banner links to shows on every page."""
    from .models import CampaignBanner, FlashItem

    if FlashItem.objects.visible().filter(link_page_id=page.pk).exists():
        return ["/*"]
    if CampaignBanner.objects.active().filter(link_page_id=page.pk).exists():
        return ["/*"]
    return []
