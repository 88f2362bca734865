"""Bounds that keep nh3 (ammonia) linear on hostile input: nesting depth, formatting elements
left open, long runs of escaped characters. Each drops tags or inserts ``<wbr>``, keeping the
text."""

from __future__ import annotations

import re

MAX_DEPTH = 512
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^<>]*>")
_VOID = frozenset(
    {
        "br",
        "hr",
        "img",
        "wbr",
        "col",
        "source",
        "track",
        "input",
        "meta",
        "link",
        "area",
        "base",
        "embed",
        "param",
    }
)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
#: Elements an opening tag of the same kind closes instead of nesting in (HTML parsing).
_SELF_CLOSING_SIBLINGS = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "option"})
_SIBLINGS_ANY_CASE = frozenset(
    {n for n in _SELF_CLOSING_SIBLINGS | _HEADINGS}
    | {n.upper() for n in _SELF_CLOSING_SIBLINGS | _HEADINGS}
)


_TAG_NAMES = re.compile(r"<(/?[a-zA-Z][a-zA-Z0-9]*)")


# The depth model below must never count fewer open elements than the HTML parser holds
# (issue 15: "<poesie></b>" repeated nested 8,000 unknown elements, whose end tags an estimate
# that took every end tag for a closing one never saw): an end tag closes elements only when
# the parser certainly does, else it is taken as ignored. html5ever ignores "</x>" when a
# special element stands above the open x (any other end tag), or a scope boundary (the end
# tag of a special element); a formatting element's end tag runs the adoption agency, taken
# as closing only the current element.
_FORMATTING = frozenset(
    "a b big code em font i nobr s small strike strong tt u".split()
)  # fmt: skip
#: The HTML parser's "special" elements (a <li> start tag looks up the stack past others).
#: (sanitize.py, when it was one module, defined a first copy of this set here, with ``math``
#: and ``svg`` added, which a second definition further down replaced before any call: the
#: set that was in use is the one kept.)
_SPECIAL = frozenset(
    "address applet area article aside base basefont bgsound blockquote body br button "
    "caption center col colgroup dd details dir div dl dt embed fieldset figcaption figure "
    "footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html iframe img input "
    "keygen li link listing main marquee menu meta nav noembed noframes noscript object ol p "
    "param plaintext pre script search section select source style summary table tbody td "
    "template textarea tfoot th thead title tr track ul wbr xmp".split()
)
_SCOPE_BOUNDARY = frozenset(
    "applet caption html table td th marquee object template button ol ul math svg".split()
)
#: how far below the current element an end tag's element is looked for (deeper: ignored)
_END_TAG_REACH = 8


def _closes_to(stack: list[str], name: str) -> int:
    """Index of the stack the end tag ``</name>`` certainly closes down to, or -1."""
    if not stack:
        return -1
    if name in _FORMATTING:
        return len(stack) - 1 if stack[-1] == name else -1
    barrier = _SCOPE_BOUNDARY if name in _SPECIAL else _SPECIAL
    for index in range(len(stack) - 1, max(len(stack) - 1 - _END_TAG_REACH, -1), -1):
        element = stack[index]
        if element == name:
            return index
        if element in barrier:
            return -1
    return -1


def _max_depth(fragment: str, stop_above: int | None = None) -> int:
    """An upper bound of the element nesting depth the HTML parser reaches (one pass over
    the tag names: see :func:`_closes_to`); with ``stop_above``, the pass stops as soon as
    the depth goes above it (the answer is then only known to be greater)."""
    stack: list[str] = []
    best = 0
    for name in _TAG_NAMES.findall(fragment):
        if name[0] == "/":
            index = _closes_to(stack, name[1:].lower())
            if index >= 0:
                del stack[index:]
            continue
        name = name.lower()
        if name in _VOID:
            continue
        if stack and (
            (name in _HEADINGS and stack[-1] in _HEADINGS)
            or (name in _SELF_CLOSING_SIBLINGS and stack[-1] == name)
        ):
            stack.pop()
        stack.append(name)
        if len(stack) > best:
            best = len(stack)
            if stop_above is not None and best > stop_above:
                break
    return best


