"""Links: ``[texte->cible]``, ``[?glossaire]``, ``[ancre<-]``, bare URLs, ``<http://…>``.

Follows ``inc/lien.php`` and ``inc/autoliens.php`` of SPIP's textwheel plugin (read to
learn the rules, not copied):

* ``[texte|bulle{lang}->cible]`` — ``expanser_liens()``/``inc_lien_dist()``; the link text
  is typographed in the object's language; links are held aside while the rest of the
  text is typographed, then put back.
* internal targets (``article3``, ``art3``, ``3``, ``breve2``, ``br2``, ``rub5``,
  ``auteur2``, ``mot4``, ``doc1``, ``im1`` …) go through the caller's resolver — SPIP's
  ``typer_raccourci()`` and ``traiter_lien_implicite()``.
* link targets are checked with :func:`~redac.typo.sanitize.is_safe_url`: a forbidden
  scheme leaves the text without a link (security case 63), unlike SPIP.

The bracket scanner replaces SPIP's ``_RACCOURCI_LIEN`` regular expression, whose nested
quantifiers backtrack quadratically on ``[[[[…``; it finds the same matches in linear time
for ordinary text and never rescans a bracket run.
"""

from __future__ import annotations

import html
import mimetypes
import re
from collections.abc import Callable
from urllib.parse import quote

from . import budget
from .escapes import Escapes
from .langs import LANGUAGE_CODES
from .sanitize import is_safe_url

SITE_BASE = ""


# --------------------------------------------------------------------------- scanning


def find_link_shortcuts(text: str) -> list[tuple[int, int, str, str]]:
    """Find ``[texte->cible]`` shortcuts: ``(start, end, texte, cible)``.

    Emulates ``/\\[([^][]*?([[][^]>-]*[]][^][]*)*)->(>?)([^]]*)\\]/``: the text may hold
    bracket pairs whose inside has no ``]``, ``>`` or ``-``; the first ``->`` (in the
    bracket-free head) ends the text; the target runs to the next ``]``.
    Every "next occurrence" search is memoised (:class:`_Next`), so a run of thousands
    of ``[`` is scanned once, not once per bracket: linear time.
    """
    results: list[tuple[int, int, str, str]] = []
    if "->" not in text:
        return results
    find = _Finders(text)
    pos = 0
    last_close = text.rfind("]")
    while True:
        start = find.open(pos)
        if start < 0 or start > last_close:
            break
        if find.arrow(start) < 0:
            break
        match = _match_link_at(text, start, find, last_close)
        if match is None:
            pos = start + 1
            if pos < len(text) and text[pos] == "[":
                # every '[' of a run followed by another '[' fails the same way (same
                # group, same state after it): go straight to the last one of the run
                pos = _BRACKET_RUN.match(text, start).end() - 1
            continue
        end, label, target = match
        results.append((start, end, label, target))
        pos = end
    budget.charge(
        len(text) + find.open.spent + find.close.spent + find.arrow.spent + find.special.spent
    )
    return results


class _Next:
    """Next index of a needle (string or compiled pattern) at or after a position.

    Answers are memoised as an interval: any query inside ``[low, found]`` has the same
    answer, so increasing queries cost amortised constant time.
    """

    __slots__ = ("text", "needle", "low", "found", "spent")

    def __init__(self, text: str, needle) -> None:
        self.text = text
        self.needle = needle
        self.low = 1
        self.found = 0
        self.spent = 0  # characters searched, charged by find_link_shortcuts

    def __call__(self, position: int) -> int:
        if self.low <= position <= self.found or (self.found < 0 and position >= self.low):
            return self.found
        if isinstance(self.needle, str):
            found = self.text.find(self.needle, position)
        else:
            m = self.needle.search(self.text, position)
            found = m.start() if m else len(self.text)
        self.spent += (found if found >= 0 else len(self.text)) - position
        self.low = position
        self.found = found
        return found


_SPECIAL = re.compile(r"[\]>-]")
_BRACKET_RUN = re.compile(r"\[+")


class _Finders:
    __slots__ = ("open", "close", "arrow", "special")

    def __init__(self, text: str) -> None:
        self.open = _Next(text, "[")
        self.close = _Next(text, "]")
        self.arrow = _Next(text, "->")
        self.special = _Next(text, _SPECIAL)


