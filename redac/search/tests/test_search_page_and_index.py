"""The public search page and the index's life cycle: what readers may find, how results are
ordered and filtered, and that hostile queries never break the page (security cases 20-25)."""

import datetime as dt
import time

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from redac.news.models import ArticlePage, SectionPage
from redac.search.index import rebuild
from redac.search.services import Filters, search


def _article(section, slug, title, body, *, days=1, publish=True):
    page = ArticlePage(slug=slug, title=title, body=[("spip", body)],
                       date=timezone.now() - dt.timedelta(days=days))  # fmt: skip
    page.live = publish  # a page created as a draft is not live until published
    section.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    return ArticlePage.objects.get(pk=page.pk)


@pytest.fixture
def actualite(demo):
    return SectionPage.objects.get(slug="actualite")


def _urls(query, **kwargs):
    return [hit.entry.url for hit in search(query, **kwargs).page]


def test_a_draft_is_never_found(actualite):
    _article(actualite, "brouillon", "Zygomatique brouillon", "Texte zygomatique", publish=False)
    assert _urls("zygomatique") == []


def test_publishing_indexes_and_unpublishing_removes(actualite):
    page = _article(actualite, "ornithologie", "Ornithologie urbaine", "Les martinets reviennent.")
    assert _urls("ornithologie") == ["/actualite/ornithologie/"]
    page.unpublish()
    assert _urls("ornithologie") == []


def test_the_published_version_is_found_not_a_later_draft(actualite):
    page = _article(actualite, "version", "Hirondelles en ville", "Texte publié.")
    page.title = "Pingouins en ville"
    page.save_revision()  # a draft: readers still see the hirondelles
    assert _urls("hirondelles") == ["/actualite/version/"]
    assert _urls("pingouins") == []


def test_a_deleted_page_disappears(actualite):
    page = _article(actualite, "supprime", "Paléontologie locale", "Des fossiles.")
    page.delete()
    assert _urls("paleontologie") == []


def test_a_private_page_is_not_indexed(actualite):
    page = _article(actualite, "prive", "Spéléologie interne", "Réservé aux adhérents.",
                    publish=False)  # fmt: skip
    PageViewRestriction.objects.create(page=page, restriction_type="login")
    page.save_revision().publish()
    assert _urls("speleologie") == []


def test_restricting_a_published_page_removes_it(actualite):
    page = _article(actualite, "bientot-prive", "Muséographie confidentielle", "Texte.")
    assert _urls("museographie") == ["/actualite/bientot-prive/"]
    restriction = PageViewRestriction.objects.create(page=page, restriction_type="login")
    assert _urls("museographie") == []
    restriction.delete()
    assert _urls("museographie") == ["/actualite/bientot-prive/"]


def test_rebuild_indexes_everything_published(actualite):
    _article(actualite, "reconstruit", "Astronomie populaire", "Les étoiles filantes.")
    counts = rebuild()
    assert counts["article"] >= 5 and counts["author"] == 3
    assert _urls("astronomie") == ["/actualite/reconstruit/"]


def test_equal_relevance_goes_newest_first(actualite):
    _article(actualite, "ancien", "Volcanologie", "Texte identique.", days=30)
    _article(actualite, "recent", "Volcanologie", "Texte identique.", days=2)
    assert _urls("volcanologie") == ["/actualite/recent/", "/actualite/ancien/"]


def test_a_title_match_outranks_a_body_match(actualite):
    _article(actualite, "corps", "Divers", "On y parle de glaciologie en passant.", days=1)
    _article(actualite, "titre", "Glaciologie alpine", "Les glaciers fondent.", days=20)
    assert _urls("glaciologie")[0] == "/actualite/titre/"


def test_filters_by_type_section_and_date(actualite):
    culture = SectionPage.objects.get(slug="culture")
    _article(actualite, "filtre-a", "Cartographie A", "Texte.", days=3)
    _article(culture, "filtre-b", "Cartographie B", "Texte.", days=40)
    assert len(_urls("cartographie")) == 2
    assert _urls("cartographie", filters=Filters(section_path=culture.path)) == [
        "/culture/filtre-b/"
    ]
    since = (timezone.now() - dt.timedelta(days=10)).date()
    assert _urls("cartographie", filters=Filters(date_from=since)) == ["/actualite/filtre-a/"]
    assert _urls("cartographie", filters=Filters(kinds=["breve"])) == []


