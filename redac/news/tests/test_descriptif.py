"""The descriptif (SPIP markup: ``{historique}``, ``{{…}}``, links, ``<multi>``) is rendered
wherever it shows: listings, meta descriptions (as plain text), JSON-LD and feeds (issue 18)."""

from __future__ import annotations

import json
import re

import feedparser
import pytest
from django.utils import timezone

from redac.news.models import ArticlePage, SectionPage

pytestmark = pytest.mark.django_db

DESCRIPTIF = (
    "Un {historique} {{accord}} : voir [le texte->https://example.org/accord] "
    "<multi>[fr]en français[en]in English</multi>[[une note]]"
)
SEEN = "Un historique accord : voir le texte en français"


@pytest.fixture
def article(demo):
    section = SectionPage.objects.get(slug="actualite")
    page = ArticlePage(slug="descriptif", title="Avec descriptif", descriptif=DESCRIPTIF,
                       date=timezone.now())  # fmt: skip
    section.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_the_listing_card_renders_the_descriptif(client, article):
    html = client.get("/actualite/").content.decode()
    card = html[html.index('class="card__summary"') :]
    card = card[: card.index("</div>")]
    assert "<i>historique</i>" in card and "<strong>accord</strong>" in card
    assert 'href="https://example.org/accord"' in card and "en français" in card
    assert "{" not in card and "[" not in card and "multi" not in card


def test_meta_descriptions_and_json_ld_hold_the_descriptif_as_plain_text(client, article):
    html = client.get(article.url).content.decode()
    description = re.search(r'<meta name="description" content="([^"]*)"', html).group(1)
    assert description.replace("\xa0", " ") == SEEN
    assert re.search(r'<meta property="og:description" content="([^"]*)"', html).group(1) == (
        description
    )
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ld = [json.loads(b) for b in blocks if "NewsArticle" in b][0]
    assert ld["description"].replace("\xa0", " ") == SEEN


def test_feeds_describe_items_with_the_rendered_descriptif(client, article):
    feed = feedparser.parse(client.get("/feeds/rss/").content)
    (entry,) = [e for e in feed.entries if e.title == "Avec descriptif"]
    assert entry.summary.replace("\xa0", " ") == SEEN


def test_an_english_descriptif_is_described_in_english(client, article):
    article.lang = "en"
    article.save_revision().publish()
    html = client.get(article.url).content.decode()
    description = re.search(r'<meta name="description" content="([^"]*)"', html).group(1)
    assert description.endswith("in English") and "français" not in description
