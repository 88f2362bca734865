"""The proof that one cleaning is enough: nh3's output reparses to the same tree (else the
output is cleaned again, to a fixed point)."""

from __future__ import annotations

import re

from .allowlist import _TAGS_SET
from .limits import _SPECIAL, _VOID

#: Start tags that close an open <p> ("if the stack has a p element in button scope").
_CLOSES_P = frozenset(
    "address article aside blockquote center details dialog dir div dl fieldset figcaption "
    "figure footer header hgroup main menu nav ol p search section summary ul h1 h2 h3 h4 h5 "
    "h6 pre listing form plaintext table hr xmp li dd dt".split()
)
_TABLE_PARENTS = {
    "caption": ("table",),
    "colgroup": ("table",),
    "col": ("colgroup",),
    "tbody": ("table",),
    "thead": ("table",),
    "tfoot": ("table",),
    "tr": ("tbody", "thead", "tfoot"),
    "td": ("tr",),
    "th": ("tr",),
}
_END_OF_NAME = r"[\t\n\f\r />]"
_WS = r"[\t\n\f\r ]*+"
# nh3's output is serialised HTML: every element closed, attribute values double-quoted
# with '<' and '>' escaped, so every '<' starts a tag.  ("[<]" rather than "<" opens the
# patterns below: the regex engine then scans with a character set, several times faster
# on long text than its literal-prefix search.)
# One pass for: a '<' that does not start a tag, a <pre>/<textarea> whose text starts
# with a newline (the parser drops it), ruby parts (closed by each other).
_ODD_TAG = re.compile(
    r"[<](?:(?!/?[a-z])|(?:pre|textarea|listing)\b[^<>]*>\n|r[pt]" + _END_OF_NAME + ")"
)
# directly in a table, a table body or a row, only table parts and whitespace may follow
_MISPLACED_IN_TABLE = re.compile(
    r"[<](?:(?:table|tbody|thead|tfoot|tr|colgroup|col)\b[^<>]*>|"
    r"/(?:caption|colgroup|tbody|thead|tfoot|tr|td|th)>)"
    + _WS
    + r"(?!</|<(?:caption|colgroup|col|tbody|thead|tfoot|tr|td|th)\b|$)"
)
# each table part must open right after its parent's start tag or a sibling's end tag:
# as many parts in their place (the lookahead leaves the part's own tag to the next
# match) as parts in all
_TABLE_PART = re.compile(r"[<](?:t[dhr]|caption|colgroup|thead|tbody|tfoot|col)" + _END_OF_NAME)
_TABLE_PART_IN_PLACE = re.compile(
    r"[<](?:"
    r"(?:tr\b[^<>]*>|/t[dh]>)" + _WS + r"(?=<t[dh]" + _END_OF_NAME + ")"
    r"|(?:t(?:body|head|foot)\b[^<>]*>|/tr>)" + _WS + r"(?=<tr" + _END_OF_NAME + ")"
    r"|(?:table\b[^<>]*>|/(?:caption|colgroup|thead|tbody|tfoot)>)"
    + _WS
    + r"(?=<(?:caption|colgroup|thead|tbody|tfoot)"
    + _END_OF_NAME
    + ")"
    r"|(?:colgroup|col)\b[^<>]*>" + _WS + r"(?=<col" + _END_OF_NAME + "))"
)


def _inside_itself(name: str, closers: frozenset[str] | set[str] = frozenset()) -> str:
    """``<name>`` holding, before its end tag, a start tag of ``name`` or of ``closers``.

    Linear: a valid element of these kinds holds no other, so each is read once.
    """
    stop = "|".join(sorted({name} | set(closers)))
    return (
        r"[<](?:" + name + ")" + _END_OF_NAME
        + r"(?:[^<]++|<(?!/(?:" + name + r")>|(?:" + stop + ")" + _END_OF_NAME + r"))*+"
        + r"<(?:" + stop + ")" + _END_OF_NAME
    )  # fmt: skip


# a <p> holding a start tag that closes it (or a table part, ignored outside a table);
# an <a> in an <a> (the parser closes the first one, unless a table cell lies between:
# counted as a change all the same); a heading in a heading (closed when it is the
# current node: any nesting is counted)
_MISNESTED = re.compile(
    "|".join(
        (
            _inside_itself("p", _CLOSES_P | set(_TABLE_PARENTS)),
            _inside_itself("a"),
            _inside_itself("h[1-6]"),
        )
    )
)
_TAG_NAME = re.compile(r"[<](/?[a-z][a-z0-9]*)")
#: Elements that stop the parser's walk up the stack on a <li>, <dd> or <dt> start tag.
_LIST_WALK = frozenset(
    name for name in (_SPECIAL - {"address", "div", "p"}) & _TAGS_SET if name not in _VOID
)
_LIST_WALK_TOKENS = _LIST_WALK | {"/" + name for name in _LIST_WALK}


# (on a long HTML text a regular expression finds these faster than 'in')
_TABLE_OR_C_TAG = re.compile("<[tc]")
_LIST_ITEM_TAG = re.compile("<(?:li|d[dt])")
_PRE_TAG = re.compile("<pre")


def reparses_identically(serialised: str) -> bool:
    """Tell whether nh3's output would come out of a second pass unchanged.

    A conservative check: ``True`` only when the HTML parser, reading the serialised
    tree again, would build the same tree, i.e. no start tag meets a rule of the HTML
    tree builder that closes or moves an element (a block inside ``<p>``, a heading in a
    heading, ``<li>`` in ``<li>``, ``<a>`` in ``<a>``, a misplaced table part, text or an
    element directly in a table, ruby parts), no ``<pre>``/``<textarea>`` starts with a
    newline (the parser drops it) and no carriage return is left (the parser turns it
    into a newline).  Misnested input produces such trees, which the first pass
    serialises as they are (hypothesis found ``'{{{{0{{{}'``).  Anything else
    unexpected answers ``False``, and the caller cleans again.  Regular expressions do
    the work; only documents with lists walk their list items in Python.
    """
    if "\r" in serialised or _ODD_TAG.search(serialised):
        return False
    if _TABLE_OR_C_TAG.search(serialised) and (
        _MISPLACED_IN_TABLE.search(serialised)
        or len(_TABLE_PART.findall(serialised)) != len(_TABLE_PART_IN_PLACE.findall(serialised))
    ):
        return False
    if _MISNESTED.search(serialised):
        return False
    if _LIST_ITEM_TAG.search(serialised):
        return _list_items_stay(serialised)
    return True


def _list_items_stay(serialised: str) -> bool:
    """No ``<li>`` (``<dd>``, ``<dt>``) start tag finds an open one in the parser's walk.

    The walk goes up from the current node and stops at the first "special" element
    other than ``<address>``, ``<div>``, ``<p>``: a stack of those elements and of list
    items is enough.
    """
    stack: list[str] = []
    top = ""
    walk = _LIST_WALK_TOKENS
    for tag in _TAG_NAME.findall(serialised):
        if tag not in walk:
            continue
        if tag[0] == "/":
            if top != tag[1:]:
                return False
            stack.pop()
            top = stack[-1] if stack else ""
            continue
        if tag == "li":
            if top == "li":
                return False
        elif (tag == "dd" or tag == "dt") and (top == "dd" or top == "dt"):
            return False
        stack.append(tag)
        top = tag
    return not stack


_PRE_LEADING_NEWLINES = re.compile(r"(<pre\b[^>]*>)\n+")
