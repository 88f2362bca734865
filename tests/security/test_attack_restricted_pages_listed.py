"""Issue 15, item 2: a page made private after publication stayed in the public search.

Found: a login, password or group restriction added to a live page or section left its text in
``/recherche/``: the search index decided with the view restrictions remembered by the worker
(redac.news.models.restricted_paths), and its signal handler ran before the one that makes the
worker forget them. Here an administrator restricts through Wagtail's own privacy view, then an
anonymous reader asks every output that lists pages: none may name the page any more, whatever
the order in which the signal handlers run."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db.models.signals import post_delete, post_save
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from redac.delivery.tests import conftest as delivery_fixtures
from tests.support.personas import login

page_cache = delivery_fixtures.page_cache  # an empty page cache for each test
publish_dir = delivery_fixtures.publish_dir


@pytest.fixture
def visitor(request):
    """An anonymous visitor of the WSGI application as granian runs it (page cache in front)."""
    from django.core.handlers.wsgi import WSGIHandler

    from redac.delivery.wsgi import CachedApp

    request.getfixturevalue("page_cache")
    return delivery_fixtures.WsgiClient(CachedApp(WSGIHandler(), enabled=True))


SECRET = "un-mot-de-passe-de-page"


@pytest.fixture(params=["as installed", "reversed"])
def handler_order(request):
    """Run the model signals' receivers in their installed order, or in the reverse order."""
    signals = (post_save, post_delete)
    saved = [list(signal.receivers) for signal in signals]
    if request.param == "reversed":
        for signal in signals:
            with signal.lock:
                signal.receivers.reverse()
                signal.sender_receivers_cache.clear()
    yield request.param
    for signal, receivers in zip(signals, saved, strict=True):
        with signal.lock:
            signal.receivers[:] = receivers
            signal.sender_receivers_cache.clear()


@pytest.fixture
def listed(personas):
    """An article of « Actualité » with a keyword, an author and visits, so that it shows in
    every listing: its section, home, feeds, sitemaps, search, « Les plus lus », its keyword's
    and its author's pages."""
    from redac.news.models import ArticlePage, Author, Keyword, KeywordGroup
    from redac.search.index import index_page
    from redac.visits.models import DailyPageVisits, PageStats

    article = personas["article_a"]
    article.title = "Zéphyrine inaugure la médiathèque"
    article.date = timezone.now()  # recent: in the news sitemap too
    keyword = Keyword.objects.create(
        name="Médiathèques", slug="mediatheques", group=KeywordGroup.objects.first()
    )
    author = Author.objects.create(name="Zoé Barnabé", slug="zoe-barnabe")
    article.keywords.add(keyword)
    article.save_revision().publish()
    article = ArticlePage.objects.get(pk=article.pk)
    article.author_links.create(author=author)
    article.save_revision().publish()
    index_page(article)
    DailyPageVisits.objects.create(page=article, day=timezone.localdate(), visits=90_000)
    PageStats.objects.create(page=article, total=90_000)
    return {"article": ArticlePage.objects.get(pk=article.pk), "keyword": keyword,
            "author": author, **personas}  # fmt: skip


def outputs(listed) -> dict[str, str]:
    """Each visitor-facing output that lists pages -> the path that shows it."""
    article = listed["article"]
    section = article.get_parent()
    return {
        "search": "/recherche/?q=Zéphyrine",
        "home (latest, « Les plus lus »)": "/",
        "section listing": section.url,
        "site feed": "/feeds/rss/",
        "section feed": f"/feeds/rubriques/{section.slug}/rss/",
        "keyword page": f"/mots/{listed['keyword'].slug}/",
        "keyword feed": f"/feeds/mots/{listed['keyword'].slug}/rss/",
        "author page": f"/auteurs/{listed['author'].slug}/",
        "author feed": f"/feeds/auteurs/{listed['author'].slug}/rss/",
        "news sitemap": "/sitemap-news.xml",
        "articles sitemap": "/sitemap-articles.xml",
    }  # fmt: skip


def assert_listed_everywhere(visitor, listed):
    slug = listed["article"].slug
    for name, path in outputs(listed).items():
        response = visitor.get(path.split("?")[0], query=path.partition("?")[2])
        assert response.status == 200, f"{name}: {path} answered {response.status}"
        assert slug in response.text, f"{name} ({path}) does not list the article before"


def assert_listed_nowhere(visitor, listed, how):
    slug, title = listed["article"].slug, listed["article"].title
    for name, path in outputs(listed).items():
        response = visitor.get(path.split("?")[0], query=path.partition("?")[2])
        assert response.status in (200, 302, 404), f"{name}: {path} answered {response.status}"
        assert slug not in response.text, f"{name} ({path}) still lists the page ({how})"
        assert title not in response.text, f"{name} ({path}) still shows its title ({how})"


