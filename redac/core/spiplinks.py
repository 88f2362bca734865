"""Where SPIP shortcuts in texts (``[->article19]``, ``<img4>``) find their objects.

``core`` renders SPIP text (the ``|spip`` filter) but knows no content type: the app that does
(``redac.news``, which holds the SPIP numbers) registers the resolver here in its ``ready()``.
Apps above it may add what only they know, without ``news`` importing them:

- :func:`register_link_fallback`: ``fallback(kind, number) -> (url, title) | None`` for objects
  that are not pages of their own (``redac.spipimport``: SPIP's "virtual" articles, which are
  redirects);
- :func:`register_document_caption`: ``caption(obj) -> dict`` with ``titre``, ``descriptif``,
  ``credits`` for ``<docN>``'s caption (``redac.spipimport``: what SPIP had for a document).
"""

from __future__ import annotations

from collections.abc import Callable

_resolver_factory: Callable[[], object] | None = None
link_fallbacks: list[Callable] = []
document_captions: list[Callable] = []


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
