"""Conformance runner: compare redac's engine with SPIP's own outputs.

Usage::

    python -m redac.typo.conformance /work/shared/spip            # every corpus file
    python -m redac.typo.conformance path/to/file.jsonl [-v]

Outputs are compared as parsed HTML trees (html5lib) after normalising what SPIP's own
documentation calls cosmetic (``/work/shared/spip/oracle/README.md``): attribute quotes,
void tags, entities, whitespace between and around blocks, SPIP's decorative classes,
table ids (an md5 of the source), ``role="list"``, and document models, compared as
"a block for document N with alignment X".

Excluded, and listed: the ``xss`` category and cases whose SPIP output is unsafe (raw
scripts, event handlers, ``javascript:`` URLs — redac must differ: the check there is
that redac's output is safe), ``<modeleN>`` cases that need SPIP's test templates, and
functions other than ``propre``/``typo``.  Plain-text cases (``couper``,
``nettoyer_raccourcis_typo``) are scored separately against :func:`redac.typo.plain`.
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

from .engine import render, typo
from .plain import plain as plain_text
from .sanitize import clean, is_safe_url

COSMETIC_CLASSES = frozenset(
    {
        "spip",
        "spip_in",
        "spip_out",
        "spip_url",
        "auto",
        "autobr",
        "manualbr",
        "spip_code_inline",
        "spip_code_block",
        "spip_cadre_block",
        "ltr",
    }
)
_WS = re.compile(r"[ \t\n\r\f]+")
_TABLE_ID = re.compile(r"\b(id|dby)[0-9a-f]{4}")
_DOC_CLASS = re.compile(r"\bspip_document_(\d+)\b")
_DOC_ALIGN = re.compile(r"\bspip_documents_(left|right|center)\b")
_UNSAFE = re.compile(
    r"<script|<iframe|<object|<embed|<meta|<base|<form|<svg|<math|echappe-js|\son\w+\s*=|"
    r"javascript:|vbscript:|data:text|<style|<link|<input|<button|<select|<frameset|<applet",
    re.I,
)
BOOLEAN_ATTRS = {"readonly", "disabled", "checked", "selected", "hidden", "controls"}
BLOCKS = {
    "p",
    "div",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "td",
    "th",
    "blockquote",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "pre",
    "figure",
    "figcaption",
    "caption",
    "dl",
    "dt",
    "dd",
    "textarea",
    "br",
}


# ------------------------------------------------------------------ normalisation


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else str(tag)


def _norm_attrs(tag: str, attrs: dict) -> tuple:
    out = []
    for key, value in attrs.items():
        name = _local(key) if isinstance(key, str) else _local(key[1])
        if name == "class":
            tokens = sorted(t for t in value.split() if t not in COSMETIC_CLASSES)
            if not tokens or tag == "br":
                continue
            value = " ".join(tokens)
        elif name in ("id", "headers", "aria-describedby"):
            value = _TABLE_ID.sub(r"\1X", value)
        elif name == "rel":
            value = " ".join(sorted(value.split()))
        elif name == "style":
            value = value.replace(" ", "").rstrip(";")
        elif name == "role" and tag in ("ul", "ol"):
            continue
        elif name in BOOLEAN_ATTRS:
            value = name
        elif name in ("src", "href"):
            value = re.sub(r"\?\d{6,}$", "", value)
        out.append((name, value))
    return tuple(sorted(out))


def _doc_marker(element) -> tuple | None:
    cls = element.get("class") or ""
    m = _DOC_CLASS.search(cls)
    if not m:
        return None
    a = _DOC_ALIGN.search(cls)
    return ("document", m.group(1), a.group(1) if a else "")


def _text_of(element) -> str:
    return "".join(element.itertext())


def _children(element) -> list:
    """Normalised children: tuples for elements, strings for text."""
    items: list = []

    def add_text(text: str | None) -> None:
        if text:
            items.append(text)

    add_text(element.text)
    for child in element:
        tag = child.tag
        if not isinstance(tag, str):  # comments
            add_text(child.tail)
            continue
        name = _local(tag)
        doc = _doc_marker(child)
        if doc:
            items.append(doc)
        elif (
            name == "a"
            and len(child) == 1
            and _doc_marker(child[0])
            and not ((child.text or "").strip())
        ):
            items.append(_doc_marker(child[0]))
        elif name in ("div", "pre") and "spip_code" in (child.get("class") or "").split():
            # code blocks changed markup between SPIP 4.2 (div>code with <br />) and
            # 4.3 (div.precode>pre>code): compare them as "a code block with this text"
            items.append(("codeblock", (), (_WS.sub(" ", _text_of(child)).strip(),)))
        elif name == "div" and (child.get("class") or "") == "precode":
            items.extend(_children(child))
        elif name == "wbr":
            # redac inserts <wbr> in huge escaped text runs (sanitiser DoS guard)
            pass
        elif name not in HTML_ELEMENTS:
            items.extend(_children(child))
        else:
            items.append((name, _norm_attrs(name, dict(child.attrib)), tuple(_children(child))))
        add_text(child.tail)
    # merge texts, collapse whitespace, strip around blocks
    merged: list = []
    for item in items:
        if isinstance(item, str) and merged and isinstance(merged[-1], str):
            merged[-1] += item
        else:
            merged.append(item)
    result: list = []
    for item in merged:
        if isinstance(item, str):
            text = _WS.sub(" ", item).strip(" ")
            if text:
                result.append(text)
        else:
            result.append(item)
    # a <p> that only holds a document block is the document block
    final: list = []
    for item in result:
        if (
            isinstance(item, tuple)
            and item[0] == "p"
            and len(item[2]) == 1
            and isinstance(item[2][0], tuple)
            and item[2][0][0] == "document"
        ):
            final.append(item[2][0])
        elif isinstance(item, tuple) and item[0] == "p" and not item[2]:
            continue
        else:
            final.append(item)
    return final


#: Elements of HTML; anything else (``<quote>`` left by ``typo()``, ``<inconnue>``,
#: an unclosed ``<multi>``) is an unknown element that browsers render as plain
#: inline content, and that redac's sanitiser unwraps: compared by its content.
HTML_ELEMENTS = frozenset(
    "a abbr acronym address area article aside audio b bdi bdo big blockquote body br "
    "button canvas caption center cite code col colgroup data datalist dd del details dfn "
    "dialog div dl dt em embed fieldset figcaption figure font footer form h1 h2 h3 h4 h5 "
    "h6 header hgroup hr i iframe img input ins kbd label legend li main map mark menu "
    "meter nav noscript object ol optgroup option output p param picture pre progress q rp "
    "rt ruby s samp script section select small source span strike strong style sub "
    "summary sup table tbody td template textarea tfoot th thead time tr track tt u ul var "
    "video wbr math svg".split()
)


def normalise(fragment: str) -> tuple:
    """Parse an HTML fragment and return a canonical, comparable tree."""
    tree = html5lib.parseFragment(fragment or "", treebuilder="etree", namespaceHTMLElements=False)
    return tuple(_children(tree))


def same_html(expected: str, actual: str) -> bool:
    return normalise(expected) == normalise(actual)


# ------------------------------------------------------------------ resolver


class SiteResolver:
    """Resolver over the SPIP fixture site (``site/urls.json``), for conformance tests."""

    KINDS = {"article", "breve", "rubrique", "auteur", "mot", "document", "site"}

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
        return obj.get("url", ""), title, self.site_lang

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


# ------------------------------------------------------------------ running


@dataclass
class FileResult:
    name: str
    agree: int = 0
    total: int = 0
    failures: list = field(default_factory=list)
    excluded: list = field(default_factory=list)
    unsafe_checked: list = field(default_factory=list)
    plain_agree: int = 0
    plain_total: int = 0
    plain_failures: list = field(default_factory=list)


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
        if _local(element.tag) in (
            "script",
            "iframe",
            "object",
            "embed",
            "style",
            "base",
            "meta",
            "form",
            "svg",
            "math",
        ):
            return False
        for name, value in element.attrib.items():
            name = _local(name) if isinstance(name, str) else _local(name[1])
            if name.lower().startswith("on"):
                return False
            if name in ("href", "src", "action", "formaction") and not is_safe_url(value):
                return False
    return True


def _exclusion(record: dict) -> str | None:
    func = record.get("function")
    if record.get("requires_models"):
        return "needs SPIP test models (<modeleN>)"
    if func not in ("propre", "typo", "typographie_fr", "couper", "nettoyer_raccourcis_typo"):
        return f"function {func} is not propre/typo"
    if record.get("expected") is None:
        return "no expected output"
    return None


def _unsafe_reason(record: dict) -> str | None:
    if record.get("category") == "xss":
        return "xss category: SPIP output is unsafe by design"
    expected = (record.get("expected") or "") + (record.get("expected_public") or "")
    expected += record.get("notes") or ""
    if _UNSAFE.search(expected) or _UNSAFE.search(record.get("input") or ""):
        return "SPIP keeps raw unsafe HTML (scripts/handlers/frames); redac sanitises"
    return None


def run_record(record: dict, resolver) -> tuple[bool, str, str]:
    """Return (agrees, expected, actual) for one propre/typo record."""
    func = record["function"]
    lang = record.get("lang") or "fr"
    source = record["input"]
    if func == "propre":
        result = render(source, lang=lang, resolver=resolver)
        actual = result.html
        expected = record["expected"]
        if "notes" in record:
            ok = same_html(expected, actual) and same_html(record.get("notes") or "", result.notes)
            return (
                ok,
                expected + ("\n#NOTES " + record["notes"] if record.get("notes") else ""),
                actual + ("\n#NOTES " + result.notes if result.notes else ""),
            )
        if result.notes:
            actual += f"<div class='notes'>{result.notes}</div>"
        return same_html(expected, actual), expected, actual
    actual = typo(source, lang="fr" if func == "typographie_fr" else lang, resolver=resolver)
    return same_html(record["expected"], actual), record["expected"], actual


def run_file(path: Path, resolver) -> FileResult:
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
            result.plain_total += 1
            got = plain_text(record["input"], resolver)
            if func == "couper":
                got = _couper_like(got)
            want = _WS.sub(" ", record["expected"]).strip()
            if _WS.sub(" ", got).strip() == want:
                result.plain_agree += 1
            else:
                result.plain_failures.append((rid, record["input"], record["expected"], got))
            continue
        unsafe = _unsafe_reason(record)
        if unsafe:
            lang = record.get("lang") or "fr"
            out = render(record["input"], lang=lang, resolver=resolver)
            safe = output_is_safe(out.html) and output_is_safe(out.notes)
            result.unsafe_checked.append((rid, unsafe, "safe" if safe else "UNSAFE"))
            continue
        result.total += 1
        try:
            ok, expected, actual = run_record(record, resolver)
        except Exception as exc:  # report, do not stop the run
            ok, expected, actual = False, record.get("expected", ""), f"EXCEPTION {exc!r}"
        if ok:
            result.agree += 1
        else:
            result.failures.append((rid, record["input"], expected, actual))
    return result


def _couper_like(text: str) -> str:
    return _WS.sub(" ", text).strip()


def find_corpus(target: Path) -> list[Path]:
    if target.is_file():
        return [target]
    return sorted(target.rglob("*.jsonl"))


def default_resolver(corpus: Path) -> SiteResolver | None:
    for base in [corpus, *corpus.parents]:
        candidate = base / "site" / "urls.json"
        if candidate.exists():
            return SiteResolver(candidate)
        candidate = base / "spip" / "site" / "urls.json"
        if candidate.exists():
            return SiteResolver(candidate)
    return None


def run(target: Path, *, verbose: bool = False, out=sys.stdout) -> dict:
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 50000))
    resolver = default_resolver(target)
    files = [run_file(path, resolver) for path in find_corpus(target)]
    total = sum(f.total for f in files)
    agree = sum(f.agree for f in files)
    summary = {
        "files": {},
        "agree": agree,
        "total": total,
        "ratio": agree / total if total else 1.0,
    }
    for f in files:
        ratio = f.agree / f.total if f.total else 1.0
        summary["files"][f.name] = {
            "agree": f.agree,
            "total": f.total,
            "ratio": ratio,
            "excluded": len(f.excluded),
            "unsafe_checked": len(f.unsafe_checked),
            "plain": [f.plain_agree, f.plain_total],
        }
        print(
            f"{f.name:32} {f.agree:4}/{f.total:<4} {100 * ratio:6.1f}%  "
            f"(excluded {len(f.excluded)}, unsafe-in-SPIP checked {len(f.unsafe_checked)}"
            + (f", plain {f.plain_agree}/{f.plain_total}" if f.plain_total else "")
            + ")",
            file=out,
        )
    print(f"{'OVERALL':32} {agree:4}/{total:<4} {100 * summary['ratio']:6.1f}%", file=out)
    for f in files:
        for rid, inp, exp, act in f.failures:
            print(
                f"\nDISAGREE {f.name} {rid}\n  input:    {inp[:300]!r}\n"
                f"  expected: {exp[:600]!r}\n  actual:   {act[:600]!r}",
                file=out,
            )
        for rid, inp, exp, act in f.plain_failures:
            print(
                f"\nPLAIN DISAGREE {f.name} {rid}\n  input:    {inp[:200]!r}\n"
                f"  expected: {exp[:200]!r}\n  actual:   {act[:200]!r}",
                file=out,
            )
    print("\nEXCLUDED / CHECKED FOR SAFETY ONLY:", file=out)
    for f in files:
        for rid, reason, verdict in f.unsafe_checked:
            print(f"  {f.name} {rid}: {reason} -> redac output {verdict}", file=out)
        if verbose:
            for rid, reason in f.excluded:
                print(f"  {f.name} {rid}: excluded, {reason}", file=out)
        else:
            reasons: dict[str, int] = defaultdict(int)
            for _rid, reason in f.excluded:
                reasons[reason] += 1
            for reason, count in reasons.items():
                print(f"  {f.name}: {count} excluded, {reason} (-v to list)", file=out)
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path, help="corpus directory or .jsonl file")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every exclusion")
    args = parser.parse_args(argv)
    summary = run(args.target, verbose=args.verbose)
    return 0 if summary["ratio"] >= 0.95 else 1


if __name__ == "__main__":
    sys.exit(main())