def _match_link_at(text: str, start: int, find: _Finders, last_close: int):
    """Try to match a link shortcut starting at ``text[start] == '['``."""
    length = len(text)
    p = start + 1
    grouped = False
    while p < length:
        # extent of the bracket-free run starting at p
        next_open = find.open(p)
        next_close = find.close(p)
        run_end = length
        if 0 <= next_open < run_end:
            run_end = next_open
        if 0 <= next_close < run_end:
            run_end = next_close
        if not grouped:
            arrow = find.arrow(p)
            if 0 <= arrow < run_end:
                end = _close_target(find, arrow + 2, last_close)
                if end is not None:
                    return end, text[start + 1 : arrow], text[arrow + 2 : end]
        else:
            # after a bracket group the run is greedy: the last arrow of the run wins
            arrow = text.rfind("->", p, run_end)
            if arrow >= 0:
                end = _close_target(find, arrow + 2, last_close)
                if end is not None:
                    return end, text[start + 1 : arrow], text[arrow + 2 : end]
        if run_end >= length or text[run_end] == "]":
            return None
        # a nested group: '[' then no ']' '>' '-' until ']'
        q = find.special(run_end + 1)
        if q >= length or text[q] != "]":
            return None
        grouped = True
        p = q + 1
    return None


def _close_target(find: _Finders, begin: int, last_close: int) -> int | None:
    if begin > last_close:
        return None
    end = find.close(begin)
    return end if end >= 0 else None


# ---------------------------------------------------------------------- attributes


def split_link_attributes(label: str) -> tuple[str, str, str]:
    """Split ``texte|bulle{lang}`` into ``(texte, bulle, hreflang)``.

    SPIP's ``traiter_raccourci_lien_atts()``: the first ``|`` outside ``[…]`` whose tail
    holds no ``<``/``>`` starts the tooltip; a trailing ``{xx}`` is a language when ``xx``
    is a language code, otherwise it stays in the text (or the tooltip).
    """
    bulle = ""
    hlang = ""
    if "|" not in label and "{" not in label:
        return label.strip(), "", ""
    text = label
    bar = _first_usable_bar(label)
    lang_part = None
    if bar is not None:
        text = label[:bar]
        rest = label[bar + 1 :]
        m = _TRAILING_LANG.search(rest)
        if m:
            bulle, lang_part = rest[: m.start()], m.group(1)
        else:
            bulle = rest
        if lang_part is not None:
            if lang_part in LANGUAGE_CODES:
                hlang = lang_part
            elif lang_part == "":
                hlang = "@page"
            elif bulle:
                bulle += "{" + lang_part + "}"
            else:
                text = text + "|" + "{" + lang_part + "}"
        elif _LANG_WORD.match(bulle) and bulle in LANGUAGE_CODES:
            hlang = bulle
    else:
        m = _TRAILING_LANG.search(label)
        if m and _brackets_ok(label[: m.start()]):
            lang_part = m.group(1)
            text = label[: m.start()]
            if lang_part in LANGUAGE_CODES:
                hlang = lang_part
            elif lang_part == "":
                hlang = "@page"
            else:
                text = label
    return text.strip(), bulle, hlang


_TRAILING_LANG = re.compile(r"\{([a-z_]*)\}$")
_LANG_WORD = re.compile(r"^[a-z_]+$")


def _brackets_ok(text: str) -> bool:
    return True


def _first_usable_bar(label: str) -> int | None:
    """Index of the first ``|`` outside brackets whose tail has no ``<`` or ``>``."""
    depth_skip = False
    length = len(label)
    i = 0
    # positions of '<' or '>' from the right: tail check in O(1)
    last_angle = max(label.rfind("<"), label.rfind(">"))
    while i < length:
        ch = label[i]
        if ch == "[":
            close = label.find("]", i + 1)
            if close < 0:
                return None
            i = close + 1
            continue
        if ch == "|" and not depth_skip and i > last_angle:
            return i
        i += 1
    return None


# ----------------------------------------------------------------------- resolution

_RACCOURCI_URL = re.compile(r"^\s*(\w*?)\s*(\d+)(\?(.*?))?(#(\S*))?\s*$")
_TYPE_ALIASES = {
    "": "article",
    "art": "article",
    "article": "article",
    "br": "breve",
    "breve": "breve",
    "rub": "rubrique",
    "rubrique": "rubrique",
    "aut": "auteur",
    "auteur": "auteur",
    "mot": "mot",
    "doc": "document",
    "im": "document",
    "img": "document",
    "image": "document",
    "emb": "document",
    "document": "document",
    "site": "site",
    "syndic": "site",
}
_BREVE_ACCENT = re.compile(r"^br..?ve$")
TYPE_LABELS = {
    "article": "article",
    "breve": "brève",
    "rubrique": "rubrique",
    "auteur": "auteur",
    "mot": "mot",
    "document": "document",
    "site": "site",
}
#: How SPIP names a missing object in a link without text (``_T($type) . " $id"``):
#: the French language string when one exists (``Auteur :``), else the type itself.
MISSING_LABELS = {"auteur": "Auteur :"}


