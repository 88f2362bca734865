"""docs/configuration.md and the code that reads the environment stay in step."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
READERS = r"env_(?:str|bool|int|list|choice|url)"


def variables_in_code() -> set[str]:
    names = set()
    for path in (REPO / "redac").rglob("*.py"):
        if "tests" in path.parts:
            continue
        names |= set(re.findall(READERS + r'\(\s*"([A-Z][A-Z0-9_]+)"', path.read_text()))
    return names


def variables_in_docs() -> set[str]:
    text = (REPO / "docs" / "configuration.md").read_text()
    return set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", text, re.M))


def test_every_variable_read_by_the_code_is_documented():
    missing = variables_in_code() - variables_in_docs()
    assert not missing, f"document these in docs/configuration.md: {sorted(missing)}"


def test_the_docs_list_no_variable_the_code_ignores():
    stale = variables_in_docs() - variables_in_code()
    assert not stale, f"docs/configuration.md lists unused variables: {sorted(stale)}"


def test_the_scan_finds_the_core_variables():
    # Guards the two tests above against a regex that silently matches nothing.
    assert {"REDAC_DATA_DIR", "DATABASE_URL", "REDAC_SECRET_KEY"} <= variables_in_code()
