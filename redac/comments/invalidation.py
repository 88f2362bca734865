"""What a change to a page's comments invalidates in the page cache, announced through
redac.core.signals.content_changed (redac.delivery purges what it is told, and names no app).

A comment published, unpublished or deleted changes its page (the thread and its count) and the
listings whose cards show the count (« N commentaires »): home, the page's sections, the keyword
and author pages listing it. Not its neighbours, feeds or sitemaps.
"""

from __future__ import annotations

from redac.core import signals
from redac.core.paths import page_path
from redac.delivery.invalidation import listing_refs

from .services import comments_changed


def register() -> None:
    """Called once, from CommentsConfig.ready()."""
    comments_changed.connect(on_comments_changed, dispatch_uid="comments.page_cache")


def comment_count_paths(page) -> set[str]:
    """Where a page's count of published comments shows: the page itself, every listing above it
    and the pages listing it through a relation (keyword and author pages)."""
    paths: set[str] = set()
    for item in [page, *page.get_ancestors()]:
        path = page_path(item)
        if path:
            paths.add(path)
    return paths | listing_refs(page)


def on_comments_changed(sender, page=None, **kwargs):
    from .models import Comment

    if page is not None:
        signals.content_changed.send(
            sender=Comment, paths=sorted(comment_count_paths(page)),
            reason=f"comments of page {page.pk} changed",
        )  # fmt: skip
