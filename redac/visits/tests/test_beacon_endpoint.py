"""The beacon endpoint: what counts, what does not, and what is refused without writing."""

import json

import pytest
from django.utils import timezone
from freezegun import freeze_time

from redac.news.models import BrevePage
from redac.visits.models import (
    POPULARITY_POINTS_PER_VISIT,
    DailyPageVisits,
    DailyReferrer,
    DailySiteVisits,
    PageStats,
    SeenVisitor,
)

from .conftest import BROWSER

pytestmark = pytest.mark.django_db


def nothing_written():
    return not (
        DailyPageVisits.objects.exists() or SeenVisitor.objects.exists()
        or PageStats.objects.exists() or DailySiteVisits.objects.exists()
    )  # fmt: skip


def test_a_visit_updates_counter_daily_series_referrer_and_popularity(demo, beacon):
    breve = demo["breves"]["petition-guichets"]
    response = beacon(breve.pk, referrer="https://www.google.fr/search?q=guichets")
    assert response.status_code == 204
    breve.refresh_from_db()
    assert breve.visit_count == 843  # the demo's 842, plus one
    today = timezone.localdate()
    assert DailyPageVisits.objects.get(page_id=breve.pk, day=today).visits == 1
    assert DailySiteVisits.objects.get(day=today).visits == 1
    assert DailyReferrer.objects.get(page_id=breve.pk).domain == "Moteurs de recherche : Google"
    stats = PageStats.objects.get(page_id=breve.pk)
    assert stats.total == 1
    assert stats.popularity_at(stats.updated_ts) == pytest.approx(POPULARITY_POINTS_PER_VISIT)


def test_the_beacon_sets_no_cookie_and_is_never_cached(demo, beacon, client):
    breve = demo["breves"]["petition-guichets"]
    response = beacon(breve.pk)
    assert not response.cookies
    assert response["Cache-Control"] == "no-store"
    count = client.get(f"/api/visits/{breve.pk}/")
    assert count["Cache-Control"] == "no-store" and not count.cookies


def test_the_count_endpoint_gives_the_total_shown_on_the_page(demo, beacon, client):
    breve = demo["breves"]["petition-guichets"]
    beacon(breve.pk)
    response = client.get(f"/api/visits/{breve.pk}/")
    assert response.status_code == 200
    assert response.json() == {"visits": 843}
    assert client.get("/api/visits/999999/").status_code == 404


def test_a_reader_counts_once_per_page_per_day(demo, beacon):
    breve = demo["breves"]["petition-guichets"]
    other = demo["breves"]["assemblee-generale"]
    with freeze_time("2026-03-10 10:00:00"):
        assert beacon(breve.pk).status_code == 204
        assert beacon(breve.pk).status_code == 204
        assert beacon(other.pk).status_code == 204  # another page: another visit
        beacon(breve.pk, ip="203.0.113.77")  # same /24 and browser: the same reader
    assert PageStats.objects.get(page_id=breve.pk).total == 1
    assert PageStats.objects.get(page_id=other.pk).total == 1
    with freeze_time("2026-03-11 10:00:00"):
        beacon(breve.pk)  # a new day, a new secret: a new visit
    assert PageStats.objects.get(page_id=breve.pk).total == 2
    assert DailyPageVisits.objects.filter(page_id=breve.pk).count() == 2


@pytest.mark.parametrize(
    "user_agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/120.0 Safari/537.36",
        "curl/8.5.0",
        "python-requests/2.32",
        "",
    ],
)
def test_bots_are_answered_but_not_counted(demo, beacon, user_agent):
    breve = demo["breves"]["petition-guichets"]
    assert beacon(breve.pk, user_agent=user_agent).status_code == 204
    assert nothing_written()


