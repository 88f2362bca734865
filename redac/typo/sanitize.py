"""HTML safety for the SPIP markup engine.

SPIP 4.3 trusts its editors: ``propre()`` keeps ``<script>``, ``on*=`` handlers and
``javascript:`` links (see /work/shared/spip/oracle/README.md, "XSS / unsafe input").
redac renders the same markup for the public web *and* for reader comments, so every
output goes through an nh3 (ammonia) allow-list as the very last step, and link
targets built from shortcuts are checked before they become an ``href``.
"""

from __future__ import annotations

import functools
import html
import re

import nh3

#: MathML Core's presentation elements (``<math>`` formulas, redac.typo.math): no
#: ``maction``, ``mglyph``, ``annotation-xml`` (which may hold HTML), no links.
MATHML_TAGS: frozenset[str] = frozenset(
    """math semantics annotation mrow mi mn mo ms mtext mspace mfrac msqrt mroot msub msup
    msubsup munder mover munderover mmultiscripts mprescripts none mtable mtr mtd mstyle
    mpadded mphantom menclose merror""".split()
)
_MATHML_ATTRIBUTES: dict[str, set[str]] = {
    "math": {"display"},
    "annotation": {"encoding"},
    "mi": {"mathvariant"},
    "mo": {"form", "fence", "separator", "stretchy", "symmetric", "largeop", "movablelimits",
           "accent", "lspace", "rspace", "minsize", "maxsize"},
    "mfrac": {"linethickness"},
    "mspace": {"width", "height", "depth"},
    "mpadded": {"width", "height", "depth", "lspace", "voffset"},
    "mstyle": {"displaystyle", "scriptlevel", "mathvariant", "mathcolor", "mathbackground"},
    "mtable": {"columnalign", "rowalign", "columnspacing", "rowspacing", "columnlines",
               "rowlines", "frame", "displaystyle"},
    "mtr": {"columnalign", "rowalign"},
    "mtd": {"columnalign", "rowalign", "columnspan", "rowspan"},
    "munder": {"accentunder"},
    "mover": {"accent"},
    "munderover": {"accent", "accentunder"},
    "menclose": {"notation"},
}  # fmt: skip

#: Tags an editor may produce, directly or through SPIP shortcuts.
ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "a",
        "abbr",
        "acronym",
        "address",
        "article",
        "aside",
        "b",
        "bdi",
        "bdo",
        "big",
        "blockquote",
        "br",
        "caption",
        "center",
        "cite",
        "code",
        "col",
        "colgroup",
        "dd",
        "del",
        "details",
        "dfn",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "nav",
        "ol",
        "p",
        "pre",
        "q",
        "rp",
        "rt",
        "ruby",
        "s",
        "samp",
        "section",
        "small",
        "span",
        "strike",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "textarea",
        "tfoot",
        "th",
        "thead",
        "time",
        "tr",
        "tt",
        "u",
        "ul",
        "var",
        "wbr",
        "audio",
        "video",
        "source",
        "track",
        "picture",
        "font",
        "main",
    }
    | MATHML_TAGS
)

#: Attributes allowed on every tag.  ``style`` is filtered property by property.
_GENERIC_ATTRIBUTES = {"class", "id", "title", "lang", "dir", "role", "style", "hidden"}

#: The presentational attributes of the HTML SPIP sites were written in (``<img align>``,
#: ``<table border cellpadding>``, ``<td bgcolor>``): they only lay out or colour, and SPIP
#: keeps them, so the page looks as it did. (No ``background``: it would load an image.)
_ALIGN = {"align"}
_CELL = {"align", "valign", "width", "height", "bgcolor", "nowrap", "abbr", "axis"}

ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "*": _GENERIC_ATTRIBUTES,
    "a": {"href", "hreflang", "rel", "rev", "type", "name", "target"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "img": {"src", "alt", "width", "height", "loading", "srcset", "sizes", "align", "border",
            "hspace", "vspace"},
    "ol": {"start", "type", "reversed"},
    "ul": {"type"},
    "li": {"value", "type"},
    "table": {"aria-describedby", "summary", "align", "width", "border", "cellpadding",
              "cellspacing", "bgcolor", "frame", "rules"},
    "caption": _ALIGN,
    "thead": {"align", "valign"},
    "tbody": {"align", "valign"},
    "tfoot": {"align", "valign"},
    "tr": {"align", "valign", "bgcolor"},
    "td": {"colspan", "rowspan", "headers"} | _CELL,
    "th": {"colspan", "rowspan", "headers", "scope"} | _CELL,
    "col": {"span", "width", "align", "valign"},
    "colgroup": {"span", "width", "align", "valign"},
    "p": _ALIGN,
    "div": _ALIGN,
    "h1": _ALIGN, "h2": _ALIGN, "h3": _ALIGN, "h4": _ALIGN, "h5": _ALIGN, "h6": _ALIGN,
    "hr": {"align", "width", "size", "noshade"},
    "br": {"clear"},
    "textarea": {"readonly", "cols", "rows"},
    "time": {"datetime"},
    "font": {"color", "face", "size"},
    "audio": {"src", "controls", "preload"},
    "video": {"src", "controls", "preload", "poster", "width", "height"},
    "source": {"src", "type", "srcset", "media"},
    "track": {"src", "kind", "srclang", "label"},
    **_MATHML_ATTRIBUTES,
}  # fmt: skip

