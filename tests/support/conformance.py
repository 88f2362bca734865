"""Conformance runner: compare redac's engine with SPIP's own outputs, as a browser would.

Usage::

    python -m tests.support.conformance ../shared/spip                  # every corpus file
    python -m tests.support.conformance ../shared/spip --field expected  # SPIP's direct calls
    python -m tests.support.conformance path/to/file.jsonl -v            # also list exclusions
    python -m tests.support.conformance ../shared/spip --json out.json   # figures as JSON

Both outputs, SPIP's and redac's, are parsed by an HTML5 parser (html5lib, which follows the
WHATWG tree-building algorithm browsers use) and the two *documents* are compared: element
names and namespaces, every attribute and its value, every text node. What a browser makes
of the markup is what counts, so quoting, void-tag syntax (``<br />``/``<br>``) and
character references (``&#171;``/``«``) compare equal because the parser makes them equal,
and nothing else is forgiven but what the browser itself ignores when it renders:

- runs of HTML whitespace in text collapse to one space (CSS ``white-space: normal``), and
  whitespace at the start or end of a block (or next to a ``<br>``) is dropped; inside
  ``<pre>``, ``<textarea>``, ``<listing>`` text is compared as it is;
- comments (never rendered);
- a boolean attribute's value (``readonly`` and ``readonly="readonly"`` are the same DOM
  property);
- the order of tokens in ``class`` (a set for CSS).

Records are scored per file and per function (``propre``, ``typo``). The oracle's ``models``
category (document models: the medias plugin's *templates*, not the text engine) and ``xss``
category (SPIP keeps scripts and handlers; redac must differ) are scored apart, as the
outside check of issue 18 does. Among the other records, those where SPIP's output is unsafe
count as disagreements (they are the kept differences listed in
``docs/spip-compatibility.md``) and redac's output is checked to be safe. ``<modeleN>``
cases (SPIP's test templates) and internal functions (``traiter_raccourcis``,
``extraire_multi``) are excluded and listed. Plain-text cases (``couper``,
``nettoyer_raccourcis_typo``) are scored against :func:`redac.typo.plain`.

Test support: needs ``html5lib`` (a test dependency), not shipped code's concern.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import html5lib

from redac.typo.engine import render, typo
from redac.typo.plain import plain as plain_text
from redac.typo.sanitize import clean, is_safe_url

# ------------------------------------------------------------------ the documents

_WS = re.compile(r"[ \t\n\r\f]+")
#: Elements CSS lays out as blocks by default: whitespace at their edges is not rendered.
BLOCKS = frozenset(
    "address article aside blockquote body caption center dd details dialog dir div dl dt "
    "fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend "
    "li listing main menu nav ol p pre section summary table tbody td tfoot th thead tr ul "
    "xmp br".split()
) | {"code block"}  # (a code block of SPIP 4.2 or 4.3, in the legacy comparison)
#: Elements whose text is rendered as it is (``white-space: pre``).
PREFORMATTED = frozenset({"pre", "textarea", "listing", "plaintext", "xmp"})
#: Attributes whose presence alone is their value (HTML's boolean attributes).
BOOLEAN_ATTRS = frozenset(
    "allowfullscreen async autofocus autoplay checked controls default defer disabled "
    "formnovalidate hidden inert ismap itemscope loop multiple muted nomodule novalidate open "
    "playsinline readonly required reversed selected".split()
)
_MATHML = "{http://www.w3.org/1998/Math/MathML}"
_SVG = "{http://www.w3.org/2000/svg}"


def _name(tag: str) -> str:
    """An element's name as the DOM has it: HTML elements bare, foreign ones prefixed."""
    if tag.startswith(_MATHML):
        return "math:" + tag[len(_MATHML) :]
    if tag.startswith(_SVG):
        return "svg:" + tag[len(_SVG) :]
    return tag


#: Classes SPIP 4.3 added to the markup of SPIP 4.2 (textwheel 3.1), for whose markup SPIP's
#: own unit tests (``cases/``) were written: mapped away for those files only.
LEGACY_CLASSES = frozenset({"spip_code_inline", "spip_code_block", "spip_cadre_block"})


