"""Small text helpers shared by templates and models."""

from __future__ import annotations

from django.utils.translation import get_language


def visits_label(count: int, lang: str | None = None) -> str:
    """``842 visites`` / ``1 visite`` / ``0 visite`` in French, where 0 and 1 take the singular
    (unlike English: ``0 visits``); thousands are grouped with a narrow no-break space."""
    lang = lang or get_language() or "fr"
    count = int(count or 0)
    if lang.startswith("fr"):
        number = f"{count:,}".replace(",", "\u202f")
        return f"{number}\u00a0{'visite' if count <= 1 else 'visites'}"
    return f"{count:,} {'visit' if count == 1 else 'visits'}"
