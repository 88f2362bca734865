"""Where SPIP shortcuts in texts (``[->article19]``, ``<img4>``) find their objects.

``core`` renders SPIP text (the ``|spip`` filter) but knows no content type: the app that does
(``redac.news``, which holds the SPIP numbers) registers the resolver here in its ``ready()``.
Apps above it may add what only they know, without ``news`` importing them:

- :func:`register_link_fallback`: ``fallback(kind, number) -> (url, title) | None`` for objects
  that are not pages of their own (``redac.spipimport``: SPIP's "virtual" articles, which are
  redirects);
- :func:`register_document_caption`: ``caption(obj) -> dict`` with ``titre``, ``descriptif``,
  ``credits`` for ``<docN>``'s caption (``redac.spipimport``: what SPIP had for a document);
- :func:`register_translations`: ``translations(page) -> list`` of the other languages of an
  article (``redac.spipimport``: SPIP's translation groups), for the page's ``hreflang``
  alternates.
"""

from __future__ import annotations

from collections.abc import Callable

_resolver_factory: Callable[[], object] | None = None
link_fallbacks: list[Callable] = []
document_captions: list[Callable] = []
translation_finders: list[Callable] = []


def register_resolver(factory: Callable[[], object]) -> None:
    """``factory()`` returns a new ``redac.typo.Resolver`` (one per rendering)."""
    global _resolver_factory
    _resolver_factory = factory


def new_resolver():
    return _resolver_factory() if _resolver_factory is not None else None


def register_link_fallback(fallback: Callable) -> None:
    if fallback not in link_fallbacks:
        link_fallbacks.append(fallback)


def register_document_caption(caption: Callable) -> None:
    if caption not in document_captions:
        document_captions.append(caption)


def register_translations(finder: Callable) -> None:
    if finder not in translation_finders:
        translation_finders.append(finder)


def translations_of(page) -> list:
    """The live, public pages that are ``page`` in other languages, as the registered finders
    know them ([] when none is registered)."""
    for finder in translation_finders:
        found = finder(page)
        if found:
            return found
    return []
