"""During the « période de réserve », nothing new is published in campaign sections and comments
are closed there; existing pages stay; other sections are not affected."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.utils import timezone
from django.utils.text import slugify
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from redac.comments.models import Comment
from redac.news.models import BreveIndexPage, BrevePage, SectionPage
from redac.reserve.models import ElectionSilence


@pytest.fixture
def moderator(db):
    user = User.objects.create_user("claire", "claire@example.org", "motdepasse-claire-1")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def silence(demo):
    """Actualité is a campaign section; the silence started an hour ago and ends tomorrow."""
    cache.clear()
    SectionPage.objects.filter(slug="actualite").update(campagne=True)
    setting = ElectionSilence.for_site(demo["site"])
    now = timezone.now()
    setting.starts_at, setting.ends_at = now - dt.timedelta(hours=1), now + dt.timedelta(days=1)
    setting.save()
    return setting


def breve_form(title):
    return nested_form_data({
        "title": title, "slug": slugify(title), "body": streamfield([("spip", "Votez !")]),
        "author_links": inline_formset([]), "lien_titre": "", "lien_url": "",
        "date": "2026-11-27 10:00", "lang": "fr", "comments_mode": "pre",
        "action-publish": "action-publish",
    })  # fmt: skip


def test_publishing_in_a_campaign_section_is_blocked_and_says_why(client, moderator, silence):
    listing = BreveIndexPage.objects.get(slug="breves")  # under Actualité
    client.force_login(moderator)
    response = client.post(f"/admin/pages/add/news/brevepage/{listing.pk}/",
                           breve_form("Appel au vote"), follow=True)  # fmt: skip
    page = BrevePage.objects.get(title="Appel au vote")
    assert not page.live  # kept as a draft
    assert "Période de réserve électorale" in response.content.decode()


def test_existing_campaign_pages_stay_online(client, silence, demo):
    breve = demo["breves"]["petition-guichets"]
    assert client.get(breve.url).status_code == 200


def test_publishing_elsewhere_is_not_affected(client, moderator, silence):
    SectionPage.objects.filter(slug="actualite").update(campagne=False)
    listing = BreveIndexPage.objects.get(slug="breves")
    client.force_login(moderator)
    client.post(f"/admin/pages/add/news/brevepage/{listing.pk}/", breve_form("Festival"))
    assert BrevePage.objects.get(title="Festival").live


def test_outside_the_period_campaign_sections_publish_normally(client, moderator, silence):
    silence.starts_at = timezone.now() + dt.timedelta(days=2)
    silence.ends_at = timezone.now() + dt.timedelta(days=3)
    silence.save()
    listing = BreveIndexPage.objects.get(slug="breves")
    client.force_login(moderator)
    client.post(f"/admin/pages/add/news/brevepage/{listing.pk}/", breve_form("Meeting"))
    assert BrevePage.objects.get(title="Meeting").live


def test_comments_are_closed_in_campaign_sections_during_the_silence(client, silence, demo,
                                                                     form_stamp):  # fmt: skip
    breve = demo["breves"]["petition-guichets"]
    assert "Les commentaires sont fermés" in client.get(breve.url).content.decode()
    response = client.post(
        f"/commentaires/{breve.pk}/",
        {"author_name": "Sam", "body": "Votez pour nous", "horodatage": form_stamp},
    )
    assert response.status_code == 403
    assert "réserve électorale" in response.content.decode()
    assert not Comment.objects.exists()
