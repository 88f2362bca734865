"""Block-level shortcuts: SPIP's "raccourcis" wheel and its paragrapher.

Re-implements, in order, the rules of textwheel's ``wheels/spip/spip.yaml`` and
``spip-paragrapher.yaml`` (read to learn the behaviour, not copied): carriage returns,
trim, tables, lists, tag protection, ``\\`` escapes, horizontal rules, ``-- `` and ``- ``
bullets, ``_ `` breaks, intertitles, bold, italics, paragraphs, ``<quote>``, ``<poesie>``,
lone ``<`` escaping, then paragraph closing (``fermer_para_mano``).

SPIP converts ``{{``/``}}``/``{``/``}`` by plain string replacement, not by matching pairs:
unbalanced braces give unbalanced tags, which the final HTML sanitiser (like a browser)
repairs.  This keeps the engine linear on 10,000 unbalanced braces.
"""

from __future__ import annotations

import re

from .escapes import BLOCK_TAGS
from .scan import NextFinder, TagRule, replace_pairs
from .tables import AUTOBR, tables

PUCE = '<span class="spip-puce ltr"><b>\u2013</b></span>'

# internal protection characters (SPIP uses "\x1\xN" pairs)
_P_OPEN, _P_CLOSE, _P_UNDER, _P_DASH = "\ufde8", "\ufde9", "\ufdea", "\ufdeb"
_BACKSLASH_ESCAPES = {
    "\\{": "\ufde8",
    "\\}": "\ufde9",
    "\\_": "\ufdea",
    "\\-": "\ufdeb",
    "\\[": "\ufdec",
    "\\]": "\ufded",
    "\\|": "\ufdee",
    "\\<": "\ufdef",
    "\\>": "\ufdd3",
    "\\\\": "\ufdd4",
    "\\*": "\ufdd5",
    "\\#": "\ufdd6",
    "\\+": "\ufdd7",
    "\\~": "\ufdda",
}
_BACKSLASH_RE = re.compile(r"\\[{}_\-\[\]|<>\\*#+~]")
_RESTORE = {
    "\ufde8": "{",
    "\ufde9": "}",
    "\ufdea": "_",
    "\ufdeb": "-",
    "\ufdec": "[",
    "\ufded": "]",
    "\ufdee": "|",
    "\ufdef": "&lt;",
    "\ufdd3": ">",
    "\ufdd4": "\\",
    "\ufdd5": "*",
    "\ufdd6": "#",
    "\ufdd7": "+",
    "\ufdda": "~",
}
_RESTORE_RE = re.compile("[" + "".join(_RESTORE) + "]")

_CR = re.compile(r"\r\n?")
_BLANK_LINES = re.compile(r"^[ \t]+$", re.M)
# a tag holding {, }, "--" or a newline followed by _ or - (SPIP: a tag with one of
# {}_- whose text matches [{}]|\n[_-]|--), matched in one expression
# (SPIP's "[^<>]*?" before the mark, written so that each character is read once: runs
# of characters that cannot start a mark, a '-' not followed by '-', a newline not
# followed by '_' or '-')
_TAG_WITH_SHORTCUT_CHARS = re.compile(
    r"</?[a-zA-Z!](?:[^<>{}\n-]++|-(?!-)|\n(?![_-]))*+(?:[{}]|--|\n[_-])[^<>]*>"
)
_HR = re.compile(r"\n(----+|____+)")
_ALINEA = re.compile(r"\n-- *")
_PUCE = re.compile(r"\n- *")
# SPIP: "(^|^\n|\n\n)_ +"; an alternation opening with '^' is tried at every position,
# so the start of the text and the blank lines are matched apart
_BR_USELESS_START = re.compile(r"\n?_ +")
_BR_USELESS = re.compile(r"\n\n_ +")
_BR = re.compile(r"\n_ +")
_ABBR = re.compile(r"\[([^|\[\]>]+)\|([^|\]{>]+)(?:\{([a-z]+)\})?\]")
_TITLES_HARD = (re.compile(r"(^|[^{])\{\{\{"), re.compile(r"\}\}\}($|[^}])"))
# SPIP: " *\n(?: *\n)+(?:<br ?/?>)*"; the leading spaces are left (trimmed when the
# paragraph is closed) so that the pattern starts on a literal newline
_PARAGRAPHS = re.compile(r"\n(?: *\n)+(?:<br ?/?>)*")
_DOUBLE_BR = re.compile(r"<br\b[^>]*>(?:<br\b[^>]*>)+\s*")
_P_THEN_BR = re.compile(r"(<p\b[^>]*>)\n*(?:<br ?/?>\n*)+")
_LONE_CHEVRON = re.compile(r"[<](?=[^a-zA-Z/!])")
# SPIP: "<([^><\"'!]*?)(?=<|$)" (multiline): the lazy run stops at the first newline, so
# it is the whole run of those characters but a newline, read once
_UNCLOSED_CHEVRON = re.compile(r"<([^><\"'!\n]*+)(?=<|$)", re.M)
_POESIE_OPEN = re.compile(r"<poe(?:sie|try)>", re.I)
_POESIE_CLOSE = re.compile(r"</poe(?:sie|try)>", re.I)
_POESIE_HINT = re.compile(r"<(?=p)poe(?:sie|try)>", re.I)  # (see escapes._ECHAP_OPEN)
_POESIE_BLANK = re.compile(r"\n\s*\n")
_POESIE_LINES = re.compile(r"\n+")

