"""redac's imports point down one list of layers, and no two apps import each other (issue 19).

Every ``.py`` under ``redac/`` is read with :mod:`ast`, and every import in it counts, at the top
of the module or inside a function (an import moved into a function hides a dependency, it does
not remove it). ``apps.get_model("label", "Model")`` is not an import: an app below may reach a
model of an app above through the app registry, where the one above is optional.

    typo (pure)  ->  core  ->  delivery  ->  news  ->  feature apps  ->  newsroom  ->  theme
    ->  demo  ->  spipimport (nothing imports it)  ->  the project's wiring (settings, urls, wsgi)

The feature apps (flash, reserve, comments, contact, newsletter, search, visits) share a layer:
one may use another, as long as no two of them import each other. An app's own tests
(``redac/<app>/tests/``) stand outside the layers, like ``tests/``: they drive the app from above.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "redac"

FEATURES = [
    "flash",
    "reserve",
    "comments",
    "contact",
    "newsletter",
    "agenda",
    "petitions",
    "search",
    "visits",
]
#: Each layer's packages, from the bottom up; a module imports only from its layer and below.
LAYERS: list[list[str]] = [
    ["typo"],
    ["core"],
    ["delivery"],
    ["news"],
    FEATURES,
    ["newsroom"],
    ["theme"],
    ["demo"],
    ["spipimport"],
    # the project's wiring: settings, URLs, the WSGI application, the `redac` command
    ["settings", "settings_test", "urls", "wsgi", "appserver", "supervisor", "cli", "locale"],
]
LAYER_OF = {name: index for index, names in enumerate(LAYERS) for name in names}

#: Imports allowed against the layers, each as (file, imported module) with the reason beside it.
KNOWN: set[tuple[str, str]] = set()  # no exception: every import points down


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(node: ast.AST, module: str, is_package: bool) -> list[str]:
    """The ``redac.*`` modules an import statement names."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level:  # relative: from the module's package, up level - 1 packages
        package = module.split(".") if is_package else module.split(".")[:-1]
        base = package[: len(package) - node.level + 1]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    if not node.module or target == "redac":  # from . import models, from redac import core
        return [f"{target}.{alias.name}" for alias in node.names]
    return [target]


def _layer_key(module: str) -> str | None:
    """The package (or project module) that places ``module`` in a layer: ``redac.core.lib.env``
    -> ``core``; None for ``redac`` itself."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "redac" else None


def _imports():
    """(file, line, importing package, imported module, imported package) for every import of a
    ``redac`` module by another part of redac, app tests excepted."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if "tests" in relative.parts:
            continue
        module = _module_name(path)
        source = _layer_key(module)
        if source is None:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(relative))
        for node in ast.walk(tree):
            for target in _imported(node, module, path.name == "__init__.py"):
                imported = _layer_key(target)
                if target.startswith("redac.") and imported and imported != source:
                    found.append((relative.as_posix(), node.lineno, source, target, imported))
    return found


IMPORTS = _imports()


def test_every_part_of_redac_has_a_layer():
    unplaced = sorted(
        {_layer_key(_module_name(p)) for p in PACKAGE.rglob("*.py")} - set(LAYER_OF) - {None}
    )
    assert not unplaced, f"packages with no layer in tests/test_layers.py: {unplaced}"


def test_imports_point_down_the_layers():
    against = []
    for file, line, source, target, imported in IMPORTS:
        if LAYER_OF[imported] > LAYER_OF[source] and (file, target) not in KNOWN:
            against.append(
                f"{file}:{line}: {source} (layer {LAYER_OF[source]}) imports {target} "
                f"({imported}, layer {LAYER_OF[imported]}): an import pointing up"
            )
    assert not against, "\n".join(against)


def test_known_exceptions_are_still_there():
    """An exception whose import is gone leaves the list with it."""
    present = {(file, target) for file, _line, _source, target, _imported in IMPORTS}
    assert not KNOWN - present, f"remove from KNOWN: {sorted(KNOWN - present)}"


def test_no_two_apps_import_each_other():
    edges: dict[str, dict[str, tuple[str, int, str]]] = defaultdict(dict)
    for file, line, source, target, imported in IMPORTS:
        if (file, target) not in KNOWN:
            edges[source].setdefault(imported, (file, line, target))
    cycles = []
    for source, targets in sorted(edges.items()):
        for imported, (file, line, target) in sorted(targets.items()):
            back = edges.get(imported, {}).get(source)
            if back and source < imported:
                cycles.append(
                    f"{file}:{line}: {source} (layer {LAYER_OF[source]}) imports {target}, and "
                    f"{back[0]}:{back[1]}: {imported} (layer {LAYER_OF[imported]}) imports "
                    f"{back[2]}"
                )
    # longer circles (a -> b -> c -> a), between apps of one layer
    for start in sorted(edges):
        path = _circle_from(start, edges)
        if path and len(path) > 3 and min(path) == start:
            cycles.append(" -> ".join(path) + ": a circle of imports between apps")
    assert not cycles, "\n".join(cycles)


def _circle_from(start: str, edges) -> list[str] | None:
    """A shortest path start -> ... -> start, if any (breadth first)."""
    queue = [[start]]
    seen = {start}
    while queue:
        path = queue.pop(0)
        for nxt in sorted(edges.get(path[-1], {})):
            if nxt == start:
                return [*path, start]
            if nxt not in seen:
                seen.add(nxt)
                queue.append([*path, nxt])
    return None


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from redac.news.models import ArticlePage", ["redac.news.models"]),
        ("from . import models", ["redac.core.lib.models"]),
        ("from ..models import X", ["redac.core.models"]),
        ("from redac import typo", ["redac.typo"]),
        ("import redac.delivery.chrome", ["redac.delivery.chrome"]),
    ],
)
def test_imports_are_read_as_python_resolves_them(source, expected):
    node = ast.parse(source).body[0]
    assert _imported(node, "redac.core.lib.antispam", False) == expected


def test_an_import_inside_a_function_counts():
    tree = ast.parse("def f():\n    from redac.news.models import ArticlePage\n")
    found = [t for n in ast.walk(tree) for t in _imported(n, "redac.core.models", False)]
    assert found == ["redac.news.models"]


def test_the_readme_layout_lists_every_app_and_the_layers_know_them():
    """The README's layout names every package under redac/ (docs kept honest), and the layers
    above place each of them."""
    readme = (ROOT / "README.md").read_text()
    layout = readme[readme.index("## Layout") :]
    packages = sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py"))
    assert packages, "no package found under redac/"
    missing = [name for name in packages if f"  {name}/" not in layout]
    assert not missing, f"README.md's layout does not list: {missing}"
    unplaced = [name for name in packages if name not in LAYER_OF]
    assert not unplaced, f"tests/test_layers.py's LAYERS do not place: {unplaced}"
