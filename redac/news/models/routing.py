"""Finding the page at an address: the whole tree walk in one query, and the ancestors it found
kept for the breadcrumb, the JSON-LD and the view restrictions check."""

from __future__ import annotations

from django.db import models
from wagtail.models import Page

from redac.core.prepared import Param, prepared

#: :func:`route_in_one_query`'s answer when readers may reach no page at the address.
NOT_FOUND = object()


def route_in_one_query(home, path_components):
    """The live page at ``path_components`` under ``home`` and its ancestors, in one query for the
    whole tree walk (Wagtail's default route costs two queries per level). Returns None when a page
    on the way routes by itself (RoutablePageMixin...): Wagtail's own route then decides, so
    behaviour never differs, only the query count.

    A draft's address and an address where nothing exists get the same answer, NOT_FOUND, after
    the same work (this one query): nothing more is read for a page that is there but not live,
    so neither the time nor the queries of a 404 tell that a draft exists (issue 15)."""
    if not path_components or len(path_components) > 20:
        return None
    rows = _route_query(len(path_components), home.depth).run(
        low=home.path, high=home.path + home.alphabet[-1] * (255 - len(home.path)),
        **{f"slug{level}": slug for level, slug in enumerate(path_components, start=1)},
    )  # fmt: skip
    chain, parent = [home], home
    for row in rows:
        if row.depth == parent.depth + 1 and row.path.startswith(parent.path):
            if row.slug == path_components[row.depth - home.depth - 1]:
                row._cached_parent_obj = parent
                chain.append(row)
                parent = row
    for page in chain[1:]:
        specific_class = page.specific_class
        if specific_class is None or specific_class.route is not Page.route:
            return None
    # Every page on the way routes to its children by slug, as Wagtail's Page.route does: where
    # the chain stops, or ends on a page that is not live, Wagtail would answer 404 too.
    if len(chain) != len(path_components) + 1 or not chain[-1].live:
        return NOT_FOUND
    target = _specific(chain[-1])
    target._cached_parent_obj = chain[-2]
    target._redac_ancestors = chain[:-1]
    return target


@prepared
def _route_query(levels: int, home_depth: int):
    """Every page whose depth and slug match one level of a requested path, under the home page
    (its descendants' tree paths lie between its own and its own followed by the last letter)."""
    path, slug = Page._meta.get_field("path"), Page._meta.get_field("slug")
    condition = models.Q()
    for level in range(1, levels + 1):
        condition |= models.Q(depth=home_depth + level, slug=Param(f"slug{level}", slug))
    return Page.objects.filter(
        condition, path__range=(Param("low", path), Param("high", path))
    ).order_by("depth")


def _specific(page):
    """``page.specific`` (Wagtail's ``get_specific``: the row of its own type, keeping what was
    set on the generic page) through a prepared query."""
    model = page.specific_class
    if model is None or isinstance(page, model):
        return page.specific
    specific = _page_by_id(model).first(pk=page.pk)
    if specific is None:
        return page.specific
    for name, value in page.__dict__.items():
        specific.__dict__.setdefault(name, value)
    return specific


@prepared
def _page_by_id(model):
    return model._default_manager.filter(pk=Param("pk", model._meta.pk.target_field))


def display_ancestors(page) -> list:
    """The page's ancestors from home down to its parent: found while routing
    (:func:`route_in_one_query`), else read once and kept on the page for the breadcrumb, the
    JSON-LD and the view restrictions check."""
    known = getattr(page, "_redac_ancestors", None)
    if known is None:
        known = list(page.get_ancestors().specific(defer=True)) if page.pk else []
        page._redac_ancestors = known
    return [p for p in known if p.depth > 1]
