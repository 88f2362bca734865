"""The 64 security cases of shared/reference/security-cases.md, docs/security.md and the tests stay
in step: every case 1–64 is "covered" in the table, and the suite collects at least one test marked
``security_case(NN)`` for it (cases.py: tests written with their feature carry the mark, tests of
this folder get it from their ``test_case_NN_…`` name), each written and run once. The newsletter
and statistics surfaces at the end of the list have their marked tests, and so has each class of
attack found from outside (issue 15).

The marked tests are found by pytest's own collection of ``redac`` and ``tests/security`` (in a
subprocess, with cases.py as a plugin), so a test renamed, unmarked or removed, or a
parametrisation that yields nothing makes this fail."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .cases import ATTACK_CLASSES, EXTRA_SURFACES

SECURITY_TESTS = Path(__file__).resolve().parent
REPO = SECURITY_TESTS.parents[1]
DOC = REPO / "docs" / "security.md"
CASES = range(1, 65)
pytestmark = pytest.mark.slow  # collects the whole suite in a subprocess

TABLE_ROW = re.compile(r"^\|\s*(\d{1,2})\s*\|[^|]*\|\s*([^|]*?)\s*\|\s*([^|]*?)\s*\|\s*$")


def collected_security_tests(tmp_path: Path) -> list[tuple[str, str]]:
    """``(key, node id)`` of every test marked ``security_case`` that the suite collects (keys as
    text: ``"07"``, ``"newsletter"``, ``"markup_cpu"``)."""
    out = tmp_path / "security-cases.tsv"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST_", "COV_"))}  # fmt: skip
    env["SECURITY_CASES_OUT"] = str(out)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:randomly",
         "-p", "tests.security.cases", "redac",
         str(SECURITY_TESTS.relative_to(REPO))],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, f"collection failed:\n{result.stdout[-3000:]}{result.stderr}"
    marked = []
    for line in out.read_text(encoding="utf-8").splitlines():
        key, node_id = line.split("\t", 1)
        marked.append((f"{int(key):02d}" if key.isdigit() else key, node_id))
    return marked


def case_tests(marked: list[tuple[str, str]]) -> dict[str, list[str]]:
    """``"07"``/``"newsletter"``/``"markup_cpu"`` -> node ids of the tests marked with it."""
    found: dict[str, list[str]] = {}
    for key, node_id in marked:
        found.setdefault(key, []).append(node_id)
    return found


def documented_cases() -> dict[int, tuple[str, str]]:
    """Case number -> (tests column, status column) of the table in docs/security.md."""
    rows = {}
    for line in DOC.read_text().splitlines():
        match = TABLE_ROW.match(line)
        if match:
            rows[int(match.group(1))] = (match.group(2), match.group(3))
    return rows


def problems(marked: list[tuple[str, str]], table: dict[int, tuple[str, str]]) -> list[str]:
    """Every way the table and the marked tests disagree (empty when all is in step)."""
    found = case_tests(marked)
    node_ids = [node_id for _, node_id in marked]
    issues = []
    for case in CASES:
        tests_column, status = table.get(case, ("", "missing"))
        if status.lower() != "covered":
            issues.append(f"case {case}: status is « {status} », not « covered »")
        if f"{case:02d}" not in found:
            issues.append(f"case {case}: no collected test marked security_case({case})")
        for name in re.findall(r"`([^`]+)`", tests_column):
            file, _, prefix = name.partition("::")
            if not any(path.rsplit("/", 1)[-1] == file and test.startswith(prefix)
                       for path, _, test in (n.partition("::") for n in node_ids)):  # fmt: skip
                issues.append(
                    f"case {case}: docs/security.md names {name}, which is not a marked test"
                )
    known = {f"{case:02d}" for case in CASES} | set(EXTRA_SURFACES) | set(ATTACK_CLASSES)
    issues += [f"security_case({key}): no such case, surface or class of attack"
               for key in found if key not in known]  # fmt: skip
    for surface, fragments in EXTRA_SURFACES.items():
        names = " ".join(found.get(surface, []))
        issues += [f"{surface}: no test marked security_case({surface!r}) about « {fragment} »"
                   for fragment in fragments if fragment not in names]  # fmt: skip
    return issues


def attack_problems(marked: list[tuple[str, str]], doc: str) -> list[str]:
    """Each class of attack without a collected test marked with it or a row in docs/security.md's
    table of classes."""
    found = case_tests(marked)
    issues = []
    for name in ATTACK_CLASSES:
        if name not in found:
            issues.append(f"{name}: no collected test marked security_case({name!r})")
        row = next((line for line in doc.splitlines() if line.startswith(f"| `{name}` |")), None)
        if row is None:
            issues.append(f"{name}: docs/security.md does not list `{name}`")
        elif "pending" in row:
            issues.append(f"{name}: docs/security.md says its defence is pending")
    return issues


@pytest.fixture(scope="module")
def marked(tmp_path_factory) -> list[tuple[str, str]]:
    return collected_security_tests(tmp_path_factory.mktemp("security-cases"))


def test_the_table_lists_all_64_cases_once():
    assert sorted(documented_cases()) == list(CASES)


def test_every_case_1_to_64_is_covered_by_a_collected_test_marked_with_it(marked):
    assert problems(marked, documented_cases()) == []


def test_each_marked_test_runs_once(marked):
    """No test is collected twice under two names (the re-exports this mark replaced)."""
    functions = {}
    for key, node_id in marked:
        path, _, name = node_id.partition("::")
        functions.setdefault((key, name.split("[", 1)[0]), set()).add(path)
    assert [f for f, paths in functions.items() if len(paths) > 1] == []


def test_the_check_fails_when_a_case_loses_its_test(marked):
    """The check above is not vacuous: remove case 35's tests, or mark a case pending, or name
    a test that does not exist, or mark a case that does not exist, and it says so."""
    table = documented_cases()
    without_35 = [(k, n) for k, n in marked if k != "35"]
    assert any(p.startswith("case 35: no collected test") for p in problems(without_35, table))
    pending = {**table, 20: (table[20][0], "pending (issue 7)")}
    assert any(p.startswith("case 20: status") for p in problems(marked, pending))
    renamed = {**table, 57: ("`test_case_57_gone.py`", "covered")}
    assert any("test_case_57_gone.py" in p for p in problems(marked, renamed))
    no_flood = [(k, n) for k, n in marked if "test_case_statistics_a_flood" not in n]
    assert any("« flood »" in p for p in problems(no_flood, table))
    assert any("security_case(65)" in p for p in problems([*marked, ("65", "x.py::t")], table))


def test_every_class_of_outside_attack_has_its_tests_and_its_defence_documented(marked):
    assert attack_problems(marked, DOC.read_text()) == []


def test_the_attack_check_fails_when_a_class_loses_its_test(marked):
    without = [(k, n) for k, n in marked if k != "stamp_replay"]
    assert any(p.startswith("stamp_replay: no collected") for p in attack_problems(without, ""))