def _attributes(attrib: dict, tag: str = "", legacy: bool = False) -> tuple:
    out = []
    for key, value in attrib.items():
        name = key if isinstance(key, str) else key[1]
        name = name.rsplit("}", 1)[-1]
        if legacy and tag in ("ul", "ol") and (name == "role" or value == "spip"):
            continue  # SPIP 4.3 added role="list" and class="spip" to lists
        if name == "class":
            tokens = value.split()
            if legacy:
                tokens = [t for t in tokens if t not in LEGACY_CLASSES]
                if not tokens:
                    continue
            value = " ".join(sorted(tokens))
        elif name in BOOLEAN_ATTRS:
            value = ""
        out.append((name, value))
    return tuple(sorted(out))


def _legacy_code_block(child) -> bool:
    """A code block in SPIP 4.2's markup (``div.spip_code``) or 4.3's (``div.precode``)."""
    return child.tag == "div" and (child.get("class") or "").split()[:1] in (
        ["spip_code"],
        ["precode"],
    )


def _document(element, preformatted: bool = False, legacy: bool = False) -> tuple:
    """The children of ``element`` as comparable items: a tuple per element, a string per text
    node (adjacent text merged, as the DOM's normalize() does)."""
    items: list = []
    if element.text:
        items.append(element.text)
    for child in element:
        if legacy and _legacy_code_block(child):
            # its text, lines as the reader sees them (4.2 wrote <br>, 4.3 a <pre>)
            lines = "".join(
                "\n" if isinstance(part.tag, str) and part.tag == "br" else ""
                for part in child.iter()
            )
            text = "".join(child.itertext()) + lines
            items.append(("code block", (), (_WS.sub(" ", text).strip(),)))
        elif isinstance(child.tag, str):
            name = _name(child.tag)
            items.append(
                (
                    name,
                    _attributes(child.attrib, name, legacy),
                    _document(child, preformatted or name in PREFORMATTED, legacy),
                )
            )
        if child.tail:
            items.append(child.tail)
    merged: list = []
    for item in items:
        if isinstance(item, str) and merged and isinstance(merged[-1], str):
            merged[-1] += item
        else:
            merged.append(item)
    if preformatted:
        return tuple(merged)
    # what is rendered: whitespace collapsed, dropped at block edges
    out: list = []
    for index, item in enumerate(merged):
        if not isinstance(item, str):
            out.append(item)
            continue
        text = _WS.sub(" ", item)
        before = merged[index - 1] if index else None
        after = merged[index + 1] if index + 1 < len(merged) else None
        if before is None or before[0] in BLOCKS:
            text = text.lstrip(" ")
        if after is None or after[0] in BLOCKS:
            text = text.rstrip(" ")
        if text:
            out.append(text)
    return tuple(out)


def document(fragment: str, legacy: bool = False) -> tuple:
    """The document an HTML5 parser builds from ``fragment`` (in a ``<body>``), comparable.
    ``legacy``: map SPIP 4.3's additions to 4.2's markup (for SPIP's own unit tests)."""
    tree = html5lib.parseFragment(fragment or "", treebuilder="etree", namespaceHTMLElements=False)
    return _document(tree, legacy=legacy)


#: Kept for callers of the previous runner.
normalise = document


def same_html(expected: str, actual: str, legacy: bool = False) -> bool:
    """Whether a browser builds the same document from both fragments."""
    return document(expected, legacy) == document(actual, legacy)


def first_difference(expected: tuple, actual: tuple, path: str = "") -> str:
    """Where two documents first differ, for the report."""
    for index in range(max(len(expected), len(actual))):
        if index >= len(expected):
            return f"{path}/[{index}] extra in redac: {_short(actual[index])}"
        if index >= len(actual):
            return f"{path}/[{index}] missing in redac: {_short(expected[index])}"
        a, b = expected[index], actual[index]
        if a == b:
            continue
        if isinstance(a, tuple) and isinstance(b, tuple) and a[0] == b[0]:
            if a[1] != b[1]:
                return f"{path}/{a[0]}: attributes {a[1]} != {b[1]}"
            return first_difference(a[2], b[2], f"{path}/{a[0]}")
        return f"{path}/[{index}] SPIP {_short(a)} != redac {_short(b)}"
    return ""


def _difference(expected: str, actual: str, legacy: bool = False) -> str:
    try:
        return first_difference(document(expected, legacy), document(actual, legacy))
    except RecursionError:
        return "(too deep to show)"


