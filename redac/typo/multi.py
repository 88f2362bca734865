"""``<multi>`` blocks and ``<:chaine:>`` language strings (SPIP ``extraire_multi``)."""

from __future__ import annotations

import re

from .scan import replace_pairs

SITE_LANG = "fr"

_MULTI_OPEN = re.compile(r"<multi>", re.I)
_MULTI_CLOSE = re.compile(r"</multi>", re.I)
_LANG_MARK = re.compile(r"\[([a-z_]+)\]")

#: The few SPIP language strings an article may reference with ``<:chaine:>``.
IDIOMS = {
    "fr": {
        "info_site": "Site",
        "bouton_valider": "Valider",
        "info_notes": "Notes",
        "lien_retour": "Retour",
        "info_article": "Article",
    },
    "en": {
        "info_site": "Site",
        "bouton_valider": "Submit",
        "info_notes": "Footnotes",
        "lien_retour": "Back",
        "info_article": "Article",
    },
}
_IDIOM = re.compile(r"<:(?:(\w+):)?(\w+):>")


def _choose(body: str, lang: str) -> str:
    """Pick the translation of ``lang`` from a ``<multi>`` body.

    The text before the first ``[xx]`` is the default; without the requested language
    SPIP uses the default, else the first translation.
    """
    parts = _LANG_MARK.split(body)
    translations: dict[str, str] = {}
    default = parts[0].strip()
    order: list[str] = []
    for index in range(1, len(parts) - 1, 2):
        code = parts[index]
        translations[code] = parts[index + 1].strip()
        order.append(code)
    if lang in translations:
        return translations[lang]
    base = lang.split("_")[0]
    if base in translations:
        return translations[base]
    if default:
        return default
    if SITE_LANG in translations:  # SPIP falls back on the site's language
        return translations[SITE_LANG]
    if order:
        return translations[order[0]]
    return ""


def extraire_multi(text: str, lang: str) -> str:
    """Replace every ``<multi>…</multi>`` with the text for ``lang``."""
    if "<multi" not in text.lower():
        return text
    # (what ``<multi>(.*?)</multi>`` matches, without reading to the end of the text from
    # each unclosed <multi>)
    return replace_pairs(text, _MULTI_OPEN, _MULTI_CLOSE, lambda body: _choose(body, lang))


def extraire_idiome(text: str, lang: str) -> str:
    """Replace ``<:module:chaine:>`` with a known translation (unknown ones are kept)."""
    if "<:" not in text:
        return text
    table = IDIOMS.get(lang.split("_")[0], IDIOMS["fr"])

    def replace(m: re.Match) -> str:
        return table.get(m.group(2), m.group(0).replace("<", "&lt;"))

    return _IDIOM.sub(replace, text)
