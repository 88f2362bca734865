"""Protected fragments ("échappements") of SPIP's pipeline.

SPIP hides ``<code>``, ``<cadre>``, ``<html>``, ``<script>``, model output, note calls and
automatic links behind ``<span class="base64" …>`` / ``<div class="base64" …>`` markers
(``echappe_html()`` / ``code_echappement()`` in ``ecrire/inc/texte_mini.php``) so that the
shortcut rules do not touch them, and restores them at the very end.  The marker is a
``div`` when the hidden HTML contains a block tag, so that paragraphs are closed around
it exactly as around real block HTML.

redac does the same with ``<span esc="…">``/``<div esc="…">`` markers whose
value starts with U+FDD0, a Unicode noncharacter that is stripped from every input: a
user cannot forge a marker.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

MARK = "\ufdd0"
#: A pre-cleaned fragment crosses the sanitiser as ``TOKEN_OPEN + index + TOKEN_CLOSE``
#: (``TOKEN_BLOCK_CLOSE`` for a fragment that must stand outside every element).
TOKEN_OPEN, TOKEN_CLOSE, TOKEN_BLOCK_CLOSE = "\ufddb", "\ufddc", "\ufddd"
#: Noncharacters U+FDD0..U+FDEF are used internally as protection characters.
_INTERNAL_CHARS = re.compile("[\ufdd0-\ufdef]")

BLOCK_TAGS = (
    r"address|applet|article|aside|blockquote|button|center|d[ltd]|div|fieldset|"
    r"fig(?:ure|caption)|footer|form|h[1-6r]|hgroup|head|header|iframe|li|map|marquee|nav|"
    r"noscript|object|ol|pre|section|t(?:able|[rdh]|body|foot|extarea)|ul|script|style"
)
_HAS_BLOCK = re.compile(r"</?(?:" + BLOCK_TAGS + r")[>\s]", re.I)
PLACEHOLDER = re.compile(r'<(span|div) esc="' + MARK + r'(\d+)"></\1>')


def strip_internal(text: str) -> str:
    """Remove the internal noncharacters from user input."""
    if _INTERNAL_CHARS.search(text):
        return _INTERNAL_CHARS.sub("", text)
    return text


class Escapes:
    """A store of protected HTML fragments, restored with :meth:`restore`."""

    __slots__ = ("items", "cleaned", "block_tokens", "deferred")

    def __init__(self) -> None:
        self.items: list[str] = []
        #: fragments whose sanitised form is known in advance, by index (see
        #: :func:`redac.typo.sanitize.clean_with_tokens`)
        self.cleaned: dict[int, str] = {}
        self.block_tokens: set[int] = set()
        #: cleaned forms computed only if tokens are used: index -> function giving
        #: ``(form, is_block)`` or ``None``
        self.deferred: dict[int, Callable[[], tuple[str, bool] | None]] = {}

    def hide(
        self,
        fragment: str,
        *,
        block: bool | None = None,
        cleaned: str | None = None,
        block_token: bool = False,
        deferred: Callable[[], tuple[str, bool] | None] | None = None,
    ) -> str:
        """Store ``fragment`` and return its marker (``div`` if it holds block HTML).

        ``cleaned`` is what the sanitiser makes of ``fragment`` (an inline element built
        by the engine from escaped text and numbers only, or a document model already in
        the sanitiser's form): the fragment may then cross the sanitiser as a short
        token, which must stand outside every element with ``block_token``.  ``deferred``
        computes ``(cleaned, block_token)`` (or ``None``) when tokens are used.
        """
        if block is None:
            block = bool(_HAS_BLOCK.search(fragment))
        index = len(self.items)
        self.items.append(fragment)
        if cleaned is not None:
            self.cleaned[index] = cleaned
            if block_token:
                self.block_tokens.add(index)
        elif deferred is not None:
            self.deferred[index] = deferred
        tag = "div" if block else "span"
        return f'<{tag} esc="{MARK}{index}"></{tag}>'

    def cleaned_forms(self) -> dict[int, str]:
        """The known cleaned forms, the deferred ones computed."""
        if self.deferred:
            for index, compute in self.deferred.items():
                result = compute()
                if result is not None:
                    self.cleaned[index] = result[0]
                    if result[1]:
                        self.block_tokens.add(index)
            self.deferred = {}
        return self.cleaned

    def get(self, index: int) -> str:
        return self.items[index]

    def restore(self, text: str, *, tokens: bool = False) -> str:
        """Replace every marker by its fragment, recursively (fragments may nest).

        With ``tokens``, a fragment whose cleaned form is known becomes
        ``TOKEN_OPEN + index + TOKEN_CLOSE`` (``TOKEN_BLOCK_CLOSE``) instead; the answer is
        then ``""`` if the text or a fragment restored as it is holds ``TOKEN_OPEN`` (a
        resolver's title or document: only the engine's tokens may be read as such).
        """
        forged = tokens and TOKEN_OPEN in text
        if MARK not in text:
            return "" if forged else text
        cache: dict[int, str] = {}
        items = self.items
        if tokens:
            blocks = self.block_tokens
            cache.update(
                (
                    index,
                    f"{TOKEN_OPEN}{index}{TOKEN_BLOCK_CLOSE if index in blocks else TOKEN_CLOSE}",
                )
                for index in self.cleaned
            )

        def expand(index: int) -> str:
            nonlocal forged
            done = cache.get(index)
            if done is None:
                raw = items[index] if index < len(items) else ""
                if tokens and TOKEN_OPEN in raw:
                    forged = True
                done = (
                    PLACEHOLDER.sub(lambda m: expand(int(m.group(2))), raw) if MARK in raw else raw
                )
                cache[index] = done
            return done

        # split keeps the two groups (tag name, index) between the pieces of text: the
        # markers are replaced without a Python call per match
        parts = PLACEHOLDER.split(text)
        parts[1::3] = [""] * (len(parts) // 3)
        parts[2::3] = [expand(int(index)) for index in parts[2::3]]
        return "" if forged else "".join(parts)

    def strip(self, text: str) -> str:
        """Remove markers without restoring them (SPIP's ``supprimer_tags`` on markers)."""
        return PLACEHOLDER.sub("", text)


# --- echappe_html: <html>, <code>, <cadre>/<frame>, <script>, <style> ----------------------

# (the lookahead on the first letters rejects most '<' at once: a text full of '<' is
# read in one quick pass instead of trying the case-insensitive alternation at each)
_ECHAP_OPEN = re.compile(r"<(?=[hpcfs])(html|pre|code|cadre|frame|script|style)(\s[^<>]*)?>", re.I)


def _escape_code(text: str) -> str:
    """``htmlspecialchars`` without quote escaping (SPIP's code escape)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_TRIM_NEWLINES = re.compile(r"^[\n\r]+|[\n\r]+$")
_CLASS_ATTR = re.compile(r"""class\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)


def render_code(attributes: str, body: str) -> str:
    """Render ``<code>``: inline when on one line, a ``pre`` block otherwise (SPIP 4.3)."""
    match = _CLASS_ATTR.search(attributes or "")
    extra = ""
    if match:
        extra = html.escape(next(g for g in match.groups() if g is not None), quote=True)
    if "\n" not in body:
        classes = (extra + " " if extra else "") + "spip_code spip_code_inline"
        return f"<code class='{classes}' dir='ltr'>{_escape_code(body)}</code>"
    body = _TRIM_NEWLINES.sub("", body)
    classes = (extra + " " if extra else "") + "spip_code spip_code_block"
    return (
        f"<div class=\"precode\"><pre class='{classes}' dir='ltr' style='text-align:left;'>"
        f"<code>{_escape_code(body)}</code></pre></div>"
    )


def render_cadre(body: str) -> str:
    """Render ``<cadre>``/``<frame>`` as SPIP's read-only ``textarea``."""
    body = _TRIM_NEWLINES.sub("", body)
    rows = max(2, body.count("\n") + 1)
    escaped = html.escape(body, quote=True).replace("&#x27;", "&#039;")
    return (
        f"<textarea readonly='readonly' cols='40' rows='{rows}' "
        f"class='spip_cadre spip_cadre_block' dir='ltr'>{escaped}</textarea>"
    )


def echappe_html(text: str, escapes: Escapes, *, trusted: bool) -> str:
    """Hide ``<html>``, ``<code>``, ``<cadre>``, ``<frame>``, ``<script>``, ``<style>``.

    Follows SPIP's ``echappe_html()``: the first closing tag of the same name ends the
    block (non-greedy, case-insensitive); an unclosed opening tag is left as text.  The
    scan is linear: once a closing tag is missing, later openings of that tag are skipped.
    """
    if "<" not in text:
        return text
    lower = None
    out: list[str] = []
    pos = 0
    search_from = 0
    missing: set[str] = set()
    while True:
        match = _ECHAP_OPEN.search(text, search_from)
        if not match:
            break
        tag = match.group(1).lower()
        if tag in missing:
            search_from = match.end()
            continue
        if lower is None:
            lower = text.lower()
        close = lower.find("</" + tag + ">", match.end())
        if close < 0:
            missing.add(tag)
            search_from = match.end()
            continue
        body = text[match.end() : close]
        out.append(text[pos : match.start()])
        if tag == "code":
            out.append(escapes.hide(render_code(match.group(2) or "", body)))
        elif tag in ("cadre", "frame"):
            out.append(escapes.hide(render_cadre(body), block=True))
        elif tag == "html":
            if trusted:
                out.append(escapes.hide(body))
            else:
                out.append(escapes.hide(html.escape(body, quote=False)))
        elif tag == "pre":
            # preformatted HTML is kept as typed, without shortcuts or typography
            out.append(escapes.hide(text[match.start() : close + 6], block=True))
        elif tag == "script":
            # Kept by SPIP; redac drops scripts (the final sanitiser would anyway).
            out.append(escapes.hide("", block=True))
        else:  # style: SPIP removes it entirely
            out.append("")
        pos = search_from = close + len(tag) + 3
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)
