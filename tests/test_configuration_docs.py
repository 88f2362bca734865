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


# --- The table itself, and the table against the settings ------------------------------------------

import ast  # noqa: E402


def table_rows() -> list[str]:
    """The lines of the « Variables » table, from its header to the first line that is not a row."""
    lines = (REPO / "docs" / "configuration.md").read_text().splitlines()
    start = lines.index("| variable | default | meaning |")
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append(line)
    return rows


def test_the_table_is_one_block_that_lists_every_variable():
    """A blank line ends a Markdown table: the rows after it are shown as plain text."""
    in_table = {re.match(r"\| `([A-Z0-9_]+)` \|", row).group(1) for row in table_rows()}
    assert in_table == variables_in_docs()


def test_each_variable_is_documented_once():
    names = [re.match(r"\| `([A-Z0-9_]+)` \|", row).group(1) for row in table_rows()]
    twice = sorted({name for name in names if names.count(name) > 1})
    assert not twice, f"documented more than once (one meaning each): {twice}"


def reads_in_code() -> list[tuple[str, str, ast.expr | None]]:
    """(variable, reader, default expression) for each env_*() call of the code."""
    found = []
    for path in (REPO / "redac").rglob("*.py"):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and re.fullmatch(READERS, node.func.id)
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                position = 2 if node.func.id == "env_choice" else 1
                default = node.args[position] if len(node.args) > position else None
                found.append((node.args[0].value, node.func.id, default))
    return found


def test_each_variable_is_read_in_one_place():
    """Two readings of one variable drift apart (REDAC_TRUSTED_PROXIES was read twice, and
    documented twice with two meanings)."""
    names = [name for name, _, _ in reads_in_code()]
    twice = sorted({name for name in names if names.count(name) > 1})
    assert not twice, f"read in more than one place: {twice}"


def documented_defaults() -> dict[str, str]:
    defaults = {}
    for row in table_rows():
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        defaults[cells[0].strip("`")] = cells[1]
    return defaults


def as_documented(reader: str, value) -> str:
    if reader == "env_bool":
        return "1" if value else "0"
    if isinstance(value, list):
        return ",".join(value)
    return str(value)


def test_documented_defaults_are_the_code_defaults():
    """Where the code's default is a literal and the docs give it as `value`, they agree."""
    documented = documented_defaults()
    checked = 0
    for name, reader, default in reads_in_code():
        if default is None:
            continue
        try:
            value = ast.literal_eval(default)
        except ValueError:
            continue  # computed (from the data folder, the site URL...): said in words
        match = re.match(r"`([^`]*)`", documented[name])
        if match is None:
            continue
        assert match.group(1) == as_documented(reader, value), (name, documented[name], value)
        checked += 1
    assert checked >= 15, "the comparison found too few literal defaults"