_PHP_TRIM = " \t\n\r\0\x0b"


def _abbr(m: re.Match) -> str:
    from .links import attribut_html

    lang = f' lang="{m.group(3)}"' if m.group(3) else ""
    return f'<abbr title="{attribut_html(m.group(2))}"{lang}>{m.group(1)}</abbr>'


def _poesie(body: str) -> str:
    body = body.strip(_PHP_TRIM)
    body = _CR.sub("\n", body)
    body = _POESIE_BLANK.sub("\n&nbsp;\n", body)
    body = _POESIE_LINES.sub("</div>\n<div>", body)
    return f'<blockquote class="spip_poesie">\n\n<div>{body}</div>\n</blockquote>\n\n'


def raccourcis(text: str, *, paragraph: bool = True, escapes=None) -> str:
    """Apply the block wheel to ``text`` (links, notes and escapes already done).

    With ``escapes``, tables of plain cells are hidden there once rendered."""
    if "<" in text and _POESIE_HINT.search(text):
        # (``<poesie>(.*?)</poesie>`` without reading to the end from each unclosed one)
        text = replace_pairs(text, _POESIE_OPEN, _POESIE_CLOSE, _poesie)
    if "\r" in text:
        text = _CR.sub("\n", text)
    text = "\n" + text.strip(_PHP_TRIM)
    # (a rare character first: a search for one character is a memchr, one for a longer
    # string reads the whole text)
    if "\n " in text or ("\t" in text and "\n\t" in text):
        text = _BLANK_LINES.sub("", text)
    if "|" in text and "\n|" in text:
        text = tables(text, escapes)
    if "-" in text and "\n-" in text:
        from .lists import lists

        text = lists(text)
    if any(c in text for c in "{}_-") and "<" in text:
        text = _TAG_WITH_SHORTCUT_CHARS.sub(_protect_tag, text)
    if "\\" in text:
        text = _BACKSLASH_RE.sub(lambda m: _BACKSLASH_ESCAPES[m.group(0)], text)
    if ("-" in text and "\n----" in text) or ("_" in text and "\n____" in text):
        text = _HR.sub('\n\n\n<hr class="spip" />\n\n\n', text)
    if "-" in text and "\n--" in text:
        text = _ALINEA.sub("\n<br />&mdash;&nbsp;", text)
    if "-" in text and "\n-" in text:
        text = _PUCE.sub("\n<br />" + PUCE + "&nbsp;", text)
    if "_" in text and "_ " in text:
        text = _br_useless(text)
    if "_" in text and "\n_" in text:
        text = _BR.sub("<br class='manualbr' />", text)
    if text.startswith("\n<br />"):  # (SPIP: "^\n<br />")
        text = text[7:]
    if "[" in text and "|" in text:
        text = _ABBR.sub(_abbr, text)
    if "}" in text and "}}}}" in text:
        text = _TITLES_HARD[0].sub(lambda m: m.group(1) + '\n\n\n<h2 class="spip">', text)
        text = _TITLES_HARD[1].sub(lambda m: "</h2>\n\n\n" + m.group(1), text)
    if "{" in text and "{{{" in text:
        text = text.replace("{{{", '\n\n\n<h2 class="spip">').replace("}}}", "</h2>\n\n\n")
    # each rule only runs when its opening mark is (still) present, as in textwheel
    if "{" in text and "{{" in text:
        text = text.replace("{{}}", _P_OPEN * 2 + _P_CLOSE * 2)
        if "{{" in text:
            text = text.replace("{{", "<strong>").replace("}}", "</strong>")
    if "{" in text:
        text = text.replace("{}", _P_OPEN + _P_CLOSE)
        if "{" in text:
            text = text.replace("{", "<i>").replace("}", "</i>")
    if "\n" in text:
        text = _PARAGRAPHS.sub("<p>", text)
    if "<br" in text:
        text = _DOUBLE_BR_RULE.sub("<p>", text)
        text = _P_THEN_BR_RULE.sub(r"\1", text)
    if "<quote>" in text:
        text = text.replace("<quote>", '<blockquote class="spip"><p>')
        text = text.replace("</quote>", "</blockquote>")
    if "<intro>" in text:
        text = text.replace("<intro>", "").replace("</intro>", "")
    if any(c in text for c in _RESTORE):  # (a few str scans beat one regex class scan)
        text = _RESTORE_RE.sub(lambda m: _RESTORE[m.group(0)], text)
    if "<" in text:
        text = _LONE_CHEVRON.sub("&lt;", text)
        text = _UNCLOSED_CHEVRON.sub(r"&lt;\1", text)
    return paragrapher(text, always=paragraph)


