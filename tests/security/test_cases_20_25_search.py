"""Security cases 20–25: the public search box (reflected XSS, SQL and FTS syntax, huge queries,
bad page numbers, odd parameters).

The tests live with the search app (redac/search/tests/test_search_page_and_index.py), where the
search page is built; they are re-exported here under the cases' names, so that
``pytest tests/security`` runs them (written once, run in both places).
"""

from __future__ import annotations

from redac.search.tests.test_search_page_and_index import (
    test_case_20_query_is_escaped_in_heading_input_and_title,
    test_case_21_sql_looking_text_is_just_text,
    test_case_22_fts_syntax_is_inert,
    test_case_23_huge_queries_are_cut_and_fast,
    test_case_24_bad_page_numbers_give_a_page,
    test_case_25_empty_repeated_or_odd_parameters_are_defined,
)

__all__ = [
    "test_case_20_query_is_escaped_in_heading_input_and_title",
    "test_case_21_sql_looking_text_is_just_text",
    "test_case_22_fts_syntax_is_inert",
    "test_case_23_huge_queries_are_cut_and_fast",
    "test_case_24_bad_page_numbers_give_a_page",
    "test_case_25_empty_repeated_or_odd_parameters_are_defined",
]
