"""Leaving: the personal link of each letter; RFC 8058 one-click POST without login or CSRF token
leaves that list at once; the page also offers leaving every list, which erases the address."""

import pytest
from django.test import Client

from redac.newsletter import sending
from redac.newsletter.models import NewsletterList, Subscriber, Subscription


@pytest.fixture
def reader(weekly, make_subscribers):
    subscriber = make_subscribers(weekly, 1)[0]
    releases = NewsletterList.objects.create(name="Communiqués", slug="communiques")
    Subscription.objects.create(subscriber=subscriber, list=releases, status="confirmed",
                                consent_version="v1")  # fmt: skip
    return subscriber


def _path(subscriber, newsletter_list):
    return sending.list_unsubscribe_url(subscriber, newsletter_list).split("8000", 1)[1]


@pytest.mark.security_case("newsletter")
def test_one_click_post_leaves_that_list_only_without_login_or_csrf(reader, weekly):
    client = Client(enforce_csrf_checks=True)
    response = client.post(_path(reader, weekly), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert list(Subscription.objects.values_list("list__slug", flat=True)) == ["communiques"]


def test_opening_the_link_changes_nothing_and_offers_both_choices(client, reader, weekly):
    response = client.get(_path(reader, weekly))
    page = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "Lettre hebdomadaire" in page and "Quitter toutes les lettres" in page
    assert Subscription.objects.count() == 2  # mail scanners open links: a GET does nothing


def test_leaving_every_list_erases_the_address(client, reader, weekly):
    client.post(_path(reader, weekly), {"tout": "1"})
    assert not Subscriber.objects.exists() and not Subscription.objects.exists()


def test_leaving_the_last_list_erases_the_address(client, reader, weekly):
    client.post(_path(reader, weekly))
    assert Subscriber.objects.exists()
    client.post(_path(reader, NewsletterList.objects.get(slug="communiques")))
    assert not Subscriber.objects.exists()


@pytest.mark.security_case("newsletter")
def test_a_tampered_link_is_refused(client, reader, weekly):
    path = _path(reader, weekly)
    assert client.post(path[:-3] + "xx/", {"List-Unsubscribe": "One-Click"}).status_code == 404
    token, signature = path.rstrip("/").rsplit("/", 1)[1].split(":")
    other = sending.unsubscribe_token(reader, NewsletterList.objects.get(slug="communiques"))
    forged = f"/lettre/quitter/{other.split(':')[0]}:{signature}/"  # another list, old signature
    assert client.post(forged, {"List-Unsubscribe": "One-Click"}).status_code == 404
    assert Subscription.objects.count() == 2
