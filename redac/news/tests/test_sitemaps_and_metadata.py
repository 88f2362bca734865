"""Sitemaps, robots.txt and page metadata (Open Graph, Twitter, JSON-LD).

Sitemap validation: the official XSDs cannot be downloaded here (no network) and are not copied
into the repository; ``schemas/`` holds small schemas written from the published protocols' rules
(sitemaps.org 0.9, Google's image and news extensions), and xmlschema validates each response
against them — namespaces, required elements, W3C datetimes, absolute locations.
"""

import datetime as dt
import json
import re
from pathlib import Path

import pytest
import xmlschema
from django.test import override_settings
from django.utils import timezone
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from redac.news.models import ArticlePage, SectionPage, published

SCHEMAS = Path(__file__).parent / "schemas"
SITE = "https://journal.example"


@pytest.fixture(scope="module")
def sitemap_schema():
    return xmlschema.XMLSchema(
        SCHEMAS / "sitemap.xsd",
        locations=[("http://www.google.com/schemas/sitemap-image/1.1", str(SCHEMAS / "image.xsd")),
                   ("http://www.google.com/schemas/sitemap-news/0.9", str(SCHEMAS / "news.xsd"))],
    )  # fmt: skip


def _article(slug, title, *, days=0.0, **fields):
    section = SectionPage.objects.get(slug="actualite")
    page = ArticlePage(slug=slug, title=title, body=[("spip", "Texte.")],
                       date=timezone.now() - dt.timedelta(days=days), **fields)  # fmt: skip
    section.add_child(instance=page)
    page.save_revision().publish()
    return ArticlePage.objects.get(pk=page.pk)


def _locs(xml: bytes) -> list[str]:
    return re.findall(r"<loc>([^<]+)</loc>", xml.decode())


@override_settings(SITE_URL=SITE)
def test_sitemap_index_and_every_sitemap_validate(client, demo, sitemap_schema):
    image = Image.objects.create(title="Une", file=get_test_image_file(size=(1400, 800)))
    _article("avec-image", "Avec image", lead_image=image)
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    sitemap_schema.validate(index.content.decode())
    urls = _locs(index.content)
    assert f"{SITE}/sitemap-articles.xml" in urls and f"{SITE}/sitemap-breves.xml" in urls
    for url in urls:
        response = client.get(url.removeprefix(SITE))
        assert response.status_code == 200, url
        sitemap_schema.validate(response.content.decode())
    articles = client.get("/sitemap-articles.xml").content.decode()
    assert "<image:loc>" + SITE + "/media/" in articles
    assert "<lastmod>" in articles


def test_article_sitemap_lists_exactly_the_published_articles(client, demo):
    draft = ArticlePage(slug="pas-publie", title="Pas publié", live=False)
    SectionPage.objects.get(slug="actualite").add_child(instance=draft)
    locs = _locs(client.get("/sitemap-articles.xml").content)
    assert len(locs) == published(ArticlePage).count()
    assert not any("pas-publie" in loc for loc in locs)


def test_news_sitemap_lists_the_last_48_hours_with_publication(client, demo, sitemap_schema):
    _article("tout-frais", "Tout frais", days=0.1)
    _article("trop-vieux", "Trop vieux", days=3)
    response = client.get("/sitemap-news.xml")
    sitemap_schema.validate(response.content.decode())
    xml = response.content.decode()
    assert "tout-frais" in xml and "trop-vieux" not in xml
    assert "<news:name>L&#x27;Horizon commun</news:name>" in xml or "<news:name>L'Horizon" in xml
    assert "<news:language>fr</news:language>" in xml


def test_robots_txt_points_at_the_sitemaps(client, demo):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Sitemap: http" in body and "/sitemap.xml" in body and "/sitemap-news.xml" in body
    assert "Disallow: /admin/" in body


# --- Page metadata -------------------------------------------------------------------------------


