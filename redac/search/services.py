"""``search(query, filters, page)``: the one search API, over PostgreSQL and SQLite.

Why not Wagtail's search backend: on SQLite, Wagtail's database backend uses FTS5 with neither
stemming nor accent folding ("retraite" does not find "retraites"), and on PostgreSQL it uses one
configuration for every language with no way to add ``unaccent``. redac's readers type French without
accents. So this app keeps the smallest index that does what they need — one table, filled from the
publish signals — and asks each database to do what it does best:

* PostgreSQL: a generated weighted ``tsvector`` in the ``french_unaccent`` configuration (migration
  0002), queried with ``plainto_tsquery`` (plain words ANDed: no syntax for a hostile query to
  abuse), ranked with ``ts_rank`` (weights D 0.1, C 0.2, B 0.4, A 1.0) over the 200 most
  recent matches (``RANK_WINDOW``; older matches follow, newest first): ranking reads each
  candidate's whole tsvector, and a broad word in a large archive would otherwise cost hundreds of
  milliseconds.
* SQLite: FTS5 over text folded and stemmed in Python (``analysis.py``, Snowball French); every
  query term is a quoted token of word characters only, so FTS5 operators (``"``, ``NEAR(``, ``*``,
  ``-``, ``OR``) typed by a reader are inert. Ranked with ``bm25`` (title 10, chapo 4, body 1).

Relevance first, then recency: scores are rounded so that near-equal matches go newest first.
Snippets are built here from the original text (escaped, then matches wrapped in ``<mark>``);
FTS5's ``snippet()`` would show folded, stemmed words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from redac.core.lib.params import day_end, positive_int

from . import analysis
from .index import FTS_TABLE
from .models import SearchEntry

MAX_QUERY_CHARS = 200  # longer queries are cut (security case 23): no sensible search is longer
MAX_TERMS = 12
PAGE_SIZE = 10
SNIPPET_WORDS = 36
SNIPPET_SCAN_CHARS = 6_000  # snippets come from the opening of the text: bounded work per hit
# PostgreSQL ranks at most this many of the most recent matches: ranking reads each candidate's
# whole tsvector (measured ~0.1-0.3 ms each), so a query matching thousands of items would
# otherwise cost hundreds of milliseconds. Older matches
# beyond it are still counted and listed, after the ranked ones, newest first.
RANK_WINDOW = 200


@dataclass
class Filters:
    kinds: list[str] = field(default_factory=list)
    section_path: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass
class Hit:
    entry: SearchEntry
    title: SafeString
    snippet: SafeString


@dataclass
class Results:
    query: str
    terms: list[str]
    page: object  # django.core.paginator.Page of Hit
    count: int


def normalise_query(raw: str) -> str:
    return " ".join((raw or "")[: MAX_QUERY_CHARS * 4].split())[:MAX_QUERY_CHARS]


def query_terms(query: str) -> list[list[str]]:
    """Per query word, the stems that satisfy it (the word's and its singular/plural twin's)."""
    return [sorted({analysis.stem(w) for w in words})
            for words in analysis.query_words(query, MAX_TERMS)]  # fmt: skip


def _filter_sql(filters: Filters):
    from redac.news.models import restricted_paths

    where, params = [], []
    # The index only holds what readers may see (redac.search.index); the restrictions are checked
    # again here, at the moment of answering, so that an entry a worker has not yet removed can
    # never be shown (tree paths are letters and digits: nothing to escape for LIKE).
    for path in restricted_paths():
        where.append("e.path NOT LIKE %s")
        params.append(path + "%")
    if filters.kinds:
        placeholders = ", ".join(["%s"] * len(filters.kinds))
        where.append(f"e.kind IN ({placeholders})")
        params += list(filters.kinds)
    if filters.section_path:
        where.append("e.path LIKE %s")
        params.append(filters.section_path.replace("%", "").replace("_", "") + "%")
    if filters.date_from:
        where.append("e.date >= %s")
        params.append(dt.datetime.combine(filters.date_from, dt.time.min, tzinfo=dt.UTC))
    if filters.date_to:
        where.append("e.date <= %s")
        params.append(day_end(filters.date_to))  # never past 9999-12-31
    return where, params


def _sqlite_query(groups, filters):
    match = " AND ".join("(" + " OR ".join(f'"{stem}"' for stem in stems) + ")" for stems in groups)
    where, params = _filter_sql(filters)
    clause = " AND ".join([f"{FTS_TABLE} MATCH %s", *where])
    base = (
        f"FROM {FTS_TABLE} JOIN redac_search_searchentry e ON e.id = {FTS_TABLE}.rowid "
        f"WHERE {clause}"
    )
    select = (
        f"SELECT e.id, round(bm25({FTS_TABLE}, 10.0, 4.0, 1.0), 2) AS score {base} "
        "ORDER BY score, e.date DESC, e.id DESC LIMIT %s OFFSET %s"
    )
    return f"SELECT count(*) {base}", select, [match, *params]


def _postgres_query(words, filters):
    # Each word and its twin go through PostgreSQL's own french_unaccent configuration with
    # plainto_tsquery (plain text in, no operator syntax); the word groups are ANDed.
    tsquery = " && ".join(
        "(" + " || ".join(["plainto_tsquery('french_unaccent'::regconfig, %s)"] * len(group)) + ")"
        for group in words
    )
    where, params = _filter_sql(filters)
    clause = " AND ".join(["e.search_vector @@ q.query", *where])
    base = f"FROM redac_search_searchentry e, (SELECT {tsquery} AS query) AS q WHERE {clause}"
    params = [word for group in words for word in group] + params
    # Only placeholders and fixed SQL are concatenated here; every value is a parameter.
    select = (
        "SELECT c.id, CASE WHEN c.recent <= %s THEN round(ts_rank('{0.1, 0.2, 0.4, 1.0}', "  # noqa: S608
        "c.search_vector, c.query, 1)::numeric, 3) ELSE -1 END AS score FROM ("
        "SELECT e.id, e.date, e.search_vector, q.query, "
        "row_number() OVER (ORDER BY e.date DESC NULLS LAST, e.id DESC) AS recent "
        + base
        + ") AS c ORDER BY score DESC, c.date DESC NULLS LAST, c.id DESC LIMIT %s OFFSET %s"
    )
    return f"SELECT count(*) {base}", select, params


class _LazyHits:
    """A sequence the Paginator can count and slice, running one SQL query per slice."""

    def __init__(self, count_sql, select_sql, params, count_fn, select_prefix=()):
        self.count_sql, self.select_sql, self.params = count_sql, select_sql, params
        self.select_prefix = list(select_prefix)
        self._count = None
        self._count_fn = count_fn

    def count(self):
        if self._count is None:
            with connection.cursor() as cursor:
                cursor.execute(self.count_sql, self.params)
                self._count = cursor.fetchone()[0]
        return self._count

    def __len__(self):
        return self.count()

    def __getitem__(self, item):
        start, stop = item.start or 0, item.stop
        with connection.cursor() as cursor:
            cursor.execute(
                self.select_sql, [*self.select_prefix, *self.params, stop - start, start]
            )
            ids = [row[0] for row in cursor.fetchall()]
        entries = SearchEntry.objects.in_bulk(ids)
        return [self._count_fn(entries[i]) for i in ids if i in entries]


def highlight(text: str, terms: set[str], *, words: int | None = None) -> SafeString:
    """Escaped ``text`` with the words whose stem is searched wrapped in ``<mark>``; with
    ``words``, only a window of that many words around the first dense group of matches."""
    spans = list(analysis.word_spans(text))
    start_char, end_char = 0, len(text)
    if words is not None and spans:
        hits = [i for i, (_, _, term) in enumerate(spans) if term in terms]
        if hits:
            best = max(hits, key=lambda i: sum(1 for j in hits if i <= j < i + words))
            first = max(0, best - words // 4)
        else:
            first = 0
        last = min(len(spans), first + words) - 1
        start_char = spans[first][0] if first > 0 else 0
        end_char = spans[last][1] if last < len(spans) - 1 else len(text)
    out, cursor = [], start_char
    if start_char > 0:
        out.append("… ")
    for start, end, term in spans:
        if start < start_char or end > end_char or term not in terms:
            continue
        out.append(escape(text[cursor:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        cursor = end
    out.append(escape(text[cursor:end_char]))
    if end_char < len(text):
        out.append(" …")
    return mark_safe("".join(out))  # noqa: S308  (every piece of text above is escaped)


def search(raw_query: str, filters: Filters | None = None, page: int | str = 1,
           per_page: int = PAGE_SIZE) -> Results:  # fmt: skip
    """Published items matching every word of the query (stemmed, accents ignored)."""
    filters = filters or Filters()
    query = normalise_query(raw_query)
    groups = query_terms(query)
    if not groups:
        return Results(query, [], Paginator([], per_page).get_page(1), 0)
    term_set = {stem for stems in groups for stem in stems}

    def to_hit(entry: SearchEntry) -> Hit:
        text = "\n".join(filter(None, [entry.chapo, entry.body]))
        return Hit(entry, highlight(entry.title, term_set),
                   highlight(text[:SNIPPET_SCAN_CHARS], term_set, words=SNIPPET_WORDS))  # fmt: skip

    if connection.vendor == "postgresql":
        count_sql, select_sql, params = _postgres_query(analysis.query_words(query, MAX_TERMS),
                                                        filters)  # fmt: skip
    else:
        count_sql, select_sql, params = _sqlite_query(groups, filters)
    prefix = [RANK_WINDOW] if connection.vendor == "postgresql" else []
    hits = _LazyHits(count_sql, select_sql, params, to_hit, prefix)
    number = positive_int(page) or 1
    paginated = Paginator(hits, per_page).get_page(max(1, min(number, 10_000_000)))
    return Results(query, sorted(term_set), paginated, hits.count())
