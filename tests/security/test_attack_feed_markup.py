"""Issue 15, item 10: a brève's RSS ``<description>`` was its raw text, HTML and SPIP markup
included, entity-encoded: a feed reader rendered a ``javascript:`` link from it. Every feed field
is now plain text (titles, bylines, categories) or HTML that readers render: the description is
the plain text the page shows, escaped as text; the full text is the page's HTML, cleaned by the
allow-list. Checked with feedparser (its own sanitiser off, as a reader without one would read
the feed) on every feed, RSS and Atom, with hostile SPIP and HTML payloads."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

import feedparser
import pytest
from django.utils import timezone

HOSTILE_SPIP = (
    "{{Début}} [clic SPIP->javascript:alert(1)] [autre->JaVaScRiPt:alert(11)]\n\n"
    '<a href="javascript:alert(2)">lien HTML</a> <img src="x" onerror="alert(3)">'
    '<p onclick="alert(4)">paragraphe</p><script>alert(5)</script>'
    '<iframe src="https://evil.example/"></iframe><svg onload="alert(6)"></svg>'
    '<a href="data:text/html,<script>alert(7)</script>">data</a>'
    "\n\nTexte écrit &lt;script&gt;alert(8)&lt;/script&gt; tel quel"
)
FEEDS = ["/feeds/rss/", "/feeds/atom/", "/feeds/breves/rss/", "/feeds/breves/atom/",
         "/feeds/rubriques/actualite/rss/", "/feeds/rubriques/actualite/atom/",
         "/feeds/mots/logement/rss/", "/feeds/mots/logement/atom/",
         "/feeds/auteurs/la-redaction/rss/", "/feeds/auteurs/la-redaction/atom/"]  # fmt: skip
SAFE_SCHEMES = ("http://", "https://", "mailto:")


class Markup(HTMLParser):
    """What an HTML-rendering feed reader would build from a field."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.problems, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag in {"script", "style", "iframe", "object", "embed", "svg", "math", "form", "input"}:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in {"style", "srcdoc", "formaction"}:
                self.problems.append(f"{tag}[{name}]")
            if name in {"href", "src", "action", "cite", "poster", "xlink:href"}:
                if not (value or "").strip().lower().startswith(SAFE_SCHEMES):
                    self.problems.append(f"{tag}[{name}={value}]")

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)


def markup_of(value: str) -> Markup:
    parser = Markup()
    parser.feed(value or "")
    parser.close()
    return parser


@pytest.fixture
def hostile_breve(demo):
    from redac.news.models import Author, BreveIndexPage, BrevePage, Keyword

    listing = BreveIndexPage.objects.get(slug="breves")
    page = BrevePage(slug="breve-piegee", title="Brève piégée", body=[("spip", HOSTILE_SPIP)],
                     date=timezone.now() + dt.timedelta(minutes=-1))  # fmt: skip
    listing.add_child(instance=page)
    page.keywords.add(Keyword.objects.get(slug="logement"))
    page.author_links.create(author=Author.objects.get(slug="la-redaction"))
    page.save_revision().publish()
    return BrevePage.objects.get(pk=page.pk)


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content, sanitize_html=False, resolve_relative_uris=False)
    assert not feed.bozo, f"{url}: {feed.get('bozo_exception')}"
    return feed


@pytest.mark.parametrize("url", FEEDS)
def test_attack_feed_markup_no_field_of_any_feed_carries_active_markup(client, hostile_breve, url):
    feed = parse(client, url)
    entry = next(e for e in feed.entries if e.title == "Brève piégée")
    html_fields = [entry.summary] + [c.value for c in entry.get("content", [])]
    for value in html_fields:
        assert markup_of(value).problems == [], value
    # the description is text: no element at all once a reader renders it
    assert markup_of(entry.summary).tags == []
    # plain-text fields hold no markup either
    for value in [entry.title, *(t.term for t in entry.get("tags", [])),
                  *(a.get("name", "") for a in entry.get("authors", []))]:  # fmt: skip
        assert markup_of(value).tags == [], value


def test_attack_feed_markup_a_brève_description_is_what_its_page_shows(client, hostile_breve):
    """Neither the raw SPIP (« {{Début}} », « ->javascript: ») nor its HTML: the page's words."""
    for url in ("/feeds/breves/rss/", "/feeds/breves/atom/"):
        entry = next(e for e in parse(client, url).entries if e.title == "Brève piégée")
        shown = "".join(markup_of(entry.summary).text)
        assert shown.startswith("Début clic SPIP autre")
        assert "{{" not in shown and "->" not in shown and "javascript" not in shown.lower()
        assert "alert(5)" not in shown  # a script's content is no text of the page
        # text typed as text (« &lt;script&gt; ») shows as typed, never becomes markup
        assert "<script>alert(8)</script>" in shown


def test_attack_feed_markup_full_text_is_cleaned_by_the_allow_list(client, hostile_breve):
    entry = next(e for e in parse(client, "/feeds/breves/rss/").entries
                 if e.title == "Brève piégée")  # fmt: skip
    content = entry.content[0].value
    found = markup_of(content)
    assert found.problems == []
    assert "Début" in content and "paragraphe" in content and "lien HTML" in content
    assert "alert(" not in content.replace("&lt;script&gt;alert(8)", "")