#: Formatting elements left open (a ``<b>`` never closed) at most: the HTML parser behind nh3
#: re-opens the open ones in every block that follows, and its time grows with their number.
MAX_OPEN_FORMATTING = MAX_DEPTH
_FORMATTING_TAG = re.compile(  # (the lookahead on the first letter rejects most tags at once)
    r"<(/?)(?=[abcefinstu])(a|b|big|code|em|font|i|nobr|s|small|strike|strong|tt|u)"
    r"(?=[\t\n\f\r />])",
    re.I,
)


def limit_open_formatting(fragment: str, max_open: int = MAX_OPEN_FORMATTING) -> str:
    """Drop the start tags of formatting elements beyond ``max_open`` left open (and the end
    tags that would have closed them), keeping their text.

    16,000 paragraphs each opening a ``<b>`` it never closes took nh3 half a second (quadratic
    time); with the open ones bounded, it is linear again. A real article never leaves dozens
    open; the first ``max_open`` keep their effect.
    """
    # Fast path: start tags minus end tags bounds the open elements (void ones included).
    if fragment.count("<") - 2 * fragment.count("</") <= max_open:
        return fragment
    tags = _FORMATTING_TAG.findall(fragment)
    if sum(1 if not end else -1 for end, _ in tags) <= max_open:
        return fragment
    out: list[str] = []
    open_count: dict[str, int] = {}
    dropped: dict[str, int] = {}
    total = pos = 0
    for m in _FORMATTING_TAG.finditer(fragment):
        name = m.group(2).lower()
        if m.group(1):  # an end tag closes the innermost element: a dropped one first
            if dropped.get(name):
                dropped[name] -= 1
                out.append(fragment[pos : m.start()])
                pos = fragment.find(">", m.end()) + 1 or len(fragment)
            elif open_count.get(name):
                open_count[name] -= 1
                total -= 1
            continue
        if total < max_open:
            open_count[name] = open_count.get(name, 0) + 1
            total += 1
        else:
            dropped[name] = dropped.get(name, 0) + 1
            out.append(fragment[pos : m.start()])
            pos = fragment.find(">", m.end()) + 1 or len(fragment)
    out.append(fragment[pos:])
    return "".join(out)


def limit_depth(fragment: str, max_depth: int = MAX_DEPTH) -> str:
    """Drop element tags nested deeper than ``max_depth``, keeping their text.

    The HTML parser behind nh3 works in O(depth) per tag, so 10,000 nested
    ``<quote>`` would cost quadratic time; no real article nests hundreds of elements.
    Tags the parser closes implicitly (a heading in a heading, ``<p>`` in ``<p>``,
    ``<li>`` in ``<li>``) are tracked as siblings, not as nesting.
    """
    # (no quicker bound: one that counts start tags only changes, somewhere past a few hundred
    # tags, whether the tag names are read in Python, and the work then jumps)
    if fragment.count("<") <= max_depth or _max_depth(fragment, max_depth) <= max_depth:
        return fragment
    out: list[str] = []
    stack: list[str] = []
    dropped: dict[str, int] = {}
    pos = 0
    changed = False
    for m in _TAG.finditer(fragment):
        name = m.group(2).lower()
        if name in _VOID or m.group(0).endswith("/>"):
            continue
        if m.group(1):  # closing tag
            if dropped.get(name):
                dropped[name] -= 1
                out.append(fragment[pos : m.start()])
                pos = m.end()
                changed = True
            else:
                index = _closes_to(stack, name)
                if index >= 0:
                    del stack[index:]
            continue
        if stack and (
            (name in _HEADINGS and stack[-1] in _HEADINGS)
            or (name in _SELF_CLOSING_SIBLINGS and stack[-1] == name)
        ):
            stack.pop()
        if len(stack) >= max_depth:
            dropped[name] = dropped.get(name, 0) + 1
            out.append(fragment[pos : m.start()])
            pos = m.end()
            changed = True
        else:
            stack.append(name)
    if not changed:
        return fragment
    out.append(fragment[pos:])
    return "".join(out)


