"""Listing cards (home, sections, brève listings, author and keyword pages) show how many comments
readers can read on each item, fetched with the listing: the query count does not grow with the
number of cards."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from redac.comments.models import Comment
from redac.news.models import ArticlePage, Author, BrevePage, Keyword, SectionPage

pytestmark = pytest.mark.django_db


def comment(page, status=Comment.Status.PUBLISHED, **fields):
    return Comment.objects.create(page=page, author_name="Sam", body="D'accord.", status=status,
                                  **fields)  # fmt: skip


@pytest.fixture
def commented(demo):
    """One article with 2 published comments (a reply among them) and 1 pending, another with only
    a pending one, a brève with one published comment."""
    cache.clear()
    section = SectionPage.objects.get(slug="actualite")
    two, pending_only = ArticlePage.objects.live().descendant_of(section).order_by("-date")[:2]
    first = comment(two)
    comment(two, parent=first)
    comment(two, status=Comment.Status.PENDING)
    comment(pending_only, status=Comment.Status.PENDING)
    comment(pending_only, status=Comment.Status.SPAM)
    breve = demo["breves"]["petition-guichets"]
    comment(breve)
    return {"section": section, "two": two, "pending_only": pending_only, "breve": breve}


def card_of(html: str, page) -> str:
    """The listing card (or brève summary) of ``page``."""
    cards = [chunk.split("</article>")[0] for chunk in html.split("<article")[1:]]
    return next(card for card in cards if f'title"><a href="{page.url}"' in card)


def test_section_listing_cards_show_published_comment_counts(client, commented):
    html = client.get(commented["section"].url).content.decode()
    assert "2 commentaires" in card_of(html, commented["two"])
    assert f'href="{commented["two"].url}#commentaires"' in html
    assert "commentaire" not in card_of(html, commented["pending_only"])  # pending/spam: 0


def test_home_cards_show_comment_counts(client, commented):
    html = client.get("/").content.decode()
    assert "2 commentaires" in card_of(html, commented["two"])


def test_brève_listing_author_and_keyword_pages_show_comment_counts(client, commented):
    breve = commented["breve"]
    html = client.get(breve.get_parent().url).content.decode()
    assert "1 commentaire<" in card_of(html, breve)
    author = breve.authors[0]
    html = client.get(author.get_absolute_url()).content.decode()
    assert "1 commentaire<" in card_of(html, breve)
    keyword = Keyword.objects.filter(pk__in=breve.keywords.values("pk")).first()
    html = client.get(f"/mots/{keyword.slug}/").content.decode()
    assert "1 commentaire<" in card_of(html, breve)


def test_a_section_listing_costs_the_same_queries_for_3_or_10_cards(client, demo):
    """Each card has its authors, a lead image and comments: none of them is fetched per card."""
    section = demo["home"].add_child(instance=SectionPage(title="Dossiers", slug="dossiers"))
    section.save_revision().publish()
    writer = Author.objects.first()
    image = Image.objects.create(title="Photo", file=get_test_image_file())
    now = timezone.now()

    def add_articles(count, offset):
        for n in range(offset, offset + count):
            article = ArticlePage(title=f"Dossier {n}", slug=f"dossier-{n}",
                                  date=now - dt.timedelta(hours=n), lead_image=image)  # fmt: skip
            article.author_links = [article.author_links.model(author=writer, sort_order=0)]
            section.add_child(instance=article)
            article.save_revision().publish()
            comment(article)
            comment(article)

    def queries_for_listing():
        cache.clear()
        client.get(section.url)  # warm the per-process fragments (menu, settings, renditions)
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(section.url)
        assert response.status_code == 200
        seen.append([q["sql"][:100] for q in queries.captured_queries])
        return len(queries), response.content.decode().count("2 commentaires")

    # Best of three: a site-wide fragment may be refreshed during one of the renders.
    seen = []
    add_articles(3, 0)
    renders = [queries_for_listing() for _ in range(3)]
    few, shown = min(renders)
    assert shown == 3
    add_articles(7, 3)
    renders = [queries_for_listing() for _ in range(3)]
    many, shown = min(renders)
    assert shown == 10
    assert many <= few, f"{few} queries for 3 cards, {many} for 10: {seen}"


def test_a_brève_listing_costs_the_same_queries_for_3_or_10_cards(client, demo):
    listing = demo["breves"]["petition-guichets"].get_parent()
    writer = Author.objects.first()
    now = timezone.now()

    def add_breves(count, offset):
        for n in range(offset, offset + count):
            breve = BrevePage(title=f"Brève {n}", slug=f"breve-{n}",
                              date=now + dt.timedelta(minutes=n))  # fmt: skip
            breve.author_links = [breve.author_links.model(author=writer, sort_order=0)]
            listing.add_child(instance=breve)
            breve.save_revision().publish()
            comment(breve)

    def queries_for_listing():
        cache.clear()
        client.get(listing.url)
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(listing.url).status_code == 200
        return len(queries)

    add_breves(3, 0)
    few = min(queries_for_listing(), queries_for_listing())
    add_breves(7, 3)
    many = min(queries_for_listing(), queries_for_listing())
    assert many <= few, f"{few} queries for 3 brèves, {many} for 10"
