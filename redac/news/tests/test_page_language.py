"""A page speaks its own language everywhere on it: an English brève on a French site shows
English dates, labels, counters, navigation and comment form (issue 18), while what belongs to
the site — its name, its sections — keeps the site's typography."""

from __future__ import annotations

import json
import re

import pytest

from redac.comments.models import Comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def english_breve(demo):
    breve = demo["breves"]["petition-guichets"]
    breve.lang = "en"
    breve.title = "The petition: sign it!"
    breve.comments_mode = "pre"
    breve.save_revision().publish()
    Comment.objects.create(
        page=breve, author_name="Sam", body="It's fine! Really.", status=Comment.Status.PUBLISHED
    )
    return breve


def test_an_english_brève_shows_english_dates_labels_and_counters(client, english_breve):
    html = client.get(english_breve.url).content.decode()
    assert '<html lang="en">' in html
    assert "Skip to content" in html and "Aller au contenu" not in html
    assert ">Home</a>" in html and ">Accueil<" not in html  # breadcrumb
    assert re.search(r"\d\d?\u00a0(January|February|March|April|May|June|July|August|"
                     r"September|October|November|December) \d{4}", html)  # fmt: skip
    assert re.search(r"[\d,]+ visits?<", html) and " visites<" not in html
    assert "Contact us!" in html  # the site's chrome has an English translation
    assert "The petition: sign it!" in html  # English typography: no space before ':' or '!'


def test_an_english_brève_has_an_english_comment_form_and_english_comment_typography(
    client, english_breve
):
    html = client.get(english_breve.url).content.decode()
    assert "1 comment<" in html and "Post my comment" in html and "Your name (shown)" in html
    assert "Publier mon commentaire" not in html
    assert "It&#8217;s fine! Really." in html  # no French space before '!'
    form = client.get(f"/commentaires/{english_breve.pk}/").content.decode()
    assert "Post my comment" in form and "Comment on “" in form


def test_a_french_brève_keeps_french_comment_typography(client, demo):
    breve = demo["breves"]["petition-guichets"]
    breve.comments_mode = "pre"
    breve.save_revision().publish()
    Comment.objects.create(page=breve, author_name="Léa", body="Quel résumé ! « Bravo »",
                           status=Comment.Status.PUBLISHED)  # fmt: skip
    html = client.get(breve.url).content.decode()
    assert "Quel résumé&nbsp;! &#171;&nbsp;Bravo&nbsp;&#187;" in html
    assert "1 commentaire<" in html and "Publier mon commentaire" in html


def test_metadata_speaks_the_page_language_too(client, english_breve):
    html = client.get(english_breve.url).content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    crumbs = [json.loads(b) for b in blocks if "BreadcrumbList" in b][0]["itemListElement"]
    assert crumbs[0]["name"] == "Home"
    assert 'title="The whole site (RSS)"' in html


def test_the_site_keeps_its_language_around_an_english_page(client, english_breve, demo):
    """Chrome fragments are kept per language: the French pages served after an English one
    are French, and the other way round."""
    client.get(english_breve.url)
    french = client.get("/actualite/").content.decode()
    assert '<html lang="fr">' in french and "Aller au contenu" in french and "Skip to" not in french
    english = client.get(english_breve.url).content.decode()
    assert "Skip to content" in english and "Aller au contenu" not in english


def test_section_names_keep_the_sites_typography_on_an_english_page(client, english_breve):
    from redac.news.models import SectionPage

    section = SectionPage.objects.live().filter(depth=3).first()
    section.title = "Agir !"
    section.save_revision().publish()
    html = client.get(english_breve.url).content.decode()
    nav = html[html.index('class="main-nav') :]
    assert "Agir&nbsp;!" in nav[: nav.index("</nav>")]


def test_a_preview_of_an_english_draft_speaks_english(english_breve):
    response = english_breve.make_preview_request()
    assert response.status_code == 200
    assert "Skip to content" in response.content.decode()
