"""The page chrome of the public theme: each part is the same on every page of a site (in one
language), so it is rendered once per worker until the next invalidation or scheduled change
(:func:`redac.delivery.chrome.site_wide`)."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.translation import get_language
from wagtail.models import Page, Site

from redac.core.models import SiteIdentity
from redac.delivery.chrome import site_wide
from redac.flash.models import FLASH_TICKER_SIZE, CampaignBanner, FlashItem
from redac.news.models import display_ancestors

register = template.Library()


def _site_fragment(context, name: str, template_name: str, build, vary: str = "") -> str:
    """The HTML of a part of the page chrome that is the same on every page of a site (in one
    language; ``vary`` tells the variants apart), rendered once per worker until the next
    invalidation or scheduled change (redac.delivery.chrome)."""
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    key = f"fragment:{name}:{get_language()}:{site.pk if site else '-'}:{vary}"
    return site_wide(key, lambda: render_to_string(template_name, build(site), request=request))


@register.simple_tag(takes_context=True)
def flash_ticker(context):
    def build(site):
        return {
            "items": FlashItem.objects.visible().select_related("link_page")[:FLASH_TICKER_SIZE]
        }

    return _site_fragment(context, "flash_ticker", "components/flash_ticker.html", build)


@register.simple_tag(takes_context=True)
def campaign_banner(context):
    def build(site):
        return {
            "banner": CampaignBanner.objects.active().select_related("link_page", "image").first()
        }

    return _site_fragment(context, "campaign_banner", "components/campaign_banner.html", build)


def _identity(site):
    return {"identity": SiteIdentity.remembered(site) if site is not None else None}


@register.simple_tag(takes_context=True)
def site_header(context):
    """Logo, name, tagline and search form."""
    return _site_fragment(context, "site_header", "components/site_header.html", _identity)


@register.simple_tag(takes_context=True)
def site_footer(context):
    """Name, contact and legal pages, newsletter and newsroom links."""
    return _site_fragment(context, "site_footer", "components/site_footer.html", _identity)


@register.inclusion_tag("components/breadcrumb.html", takes_context=True)
def breadcrumb(context, page=None, extra: str = ""):
    """Home > ... > the current page's parent, from the page tree (the current page is last)."""
    ancestors = []
    if page is not None and getattr(page, "depth", 0) > 1:
        ancestors = display_ancestors(page)
    return {"ancestors": ancestors, "page": page, "extra": extra,
            "request": context.get("request")}  # fmt: skip


@register.simple_tag(takes_context=True)
def main_nav(context):
    """The site's top-level sections; the one the current page lives in is marked for assistive
    technologies (one variant of the fragment per section)."""
    # The tree path of the top-level section (depth 3) the current page lives in, if any.
    current = (getattr(context.get("page"), "path", "") or "")[: 3 * Page.steplen]

    def build(site):
        sections = site.root_page.get_children().live().public().in_menu() if site else []
        return {"sections": [
            {"page": s, "is_current": bool(current) and current.startswith(s.path)} for s in sections
        ]}  # fmt: skip

    return _site_fragment(context, "main_nav", "components/main_nav.html", build, vary=current)
