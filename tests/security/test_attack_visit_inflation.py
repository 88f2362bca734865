"""Issue 15 (low): visit counts grew by one for each new User-Agent from the same address, and
``/api/visits/<id>/pixel.gif`` counted visits from any site that embedded it. One address now
adds at most ``USER_AGENT_BUCKETS`` visits to a page a day, whatever it sends; the pixel counts
only when the browser says one of this site's pages asked for it (``Sec-Fetch-Site``, else
``Referer``), and a beacon that a browser says came from another site is not counted."""

from __future__ import annotations

import json

import pytest
from django.conf import settings

from redac.visits.visitor import USER_AGENT_BUCKETS

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"


@pytest.fixture(autouse=True)
def _fresh_caches():
    from redac.visits import views

    views._live_pages.clear()
    views._own_hosts = (set(), 0.0)
    yield
    views._live_pages.clear()


@pytest.fixture
def synchronous_visits(monkeypatch):
    from redac.visits import services, views

    def submit(hit, timeout=10.0):
        services.record_hits([hit])
        return True

    monkeypatch.setattr(views.visit_buffer, "submit", submit)


@pytest.fixture
def page(demo):
    return next(iter(demo["breves"].values()))


def visits(page) -> int:
    """Today's visits of ``page`` (the demo holds some history of its own)."""
    from django.utils import timezone

    from redac.visits.models import DailyPageVisits

    return sum(DailyPageVisits.objects.filter(page_id=page.pk, day=timezone.localdate())
               .values_list("visits", flat=True))  # fmt: skip


def beacon(client, page, *, ip="203.0.113.5", user_agent=BROWSER, **headers):
    return client.post("/api/visits/", data=json.dumps({"page": page.pk, "referrer": ""}),
                       content_type="text/plain;charset=UTF-8", REMOTE_ADDR=ip,
                       HTTP_USER_AGENT=user_agent, **headers)  # fmt: skip


def test_attack_visit_inflation_new_user_agents_from_one_address_add_a_bounded_count(
    client, page, synchronous_visits
):
    for n in range(200):
        ua = f"Mozilla/5.0 (X11; Linux x86_64; rv:{n}.0) Gecko/20100101 Firefox/{n}.0"
        assert beacon(client, page, user_agent=ua).status_code == 204
    assert 1 <= visits(page) <= USER_AGENT_BUCKETS
    # the neighbours in the same /24 share the bound (the address is truncated before anything)
    for n in range(50):
        beacon(client, page, ip=f"203.0.113.{n + 10}", user_agent=f"{BROWSER} n{n}")
    assert visits(page) <= USER_AGENT_BUCKETS


def test_attack_visit_inflation_distinct_readers_still_count(client, page, synchronous_visits):
    """Not a cap on the page: readers at other addresses each count."""
    for n in range(30):
        beacon(client, page, ip=f"198.51.{n}.7")
    assert visits(page) == 30


def test_attack_visit_inflation_the_pixel_counts_only_for_this_sites_pages(
    client, page, synchronous_visits
):
    url = f"/api/visits/{page.pk}/pixel.gif"
    site = settings.SITE_URL.rstrip("/")
    # embedded by another site, typed in, or from an opaque origin: the image, no count
    for n, headers in enumerate([
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_REFERER": "https://evil.example/page"},
        {"HTTP_SEC_FETCH_SITE": "none"},
        {"HTTP_REFERER": "https://evil.example/page"},
        {"HTTP_REFERER": f"https://{site.split('//')[1]}.evil.example/"},
        {},  # no evidence at all
    ]):  # fmt: skip
        response = client.get(url, REMOTE_ADDR=f"192.0.2.{n + 1}", HTTP_USER_AGENT=BROWSER,
                              **headers)  # fmt: skip
        assert response.status_code == 200 and response["Content-Type"] == "image/gif"
    assert visits(page) == 0
    # an <img> of one of this site's pages: counted
    client.get(url, REMOTE_ADDR="198.51.100.1", HTTP_USER_AGENT=BROWSER,
               HTTP_SEC_FETCH_SITE="same-origin")  # fmt: skip
    client.get(url, REMOTE_ADDR="198.51.101.1", HTTP_USER_AGENT=BROWSER,
               HTTP_REFERER=f"{site}{page.url}")  # fmt: skip
    assert visits(page) == 2


def test_attack_visit_inflation_a_beacon_from_another_site_is_not_counted(
    client, page, synchronous_visits
):
    assert beacon(client, page, ip="192.0.2.50", HTTP_SEC_FETCH_SITE="cross-site",
                  HTTP_ORIGIN="https://evil.example").status_code == 204  # fmt: skip
    assert beacon(client, page, ip="192.0.2.51",
                  HTTP_ORIGIN="https://evil.example").status_code == 204  # fmt: skip
    assert visits(page) == 0
    beacon(client, page, ip="198.51.100.9", HTTP_SEC_FETCH_SITE="same-origin",
           HTTP_ORIGIN=settings.SITE_URL.rstrip("/"))  # fmt: skip
    assert visits(page) == 1


def test_attack_visit_inflation_the_fast_path_applies_the_same_rules(page, monkeypatch):
    """The beacon's WSGI fast path runs the same code (views.handle_beacon)."""
    import io

    from redac.visits import views

    counted = []
    monkeypatch.setattr(views, "count_visit", lambda *a, **k: counted.append(a) or views.ACCEPTED)
    body = json.dumps({"page": page.pk}).encode()
    meta = {"CONTENT_LENGTH": str(len(body)), "HTTP_SEC_FETCH_SITE": "cross-site",
            "REMOTE_ADDR": "192.0.2.9", "HTTP_USER_AGENT": BROWSER}  # fmt: skip
    assert views.handle_beacon(meta, io.BytesIO(body).read).status == 204
    assert counted == []