_TEXTAREA_OPEN = re.compile(r"<textarea\b", re.I)
_TEXTAREA_CLOSE = re.compile(r"</textarea\s*>", re.I)


def _textarea_parts(fragment: str) -> list[str]:
    """``re.split(r"(<textarea\b.*?</textarea\\s*>)", fragment, flags=re.S | re.I)`` with
    one reading of the fragment (the end tag after each opening one found once)."""
    from ..scan import NextFinder

    next_close = NextFinder(fragment, _TEXTAREA_CLOSE)
    parts: list[str] = []
    pos = search = 0
    while True:
        m = _TEXTAREA_OPEN.search(fragment, search)
        if not m:
            break
        close = next_close(m.end())
        if close < 0:
            break
        end = _TEXTAREA_CLOSE.match(fragment, close).end()
        parts.append(fragment[pos : m.start()])
        parts.append(fragment[m.start() : end])
        pos = search = end
    parts.append(fragment[pos:])
    return parts


_ESCAPED = re.compile(r"&[#a-zA-Z0-9]{1,32};|[&\u00a0]")
ESCAPES_PER_TEXT_NODE = 400
# (atomic: once an escape is read it is not read again another way; without it a run of
# fewer than 400 entities backtracks exponentially)
_ESCAPE_CHUNK = re.compile(
    r"(?>[^&\u00a0]*+(?:&[#a-zA-Z0-9]{1,32};|[&\u00a0])){" + str(ESCAPES_PER_TEXT_NODE) + "}"
)


def break_long_text(fragment: str) -> str:
    """Insert ``<wbr>`` in very long text runs full of characters nh3 escapes.

    ammonia (behind nh3) takes time quadratic in the number of escaped characters
    (``&nbsp;``, ``&amp;``, ``&lt;``…) of a single text node: 40,000 ``&nbsp;`` in one
    paragraph cost seconds.  A ``<wbr>`` (an invisible line-break opportunity) every
    :data:`ESCAPES_PER_TEXT_NODE` such characters keeps it linear.  Ordinary text never
    triggers it; ``<textarea>`` content (RCDATA) is left alone.
    """
    if len(fragment) < 2000:
        return fragment
    # Cheap proofs that no text run needs a break (C-speed, no regular expression): too
    # few escaped characters in the whole fragment, or no run of 2,000 characters between
    # two '<' (a text run lies between a '>' and the next '<').
    if fragment.count("&") + fragment.count("\u00a0") <= ESCAPES_PER_TEXT_NODE:
        return fragment
    pieces = fragment.split("<")
    if max(map(len, pieces)) < 2000:
        return fragment
    if "<textarea" in fragment:
        # (a textarea's text is left whole; an opening tag without its end is no textarea:
        # splitting on the lazy pattern read to the end from each, and a text holding only
        # unclosed ones recursed forever)
        parts = _textarea_parts(fragment)
        if len(parts) > 1:
            return "".join(
                part if index % 2 else break_long_text(part) for index, part in enumerate(parts)
            )

    def split(run: str) -> str:
        if run.count("&") + run.count("\u00a0") <= ESCAPES_PER_TEXT_NODE:
            return run
        out: list[str] = []
        pos = 0
        # one match per ESCAPES_PER_TEXT_NODE escaped characters, from where the last ended
        chunk = _ESCAPE_CHUNK.match(run)
        while chunk:
            out.append(run[pos : chunk.end()])
            out.append("<wbr>")
            pos = chunk.end()
            chunk = _ESCAPE_CHUNK.match(run, pos)
        out.append(run[pos:])
        return "".join(out)

    # the text runs (between two of '<' and '>') of 2,000 characters or more: within the
    # pieces between two '<', the pieces between two '>'
    for index, piece in enumerate(pieces):
        if len(piece) >= 2000:
            runs = piece.split(">")
            pieces[index] = ">".join(split(run) if len(run) >= 2000 else run for run in runs)
    return "<".join(pieces)
