"""Issue 15 (low): documents were sent with a literal ``content-encoding: None`` header.

Wagtail's document server copies ``mimetypes.guess_type``'s encoding into the header, and Django
writes a Python ``None`` as the text "None". The class is "a header that says nothing": no public
response of any type (page, listing, feed, sitemap, search, document, image, static file, error,
redirect, API answer) carries a header valued ``None`` or empty, through Django or the page
cache."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from redac.delivery.tests import conftest as delivery_fixtures

page_cache = delivery_fixtures.page_cache  # an empty page cache for each test


@pytest.fixture
def public_urls(demo):
    """One URL of each public response type."""
    from django.contrib.staticfiles import finders
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file

    from redac.news.models import ArticlePage, Author, BrevePage, Keyword, SectionPage

    documents = {
        extension: get_document_model().objects.create(
            title=f"Document {extension}", file=ContentFile(body, name=f"piece.{extension}")
        )
        for extension, body in (("pdf", b"%PDF-1.4\n%%EOF\n"), ("txt", b"bonjour\n"),
                                ("csv", b"a;b\n1;2\n"), ("zip", b"PK\x05\x06" + bytes(18)))
    }  # fmt: skip
    image = get_image_model().objects.create(title="Photo", file=get_test_image_file())
    article = ArticlePage.objects.live().first()
    urls = {
        "home": "/",
        "section": SectionPage.objects.live().first().url,
        "article": article.url,
        "brève": BrevePage.objects.live().first().url,
        "rss": "/feeds/rss/",
        "atom": "/feeds/atom/",
        "sitemap": "/sitemap.xml",
        "news sitemap": "/sitemap-news.xml",
        "robots": "/robots.txt",
        "search": "/recherche/?q=eau",
        "keyword": f"/mots/{Keyword.objects.first().slug}/",
        "author": f"/auteurs/{Author.objects.first().slug}/",
        "rendition": image.get_rendition("width-100").url,
        "missing page": "/nulle-part/",
        "missing document": "/documents/999999/rien.pdf",
        "old SPIP address": "/spip.php?article1",
        "not allowed": "/",  # (asked with DELETE below)
        **{f"document .{ext}": document.url for ext, document in documents.items()},
    }
    static = sorted((Path(finders.find("redac/css"))).glob("*.css"))[0].name
    urls["static file"] = f"/static/redac/css/{static}"
    return urls


def empty_headers(headers) -> list[str]:
    return [f"{name}: {value!r}" for name, value in headers
            if str(value).strip() in ("None", "")]  # fmt: skip


def test_attack_content_encoding_header_never_none_on_any_public_response(public_urls):
    client = Client()
    seen = set()
    for name, url in public_urls.items():
        if name == "not allowed":
            response = client.delete(url)
        else:
            response = client.get(url)
        seen.add(response.status_code)
        assert not empty_headers(response.items()), (
            f"{name} ({url}): {empty_headers(response.items())}"
        )
        assert response.get("Content-Encoding") not in ("None", ""), name
    assert {200, 404, 405} <= seen


def test_attack_content_encoding_header_never_none_from_the_page_cache(public_urls, request):
    """Hits come from what Django answered first, with the WSGI layer's own headers added."""
    from django.core.handlers.wsgi import WSGIHandler

    from redac.delivery.wsgi import CachedApp

    request.getfixturevalue("page_cache")
    visitor = delivery_fixtures.WsgiClient(CachedApp(WSGIHandler(), enabled=True))
    for name in ("home", "article", "rss", "sitemap", "missing page", "document .pdf"):
        for _ in range(2):  # a miss, then a hit
            response = visitor.get(public_urls[name])
            assert not empty_headers(response.headers.items()), f"{name}: {response.headers}"


def test_attack_content_encoding_header_dropped_whoever_sets_it(rf):
    """The response layer decides, not each view: any view's None header is dropped."""
    from django.http import HttpResponse

    from redac.core.middleware import NoEmptyHeadersMiddleware

    def view(request):
        response = HttpResponse(b"x")
        response["Content-Encoding"] = None
        response["X-Anything"] = None
        return response

    response = NoEmptyHeadersMiddleware(view)(rf.get("/"))
    assert "Content-Encoding" not in response and "X-Anything" not in response
    assert response.content == b"x"
