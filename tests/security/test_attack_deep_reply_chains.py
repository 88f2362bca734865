"""Issue 15, item 6: about 75 nested replies raised RecursionError, and the article answered 500
to everyone. Threads are now built and counted without recursion, nested at most
``MAX_NESTING`` levels on the page (deeper replies are listed flat, each saying whom it answers),
and a reply under a removed message is hidden at every depth, in the page, its count and the
listings' counts alike."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

DEPTH = 3000


def chain(page, depth: int, *, status_at: dict[int, str] | None = None, start=None):
    """``depth`` comments, each replying to the one before, in two bulk statements; their ids."""
    from redac.comments.models import Comment

    status_at = status_at or {}
    start = start or timezone.now() - dt.timedelta(days=1)
    made = Comment.objects.bulk_create([
        Comment(page=page, author_name=f"Lecteur {i}", body=f"Message numéro {i} de la chaîne",
                status=status_at.get(i, Comment.Status.PUBLISHED),
                created_at=start + dt.timedelta(seconds=i))
        for i in range(depth)
    ], batch_size=500)  # fmt: skip
    for before, comment in zip(made, made[1:], strict=False):
        comment.parent_id = before.pk
    Comment.objects.bulk_update(made[1:], ["parent"], batch_size=500)
    return [comment.pk for comment in made]


@pytest.fixture
def commented(demo):
    from redac.news.models import ArticlePage

    page = ArticlePage.objects.live().filter(comments_mode="post").first() or \
        ArticlePage.objects.live().first()  # fmt: skip
    page.comments_mode = "post"
    page.save_revision().publish()
    return page


def nesting_depth(html: str) -> int:
    depth = deepest = 0
    for tag in re.finditer(r'<ol class="comments__replies">|</ol>', html):
        depth += 1 if tag.group().startswith("<ol") else -1
        deepest = max(deepest, depth)
    return deepest


@pytest.mark.slow  # thousands of replies
def test_attack_deep_reply_chains_thousands_of_nested_replies_render(client, commented):
    from redac.comments.services import MAX_NESTING

    chain(commented, DEPTH)
    response = client.get(commented.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="comment" id="commentaire-') == DEPTH
    assert re.search(r"commentaires-titre\">3\W?000 commentaires<", html)
    assert "Message numéro 2999 de la chaîne" in html
    # nesting is capped; the flat replies below the cap say whom they answer
    assert 1 <= nesting_depth(html) <= MAX_NESTING - 1
    assert html.count('class="comment__reply-to"') == DEPTH - MAX_NESTING - 1
    assert "En réponse à Lecteur 2998" in html


def test_attack_deep_reply_chains_flat_replies_keep_their_posting_order(client, commented):
    """Two branches below the nesting cap are merged in posting order, not branch by branch."""
    from redac.comments.models import Comment
    from redac.comments.services import MAX_NESTING, published_threads

    pks = chain(commented, MAX_NESTING + 2)
    deep = pks[MAX_NESTING - 1]  # the last nested level
    later = timezone.now()
    Comment.objects.create(page=commented, parent_id=deep, author_name="Branche B",
                           body="B", status="published", created_at=later)  # fmt: skip
    threads = published_threads(commented)
    node = threads[0]
    for _ in range(MAX_NESTING - 1):
        assert len(node.replies) == 1
        node = node.replies[0]
    assert [t.comment.author_name for t in node.replies] == [
        f"Lecteur {MAX_NESTING}",
        f"Lecteur {MAX_NESTING + 1}",
        "Branche B",
    ]
    assert all(not t.replies for t in node.replies)


def test_attack_deep_reply_chains_a_removed_message_hides_its_replies_at_every_depth(
    client, commented
):
    from redac.comments.models import Comment
    from redac.comments.templatetags.comment_tags import comment_count
    from redac.news.models import ArticlePage, with_comment_counts

    chain(commented, 200, status_at={10: Comment.Status.REJECTED})
    html = client.get(commented.url).content.decode()
    assert html.count('class="comment" id="commentaire-') == 10
    assert "Message numéro 11 de" not in html and "Message numéro 150 de" not in html
    # the counts the page and the listings show agree with it, at any depth
    assert comment_count(commented) == 10
    counted = with_comment_counts(ArticlePage.objects.filter(pk=commented.pk)).get()
    assert counted.published_comment_count == 10


def test_attack_deep_reply_chains_listing_counts_follow_deep_chains(client, commented):
    from redac.news.models import ArticlePage, with_comment_counts

    chain(commented, DEPTH)
    counted = with_comment_counts(ArticlePage.objects.filter(pk=commented.pk)).get()
    assert counted.published_comment_count == DEPTH


def test_attack_deep_reply_chains_imported_cycles_never_hang_nor_crash(client, commented):
    """SPIP data can hold replies that answer each other: neither is reachable, neither shows."""
    from redac.comments.models import Comment
    from redac.comments.templatetags.comment_tags import comment_count

    first = Comment.objects.create(page=commented, author_name="A", body="a", status="published")
    second = Comment.objects.create(page=commented, author_name="B", body="b", status="published",
                                    parent=first)  # fmt: skip
    Comment.objects.filter(pk=first.pk).update(parent=second)
    response = client.get(commented.url)
    assert response.status_code == 200
    assert 'id="commentaire-' not in response.content.decode()
    assert comment_count(commented) == 0
