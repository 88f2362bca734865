"""The reader path's queries about one news item (its byline, its keywords, its neighbours in its
listing), compiled once per worker (redac.core.prepared): building them with the ORM on each
render cost more than running them."""

from __future__ import annotations

from django.db import models

from redac.core.prepared import Param, prepared

from .taxonomy import Keyword
from .visibility import published_children

#: What previous/next links need of a neighbour: its title and what its URL is built from.
NEIGHBOUR_FIELDS = ("id", "title", "slug", "url_path", "path", "depth", "locale_id", "live",
                    "content_type_id", "date", "lang")  # fmt: skip


def _held_in_memory(page, relation: str) -> bool:
    """Whether a page's relation is held in memory rather than read from the database: a preview
    renders the draft's bylines and keywords (modelcluster), a listing may have prefetched them."""
    return relation in page.__dict__.get("_cluster_related_objects", {}) or relation in (
        page.__dict__.get("_prefetched_objects_cache", {})
    )


@prepared
def _byline_query(model):
    links = model._meta.get_field("author_links").related_model
    return links.objects.filter(page=Param("page", links._meta.get_field("page").target_field)
                                ).select_related("author").order_by("sort_order")  # fmt: skip


@prepared
def _keywords_query(model):
    related_name = model._meta.get_field("keywords").related_query_name()
    page = Param("page", model._meta.pk.target_field)
    return Keyword.objects.filter(**{related_name: page}).select_related("group")


@prepared
def _neighbour_query(model, paths: tuple[str, ...], before: bool):
    """The published sibling just before (or after) a page in its listing's order: same parent,
    same type."""
    date, pk = (
        Param("date", model._meta.get_field("date")),
        Param("pk", model._meta.pk.target_field),
    )
    siblings = published_children(model, paths)
    if before:
        siblings = siblings.filter(models.Q(date__lt=date) | models.Q(date=date, pk__lt=pk))
        siblings = siblings.order_by("-date", "-pk")
    else:
        siblings = siblings.filter(models.Q(date__gt=date) | models.Q(date=date, pk__gt=pk))
        siblings = siblings.order_by("date", "pk")
    # Only what a previous/next link shows.
    return siblings.only(*NEIGHBOUR_FIELDS)[:1]


@prepared
def _children(model, paths: tuple[str, ...]):
    """The published children of a page that are of one type, in the tree's order."""
    return published_children(model, paths).order_by("path")