def _json_ld(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def _meta(html: str, key: str) -> list[str]:
    return re.findall(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">', html)


# Required/recommended properties of the schema.org types used (Google's NewsArticle guidance).
REQUIRED = {
    "NewsArticle": {"headline", "datePublished", "dateModified", "author", "publisher", "url",
                    "mainEntityOfPage"},
    "NewsMediaOrganization": {"name", "url", "logo"},
    "ImageObject": {"url"},
    "Person": {"name"},
    "Organization": {"name"},
    "BreadcrumbList": {"itemListElement"},
    "ListItem": {"position", "name", "item"},
}  # fmt: skip
ISO_WITH_ZONE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")


def _check_types(node):
    if isinstance(node, dict):
        if "@type" in node:
            missing = REQUIRED.get(node["@type"], set()) - node.keys()
            assert not missing, f"{node['@type']} lacks {missing}"
        for value in node.values():
            _check_types(value)
    elif isinstance(node, list):
        for value in node:
            _check_types(value)


@override_settings(SITE_URL=SITE)
def test_article_json_ld_has_the_required_properties(client, demo):
    html = client.get("/actualite/gares-de-proximite/").content.decode()
    article, breadcrumb = _json_ld(html)
    _check_types(article)
    _check_types(breadcrumb)
    assert article["@type"] == "NewsArticle" and article["@context"] == "https://schema.org"
    assert ISO_WITH_ZONE.match(article["datePublished"])
    assert ISO_WITH_ZONE.match(article["dateModified"])
    assert article["author"] == [
        {"@type": "Person", "name": "Claire Fontaine", "url": f"{SITE}/auteurs/claire-fontaine/"},
        {"@type": "Organization", "name": "La rédaction", "url": f"{SITE}/auteurs/la-redaction/"},
    ]
    assert article["publisher"]["@type"] == "NewsMediaOrganization"
    assert article["publisher"]["logo"]["url"].startswith(SITE)
    assert [i["name"] for i in breadcrumb["itemListElement"]] == [
        "Accueil", "Actualité", "Les gares de proximité ne sont pas un luxe"]  # fmt: skip


def test_breve_json_ld_is_a_news_article_by_an_organisation(client, demo):
    html = client.get("/actualite/breves/petition-guichets/").content.decode()
    article = _json_ld(html)[0]
    assert article["@type"] == "NewsArticle"
    assert article["author"][0]["@type"] == "Organization"


@override_settings(SITE_URL=SITE)
def test_article_has_canonical_social_cards_and_large_previews(client, demo):
    image = Image.objects.create(title="Une", file=get_test_image_file(size=(1600, 1000)))
    _article("carte", "Carte sociale", lead_image=image, chapo="Le chapeau de l'article.")
    html = client.get("/actualite/carte/").content.decode()
    assert f'<link rel="canonical" href="{SITE}/actualite/carte/">' in html
    assert _meta(html, "robots") == ["max-image-preview:large"]
    assert _meta(html, "og:title") == ["Carte sociale"]
    assert _meta(html, "og:type") == ["article"]
    # the chapo as readers see it, typography included (issue 18: rendered, then plain text)
    assert _meta(html, "og:description") == ["Le chapeau de l’article."]
    assert _meta(html, "og:image:width") == ["1200"] and _meta(html, "og:image:height") == ["630"]
    assert _meta(html, "twitter:card") == ["summary_large_image"]
    assert _meta(html, "article:section") == ["Actualité"]
    assert ISO_WITH_ZONE.match(_meta(html, "article:published_time")[0])
    assert _json_ld(html)[0]["image"][0].startswith(f"{SITE}/media/")


def test_description_falls_back_to_the_body(client, demo):
    _article("sans-chapo", "Sans chapeau")
    assert _meta(client.get("/actualite/sans-chapo/").content.decode(), "description") == ["Texte."]


def test_case_59_hostile_title_is_escaped_in_social_tags(client, demo):
    _article("hostile", "<img src=x onerror=alert(1)>")
    html = client.get("/actualite/hostile/").content.decode()
    assert "<img src=x" not in html
    assert _meta(html, "og:title") == ["&lt;img src=x onerror=alert(1)&gt;"]


def test_case_62_json_ld_cannot_be_broken_out_of(client, demo):
    _article("rupture", "</script><script>alert(1)</script> & co")
    html = client.get("/actualite/rupture/").content.decode()
    assert "<script>alert(1)" not in html
    article = _json_ld(html)[0]
    assert article["headline"] == "</script><script>alert(1)</script> & co"
    assert "\\u003C/script\\u003E" in html


def test_the_social_card_shows_the_texts_own_image_else_a_whole_logo(client, demo):
    """Issue 16: og:image is the article's image (its main image, else the first image of its
    body); a logo stands in only when the text has none, whole, never cropped to 1.91:1."""
    from redac.core.models import SiteIdentity

    photo = Image.objects.create(title="Photo", file=get_test_image_file(size=(1600, 1000)))
    page = _article("corps-illustre", "Illustré dans le corps")
    page.body = [("spip", "Texte."), ("image", {"image": photo, "caption": "", "alt": ""})]
    page.save_revision().publish()
    html = client.get("/actualite/corps-illustre/").content.decode()
    assert _meta(html, "og:image")[0].endswith(photo.get_rendition("fill-1200x630").url)
    assert _meta(html, "og:image:height") == ["630"]

    logo = Image.objects.create(title="Logo", file=get_test_image_file(size=(400, 400)))
    identity = SiteIdentity.for_site(demo["site"])
    identity.logo = logo
    identity.save()
    _article("sans-image", "Sans image")
    html = client.get("/actualite/sans-image/").content.decode()
    assert _meta(html, "og:image")[0].endswith(logo.get_rendition("max-1200x1200").url)
    assert _meta(html, "og:image:width") == ["400"] and _meta(html, "og:image:height") == ["400"]
