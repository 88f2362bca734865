"""Template tags of the public theme: French dates, visit counters, flash ticker, campaign banner,
breadcrumb, main navigation, and the SPIP/typography filters."""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from redac.core.lib.dates import long_date as _long_date
from redac.core.lib.text import visits_label
from redac.typo import propre, typo

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
    return mark_safe(propre(str(text), lang=lang or get_language() or "fr"))  # noqa: S308


def _escape_text(text: str) -> str:
    # Quotes stay as typed (they are safe in text nodes) so that typography can curl them.
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@register.filter(name="typo_fr")
def typo_filter(text, lang: str = ""):
    """Plain text (a title, a name, a flash line) -> escaped HTML with French typography."""
    if not text:
        return ""
    return mark_safe(typo(_escape_text(text), lang=lang or get_language() or "fr"))  # noqa: S308


@register.filter(name="typo_html")
def typo_html_filter(html, lang: str = ""):
    """Typography inside already-safe HTML (Wagtail rich text): text nodes only; tags,
    attributes and URLs are left alone, and the result goes through the same allow-list."""
    if not html:
        return ""
    return mark_safe(typo(str(html), lang=lang or get_language() or "fr"))  # noqa: S308


@register.inclusion_tag("components/flash_ticker.html", takes_context=True)
def flash_ticker(context):
    from redac.flash.models import FLASH_TICKER_SIZE, FlashItem

    items = list(FlashItem.objects.visible().select_related("link_page")[:FLASH_TICKER_SIZE])
    return {"items": items, "request": context.get("request")}


@register.inclusion_tag("components/campaign_banner.html", takes_context=True)
def campaign_banner(context):
    from redac.flash.models import CampaignBanner

    banner = CampaignBanner.objects.active().select_related("link_page", "image").first()
    return {"banner": banner, "request": context.get("request")}


@register.inclusion_tag("components/breadcrumb.html", takes_context=True)
def breadcrumb(context, page=None, extra: str = ""):
    """Home > ... > the current page's parent, from the page tree (the current page is last)."""
    ancestors = []
    if page is not None and getattr(page, "depth", 0) > 1:
        ancestors = list(page.get_ancestors().filter(depth__gt=1).specific(defer=True))
    return {"ancestors": ancestors, "page": page, "extra": extra,
            "request": context.get("request")}  # fmt: skip


@register.inclusion_tag("components/main_nav.html", takes_context=True)
def main_nav(context):
    from wagtail.models import Site

    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    sections = []
    if site is not None:
        sections = list(site.root_page.get_children().live().public().in_menu())
    current = context.get("page")
    # The top-level section the current page lives in, marked for assistive technologies.
    current_path = getattr(current, "path", "")
    for section in sections:
        section.is_current = bool(current_path) and current_path.startswith(section.path)
    return {"sections": sections}