def _short(item) -> str:
    if isinstance(item, str):
        return repr(item[:80])
    return f"<{item[0]}{''.join(f' {k}={v!r}' for k, v in item[1])}>"


# ------------------------------------------------------------------ resolver


class SiteResolver:
    """Resolver over the SPIP fixture site (``site/urls.json``), for conformance tests.

    Languages follow what SPIP's ``calculer_url()`` reports for the fixture (the oracle's
    ``links`` field): articles, brèves and rubriques carry the site's language, authors,
    keywords and documents none, so that only the former get an ``hreflang``.
    """

    KINDS = {"article", "breve", "rubrique", "auteur", "mot", "document", "site"}
    WITH_LANGUAGE = {"article", "breve", "rubrique"}

    def __init__(self, urls_json: Path, lang: str = "fr") -> None:
        data = json.loads(Path(urls_json).read_text(encoding="utf-8"))
        self.objects: dict[tuple[str, int], dict] = {}
        for obj in data.get("objects", []):
            kind = obj.get("type")
            if kind == "syndic":
                kind = "site"
            self.objects[(kind, int(obj["id"]))] = obj
        self.site_lang = lang

    def link(self, kind: str, id: int):
        """Every object resolves, whatever its status: SPIP's ``calculer_url()`` reads
        titles without filtering on publication (the site decides what it serves)."""
        obj = self.objects.get((kind, int(id)))
        if not obj:
            return None
        title = re.sub(r"^\s*\d+\.\s+", "", obj.get("titre") or obj.get("nom") or "")
        if kind in self.WITH_LANGUAGE:
            return obj.get("url", ""), title, obj.get("lang") or self.site_lang
        return obj.get("url", ""), title

    def document(self, id: int, *, align: str, kind: str):
        obj = self.objects.get(("document", int(id)))
        if not obj:
            return None
        align = align or "center"
        return (
            f"<div class='spip_document_{int(id)} spip_document spip_documents "
            f"spip_documents_{align}'><figure class='spip_doc_inner'>"
            f"<img src='{obj.get('url', '')}' alt='' /></figure></div>"
        )


# ------------------------------------------------------------------ safety


#: Elements that may run script, load or submit something, or change the page's base.
UNSAFE_ELEMENTS = frozenset(
    "script iframe object embed style base meta form input button select link "
    "frame frameset applet svg:svg svg:script svg:foreignObject math:annotation-xml "
    "math:maction".split()
)


def output_is_safe(out: str) -> bool:
    """Safety check used where SPIP's own output is unsafe.

    The output must be stable under the sanitiser, hold no script-capable element, no
    ``on*`` attribute, and no ``href``/``src`` with a forbidden scheme.
    """
    if clean(out) != out:
        return False
    tree = html5lib.parseFragment(out, treebuilder="etree", namespaceHTMLElements=False)
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if _name(element.tag) in UNSAFE_ELEMENTS:
            return False
        for name, value in element.attrib.items():
            name = (name if isinstance(name, str) else name[1]).rsplit("}", 1)[-1]
            if name.lower().startswith("on"):
                return False
            if name in ("href", "src", "action", "formaction", "xlink:href") and not is_safe_url(
                value
            ):
                return False
    return True


_UNSAFE = re.compile(
    r"<script|<iframe|<object|<embed|<meta|<base|<form|<svg|echappe-js|\son\w+\s*=|"
    r"javascript:|vbscript:|data:text|<link|<input|<button|<select|<frameset|<applet",
    re.I,
)


def unsafe_in_spip(expected: str) -> bool:
    """SPIP's output holds what redac never writes: a script, a handler, a form, a frame…"""
    return bool(_UNSAFE.search(expected or ""))


# ------------------------------------------------------------------ running


SEPARATE_CATEGORIES = {
    "models": "document models (the medias plugin's templates, not the text engine)",
    "xss": "SPIP keeps scripts and handlers by design; redac's output checked for safety",
}


@dataclass
class Score:
    agree: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.agree += ok
        self.total += 1

    @property
    def ratio(self) -> float:
        return self.agree / self.total if self.total else 1.0

    def __str__(self) -> str:
        return f"{self.agree}/{self.total} ({100 * self.ratio:.1f} %)"


