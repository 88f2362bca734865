"""French and English typography, following SPIP's ``corriger_typo()``.

References (read, not copied): ``typographie/fr.php`` and ``typographie/en.php`` of the
textwheel plugin, ``corriger_typo()`` in ``inc/texte.php``.

* Characters inside HTML tags are protected first (``_TYPO_BALISE``): an ``href`` or an
  attribute never gets a non-breaking space or a curly apostrophe.
* French: ``&nbsp;`` before ``; : ! ?`` (not in ``::``, ``14:30``, ``(!)``, ``?!``), inside
  « », before `` %``, after ``M.``/``Mme``/``Mlle``-like abbreviations and ``n°``;
  ``'`` becomes ``’``; ``~`` is a non-breaking space; ``--`` becomes an em dash.
  The spaces SPIP adds are ``&nbsp;`` (SPIP 4.3 does not use narrow spaces).
* URL schemes keep their colon (``https://``, ``ftp://``).
"""

from __future__ import annotations

import re

# Protection of characters inside tags: each of !':;?~%- is swapped with a
# noncharacter for the duration of the typography pass (SPIP's _TYPO_PROTECTEUR).
_PROTECT_SOURCE = "!':;?~%-"
_PROTECT_TARGET = "\ufde0\ufde1\ufde2\ufde3\ufde4\ufde5\ufde6\ufde7"
_PROTECT = str.maketrans(_PROTECT_SOURCE, _PROTECT_TARGET)
_UNPROTECT_MAP = dict(zip(_PROTECT_TARGET, _PROTECT_SOURCE, strict=True))
_UNPROTECT_RE = re.compile("[" + _PROTECT_TARGET + "]")
_TAG_WITH_PUNCT = re.compile(r"</?[a-zA-Z!][^<>]*[!':;?~%\-][^<>]*>")

# Characters SPIP normalises before adding spaces (charset utf-8 branch).
_FR_TRANS = {
    "&nbsp;": "~",
    "&raquo;": "&#187;",
    "&laquo;": "&#171;",
    "&rdquo;": "&#8221;",
    "&ldquo;": "&#8220;",
    "&deg;": "&#176;",
    "'": "&#8217;",
    "\u00a0": "~",
    "\u00bb": "&#187;",
    "\u00ab": "&#171;",
    "\u2014": "--",
    "\u201d": "&#8221;",
    "\u201c": "&#8220;",
    "\u00b0": "&#176;",
    "\u2009": "~",
}
# (the entities first, looked for only when the text holds a '&': a search for a string
# of several characters reads the whole text, one for a single character is a memchr)
_FR_TRANS_ENTITIES = tuple((k, v) for k, v in _FR_TRANS.items() if k[0] == "&")
_FR_TRANS_CHARACTERS = tuple((k, v) for k, v in _FR_TRANS.items() if k[0] != "&")
_EN_TRANS = {"&nbsp;": "~", "'": "&#8217;", "\u00a0": "~"}

_ESCAPED_TILDE = "\ufdd8"
_APOSTROPHE = "\ufdde"  # (free during the typography: links use it before, for '[')
_PRO = "\ufdd9"  # SPIP's "-\x2-" marker

_ENTITY_BEFORE_SEMICOLON = re.compile(r"(&#?[0-9a-zA-Z]+)~;")
# rule 2: space before » , " --," and before ':' (not '::', not '14:30') and ' %'.
# SPIP writes one alternation; split by first character so that the regex engine can
# jump to candidates instead of trying every position.
_FR_RULE2_DASH = re.compile(r" --?,")
_FR_RULE2_COLON = re.compile(r":(?!:)(?:\W|$)")
_FR_RULE2_PERCENT = re.compile(r" %(?:\W|$)")
# rule 3: a space before a run of ! and ? ("[!?][!?.]*"), except after [ < ( . or a
# narrow nbsp (SPIP inserts it, then takes it back there): "~" before each '!' or '?'
# that follows none of those and does not continue a run
_FR_RULE3 = re.compile("[!?](?<![\\[<(!?.\u202f][!?])")  # (a leading lookbehind is slow)
# rule 4: after « and abbreviations (M., MM., Mme, Mmes, Mr, M°, n°)
_FR_RULE4_M = re.compile(r"M(?:M?\.|mes?|r\.?|&#176;) ")
_FR_RULE4_NUM = re.compile(r"&#176; ")
_EN_RULE2 = re.compile(r" --?,|(?: %)(?:\W|$)")
_EN_RULE4 = re.compile(r"Mr\.? ")
_DOUBLE_DASH = re.compile(r"--([^-]|$)")
_DASH_UNDO = re.compile("([-\n])" + _PRO + "&mdash;")
_PROTOCOLS = r"https?|ftp|mailto|webcal"
_PROTOCOLS_TILDE = ("http~", "https~", "ftp~", "mailto~", "webcal~")
# SPIP: "(https?|ftp|mailto|webcal)~((://[^\"'\s\[\]}\)<>]+)~([?]))?" -> "\1\3\4". Its greedy
# URL run reads to the end of the run from each protocol and then backs off to the last "~?":
# a run of "http://http://…" is read once per protocol (quadratic). _protocol_colons finds the
# same matches reading each run once (see there).
_PROTOCOL_TILDE = re.compile("(" + _PROTOCOLS + ")~")
_NOT_URL_CHAR = re.compile("[\"'\\s\\[\\]}\\)<>]")