def typer_raccourci(ref: str) -> tuple[str, str, str, str] | None:
    """``article12?x=1#a`` → ``("article", "12", "x=1", "a")`` (SPIP ``typer_raccourci``)."""
    m = _RACCOURCI_URL.match(ref)
    if not m:
        return None
    word = m.group(1)
    kind = _TYPE_ALIASES.get(word)
    if kind is None:
        kind = "breve" if _BREVE_ACCENT.match(word) else word
    return kind, m.group(2), m.group(4) or "", m.group(6) if m.group(5) else ""


class LinkContext:
    """What link rendering needs: language, resolver, escapes, typography callback."""

    __slots__ = ("lang", "resolver", "escapes", "typo", "trusted")

    def __init__(
        self, lang: str, resolver, escapes: Escapes, typo: Callable[[str, str], str], trusted: bool
    ) -> None:
        self.lang = lang
        self.resolver = resolver
        self.escapes = escapes
        self.typo = typo
        self.trusted = trusted


def _resolve(ctx: LinkContext, kind: str, ident: str):
    if ctx.resolver is None or (kind not in TYPE_LABELS and kind != "forum"):
        return None
    try:
        found = ctx.resolver.link(kind, int(ident))
    except Exception:  # a failing resolver must not break rendering
        return None
    return found


def calculer_url(ctx: LinkContext, ref: str, texte: str) -> dict:
    """Resolve a link target: implicit (SPIP object) or explicit URL."""
    typed = typer_raccourci(ref)
    if typed:
        kind, ident, args, anchor = typed
        found = _resolve(ctx, kind, ident)
        if found is not None and found[0] is None:
            # the resolver knows the object but readers have no address for it (a draft, a
            # trashed or unpublished object): its text without a link, never a dead link
            label = TYPE_LABELS.get(kind, kind)
            return {"url": None, "titre": texte.strip() or found[1] or f"{label} {int(ident)}"}
        if found is not None:
            url, title = found[0], found[1]
            obj_lang = found[2] if len(found) > 2 else ""
            url = _add_args(url, args, anchor)
            result = {
                "url": url,
                "titre": texte.strip() or (title or ""),
                "class": "spip_out" if kind == "site" else "spip_in",
                "lang": obj_lang,
            }
            if not result["titre"]:
                result["titre"] = f"{TYPE_LABELS.get(kind, kind)} {ident}"
            if kind == "document":
                mime = mimetypes.guess_type(url.split("?")[0])[0]
                if mime:
                    result["mime"] = mime
            return result
        if kind != "document":
            # SPIP renders links to missing objects with the object's URL and no class
            # the label uses the word typed ("syndic1" -> "syndic 1")
            url = _add_args(f"spip.php?{kind}{int(ident)}", args, anchor)
            word = _RACCOURCI_URL.match(ref).group(1) or "article"
            label = MISSING_LABELS.get(kind) if word in (kind, "aut") else None
            if label is None:
                known = word in _TYPE_ALIASES and word != "syndic"
                label = TYPE_LABELS.get(kind, kind) if known else word
            titre = texte.strip() or f"{label} {int(ident)}"
            return {"url": url, "titre": titre}
    return _explicit(ref, texte)


def _add_args(url: str, args: str, anchor: str) -> str:
    if args:
        url += ("&" if "?" in url else "?") + args
    if anchor:
        url += "#" + anchor
    return url


_EMPTY_PROTOCOL = re.compile(r"^\s*(http:?/?/?|mailto:?)\s*$", re.I)
_EMAIL = re.compile(r"^[^\s@<>\"',;:()\[\]]+@[^\s@<>\"',;:()\[\]]+\.[a-zA-Z]{2,}$")
_WWW = re.compile(r"^www\.[^@]+$")


def _explicit(ref: str, texte: str) -> dict:
    """SPIP's ``traiter_lien_explicite()``."""
    if _EMPTY_PROTOCOL.match(ref):
        return {"url": "", "titre": ""}
    url = ref.strip()
    plain_text = False
    if not texte:
        texte = lien_court(url.replace('"', ""))
        plain_text = True
    if _WWW.match(url):
        url = "http://" + url
    elif "@" in url and _EMAIL.match(url):
        url = "mailto:" + url
    return {"url": url, "titre": texte, "plain": plain_text}


def lien_court(url: str, length: int = 40) -> str:
    """Shorten a long URL used as link text (SPIP's ``inc_lien_court``)."""
    if len(url) > length:
        return url[: length - 5] + "..."
    return url


