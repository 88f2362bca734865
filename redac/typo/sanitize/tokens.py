"""Pre-cleaned fragments (a note call, a document model's HTML) that cross the sanitiser as
tokens: nh3 reads a few characters instead of them, and they are put back after cleaning."""

from __future__ import annotations

import re

from .allowlist import _CLEANER, Hints, _cleaner_for
from .limits import _TAG_NAMES, MAX_DEPTH, _max_depth, break_long_text, limit_open_formatting
from .reparse import _PRE_LEADING_NEWLINES, _PRE_TAG, reparses_identically

# (escapes.TOKEN_OPEN, TOKEN_CLOSE, TOKEN_BLOCK_CLOSE)
_TOKEN_OPEN, _TOKEN_CLOSE, _TOKEN_BLOCK_CLOSE = "\ufddb", "\ufddc", "\ufddd"
_TOKEN = re.compile(_TOKEN_OPEN + r"([0-9]+)[" + _TOKEN_CLOSE + _TOKEN_BLOCK_CLOSE + "]")
_INTERNAL = re.compile("[\ufdd0-\ufdef]")
# parser modes in which an inline start tag is not what it is in a text: ignored (in a
# <select>), or read as text (<title>, <textarea>)
# (a lookahead on the first letters rejects most '<' at once)
_TOKEN_UNSAFE_MODES = re.compile(
    r"[<](?i:(?=[sot])(?:select|option|optgroup|title|textarea))[\t\n\f\r />]"
)
# a token that may be read where the parser moves text out of a table ("foster
# parenting": a run of text there moves as a whole, while the fragment's element would
# split it, leaving its blank part in the table): the last table tag before it is not
# the start of a cell or caption, nor the end of a table
_TABLE_TAG = r"[<]/?(?i:table|tbody|thead|tfoot|tr|td|th|caption|colgroup|col)[\t\n\f\r />]"
_TOKEN_IN_TABLE_TEXT = re.compile(
    r"[<](?i:(?=[tc/])(?:table|tbody|thead|tfoot|tr|colgroup|col|/td|/th|/tr|/caption|"
    r"/colgroup|/tbody|/thead|/tfoot))[\t\n\f\r />]"
    r"(?:[^<" + _TOKEN_OPEN + r"]++|(?!" + _TABLE_TAG + r")<)*+" + _TOKEN_OPEN
)
# after cleaning: a token inside a tag (an attribute value: nh3 escapes '<' and '>' in
# those) or inside a link (the fragment may hold a link, and <a> in <a> is re-nested)
_TOKEN_IN_TAG = re.compile(r"[<][^<>]*" + _TOKEN_OPEN)
_TOKEN_IN_LINK = re.compile(
    r"[<]a[\t\n\f\r />](?:[^<" + _TOKEN_OPEN + r"]++|<(?!/a>))*+" + _TOKEN_OPEN
)
_VOID_START = re.compile(r"[<](?:br|col|hr|img|source|track|wbr)[\t\n\f\r />]")
#: Nesting depth a pre-cleaned fragment may add.
TOKEN_DEPTH = 8
#: Tags of a fragment that may cross as an inline token: phrasing content that no
#: ancestor other than a link changes (no formatting element but <a>, no block).
_INLINE_TAGS = frozenset({"span", "a", "img", "br", "wbr", "abbr", "sub", "sup"})


def precleaned(fragment: str) -> tuple[str, bool] | None:
    """``(fragment, is_block)`` when ``fragment`` (a document model's HTML) may cross the
    sanitiser as a token: it is already what nh3 writes, a fixed point of cleaning, not
    deep, with no long text to break and no internal character; ``None`` otherwise.

    An inline fragment (only :data:`_INLINE_TAGS`) may stand anywhere a note call may;
    any other only outside every element (see :func:`clean_with_tokens`).
    """
    if (
        len(fragment) > 20_000
        or _INTERNAL.search(fragment)
        or "\r" in fragment
        or _CLEANER.clean(fragment) != fragment
        or not reparses_identically(fragment)
        or _max_depth(fragment, TOKEN_DEPTH) > TOKEN_DEPTH
        or break_long_text(fragment) != fragment
        or "<textarea" in fragment
    ):
        return None
    names = {name.lstrip("/") for name in _TAG_NAMES.findall(fragment)}
    return fragment, not names <= _INLINE_TAGS


def _block_tokens_outside_elements(cleaned: str) -> bool:
    """Every block token of nh3's output stands outside every element (at depth 0: in
    its serialisation every element but the void ones has an end tag)."""
    depth = 0
    for piece in cleaned.split(_TOKEN_BLOCK_CLOSE)[:-1]:
        depth += piece.count("<") - 2 * piece.count("</") - len(_VOID_START.findall(piece))
        if depth:
            return False
    return True


def clean_with_tokens(
    fragment: str, forms: dict[int, str], hints: Hints | None = None
) -> str | None:
    """:func:`clean` for a fragment where tokens stand for pre-cleaned fragments.

    ``forms`` maps each token's index to the HTML nh3 makes of its fragment: an inline
    element built by the engine from fixed markup, escaped text and numbers (a note
    call), or a document model already in nh3's form.  nh3 then reads a few characters
    instead of the fragment, and the cleaned forms are put in their place afterwards.

    The result is what :func:`clean` gives on the fragment with the fragments in place,
    provided that each fragment's tags would have been read as the same elements where
    its token ends up: in a text of the body, not in a tag, a link, a <select>, <title>
    or <textarea>, nor where text is moved out of a table, not removed (all tokens are
    found again); a block fragment (``TOKEN_BLOCK_CLOSE``) outside every element (no
    paragraph to close, no formatting element to reopen inside it); and the conditions
    under which cleaning is local hold (no nesting limit or long-text break needed).
    Returns ``None`` when that is not proved: the caller then cleans the full fragment.
    """
    count = fragment.count(_TOKEN_OPEN)
    if (
        count != len(_TOKEN.findall(fragment))
        or _TOKEN_UNSAFE_MODES.search(fragment)
        or _TOKEN_IN_TABLE_TEXT.search(fragment)
        # the fragments add at most TOKEN_DEPTH levels: no tag is dropped, with or without
        or not (
            fragment.count("<") <= MAX_DEPTH - TOKEN_DEPTH
            or _max_depth(fragment, MAX_DEPTH - TOKEN_DEPTH) <= MAX_DEPTH - TOKEN_DEPTH
        )
        # a text run holding a token is longer than the runs around the fragment: when
        # it needs no break, they need none either
        or break_long_text(fragment) != fragment
        or limit_open_formatting(fragment) != fragment
    ):
        return None
    cleaned = _cleaner_for(fragment, hints).clean(fragment)
    if _PRE_TAG.search(cleaned):
        cleaned = _PRE_LEADING_NEWLINES.sub(r"\1", cleaned)
    if (
        cleaned.count(_TOKEN_OPEN) != count
        or not reparses_identically(cleaned)
        or _TOKEN_IN_TAG.search(cleaned)
        or ("<a" in cleaned and _TOKEN_IN_LINK.search(cleaned))
        or (_TOKEN_BLOCK_CLOSE in cleaned and not _block_tokens_outside_elements(cleaned))
    ):
        return None
    parts = _TOKEN.split(cleaned)
    if len(parts) != 2 * count + 1:
        return None
    try:
        parts[1::2] = [forms[int(index)] for index in parts[1::2]]
    except KeyError:
        return None
    return "".join(parts)