def _br_useless(text: str) -> str:
    """A ``_ `` line break that starts the text or a paragraph is dropped."""
    start = _BR_USELESS_START.match(text)
    if start:
        head = "\n" if text[0] == "\n" else ""
        return head + _BR_USELESS.sub("\n\n", text[start.end() :])
    return _BR_USELESS.sub("\n\n", text)


def _protect_tag(m: re.Match) -> str:
    tag = m.group(0)
    return (
        tag.replace("{", _P_OPEN)
        .replace("}", _P_CLOSE)
        .replace("_", _P_UNDER)
        .replace("-", _P_DASH)
    )


# ------------------------------------------------------------------------ paragrapher

# SPIP: "(<a\s[^>]*>)(.*?)(</a>)", acting only when the link holds a "<p>": matched here
# only then (a link without one is left as it is either way); the atomic group and the
# possessive tail read a link once, whatever the number of "<p>" in it
_LINK_BLOCK = re.compile(
    r"(<a\s[^>]*>)((?>(?:(?!</a>).)*?(?-i:<p>))(?:(?!</a>).)*+)(</a>)", re.I | re.S
)
_P_TAG = re.compile(r"[<]/?[pP]\b\s?(.*?)>", re.S)
# a paragraph tag other than a bare "<p>" (one search, instead of counting them all)
_P_TAG_NOT_BARE = re.compile(r"</[pP]\b|<P\b|<p\b(?!>)")
_AUTOBR_AFTER_OPEN = re.compile(r"(<(?:p|br|li)\b[^>]*>\s*)" + re.escape(AUTOBR + "\n"), re.I)
_ALMOST_EMPTY_P = re.compile(r"[<]p [^>]*>(<(?:/\w+|\w+[^>]*[^/])>)</p>")
_EMPTY_P = re.compile(r"<p [^>]*>\s*</p>\s*")
# (these read from each start to the next '>': see TagRule for texts crowded with starts)
_DOUBLE_BR_RULE = TagRule(_DOUBLE_BR, r"<br\b")
_P_THEN_BR_RULE = TagRule(_P_THEN_BR, r"<p\b")
_ALMOST_EMPTY_P_RULE = TagRule(_ALMOST_EMPTY_P, r"[<]p ")
_EMPTY_P_RULE = TagRule(_EMPTY_P, r"<p ")
_AUTOBR_AFTER_OPEN_RULE = TagRule(_AUTOBR_AFTER_OPEN, r"<(?:p|br|li)\b")
STOP = "<STOP P>"


