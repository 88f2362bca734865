"""Retention: daily series and referrers kept 25 months, visitor keys one day."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from redac.visits.models import (
    DailyPageVisits,
    DailyReferrer,
    DailySiteVisits,
    PageStats,
    SeenVisitor,
)
from redac.visits.services import purge_visits, retention_cutoff

pytestmark = pytest.mark.django_db


def test_the_cutoff_is_twenty_five_months_back():
    assert retention_cutoff(dt.date(2026, 11, 27), 25) == dt.date(2024, 10, 27)
    assert retention_cutoff(dt.date(2026, 3, 31), 25) == dt.date(2024, 2, 28)


def test_purge_deletes_old_series_and_past_keys_and_keeps_the_rest(demo, settings, capsys):
    breve = demo["breves"]["petition-guichets"]
    today = timezone.localdate()
    old = today - dt.timedelta(days=800)
    recent = today - dt.timedelta(days=700)
    for day in (old, recent):
        DailyPageVisits.objects.create(page_id=breve.pk, day=day, visits=1)
        DailySiteVisits.objects.create(day=day, visits=1)
        DailyReferrer.objects.create(page_id=breve.pk, day=day, domain="a.example", visits=1)
    SeenVisitor.objects.create(day=today - dt.timedelta(days=1), key="a" * 32)
    SeenVisitor.objects.create(day=today, key="b" * 32)
    PageStats.objects.create(page_id=breve.pk, total=2)
    stale_secret = settings.DATA_DIR / "run" / "visits-secret-2000-01-01"
    stale_secret.parent.mkdir(exist_ok=True)
    stale_secret.write_text("00")
    call_command("purge_visits")
    assert "supprimé 1 ligne(s) par page" in capsys.readouterr().out
    assert list(DailyPageVisits.objects.values_list("day", flat=True)) == [recent]
    assert list(DailySiteVisits.objects.values_list("day", flat=True)) == [recent]
    assert list(DailyReferrer.objects.values_list("day", flat=True)) == [recent]
    assert list(SeenVisitor.objects.values_list("key", flat=True)) == ["b" * 32]
    assert PageStats.objects.get().total == 2  # an anonymous total is not a series
    assert not stale_secret.exists()
    assert purge_visits()["daily_pages"] == 0
