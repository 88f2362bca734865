"""What a security test covers, read by test_coverage.py: the mark ``security_case(key)``.

``key`` is a case number of shared/reference/security-cases.md (1–64), a surface listed after
them (``"newsletter"``, ``"statistics"``), or a class of attack found from outside (issue 15, one
of ``ATTACK_CLASSES``). A test written where its feature is built carries the mark itself
(``@pytest.mark.security_case(50)`` in redac/contact/tests/…), so it runs once; a test of
tests/security named ``test_case_NN_…``, ``test_case_newsletter_…`` or ``test_attack_<class>_…``
gets the mark from its name (conftest.py).

Run as a plugin (``-p tests.security.cases``) with ``SECURITY_CASES_OUT`` set, it writes every
collected marked test as ``key<TAB>node id`` lines to that file (test_coverage.py does so)."""

from __future__ import annotations

import os
import re

#: The surfaces listed after case 64, each with the tests that must exist for it (a fragment of
#: a marked test's name).
EXTRA_SURFACES = {
    "newsletter": ["header_injection", "subscribing_someone_else", "tokens_are_single_purpose",
                   "already_subscribed_is_not_revealed", "flooding"],
    "statistics": ["forged_page_ids", "oversized", "flood", "bounded", "no_ip_nor_user_agent"],
}  # fmt: skip
#: Classes of attack found from outside after the 64 cases (issue 15), each proved by at least one
#: marked test and listed in docs/security.md's table of classes.
ATTACK_CLASSES = [
    "markup_cpu",                 # 1: SPIP text that takes the CPU (linear engine, work budget)
    "restricted_pages_listed",    # 2: a page made private leaves every listing, feed, index
    "nginx_media",                # 3: nginx serves only what redac serves to anonymous readers
    "second_factor_everywhere",   # 4: no privilege anywhere before the second factor
    "privilege_escalation",       # 5: roles assign only roles at or below their own
    "deep_reply_chains",          # 6: threads of any depth render
    "slow_request_bodies",        # 7: slow clients never hold the threads readers need
    "page_password_throttle",     # 8: the page-password form is throttled
    "rendition_metadata",         # 9: no EXIF/XMP/comments in renditions, no location anywhere
    "feed_markup",                # 10: feed fields are plain text or cleaned HTML
    "hidden_text_extracted",      # low: hidden text never reaches descriptions, feeds, snippets
    "any_query_or_body_4xx",      # low: any query string or body is a 4xx at most
    "visit_inflation",            # low: one client adds a bounded count; pixel only for our pages
    "display_name_impersonation", # low: normalised names against authors' public names
    "stamp_replay",               # low: one anti-spam stamp, one post
    "draft_404_timing",           # low: a draft's 404 takes the path of a missing page
    "chooser_leaks_drafts",       # low: section-limited users see only their sections' drafts
    "empty_author_pages",         # low: no author page before something is published
    "content_encoding_header",    # low: no literal "None" header
    "x_cache_header",             # low: X-Cache is a setting, off in production
]  # fmt: skip
CASE_NAME = re.compile(r"^test_case_(\d\d|newsletter|statistics)_")


def key_from_name(name: str) -> int | str | None:
    """The key a tests/security test's name gives it (None: the name says no case)."""
    match = CASE_NAME.match(name)
    if match:
        key = match.group(1)
        return int(key) if key.isdigit() else key
    classes = [c for c in ATTACK_CLASSES if name.startswith(f"test_attack_{c}_")]
    return max(classes, key=len) if classes else None


def keys_of(item) -> list[int | str]:
    return [mark.args[0] for mark in item.iter_markers("security_case") if mark.args]


def pytest_collection_finish(session):
    out = os.environ.get("SECURITY_CASES_OUT")
    if out:
        with open(out, "w", encoding="utf-8") as lines:
            for item in session.items:
                for key in keys_of(item):
                    lines.write(f"{key}\t{item.nodeid}\n")
