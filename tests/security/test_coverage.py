"""The 64 security cases of shared/reference/security-cases.md, docs/security.md and the tests stay
in step: every case 1–64 is "covered" in the table, and ``pytest tests/security`` collects at least
one test whose name carries the case's number (``test_case_35_...``), defined here or re-exported
from the app that builds the feature. The newsletter and statistics cases at the end of the list
have their ``test_case_newsletter_...`` and ``test_case_statistics_...`` tests.

The tests are found by pytest's own collection (in a subprocess), so a re-export whose import
breaks, a test renamed or removed, or a parametrisation that yields nothing makes this fail."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

SECURITY_TESTS = Path(__file__).resolve().parent
REPO = SECURITY_TESTS.parents[1]
DOC = REPO / "docs" / "security.md"
CASES = range(1, 65)
CASE_TEST = re.compile(r"::(test_case_(\d\d|newsletter|statistics)_\w*)")
TABLE_ROW = re.compile(r"^\|\s*(\d{1,2})\s*\|[^|]*\|\s*([^|]*?)\s*\|\s*([^|]*?)\s*\|\s*$")
#: The surfaces listed after case 64, each with the tests that must exist for it.
EXTRA_SURFACES = {
    "newsletter": ["header_injection", "subscribing_someone_else", "tokens_are_single_purpose",
                   "already_subscribed_is_not_revealed", "flooding"],
    "statistics": ["forged_page_ids", "oversized", "flood", "bounded", "no_ip_nor_user_agent"],
}  # fmt: skip
#: Classes of attack found from outside after the 64 cases (issue 15), each proved by at least one
#: collected test named ``test_attack_<class>_…`` and listed in docs/security.md's table of classes.
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
ATTACK_TEST = re.compile(r"::test_attack_([a-z0-9_]+)")


def collected_security_tests() -> list[str]:
    """Node ids of everything ``pytest tests/security`` collects."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST_", "COV_"))}  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:randomly",
         str(SECURITY_TESTS.relative_to(REPO))],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, f"collection failed:\n{result.stdout[-3000:]}{result.stderr}"
    return [line for line in result.stdout.splitlines() if "::" in line]


def case_tests(node_ids: list[str]) -> dict[str, list[str]]:
    """``"07"``/``"newsletter"``/``"statistics"`` -> node ids of the tests named after it."""
    found: dict[str, list[str]] = {}
    for node_id in node_ids:
        match = CASE_TEST.search(node_id)
        if match:
            found.setdefault(match.group(2), []).append(node_id)
    return found


def documented_cases() -> dict[int, tuple[str, str]]:
    """Case number -> (tests column, status column) of the table in docs/security.md."""
    rows = {}
    for line in DOC.read_text().splitlines():
        match = TABLE_ROW.match(line)
        if match:
            rows[int(match.group(1))] = (match.group(2), match.group(3))
    return rows


def problems(node_ids: list[str], table: dict[int, tuple[str, str]]) -> list[str]:
    """Every way the table and the collected tests disagree (empty when all is in step)."""
    found = case_tests(node_ids)
    issues = []
    for case in CASES:
        tests_column, status = table.get(case, ("", "missing"))
        if status.lower() != "covered":
            issues.append(f"case {case}: status is « {status} », not « covered »")
        if f"{case:02d}" not in found:
            issues.append(f"case {case}: no collected test named test_case_{case:02d}_…")
        for name in re.findall(r"`([^`]+)`", tests_column):
            file, _, prefix = name.partition("::")
            if not any(path.rsplit("/", 1)[-1] == file and test.startswith(prefix)
                       for path, _, test in (n.partition("::") for n in node_ids)):  # fmt: skip
                issues.append(f"case {case}: docs/security.md names {name}, which is not collected")
    for key in found:
        if key.isdigit() and int(key) not in CASES:
            issues.append(f"test_case_{key}_…: there is no case {int(key)}")
    for surface, fragments in EXTRA_SURFACES.items():
        names = " ".join(found.get(surface, []))
        issues += [f"{surface}: no test_case_{surface}_… test about « {fragment} »"
                   for fragment in fragments if fragment not in names]  # fmt: skip
    return issues


def attack_problems(node_ids: list[str], doc: str) -> list[str]:
    """Each class of attack without a collected ``test_attack_<class>_…`` test or a row in
    docs/security.md's table of classes."""
    names = " ".join(node_ids)
    issues = []
    for name in ATTACK_CLASSES:
        if f"::test_attack_{name}_" not in names:
            issues.append(f"{name}: no collected test_attack_{name}_… test")
        row = next((line for line in doc.splitlines() if line.startswith(f"| `{name}` |")), None)
        if row is None:
            issues.append(f"{name}: docs/security.md does not list `{name}`")
        elif "pending" in row:
            issues.append(f"{name}: docs/security.md says its defence is pending")
    return issues


@pytest.fixture(scope="module")
def node_ids() -> list[str]:
    return collected_security_tests()


def test_the_table_lists_all_64_cases_once():
    assert sorted(documented_cases()) == list(CASES)


def test_every_case_1_to_64_is_covered_by_a_collected_test_named_after_it(node_ids):
    assert problems(node_ids, documented_cases()) == []


def test_the_check_fails_when_a_case_loses_its_test(node_ids):
    """The check above is not vacuous: remove case 35's tests, or mark a case pending, or name
    a test that does not exist, and it says so."""
    table = documented_cases()
    without_35 = [n for n in node_ids if "::test_case_35_" not in n]
    assert any(p.startswith("case 35: no collected test") for p in problems(without_35, table))
    pending = {**table, 20: (table[20][0], "pending (issue 7)")}
    assert any(p.startswith("case 20: status") for p in problems(node_ids, pending))
    renamed = {**table, 57: ("`test_case_57_gone.py`", "covered")}
    assert any("test_case_57_gone.py" in p for p in problems(node_ids, renamed))
    no_flood = [n for n in node_ids if "test_case_statistics_a_flood" not in n]
    assert any("« flood »" in p for p in problems(no_flood, table))


def test_every_class_of_outside_attack_has_its_tests_and_its_defence_documented(node_ids):
    assert attack_problems(node_ids, DOC.read_text()) == []


def test_the_attack_check_fails_when_a_class_loses_its_test(node_ids):
    without = [n for n in node_ids if "::test_attack_stamp_replay_" not in n]
    assert any(p.startswith("stamp_replay: no collected") for p in attack_problems(without, ""))