# "~" before or after the whole match: replacement templates, expanded without a Python
# call per match
_TILDE_BEFORE = r"~\g<0>"
_TILDE_AFTER = r"\g<0>~"


def _tilde_before_unless_spaced(m: re.Match) -> str:
    """``~`` before ``:`` or `` %``, except after ``:`` (``::``) or a narrow nbsp."""
    start = m.start()
    if start and m.string[start - 1] in ":\u202f":
        return m.group(0)
    return "~" + m.group(0)


def _tilde_after_number_sign(m: re.Match) -> str:
    """``n° `` / ``N° `` takes a non-breaking space (``M° `` is handled with ``M.``)."""
    start = m.start()
    if start and m.string[start - 1] in "nN":
        return m.group(0) + "~"
    return m.group(0)


def _typographie_fr(text: str) -> str:
    if "&" in text:
        for source, target in _FR_TRANS_ENTITIES:
            if source in text:
                text = text.replace(source, target)
    for source, target in _FR_TRANS_CHARACTERS:
        if source in text:
            # (the apostrophe's entity is written at the end: its ';' would get a '~' to be
            # taken back by a substitution per apostrophe; no rule between reads it)
            text = text.replace(source, _APOSTROPHE if source == "'" else target)
    if ";" in text:
        text = text.replace(";", "~;").replace("\u202f~;", "\u202f;")
        # (split keeps the entity between the pieces: put back with its ';' without the
        # template expansion a substitution makes per match, for texts full of entities)
        parts = _ENTITY_BEFORE_SEMICOLON.split(text)
        if len(parts) > 1:
            parts[1::2] = [entity + ";" for entity in parts[1::2]]
            text = "".join(parts)
    if "&#187;" in text:
        text = text.replace("&#187;", "~&#187;")
    if "-" in text and " -" in text:
        text = _FR_RULE2_DASH.sub(_TILDE_BEFORE, text)
    if ":" in text:
        text = _FR_RULE2_COLON.sub(_tilde_before_unless_spaced, text)
    if "%" in text and " %" in text:
        text = _FR_RULE2_PERCENT.sub(_tilde_before_unless_spaced, text)
    if "!" in text or "?" in text:
        text = _FR_RULE3.sub(_TILDE_BEFORE, text)
    if "&#171;" in text:
        text = text.replace("&#171;", "&#171;~")
    if "M" in text:
        text = _FR_RULE4_M.sub(_TILDE_AFTER, text)
    if "&#176; " in text:
        text = _FR_RULE4_NUM.sub(_tilde_after_number_sign, text)
    if _APOSTROPHE in text:
        text = text.replace(_APOSTROPHE, "&#8217;")
    return _finish(text, french=True)


def _typographie_en(text: str) -> str:
    for source, target in _EN_TRANS.items():  # (no target holds a source)
        if source in text:
            text = text.replace(source, target)
    if " -" in text or " %" in text:
        text = _EN_RULE2.sub(_TILDE_BEFORE, text)
    if "Mr" in text:
        text = _EN_RULE4.sub(_TILDE_AFTER, text)
    return _finish(text, french=False)


def _collapse_tildes(text: str) -> str:
    """SPIP's ``" *~+ *"`` → ``"~"``: spaces around a run of ``~`` go, the run becomes one.

    Done by splitting on ``~`` (the number of pieces is the number of tildes), which is
    much cheaper than a regular expression that may start at every space. The pieces
    between two tildes are stripped; an empty one ("~~": the same run) disappears with a
    substitution of constant text, one of spaces only ("~ ~": two runs) is kept as one
    space until then, and taken out after (twice: ``replace`` does not overlap).
    """
    parts = text.split("~")
    if len(parts) == 1:
        return text.rstrip(" ")
    middle = [part.strip(" ") or (" " if part else "") for part in parts[1:-1]]
    text = "~".join([parts[0].rstrip(" "), *middle, parts[-1].lstrip(" ")])
    if "~~" in text:
        text = _TILDE_RUN.sub("~", text)
    if "~ ~" in text:
        text = text.replace("~ ~", "~~").replace("~ ~", "~~")
    return text


