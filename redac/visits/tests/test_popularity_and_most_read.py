"""SPIP's popularity, computed incrementally, and the « Les plus lus » block."""

import datetime as dt

import pytest
from django.utils import timezone

from redac.news.models import ArticlePage, BrevePage
from redac.visits.models import POPULARITY_POINTS_PER_VISIT, DailyPageVisits, PageStats
from redac.visits.services import Hit, popular_pages, record_hits

pytestmark = pytest.mark.django_db
K = POPULARITY_POINTS_PER_VISIT


def hit(page, key, ts, model=None):
    return Hit(page.pk, timezone.localdate(), key, "", model, ts)


def test_each_visit_adds_ln2_over_half_and_the_score_halves_every_twelve_hours(demo):
    breve = demo["breves"]["petition-guichets"]
    t0 = 1_800_000_000.0
    record_hits([hit(breve, "a" * 32, t0), hit(breve, "b" * 32, t0)])
    stats = PageStats.objects.get(page_id=breve.pk)
    assert stats.popularity_at(t0) == pytest.approx(2 * K)
    assert stats.popularity_at(t0 + 12 * 3600) == pytest.approx(K)
    record_hits([hit(breve, "c" * 32, t0 + 24 * 3600)])
    stats.refresh_from_db()
    assert stats.popularity_at(t0 + 24 * 3600) == pytest.approx(2 * K / 4 + K)


def test_popular_pages_are_ranked_by_the_decayed_score(demo):
    old = demo["breves"]["petition-guichets"]
    fresh = demo["breves"]["assemblee-generale"]
    now = timezone.now().timestamp()
    record_hits([hit(old, f"{n:032x}", now - 48 * 3600) for n in range(4)])  # 4 visits, 2 days ago
    record_hits([hit(fresh, f"{n + 100:032x}", now) for n in range(2)])  # 2 visits now
    ranking = [page.pk for page, _ in popular_pages()]
    assert ranking[:2] == [fresh.pk, old.pk]


def visits(page, count, days_ago=0):
    DailyPageVisits.objects.update_or_create(
        page_id=page.pk, day=timezone.localdate() - dt.timedelta(days=days_ago),
        defaults={"visits": count},
    )  # fmt: skip
    PageStats.objects.update_or_create(page_id=page.pk, defaults={"total": count})


def most_read_titles(html: str, heading: str) -> list[str]:
    import html as html_lib
    import re

    block = re.search(r'<section class="most-read".*?</section>', html, re.S).group(0)
    part = block.split(heading)[1].split("</ol>")[0]
    titles = re.findall(r'<a href="[^"]+">([^<]+)</a>', part)
    return [html_lib.unescape(t).replace("\u202f", " ").replace("\u00a0", " ") for t in titles]


def test_home_shows_the_most_read_of_the_week_and_of_all_time(demo, client):
    article = ArticlePage.objects.live().order_by("pk").first()
    breve = demo["breves"]["festival-livre"]
    visits(article, 5)
    visits(breve, 9, days_ago=30)  # read a lot, but a month ago
    html = client.get("/").content.decode()
    assert "Les plus lus" in html
    assert most_read_titles(html, "Ces 7 derniers jours") == [article.title]
    assert most_read_titles(html, "Depuis toujours")[:2] == [breve.title, article.title]


def test_a_section_lists_only_its_own_most_read(demo, client):
    culture = demo["home"].get_children().get(slug="culture").specific
    inside = ArticlePage.objects.live().descendant_of(culture).first()
    outside = BrevePage.objects.live().first()
    visits(inside, 3)
    visits(outside, 50)
    html = client.get(culture.url).content.decode()
    expected = inside.title.replace("\u00a0", " ").replace("'", "’")
    titles = [t.replace("'", "’") for t in most_read_titles(html, "Ces 7 derniers jours")]
    assert titles == [expected]


def test_unpublished_pages_never_appear_in_most_read(demo, client):
    breve = demo["breves"]["festival-livre"]
    visits(breve, 9)
    breve.unpublish()
    assert breve.title not in client.get("/").content.decode().split("Les plus lus")[-1]


def test_a_score_untouched_for_years_decays_to_zero_without_error(demo):
    breve = demo["breves"]["petition-guichets"]
    PageStats.objects.create(page_id=breve.pk, total=5, score=3.0, updated_ts=0.0)
    assert [score for _, score in popular_pages()] == [pytest.approx(0.0)]
    record_hits([hit(breve, "d" * 32, 1_800_000_000.0)])
    stats = PageStats.objects.get(page_id=breve.pk)
    assert stats.popularity_at(stats.updated_ts) == pytest.approx(K)


def test_the_most_read_block_follows_new_visits_within_a_minute(demo, client):
    from freezegun import freeze_time

    from redac.visits.templatetags.visits_tags import MOST_READ_SECONDS

    article = ArticlePage.objects.live().order_by("pk").first()
    breve = demo["breves"]["festival-livre"]
    visits(article, 5)
    assert most_read_titles(client.get("/").content.decode(), "Ces 7 derniers jours") == [
        article.title
    ]
    visits(breve, 9)  # the worker keeps the ranking it computed for at most a minute
    later = timezone.now() + dt.timedelta(seconds=MOST_READ_SECONDS + 1)
    with freeze_time(later):
        titles = most_read_titles(client.get("/").content.decode(), "Ces 7 derniers jours")
    assert titles[:2] == [breve.title, article.title]
