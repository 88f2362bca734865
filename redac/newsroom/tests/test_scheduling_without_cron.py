"""Scheduled publication and expiry run inside the background worker, with no cron: a frozen clock
moved second by second shows a brève going live and a flash item expiring less than 60 s after
their time, and a schedule missed while the site was down executed at the next start."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from freezegun import freeze_time

from redac.core import jobs


def scheduled_breve(listing, go_live_at, title="Brève programmée"):
    from redac.news.models import BrevePage

    breve = BrevePage(title=title, slug="breve-programmee", live=False, go_live_at=go_live_at)
    listing.add_child(instance=breve)
    revision = breve.save_revision()
    revision.publish()  # with a future go_live_at, Wagtail only schedules it
    breve.refresh_from_db()
    assert not breve.live
    return breve


def flash_expiring(expire_at):
    from redac.flash.models import FlashItem

    item = FlashItem(title="Rassemblement ce soir", expire_at=expire_at)
    item.save()
    item.save_revision().publish()
    item.refresh_from_db()
    assert item.live
    return item


def run_worker_for(seconds: int, start, until_true) -> int | None:
    """Simulate the worker's loop (one run_due_jobs call per second) on a frozen clock; return the
    second at which ``until_true()`` first holds."""
    from unittest import mock

    import django.db

    jobs.reset_schedule()  # a worker start: every job is due
    # The real worker closes stale connections between runs; here the whole test is one
    # transaction on one connection, which the moving clock must not make look stale.
    with mock.patch.object(django.db, "close_old_connections", lambda: None), \
            freeze_time(start) as clock:  # fmt: skip
        for second in range(seconds):
            jobs.run_due_jobs(now=float(second))
            if until_true():
                return second
            clock.tick(dt.timedelta(seconds=1))
    return None


def test_the_scheduler_is_registered_to_run_at_least_every_minute():
    registered = jobs.registered_jobs()
    assert "pages.publish_scheduled" in registered
    assert registered["pages.publish_scheduled"].every <= 60


def test_scheduled_breve_goes_live_and_flash_expires_within_a_minute(demo):
    from redac.flash.models import FlashItem
    from redac.news.models import BrevePage

    start = timezone.now().replace(microsecond=0)
    listing = next(iter(demo["breves"].values())).get_parent()
    breve = scheduled_breve(listing, start + dt.timedelta(seconds=100))
    item = flash_expiring(start + dt.timedelta(seconds=130))

    def breve_live():
        return BrevePage.objects.get(pk=breve.pk).live

    second = run_worker_for(200, start, breve_live)
    assert second is not None, "the brève never went live"
    assert 100 <= second < 160, f"live at +{second}s, more than 60 s late"

    def flash_gone():
        return not FlashItem.objects.visible().filter(pk=item.pk).exists() and not (
            FlashItem.objects.get(pk=item.pk).live
        )

    second = run_worker_for(200, start + dt.timedelta(seconds=100), flash_gone)
    assert second is not None, "the flash item never expired"
    assert 30 <= second < 90, f"expired at +{100 + second}s for +130s"
    assert FlashItem.objects.get(pk=item.pk).expired


def test_a_schedule_missed_during_downtime_runs_at_the_next_start(demo):
    from redac.news.models import BrevePage

    start = timezone.now().replace(microsecond=0)
    listing = next(iter(demo["breves"].values())).get_parent()
    breve = scheduled_breve(listing, start + dt.timedelta(minutes=10))
    # The site was down from start to start + 3 hours; the worker comes back.
    second = run_worker_for(3, start + dt.timedelta(hours=3),
                            lambda: BrevePage.objects.get(pk=breve.pk).live)  # fmt: skip
    assert second == 0


def test_two_overlapping_runs_publish_once(demo):
    """After a lease takeover two runs may overlap: each object is claimed once."""
    from wagtail.models import PageLogEntry

    from redac.newsroom.jobs import publish_due

    start = timezone.now().replace(microsecond=0)
    listing = next(iter(demo["breves"].values())).get_parent()
    breve = scheduled_breve(listing, start + dt.timedelta(seconds=5))
    with freeze_time(start + dt.timedelta(seconds=10)):
        assert publish_due() == 1
        assert publish_due() == 0
    assert PageLogEntry.objects.filter(page=breve, action="wagtail.publish.scheduled").count() == 1


@pytest.mark.parametrize("model_name", ["campaignbanner"])
def test_campaign_banner_expiry_is_scheduled_too(demo, model_name):
    from redac.flash.models import CampaignBanner
    from redac.newsroom.jobs import expire_due

    start = timezone.now().replace(microsecond=0)
    banner = CampaignBanner.objects.filter(live=True).first()
    banner.expire_at = start + dt.timedelta(seconds=30)
    banner.save()
    with freeze_time(start + dt.timedelta(seconds=31)):
        assert expire_due() >= 1
    banner.refresh_from_db()
    assert not banner.live and banner.expired