@dataclass
class FileResult:
    name: str
    functions: dict = field(default_factory=lambda: defaultdict(Score))
    separate: dict = field(default_factory=lambda: defaultdict(Score))
    categories: dict = field(default_factory=lambda: defaultdict(Score))
    failures: list = field(default_factory=list)
    excluded: list = field(default_factory=list)
    kept: list = field(default_factory=list)
    plain: Score = field(default_factory=Score)
    plain_failures: list = field(default_factory=list)

    @property
    def agree(self) -> int:
        return sum(score.agree for score in self.functions.values())

    @property
    def total(self) -> int:
        return sum(score.total for score in self.functions.values())


def _exclusion(record: dict) -> str | None:
    func = record.get("function")
    if record.get("requires_models"):
        return "needs SPIP test models (<modeleN>)"
    if func not in ("propre", "typo", "typographie_fr", "couper", "nettoyer_raccourcis_typo"):
        return f"function {func} is not propre/typo"
    if record.get("expected") is None:
        return "no expected output"
    return None


def run_record(record: dict, resolver, expected_field: str = "expected_public"):
    """``(agrees, expected, actual)`` for one propre/typo record."""
    func = record["function"]
    lang = record.get("lang") or "fr"
    source = record["input"]
    expected = record.get(expected_field)
    if expected is None:
        expected = record["expected"]
    # SPIP's unit tests (no ``spip_version``) were written for the markup of SPIP 4.2
    legacy = "4.2" in (record.get("spip_version") or "")
    if func == "propre":
        result = render(source, lang=lang, resolver=resolver)
        actual = result.html
        notes_field = "notes_public" if expected_field == "expected_public" else "notes"
        if "notes" in record:
            expected_notes = record.get(notes_field, record.get("notes")) or ""
            actual_notes = result.notes
            ok = same_html(expected, actual, legacy) and same_html(
                expected_notes, actual_notes, legacy
            )
            return (
                ok,
                expected + (f"\n#NOTES {expected_notes}" if expected_notes else ""),
                actual + (f"\n#NOTES {actual_notes}" if actual_notes else ""),
            )
        if result.notes:
            actual += f"<div class='notes'>{result.notes}</div>"
        return same_html(expected, actual, legacy), expected, actual
    actual = typo(source, lang="fr" if func == "typographie_fr" else lang, resolver=resolver)
    return same_html(expected, actual, legacy), expected, actual


def run_file(path: Path, resolver, expected_field: str = "expected_public") -> FileResult:
    result = FileResult(path.name)
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        rid = f"{record.get('id')}/{record.get('function')}"
        reason = _exclusion(record)
        if reason:
            result.excluded.append((rid, reason))
            continue
        func = record["function"]
        if func in ("couper", "nettoyer_raccourcis_typo"):
            got = plain_text(record["input"], resolver)
            want = _WS.sub(" ", record["expected"]).strip()
            ok = _WS.sub(" ", got).strip() == want
            result.plain.add(ok)
            if not ok:
                result.plain_failures.append((rid, record["input"], record["expected"], got))
            continue
        func = "typo" if func == "typographie_fr" else func
        try:
            ok, expected, actual = run_record(record, resolver, expected_field)
        except Exception as exc:  # report, do not stop the run
            ok, expected, actual = False, record.get("expected", ""), f"EXCEPTION {exc!r}"
        category = record.get("category") or ""
        if category in SEPARATE_CATEGORIES:
            result.separate[category].add(ok)
            if category == "xss":
                out = render(record["input"], lang=record.get("lang") or "fr", resolver=resolver)
                safe = output_is_safe(out.html) and output_is_safe(out.notes)
                result.kept.append((rid, "xss category", "safe" if safe else "UNSAFE"))
            continue
        result.functions[func].add(ok)
        if category:
            result.categories[category].add(ok)
        if ok:
            continue
        if unsafe_in_spip(expected):
            # a kept difference: redac removes what SPIP lets through; check it does
            out = render(record["input"], lang=record.get("lang") or "fr", resolver=resolver)
            safe = output_is_safe(out.html) and output_is_safe(out.notes)
            result.kept.append((rid, "SPIP's output is unsafe", "safe" if safe else "UNSAFE"))
        legacy = "4.2" in (record.get("spip_version") or "")
        result.failures.append((rid, record["input"], expected, actual, legacy))
    return result


def find_corpus(target: Path) -> list[Path]:
    if target.is_file():
        return [target]
    return sorted(target.rglob("*.jsonl"))