#: CSS properties kept in ``style`` attributes (layout only: no ``url()`` carriers
#: beyond ``background``, which editors use for colours).
ALLOWED_STYLE_PROPERTIES: frozenset[str] = frozenset(
    {
        "text-align",
        "color",
        "background",
        "background-color",
        "font-weight",
        "font-style",
        "text-decoration",
        "float",
        "clear",
        "width",
        "height",
        "max-width",
        "margin",
        "margin-left",
        "margin-right",
        "margin-top",
        "margin-bottom",
        "padding",
        "padding-left",
        "padding-right",
        "padding-top",
        "padding-bottom",
        "border",
        "vertical-align",
        "white-space",
        "list-style-type",
    }
)

#: URL schemes that may appear in ``href``/``src``; relative URLs are always allowed.
ALLOWED_URL_SCHEMES: frozenset[str] = frozenset(
    {"http", "https", "mailto", "tel", "ftp", "ftps", "sftp", "irc", "news", "xmpp", "sms"}
)

_FORBIDDEN_SCHEMES = ("javascript", "vbscript", "data", "livescript", "mocha", "file")
_CONTROL_OR_SPACE = re.compile(
    r"[\x00-\x20\x7f-\x9f\u00a0\u1680\u2000-\u200f\u2028-\u202f"
    r"\u205f\u3000\ufeff]+"
)
_PLAIN_SAFE_URL = re.compile(r"(?:https?://|[/#?.]|[\w-]+(?:[./#?]|$))[^&\x00-\x20\x7f:]*$", re.A)
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")


def is_safe_url(url: str) -> bool:
    """Tell whether ``url`` may become an ``href``.

    Security case 63: the check runs after HTML-entity decoding (twice, for
    ``&amp;#106;``-style double encoding) and after removing every whitespace and control
    character, so ``java&#115;cript:``, `` javascript:`` or ``java\\tscript:`` are caught.
    Unknown schemes are refused too; scheme-less (relative) URLs are allowed.
    """
    if _PLAIN_SAFE_URL.match(url):
        return True  # http(s) or a relative path, nothing encoded: the common case
    decoded = html.unescape(html.unescape(url))
    compact = _CONTROL_OR_SPACE.sub("", decoded).lower()
    for scheme in _FORBIDDEN_SCHEMES:
        if compact.startswith(scheme + ":"):
            return False
    match = _SCHEME.match(compact)
    if match and match.group(1) not in ALLOWED_URL_SCHEMES:
        return False
    return True


_TAGS_SET = set(ALLOWED_TAGS)
_SCHEMES_SET = set(ALLOWED_URL_SCHEMES)
_CLEAN_CONTENT = {
    "script",
    "style",
    "template",
    "noscript",
    "iframe",
    "object",
    "embed",
    "applet",
    "frame",
    "frameset",
    "svg",
    "xmp",
    "noembed",
    "noframes",
    "plaintext",
}

# ---------------------------------------------------------------- style attributes

#: CSS functions a kept declaration may call (colours and arithmetic: nothing that fetches).
_CSS_FUNCTIONS = frozenset(
    "rgb rgba hsl hsla hwb lab lch oklab oklch color calc min max clamp".split()
)
_CSS_FUNCTION = re.compile(r"([a-zA-Z_-]*)\(")
# a backslash escape or a comment could hide a function name; '<' '>' have no use in a value
_CSS_FORBIDDEN = re.compile(r"[\\<>]|/\*")