def test_subsections_are_included_in_a_section_filter(actualite):
    international = SectionPage.objects.get(slug="international")
    _article(international, "sous", "Océanographie", "Texte.")
    assert _urls("oceanographie", filters=Filters(section_path=actualite.path)) == [
        "/actualite/international/sous/"
    ]


def test_results_page_shows_highlighted_snippets(client, demo):
    response = client.get("/recherche/", {"q": "loyer"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<mark>loyers</mark>" in html and "<mark>loyer</mark>" in html
    assert "Encadrement des" in html


def test_results_paginate_and_keep_the_query(client, actualite):
    for n in range(12):
        _article(actualite, f"serie-{n}", f"Herpétologie numéro {n}", "Les lézards.", days=n + 1)
    first = client.get("/recherche/", {"q": "herpetologie"}).content.decode()
    assert "12 résultats" in first and "Page 1 sur 2" in first
    assert "q=herpetologie&amp;page=2" in first
    second = client.get("/recherche/", {"q": "herpetologie", "page": "2"}).content.decode()
    assert second.count('class="search-result ') == 2


def test_the_site_header_has_a_search_field(client, demo):
    html = client.get("/").content.decode()
    assert 'action="/recherche/"' in html and 'name="q"' in html


# --- Security cases 20-25 ------------------------------------------------------------------------


@pytest.mark.security_case(20)
def test_case_20_query_is_escaped_in_heading_input_and_title(client, demo):
    payload = '"><script>alert(1)</script>'
    html = client.get("/recherche/", {"q": payload}).content.decode()
    assert "<script>alert(1)</script>" not in html
    escaped = "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
    title = html[html.index("<title>") : html.index("</title>")]
    assert escaped in title
    assert f'value="{escaped}"' in html
    assert f"« {escaped} »" in html[html.index("<h1>") :]


@pytest.mark.security_case(21)
@pytest.mark.parametrize("q", ["' OR 1=1--", "%' UNION SELECT password FROM auth_user--"])
def test_case_21_sql_looking_text_is_just_text(client, demo, q):
    response = client.get("/recherche/", {"q": q})
    assert response.status_code == 200
    assert "pbkdf2" not in response.content.decode() and "md5$" not in response.content.decode()


@pytest.mark.security_case(22)
@pytest.mark.parametrize("q", ['"', "NEAR(", "*", "a OR", "-", "loyer OR", '"loyer', "title:x",
                               "^loyer", "loyer*", "(", "AND", "NOT loyer", "{}:"])  # fmt: skip
def test_case_22_fts_syntax_is_inert(client, demo, q):
    assert client.get("/recherche/", {"q": q}).status_code == 200


@pytest.mark.security_case(23)
@pytest.mark.parametrize("q", ["a" * 100_000, "a " * 5000, "réforme " * 20_000])
def test_case_23_huge_queries_are_cut_and_fast(client, demo, q):
    started = time.perf_counter()
    response = client.get("/recherche/", {"q": q})
    assert response.status_code == 200
    assert time.perf_counter() - started < 1.0
    assert ("a" * 201) not in response.content.decode()


@pytest.mark.security_case(24)
@pytest.mark.parametrize("page", ["-1", "0", "abc", "99999999", "1e9", ""])
def test_case_24_bad_page_numbers_give_a_page(client, demo, page):
    response = client.get("/recherche/", {"q": "loyer", "page": page})
    assert response.status_code == 200
    assert "Encadrement des" in response.content.decode()


@pytest.mark.security_case(25)
@pytest.mark.parametrize("params", [{"q": ""}, {"q": "   "}, {}, {"q": ["loyer", "gare"]},
                                    {"q": "loyer", "rubrique": "abc", "du": "pas-une-date",
                                     "type": "nimporte"}])  # fmt: skip
def test_case_25_empty_repeated_or_odd_parameters_are_defined(client, demo, params):
    response = client.get("/recherche/", params)
    assert response.status_code == 200
    html = response.content.decode()
    if params.get("q") == ["loyer", "gare"]:
        assert "Résultats pour « loyer »" in html  # the first value wins
    if params.get("rubrique") == "abc":
        assert "Encadrement des" in html  # invalid filters are dropped, the query still runs