def default_resolver(corpus: Path) -> SiteResolver | None:
    for base in [corpus, *corpus.parents]:
        for candidate in (base / "site" / "urls.json", base / "spip" / "site" / "urls.json"):
            if candidate.exists():
                return SiteResolver(candidate)
    return None


def run(
    target: Path,
    *,
    verbose: bool = False,
    out=sys.stdout,
    expected_field: str = "expected_public",
) -> dict:
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 50000))
    resolver = default_resolver(target)
    files = [run_file(path, resolver, expected_field) for path in find_corpus(target)]
    overall: dict[str, Score] = defaultdict(Score)
    summary: dict = {"field": expected_field, "files": {}, "functions": {}}
    print(f"compared as HTML5 documents (html5lib); SPIP's field: {expected_field}", file=out)
    for f in files:
        functions = {}
        for func, score in sorted(f.functions.items()):
            overall[func].agree += score.agree
            overall[func].total += score.total
            functions[func] = {"agree": score.agree, "total": score.total, "ratio": score.ratio}
        summary["files"][f.name] = {
            "agree": f.agree,
            "total": f.total,
            "ratio": f.agree / f.total if f.total else 1.0,
            "functions": functions,
            "separate": {
                name: {"agree": s.agree, "total": s.total} for name, s in f.separate.items()
            },
            "categories": {
                name: {"agree": s.agree, "total": s.total}
                for name, s in sorted(f.categories.items())
            },
            "excluded": len(f.excluded),
            "kept": len(f.kept),
            "plain": [f.plain.agree, f.plain.total],
        }
        line = f"{f.name:28} {Score(f.agree, f.total)!s:>20}"
        line += "".join(f"  {func} {score}" for func, score in sorted(f.functions.items()))
        for name, score in sorted(f.separate.items()):
            line += f"  [apart: {name} {score}]"
        if f.plain.total:
            line += f"  [plain() {f.plain}]"
        print(line, file=out)
    agree = sum(s.agree for s in overall.values())
    total = sum(s.total for s in overall.values())
    summary.update(agree=agree, total=total, ratio=agree / total if total else 1.0)
    summary["functions"] = {
        func: {"agree": s.agree, "total": s.total, "ratio": s.ratio}
        for func, s in sorted(overall.items())
    }
    print(
        f"{'OVERALL':28} {Score(agree, total)!s:>20}"
        + "".join(f"  {func} {score}" for func, score in sorted(overall.items())),
        file=out,
    )
    for f in files:
        for rid, inp, exp, act, legacy in f.failures:
            print(
                f"\nDISAGREE {f.name} {rid}: {_difference(exp, act, legacy)}"
                f"\n  input:    {inp[:300]!r}\n  expected: {exp[:600]!r}\n  actual:   {act[:600]!r}",
                file=out,
            )
        for rid, inp, exp, act in f.plain_failures:
            print(
                f"\nPLAIN DISAGREE {f.name} {rid}\n  input:    {inp[:200]!r}\n"
                f"  expected: {exp[:200]!r}\n  actual:   {act[:200]!r}",
                file=out,
            )
    print("\nKEPT DIFFERENCES (SPIP's output is unsafe; redac's checked):", file=out)
    for f in files:
        for rid, reason, verdict in f.kept:
            print(f"  {f.name} {rid}: {reason} -> redac output {verdict}", file=out)
    print("\nEXCLUDED:", file=out)
    for f in files:
        if verbose:
            for rid, reason in f.excluded:
                print(f"  {f.name} {rid}: excluded, {reason}", file=out)
        else:
            reasons: dict[str, int] = defaultdict(int)
            for _rid, reason in f.excluded:
                reasons[reason] += 1
            for reason, count in reasons.items():
                print(f"  {f.name}: {count} excluded, {reason} (-v to list)", file=out)
    for name, why in SEPARATE_CATEGORIES.items():
        print(f"  category {name!r} scored apart: {why}", file=out)
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path, help="corpus directory or .jsonl file")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every exclusion")
    parser.add_argument(
        "--field",
        default="expected_public",
        choices=["expected_public", "expected"],
        help="SPIP's output to compare with: the public templates' (default) or the direct call's",
    )
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args(argv)
    summary = run(args.target, verbose=args.verbose, expected_field=args.field)
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return 0 if summary["ratio"] >= 0.95 else 1


if __name__ == "__main__":
    sys.exit(main())