def _declarations(value: str) -> list[str]:
    """The declarations of a ``style`` value, split on ``;`` outside quotes and brackets."""
    out: list[str] = []
    start = depth = 0
    quote = ""
    for index, char in enumerate(value):
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif char == ";" and not depth:
            out.append(value[start:index])
            start = index + 1
    out.append(value[start:])
    return out


def filter_style(value: str) -> str | None:
    """``value`` with only the allowed declarations, each kept as typed (SPIP keeps editors'
    styles as they are: ``text-align:left;``), or ``None`` when none is left.

    ammonia's own style filter (nh3's ``filter_style_properties``) re-serialises every
    declaration and checks property names only: ``background:url(https://tracker…)`` would
    load a third-party image. Here a value may call colour and arithmetic functions only.
    """
    kept: list[str] = []
    dropped = False
    for declaration in _declarations(value):
        if not declaration.strip():
            continue
        name, colon, css = declaration.partition(":")
        if (
            colon
            and name.strip().lower() in ALLOWED_STYLE_PROPERTIES
            and not _CSS_FORBIDDEN.search(css)
            and all(f.lower() in _CSS_FUNCTIONS for f in _CSS_FUNCTION.findall(css))
        ):
            kept.append(declaration)
        else:
            dropped = True
    if not dropped:
        return value if kept else None
    if not kept:
        return None
    return ";".join(kept) + (";" if value.rstrip().endswith(";") else "")


def _attribute_filter(element: str, attribute: str, value: str) -> str | None:
    return filter_style(value) if attribute == "style" else value


# ---------------------------------------------------------------- unknown elements

#: Every element name the HTML parser or a browser gives a meaning to (current, obsolete and
#: parser-special names, MathML and SVG roots). Any other name is an *unknown* element, which
#: browsers render as a plain inline box around its content: SPIP leaves such tags in its
#: output (``typo()`` keeps ``<quote>``, ``<poesie>``; an unclosed ``<multi>``, a typed
#: ``<inconnue>``), and so does redac, with the generic attributes only. Names with a hyphen
#: (custom elements, which a script may define) are never kept.
KNOWN_ELEMENTS: frozenset[str] = frozenset(
    """a abbr acronym address applet area article aside audio b base basefont bdi bdo bgsound
    big blink blockquote body br button canvas caption center cite code col colgroup command
    content data datalist dd del details dfn dialog dir div dl dt element em embed fencedframe
    fieldset figcaption figure font footer form frame frameset geolocation h1 h2 h3 h4 h5 h6
    head header hgroup hr html i iframe image img input ins isindex kbd keygen label legend li
    link listing main map mark marquee math menu menuitem meta meter multicol nav nextid nobr
    noembed noframes noscript object ol optgroup option output p param permission picture
    plaintext portal pre progress q rb rp rt rtc ruby s samp sarcasm script search section
    select selectedcontent shadow slot small source spacer span strike strong style sub
    summary sup svg table tbody td template textarea tfoot th thead time title tr track tt u
    ul var video wbr xmp""".split()
) | frozenset(
    # MathML and SVG elements: inside <math> or <svg> the parser builds them in their own
    # namespace, where some (mglyph, malignmark, foreignObject…) change how what follows is
    # parsed. Only the MathML_TAGS subset is ever kept, as MathML.
    """maction maligngroup malignmark menclose merror mfenced mfrac mglyph mi mlabeledtr
    mlongdiv mmultiscripts mn mo mover mpadded mphantom mprescripts mroot mrow ms mscarries
    mscarry msgroup msline mspace msqrt msrow mstack mstyle msub msubsup msup mtable mtd mtext
    mtr munder munderover none semantics annotation a altglyph altglyphdef altglyphitem animate
    animatecolor animatemotion animatetransform circle clippath cursor defs desc ellipse
    feblend fecolormatrix fecomponenttransfer fecomposite feconvolvematrix fediffuselighting
    fedisplacementmap fedistantlight fedropshadow feflood fefunca fefuncb fefuncg fefuncr
    fegaussianblur feimage femerge femergenode femorphology feoffset fepointlight
    fespecularlighting fespotlight fetile feturbulence filter font foreignobject g glyph
    glyphref hkern image line lineargradient marker mask metadata mpath path pattern polygon
    polyline radialgradient rect set stop switch symbol text textpath tref tspan use view
    vkern""".split()
)
#: Unknown elements kept in one fragment at most (beyond, their tags are dropped, text kept).
MAX_UNKNOWN_NAMES = 32
_NAME_END = r"(?=[\t\n\f\r />])"


