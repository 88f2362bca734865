"""The SPIP importer's visit history lands in the same tables, so counters continue."""

import datetime as dt

import pytest

from redac.visits.models import DailyPageVisits, DailyReferrer, DailySiteVisits, PageStats
from redac.visits.services import import_history, import_site_history

pytestmark = pytest.mark.django_db


def test_history_sets_total_series_popularity_and_referrers(demo):
    breve = demo["breves"]["petition-guichets"]
    daily = {dt.date(2025, 1, 1): 10, dt.date(2025, 1, 2): 32}
    referrers = {"https://www.lemonde.fr/a": 3, "http://lemonde.fr/b": 2, "www.google.fr": 7}
    import_history(breve, total=1500, daily=daily, popularity=4.5, referrers=referrers)
    breve.refresh_from_db()
    assert breve.visit_count == 1500
    stats = PageStats.objects.get(page_id=breve.pk)
    assert stats.total == 1500 and stats.popularity_at(stats.updated_ts) == pytest.approx(4.5)
    assert dict(DailyPageVisits.objects.filter(page_id=breve.pk).values_list("day", "visits")) \
        == daily  # fmt: skip
    assert dict(DailyReferrer.objects.values_list("domain", "visits")) == {
        "lemonde.fr": 5, "Moteurs de recherche : Google": 7,
    }  # fmt: skip


def test_importing_twice_updates_instead_of_doubling(demo):
    breve = demo["breves"]["petition-guichets"]
    for _ in range(2):
        import_history(breve, total=100, daily={dt.date(2025, 1, 1): 10})
        import_site_history({dt.date(2025, 1, 1): 250})
    breve.refresh_from_db()
    assert breve.visit_count == 100
    assert DailyPageVisits.objects.get(page_id=breve.pk).visits == 10
    assert DailySiteVisits.objects.get().visits == 250


def test_negative_counts_are_refused_and_nothing_is_written(demo):
    breve = demo["breves"]["petition-guichets"]
    with pytest.raises(ValueError):
        import_history(breve, total=10, daily={dt.date(2025, 1, 1): -1})
    assert not PageStats.objects.exists()
