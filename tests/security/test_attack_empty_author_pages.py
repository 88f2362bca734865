"""Issue 15 (low): author pages, their sitemap entries and their search entries existed before
the author had anything published, announcing a byline (a new hire, a guest, a pseudonym) ahead
of its first article.

An author is public once something of theirs is published and visible, and stops being public
when nothing is any more (unpublished, deleted, restricted): page, feed, sitemap, search."""

from __future__ import annotations

import pytest
from django.test import Client

SLUG = "ines-clairval"


@pytest.fixture
def new_author(demo):
    from redac.news.models import Author

    return Author.objects.create(name="Inès Clairval", slug=SLUG)


@pytest.fixture
def article(demo):
    from redac.news.models import ArticlePage

    return ArticlePage.objects.live().filter(slug="europe-services-publics").first()


def public_traces(client) -> dict[str, bool]:
    """Where the author shows to an anonymous reader."""
    return {
        "page": client.get(f"/auteurs/{SLUG}/").status_code == 200,
        "feed": client.get(f"/feeds/auteurs/{SLUG}/rss/").status_code == 200,
        "sitemap": f"/auteurs/{SLUG}/" in client.get("/sitemap-auteurs.xml").content.decode(),
        "search": f"/auteurs/{SLUG}/" in client.get("/recherche/?q=Clairval").content.decode(),
    }


def sign(article, author):
    from redac.news.models import ArticlePage

    page = ArticlePage.objects.get(pk=article.pk)
    page.author_links.create(author=author)
    page.save_revision().publish()
    return page


def test_attack_empty_author_pages_nothing_before_a_first_publication(new_author, article):
    client = Client()
    assert public_traces(client) == dict.fromkeys(("page", "feed", "sitemap", "search"), False)
    # A draft signed by the author changes nothing.
    from redac.news.models import ArticlePage

    draft = article.get_parent().add_child(instance=ArticlePage(title="Brouillon", live=False,
                                                                slug="brouillon-ines"))  # fmt: skip
    draft.author_links.create(author=new_author)
    draft.save_revision()
    assert not any(public_traces(client).values())


def test_attack_empty_author_pages_appear_with_the_first_publication(new_author, article):
    sign(article, new_author)
    assert public_traces(Client()) == dict.fromkeys(("page", "feed", "sitemap", "search"), True)


def test_attack_empty_author_pages_disappear_with_the_last_publication(new_author, article):
    page = sign(article, new_author)
    assert all(public_traces(Client()).values())
    page.unpublish()
    assert not any(public_traces(Client()).values())


def test_attack_empty_author_pages_disappear_when_the_only_page_is_restricted(new_author, article):
    from wagtail.models import PageViewRestriction

    sign(article, new_author)
    PageViewRestriction.objects.create(page=article, restriction_type=PageViewRestriction.LOGIN)
    assert not any(public_traces(Client()).values())


def test_attack_empty_author_pages_rebuilt_index_keeps_only_published_authors(new_author):
    from redac.search.index import rebuild
    from redac.search.models import SearchEntry

    rebuild()
    assert not SearchEntry.objects.filter(kind=SearchEntry.Kind.AUTHOR,
                                          object_id=new_author.pk).exists()  # fmt: skip
