"""Which cached HTML changes when a page changes, and removing exactly that.

For a page that is published, unpublished, moved or deleted, the HTML that changes is:

- the page itself and everything under it (a section's title is in its descendants' breadcrumbs);
- every ancestor's listing, all page numbers (sections list their descendants; home lists the
  latest items) — home is the first ancestor;
- the items just before and after it in its listing (their "previous/next" links);
- the keyword and author pages that list it, before *and* after the change;
- whatever the URL providers add: by default feeds and sitemaps (``/feeds/``, ``/sitemap.xml``,
  ``/sitemap-*``); other apps add theirs with :func:`register_url_provider`.

Some changes show on every page: a top-level section in the menu, the contact or legal page of the
footer, a page that a visible flash item or campaign banner links to, and any change to the flash
ticker, the campaign banner, an author's or keyword's name or the site identity. Those empty the
whole cache (:func:`invalidate_everything`).

Invalidation runs at once *and* again when the transaction commits: the first pass makes the change
visible to this process immediately, the second removes anything a concurrent request rendered from
the database between the first pass and the commit (the store also refuses entries whose rendering
started before an invalidation). The second pass is durable: it is written in the transaction as a
row of the invalidation outbox (redac.delivery.outbox), applied after the commit, retried until the
shared store takes it, and applied by every node to its own static folder. A store that does not
answer never fails the change that caused the purge.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction

# url_path_to_paths: read from here by the move handler (signals.py)
from redac.core.paths import page_path, url_path_to_paths  # noqa: F401

from . import conf, outbox
from .store import StoreUnavailable

log = logging.getLogger(__name__)

#: ``func(page) -> iterable of paths``; a path ending with ``*`` is a prefix.
UrlProvider = Callable[[object], Iterable[str]]
_providers: list[UrlProvider] = []


def register_url_provider(func: UrlProvider) -> UrlProvider:
    """Add URLs to purge whenever a page changes (usable as a decorator). ``func`` receives the
    specific page (in its new state, or its last state for a deletion) and returns site paths
    (``/feeds/actualite.xml``) or prefixes (``/feeds/*``)."""
    if func not in _providers:
        _providers.append(func)
    return func


@register_url_provider
def feeds_and_sitemaps(page):
    return ["/feeds/*", "/sitemap.xml", "/sitemap-*"]


# --- Computing paths -----------------------------------------------------------------------------


def listing_refs(page) -> set[str]:
    """Keyword and author pages listing this page, as stored in the database now."""
    from redac.news.models import Author, Keyword

    specific_class = page.specific_class
    paths: set[str] = set()
    if specific_class is None:
        return paths
    field_names = {f.name for f in specific_class._meta.get_fields()}
    if "keywords" in field_names:
        related = specific_class._meta.get_field("keywords").remote_field.related_name
        for slug in Keyword.objects.filter(**{f"{related}__pk": page.pk}).values_list("slug",
                                                                                         flat=True):  # fmt: skip
            paths.add(f"/mots/{slug}/")
    if "author_links" in field_names:
        link_model = specific_class._meta.get_field("author_links").related_model
        author_ids = link_model.objects.filter(page_id=page.pk).values_list("author_id", flat=True)
        for slug in Author.objects.filter(pk__in=list(author_ids)).values_list("slug", flat=True):
            paths.add(f"/auteurs/{slug}/")
    return paths


def neighbour_paths(page, parent=None) -> set[str]:
    """The published items just before and after ``page`` (by date) under ``parent``."""
    from django.db.models import Q

    from redac.news.models import published

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


def shows_everywhere(page) -> bool:
    """Is this page linked from every page (menu, footer, flash ticker, campaign banner)?"""
    from redac.flash.models import CampaignBanner, FlashItem

    if page.depth == 3 and page.show_in_menus:
        return True  # a top-level section in the main navigation (site root is depth 2)
    if FlashItem.objects.visible().filter(link_page_id=page.pk).exists():
        return True
    if CampaignBanner.objects.active().filter(link_page_id=page.pk).exists():
        return True
    try:
        from redac.core.models import SiteIdentity

        ids = SiteIdentity.objects.values_list("contact_page_id", "legal_page_id")
        if any(page.pk in pair for pair in ids):
            return True
    except Exception:  # noqa: S110  (settings table absent: nothing in the footer)
        pass
    return False


def paths_for_page(page, *, old_path: str | None = None, old_parent=None,
                   extra_paths: Iterable[str] = ()) -> tuple[set[str], set[str]]:  # fmt: skip
    """(exact paths, prefixes) whose HTML changes with ``page``."""
    paths: set[str] = set(extra_paths)
    prefixes: set[str] = set()
    own = page_path(page)
    for path in filter(None, [own, old_path]):
        prefixes.add(path)
        paths.update(_ancestor_paths(path))
    for ancestor in page.get_ancestors():
        ancestor_path = page_path(ancestor)
        if ancestor_path:
            paths.add(ancestor_path)
    paths |= neighbour_paths(page)
    if old_parent is not None:
        paths |= neighbour_paths(page, parent=old_parent)
    paths |= listing_refs(page)
    specific = page.specific_deferred if hasattr(page, "specific_deferred") else page
    for provider in _providers:
        try:
            for item in provider(specific) or ():
                (prefixes if item.endswith("*") else paths).add(item.rstrip("*"))
        except Exception:
            log.exception("page cache: URL provider %r failed", provider)
    paths = {_site_path(p) for p in paths if p}
    return paths - prefixes, {_site_path(p) for p in prefixes}


def comment_count_paths(page) -> set[str]:
    """Where a page's count of published comments shows: the page itself (its thread), every
    listing above it (home, its sections, its brève listing: the cards' « N commentaires ») and
    the author and keyword pages that list it. Not its neighbours, feeds or sitemaps."""
    paths: set[str] = set()
    for item in [page, *page.get_ancestors()]:
        path = page_path(item)
        if path:
            paths.add(path)
    paths |= listing_refs(page)
    return {_site_path(p) for p in paths}


def _ancestor_paths(path: str) -> list[str]:
    """``/a/b/c/`` -> ``/a/b/``, ``/a/``, ``/``: the listings above a URL, from the URL alone
    (used for a page's old place after a move)."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "".join(f"{p}/" for p in parts[:n]) for n in range(len(parts))]


def _site_path(path: str) -> str:
    return urlsplit(path).path or "/" if "://" in path else path


# --- Removing ------------------------------------------------------------------------------------


_deferral = threading.local()


@contextmanager
def deferred(reason: str = ""):
    """Hold every purge until the block ends, then empty the whole cache once: for bulk jobs (the
    SPIP import touches thousands of pages, authors and keywords, each of which would purge)."""
    depth = getattr(_deferral, "depth", 0)
    _deferral.depth = depth + 1
    try:
        yield
    finally:
        _deferral.depth = depth
        if depth == 0:
            invalidate_everything(reason=reason or "bulk change")


def is_deferred() -> bool:
    return bool(getattr(_deferral, "depth", 0))


def invalidate(paths: Iterable[str] = (), prefixes: Iterable[str] = (), *,
               on_commit: bool = True) -> list[str]:  # fmt: skip
    """Remove these paths and prefixes from the page cache, the published files and the CDN, now
    and (inside a transaction) again after commit."""
    if is_deferred():
        return []
    paths, prefixes = sorted(set(paths)), sorted(set(prefixes))
    try:
        found, taken = _remove(paths, prefixes), True
    except StoreUnavailable:
        found, taken = [], False
    if on_commit:
        # Inside a transaction, applied again once it commits; outside, this pass was the one.
        in_transaction = transaction.get_connection().in_atomic_block
        outbox.record(paths, prefixes, applied=None if in_transaction else taken)
    return found


def invalidate_everything(reason: str = "") -> None:
    if is_deferred():
        return
    log.info("page cache emptied: %s", reason)
    try:
        _remove_everything()
        taken = True
    except StoreUnavailable:
        taken = False
    in_transaction = transaction.get_connection().in_atomic_block
    outbox.record(everything=True, reason=reason, applied=None if in_transaction else taken)


def invalidate_for_page(page, **kwargs) -> list[str]:
    if shows_everywhere(page):
        invalidate_everything(reason=f"page {page.pk} is linked from every page")
        return []
    paths, prefixes = paths_for_page(page, **kwargs)
    return invalidate(paths, prefixes)


def _remove(paths, prefixes) -> list[str]:
    """The immediate pass. Raises StoreUnavailable when the store did not take it (the static
    folder is purged all the same); the outbox row is what must not be lost."""
    store = conf.get_store()
    failure = None
    try:
        found = store.invalidate(paths, prefixes)
    except StoreUnavailable as exc:
        found, failure = [], exc
    publisher = conf.get_publisher()
    if publisher is not None:
        publisher.remove(paths, prefixes)
    purge_cdn(sorted(set(paths) | set(found) | set(prefixes)))
    if failure is not None:
        raise failure
    return found


def _remove_everything():
    store = conf.get_store()
    try:
        known = store.cached_paths()
    except Exception:
        known = []
    failure = None
    try:
        store.clear()
    except StoreUnavailable as exc:
        failure = exc
    publisher = conf.get_publisher()
    if publisher is not None:
        publisher.clear()
    purge_cdn(sorted(set(known) | {"/"}))
    if failure is not None:
        raise failure


def purge_cdn(paths: list[str]) -> None:
    """Purge the CDN configured in WAGTAILFRONTENDCACHE (wagtail.contrib.frontend_cache), with
    absolute URLs on the site's address. A CDN that is down must not stop a publication."""
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None) or not paths:
        return
    from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

    base = settings.SITE_URL.rstrip("/")
    try:
        purge_urls_from_cache([base + path for path in paths])
    except Exception:
        log.exception("CDN purge failed for %d URL(s)", len(paths))
