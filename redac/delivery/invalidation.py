"""Which cached HTML changes when content changes, and removing exactly that.

This module names no content type: what a content type invalidates, it declares in the registry
of :mod:`redac.core.signals`, from its app's ``ready()``, and this module reads only that
registry. The flow, from an editor's action to the purge:

1. Wagtail's page signals (publish, unpublish, move, delete), received in
   :mod:`redac.delivery.signals`, call :func:`invalidate_for_page`.
2. For such a page, the HTML that changes is:

   - the page itself and everything under it (a section's title is in its descendants'
     breadcrumbs);
   - every ancestor's listing, all page numbers (sections list their descendants; home lists
     the latest items) — home is the first ancestor; after a move, those of its old place too;
   - the pages that list it through a relation, before *and* after the change
     (``register_listing_refs``: the keyword and author pages, registered by news);
   - whatever the URL providers add (``register_page_urls``: news adds its feeds, sitemaps and
     the items whose previous/next links point to the page).

   A page shown on every page empties the whole cache instead (:func:`invalidate_everything`):
   a top-level section of the menu, and the pages a provider answers ``/*`` for (a page the
   flash ticker or the campaign banner links to: flash; the footer's contact or legal page:
   core).
3. Models whose every change shows on all pages (``register_site_wide``: the site identity, the
   flash ticker and banner, authors', keywords' names, the election silence; Wagtail's sites and
   view restrictions, registered by delivery itself) empty everything when saved or deleted, or,
   for drafts, published.
4. Changes that come by the clock (``register_clock``) are :mod:`redac.delivery.schedule`'s.
5. Anything else a content app announces with ``content_changed`` (comments: the page and the
   listings showing its count), received in :mod:`redac.delivery.signals`.

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
from collections.abc import Iterable
from contextlib import contextmanager
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction

from redac.core import signals as registry
from redac.core.paths import page_path

from . import conf, outbox
from .store import StoreUnavailable

log = logging.getLogger(__name__)

# --- Computing paths -----------------------------------------------------------------------------


def listing_refs(page) -> set[str]:
    """The pages that list this one through a relation (keyword and author pages), as the
    database has them now: what the content apps registered (redac.core.signals)."""
    paths: set[str] = set()
    for provider in registry.listing_ref_providers():
        try:
            paths.update(provider(page) or ())
        except Exception:
            log.exception("page cache: listing provider %r failed", provider)
    return paths


def split_paths(items: Iterable[str]) -> tuple[set[str], set[str]]:
    """Site paths and prefixes (``/feeds/*``) -> (exact paths, prefixes without the ``*``)."""
    paths: set[str] = set()
    prefixes: set[str] = set()
    for item in items:
        if item:
            (prefixes if item.endswith("*") else paths).add(_site_path(item.rstrip("*")))
    return paths, prefixes


def shows_everywhere(page) -> bool:
    """Is this page in the main navigation of every page (a top-level section shown in menus)?
    The content apps add the other places every page links to (the flash ticker, the footer)
    through their URL providers, with the prefix ``/*``."""
    return page.depth == 3 and page.show_in_menus  # the site root is depth 2


def provided_paths(page) -> tuple[set[str], set[str]]:
    """(exact paths, prefixes) the content apps' URL providers add for ``page``."""
    specific = page.specific_deferred if hasattr(page, "specific_deferred") else page
    paths: set[str] = set()
    prefixes: set[str] = set()
    for provider in registry.page_url_providers():
        try:
            more, more_prefixes = split_paths(provider(specific) or ())
        except Exception:
            log.exception("page cache: URL provider %r failed", provider)
            continue
        paths |= more
        prefixes |= more_prefixes
    return paths, prefixes


def paths_for_page(
    page, *, old_path: str | None = None, extra_paths: Iterable[str] = ()
) -> tuple[set[str], set[str]]:
    """(exact paths, prefixes) whose HTML changes with ``page``; the prefix ``/`` alone when it
    shows on every page. ``old_path``: its path before a move (its old listings are the
    ancestors of that path)."""
    if shows_everywhere(page):
        return set(), {"/"}
    paths, prefixes = provided_paths(page)
    if "/" in prefixes:
        return set(), {"/"}
    paths |= set(extra_paths)
    own = page_path(page)
    for path in filter(None, [own, old_path]):
        prefixes.add(path)
        paths.update(_ancestor_paths(path))
    for ancestor in page.get_ancestors():
        ancestor_path = page_path(ancestor)
        if ancestor_path:
            paths.add(ancestor_path)
    paths |= listing_refs(page)
    paths = {_site_path(p) for p in paths if p}
    return paths - prefixes, {_site_path(p) for p in prefixes}


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
    paths, prefixes = paths_for_page(page, **kwargs)
    if "/" in prefixes:
        invalidate_everything(reason=f"page {page.pk} is linked from every page")
        return []
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
