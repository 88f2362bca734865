"""Small text helpers shared by templates and models."""

from __future__ import annotations

import re

from django.utils.translation import get_language

_NOTE_ANCHOR = re.compile(r'(id="|href="#)(n[bh])(\d+)"')


def number_notes(html: str, notes: str, number: int) -> tuple[str, str]:
    """The ``number``-th text with notes on a page keeps SPIP's anchors when it is the first
    (``#nb1``: old links to a note still land); later ones are numbered apart (``#nb2-1``), so
    that two texts of one page never share an anchor. The page and its feed entry use the same
    numbering, so a feed's link to a note lands on it."""
    if number <= 1:
        return html, notes
    replacement = rf'\1\g<2>{number}-\3"'
    return _NOTE_ANCHOR.sub(replacement, html), _NOTE_ANCHOR.sub(replacement, notes)


def visits_label(count: int, lang: str | None = None) -> str:
    """``842 visites`` / ``1 visite`` / ``0 visite`` in French, where 0 and 1 take the singular
    (unlike English: ``0 visits``); thousands are grouped with a narrow no-break space."""
    lang = lang or get_language() or "fr"
    count = int(count or 0)
    if lang.startswith("fr"):
        number = f"{count:,}".replace(",", "\u202f")
        return f"{number}\u00a0{'visite' if count <= 1 else 'visites'}"
    return f"{count:,} {'visit' if count == 1 else 'visits'}"
