"""``{% seo_meta %}``: what search engines, news aggregators and social networks read in a page's
<head> — canonical URL, description, Open Graph and Twitter cards, article dates/section/tags,
hreflang, feed autodiscovery, and JSON-LD (``NewsArticle`` + ``BreadcrumbList``).

Values are computed here, in Python, and escaped by the template (security case 59). JSON-LD is
serialised like Django's ``json_script`` (``<``, ``>``, ``&`` as ``\\uXXXX``, security case 62) but
with ``type="application/ld+json"``, which ``json_script`` cannot emit: a data block is never
executed, so the strict CSP does not forbid it.
"""

from __future__ import annotations

import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from redac.core import spiplinks
from redac.core.paths import page_path
from redac.news.feeds import feed_links
from redac.news.models import ArticlePage, BrevePage, SectionPage, display_ancestors
from redac.news.text import absolute_url, spip_text, summary, truncate_words

register = template.Library()

SOCIAL_IMAGE_SPEC = "fill-1200x630"  # Open Graph's recommended 1.91:1 large image
_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld(data) -> str:
    """A ``<script type="application/ld+json">`` block that no string inside can break out of."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308


def _iso(value):
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _site_identity(request):
    from wagtail.models import Site

    from redac.core.models import SiteIdentity

    if request is not None and Site.find_for_request(request) is not None:
        return SiteIdentity.for_request(request)
    site = Site.objects.filter(is_default_site=True).first()
    return SiteIdentity.for_site(site) if site else None


def _rendition_url(image, spec):
    if image is None:
        return None
    try:
        rendition = image.get_rendition(spec)
    except Exception:  # a missing original file must not break the page
        return None
    return absolute_url(rendition.url), rendition.width, rendition.height


#: A logo shown whole, never cropped to the card's 1.91:1 (issue 16: a cropped logo on the card).
LOGO_IMAGE_SPEC = "max-1200x1200"


def social_image(page, identity):
    """The image of a page's social card: the text's own (its main image, else the first image
    of its body), else a logo (the section's, then the site's) shown whole."""
    own = getattr(page, "lead_image", None) or _first_body_image(page)
    if own is not None:
        found = _rendition_url(own, SOCIAL_IMAGE_SPEC)
        if found is not None:
            return found
    for logo in (getattr(page, "logo", None), getattr(identity, "logo", None)):
        found = _rendition_url(logo, LOGO_IMAGE_SPEC)
        if found is not None:
            return found
    return None


def _first_body_image(page):
    for block in getattr(page, "body", None) or []:
        if block.block_type == "image" and block.value.get("image") is not None:
            return block.value["image"]
    return None


def _publisher(identity, name):
    logo = _rendition_url(getattr(identity, "logo", None), "height-60")
    logo_url = logo[0] if logo else absolute_url(static("redac/img/favicon.svg"))
    return {
        "@type": "NewsMediaOrganization",
        "name": name,
        "url": absolute_url("/"),
        "logo": {"@type": "ImageObject", "url": logo_url},
    }


def _author_ld(author):
    return {
        "@type": "Organization" if author.is_collective else "Person",
        "name": author.name,
        "url": absolute_url(author.get_absolute_url()),
    }


def _breadcrumb_ld(page, canonical):
    crumbs = display_ancestors(page)
    elements = []
    for position, crumb in enumerate([*crumbs, page], start=1):
        name = gettext("Accueil") if crumb.depth == 2 else crumb.title
        url = canonical if crumb.pk == page.pk else absolute_url(page_path(crumb))
        elements.append({"@type": "ListItem", "position": position, "name": name, "item": url})
    return {"@context": "https://schema.org", "@type": "BreadcrumbList",
            "itemListElement": elements}  # fmt: skip


def _top_section(page):
    first = next((p for p in display_ancestors(page) if p.depth == 3), None)
    return (
        first.title if first is not None and issubclass(first.specific_class, SectionPage) else None
    )


@register.inclusion_tag("components/meta.html", takes_context=True)
def seo_meta(context):
    request = context.get("request")
    page = context.get("page")
    author, keyword = context.get("author"), context.get("keyword")
    identity = _site_identity(request)
    site_name = (identity.name if identity else "") or settings.WAGTAIL_SITE_NAME
    meta = {
        "site_name": site_name,
        "robots": "max-image-preview:large",
        "feeds": feed_links(page, keyword=keyword, author=author),
        "og_type": "website",
        "article": None,
        "alternates": [],
        "json_ld": [],
    }
    if page is not None and getattr(page, "pk", None) and hasattr(page, "get_url_parts"):
        canonical = absolute_url(page_path(page))
        meta["canonical"] = canonical
        meta["title"] = page.seo_title or page.title
        meta["description"] = summary(page, 200)
        meta["lang"] = getattr(page, "lang", None) or "fr"
        meta["image"] = social_image(page, identity)
        if settings.WAGTAIL_I18N_ENABLED:
            meta["alternates"] = [
                (t.locale.language_code, absolute_url(page_path(t)))
                for t in page.get_translations(inclusive=True).live()
            ]
        elif isinstance(page, ArticlePage):
            # One locale, translations grouped as SPIP did (id_trad, known to redac.spipimport):
            # each version lists all of them, itself included, as search engines ask of hreflang
            # alternates.
            others = spiplinks.translations_of(page)
            if others:
                meta["alternates"] = [(meta["lang"], canonical)] + [
                    (t.lang, absolute_url(page_path(t))) for t in others
                ]
        if isinstance(page, ArticlePage | BrevePage):
            meta["og_type"] = "article"
            keywords = [k.name for k in page.keyword_list]
            section = _top_section(page)
            meta["article"] = {
                "published": _iso(page.date),
                "modified": _iso(page.last_published_at or page.date),
                "section": section,
                "tags": keywords,
            }
            article = {
                "@context": "https://schema.org",
                "@type": "NewsArticle",
                "headline": truncate_words(page.title, 110),
                "description": meta["description"],
                "datePublished": _iso(page.date),
                "dateModified": _iso(page.last_published_at or page.date),
                "inLanguage": meta["lang"],
                "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
                "url": canonical,
                "author": [_author_ld(a) for a in page.authors]
                or [{"@type": "Organization", "name": site_name, "url": absolute_url("/")}],
                "publisher": _publisher(identity, site_name),
            }
            if meta["image"]:
                article["image"] = [meta["image"][0]]
            if section:
                article["articleSection"] = section
            if keywords:
                article["keywords"] = keywords
            meta["json_ld"].append(json_ld(article))
        if page.depth > 2:
            meta["json_ld"].append(json_ld(_breadcrumb_ld(page, canonical)))
    elif author is not None:
        meta["canonical"] = absolute_url(author.get_absolute_url())
        meta["title"] = author.name
        # SPIP text on the page (|spip): described by what the page shows of it
        meta["description"] = truncate_words(spip_text(author.bio), 200) if author.bio else None
        meta["og_type"] = "profile"
    elif keyword is not None:
        meta["canonical"] = absolute_url(keyword.get_absolute_url())
        meta["title"] = keyword.name
        meta["description"] = truncate_words(spip_text(keyword.description or ""), 200) or None
    return meta