_ABSOLUTE = re.compile(r"\w+://")


def is_external(url: str) -> bool:
    return bool(_ABSOLUTE.match(url)) and not (SITE_BASE and url.startswith(SITE_BASE))


def render_link(
    ctx: LinkContext,
    ref: str,
    texte: str,
    cls: str = "",
    bulle: str = "",
    hlang: str = "",
    rel: str = "",
    text_is_html: bool = False,
) -> str:
    """Build the ``<a>`` for a shortcut (``inc_lien_dist``)."""
    mime = ""
    obj_lang = ""
    plain = False
    if texte and cls:
        resolved = calculer_url(ctx, ref, texte)
        url = resolved["url"]
    else:
        resolved = calculer_url(ctx, ref, texte)
        texte = resolved["titre"]
        plain = resolved.get("plain", False)
        if not cls:
            cls = resolved.get("class", "")
        obj_lang = resolved.get("lang", "")
        mime = resolved.get("mime", "")
        url = resolved["url"]
    if url is None:  # no address for readers: the text alone
        return texte if text_is_html else ctx.typo(texte or resolved["titre"], hlang or ctx.lang)
    url = url.strip()
    if hlang == "@page":
        hlang = ctx.lang
    if url.startswith("#"):
        cls = "spip_ancre"
    elif url[:7].lower() == "mailto:":
        cls = "spip_mail"
    elif plain:
        cls = "spip_url" + (" spip_out" if is_external(url) else "")
    elif not cls and is_external(url):
        cls = "spip_out"
    if not hlang and obj_lang and obj_lang != ctx.lang:
        hlang = obj_lang
    if url.lower().startswith(("http://", "https://")) and is_external(url):
        rel = (rel + " external").strip()
    # text of the link
    if plain:
        # SPIP wraps it in <html> for typo(), which restores it at once: plain text
        label = html.escape(texte, quote=False).replace("&amp;amp;", "&amp;")
    elif text_is_html:
        label = texte
    else:
        label = ctx.typo(texte, hlang or ctx.lang)
    if not is_safe_url(url):
        return label
    attrs = [f'<a href="{html.escape(html.unescape(url), quote=True)}"']
    if cls:
        attrs.append(f" class='{cls}'")
    if hlang:
        attrs.append(f" hreflang='{html.escape(hlang)}'")
    if bulle:
        attrs.append(f' title="{attribut_html(bulle)}"')
    if rel:
        attrs.append(f" rel='{rel}'")
    if mime:
        attrs.append(f" type='{mime}'")
    attrs.append(">")
    return "".join(attrs) + label + "</a>"


_TAGS = re.compile(r"<[^<>]*>")


def attribut_html(text: str) -> str:
    """Text for an attribute value: tags removed, entities decoded, quotes escaped."""
    text = _TAGS.sub("", text)
    text = html.unescape(text).replace("\u00a0", " ")
    return html.escape(text, quote=True).replace("&#x27;", "&#039;")


# ----------------------------------------------------------------- other shortcuts

_GLOSSARY = re.compile(r"\[\?+\s*([^\]\[<>]+)\]")
_GLOSES = re.compile(r"^([^|#{]*\w[^|#{]*)([^#]*)(#([^|{}]*))?(.*)$", re.S)
_GLOSS_NUM = re.compile(r"^(.*?)(\d*)$", re.S)
_SPACES = re.compile(r"\s+")


def glossary_links(text: str, ctx: LinkContext) -> str:
    """``[?terme]`` → Wikipedia link in the page language (SPIP ``glossaire_std``)."""
    if "[?" not in text:
        return text

    def replace(m: re.Match) -> str:
        r = _GLOSES.match(m.group(1))
        if not r:
            return m.group(0)
        gm = _GLOSS_NUM.match(r.group(4) or "")
        term_text = r.group(1) + r.group(2) + r.group(5)
        label, bulle, hlang = split_link_attributes(term_text)
        if not bulle and "|" not in term_text:
            bulle = gm.group(1) if gm else ""
        term = quote(_SPACES.sub("_", label), safe="")
        url = f"https://{ctx.lang}.wikipedia.org/wiki/{term}"
        return render_link(ctx, url, label, "spip_glossaire", bulle, hlang)

    return _GLOSSARY.sub(replace, text)


_ANCHOR = re.compile(r"\[#?([^\]\[]*)<-\]")


def anchors(text: str) -> str:
    """``[nom<-]`` → ``<a id="nom"></a>`` (SPIP ``traiter_raccourci_ancre``)."""
    if "<-]" not in text:
        return text
    return _ANCHOR.sub(lambda m: f'<a id="{html.escape(m.group(1), quote=True)}"></a>', text)


