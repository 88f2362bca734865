"""What each content type tells the page cache: the one registry between content and delivery.

Readers are served cached HTML (redac.delivery). When something they see changes, the cached
copies that show it must go, and only the content type knows which ones: a flash item shows on
every page, an author's name in the bylines of many, a brève on its keyword and author pages, an
election silence hides comment forms at a given hour. Each content app declares it here, in its
``AppConfig.ready()``; redac.delivery reads only this registry and never names a content model,
app label or URL of a content app. A new content type is one registration in its own app, not an
edit of three places in delivery that, forgotten, serves stale pages with no error.

Pages themselves need no registration: Wagtail's page signals (publish, unpublish, move, delete)
already reach delivery, which purges the page, its ancestors' listings and what the providers
registered below add. Register here what Wagtail's page signals do not cover:

- a model whose every change shows on all pages: :func:`register_site_wide`;
- a change that happens by the clock, with no signal (an expiry, a start): :func:`register_clock`;
- more URLs that show a page (feeds, sitemaps): :func:`register_page_urls`;
- pages that list a page through a relation (keyword, author pages): :func:`register_listing_refs`;
- anything else, when it happens: send :data:`content_changed`.

This module sits in the core layer: it imports nothing from delivery or the content apps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from django.dispatch import Signal

#: Sent by a content app when something readers see changed outside Wagtail's page signals (a
#: comment approved, a count shown on listings).
#:
#: sender: the model class whose change it is (``Comment``).
#: Keyword arguments:
#:
#: - ``paths``: ``list[str]``, site paths (``"/actualite/"``) or prefixes ending with ``*``
#:   (``"/feeds/*"``) whose cached HTML must go;
#: - ``everything``: ``bool``, default False; True empties the whole page cache, the published
#:   files and the CDN (``paths`` is then ignored);
#: - ``reason``: ``str``, for the log.
#:
#: redac.delivery receives it and purges, at once and again when the transaction commits (inside
#: a bulk job, once at the job's end). Send it after the change is written, or from
#: ``transaction.on_commit``.
content_changed = Signal()

#: How a site-wide model's changes reach readers: "save" (any save or delete) or "publish" (only
#: publication, unpublication, or the save or deletion of a live instance).
_SITE_WIDE_WHEN = ("save", "publish")

ClockFunction = Callable[[datetime], Iterable[datetime | None]]
PageUrls = Callable[[object], Iterable[str]]

_site_wide: dict[str, str] = {}
_clock_functions: list[ClockFunction] = []
_page_url_providers: list[PageUrls] = []
_listing_ref_providers: list[PageUrls] = []


def register_site_wide(model_label: str, *, on: str = "save") -> None:
    """Declare that the model ``model_label`` (``"app_label.ModelName"``) shows on every page
    (the site identity in the footer, author names in bylines, the flash ticker), so that a change
    to it empties the whole page cache.

    ``on="save"``: any save or deletion of an instance. ``on="publish"``, for snippets with drafts
    (``DraftStateMixin``, such as flash items): only the publication or unpublication of an
    instance, and the save or deletion of a live one (a draft saved changes nothing readers see).
    Registering a label again replaces its ``on``."""
    if on not in _SITE_WIDE_WHEN:
        raise ValueError(f"on={on!r}: expected one of {_SITE_WIDE_WHEN}")
    if model_label.count(".") != 1:
        raise ValueError(f"{model_label!r}: expected 'app_label.ModelName'")
    _site_wide[model_label] = on


def register_clock(func: ClockFunction) -> ClockFunction:
    """Declare the moments at which what readers see changes by itself, with no signal: a flash
    item expiring, a banner starting or ending, an election silence opening, a petition closing.
    Usable as a decorator; registering the same function twice keeps one.

    ``func(now)`` receives an aware datetime and returns (any iterable of) the moments after
    ``now`` at which such a change happens; ``None`` items are ignored. It runs a few queries,
    at most every few minutes per worker and after each invalidation. redac.delivery takes the
    earliest of all moments as the latest expiry of every cached page and of its worker's
    site-wide fragments, and empties the caches once it has passed."""
    if func not in _clock_functions:
        _clock_functions.append(func)
    return func


def register_page_urls(func: PageUrls) -> PageUrls:
    """Declare more URLs that change whenever a page is published, unpublished, moved or deleted:
    a feed or a sitemap listing it, a page that shows it. Usable as a decorator; registering the
    same function twice keeps one.

    ``func(page)`` receives the specific page, in its new state (its last one for a deletion),
    and returns site paths (``"/feeds/actualite.xml"``) or prefixes ending with ``*``
    (``"/feeds/*"``). The prefix ``"/*"`` means every path: the page shows on every page (a
    flash item links to it, the footer does), and the whole cache is emptied. A function that
    raises is logged and skipped: a publication never fails for it."""
    if func not in _page_url_providers:
        _page_url_providers.append(func)
    return func


def register_listing_refs(func: PageUrls) -> PageUrls:
    """Declare the pages that list a page through a relation stored with it (the keyword and
    author pages of a brève). Usable as a decorator; registering the same function twice keeps
    one.

    ``func(page)`` receives a page and returns the site paths of those listings, as the database
    has them now. redac.delivery asks *before* a publication saves the page and again *after*,
    so that a keyword the publication removes is purged as well as one it adds; comments ask it
    for the listings that show a page's comment count."""
    if func not in _listing_ref_providers:
        _listing_ref_providers.append(func)
    return func


# --- Read side, for redac.delivery ---------------------------------------------------------------


def site_wide_models() -> dict[str, str]:
    """``{"app_label.ModelName": "save" | "publish"}`` for every registered site-wide model."""
    return dict(_site_wide)


def clock_functions() -> list[ClockFunction]:
    return list(_clock_functions)


def page_url_providers() -> list[PageUrls]:
    return list(_page_url_providers)


def listing_ref_providers() -> list[PageUrls]:
    return list(_listing_ref_providers)
