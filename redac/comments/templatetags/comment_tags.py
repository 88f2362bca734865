from django import template
from django.urls import reverse
from django.utils.translation import get_language

from redac.core.lib.usertext import linkify

from ..models import Comment
from ..services import published_threads, refusal_reason

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
        "count": _size(threads),  # every published comment is in the tree: no COUNT query
        "open": refusal_reason(page) is None,
        "form_url": reverse("comments:form", args=[page.pk]),
    }


def _size(threads) -> int:
    return sum(1 + _size(thread.replies) for thread in threads)


@register.simple_tag
def comment_count(page) -> int:
    from django.db.models import Q

    shown = Q(parent__isnull=True) | Q(parent__status=Comment.Status.PUBLISHED)
    return Comment.objects.published().filter(shown, page=page).count()


@register.filter
def comment_text(text):
    """A reader's comment: escaped, links on bare URLs, and the typography of the language the
    page speaks (« résumé&nbsp;! »). Linear on any input: only the typography pass of
    ``redac.typo`` reads it, on escaped text (no shortcut is interpreted)."""
    return linkify(text, typography=get_language() or "fr")
