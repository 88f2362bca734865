"""Footnotes ``[[note]]``, ``[[<xx>note]]``, ``[[<>note]]`` (SPIP ``inc/notes.php``).

A call replaces each note in the text; the notes block is built separately, as SPIP
does (``propre()`` returns the text, ``#NOTES`` prints the block).  Anchors follow SPIP:
``#nb1``/``#nh1`` for numbered notes, ``#nbxx`` for named ones, with the name
URL-encoded and ``%`` replaced by ``_``.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from .escapes import TOKEN_OPEN
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
_TITLE_SPECIAL_BUT_TYPOGRAPHY = re.compile(r"[<>{}\[\]|\n\r\t_\-~]")
_TYPOGRAPHY_REFERENCE = re.compile(r"&(?:nbsp|#([0-9]{3,5}));")


def _typography_character(m: re.Match) -> str:
    """The character of ``&nbsp;`` or of a decimal reference to a printable character
    beyond Latin-1's controls (as ``html.unescape`` reads it); others are left, and the
    caller takes the slow path."""
    if m.group(1) is None:
        return "\u00a0"
    code = int(m.group(1))
    if 0xA0 <= code < 0xD800 or 0xE000 <= code < 0xFDD0 or 0xFDF0 <= code < 0xFFFE:
        return chr(code)
    return m.group(0)


# a title attribute value whose sanitised form is certain: characters the HTML parser
# keeps as they are (no carriage return, NUL, quote or internal character) and the few
# character references the title builder writes
_PLAIN_TITLE = re.compile(r"(?:[^&'\r\x00\ufdd0-\ufdef]|&(?:#039|amp|lt|gt|nbsp|#8230);)*")
_TITLE_REFERENCES = {
    "&#039;": "'",
    "&amp;": "&amp;",
    "&lt;": "&lt;",
    "&gt;": "&gt;",
    "&nbsp;": "&nbsp;",
    "&#8230;": "\u2026",
}
_TITLE_REFERENCE = re.compile("|".join(_TITLE_REFERENCES))


def _sanitised_title(title: str) -> str | None:
    """The ``title`` attribute as nh3 writes it back (double-quoted: ``"``, ``<``, ``>``,
    ``&`` and U+00A0 escaped), or ``None`` when the value is not plain enough to be sure."""
    if not _PLAIN_TITLE.fullmatch(title):
        return None
    if "<" in title or ">" in title or '"' in title or "\u00a0" in title:
        title = (
            title.replace("<", "&lt;")
            .replace(">", "&gt;")
            .replace('"', "&quot;")
            .replace("\u00a0", "&nbsp;")
        )
    if "&" in title:
        title = _TITLE_REFERENCE.sub(lambda m: _TITLE_REFERENCES[m.group(0)], title)
    return title


# note texts the block wheel leaves as they are (no shortcut character, no tag, no line
# break, only decimal and a few named character references), joined by TOKEN_OPEN
_PLAIN_TEXTS = re.compile(
    r"(?:[^<>{}\[\]|\\_\n\r\t\x00&\ufdd0-\ufdda\ufddc-\ufdef]"
    r"|&(?:#[0-9]{1,7}|nbsp|amp|lt|gt|quot);)*"
)
_PLAIN_ANCHOR = re.compile(r"[A-Za-z0-9]+")
_REFERENCE = re.compile(r"&(#[0-9]+|nbsp|amp|lt|gt|quot);")
_NAMED_REFERENCES = {"nbsp": "\u00a0", "amp": "&", "lt": "<", "gt": ">", "quot": '"'}


def _decoded_reference(m: re.Match) -> str:
    ref = m.group(1)
    if ref[0] != "#":
        return _NAMED_REFERENCES[ref]
    code = int(ref[1:])
    # characters the HTML parser takes as they are (not a control, C1, surrogate or
    # noncharacter, which it replaces or reports): the rest is refused by the caller
    if (
        0x20 <= code < 0x7F
        or 0xA0 <= code < 0xD800
        or 0xE000 <= code < 0xFDD0
        or (0xFDF0 <= code < 0xFFFE)
    ):
        return chr(code)
    return "\ufdd0"


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
        if "[" not in text or "[[" not in text:  # (one character first: a memchr)
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
            out.append(text[pos:start].rstrip(" "))
            if name:
                call = (
                    NOTE_CALL_OPEN + f"<a href='#nb{anchor}' class='spip_note' "
                    f"rel='appendix'{title_attr}{id_attr}>{name}</a>" + NOTE_CALL_CLOSE
                )
                cleaned = None
                if name is anchor or _UNRESERVED.fullmatch(name):
                    # its sanitised form, written directly: the call crosses nh3 as a token
                    clean_title = _sanitised_title(title) if title else ""
                    if clean_title is not None:
                        cleaned = (
                            NOTE_CALL_OPEN + f'<a href="#nb{anchor}" class="spip_note" '
                            'rel="appendix"'
                            + (f' title="{clean_title}"' if title else "")
                            + (f' id="nh{anchor}"' if first else "")
                            + f">{name}</a>"
                            + NOTE_CALL_CLOSE
                        )
                out.append(self.escapes.hide(call, block=False, cleaned=cleaned))
            pos = end
        out.append(text[pos:])
        return "".join(out)

    def _title(self, body: str) -> str:
        if len(body) <= 80 and not _TITLE_SPECIAL.search(body):
            # plain short note (the common case): nothing to clean or cut
            return body.strip().replace("'", "&#039;")
        if not _TITLE_SPECIAL_BUT_TYPOGRAPHY.search(body):
            # text with typography only (&nbsp;, &#8217;...): decoded, nothing else to clean
            decoded = _TYPOGRAPHY_REFERENCE.sub(_typography_character, body)
            if "&" not in decoded:
                decoded = decoded.strip()
                if len(decoded) <= 80:
                    return decoded.replace("\u00a0", " ").replace("'", "&#039;")
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

    def sanitised_block(self) -> str | None:
        """The notes block exactly as ``propre`` and the sanitiser would give it, written
        directly when every note is plain text with a plain number or name (the block
        wheel then only wraps each note in its ``<div>`` and paragraph, and nh3 only
        rewrites quotes and character references); ``None`` otherwise."""
        bodies = [body.strip() for _, _, body in self.items]
        joined = TOKEN_OPEN.join(bodies)
        if not all(bodies) or not _PLAIN_TEXTS.fullmatch(joined):
            return None
        for anchor, name, _ in self.items:
            if not (name is anchor and _PLAIN_ANCHOR.fullmatch(anchor)):
                return None
        if "&" in joined:
            joined = _REFERENCE.sub(_decoded_reference, joined)
            if "\ufdd0" in joined:
                return None
            joined = joined.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        if "\u00a0" in joined:
            joined = joined.replace("\u00a0", "&nbsp;")
        label = self.label
        return "".join(
            f'<div id="nb{anchor}">\n<p>{NOTE_OPEN}<a href="#nh{anchor}" class="spip_note" '
            f'title="{label} {anchor}" rev="appendix">{anchor}</a>{NOTE_CLOSE}{text}</p>\n</div>'
            for (anchor, _, _), text in zip(self.items, joined.split(TOKEN_OPEN), strict=True)
        )

    def block_source(self) -> str:
        """The SPIP source of the notes block, to be rendered with ``propre``."""
        parts = []
        for anchor, name, body in self.items:
            mark = ""
            if name:
                plain = name is anchor or _UNRESERVED.fullmatch(name)
                mark = self.escapes.hide(
                    NOTE_OPEN + f"<a href='#nh{anchor}' class='spip_note' "
                    f"title='{self.label} {anchor}' rev='appendix'>{name}</a>" + NOTE_CLOSE,
                    block=False,
                    cleaned=(
                        NOTE_OPEN + f'<a href="#nh{anchor}" class="spip_note" '
                        f'title="{self.label} {anchor}" rev="appendix">{name}</a>' + NOTE_CLOSE
                    )
                    if plain
                    else None,
                )
            parts.append(f"\n\n<div id='nb{anchor}'><p>{mark}{body.strip()}</div>")
        return "".join(parts)
