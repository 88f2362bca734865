"""Security cases 54–56: RSS and Atom feeds stay well-formed with hostile content, hold only
published public items, and emit no ``javascript:``/``data:`` link.

The tests live with the feeds (redac/news/tests/test_feeds.py); they are re-exported here under the
cases' names (written once, run in both places).
"""

from __future__ import annotations

from redac.news.tests.test_feeds import (
    test_case_54_hostile_titles_and_control_characters_keep_the_feed_well_formed,
    test_case_55_drafts_and_private_pages_never_appear,
    test_case_55_pending_comments_and_account_addresses_never_appear,
    test_case_56_javascript_and_data_links_are_not_emitted,
)

__all__ = [
    "test_case_54_hostile_titles_and_control_characters_keep_the_feed_well_formed",
    "test_case_55_drafts_and_private_pages_never_appear",
    "test_case_55_pending_comments_and_account_addresses_never_appear",
    "test_case_56_javascript_and_data_links_are_not_emitted",
]
