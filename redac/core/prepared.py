"""Prepared querysets: compile a reader-path query to SQL once per worker, run it many times.

On an uncached page render, Django spends more time turning querysets into SQL (building ``Q``
trees, resolving joins, compiling ``SELECT`` lists) than the database spends answering them:
about a quarter of a brève page's CPU went to ``SQLCompiler.as_sql`` alone. The handful of
queries every reader page runs always have the same shape; only a few values differ (the page's
id, date, tree path). A prepared query is built with :class:`Param` placeholders where those
values go, compiled once per database connection vendor, and each run only binds the values.

Results are materialised by Django's own iterables (model instances, ``select_related``
populators, field converters), so a prepared query returns exactly what the queryset would.

Django has no such cache (its ORM recompiles on every evaluation), and no maintained package
provides one for Django 5; this module is small and only used where a test counts the queries.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any, NamedTuple

from django.db import connections
from django.db.models import Expression, Field, QuerySet


class _Slot(NamedTuple):
    name: str
    field: Field


class Param(Expression):
    """A named placeholder for a value given when a prepared query runs.

    ``output_field`` converts the value for the database, as a lookup would (an aware datetime
    becomes SQLite's UTC text, for instance).
    """

    def __init__(self, name: str, output_field: Field) -> None:
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", [_Slot(self.name, self.output_field)]

    def __repr__(self) -> str:
        return f"Param({self.name!r})"


class PreparedQuery:
    """One queryset, compiled once per database alias; :meth:`run` binds values and evaluates it."""

    def __init__(self, queryset: QuerySet) -> None:
        self.queryset = queryset
        self._compiled: dict[str, tuple[Any, str, list]] = {}
        self._lock = threading.Lock()

    def _compile(self, alias: str):
        compiled = self._compiled.get(alias)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(alias)
                if compiled is None:
                    compiler = self.queryset.query.get_compiler(using=alias)
                    sql, params = compiler.as_sql()  # also fills compiler.select, klass_info...
                    compiled = self._compiled[alias] = (compiler, sql, list(params))
        return compiled

    def run(self, **values) -> list:
        """The query's rows for these values, as the queryset would give them."""
        alias = self.queryset.db
        compiler, sql, params = self._compile(alias)
        connection = connections[alias]
        bound = [
            p.field.get_db_prep_value(values[p.name], connection) if type(p) is _Slot else p
            for p in params
        ]
        runner = copy.copy(compiler)  # per call: compilers are not shared between threads
        runner.connection = connection
        runner.as_sql = lambda *args, **kwargs: (sql, bound)
        query = _shallow(self.queryset.query, get_compiler=lambda *args, **kwargs: runner)
        queryset = _shallow(self.queryset, _query=query, _result_cache=None, _prefetch_done=False)
        return list(queryset)

    def first(self, **values):
        rows = self.run(**values)
        return rows[0] if rows else None


def _shallow(obj, **changes):
    """A copy of ``obj`` sharing its attributes but ``changes`` (``copy.copy`` would evaluate a
    queryset)."""
    clone = object.__new__(type(obj))
    clone.__dict__.update(obj.__dict__, **changes)
    return clone


def prepared(build: Callable[..., QuerySet]) -> Callable[..., PreparedQuery]:
    """Decorate a function returning a queryset with :class:`Param` placeholders: calling it
    returns a :class:`PreparedQuery`, built and compiled once for each distinct set of
    (hashable) arguments."""

    @lru_cache(maxsize=256)
    @wraps(build)
    def cached(*args):
        return PreparedQuery(build(*args))

    return cached
