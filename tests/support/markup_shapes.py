"""A grammar of adversarial SPIP texts: SPIP's openers and closers, mixed and repeated.

Used by the linearity tests (with hypothesis) and by ``bench/typo.py`` (seeded random):
a *motif* of a few tokens — openers whose closer is missing, closers without opener,
separators, words — is repeated to the wanted size, alone, alternating with a second
motif, or followed by a single closer at the very end (which makes every opener
"almost closed": the shape that turns a lazy ``(.*?)closer`` into a quadratic scan).
"""

from __future__ import annotations

import random

#: every shortcut opener, closer and separator of the engine (and a few plain words)
TOKENS = (
    # models and documents
    "<doc1|", "<doc1>", "<img2|left", "<emb3|", "<xyz1|a", "<modele12|x=y", "<doc", "/>",
    # links, glossary, anchors
    "[texte->", "[->", "->", "]", "[", "[?", "<-]", "[#a", "[a|b{en}", "|", "{en}",
    # notes
    "[[", "]]", "[[<1>", "[[<>",
    # typography and blocks
    "{{", "}}", "{", "}", "{{{", "}}}", "\n-*", "\n-# ", "\n-", "\n_ ", "\n----", "--",
    "~", ":", "!", "?", "'", "&", "&nbsp;", "«", "»", "%", "n° ", "M. ",
    # tables
    "\n|", "|\n", "||", "|{{a}}|", "<|", "^|",
    # protected blocks and pseudo-tags
    "<code>", "</code>", "<cadre>", "</cadre>", "<html>", "</html>", "<quote>", "</quote>",
    "<poesie>", "</poesie>", "<multi>", "[fr]", "[en]", "</multi>", "<math>", "$", "</math>",
    "<intro>", "<script>", "<pre>", "<:a:", ":>",
    # tags and chevrons
    "<", ">", "<a href='x'>", "</a>", "<b>", "</b>", "<i {", "<span title='a-b'>", "<!--",
    "-->", "<br>",
    # URLs
    "http://", "https://a.b/", "www.", "mailto:", "<http://", "~?",
    # text
    "mot", " ", "\n", "\n\n", "a.b", "1", "\\", "*",
)  # fmt: skip

#: closers put once at the end of a repeated motif
FINAL_CLOSERS = (">", "]", "]]", "</multi>", "</code>", "</poesie>", "</math>", "|\n", "}}", "-->")


def repeat_to(motif: str, size: int) -> str:
    """``motif`` repeated to exactly ``size`` characters."""
    if not motif:
        motif = " "
    return (motif * (size // len(motif) + 1))[:size]


def shape(rng: random.Random, size: int) -> tuple[str, str]:
    """One adversarial text of ``size`` characters and a short description of it."""
    motif = "".join(rng.choice(TOKENS) for _ in range(rng.randint(1, 6)))
    kind = rng.random()
    if kind < 0.55:
        return repeat_to(motif, size), f"repeat {motif!r}"
    if kind < 0.8:
        other = "".join(rng.choice(TOKENS) for _ in range(rng.randint(1, 6)))
        half = size // 2
        # the two motifs in long alternating stretches, not one long run each
        stretch = max(1, size // 16)
        pieces = []
        for index in range(16):
            pieces.append(repeat_to(motif if index % 2 == 0 else other, stretch))
        text = "".join(pieces)
        return repeat_to(text, size) if len(text) < half else text[:size], (
            f"alternate {motif!r} / {other!r}"
        )
    closer = rng.choice(FINAL_CLOSERS)
    return repeat_to(motif, size - len(closer)) + closer, f"repeat {motif!r} then {closer!r}"


def shapes(count: int, size: int, seed: int = 15) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    return [shape(rng, size) for _ in range(count)]
