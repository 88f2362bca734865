"""RSS and Atom feeds: they parse cleanly, hold exactly the published items newest first, carry
full text, bylines, categories and enclosures, and survive hostile content (cases 54-56)."""

import datetime as dt
import re

import feedparser
import pytest
from django.test import override_settings
from django.utils import timezone
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import PageViewRestriction

from redac.news.models import ArticlePage, BrevePage, SectionPage, published

SITE = "https://journal.example"
FEEDS = [
    "/feeds/rss/", "/feeds/atom/", "/feeds/breves/rss/", "/feeds/breves/atom/",
    "/feeds/rubriques/actualite/rss/", "/feeds/rubriques/actualite/atom/",
    "/feeds/mots/logement/rss/", "/feeds/mots/logement/atom/",
    "/feeds/auteurs/la-redaction/rss/", "/feeds/auteurs/la-redaction/atom/",
]  # fmt: skip


def _parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert not feed.bozo, f"{url}: {feed.get('bozo_exception')}"
    return response, feed


def _article(section, slug, title, body, *, days=0, publish=True, **fields):
    page = ArticlePage(slug=slug, title=title, body=body,
                       date=timezone.now() - dt.timedelta(days=days), **fields)  # fmt: skip
    page.live = publish  # a page created as a draft is not live until published
    section.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    return ArticlePage.objects.get(pk=page.pk)


@pytest.mark.parametrize("url", FEEDS)
def test_every_feed_parses_without_errors(client, demo, url):
    _parse(client, url)


def test_site_feed_holds_exactly_the_published_items_newest_first(client, demo):
    section = SectionPage.objects.get(slug="actualite")
    _article(section, "brouillon", "Un brouillon", [("spip", "Pas encore.")], publish=False)
    _, feed = _parse(client, "/feeds/rss/")
    expected = sorted([*published(ArticlePage), *published(BrevePage)],
                      key=lambda p: (p.date, p.pk), reverse=True)  # fmt: skip
    assert [e.title for e in feed.entries] == [p.title for p in expected]
    assert "Un brouillon" not in [e.title for e in feed.entries]


def test_breves_feed_holds_only_breves(client, demo):
    _, feed = _parse(client, "/feeds/breves/rss/")
    assert {e.link.rsplit("/", 2)[-2] for e in feed.entries} == set(demo["breves"])


def test_section_feed_includes_its_subsections(client, demo):
    _, feed = _parse(client, "/feeds/rubriques/actualite/rss/")
    links = [e.link for e in feed.entries]
    assert any("/actualite/international/" in link for link in links)
    assert not any("/culture/" in link for link in links)


def test_keyword_and_author_feeds_filter_their_items(client, demo):
    _, feed = _parse(client, "/feeds/mots/logement/rss/")
    assert {e.title for e in feed.entries} == {
        "Encadrement des loyers : un premier bilan encourageant",
        "Permanence logement : tous les samedis de 10 h à 12 h",
    }
    _, feed = _parse(client, "/feeds/auteurs/yacine-morel/atom/")
    assert [e.title for e in feed.entries] == [
        "En Allemagne et en Italie, des régies publiques de l'eau qui fonctionnent"
    ]


def test_unknown_section_keyword_or_author_feed_is_404(client, demo):
    for url in ("/feeds/rubriques/nope/rss/", "/feeds/mots/nope/rss/", "/feeds/auteurs/nope/atom/"):
        assert client.get(url).status_code == 404


