"""Issue 16: the public date of an article or a brève, and its feed pubDate, is when it went live
(the first publication, or its scheduled time), not when its draft was started; SPIP's separate
« date de rédaction » stays what the editor typed."""

from __future__ import annotations

import datetime as dt

import feedparser
import pytest
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

pytestmark = pytest.mark.django_db


def new_article(section, title, **fields):
    from redac.news.models import ArticlePage

    article = ArticlePage(title=title, slug=title.lower().replace(" ", "-"), live=False, **fields)
    section.add_child(instance=article)
    article.save_revision()
    return article


def section(demo):
    from redac.news.models import SectionPage

    return SectionPage.objects.get(slug="actualite")


def test_a_text_written_on_monday_and_published_on_friday_is_dated_friday(demo):
    monday = timezone.now() - dt.timedelta(days=4)
    with freeze_time(monday):
        article = new_article(section(demo), "Écrit lundi")
    article.refresh_from_db()
    assert article.date is None  # nothing to show before it goes live
    article.get_latest_revision().publish()
    article.refresh_from_db()
    assert article.date == article.first_published_at
    assert article.date > monday + dt.timedelta(days=3)
    # A later edit and re-publication keeps the first publication's date.
    revision = article.save_revision()
    assert revision.as_object().date == article.date
    revision.publish()
    article.refresh_from_db()
    assert article.date == article.first_published_at


def test_a_scheduled_text_is_dated_when_it_goes_live(demo):
    from redac.news.models import ArticlePage

    go_live = (timezone.now() + dt.timedelta(hours=2)).replace(microsecond=0)
    article = new_article(section(demo), "Programmé", go_live_at=go_live)
    article.get_latest_revision().publish()
    assert not ArticlePage.objects.get(pk=article.pk).live
    with freeze_time(go_live + dt.timedelta(seconds=20)):
        from django.core.management import call_command

        call_command("publish_scheduled", verbosity=0)
    article = ArticlePage.objects.get(pk=article.pk)
    assert article.live
    assert go_live <= article.date <= go_live + dt.timedelta(seconds=20)


def test_a_date_the_editor_typed_is_kept_and_the_date_of_writing_is_separate(demo):
    chosen = timezone.now().replace(microsecond=0) - dt.timedelta(days=30)
    written = chosen - dt.timedelta(days=365)
    article = new_article(section(demo), "Daté à la main", date=chosen, date_redac=written)
    article.get_latest_revision().publish()
    article.refresh_from_db()
    assert article.date == chosen and article.date_redac == written


def test_the_feed_pubdate_is_the_publication_date(demo):
    monday = timezone.now() - dt.timedelta(days=4)
    with freeze_time(monday):
        article = new_article(section(demo), "Pour le flux")
    article.get_latest_revision().publish()
    article.refresh_from_db()
    feed = feedparser.parse(Client().get("/feeds/rss/").content)
    entry = next(entry for entry in feed.entries if entry.title == "Pour le flux")
    published = dt.datetime(*entry.published_parsed[:6], tzinfo=dt.UTC)
    assert abs(published - article.first_published_at) < dt.timedelta(seconds=1)