@pytest.mark.parametrize(
    "header", [{"HTTP_SEC_PURPOSE": "prefetch;prerender"}, {"HTTP_PURPOSE": "prefetch"},
               {"HTTP_X_MOZ": "prefetch"}],
)  # fmt: skip
def test_prefetches_are_not_visits(demo, beacon, header):
    assert beacon(demo["breves"]["petition-guichets"].pk, **header).status_code == 204
    assert nothing_written()


@pytest.mark.parametrize("header", [{"HTTP_DNT": "1"}, {"HTTP_SEC_GPC": "1"}])
def test_do_not_track_and_gpc_are_honoured_when_the_site_enables_it(demo, beacon, settings, header):
    breve = demo["breves"]["petition-guichets"]
    settings.VISITS_HONOUR_DNT = True
    assert beacon(breve.pk, **header).status_code == 204
    assert nothing_written()
    settings.VISITS_HONOUR_DNT = False
    beacon(breve.pk, **header)
    assert PageStats.objects.get(page_id=breve.pk).total == 1


@pytest.mark.security_case("statistics")
def test_forged_page_ids_unknown_unpublished_restricted_or_root_pages_are_refused(demo, beacon):
    breve = demo["breves"]["petition-guichets"]
    draft = demo["breves"]["assemblee-generale"]
    draft.unpublish()
    for page_id in (999_999, draft.pk, 1):
        response = beacon(page_id)
        assert response.status_code == 400, page_id
    assert beacon(breve.pk, body=json.dumps({"page": True})).status_code == 400
    assert nothing_written()


@pytest.mark.security_case("statistics")
@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("x" * 1_000_000, 413),
        (json.dumps({"page": 15, "referrer": "https://a.example/" + "x" * 3000}), 413),
        (json.dumps({"page": 15, "referrer": "https://a.example/" + "x" * 1500}), 400),
        ("pas du json", 400),
        ("[15]", 400),
        (json.dumps({"page": "quinze"}), 400),
        (json.dumps({"page": 15, "referrer": ["https://a.example/"]}), 400),
        ("", 400),
    ],
)
def test_malformed_or_oversized_bodies_are_refused_without_writing(demo, beacon, body, status):
    response = beacon(None, body=body)
    assert response.status_code == status
    assert "error" in response.json()
    assert nothing_written()


def test_get_on_the_beacon_is_not_allowed(client):
    assert client.get("/api/visits/").status_code == 405


def test_the_noscript_pixel_counts_a_reader_without_javascript(demo, client, synchronous_visits):
    breve = demo["breves"]["petition-guichets"]
    # as a browser loads it from one of the site's pages (issue 15: only those count)
    response = client.get(f"/api/visits/{breve.pk}/pixel.gif", HTTP_USER_AGENT=BROWSER,
                          HTTP_SEC_FETCH_SITE="same-origin")  # fmt: skip
    assert response.status_code == 200 and response["Content-Type"] == "image/gif"
    assert response["Cache-Control"] == "no-store"
    assert PageStats.objects.get(page_id=breve.pk).total == 1
    assert client.get("/api/visits/999999/pixel.gif").status_code == 404


def test_public_pages_load_the_beacon_script_and_the_noscript_pixel(demo, client):
    breve = demo["breves"]["petition-guichets"]
    html = client.get(breve.url).content.decode()
    assert f'data-page-id="{breve.pk}"' in html
    assert "visits/visits.js" in html
    assert f'<noscript><img class="visits-pixel" src="/api/visits/{breve.pk}/pixel.gif"' in html
    assert "<script>" not in html  # no inline script: the public CSP forbids it


def test_the_same_hit_recorded_twice_counts_once(demo):
    from redac.visits.services import Hit, record_hits

    breve = demo["breves"]["petition-guichets"]
    hit = Hit(breve.pk, timezone.localdate(), "a" * 32, "", BrevePage, 0.0)
    assert record_hits([hit, hit]) == 1
    assert record_hits([hit]) == 0
    assert PageStats.objects.get(page_id=breve.pk).total == 1
