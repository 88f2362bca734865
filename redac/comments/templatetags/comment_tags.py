from django import template
from django.urls import reverse
from django.utils.translation import get_language

from redac.core.lib.usertext import linkify

from ..models import shown_count_sql
from ..services import count_threads, published_threads, refusal_reason

register = template.Library()


@register.inclusion_tag("comments/comments_section.html")
def reader_comments(page):
    """The published comments of a page and, when open, the comment form (without token: the
    page stays cacheable; see redac.comments)."""
    mode = getattr(page, "comments_mode", "off")
    if mode == "off":
        return {"enabled": False}
    threads = published_threads(page)
    return {
        "enabled": True,
        "page": page,
        "threads": threads,
        "count": count_threads(threads),  # every comment shown is in the tree: no COUNT query
        "open": refusal_reason(page) is None,
        "form_url": reverse("comments:form", args=[page.pk]),
    }


@register.simple_tag
def comment_count(page) -> int:
    """The number of comments the page shows (replies under a hidden message, at any depth, are
    not counted: redac.comments.services.published_threads)."""
    from django.db import connection

    with connection.cursor() as cursor:
        sql, params = shown_count_sql("%s")
        cursor.execute("SELECT " + sql, [page.pk, *params])
        return cursor.fetchone()[0]


@register.filter
def comment_text(text):
    """A reader's comment: escaped, links on bare URLs, and the typography of the language the
    page speaks (« résumé&nbsp;! »). Linear on any input: only the typography pass of
    ``redac.typo`` reads it, on escaped text (no shortcut is interpreted)."""
    return linkify(text, typography=get_language() or "fr")
