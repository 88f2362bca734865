"""French text analysis for the SQLite index: accent folding, tokenising, stop words, stemming.

Pure Python (no Django). The same function runs at index time and at query time, so "réforme",
"reforme" and "Réformes" all become the same term. Folding happens *before* stemming, like the
PostgreSQL configuration (``unaccent`` then ``french_stem``): a reader who types without accents
must get exactly the stems of the accented text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

_WORD = re.compile(r"\w+", re.UNICODE)
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "’": "'"})
_stemmer = snowballstemmer.stemmer("french")

# Snowball's French stop-word list (the words PostgreSQL's french configuration drops too), folded.
STOP_WORDS = frozenset(
    """
    au aux avec ce ces dans de des du elle en et eux il ils je la le les leur lui ma mais me meme
    mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton
    tu un une vos votre vous c d j l a m n s t y ete etee etees etes etant etante etants etantes
    suis es est sommes etes sont serai seras sera serons serez seront serais serait serions seriez
    seraient etais etait etions etiez etaient fus fut fumes futes furent sois soit soyons soyez
    soient fusse fusses fut fussions fussiez fussent ayant ayante ayantes ayants eu eue eues eus
    ai as avons avez ont aurai auras aura aurons aurez auront aurais aurait aurions auriez
    auraient avais avait avions aviez avaient eut eumes eutes eurent aie aies ait ayons ayez
    aient eusse eusses eussions eussiez eussent
    """.split()
)


def fold(text: str) -> str:
    """Lower case without diacritics: "États-Unis" -> "etats-unis", "cœur" -> "coeur"."""
    text = unicodedata.normalize("NFKD", text.translate(_LIGATURES).casefold())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


@lru_cache(maxsize=200_000)
def stem(folded_word: str) -> str:
    return _stemmer.stemWord(folded_word)


def terms(text: str) -> list[str]:
    """Index/query terms of a text, in order (stop words and one-letter words removed)."""
    out = []
    for word in _WORD.findall(fold(text)):
        if len(word) < 2 or word in STOP_WORDS or word.isdigit() and len(word) > 12:
            continue
        out.append(stem(word))
    return out


def analysed(text: str) -> str:
    """The text as the SQLite FTS5 table stores it: its terms separated by spaces."""
    return " ".join(terms(text))


@lru_cache(maxsize=200_000)
def term_of(word: str) -> str | None:
    """The index term of one original word (None for a stop word)."""
    folded = fold(word)
    return None if len(folded) < 2 or folded in STOP_WORDS else stem(folded)


def word_spans(text: str):
    """(start, end, term or None) for each word of the original text, for highlighting."""
    for match in _WORD.finditer(text):
        yield match.start(), match.end(), term_of(match.group())


def query_words(text: str, limit: int = 12) -> list[list[str]]:
    """The query's words (folded), each with its singular/plural twin.

    Snowball's French stemmer does not always give a singular and its plural the same stem
    ("loyer" -> "loi" but "loyers" -> "loyer"; "vélos" keeps its s), and readers type either.
    Each query word therefore also matches its twin (+s, or without its final s/x): cheap, the same
    on both databases, and documents are indexed unchanged.
    """
    groups: list[list[str]] = []
    seen: set[str] = set()
    for word in _WORD.findall(fold(text)):
        if len(word) < 2 or word in STOP_WORDS or word in seen:
            continue
        seen.add(word)
        if word.endswith(("s", "x")) and len(word) > 3:
            twin = word[:-1]
        else:
            twin = word + "s"
        groups.append([word, twin])
        if len(groups) >= limit:
            break
    return groups
