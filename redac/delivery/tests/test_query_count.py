"""An uncached article three levels below home renders in a bounded number of queries: the route,
byline, keywords, breadcrumb, footer and site-wide fragments are fetched, not looked up one by one."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from redac.news.models import ArticlePage, SectionPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def deep_article(demo):
    article = ArticlePage.objects.get(slug="europe-services-publics")
    assert article.url == "/actualite/international/europe-services-publics/"
    assert article.authors and article.keywords.exists()
    return article


def test_an_article_three_levels_down_renders_in_at_most_12_queries(
    client, deep_article, page_cache, django_assert_max_num_queries
):
    client.get("/")  # another page first: the worker has its site-wide fragments, not this page
    with django_assert_max_num_queries(12):
        response = client.get(deep_article.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Yacine Morel" in html and "Allemagne" in html  # byline and keywords are there
    assert 'class="breadcrumb"' in html and ">International<" in html


def test_even_a_cold_worker_stays_under_23_queries(client, deep_article, page_cache):
    """A worker's first render of an article. 23: the page's own queries, plus one per moment
    that changes by the clock (redac.core.signals.register_clock: flash expiry, banner, réserve,
    petitions' opening and closing, agenda), each computed once per worker per five minutes
    (the warm render below stays at 12)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(deep_article.url).status_code == 200
    assert len(queries) <= 23, [q["sql"][:80] for q in queries.captured_queries]


def test_the_breadcrumb_and_menu_are_the_same_as_wagtails_own_lookups(client, deep_article):
    html = client.get(deep_article.url).content.decode()
    breadcrumb = html.split('class="breadcrumb"')[1].split("</nav>")[0]
    assert (
        breadcrumb.index('href="/"')
        < breadcrumb.index('href="/actualite/"')
        < breadcrumb.index('href="/actualite/international/"')
    )
    assert 'aria-current="true">Actualité<' in html


def test_the_menu_marks_the_section_of_each_page_it_is_shown_on(client, deep_article, demo):
    def marked(url):
        html = client.get(url).content.decode()
        menu = html.split('class="main-nav"')[1].split("</nav>")[0]
        return re.findall(r'aria-current="true">([^<]+)<', menu)

    assert marked(deep_article.url) == ["Actualité"]
    assert marked("/") == []
    assert marked(demo["breves"]["petition-guichets"].url) == ["Actualité"]
    culture = SectionPage.objects.get(slug="culture")
    assert marked(culture.url) == [culture.title]
    assert marked(deep_article.url) == ["Actualité"]


def test_routing_still_404s_for_drafts_and_unknown_paths(client, deep_article):
    deep_article.unpublish()
    assert client.get(deep_article.url).status_code == 404
    assert client.get("/actualite/international/inconnu/").status_code == 404
    assert client.get("/actualite/inconnu/europe-services-publics/").status_code == 404
