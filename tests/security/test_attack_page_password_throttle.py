"""Issue 15, item 8: the page-password form (``/_util/authenticate_with_password/…``) took 40
guesses in 0.2 s. Wrong page or collection passwords now count like wrong logins (django-axes,
in the database: the same limit across every worker and node), by restriction and by address."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

SECRET = "le-bon-mot-de-passe"


@pytest.fixture(autouse=True)
def _fresh_axes(db):
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()


@pytest.fixture
def protected(demo):
    from wagtail.models import PageViewRestriction

    from redac.news.models import ArticlePage

    article = ArticlePage.objects.live().first()
    restriction = PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.PASSWORD, password=SECRET
    )
    url = reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, article.pk])
    return {"url": url, "page": article}


def guess(url, password, ip):
    return Client(REMOTE_ADDR=ip).post(url, {"password": password, "return_url": "/"})


def test_attack_page_password_throttle_stops_guessing_from_one_address(protected, settings):
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        assert guess(protected["url"], f"essai-{n}", "10.7.0.1").status_code == 200
    # The guess that reaches the limit gets the logins' lock-out page.
    assert guess(protected["url"], "essai-final", "10.7.0.1").status_code == 429
    # Locked: even the right password is not checked any more from there.
    assert guess(protected["url"], SECRET, "10.7.0.1").status_code == 429


def test_attack_page_password_throttle_stops_guessing_spread_over_addresses(protected, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        guess(protected["url"], f"essai-{n}", f"10.8.0.{n + 1}")
    assert guess(protected["url"], SECRET, "10.8.1.1").status_code == 429


def test_attack_page_password_throttle_leaves_the_right_password_working(protected):
    guess(protected["url"], "une-erreur", "10.9.0.1")
    answer = guess(protected["url"], SECRET, "10.9.0.1")
    assert answer.status_code == 302 and answer["Location"] == "/"


def test_attack_page_password_throttle_covers_document_collections(demo, settings):
    from wagtail.models import Collection, CollectionViewRestriction

    collection = Collection.get_first_root_node().add_child(name="Réservé aux adhérents")
    restriction = CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.PASSWORD,
        password=SECRET,
    )  # fmt: skip
    url = reverse("wagtaildocs_authenticate_with_password", args=[restriction.pk])
    for n in range(settings.AXES_FAILURE_LIMIT):
        guess(url, f"essai-{n}", "10.6.0.1")
    assert guess(url, SECRET, "10.6.0.1").status_code == 429
