"""Plain text from SPIP markup: ``nettoyer_raccourcis_typo()`` and ``couper()``.

Used for summaries, feeds, meta descriptions and search indexing, and by notes for the
``title`` of note calls.  Follows ``inc/lien.php`` (``nettoyer_raccourcis_typo``) and
``inc/filtres.php`` (``couper``) of SPIP, re-implemented.
"""

from __future__ import annotations

import html
import re

_PARA = re.compile(r"\n\n+")
_LINE_START = re.compile(r"(^|\r|\n)(-[-#*]*\s?|_ )")
_ANCHOR = re.compile(r"\[#?([^\]\[]*)<-\]")
_TABLE = re.compile(r"(?:^|\r|\n)\|.*\|(?:\r|\n|$)", re.S)
_TAGS = re.compile(r"<(?:!--|\w|/)[^>]*>")


def _link_titles(text: str, resolver=None) -> str:
    from .links import find_link_shortcuts, split_link_attributes, typer_raccourci

    spans = find_link_shortcuts(text)
    if not spans:
        return text
    out: list[str] = []
    pos = 0
    for start, end, label, target in spans:
        title, _bulle, _lang = split_link_attributes(label)
        if not title:
            typed = typer_raccourci(target)
            if typed and resolver is not None:
                found = None
                try:
                    found = resolver.link(typed[0], int(typed[1]))
                except Exception:
                    found = None
                title = found[1] if found else ""
            if not title:
                title = target
        out.append(text[pos:start])
        out.append(_TAGS.sub("", title))
        pos = end + 1
    out.append(text[pos:])
    return "".join(out)


def _remove_notes(text: str) -> str:
    out: list[str] = []
    pos = 0
    while True:
        start = text.find("[[", pos)
        if start < 0:
            break
        end = text.find("]]", start + 2)
        if end < 0:
            break
        out.append(text[pos:start])
        pos = end + 2
    out.append(text[pos:])
    return "".join(out)


def _last_row_end(text: str) -> int:
    """End of the text a table may cover: after the last '|' at the end of a line (and its
    line end), 0 if there is none."""
    last = max(text.rfind("|\n"), text.rfind("|\r"))
    if text.endswith("|"):
        return len(text)
    return last + 2 if last >= 0 else 0


def nettoyer_raccourcis_typo(text: str, resolver=None) -> str:
    """Remove SPIP shortcuts, keeping the words (links keep their text)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _PARA.sub("\r", text)
    text = _LINE_START.sub("\n", text)
    text = html.unescape(text)
    if "->" in text:
        text = _link_titles(text, resolver)
    if "<-]" in text:
        text = _ANCHOR.sub("", text)
    if "[[" in text:
        text = _remove_notes(text)
    text = text.replace("}", "").replace("{", "")
    if "|" in text:
        # (a table runs to the last '|' that ends a line: none can start after it, and the
        # pattern would read to the end of the text from each '|' starting a line there)
        end = _last_row_end(text)
        if end > 0:
            text = _TABLE.sub("\r", text[:end]) + text[end:]
    text = text.replace("\r", "\n\n")
    return text.strip()


_BR = re.compile(r"<br( [^>]*)?>")
_P = re.compile(r"<p( [^>]*)?>")
_CUT_WORD = re.compile(r"(\S\s+)\S*\n?$")
_BROKEN_ENTITY = re.compile(r"&#?[a-z0-9]*$", re.I)
_CR = re.compile(r"\r+")
_HAS_SPACE = re.compile(r"\S\s")


def couper(text: str, size: int = 50, suite: str = "&nbsp;(&#8230;)") -> str:
    """Cut ``text`` to about ``size`` characters at a word boundary (SPIP ``couper``)."""
    if not text or size <= 0:
        return ""
    offset = 400 + 2 * size
    text = text[:offset] if len(text) > offset * 4 else text
    text = nettoyer_raccourcis_typo(text)
    text = _P.sub("\r", text)
    text = _BR.sub("\n", text)
    text = text.replace("\n\n", "\r")
    text = _TAGS.sub("", text)
    text = text.replace("\n", " ").strip()
    if len(text) <= size:
        return _CR.sub("\n\n", text)
    text += "\n"
    long_part = text[: max(size - 4, 1)]
    short = _CUT_WORD.sub(r"\1", long_part)
    points = suite
    if not _HAS_SPACE.search(long_part.rstrip("\n")):
        # a single word longer than the limit: cut at the limit, without "(…)"
        return _BROKEN_ENTITY.sub("", text[:size]).strip()
    if len(short) < max(0.75 * size, 2):
        points = ""
        long_part = text[:size]
        text = _CUT_WORD.sub(r"\1", long_part)
        if len(text) < 0.75 * size:
            text = long_part
    else:
        text = short
    if "\n" in text[1:]:
        points = ""
    text = _CR.sub("\n\n", text)
    text = _BROKEN_ENTITY.sub("", text)
    return text.strip() + points


def plain(text: str, resolver=None) -> str:
    """Plain text of SPIP markup, for summaries, feeds and search indexing."""
    from .escapes import strip_internal

    return nettoyer_raccourcis_typo(strip_internal(text or ""), resolver)
