"""Template filters and tags every template may use: French dates, visit counters, the SPIP and
typography filters, embeds. The page chrome (flash ticker, banner, header, navigation,
breadcrumb, footer) needs the content apps: it is the theme's (``theme_tags``)."""

from __future__ import annotations

import functools
import re

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from redac.core.embeds import facade_html, frame_origins
from redac.core.embeds import policy as embeds_policy
from redac.core.lib.dates import long_date as _long_date
from redac.core.lib.text import number_notes, visits_label
from redac.typo import render, typo

register = template.Library()


@register.filter
def long_date(value, arg: str = ""):
    """``{{ page.date|long_date }}`` -> "2 décembre 2016"; ``|long_date:"noyear"`` -> "2 décembre"."""
    return _long_date(value, get_language() or "fr", year=arg != "noyear")


@register.filter
def visits(count):
    return visits_label(count or 0)


@register.filter(name="spip")
def spip_filter(text, lang: str = ""):
    """SPIP markup (or plain text typed by an editor) -> safe HTML with French typography."""
    if not text:
        return ""
    return mark_safe(_render_spip(text, lang).html)  # noqa: S308


_NOTE_CALL = re.compile(r'<span class="spip_note_ref">.*?</span>', re.S)


@register.filter(name="spip_summary")
def spip_summary_filter(text, lang: str = ""):
    """``|spip`` for a text shown away from its page (a listing's descriptif): note calls are
    left out, since the notes are not there to link to."""
    if not text:
        return ""
    return mark_safe(_NOTE_CALL.sub("", _render_spip(text, lang).html))  # noqa: S308


def _render_spip(text, lang: str, *, embeds=None):
    # SPIP shortcuts ([->article19], <img4|center>) resolve through the SPIP numbers of every
    # article, brève, section and document (redac.news.resolver, registered in core.spiplinks).
    from redac.core.spiplinks import new_resolver

    lang = lang or get_language() or "fr"
    return render(str(text), lang=lang, resolver=new_resolver(),
                  embeds=embeds or embeds_policy(lang))  # fmt: skip


_NOTE_ANCHOR = re.compile(r'(id="|href="#)(n[bh])(\d+)"')


@register.simple_tag(takes_context=True)
def spip_block(context, text, lang: str = ""):
    """A « Texte SPIP » block: its HTML; its notes (``[[...]]``) go to the page's notes, which
    the page prints once at the end of the text, after every block (SPIP's ``#NOTES`` under the
    article), through ``{% page_notes %}``. Rendered where no page collects notes, a block
    carries its notes under it. The first block with notes on a page keeps SPIP's anchors
    (``#nb1``, so old links to a note still land); later ones are numbered apart."""
    if not text:
        return ""
    rendered = _render_spip(text, lang)
    html, notes = rendered.html, rendered.notes
    if not notes:
        return mark_safe(html)  # noqa: S308 (sanitised by redac.typo)
    request = context.get("request")
    number = getattr(request, "_redac_note_blocks", 0) + 1
    if request is not None:
        request._redac_note_blocks = number
    html, notes = number_notes(html, notes, number)
    collected = context.get(PAGE_NOTES)
    if isinstance(collected, list):
        collected.append(notes)
        return mark_safe(html)  # noqa: S308
    return mark_safe(html + _notes_html([notes]))  # noqa: S308


#: The context variable in which a page collects the notes of its blocks (BasePage.get_context).
PAGE_NOTES = "page_notes"


def _notes_html(parts) -> str:
    return format_html(
        '<div class="notes spip-notes"><h2 class="notes__title">{}</h2>{}</div>',
        _("Notes"),
        mark_safe("".join(parts)),  # noqa: S308 (sanitised by redac.typo)
    )


@register.simple_tag(takes_context=True)
def page_notes(context, extra: str = "", lang: str = ""):
    """The page's notes, once, at the end of its text: those of its « Texte SPIP » blocks, in
    order, then the notes typed apart (an article's « notes » field, in SPIP markup)."""
    parts = list(context.get(PAGE_NOTES) or [])
    if extra:
        parts.append(str(spip_filter(extra, lang)))
    if not parts:
        return ""
    return _notes_html(parts)


def _escape_text(text: str) -> str:
    # Quotes stay as typed (they are safe in text nodes) so that typography can curl them.
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@functools.lru_cache(maxsize=4096)
def _typo_text(text: str, lang: str) -> str:
    # Titles, section names and the site's name come back on every page: typography is a pure
    # function of the text and the language, so a bounded memo saves most of its cost.
    return typo(_escape_text(text), lang=lang)


@register.filter(name="typo_fr")
def typo_filter(text, lang: str = ""):
    """Plain text (a title, a name, a flash line) -> escaped HTML with the typography of ``lang``
    (the text's language), else of the language the page speaks."""
    if not text:
        return ""
    text, lang = str(text), lang or get_language() or "fr"
    if len(text) > 1000:
        return mark_safe(typo(_escape_text(text), lang=lang))  # noqa: S308
    return mark_safe(_typo_text(text, lang))  # noqa: S308


@register.filter(name="typo_site")
def typo_site_filter(text):
    """``|typo_fr`` in the site's own language (``REDAC_LANGUAGE``): for what belongs to the whole
    site — section titles in the navigation, the site's name, flash items, keywords — which keeps
    its typography on a page written in another language."""
    from django.conf import settings

    return typo_filter(text, settings.LANGUAGE_CODE)


@register.filter(name="typo_of")
def typo_of_filter(text, page):
    """``|typo_fr`` in the language of ``page`` when it has one (articles, brèves), else the
    site's: for the browser's tab title, where any page may appear."""
    return typo_filter(text, getattr(page, "lang", "") or "")


@register.filter(name="typo_html")
def typo_html_filter(html, lang: str = ""):
    """Typography inside already-safe HTML (Wagtail rich text): text nodes only; tags,
    attributes and URLs are left alone, and the result goes through the same allow-list."""
    if not html:
        return ""
    lang = lang or get_language() or "fr"
    return mark_safe(typo(str(html), lang=lang, embeds=embeds_policy(lang)))  # noqa: S308


@register.simple_tag
def embed_facade(value, lang: str = ""):
    """A « Vidéo ou son » block (Wagtail's embed) as the site's click-to-load facade."""
    from wagtail.embeds.format import embed_to_frontend_html

    url = getattr(value, "url", "") or ""
    if not url:
        return ""
    return mark_safe(facade_html(embed_to_frontend_html(url), lang))  # noqa: S308 (cleaned)


@register.simple_tag
def embed_script():
    """The script that loads an embed when the reader asks for it, with the origins it may
    load from (the same list as the CSP's frame-src)."""
    from django.templatetags.static import static

    return format_html(
        '<script src="{}" data-origins="{}" defer></script>',
        static("redac/js/embeds.js"),
        " ".join(frame_origins()),
    )
