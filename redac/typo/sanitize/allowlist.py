"""The allow-list: tags, attributes, URL schemes and ``style`` properties an output may hold,
unknown (SPIP-style) elements, and the nh3 cleaners built from them."""

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
