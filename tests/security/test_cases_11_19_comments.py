"""Security cases 11-19: reader comments (plain text, auto-linked URLs, moderation, IDOR)."""

import time

import html5lib
import pytest
from django.contrib.auth.models import User
from wagtail.models import PageViewRestriction

from redac.comments.models import Comment
from redac.comments.services import post_comment
from redac.core.lib.usertext import linkify
from redac.news.models import ArticlePage


def _published(page, body, name="Lecteur"):
    comment = post_comment(page, author_name=name, author_email="", body=body)
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.PUBLISHED)
    return comment


def _comment_html(client, page):
    html = client.get(page.url).content.decode()
    start = html.index('id="commentaires"')
    return html[start : html.index("</section>", start)]


def _elements(fragment):
    tree = html5lib.parseFragment(fragment, namespaceHTMLElements=False)
    return [el for el in tree.iter() if isinstance(el.tag, str) and el is not tree]


@pytest.mark.parametrize("payload", [
    "<script>alert(1)</script>", "<svg/onload=alert(1)>", '<iframe srcdoc="<script>x</script>">',
    '<a href="javascript:alert(1)">x</a>',
])  # fmt: skip
def test_case_11_markup_in_a_comment_is_escaped(client, article, payload):
    _published(article, payload)
    section = _comment_html(client, article)
    assert payload not in section
    tags = {el.tag for el in _elements(linkify(payload))}
    assert tags <= {"p", "br"}


@pytest.mark.parametrize("payload", [
    "[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](java&#x09;script:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
])  # fmt: skip
def test_case_12_markdown_style_links_never_become_links(client, article, payload):
    _published(article, payload)
    assert "<a " not in str(linkify(payload))
    section = _comment_html(client, article)
    assert 'href="javascript' not in section.lower() and 'href="data:' not in section


def test_case_13_mutation_xss_string_is_escaped_and_stable(client, article):
    payload = '<noscript><p title="</noscript><img src=x onerror=alert(1)>">'
    _published(article, payload)
    out = str(linkify(payload))
    assert {el.tag for el in _elements(out)} == {"p"}
    # Re-parsing gives the same text back: nothing was "repaired" into markup.
    assert html5lib.parseFragment(out, namespaceHTMLElements=False).find("p").text == payload
    assert "<img src=x" not in _comment_html(client, article)


def test_case_14_auto_links_are_http_only_with_nofollow_ugc_noopener(client, article):
    _published(article, "Voir https://exemple.org/page?a=1&b=2. Et ftp://x.org ou javascript://x")
    section = _comment_html(client, article)
    assert ('<a href="https://exemple.org/page?a=1&amp;b=2" rel="nofollow ugc noopener">'
            in section)  # fmt: skip
    assert section.count("<a href=") == 1 + section.count("Répondre</a>")


@pytest.mark.parametrize("state", ["draft", "private", "closed", "unknown"])
def test_case_15_comment_on_draft_private_closed_or_unknown_page_is_refused(
    post_comment_as_reader, article, state
):
    page_id = article.pk
    if state == "draft":
        article.unpublish()
    elif state == "private":
        PageViewRestriction.objects.create(page=article, restriction_type="password",
                                           password="secret")  # fmt: skip
    elif state == "closed":
        article.comments_mode = "closed"
        article.save_revision().publish()
    else:
        page_id = 999_999
    article.pk = page_id
    response = post_comment_as_reader(article)
    assert response.status_code in (403, 404)
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "name",
    ["Rédaction", "ADMIN", "la redaction", "Claire Fontaine", "L'Horizon commun", "Paule Ronne"],
)
def test_case_16_staff_or_organisation_names_are_refused(post_comment_as_reader, article, name):
    User.objects.create_user("paule", "paule@example.org", "x-motdepasse-1", first_name="Paule",
                             last_name="Ronne", is_staff=True)  # fmt: skip
    response = post_comment_as_reader(article, author_name=name)
    assert response.status_code == 400
    assert "réservé" in response.content.decode()
    assert not Comment.objects.exists()


def test_case_16_readers_are_marked_as_readers(client, article):
    _published(article, "Bonjour")
    assert 'comment__badge">lecteur' in _comment_html(client, article)


def test_case_17_huge_word_is_capped_and_rendering_is_fast(post_comment_as_reader, article):
    response = post_comment_as_reader(article, body="a" * 100_000)
    assert response.status_code == 400
    assert not Comment.objects.exists()
    start = time.perf_counter()
    linkify("https://" + "a" * 100_000)
    linkify("http://" * 20_000)
    assert time.perf_counter() - start < 0.5


def test_case_18_pending_comment_is_not_on_the_page_nor_in_the_cached_html(
    post_comment_as_reader, client, article
):
    post_comment_as_reader(article, body="Commentaire en attente")
    assert Comment.objects.get().status == Comment.Status.PENDING
    response = client.get(article.url)
    assert "Commentaire en attente" not in response.content.decode()
    # Nothing a shared cache could hold mentions it either: the only pages that do are the
    # reader's own uncached confirmation and the admin queue.
    assert "Commentaire en attente" not in client.get("/").content.decode()


def test_case_19_double_encoded_text_is_shown_as_typed(client, article):
    _published(article, "&amp;lt;script&amp;gt;")
    section = _comment_html(client, article)
    assert "&amp;amp;lt;script&amp;amp;gt;" in section


def test_case_18_pending_comments_are_not_in_feeds(client, article):
    post_comment(article, author_name="X", author_email="", body="Secret en attente")
    section = article.get_parent().slug
    for url in ("/feeds/rss/", "/feeds/atom/", f"/feeds/rubriques/{section}/rss/",
                f"/feeds/rubriques/{section}/atom/", "/spip.php?page=backend"):  # fmt: skip
        response = client.get(url, follow=True)
        assert response.status_code == 200, url  # a real feed, not a 404 page
        assert b"Secret en attente" not in response.content
    assert ArticlePage.objects.live().filter(pk=article.pk).exists()
