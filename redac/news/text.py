"""What feeds, search and page metadata need from an item's body: plain text, and safe HTML.

The SPIP engine ``redac.typo`` (``plain()`` and ``propre()``) is being finished on another branch.
Until it lands, a conservative fallback strips SPIP's markup characters for plain text and escapes
SPIP text for HTML (it then reads as typed, never as markup). When typo is on main the fallback
branches can go: every caller goes through the two functions below.

Everything returned as HTML is cleaned with nh3 (DESIGN.md: nh3 for anything leaving the trusted
editor), with absolute ``https`` URLs on the configured site (security case 56): feed readers and
e-mail digests have no base URL to resolve relative links against.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin

import nh3
from django.conf import settings
from django.utils.html import escape, linebreaks

from redac.core.paths import page_path

# Characters SPIP uses as markup ({gras}, {{{intertitre}}}, [lien->url], [[note]], -* lists, |tables).
_SPIP_LINK = re.compile(r"\[([^\[\]]*?)->[^\[\]]*\]")
_SPIP_MARKUP = re.compile(r"\{+|\}+|\[\[|\]\]|<[^>]{0,200}>|^-[*#]+\s?|^\|+|\|+$|\|", re.M)
_SPACES = re.compile(r"[ \t\u00a0]+")
# XML 1.0 forbids most C0 control characters; feeds and sitemaps must stay well-formed (case 54).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "div", "em", "figcaption", "figure",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "q", "s", "small",
    "span", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang", "id"},
    "div": {"id", "class"},
    "span": {"class"},
    "p": {"id"},
    "img": {"src", "alt", "width", "height"},
    "abbr": {"title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
    "q": {"cite"},
    "blockquote": {"cite"},
}


def site_root() -> str:
    return settings.SITE_URL.rstrip("/")


def absolute_url(path: str) -> str:
    """``/a/b/`` -> ``https://site/a/b/`` on the configured public address (never the request
    host, which a client chooses and a cache would then serve to everyone)."""
    return urljoin(site_root() + "/", path or "/")


def xml_safe(text: str) -> str:
    return _XML_ILLEGAL.sub("", text or "")


def feed_summary_html(text: str) -> str:
    """A plain-text description in a field that feed readers read as HTML (RSS
    ``<description>``, Atom ``<summary type="html">``): the text escaped once more, so that it
    shows as typed and never as markup (quotes need no escaping outside attributes)."""
    return html.escape(xml_safe(text), quote=False)


def clean_html(fragment: str) -> str:
    """Allow-listed, absolute-URL HTML: no script, no event handler, no javascript:/data: URL."""
    return xml_safe(
        nh3.clean(
            fragment or "",
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes={"http", "https", "mailto"},
            url_relative=("rewrite_with_base", site_root() + "/"),
            link_rel=None,
        )
    )


def spip_plain(text: str) -> str:
    try:
        from redac.typo import plain
    except ImportError:
        text = _SPIP_LINK.sub(r"\1", text or "")
        return html.unescape(_SPIP_MARKUP.sub(" ", text))
    return plain(text)


def spip_html(text: str, lang: str = "fr") -> str:
    try:
        from redac.typo import propre
    except ImportError:
        return str(linebreaks(escape(text or "")))
    return propre(text or "", lang=lang)


def _normalise_space(text: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _blocks(page):
    body = getattr(page, "body", None)
    return list(body) if body else []


def item_plain_text(page, *, include_chapo: bool = False) -> str:
    """The body (and, if asked, the chapo) as plain text, for search and descriptions: the text
    its page shows, taken from the same rendered, sanitised HTML (redac.typo.visible), so that
    nothing the page hides (an HTML comment, a ``hidden`` element, a script) comes out here."""
    from redac.typo.visible import visible_text

    lang = getattr(page, "lang", "") or settings.LANGUAGE_CODE
    parts = []
    if include_chapo and getattr(page, "chapo", ""):
        parts.append(spip_text(page.chapo, lang))
    for block in _blocks(page):
        kind, value = block.block_type, block.value
        if kind == "paragraph":
            from wagtail.rich_text import expand_db_html

            parts.append(visible_text(expand_db_html(value.source)))
        elif kind == "spip":
            parts.append(spip_text(str(value), lang))
        elif kind == "quote":
            parts.append(str(value.get("text", "")))
            if value.get("source"):
                parts.append(str(value["source"]))
        elif kind == "image" and value.get("caption"):
            parts.append(str(value["caption"]))
    return xml_safe(_normalise_space("\n".join(parts)))


def _image_html(value) -> str:
    image = value.get("image")
    if image is None:
        return ""
    rendition = image.get_rendition("width-1200")
    caption = value.get("caption") or ""
    figcaption = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
    return (
        f'<figure><img src="{escape(absolute_url(rendition.url))}" alt="{escape(value.get("alt") or "")}"'
        f' width="{rendition.width}" height="{rendition.height}">{figcaption}</figure>'
    )


def _spip_block_html(text: str, lang: str, notes_seen: list[int]) -> str:
    """A « Texte SPIP » block as its page shows it: the text, then its notes, numbered as on the
    page (redac.core.lib.text.number_notes); embedded players as plain links (no script in a
    feed reader)."""
    from redac.core.embeds import policy
    from redac.core.lib.text import number_notes
    from redac.core.templatetags.redac_tags import _render_spip

    rendered = _render_spip(text, lang, embeds=policy(lang, facade=False))
    html, notes = rendered.html, rendered.notes
    if not notes:
        return html
    notes_seen[0] += 1
    html, notes = number_notes(html, notes, notes_seen[0])
    return f'{html}<div class="notes">{notes}</div>'


_FRAGMENT_LINK = re.compile(r'(\shref=["\'])#')


def item_html(page) -> str:
    """The rendered body (chapo first), sanitised, with absolute URLs: a feed's full text.

    Notes come with their text, and every link to a place in the page (a note ``#nb1``, its way
    back ``#nh1``, an anchor) points at the article itself (``<article URL>#nb1``), not at the
    site's home page that a bare ``#nb1`` would resolve to in a feed reader."""
    from redac.typo.visible import without_hidden

    lang = getattr(page, "lang", "fr") or "fr"
    parts = []
    notes_seen = [0]
    if getattr(page, "chapo", ""):
        parts.append(spip_html(page.chapo, lang))
    for block in _blocks(page):
        kind, value = block.block_type, block.value
        if kind == "paragraph":
            from wagtail.rich_text import expand_db_html

            parts.append(expand_db_html(value.source))
        elif kind == "spip":
            parts.append(_spip_block_html(str(value), lang, notes_seen))
        elif kind == "quote":
            source = value.get("source")
            cite = f"<cite>{escape(source)}</cite>" if source else ""
            parts.append(f"<blockquote><p>{escape(value.get('text', ''))}</p>{cite}</blockquote>")
        elif kind == "image":
            parts.append(_image_html(value))
        elif kind == "embed" and value is not None:
            url = getattr(value, "url", "") or ""
            if url:
                parts.append(f'<p><a href="{escape(url)}">{escape(url)}</a></p>')
    html = without_hidden("\n".join(p for p in parts if p))
    own_path = page_path(page) if hasattr(page, "get_url_parts") else None
    if own_path is not None and "#" in html:
        here = escape(absolute_url(own_path))
        html = _FRAGMENT_LINK.sub(lambda m: m.group(1) + here + "#", html)
    return clean_html(html)


_NOTE_CALL = re.compile(r'<span class="spip_note_ref">.*?</span>', re.S)


def spip_text(text: str, lang: str = "") -> str:
    """What a reader sees of a SPIP text (a descriptif, a chapo, a « Texte SPIP » block), as
    plain text: the shortcuts, ``<multi>`` and links rendered as on the page (``{historique}``
    is « historique », ``[le texte->art3]`` « le texte »), then the text of that tree that a
    browser shows (redac.typo.visible: no comment, no ``hidden`` element, no script); note
    calls, notes and embedded players left out."""
    from redac.core.templatetags.redac_tags import _render_spip
    from redac.typo.embeds import Embeds
    from redac.typo.visible import visible_text

    if not (text or "").strip():
        return ""
    rendered = _render_spip(text or "", lang or "fr", embeds=Embeds(())).html
    return xml_safe(_normalise_space(visible_text(_NOTE_CALL.sub("", rendered))))


def summary(page, length: int = 300) -> str:
    """The description readers see first, as plain text: descriptif, then chapo (both rendered
    from their SPIP markup, as their page shows them), then the body's opening."""
    lang = getattr(page, "lang", "") or settings.LANGUAGE_CODE
    for field in ("search_description", "descriptif", "chapo"):
        value = getattr(page, field, "") or ""
        if value.strip():
            text = spip_text(value, lang) if field != "search_description" else value
            return truncate_words(text, length)
    return truncate_words(item_plain_text(page), length)


def truncate_words(text: str, length: int) -> str:
    text = _normalise_space(xml_safe(text)).replace("\n", " ")
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"
