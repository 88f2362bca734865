"""The slug rule: a title -> the last segment of a page's address, as SPIP's « URLs propres ».

SPIP builds a "propre" address from an object's title in ``url_nettoyer()`` (``action/editer_url.php``
of the ``urls_etendues`` plugin), called by ``urls/propres.php`` with ``_URLS_PROPRES_MAX`` = 80 and
``_URLS_PROPRES_MIN`` = 3, re-implemented here:

1. ``<multi>`` resolved for the language, the « 1. » numbering removed (``supprimer_numero``: digits
   followed by ``.``, ``)`` or ``°`` and a space), tags removed (``supprimer_tags``);
2. transliterated to Latin letters (``translitteration``: « é » -> ``e``, « œ » -> ``oe``);
3. every run of punctuation or space is a word boundary, except ``_`` which SPIP keeps;
4. whole words are joined by ``-`` while the address stays within the maximum, SPIP counting the
   leading separator it strips afterwards (so at most 79 characters): a word that does not fit is
   left out whole, never cut;
5. shorter than the minimum (3 characters), SPIP gives up and names the object (``article12``).

Where redac differs, and why:

- **ASCII, lower case.** SPIP keeps letters it cannot transliterate (Cyrillic, Arabic, CJK) as UTF-8
  and keeps the case unless the site sets ``_url_minuscules``, which many SPIP sites did. redac's
  addresses are ASCII and lower case everywhere (an address read aloud or typed from paper works
  whatever the case), so every script is transliterated with ``anyascii`` (a dependency of Wagtail,
  which uses it for its own slugs): « Москва » -> ``moskva``.
- **HTML entities decoded** (« &amp; » is punctuation, not the word ``amp``).
- **Never empty.** When the caller names the object (``fallback="article12"``, what the importer
  does) a result shorter than SPIP's minimum becomes that name, exactly as SPIP. Without a name
  (the admin filling the slug from the title before the object has a number) a short result
  such as ``g8`` is kept; a title with no letter or digit at all gives ``sans-titre``; a first
  word longer than the maximum by itself (a pasted address, a hash) is the one case where a word
  is cut, since there is nothing else to name the page by.
"""

from __future__ import annotations

import html
import re

from anyascii import anyascii

from redac.typo.multi import extraire_multi

#: SPIP's ``_URLS_PROPRES_MAX``: the address's length, counting the leading separator SPIP strips.
MAX_LENGTH = 80
#: SPIP's ``_URLS_PROPRES_MIN``: below it SPIP names the object (``article12``) instead.
MIN_LENGTH = 3
#: The slug of a title that has no letter or digit in any script.
UNTITLED = "sans-titre"

# supprimer_numero(): « 12. Titre », « 3) Titre », « 1° Titre »
_NUMBER = re.compile(r"^\s*[0-9]+(?:[.)]|°)\s+")
# supprimer_tags(): SPIP removes anything between < and >, and an unclosed < with what follows
_TAG = re.compile(r"<[^>]*>|<[^>]*$")
_SEPARATORS = re.compile(r"[^a-z0-9_]+")


def words(title: str, *, lang: str = "fr") -> list[str]:
    """The title's words as SPIP cuts them for an address: ASCII, lower case, in order."""
    text = extraire_multi(title or "", lang)
    text = _NUMBER.sub("", text, count=1)
    text = html.unescape(_TAG.sub(" ", text))
    text = anyascii(text).lower()
    # a word made of underscores only is punctuation left over, not a word
    return [word for word in _SEPARATORS.split(text) if word.strip("_")]


def spip_slug(
    title: str, *, fallback: str = "", max_length: int = MAX_LENGTH, lang: str = "fr"
) -> str:
    """The slug SPIP's « URLs propres » give ``title``, in ASCII and lower case.

    ``reunion-publique-sur-les-elections`` for « Réunion publique sur les élections ».  Whole words
    only, up to ``max_length`` (SPIP's ``_URLS_PROPRES_MAX``).  ``fallback`` names the object
    (``article12``) for titles SPIP would not make an address of; see the module's docstring.
    The result is its own slug: ``spip_slug(spip_slug(t)) == spip_slug(t)``.
    """
    slug = ""
    parts = words(title, lang=lang)
    for word in parts:
        longer = f"{slug}-{word}"
        if len(longer) > max_length:
            break
        slug = longer
    slug = slug[1:]
    if fallback and len(slug) < MIN_LENGTH:
        return fallback
    if slug:
        return slug
    cut = parts[0][: max_length - 1].strip("_") if parts else ""
    if cut:  # the first word alone is longer than the maximum
        return cut
    return fallback or UNTITLED
