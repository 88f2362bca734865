"""Prepared querysets (redac.core.prepared): compiled once, same rows as the ORM for any value."""

import datetime as dt

import pytest
from django.db.models.sql.compiler import SQLCompiler
from wagtail.models import Page

from redac.core.prepared import Param, PreparedQuery, prepared

pytestmark = pytest.mark.django_db


def pages_at_depth():
    return PreparedQuery(
        Page.objects.filter(depth=Param("depth", Page._meta.get_field("depth"))).order_by("path")
    )


def test_a_prepared_query_gives_the_querysets_rows_for_each_value(demo):
    query = pages_at_depth()
    for depth in range(1, 7):
        assert query.run(depth=depth) == list(Page.objects.filter(depth=depth).order_by("path"))


def test_a_prepared_query_is_compiled_once_then_only_bound(demo, monkeypatch):
    compiled = []
    original = SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        compiled.append(self.query.model)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counting)
    query = pages_at_depth()
    results = [query.run(depth=depth) for depth in (2, 3, 4, 3)]
    assert compiled == [Page]
    assert [len(rows) for rows in results] == [
        Page.objects.filter(depth=depth).count() for depth in (2, 3, 4, 3)
    ]


def test_values_are_converted_for_the_database_as_a_lookup_would(demo):
    """SQLite stores an aware datetime as naive UTC text: a value in another time zone must be
    converted as the ORM converts it, or an equality silently finds nothing."""
    field = Page._meta.get_field("last_published_at")
    published_at = PreparedQuery(Page.objects.filter(last_published_at=Param("when", field)))
    before = PreparedQuery(Page.objects.filter(last_published_at__lt=Param("when", field)))
    paris = dt.timezone(dt.timedelta(hours=1))
    page = Page.objects.filter(last_published_at__isnull=False).order_by("?").first()
    for when in (page.last_published_at, page.last_published_at.astimezone(paris)):
        assert published_at.run(when=when) == [page]
        assert set(before.run(when=when)) == set(Page.objects.filter(last_published_at__lt=when))


def test_first_gives_none_when_nothing_matches(demo):
    assert pages_at_depth().first(depth=99) is None
    assert pages_at_depth().first(depth=1) == Page.objects.get(depth=1)


def test_the_decorator_builds_one_query_per_distinct_arguments(demo):
    built = []

    @prepared
    def children_of_depth(depth):
        built.append(depth)
        return Page.objects.filter(
            depth=depth + 1, path__startswith=Param("parent", Page._meta.get_field("path"))
        )

    root = Page.objects.get(depth=1)
    assert children_of_depth(1).run(parent=root.path) == list(root.get_children())
    assert children_of_depth(1) is children_of_depth(1)
    children_of_depth(2)
    assert built == [1, 2]


def test_a_missing_value_is_an_error_not_a_silent_null(demo):
    with pytest.raises(KeyError):
        pages_at_depth().run()
