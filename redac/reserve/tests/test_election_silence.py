"""During the « période de réserve », nothing new is published in campaign sections and comments
are closed there; existing pages stay; other sections are not affected."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone
from django.utils.text import slugify
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from redac.comments.models import Comment
from redac.news.models import BreveIndexPage, BrevePage, SectionPage
from redac.reserve.models import ElectionSilence


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


def test_publishing_in_a_campaign_section_is_blocked_and_says_why(client, personas, silence):
    listing = BreveIndexPage.objects.get(slug="breves")  # under Actualité
    client.force_login(personas["moderator"])
    response = client.post(f"/admin/pages/add/news/brevepage/{listing.pk}/",
                           breve_form("Appel au vote"), follow=True)  # fmt: skip
    page = BrevePage.objects.get(title="Appel au vote")
    assert not page.live  # kept as a draft
    assert "Période de réserve électorale" in response.content.decode()


def test_existing_campaign_pages_stay_online(client, silence, demo):
    breve = demo["breves"]["petition-guichets"]
    assert client.get(breve.url).status_code == 200


def test_publishing_elsewhere_is_not_affected(client, personas, silence):
    SectionPage.objects.filter(slug="actualite").update(campagne=False)
    listing = BreveIndexPage.objects.get(slug="breves")
    client.force_login(personas["moderator"])
    client.post(f"/admin/pages/add/news/brevepage/{listing.pk}/", breve_form("Festival"))
    assert BrevePage.objects.get(title="Festival").live


def test_outside_the_period_campaign_sections_publish_normally(client, personas, silence):
    silence.starts_at = timezone.now() + dt.timedelta(days=2)
    silence.ends_at = timezone.now() + dt.timedelta(days=3)
    silence.save()
    listing = BreveIndexPage.objects.get(slug="breves")
    client.force_login(personas["moderator"])
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


# --- Scheduled and bulk publications ------------------------------------------------------------


def non_campaign_listing():
    """A brève listing in « Culture » (not a campaign section)."""
    culture = SectionPage.objects.get(slug="culture")
    listing = BreveIndexPage.objects.child_of(culture).first()
    if listing is None:
        listing = culture.add_child(instance=BreveIndexPage(title="Brèves", slug="breves-culture"))
    return listing


def schedule_breve(listing, title, go_live_at):
    breve = BrevePage(title=title, slug=slugify(title), live=False, go_live_at=go_live_at)
    listing.add_child(instance=breve)
    breve.save_revision().publish()  # a future go-live: Wagtail only schedules it
    breve.refresh_from_db()
    assert not breve.live
    return breve


def test_a_go_live_scheduled_inside_the_silence_waits_for_its_end(demo):
    """Scheduled before the silence for a moment inside it: not published early, not lost,
    published by the first scheduler run after the end."""
    from freezegun import freeze_time

    from redac.newsroom.jobs import publish_due

    cache.clear()
    SectionPage.objects.filter(slug="actualite").update(campagne=True)
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=1)
    end = start + dt.timedelta(hours=2)
    setting = ElectionSilence.for_site(demo["site"])
    setting.starts_at, setting.ends_at = start, end
    setting.save()
    campaign = BreveIndexPage.objects.get(slug="breves")  # under Actualité
    other = non_campaign_listing()
    in_campaign = schedule_breve(campaign, "Dernier meeting", start + dt.timedelta(minutes=30))
    elsewhere = schedule_breve(other, "Concert au parc", start + dt.timedelta(minutes=30))

    with freeze_time(start + dt.timedelta(minutes=31)):
        publish_due()
    in_campaign.refresh_from_db()
    elsewhere.refresh_from_db()
    assert elsewhere.live  # other sections: on time
    assert not in_campaign.live  # not early...
    assert in_campaign.revisions.filter(approved_go_live_at__isnull=False).exists()  # ...nor lost

    with freeze_time(end - dt.timedelta(seconds=1)):
        publish_due()
    in_campaign.refresh_from_db()
    assert not in_campaign.live

    with freeze_time(end + dt.timedelta(seconds=15)):
        assert publish_due() == 1
    in_campaign.refresh_from_db()
    assert in_campaign.live
    assert in_campaign.first_published_at >= end


def test_scheduling_for_after_the_silence_is_allowed_during_it(client, personas, silence):
    listing = BreveIndexPage.objects.get(slug="breves")
    client.force_login(personas["moderator"])
    form = breve_form("Résultats du scrutin")
    after = timezone.localtime(silence.ends_at + dt.timedelta(hours=2))
    form["go_live_at"] = after.strftime("%Y-%m-%d %H:%M")
    response = client.post(f"/admin/pages/add/news/brevepage/{listing.pk}/", form, follow=True)
    page = BrevePage.objects.get(title="Résultats du scrutin")
    assert not page.live
    assert page.revisions.filter(approved_go_live_at__isnull=False).exists()  # scheduled
    assert "Période de réserve électorale" not in response.content.decode()


def test_bulk_publishing_in_a_campaign_section_is_refused(client, personas, silence):
    from django.urls import reverse

    listing = BreveIndexPage.objects.get(slug="breves")
    draft = BrevePage(title="Tract du jour", slug="tract-du-jour", live=False)
    listing.add_child(instance=draft)
    draft.save_revision()
    client.force_login(personas["moderator"])
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
    response = client.post(f"{url}?id={draft.pk}", {"include_descendants": ""}, follow=True)
    draft.refresh_from_db()
    assert not draft.live
    assert "Période de réserve électorale" in response.content.decode()


def test_bulk_publishing_elsewhere_still_works(client, personas, silence):
    from django.urls import reverse

    listing = non_campaign_listing()
    draft = BrevePage(title="Expo photo", slug="expo-photo", live=False)
    listing.add_child(instance=draft)
    draft.save_revision()
    client.force_login(personas["moderator"])
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
    client.post(f"{url}?id={draft.pk}", {"include_descendants": ""})
    draft.refresh_from_db()
    assert draft.live


def test_scheduling_inside_the_silence_warns_that_it_will_wait(client, personas, silence):
    listing = BreveIndexPage.objects.get(slug="breves")
    client.force_login(personas["moderator"])
    form = breve_form("Porte-à-porte")
    inside = timezone.localtime(silence.ends_at - dt.timedelta(hours=2))
    form["go_live_at"] = inside.strftime("%Y-%m-%d %H:%M")
    response = client.post(f"/admin/pages/add/news/brevepage/{listing.pk}/", form, follow=True)
    page = BrevePage.objects.get(title="Porte-à-porte")
    assert not page.live
    assert page.revisions.filter(approved_go_live_at__isnull=False).exists()
    assert "la publication attendra sa fin" in response.content.decode()


def published_breve(listing, title):
    breve = BrevePage(title=title, slug=slugify(title), live=False)
    listing.add_child(instance=breve)
    breve.save_revision().publish()
    breve.refresh_from_db()
    assert breve.live
    return breve


def test_a_published_copy_into_a_campaign_section_is_refused(client, personas, silence):
    from django.urls import reverse

    source = published_breve(non_campaign_listing(), "Vide-grenier")
    campaign = BreveIndexPage.objects.get(slug="breves")
    client.force_login(personas["moderator"])
    response = client.post(reverse("wagtailadmin_pages:copy", args=[source.pk]), {
        "new_title": "Copie de campagne", "new_slug": "copie-de-campagne",
        "new_parent_page": campaign.pk, "publish_copies": "on",
    }, follow=True)  # fmt: skip
    assert "Période de réserve électorale" in response.content.decode()
    assert not BrevePage.objects.filter(slug="copie-de-campagne", live=True).exists()
    # An unpublished copy (a draft) is fine.
    client.post(reverse("wagtailadmin_pages:copy", args=[source.pk]), {
        "new_title": "Brouillon copié", "new_slug": "brouillon-copie", "new_parent_page": campaign.pk,
    })  # fmt: skip
    assert BrevePage.objects.get(slug="brouillon-copie").live is False


def test_moving_a_live_page_into_a_campaign_section_is_refused(client, personas, silence):
    from django.urls import reverse

    page = published_breve(non_campaign_listing(), "Kermesse")
    campaign = BreveIndexPage.objects.get(slug="breves")
    client.force_login(personas["moderator"])
    url = reverse("wagtailadmin_pages:move_confirm", args=[page.pk, campaign.pk])
    response = client.post(url, follow=True)
    assert "Période de réserve électorale" in response.content.decode()
    page.refresh_from_db()
    assert page.get_parent().pk != campaign.pk