# A '[' after the last ']' of the text, or an '<a' after the last '</a', can start no link
# shortcut or link: the patterns would still read to the end of the text from each of them to
# find out (quadratic). They are swapped for these two noncharacters (stripped from every input)
# before the search, which the patterns treat as the '[' and '<' they stand for in every other
# alternative, and put back after it.
_LONE_BRACKET = "\ufdde"
_LONE_A = "\ufddf"
_AUTOLINK = re.compile(
    r"(?=[\[<hHwW\ufddf])(?:\[[^\[\]]*(?:<-|->).*?\]|<a\b.*?</a\b|[<\ufddf]\w[^<>\ufddf]*>"
    r"|((?:https?:/|www\.)[^\"'\s\[\]}\)<>\ufdde\ufddf]*))",
    re.I | re.S,
)
_AUTOLINK_NO_A = re.compile(
    r"(?=[\[<hHwW])(?:\[[^\[\]]*(?:<-|->)[^\]]*\]|<\w[^<>]*>"
    r"|((?:https?:/|www\.)[^\"'\s\[\]}\)<>\ufdde]*))",
    re.I | re.S,
)
_CLOSING_A = re.compile(r"</a", re.I)
_CLOSING_A_WORD = re.compile(r"</a\b", re.I)
_OPENING_A = re.compile(r"<(?=a\b)", re.I)
_DOMAIN = re.compile(
    r"^(?:(?:[^\W_](?:(?:[^\W_]|-){0,61}[^\W_,])?\.)+[a-z0-9]{2,6}|localhost)\b", re.I | re.A
)
_TRAILING_PUNCT = re.compile(r"^(.*?)([,.;?|]?)$", re.S)
_PROTO = re.compile(r"^(https?):/*", re.I)


def autolinks(text: str, ctx: LinkContext) -> str:
    """Bare ``http://…`` and ``www.…`` become links (``tw_autoliens``)."""
    if "ttp" not in text and "TTP" not in text and "ww." not in text and "WW." not in text:
        return text
    pattern = _AUTOLINK if _CLOSING_A.search(text) else _AUTOLINK_NO_A
    budget.charge(4 * len(text))
    swapped = False
    last_bracket = text.rfind("]")
    if "[" in text[last_bracket + 1 :]:
        text = text[: last_bracket + 1] + text[last_bracket + 1 :].replace("[", _LONE_BRACKET)
        swapped = True
    if pattern is _AUTOLINK:
        last_close = -1
        for last in _CLOSING_A_WORD.finditer(text):
            last_close = last.start()
        original = text[last_close + 1 :]
        tail = _OPENING_A.sub(_LONE_A, original)
        if tail != original:
            text = text[: last_close + 1] + tail
            swapped = True

    def replace(m: re.Match) -> str:
        link = m.group(1)
        if not link:
            return m.group(0)
        pm = _PROTO.match(link)
        if pm:
            rest = link[pm.end() :]
            protocol = pm.group(1)
        else:
            rest = link
            protocol = "http"
        if not _DOMAIN.match(rest):
            return m.group(0)
        k = _TRAILING_PUNCT.match(rest)
        url = protocol + "://" + k.group(1)
        shown = url if pm else url[len("http://") :]
        label = ctx.escapes.hide(html.escape(shown, quote=False))
        return render_link(
            ctx, url, label, "spip_url spip_out auto", rel="nofollow", text_is_html=True
        ) + k.group(2)

    text = pattern.sub(replace, text)
    if swapped:
        text = text.replace(_LONE_BRACKET, "[").replace(_LONE_A, "<")
    return text


_RESOURCE = re.compile(r"<\"?(https?://|[^\s<>][\w -]+\.[\w -]+)[^<>]*>", re.I | re.A)


def resources(text: str, ctx: LinkContext) -> str:
    """``<https://…>`` shown as ``<URL>`` with a link (textwheel ``tw_traiter_ressources``)."""
    if "<" not in text or ">" not in text:
        return text

    def replace(m: re.Match) -> str:
        url = m.group(0).strip("<>").split(" ")[0].strip('"')
        if re.match(r"^https?://", url, re.I):
            inner = render_link(ctx, url, "")
            out = f"<span class='ressource spip_out'>&lt;{inner}&gt;</span>"
        elif "/" in url:
            inner = render_link(ctx, url, "")
            out = f"<span class='ressource spip_in'>&lt;{inner}&gt;</span>"
        else:
            out = f"<span class='ressource'>&lt;{html.escape(url)}&gt;</span>"
        return ctx.escapes.hide(out)

    return _RESOURCE.sub(replace, text)
