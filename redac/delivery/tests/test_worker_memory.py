"""What each worker keeps in memory between requests (the site and its home page, the site
identity, view restrictions, election silences, site root paths: redac.delivery.chrome) is
forgotten the moment an editor changes it, in the cache-enabled and the uncached path alike."""

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction, Site

from redac.core.models import SiteIdentity
from redac.delivery import chrome, schedule
from redac.news.models import ArticlePage, published

pytestmark = pytest.mark.django_db

ARTICLE = "europe-services-publics"


def test_a_page_made_private_is_no_longer_served_nor_listed(reader, demo):
    article = ArticlePage.objects.get(slug=ARTICLE)
    reader.get(article.url)
    assert reader.get(article.url).header("x-cache") == "HIT"
    listing = article.get_parent().url
    assert f'href="{article.url}"' in reader.get(listing).text
    assert published(ArticlePage).filter(pk=article.pk).exists()

    PageViewRestriction.objects.create(page=article, restriction_type=PageViewRestriction.LOGIN)

    response = reader.get(article.url)
    assert response.status == 302 and "/login" in response.header("location", "")
    assert f'href="{article.url}"' not in reader.get(listing).text
    assert not published(ArticlePage).filter(pk=article.pk).exists()


def test_removing_the_restriction_makes_the_page_public_again(reader, demo):
    article = ArticlePage.objects.get(slug=ARTICLE)
    restriction = PageViewRestriction.objects.create(
        page=article.get_parent(), restriction_type=PageViewRestriction.LOGIN
    )
    assert reader.get(article.url).status == 302
    restriction.delete()
    assert reader.get(article.url).status == 200


def test_a_renamed_site_shows_its_new_name_on_the_next_page(reader, demo):
    reader.get("/")
    identity = SiteIdentity.objects.get()
    identity.name = "La Gazette des Quais"
    identity.save()
    assert "La Gazette des Quais" in reader.get("/").text


def test_a_new_home_page_title_is_not_hidden_by_the_remembered_site(reader, demo):
    home = Site.objects.get(is_default_site=True).root_page.specific
    assert "<title>Accueil renouvelé</title>" not in reader.get("/").text
    home.title = "Accueil renouvelé"
    home.save_revision().publish()
    assert "<title>Accueil renouvelé</title>" in reader.get("/").text


def test_one_request_cannot_leak_what_it_caches_on_the_home_page_into_another(reader, demo):
    reader.get("/")
    reader.get("/")
    site_keys = [key for key in chrome._values if key.startswith("site:")]
    assert site_keys
    remembered = chrome._values[site_keys[0]][2].root_page
    # Each request worked on a copy: nothing computed while rendering sits on the shared object.
    assert "_redac_ancestors" not in vars(remembered)
    assert "_siblings" not in vars(remembered)


@pytest.mark.slow  # thousands of requests
def test_hostile_host_headers_do_not_grow_the_worker_memory(reader, demo, settings):
    settings.ALLOWED_HOSTS = ["*"]
    for number in range(chrome.MAX_SITE_KEYS * 3):
        assert reader.get("/", host=f"h{number}.example").status == 200
    assert sum(key.startswith("site:") for key in chrome._values) <= chrome.MAX_SITE_KEYS


def test_a_refused_host_is_a_400_and_remembers_nothing(reader, demo):
    assert reader.get("/", host="evil.example").status == 400
    assert not any(key.startswith("site:") for key in chrome._values)


def test_an_election_silence_boundary_is_a_scheduled_change(demo):
    from redac.reserve.models import ElectionSilence

    site = Site.objects.get(is_default_site=True)
    starts = timezone.now() + timedelta(minutes=30)
    ElectionSilence.objects.create(site=site, starts_at=starts, ends_at=starts + timedelta(days=1))
    schedule.forget()
    assert schedule.next_scheduled_change() <= starts.timestamp()
