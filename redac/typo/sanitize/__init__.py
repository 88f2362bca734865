"""HTML safety for the SPIP markup engine.

SPIP 4.3 trusts its editors: ``propre()`` keeps ``<script>``, ``on*=`` handlers and
``javascript:`` links (see /work/shared/spip/oracle/README.md, "XSS / unsafe input").
redac renders the same markup for the public web *and* for reader comments, so every
output goes through an nh3 (ammonia) allow-list as the very last step, and link
targets built from shortcuts are checked before they become an ``href``.

One module per concern: :mod:`.allowlist` (what may stay, and the cleaners), :mod:`.limits`
(what keeps nh3 linear), :mod:`.reparse` (the proof that one pass reaches the fixed point),
:mod:`.tokens` (pre-cleaned fragments crossing as tokens). :func:`clean` puts them together.
"""

from __future__ import annotations

from .allowlist import (
    _CLEANER,
    ALLOWED_ATTRIBUTES,
    ALLOWED_STYLE_PROPERTIES,
    ALLOWED_TAGS,
    ALLOWED_URL_SCHEMES,
    KNOWN_ELEMENTS,
    MATHML_TAGS,
    MAX_UNKNOWN_NAMES,
    NO_HINTS,
    Hints,
    _cleaner_for,
    filter_style,
    hints_of,
    is_safe_url,
    merge_hints,
)
from .limits import (
    ESCAPES_PER_TEXT_NODE,
    MAX_DEPTH,
    MAX_OPEN_FORMATTING,
    break_long_text,
    limit_depth,
    limit_open_formatting,
)
from .reparse import _PRE_LEADING_NEWLINES, _PRE_TAG, reparses_identically
from .tokens import TOKEN_DEPTH, clean_with_tokens, precleaned


def clean(fragment: str, hints: Hints | None = None) -> str:
    """Sanitise an HTML fragment with the engine's allow-list, to a fixed point.

    ammonia re-serialises what it parses; its output is a fixed point of the same
    cleaning (the property tests check ``clean(out) == out`` on arbitrary input) except
    for trees the HTML parser would build differently when reading them again.
    :func:`reparses_identically` proves the common case in one linear scan; otherwise
    the output is cleaned again.  Nesting is first limited to :data:`MAX_DEPTH` levels
    (linear time).
    """
    fragment = break_long_text(limit_depth(limit_open_formatting(fragment)))
    cleaner = _cleaner_for(fragment, hints)
    cleaned = cleaner.clean(fragment)
    if _PRE_TAG.search(cleaned):
        # A parser drops one newline right after <pre>: each cleaning would shorten a run of
        # them by one, never reaching a fixed point within the passes below. Drop them all.
        cleaned = _PRE_LEADING_NEWLINES.sub(r"\1", cleaned)
    if reparses_identically(cleaned):
        return cleaned
    # Misnested blocks (an <h2> left open inside another) are serialised nested, and
    # re-parsing un-nests them: a second (rarely a third) pass reaches the fixed point.
    for _ in range(2):
        again = cleaner.clean(cleaned)
        if again == cleaned:
            break
        cleaned = again
    return cleaned


__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_STYLE_PROPERTIES",
    "ALLOWED_TAGS",
    "ALLOWED_URL_SCHEMES",
    "ESCAPES_PER_TEXT_NODE",
    "KNOWN_ELEMENTS",
    "MATHML_TAGS",
    "MAX_DEPTH",
    "MAX_OPEN_FORMATTING",
    "MAX_UNKNOWN_NAMES",
    "NO_HINTS",
    "TOKEN_DEPTH",
    "_CLEANER",
    "Hints",
    "break_long_text",
    "clean",
    "clean_with_tokens",
    "filter_style",
    "hints_of",
    "is_safe_url",
    "limit_depth",
    "limit_open_formatting",
    "merge_hints",
    "precleaned",
    "reparses_identically",
]
