"""Issue 15 (low): HTML comments and hidden text in SPIP fields (``<!-- … -->``, ``hidden``,
``<script>``/``<style>``) were left out of the page but came out in meta, OpenGraph and Twitter
descriptions, JSON-LD, RSS and search snippets: the plain text was extracted from the SPIP source
with rules of its own. It is now taken from the page's rendered, sanitised tree
(``redac.typo.visible``), dropping exactly what a browser does not show."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redac.typo.visible import visible_text, without_hidden

SECRET = "Zorglub"  # never a word of the visible pieces below

# --- the extraction itself, on any HTML tree ----------------------------------------------------

words = st.sampled_from(["alpha", "beta", "gamma", "l'été", "a < b", "x &amp; y", "", " "])
hiding = st.sampled_from([
    ("<!-- ", " -->"), ("<p hidden>", "</p>"), ("<span hidden=\"\">", "</span>"),
    ("<div hidden=\"until-found\">", "</div>"), ("<script>", "</script>"),
    ("<style>", "</style>"), ("<template>", "</template>"),
    ('<span style="display: none">', "</span>"), ('<div style="visibility:hidden">', "</div>"),
    ('<input type="hidden" value="', '">'),
])  # fmt: skip
showing = st.sampled_from([("<p>", "</p>"), ("<em>", "</em>"), ("<div class=\"x\">", "</div>"),
                           ("<ul><li>", "</li></ul>"), ("<a href=\"/x\">", "</a>"),
                           ("<table><tr><td>", "</td></tr></table>"), ("", "")])  # fmt: skip


@st.composite
def trees(draw, depth=0):
    """A fragment of shown and hidden elements; every secret is inside a hidden one."""
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["word", "show", "hide", "br"] if depth < 4 else ["word"]))
        if kind == "word":
            parts.append(draw(words))
        elif kind == "br":
            parts.append("<br>")
        elif kind == "show":
            opener, closer = draw(showing)
            parts.append(opener + draw(trees(depth + 1)) + closer)
        else:
            opener, closer = draw(hiding)
            inner = SECRET if opener.startswith(("<!--", "<script", "<style", "<input")) else \
                draw(trees(depth + 1)).replace("<!--", "") + " " + SECRET  # fmt: skip
            parts.append(opener + inner + closer)
    return "".join(parts)


@settings(max_examples=300, deadline=None)
@given(trees())
def test_attack_hidden_text_extracted_never_from_any_tree(fragment):
    assert SECRET not in visible_text(fragment)
    assert SECRET not in without_hidden(fragment)


@settings(max_examples=200, deadline=None)
@given(trees())
def test_attack_hidden_text_extracted_keeps_every_shown_word(fragment):
    """Not vacuous: what is outside hidden parts stays (words of shown elements)."""
    shown = re.sub(r"<(p hidden|span hidden|div hidden|script|style|template|span style|div style)"
                   r".*", "", fragment, flags=re.S)  # fmt: skip
    shown = re.sub(r"<!--.*", "", shown, flags=re.S).split("<input")[0]
    text = visible_text(fragment)
    for word in ("alpha", "beta", "gamma"):
        if re.search(rf"(^|>|\s){word}", shown):
            assert word in text


# --- from SPIP text, through the page's engine ---------------------------------------------------

spip_pieces = st.sampled_from([
    "Texte {{gras}} et {italique}. ", "[un lien->https://example.org/] ", "\n\n", "-* puce\n",
    "| a | b |\n", "<multi>[fr]oui [en]yes</multi> ", "[[une note]] ", "{{{Intertitre}}}\n\n",
    "<p>para</p>", "<div>bloc</div>", "<quote>citation</quote>", "mot ",
])  # fmt: skip
spip_hidden = st.sampled_from([f"<!-- {SECRET} -->", f"<p hidden>{SECRET}</p>",
                               f"<span hidden>{SECRET} {{{{gras}}}}</span>",
                               f"<script>var x = '{SECRET}';</script>",
                               f"<style>.{SECRET} {{}}</style>",
                               f"<div hidden>[{SECRET}->https://example.org/]</div>"])  # fmt: skip
spip_texts = st.lists(st.one_of(spip_pieces, spip_hidden), max_size=12).map("".join)


@pytest.mark.django_db
@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spip_texts)
def test_attack_hidden_text_extracted_never_from_any_spip_text(demo, text):
    from redac.news.text import spip_text

    assert SECRET not in spip_text(text, "fr")


# --- every place a page's text is copied to --------------------------------------------------------

HIDDEN_SPIP = (
    f"Le texte visible de la page. <!-- brouillon {SECRET}1 -->\n\n"
    f"<p hidden>Note interne {SECRET}2</p>\n\n"
    f"<span hidden>{SECRET}3</span> Suite visible. <script>{SECRET}4</script>"
    f"<style>.{SECRET}5 {{}}</style>"
)


@pytest.fixture
def hidden_article(demo):
    import datetime as dt

    from django.utils import timezone

    from redac.news.models import ArticlePage, SectionPage

    section = SectionPage.objects.get(slug="actualite")
    page = ArticlePage(slug="texte-cache", title="Article au texte caché",
                       chapo=f"Chapeau visible <!-- {SECRET}6 --><span hidden>{SECRET}7</span>",
                       body=[("spip", HIDDEN_SPIP)],
                       date=timezone.now() - dt.timedelta(minutes=1))  # fmt: skip
    section.add_child(instance=page)
    page.save_revision().publish()
    return ArticlePage.objects.get(pk=page.pk)


def test_attack_hidden_text_extracted_not_in_meta_og_twitter_or_json_ld(client, hidden_article):
    html = client.get(hidden_article.url).content.decode()
    head = html.split("</head>")[0]
    assert "Chapeau visible" in head  # the description is there…
    assert SECRET not in head  # …without what the page hides
    for block in re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html,
                            re.S):  # fmt: skip
        assert SECRET not in json.dumps(json.loads(block))


def test_attack_hidden_text_extracted_not_in_feeds(client, hidden_article):
    for url in ("/feeds/rss/", "/feeds/atom/", "/feeds/rubriques/actualite/rss/"):
        body = client.get(url).content.decode()
        assert "Article au texte caché" in body and "Suite visible" in body
        assert SECRET not in body, url


def test_attack_hidden_text_extracted_not_in_search_index_nor_snippets(client, hidden_article):
    from redac.search.index import entry_fields_for_page

    fields = entry_fields_for_page(hidden_article)
    assert "texte visible" in fields["body"] and "Chapeau visible" in fields["chapo"]
    assert SECRET not in json.dumps(fields, default=str)
    found = client.get("/recherche/", {"q": "texte visible"}).content.decode()
    assert f'href="{hidden_article.url}"' in found and SECRET not in found  # snippet included
    hidden = client.get("/recherche/", {"q": f"{SECRET}2"}).content.decode()
    assert f'href="{hidden_article.url}"' not in hidden
