"""The 64 security cases of shared/reference/security-cases.md and docs/security.md stay in step
with the tests: every case is tested, or listed in the table as pending on a named issue (or as not
applicable, with the reason); every case the table calls covered has a test named after it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

SECURITY_TESTS = Path(__file__).resolve().parent
DOC = SECURITY_TESTS.parents[1] / "docs" / "security.md"
CASE_TEST = re.compile(r"test_case_(\d\d)_")
TABLE_ROW = re.compile(r"^\|\s*(\d{1,2})\s*\|[^|]*\|\s*([^|]*?)\s*\|\s*([^|]*?)\s*\|\s*$")


def cases_with_tests() -> dict[int, list[str]]:
    """Case number -> test functions (defined or re-exported) in tests/security/."""
    found: dict[int, list[str]] = {}
    for path in SECURITY_TESTS.glob("test_*.py"):
        tree = ast.parse(path.read_text())
        names = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
        names += [a.asname for n in tree.body if isinstance(n, ast.ImportFrom)
                  for a in n.names if a.asname]  # fmt: skip
        for name in names:
            match = CASE_TEST.match(name)
            if match:
                found.setdefault(int(match.group(1)), []).append(f"{path.name}::{name}")
    return found


def documented_cases() -> dict[int, tuple[str, str]]:
    """Case number -> (tests column, status column) of the table in docs/security.md."""
    rows = {}
    for line in DOC.read_text().splitlines():
        match = TABLE_ROW.match(line)
        if match:
            rows[int(match.group(1))] = (match.group(2), match.group(3))
    return rows


def test_every_case_1_to_64_is_tested_or_pending_on_a_named_issue():
    tested, documented = cases_with_tests(), documented_cases()
    missing = []
    for case in range(1, 65):
        if case in tested:
            continue
        status = documented.get(case, ("", ""))[1].lower()
        if not re.fullmatch(r"(pending \(issue \d+\)|not applicable: .+)", status):
            missing.append(case)
    assert not missing, f"cases with neither a test nor a pending/not-applicable status: {missing}"


def test_the_table_lists_all_64_cases_once():
    assert sorted(documented_cases()) == list(range(1, 65))


def test_every_case_marked_covered_has_its_tests_and_vice_versa():
    tested, documented = cases_with_tests(), documented_cases()
    for case, (tests_column, status) in documented.items():
        if status.lower() == "covered":
            assert case in tested, f"case {case} is 'covered' in docs/security.md but has no test"
            for name in re.findall(r"`([^`]+)`", tests_column):
                assert any(t.startswith(name) or t.endswith(name) for t in tested[case]), (
                    f"case {case}: docs/security.md names {name}, which does not exist"
                )
    for case in tested:
        assert documented.get(case, ("", ""))[1].lower() == "covered", (
            f"case {case} has tests ({tested[case][0]}...) but docs/security.md does not say covered"
        )