@override_settings(SITE_URL=SITE)
def test_items_carry_full_text_bylines_categories_and_permalink_guids(client, demo):
    _, feed = _parse(client, "/feeds/rss/")
    gares = next(e for e in feed.entries if e.title.startswith("Les gares"))
    assert gares.link == f"{SITE}/actualite/gares-de-proximite/"
    assert gares.id == gares.link  # the guid is the permalink
    assert "Nous avons rencontré des usagers" in gares.content[0].value
    assert [a["name"] for a in gares.authors] == ["Claire Fontaine", "La rédaction"]
    assert {t.term for t in gares.tags} == {"Services publics", "Transports", "France"}
    _, atom = _parse(client, "/feeds/atom/")
    gares = next(e for e in atom.entries if e.title.startswith("Les gares"))
    assert "Nous avons rencontré des usagers" in gares.content[0].value
    assert [a["name"] for a in gares.authors] == ["Claire Fontaine", "La rédaction"]


@override_settings(SITE_URL=SITE)
def test_lead_image_is_an_enclosure(client, demo):
    image = Image.objects.create(title="Gare", file=get_test_image_file(size=(1600, 900)))
    _article(SectionPage.objects.get(slug="actualite"), "illustre", "Article illustré",
             [("spip", "Texte.")], lead_image=image)  # fmt: skip
    _, feed = _parse(client, "/feeds/rss/")
    entry = next(e for e in feed.entries if e.title == "Article illustré")
    enclosure = entry.enclosures[0]
    assert enclosure.href.startswith(f"{SITE}/media/") and enclosure.type.startswith("image/")
    assert int(enclosure.length) > 0


def test_feeds_are_cacheable_and_dated(client, demo):
    response = client.get("/feeds/rss/")
    assert "public" in response["Cache-Control"] and "max-age" in response["Cache-Control"]
    assert response.has_header("Last-Modified")
    assert "Set-Cookie" not in response.headers  # nothing per-user: the page cache may keep it


def test_spip_backend_address_redirects_to_the_site_feed(client, demo):
    response = client.get("/spip.php", {"page": "backend"})
    assert response.status_code == 301 and response["Location"] == "/feeds/rss/"
    assert client.get("/spip.php", {"page": "backend-breves"})["Location"] == "/feeds/breves/rss/"
    assert client.get("/spip.php", {"page": "article"}).status_code == 404


def test_pages_advertise_their_feeds(client, demo):
    html = client.get("/actualite/").content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in html
    assert 'href="/feeds/rubriques/actualite/rss/"' in html
    assert 'href="/feeds/mots/logement/rss/"' in client.get("/mots/logement/").content.decode()


# --- Security cases 54-56 ------------------------------------------------------------------------


@pytest.mark.security_case(54)
def test_case_54_hostile_titles_and_control_characters_keep_the_feed_well_formed(client, demo):
    _article(SectionPage.objects.get(slug="actualite"), "hostile",
             "]]><script>alert(1)</script>\x0b\x1b titre",
             [("spip", "<script>alert(2)</script>Texte\x0b\x1b ici"),
              ("paragraph", '<p>Riche<script>alert(3)</script></p>')])  # fmt: skip
    for url in ("/feeds/rss/", "/feeds/atom/"):
        response, feed = _parse(client, url)
        from xml.dom import minidom

        minidom.parseString(response.content)  # a strict XML parser accepts it
        body = response.content.decode()
        assert "\x0b" not in body and "\x1b" not in body
        assert "<script>" not in body
        entry = next(e for e in feed.entries if "titre" in e.title)
        assert entry.title == "]]><script>alert(1)</script> titre"  # the text, as text
        assert "<script" not in entry.content[0].value


@pytest.mark.security_case(55)
def test_case_55_drafts_and_private_pages_never_appear(client, demo):
    section = SectionPage.objects.get(slug="actualite")
    _article(section, "secret-draft", "Brouillon secret", [("spip", "x")], publish=False)
    private = _article(section, "secret-private", "Page privée", [("spip", "x")], publish=False)
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    private.save_revision().publish()
    for url in FEEDS:
        body = client.get(url).content.decode()
        assert "Brouillon secret" not in body and "Page privée" not in body
        assert "@example.org" not in body  # no author e-mail address