def restrict_through_admin(listed, page, kind):
    """An Administrateur sets the page's privacy in Wagtail's admin (its « Confidentialité »
    dialog), as the newsroom does it."""
    from django.contrib.auth.models import Group

    admin = login(Client(), listed["administrateur"])
    data = {"restriction_type": kind, "password": SECRET if kind == "password" else "",
            "groups": [Group.objects.get(name="Moderators").pk] if kind == "groups" else []}  # fmt: skip
    response = admin.post(reverse("wagtailadmin_pages:set_privacy", args=[page.pk]), data)
    assert response.status_code == 200 and b"set_privacy_done" in response.content
    return admin


@pytest.mark.parametrize(
    ("kind", "where"), [("login", "page"), ("password", "section"), ("groups", "page")]
)
def test_attack_restricted_pages_listed_nowhere_after_the_restricting_request(
    visitor, listed, handler_order, kind, where, request
):
    from wagtail.models import PageViewRestriction

    article = listed["article"]
    target = article if where == "page" else article.get_parent().specific
    assert_listed_everywhere(visitor, listed)  # every output is now in the page cache
    publish_dir = Path(request.getfixturevalue("publish_dir"))
    assert any(article.slug in p.read_text() for p in publish_dir.rglob("index.html"))

    restrict_through_admin(listed, target, kind)
    assert PageViewRestriction.objects.filter(page=target, restriction_type=kind).exists()

    assert_listed_nowhere(visitor, listed, f"{kind} restriction on the {where}")
    # Nor do the files published for nginx (REDAC_PUBLISH_DIR), which never reach Python.
    publish_dir = Path(request.getfixturevalue("publish_dir"))
    for path in publish_dir.rglob("index.html"):
        assert article.slug not in path.read_text(), f"{path} still lists the page"
    if where == "section":
        assert f"{target.url}<" not in visitor.get("/sitemap-pages.xml").text
    # The page itself is refused to the anonymous visitor.
    assert visitor.get(article.url).status in (200, 302)
    assert article.title not in visitor.get(article.url).text


def test_attack_restricted_pages_listed_again_once_public(visitor, listed):
    article = listed["article"]
    admin = restrict_through_admin(listed, article, "login")
    assert_listed_nowhere(visitor, listed, "login restriction")
    admin.post(reverse("wagtailadmin_pages:set_privacy", args=[article.pk]),
               {"restriction_type": "none"})  # fmt: skip
    assert_listed_everywhere(visitor, listed)


def test_attack_restricted_pages_listed_nowhere_on_another_node_within_a_second(visitor, listed):
    """Another node restricted the page: this node only sees the shared database and the shared
    page-cache generation that the other node's invalidation changed."""
    import time

    from wagtail.models import PageViewRestriction

    from redac.delivery import conf

    article = listed["article"]
    assert_listed_everywhere(visitor, listed)
    # What the other node wrote: the restriction (no signal runs here), then its invalidation.
    PageViewRestriction.objects.bulk_create(
        [PageViewRestriction(page=article, restriction_type=PageViewRestriction.LOGIN)]
    )
    conf.get_store().clear()
    # This node's workers look at the shared generation at least every check_interval.
    assert conf.get_store().check_interval * 2 < 1
    time.sleep(conf.get_store().check_interval * 2)
    other = [name for name, path in outputs(listed).items() if name != "search"]
    for name in other:
        path = outputs(listed)[name]
        assert article.slug not in visitor.get(path).text, f"{name} still lists the page"


def test_attack_restricted_pages_listed_never_cdn_cacheable(listed, settings):
    """A restricted page seen by someone allowed to read it (a password typed, a logged-in
    member) is never marked shareable, whatever cookie the session left."""
    from wagtail.models import PageViewRestriction

    from redac.delivery import conf

    article = listed["article"]
    restriction = PageViewRestriction.objects.create(
        page=article.get_parent(), restriction_type=PageViewRestriction.PASSWORD, password=SECRET
    )
    member = Client()
    unlock = reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, article.pk])
    assert member.post(unlock, {"password": SECRET, "return_url": article.url}).status_code == 302
    page = member.get(article.url)
    assert page.status_code == 200 and article.title in page.content.decode()
    assert conf.MARK_HEADER not in page
    assert "private" in page["Cache-Control"] and "s-maxage" not in page["Cache-Control"]


def test_attack_restricted_pages_listed_page_itself_never_marked_shareable(listed, rf):
    """What the page returns to whoever may read it says « private » by itself, not only
    because of the visitor's session (a CDN that ignores cookies, a proxy that strips them)."""
    from django.contrib.auth.models import AnonymousUser
    from wagtail.models import PageViewRestriction

    from redac.delivery.middleware import is_shareable

    article = listed["article"]
    PageViewRestriction.objects.create(page=article, restriction_type=PageViewRestriction.LOGIN)
    request = rf.get(article.url)
    request.user = AnonymousUser()
    response = article.serve(request)  # what Wagtail calls once the restriction let it through
    response.render()
    assert not is_shareable(request, response)
    assert "private" in response["Cache-Control"]
