"""What the newsroom's content invalidates in the page cache, declared in the registry of
redac.core.signals (read by redac.delivery, which names none of it).

- Authors, keywords and keyword groups show on many pages (bylines, keyword lists): any change
  empties the whole cache.
- A page is listed by its keyword pages (``/mots/<slug>/``) and its authors' pages
  (``/auteurs/<slug>/``), asked before and after a publication.
- A page changes the feeds and sitemaps, and the previous/next links of the items just before
  and after it in its listing (before a move too: news receives Wagtail's ``post_page_move``).
"""

from __future__ import annotations

from django.db.models import Q
from wagtail.signals import post_page_move

from redac.core import signals
from redac.core.paths import page_path

SITE_WIDE = ("news.Author", "news.Keyword", "news.KeywordGroup")


def register() -> None:
    """Called once, from NewsConfig.ready()."""
    for label in SITE_WIDE:
        signals.register_site_wide(label)
    signals.register_listing_refs(keyword_and_author_pages)
    signals.register_page_urls(feeds_and_sitemaps)
    signals.register_page_urls(neighbour_paths)
    post_page_move.connect(on_page_moved, dispatch_uid="news.neighbours_before_move")


def keyword_and_author_pages(page) -> set[str]:
    """The keyword and author pages listing this page, as stored in the database now."""
    from .models import Author, Keyword

    specific_class = page.specific_class
    paths: set[str] = set()
    if specific_class is None:
        return paths
    field_names = {f.name for f in specific_class._meta.get_fields()}
    if "keywords" in field_names:
        related = specific_class._meta.get_field("keywords").remote_field.related_name
        slugs = Keyword.objects.filter(**{f"{related}__pk": page.pk}).values_list("slug", flat=True)
        paths.update(f"/mots/{slug}/" for slug in slugs)
    if "author_links" in field_names:
        link_model = specific_class._meta.get_field("author_links").related_model
        author_ids = link_model.objects.filter(page_id=page.pk).values_list("author_id", flat=True)
        for slug in Author.objects.filter(pk__in=list(author_ids)).values_list("slug", flat=True):
            paths.add(f"/auteurs/{slug}/")
    return paths


def feeds_and_sitemaps(page) -> list[str]:
    return ["/feeds/*", "/sitemap.xml", "/sitemap-*"]


def neighbour_paths(page, parent=None) -> set[str]:
    """The published items just before and after ``page`` (by date) under ``parent`` (its
    parent by default): their previous/next links show it."""
    from .models import published

    specific = page.specific_deferred if hasattr(page, "specific_deferred") else page
    date = getattr(specific, "date", None)
    parent = parent or page.get_parent()
    if date is None or parent is None:
        return set()
    siblings = published(type(specific)).child_of(parent).exclude(pk=page.pk)
    paths = set()
    for item in (
        siblings.filter(Q(date__lt=date) | Q(date=date, pk__lt=page.pk)).order_by("-date", "-pk")[:1],
        siblings.filter(Q(date__gt=date) | Q(date=date, pk__gt=page.pk)).order_by("date", "pk")[:1],
    ):  # fmt: skip
        for sibling in item:
            path = page_path(sibling)
            if path:
                paths.add(path)
    return paths


def on_page_moved(sender, instance, parent_page_before=None, **kwargs):
    """A page moved away: the items around its old place lose their link to it."""
    if parent_page_before is None:
        return
    paths = neighbour_paths(instance, parent=parent_page_before)
    if paths:
        signals.content_changed.send(
            sender=type(instance), paths=sorted(paths), reason=f"page {instance.pk} moved"
        )