_TILDE_RUN = re.compile("~~+")


def _finish(text: str, *, french: bool) -> str:
    if "\\" in text and "\\~" in text:
        text = text.replace("\\~", _ESCAPED_TILDE)
    if "~" in text:
        text = _collapse_tildes(text)
    if "-" in text and "--" in text:
        text = _DOUBLE_DASH.sub(lambda m: _PRO + "&mdash;" + m.group(1), text)
        text = _DASH_UNDO.sub(r"\1--", text)
        text = text.replace(_PRO, "")
    if french and "~" in text and any(protocol in text for protocol in _PROTOCOLS_TILDE):
        text = _protocol_colons(text)
    text = text.replace("~", "&nbsp;")
    if _ESCAPED_TILDE in text:
        text = text.replace(_ESCAPED_TILDE, "~")
    return text


def _protocol_colons(text: str) -> str:
    """``http~://…~?`` → ``http://…?``: the ``~`` typography put after a protocol goes, and
    so does the one before the last ``?`` of the URL that follows (SPIP's rule, see
    ``_PROTOCOL_TILDE``). The URL run ends at the first character no URL holds; that end
    and the last ``~?`` before it are found once per run, whatever the number of protocols
    in it."""
    from .scan import NextFinder

    run_end_at = NextFinder(text, _NOT_URL_CHAR)
    last_mark: dict[int, int] = {}  # run end -> last "~?" of the run (-1: none)
    out: list[str] = []
    pos = 0
    length = len(text)
    while True:
        m = _PROTOCOL_TILDE.search(text, pos)
        if not m:
            break
        out.append(text[pos : m.start()])
        out.append(m.group(1))
        pos = m.end()
        if text.startswith("://", pos):
            run_start = pos + 3
            run_end = run_end_at(run_start)
            if run_end < 0:
                run_end = length
            mark = last_mark.get(run_end)
            if mark is None:
                # the first query of a run starts leftmost: a later one inside the same run
                # finds this mark or, if it is behind it, none
                mark = last_mark[run_end] = text.rfind("~?", run_start + 1, run_end)
            if mark >= run_start + 1:
                out.append(text[pos:mark])
                out.append("?")
                pos = mark + 2
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


def corriger_typo(text: str, lang: str = "fr") -> str:
    """Apply the typography of ``lang`` to ``text`` (HTML with tags and entities).

    ``<multi>`` blocks must already be resolved.  Text inside tags is protected.
    """
    if not text:
        return text
    if not _TRIGGERS.search(text):
        return text  # nothing any rule could change (most link labels)
    protected = False
    if "<" in text and ">" in text:
        protected_text = _TAG_WITH_PUNCT.sub(lambda m: m.group(0).translate(_PROTECT), text)
        protected = protected_text is not text and protected_text != text
        text = protected_text
    if lang_is_french(lang):
        text = _typographie_fr(text)
    else:
        text = _typographie_en(text)
    if protected:
        text = _UNPROTECT_RE.sub(lambda m: _UNPROTECT_MAP[m.group(0)], text)
    return text


#: Characters at least one typography rule looks at; text without any is unchanged
#: ("n°" needs "°" or its entity, a tag alone is left as it is).
_TRIGGERS = re.compile("[!':;?~%&\\-\u00a0\u00ab\u00bb\u00b0\u2009\u2014\u201c\u201dM]")

_FRENCH_TYPO_LANGS = frozenset({"fr", "fr_fem", "fr_tu", "cpf", "br", "oc"})


def lang_is_french(lang: str) -> bool:
    """SPIP's ``lang_typo()``: French typography for French-like languages."""
    base = (lang or "fr").lower()
    return base in _FRENCH_TYPO_LANGS or base.startswith("oc_") or base.startswith("fr")


_FAKE_TAG_SPLIT = re.compile(r"(</?[a-z!][^<>]*>)")


def echapper_faux_tags(text: str) -> str:
    """Escape ``<`` that does not start a tag (SPIP's ``echapper_faux_tags``)."""
    if "<" not in text:
        return text
    parts = _FAKE_TAG_SPLIT.split(text)
    for index in range(0, len(parts), 2):
        if "<" in parts[index]:
            parts[index] = parts[index].replace("<", "&lt;")
    return "".join(parts)
