"""The search quality set: French queries over a fixed corpus, each with its expected first
result. Runs on whichever database the suite runs on (SQLite locally, PostgreSQL in CI)."""

import pytest

from redac.search.services import search

from .corpus import QUERIES


def test_the_quality_set_has_at_least_thirty_queries():
    assert len(QUERIES) >= 30


@pytest.mark.parametrize(("query", "expected"), QUERIES, ids=[q for q, _ in QUERIES])
def test_query_finds_the_expected_item_first(corpus, db, query, expected):
    results = search(query)
    urls = [hit.entry.url for hit in results.page]
    assert urls, f"{query!r}: no result"
    assert urls[0] == expected, f"{query!r}: got {urls[:3]}"