@pytest.mark.security_case(55)
def test_case_55_pending_comments_and_account_addresses_never_appear(client, demo):
    """Comments awaiting moderation are not feed items, and a byline linked to an admin account
    never carries that account's e-mail address."""
    from django.contrib.auth.models import User

    from redac.comments.models import Comment

    article = published(ArticlePage).filter(author_links__isnull=False).first()
    Comment.objects.create(page=article, author_name="Lecteur", author_email="l@secret.example",
                           body="Commentaire en attente de modération")  # fmt: skip
    author = article.authors[0]
    author.user = User.objects.create_user("plume", "plume@secret.example", "motdepasse-plume-1")
    author.save()
    _, feed = _parse(client, f"/feeds/auteurs/{author.slug}/rss/")
    assert article.title in [e.title for e in feed.entries]  # the article itself is there
    author_feeds = [f"/feeds/auteurs/{author.slug}/rss/", f"/feeds/auteurs/{author.slug}/atom/"]
    for url in [*FEEDS, *author_feeds]:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "Commentaire en attente" not in body and "@secret.example" not in body, url


@pytest.mark.security_case(56)
@override_settings(SITE_URL=SITE)
def test_case_56_javascript_and_data_links_are_not_emitted(client, demo):
    _article(SectionPage.objects.get(slug="actualite"), "liens", "Liens piégés",
             [("paragraph", '<p><a href="javascript:alert(1)">a</a> <a href="data:text/html,x">b</a>'
                            ' <a href="/interne/">c</a></p>')])  # fmt: skip
    response, feed = _parse(client, "/feeds/rss/")
    entry = next(e for e in feed.entries if e.title == "Liens piégés")
    html = entry.content[0].value
    assert "javascript:" not in html and "data:" not in html
    assert f'href="{SITE}/interne/"' in html
    for e in feed.entries:
        assert e.link.startswith(f"{SITE}/")


def test_footnotes_in_feeds_point_at_the_article_and_their_text_is_there(client, demo):
    """Issue 18: a note's link in a feed reader goes to the article (``<article URL>#nb1``), not
    to the home page a bare ``#nb1`` resolves to there, and the notes' text is in the entry."""
    section = SectionPage.objects.get(slug="actualite")
    page = _article(section, "avec-notes", "Un article annoté",
                    [("spip", "La loi de 1905[[Loi du 9 décembre 1905.]] reste en vigueur."),
                     ("spip", "Second texte[[Note du second texte.]].")])  # fmt: skip
    _, feed = _parse(client, "/feeds/rss/")
    (entry,) = [e for e in feed.entries if e.link.endswith(page.url)]
    content = entry.content[0].value
    assert "Loi du 9 décembre 1905." in content and "Note du second texte." in content
    here = entry.link
    hrefs = set(re.findall(r'href="([^"]+)"', content))
    assert {f"{here}#nb1", f"{here}#nh1", f"{here}#nb2-1", f"{here}#nh2-1"} <= hrefs
    assert not [h for h in hrefs if "#n" in h and not h.startswith(here)]
    # the same anchors as on the article's page
    html = client.get(page.url).content.decode()
    for anchor in ("nb1", "nh1", "nb2-1", "nh2-1"):
        assert f'id="{anchor}"' in html
    _, atom = _parse(client, "/feeds/atom/")
    (entry,) = [e for e in atom.entries if e.link.endswith(page.url)]
    assert f'href="{here}#nb1"' in entry.content[0].value


def test_embedded_players_are_plain_links_in_feeds(client, demo):
    section = SectionPage.objects.get(slug="actualite")
    _article(section, "video", "Une vidéo",
             [("spip", '<iframe src="https://player.vimeo.com/video/7" title="Débat"></iframe>')])  # fmt: skip
    _, feed = _parse(client, "/feeds/rss/")
    (entry,) = [e for e in feed.entries if e.title == "Une vidéo"]
    content = entry.content[0].value
    assert 'href="https://vimeo.com/7"' in content and "Débat" in content
    assert "<iframe" not in content and "data-embed-src" not in content