def _trie(words) -> str:
    """A regular expression matching exactly ``words``, as a tree of their letters: the regex
    engine tries one branch per letter instead of every word in turn."""
    branches: dict[str, list[str]] = {}
    ends = False
    for word in sorted(words):
        if word:
            branches.setdefault(word[0], []).append(word[1:])
        else:
            ends = True
    if not branches:
        return ""
    body = "(?:" + "|".join(re.escape(c) + _trie(rest) for c, rest in branches.items()) + ")"
    return body + "?" if ends else body


_UNKNOWN_TAG_PATTERN = (
    r"[<](?=[a-zA-Z])(?!"
    + _trie(KNOWN_ELEMENTS)
    + _NAME_END
    + r")([a-zA-Z][a-zA-Z0-9]*)"
    + _NAME_END
)
_UNKNOWN_TAG = re.compile(_UNKNOWN_TAG_PATTERN, re.I)
# (the same without IGNORECASE, three times faster, when no tag name has a capital letter)
_UNKNOWN_LOWERCASE_TAG = re.compile(_UNKNOWN_TAG_PATTERN)
_CAPITAL_IN_TAG_NAME = re.compile(r"[<][a-zA-Z0-9]*[A-Z]")
# "style" in any case, found from its rarest letter: a case-insensitive search for the word
# reads a 50 KB text in 2 ms, this in a quarter of that
_STYLE_WORD = re.compile("[yY](?<=[sS][tT][yY])(?=[lL][eE])")

#: What the cleaner must know of a fragment: the unknown element names it may keep, and
#: whether a ``style`` attribute may need filtering.
Hints = tuple[frozenset[str], bool]
NO_HINTS: Hints = (frozenset(), False)


def hints_of(fragment: str) -> Hints:
    """The unknown element names of ``fragment`` (the first :data:`MAX_UNKNOWN_NAMES`) and
    whether it holds the word ``style`` anywhere (then ``style`` attributes are filtered)."""
    if "<" not in fragment:
        return NO_HINTS  # no tag, no attribute
    unknown = _UNKNOWN_TAG if _CAPITAL_IN_TAG_NAME.search(fragment) else _UNKNOWN_LOWERCASE_TAG
    # (the first MAX_UNKNOWN_NAMES distinct names, in order, read without a Python step per
    # tag: a text of thousands of unknown tags)
    names = list(dict.fromkeys(map(str.lower, unknown.findall(fragment))))
    return frozenset(names[:MAX_UNKNOWN_NAMES]), bool(_STYLE_WORD.search(fragment))


def merge_hints(first: Hints, second: Hints) -> Hints:
    names = first[0] | second[0]
    if len(names) > MAX_UNKNOWN_NAMES:
        names = first[0]
    return names, first[1] or second[1]


@functools.lru_cache(maxsize=64)
def _cleaner(unknown: frozenset[str], styles: bool) -> nh3.Cleaner:
    """The allow-list, with ``unknown`` element names kept and, when ``styles``, the ``style``
    attributes filtered (a Python callback per attribute: only for fragments that have one).
    Building a cleaner costs more than cleaning a short text: they are kept."""
    return nh3.Cleaner(
        tags=_TAGS_SET | unknown,
        clean_content_tags=_CLEAN_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=_SCHEMES_SET,
        link_rel=None,
        strip_comments=True,
        generic_attribute_prefixes={"data-"},
        attribute_filter=_attribute_filter if styles else None,
    )


def _cleaner_for(fragment: str, hints: Hints | None = None) -> nh3.Cleaner:
    """The cleaner for ``fragment``. ``hints`` (computed on what the fragment was made from:
    the engine passes those of its input, where every unknown tag and every ``style`` attribute
    an author typed comes from) spare a scan of the whole fragment; without them it is read."""
    return _cleaner(*(hints if hints is not None else hints_of(fragment)))