def _link_blocks(m: re.Match) -> str:
    return STOP + m.group(1) + "<p>" + m.group(2) + "</p>" + m.group(3) + "\n<p>"


_A_OPEN = re.compile(r"<a\s", re.I)
_A_CLOSE = re.compile(r"</a>", re.I)


def _wrap_link_blocks(text: str) -> str:
    """``_LINK_BLOCK.sub(_link_blocks, text)`` in one reading of the text.

    The pattern reads from each ``<a …>`` to the next ``</a>``: an opening tag without a
    ``<p>`` before its ``</a>`` (or with no ``</a>`` after it) made it read the same stretch
    once per link. Here the next ``>``, ``</a>`` and ``<p>`` are found with memoised forward
    searches: a link matches when the first ``<p>`` after its opening tag comes before the
    first ``</a>``."""
    next_gt = NextFinder(text, ">")
    next_close = NextFinder(text, _A_CLOSE)
    next_p = NextFinder(text, "<p>")
    out: list[str] = []
    pos = search = 0
    while True:
        m = _A_OPEN.search(text, search)
        if not m:
            break
        gt = next_gt(m.end())
        if gt < 0:
            break
        tag_end = gt + 1
        close = next_close(tag_end)
        para = next_p(tag_end)
        if close < 0 or para < 0:
            break  # none after this opening tag: none after a later one either
        if para < close:
            out.append(text[pos : m.start()])
            out.append(
                STOP + text[m.start() : tag_end] + "<p>" + text[tag_end:close] + "</p>"
                + text[close : close + 4] + "\n<p>"
            )  # fmt: skip
            pos = search = close + 4
        else:
            search = m.start() + 1
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


def paragrapher(text: str, *, always: bool = True) -> str:
    """Close paragraphs around block tags (``spip-paragrapher.yaml``)."""
    text = text.strip(_PHP_TRIM)
    rules = _LOWERCASE if not _NOT_LOWERCASE_TAG.search(text) else _ANY_CASE
    # (what the steps below neither add nor remove, looked for once)
    has_link_end = "</a>" in text
    has_li = "<li" in text
    if always:
        text = "<p>" + text
    if "</" in text:
        if always and not has_link_end:
            # a paragraph opened between a block's end and the next block would be
            # closed at once and removed as empty: skip it (tables: every row and cell)
            text = _append_after(rules.open_after_block_unless_block, text, "<p>")
        else:
            text = _append_after(rules.open_after_block, text, "<p>")
    if has_link_end and "<p>" in text:
        text = _wrap_link_blocks(text)
    if "<p>" in text:
        text = "<p>" + text + STOP
    if "<" in text:
        if not _P_TAG_NOT_BARE.search(text):  # only bare "<p>"
            if always and not has_link_end and not has_li and "<p><" in text:
                # a "<p>" right before a block would be closed at once and removed as
                # empty (intertitles: "{{{" gives one): drop it now
                text = rules.p_before_block.sub(">", text)
            text = text.replace("<p>", STOP + "<p >")
        else:
            text = _P_TAG.sub(lambda m: STOP + "<p " + m.group(1) + ">", text)
    text = _close_paragraphs(text, rules, has_li)
    text = text.replace(STOP, "")
    text = _ALMOST_EMPTY_P_RULE.sub(r"\1", text)
    text = _EMPTY_P_RULE.sub("", text)
    return text.replace("\n<p >", "\n<p>").replace("<p >", "\n<p>")


