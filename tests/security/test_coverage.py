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
