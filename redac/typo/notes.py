"""Footnotes ``[[note]]``, ``[[<xx>note]]``, ``[[<>note]]`` (SPIP ``inc/notes.php``).

A call replaces each note in the text; the notes block is built separately, as SPIP
does (``propre()`` returns the text, ``#NOTES`` prints the block).  Anchors follow SPIP:
``#nb1``/``#nh1`` for numbered notes, ``#nbxx`` for named ones, with the name
URL-encoded and ``%`` replaced by ``_``.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from .plain import couper, nettoyer_raccourcis_typo

NOTE_CALL_OPEN = '<span class="spip_note_ref">&nbsp;['
NOTE_CALL_CLOSE = "]</span>"
NOTE_OPEN = '<span class="spip_note_ref">['
NOTE_CLOSE = "]&nbsp;</span>"

_NOTE_NAME = re.compile(r"^(\s*(<([^>'\"]*)>)?)", re.S)
_TAGS = re.compile(r"<[^<>]*>")
#: Characters ``quote(name, safe="")`` leaves as they are.
_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]+")
_TITLE_SPECIAL = re.compile(r"[<>&{}\[\]|\n\r\t_\-~\u00a0]")


def find_notes(text: str) -> list[tuple[int, int]]:
    """Spans of ``[[…]]`` (non-greedy, like ``_NOTES_RACCOURCI``), in linear time."""
    spans: list[tuple[int, int]] = []
    pos = 0
    find = text.find
    while True:
        start = find("[[", pos)
        if start < 0:
            break
        end = find("]]", start + 2)
        if end < 0:
            break
        spans.append((start, end + 2))
        pos = end + 2
    return spans


class Notes:
    """Collects the notes of one rendering."""

    def __init__(self, escapes, *, label: str = "Notes") -> None:
        self.escapes = escapes
        self.counter = 0
        self.seen: dict[str, int] = {}
        self.items: list[tuple[str, str, str]] = []
        self.label = label

    def extract(self, text: str) -> str:
        """Replace notes by their calls (SPIP ``traiter_raccourci_notes``)."""
        if "[[" not in text:
            return text
        spans = find_notes(text)
        if not spans:
            return text
        out: list[str] = []
        pos = 0
        for start, end in spans:
            inner = text[start + 2 : end - 2]
            m = _NOTE_NAME.match(inner)
            name = m.group(3) if m.group(2) else None
            body = inner[m.end() :]
            if not (
                name is not None
                and m.group(2)
                and (
                    f"</{name}>" not in body
                    or re.search(
                        "<" + re.escape(name) + r"\W.*</" + re.escape(name) + ">", body, re.S
                    )
                )
            ):
                self.counter += 1
                name = str(self.counter)
                body = inner
            if not name or _UNRESERVED.fullmatch(name):
                anchor = name or ""  # numbered notes: nothing to encode
            else:
                anchor = quote(name, safe="").replace("%", "_")
            # SPIP keeps unreserved characters as rawurlencode does
            first = anchor not in self.seen
            self.seen[anchor] = self.seen.get(anchor, 0) + 1
            id_attr = f" id='nh{anchor}'" if first else ""
            title = self._title(body)
            title_attr = f" title='{title}'" if title else ""
            if body:
                self.items.append((anchor, name, body))
            call = ""
            if name:
                call = (
                    NOTE_CALL_OPEN + f"<a href='#nb{anchor}' class='spip_note' "
                    f"rel='appendix'{title_attr}{id_attr}>{name}</a>" + NOTE_CALL_CLOSE
                )
            out.append(text[pos:start].rstrip(" "))
            out.append(self.escapes.hide(call, block=False) if call else "")
            pos = end
        out.append(text[pos:])
        return "".join(out)

    def _title(self, body: str) -> str:
        if len(body) <= 80 and not _TITLE_SPECIAL.search(body):
            # plain short note (the common case): nothing to clean or cut
            return body.strip().replace("'", "&#039;")
        cleaned = self.escapes.strip(body)
        cleaned = _TAGS.sub("", nettoyer_raccourcis_typo(cleaned))
        cleaned = couper(cleaned, 80)
        cleaned = cleaned.replace("\u00a0", " ").replace("&nbsp;", "\u00a0")
        return (
            cleaned.replace("&", "&amp;")
            .replace("'", "&#039;")
            .replace("<", "&lt;")
            .replace(">", "&gt;")
            .replace("\u00a0", "&nbsp;")
            .replace("&amp;#8230;", "&#8230;")
        )

    def block_source(self) -> str:
        """The SPIP source of the notes block, to be rendered with ``propre``."""
        parts = []
        for anchor, name, body in self.items:
            mark = ""
            if name:
                mark = self.escapes.hide(
                    NOTE_OPEN + f"<a href='#nh{anchor}' class='spip_note' "
                    f"title='{self.label} {anchor}' rev='appendix'>{name}</a>" + NOTE_CLOSE,
                    block=False,
                )
            parts.append(f"\n\n<div id='nb{anchor}'><p>{mark}{body.strip()}</div>")
        return "".join(parts)
