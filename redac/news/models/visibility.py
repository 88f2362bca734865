"""What readers may see: the one definition, :func:`published`, and the restricted tree paths it
leaves out. Every reader-facing query of a page type starts from it."""

from __future__ import annotations

import operator
from functools import reduce

from django.db import models
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet

from redac.core.prepared import Param


def restricted_paths(*, fresh: bool = False) -> tuple[str, ...]:
    """Tree paths of the pages that carry a view restriction (private sections).

    Readers' pages read them once per worker until the next invalidation: saving or deleting a
    restriction empties the page cache and changes its generation (redac.delivery.signals), which
    every worker and node checks before using the remembered value. Code that decides while a
    restriction is being saved (the search index, in a signal handler that may run before the
    invalidation's) asks ``fresh=True``: read from the database now, never from memory."""
    if fresh:
        return _read_restricted_paths()
    from redac.delivery.chrome import site_wide

    return site_wide("view_restrictions", _read_restricted_paths)


def _read_restricted_paths() -> tuple[str, ...]:
    from wagtail.models import PageViewRestriction

    return tuple(PageViewRestriction.objects.values_list("page__path", flat=True).distinct())


def published(source, paths: tuple[str, ...] | None = None, *, fresh: bool = False):
    """The one definition of "what readers may see": live, and not restricted (Wagtail's
    ``.public()``, without its query of every restriction on each call). ``source``: a page model
    (Wagtail's ``Page`` included) or a queryset of pages (``home.get_children()``); news page
    types also have it as a queryset method (``ArticlePage.objects.published()``). ``paths``: the
    restricted tree paths, when the caller already has them; ``fresh``: read them from the
    database rather than from this worker's memory (see :func:`restricted_paths`)."""
    queryset = source.live() if isinstance(source, models.QuerySet) else source.objects.live()
    if paths is None:
        paths = restricted_paths(fresh=fresh)
    if paths:
        queryset = queryset.exclude(
            reduce(operator.or_, (models.Q(path__startswith=p) for p in paths))
        )
    return queryset


class NewsPageQuerySet(PageQuerySet):
    """Wagtail's page queryset, with :func:`published` as a method."""

    def published(self, paths: tuple[str, ...] | None = None, *, fresh: bool = False):
        """What readers may see among these pages (:func:`published`)."""
        return published(self, paths, fresh=fresh)


#: The news page types' manager: ``SectionPage.objects.published()``.
NewsPageManager = PageManager.from_queryset(NewsPageQuerySet)


def children_interval(path: str, depth: int) -> dict:
    """Where the children of the page at ``path`` and ``depth`` are, as treebeard finds them: their
    depth and the interval of their tree paths."""
    step, alphabet = Page.steplen, Page.alphabet
    return {
        "depth": depth + 1,
        "low": path + alphabet[0] * step,
        "high": path + alphabet[-1] * step,
    }


def published_children(model, paths: tuple[str, ...]):
    """The published pages of one type among a page's children, with ``depth``, ``low`` and
    ``high`` placeholders (:func:`children_interval` gives their values)."""
    path = Page._meta.get_field("path")
    return published(model, paths).filter(
        depth=Param("depth", Page._meta.get_field("depth")),
        path__range=(Param("low", path), Param("high", path)),
    )