def _close_paragraphs(text: str, rules: _ParagraphRules, has_li: bool) -> str:
    """SPIP's ``fermer_para_mano``: end each ``<p`` and ``<li`` before the next block.

    The text after each ``<p `` (``<li``), up to the next one, is closed before its first
    block tag (or stop mark); one regular expression finds the spans, in linear time.
    """
    if "<p " in text:
        text = _close_spans(rules.p_to_block, text, "<p ", "</p>\n")
    if has_li:
        text = _close_spans(rules.li_to_block, text, "<li", "<br-li/>")
    if "-" in text and "<br-li/>" in text:
        text = text.replace("<br-li/></li>", "</li>").replace("<br-li/><ul>", "<ul>")
        text = text.replace("<br-li/>", "\n")
    text = text.replace(AUTOBR + "\n<br", "\n<br")
    if AUTOBR in text:
        # (the line break is dropped)
        text = _AUTOBR_AFTER_OPEN_RULE.sub(lambda m: m.group(1) + "\n", text)
    return text


class _ParagraphRules:
    """The paragrapher's block-tag patterns, case-insensitive as in SPIP or, for the
    usual text whose tag names are all in lower case, case-sensitive (the regex engine
    matches a long alternation of names about three times faster then)."""

    def __init__(self, *, ignore_case: bool) -> None:
        if ignore_case:
            names = "(?i:" + BLOCK_TAGS + ")"
            block = "(?i:/?(?:" + BLOCK_TAGS + "))"
            block_or_stop = "(?i:/?(?:stop p|" + BLOCK_TAGS + "))"
        else:
            names = "(?:" + BLOCK_TAGS + ")"
            block = "/?" + names
            block_or_stop = "/?(?:stop p|STOP P|" + BLOCK_TAGS + ")"
        self.open_after_block = re.compile(r"(</" + names + r"[^>]*>\s*)")
        # same, except where the next tag is a block: the paragraph opened there would be
        # closed at once and removed as empty
        self.open_after_block_unless_block = re.compile(
            r"(</(?>" + names + r")(?!\b[^>]*>\s*+<" + block + r"\b)[^>]*>\s*+)"
        )
        # (only right after a tag: removing it must not join the text before to the block)
        # (written from the '>' before it, which the regex engine finds faster than a
        # lookbehind tried at every position; the '>' is put back)
        self.p_before_block = re.compile(r"><p>(?=<" + block + r"\b)")
        self.p_to_block = self._to_block("<p ", block_or_stop + r"\b")
        self.li_to_block = self._to_block("<li", block_or_stop + r"\b")

    @staticmethod
    def _to_block(cut: str, block: str) -> re.Pattern:
        # from ``cut`` to the first block tag or stop mark, not beyond the next ``cut``
        # (which ends the span without a block, even when it is itself one: ``<li``)
        rest = re.escape(cut[1:])
        return re.compile(
            re.escape(cut) + f"((?:[^<]++|<(?!{rest}|{block}))*+)(?!<{rest})(?=<{block})"
        )


_ANY_CASE = _ParagraphRules(ignore_case=True)
_LOWERCASE = _ParagraphRules(ignore_case=False)
# a tag name the case-insensitive patterns could read differently: an upper-case letter
# (other than in the stop mark) or a non-ASCII letter that folds to an ASCII one ("ſ")
_NOT_LOWERCASE_TAG = re.compile(r"<(?!STOP P>)/?(?:[a-z0-9]*+[^a-z0-9\x00-@\[-`{-\x7f]|stop P)")


def _append_after(pattern: re.Pattern, text: str, mark: str) -> str:
    """``pattern.sub(lambda m: m.group(0) + mark, text)`` without a Python call per match
    (``pattern`` captures its whole match: ``split`` keeps it)."""
    parts = pattern.split(text)
    if len(parts) > 1:
        parts[1::2] = [match + mark for match in parts[1::2]]
    return "".join(parts)


def _close_spans(pattern: re.Pattern, text: str, cut: str, close: str) -> str:
    """Each span found by ``pattern`` (``cut`` then its text, captured) ends with ``close``,
    its trailing blank dropped and its line breaks marked (SPIP's ``fermer_para_mano``)."""
    parts = pattern.split(text)
    if len(parts) > 1:
        newline = AUTOBR + "\n"
        parts[1::2] = [
            cut + span.rstrip(_PHP_TRIM).replace("\n", newline) + close for span in parts[1::2]
        ]
    return "".join(parts)
