"""What a listing shows of its cards (image, byline, comment count) in a fixed number of queries,
and how it is cut into pages."""

from __future__ import annotations

from django.core.paginator import Paginator

LISTING_PAGE_SIZE = 12


def paginate(request, queryset, per_page: int = LISTING_PAGE_SIZE):
    """A page of results; ``?page=`` values that are not a valid number give the first or last
    page, never an error."""
    raw = request.GET.get("page", "1")
    return Paginator(queryset, per_page).get_page(raw if raw.isdigit() else 1)


def with_comment_counts(queryset):
    """Annotate each page with ``published_comment_count``, the number of comments readers see on
    it (the count its page shows), in the same query: a correlated subquery, no query per card."""
    from django.apps import apps

    if not apps.is_installed("redac.comments"):
        return queryset
    from django.db import connection
    from django.db.models import IntegerField
    from django.db.models.expressions import RawSQL

    shown_count_sql = apps.get_model("comments", "Comment").shown_count_sql

    # a reply to a message readers do not see is hidden with it, at any depth
    # (redac.comments.services.published_threads): a recursive count, correlated on the page
    meta = queryset.model._meta
    column = (
        f"{connection.ops.quote_name(meta.db_table)}.{connection.ops.quote_name(meta.pk.column)}"
    )
    sql, params = shown_count_sql(column)
    return queryset.annotate(
        published_comment_count=RawSQL(sql, params, output_field=IntegerField())  # noqa: S611
    )


def with_listing_relations(queryset, *, image: bool = True):
    """What a listing card shows (image, authors, comment count), in a fixed number of queries
    whatever the number of cards."""
    if image:
        queryset = queryset.select_related("lead_image")
    return with_comment_counts(queryset.prefetch_related("author_links__author"))
