"""Text typed by readers (contact messages, comments): cleaned on the way in, escaped on the way out.

Readers' text is never HTML, never a template, never a format string (security cases 1, 4, 11-13,
19): it is stored as typed and every output escapes it. The only markup a reader gets is an
automatic link on a bare http(s) URL, built here from escaped pieces, so no sanitiser (and no
sanitiser bypass, no mutation XSS) is involved.
"""

from __future__ import annotations

import re
import unicodedata

from django import forms
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

#: Control characters readers never mean to type: NUL (which PostgreSQL refuses in text), the C0/C1
#: controls except tab and newline, and lone UTF-16 surrogates (not valid in UTF-8 at all).
_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_LINE_BREAK = re.compile(r"[\r\n\u2028\u2029\x85]")
#: Bounded quantifier and no nested repetition: linear time on any input (security case 17).
URL_RE = re.compile(r"https?://[^\s<>\"'`\x00-\x20]{1,2000}", re.IGNORECASE)
_TRAILING_PUNCT = ".,;:!?)]}»\u00a0'"
_ENTITY_LIKE = re.compile(r"(&(?:#?[0-9A-Za-z]{1,32};){1,8})")


def clean_user_text(value: str, *, single_line: bool = False) -> str:
    """Normalise line ends, drop invisible control characters; keep everything else as typed."""
    value = value.replace("\r\n", "\n").replace("\r", "\n") if not single_line else value
    value = _INVISIBLE.sub("", value)
    return unicodedata.normalize("NFC", value).strip()


class PlainTextField(forms.CharField):
    """A CharField for readers' text. ``single_line`` refuses line breaks instead of stripping
    them, so a name like ``Bob\\r\\nBcc: victim@example.org`` is an error the visitor sees and can
    never reach a mail header (security case 2)."""

    def __init__(self, *, single_line: bool = False, **kwargs):
        self.single_line = single_line
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if self.single_line and _LINE_BREAK.search(value):
            raise forms.ValidationError(
                "Ce champ doit tenir sur une seule ligne.", code="line_break"
            )
        return clean_user_text(value, single_line=self.single_line)


def _typeset(text: str, lang: str) -> str:
    """Escaped text with the typography of ``lang`` (« résumé&nbsp;! »): only ``&``, ``<``, ``>``
    are escaped (quotes are plain characters in a text node, and the apostrophe rule needs them),
    then SPIP's typography pass runs on that escaped text alone — no shortcut, no tag, no link
    of the SPIP engine ever reads a reader's text."""
    from redac.typo.typography import corriger_typo

    # what looks like an entity is text the reader typed (``&amp;lt;``, security case 19): shown
    # as typed, its ';' never taken for punctuation
    pieces = _ENTITY_LIKE.split(text)
    for index, piece in enumerate(pieces):
        escaped = piece.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        pieces[index] = escaped if index % 2 else corriger_typo(escaped, lang)
    return "".join(pieces)


def linkify(text: str, *, typography: str = "") -> SafeString:
    """Escaped plain text with bare http(s) URLs turned into links, paragraphs and line breaks kept.

    The text is split on URLs *before* escaping and each piece is escaped once: ``&amp;lt;`` shows
    as typed (case 19), ``[x](javascript:...)`` is just text (case 12; no Markdown here), and a
    link's href can only be an ``http(s)://`` URL with no quote or space in it (case 14).
    ``typography``: a language whose typography the text pieces get (never the URLs).
    """
    out: list[str] = []
    position = 0

    def piece(chunk: str) -> str:
        return _typeset(chunk, typography) if typography else escape(chunk)

    for match in URL_RE.finditer(text):
        url = match.group(0)
        stripped = url.rstrip(_TRAILING_PUNCT)
        if len(stripped) <= len("https://"):
            continue
        out.append(piece(text[position : match.start()]))
        href = escape(stripped)
        out.append(f'<a href="{href}" rel="nofollow ugc noopener">{href}</a>')
        position = match.start() + len(stripped)
    out.append(piece(text[position:]))
    html = "".join(out)
    paragraphs = [p.replace("\n", "<br>") for p in re.split(r"\n{2,}", html) if p.strip()]
    return mark_safe("".join(f"<p>{p}</p>" for p in paragraphs))  # noqa: S308 - built from escaped parts