#: The cleaner of fragments without unknown elements, styles filtered (document models).
_CLEANER = _cleaner(frozenset(), True)


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
_SPECIAL = frozenset(
    """address applet area article aside base basefont bgsound blockquote body br button caption
    center col colgroup dd details dir div dl dt embed fieldset figcaption figure footer form frame
    frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html iframe img input keygen li link listing
    main marquee menu meta nav noembed noframes noscript object ol p param plaintext pre script
    search section select source style summary table tbody td template textarea tfoot th thead
    title tr track ul wbr xmp math svg""".split()
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
    from .scan import NextFinder

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


# ---------------------------------------------------------------- one pass or more

#: The HTML parser's "special" elements (a <li> start tag looks up the stack past others).
_SPECIAL = frozenset(
    "address applet area article aside base basefont bgsound blockquote body br button "
    "caption center col colgroup dd details dir div dl dt embed fieldset figcaption figure "
    "footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html iframe img input "
    "keygen li link listing main marquee menu meta nav noembed noframes noscript object ol p "
    "param plaintext pre script search section select source style summary table tbody td "
    "template textarea tfoot th thead title tr track ul wbr xmp".split()
)
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


def clean(fragment: str, hints: Hints | None = None) -> str:
    """Sanitise an HTML fragment with the engine's allow-list, to a fixed point.

    ammonia re-serialises what it parses; its output is a fixed point of the same
    cleaning (the property tests check ``clean(out) == out`` on arbitrary input) except
    for trees the HTML parser would build differently when reading them again.
    :func:`reparses_identically` proves the common case in one linear scan; otherwise
    the output is cleaned again.  Nesting is first limited to :data:`MAX_DEPTH` levels
    (linear time).
    """
    fragment = break_long_text(limit_depth(limit_open_formatting(fragment)))
    cleaner = _cleaner_for(fragment, hints)
    cleaned = cleaner.clean(fragment)
    if _PRE_TAG.search(cleaned):
        # A parser drops one newline right after <pre>: each cleaning would shorten a run of
        # them by one, never reaching a fixed point within the passes below. Drop them all.
        cleaned = _PRE_LEADING_NEWLINES.sub(r"\1", cleaned)
    if reparses_identically(cleaned):
        return cleaned
    # Misnested blocks (an <h2> left open inside another) are serialised nested, and
    # re-parsing un-nests them: a second (rarely a third) pass reaches the fixed point.
    for _ in range(2):
        again = cleaner.clean(cleaned)
        if again == cleaned:
            break
        cleaned = again
    return cleaned


# ---------------------------------------------------------------- pre-cleaned fragments

# (escapes.TOKEN_OPEN, TOKEN_CLOSE, TOKEN_BLOCK_CLOSE)
_TOKEN_OPEN, _TOKEN_CLOSE, _TOKEN_BLOCK_CLOSE = "\ufddb", "\ufddc", "\ufddd"
_TOKEN = re.compile(_TOKEN_OPEN + r"([0-9]+)[" + _TOKEN_CLOSE + _TOKEN_BLOCK_CLOSE + "]")
_INTERNAL = re.compile("[\ufdd0-\ufdef]")
# parser modes in which an inline start tag is not what it is in a text: ignored (in a
# <select>), or read as text (<title>, <textarea>)
# (a lookahead on the first letters rejects most '<' at once)
_TOKEN_UNSAFE_MODES = re.compile(
    r"[<](?i:(?=[sot])(?:select|option|optgroup|title|textarea))[\t\n\f\r />]"
)
# a token that may be read where the parser moves text out of a table ("foster
# parenting": a run of text there moves as a whole, while the fragment's element would
# split it, leaving its blank part in the table): the last table tag before it is not
# the start of a cell or caption, nor the end of a table
_TABLE_TAG = r"[<]/?(?i:table|tbody|thead|tfoot|tr|td|th|caption|colgroup|col)[\t\n\f\r />]"
_TOKEN_IN_TABLE_TEXT = re.compile(
    r"[<](?i:(?=[tc/])(?:table|tbody|thead|tfoot|tr|colgroup|col|/td|/th|/tr|/caption|"
    r"/colgroup|/tbody|/thead|/tfoot))[\t\n\f\r />]"
    r"(?:[^<" + _TOKEN_OPEN + r"]++|(?!" + _TABLE_TAG + r")<)*+" + _TOKEN_OPEN
)
# after cleaning: a token inside a tag (an attribute value: nh3 escapes '<' and '>' in
# those) or inside a link (the fragment may hold a link, and <a> in <a> is re-nested)
_TOKEN_IN_TAG = re.compile(r"[<][^<>]*" + _TOKEN_OPEN)
_TOKEN_IN_LINK = re.compile(
    r"[<]a[\t\n\f\r />](?:[^<" + _TOKEN_OPEN + r"]++|<(?!/a>))*+" + _TOKEN_OPEN
)
_VOID_START = re.compile(r"[<](?:br|col|hr|img|source|track|wbr)[\t\n\f\r />]")
#: Nesting depth a pre-cleaned fragment may add.
TOKEN_DEPTH = 8
#: Tags of a fragment that may cross as an inline token: phrasing content that no
#: ancestor other than a link changes (no formatting element but <a>, no block).
_INLINE_TAGS = frozenset({"span", "a", "img", "br", "wbr", "abbr", "sub", "sup"})


def precleaned(fragment: str) -> tuple[str, bool] | None:
    """``(fragment, is_block)`` when ``fragment`` (a document model's HTML) may cross the
    sanitiser as a token: it is already what nh3 writes, a fixed point of cleaning, not
    deep, with no long text to break and no internal character; ``None`` otherwise.

    An inline fragment (only :data:`_INLINE_TAGS`) may stand anywhere a note call may;
    any other only outside every element (see :func:`clean_with_tokens`).
    """
    if (
        len(fragment) > 20_000
        or _INTERNAL.search(fragment)
        or "\r" in fragment
        or _CLEANER.clean(fragment) != fragment
        or not reparses_identically(fragment)
        or _max_depth(fragment, TOKEN_DEPTH) > TOKEN_DEPTH
        or break_long_text(fragment) != fragment
        or "<textarea" in fragment
    ):
        return None
    names = {name.lstrip("/") for name in _TAG_NAMES.findall(fragment)}
    return fragment, not names <= _INLINE_TAGS


def _block_tokens_outside_elements(cleaned: str) -> bool:
    """Every block token of nh3's output stands outside every element (at depth 0: in
    its serialisation every element but the void ones has an end tag)."""
    depth = 0
    for piece in cleaned.split(_TOKEN_BLOCK_CLOSE)[:-1]:
        depth += piece.count("<") - 2 * piece.count("</") - len(_VOID_START.findall(piece))
        if depth:
            return False
    return True


def clean_with_tokens(
    fragment: str, forms: dict[int, str], hints: Hints | None = None
) -> str | None:
    """:func:`clean` for a fragment where tokens stand for pre-cleaned fragments.

    ``forms`` maps each token's index to the HTML nh3 makes of its fragment: an inline
    element built by the engine from fixed markup, escaped text and numbers (a note
    call), or a document model already in nh3's form.  nh3 then reads a few characters
    instead of the fragment, and the cleaned forms are put in their place afterwards.

    The result is what :func:`clean` gives on the fragment with the fragments in place,
    provided that each fragment's tags would have been read as the same elements where
    its token ends up: in a text of the body, not in a tag, a link, a <select>, <title>
    or <textarea>, nor where text is moved out of a table, not removed (all tokens are
    found again); a block fragment (``TOKEN_BLOCK_CLOSE``) outside every element (no
    paragraph to close, no formatting element to reopen inside it); and the conditions
    under which cleaning is local hold (no nesting limit or long-text break needed).
    Returns ``None`` when that is not proved: the caller then cleans the full fragment.
    """
    count = fragment.count(_TOKEN_OPEN)
    if (
        count != len(_TOKEN.findall(fragment))
        or _TOKEN_UNSAFE_MODES.search(fragment)
        or _TOKEN_IN_TABLE_TEXT.search(fragment)
        # the fragments add at most TOKEN_DEPTH levels: no tag is dropped, with or without
        or not (
            fragment.count("<") <= MAX_DEPTH - TOKEN_DEPTH
            or _max_depth(fragment, MAX_DEPTH - TOKEN_DEPTH) <= MAX_DEPTH - TOKEN_DEPTH
        )
        # a text run holding a token is longer than the runs around the fragment: when
        # it needs no break, they need none either
        or break_long_text(fragment) != fragment
        or limit_open_formatting(fragment) != fragment
    ):
        return None
    cleaned = _cleaner_for(fragment, hints).clean(fragment)
    if _PRE_TAG.search(cleaned):
        cleaned = _PRE_LEADING_NEWLINES.sub(r"\1", cleaned)
    if (
        cleaned.count(_TOKEN_OPEN) != count
        or not reparses_identically(cleaned)
        or _TOKEN_IN_TAG.search(cleaned)
        or ("<a" in cleaned and _TOKEN_IN_LINK.search(cleaned))
        or (_TOKEN_BLOCK_CLOSE in cleaned and not _block_tokens_outside_elements(cleaned))
    ):
        return None
    parts = _TOKEN.split(cleaned)
    if len(parts) != 2 * count + 1:
        return None
    try:
        parts[1::2] = [forms[int(index)] for index in parts[1::2]]
    except KeyError:
        return None
    return "".join(parts)
