"""Sitemaps (protocol 0.9 with Google's image extension), the sitemap index, the Google News sitemap
of the last 48 hours, and robots.txt pointing at them.

Built on Django's ``contrib.sitemaps`` (its ``Sitemap`` class and ``sitemap`` view, which paginate
and set ``Last-Modified``). Two things are ours: locations are absolute on ``REDAC_SITE_URL``, not on
the request's Host (a cached sitemap must never carry a client-chosen host), and each URL lists its
lead image (``image:image``), which Django's template does not know about. The index is a small view
of its own for the same Host reason (Django's ``index`` view builds URLs from the request).
"""

from __future__ import annotations

import datetime as dt
from itertools import chain

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from redac.core.lib.params import positive_int
from redac.core.paths import page_path

from .models import (
    ArticlePage,
    BreveIndexPage,
    BrevePage,
    HomePage,
    Keyword,
    SectionPage,
    StandardPage,
    published,
    published_authors,
)
from .text import absolute_url, site_root, xml_safe

SITEMAP_MAX_AGE = 900
NEWS_WINDOW = dt.timedelta(hours=48)  # Google News only reads articles of the last two days
NEWS_MAX_URLS = 1000  # Google News sitemap limit


class SiteSitemap(Sitemap):
    """Base: absolute locations on the configured site; ``images(item)`` for the image extension."""

    limit = 10_000

    def get_urls(self, page=1, site=None, protocol=None):
        scheme, _, domain = site_root().partition("://")
        urls = self._urls(page, scheme, domain)
        for info in urls:
            info["images"] = self.images(info["item"])
        return urls

    def images(self, item) -> list[dict]:
        return []

    def location(self, item):
        return page_path(item) or "/"

    def lastmod(self, item):
        return getattr(item, "last_published_at", None)


class ArticleSitemap(SiteSitemap):
    changefreq = "weekly"

    def items(self):
        return published(ArticlePage).select_related("lead_image").order_by("-date", "-pk")

    def images(self, item):
        if item.lead_image is None:
            return []
        try:
            url = item.lead_image.get_rendition("width-1200").url
        except Exception:  # a missing original must not take the sitemap down
            return []
        return [{"loc": absolute_url(url), "title": xml_safe(item.lead_image.title)}]


class BreveSitemap(SiteSitemap):
    changefreq = "monthly"

    def items(self):
        return published(BrevePage).order_by("-date", "-pk")


class PageSitemap(SiteSitemap):
    """The home page, sections, brève listings and plain pages."""

    changefreq = "daily"

    def items(self):
        return sorted(
            chain(*(published(model).order_by("path")
                    for model in (HomePage, SectionPage, BreveIndexPage, StandardPage))),
            key=lambda page: page.path,
        )  # fmt: skip


class AuthorSitemap(SiteSitemap):
    changefreq = "weekly"

    def items(self):
        return published_authors().order_by("slug")

    def location(self, item):
        return item.get_absolute_url()

    def lastmod(self, item):
        return None


class KeywordSitemap(AuthorSitemap):
    def items(self):
        return Keyword.objects.order_by("slug")


SITEMAPS = {
    "articles": ArticleSitemap,
    "breves": BreveSitemap,
    "pages": PageSitemap,
    "auteurs": AuthorSitemap,
    "mots": KeywordSitemap,
}
LASTMOD_QUERIES = {
    "articles": lambda: published(ArticlePage).aggregate(m=Max("last_published_at"))["m"],
    "breves": lambda: published(BrevePage).aggregate(m=Max("last_published_at"))["m"],
    "pages": lambda: published(SectionPage).aggregate(m=Max("last_published_at"))["m"],
}


def _cacheable(response, max_age=SITEMAP_MAX_AGE):
    patch_cache_control(response, public=True, max_age=max_age)
    return response


@require_safe
def sitemap_index(request):
    """One entry per sitemap section (and per page of a section past 10,000 URLs)."""
    entries = []
    for name, cls in SITEMAPS.items():
        sitemap = cls()
        lastmod = LASTMOD_QUERIES[name]() if name in LASTMOD_QUERIES else None
        path = reverse("news:sitemap_section", kwargs={"section": name})
        for number in sitemap.paginator.page_range:
            suffix = f"?p={number}" if number > 1 else ""
            entries.append({"location": absolute_url(path) + suffix, "lastmod": lastmod})
    response = render(request, "news/seo/sitemap_index.xml", {"sitemaps": entries},
                      content_type="application/xml; charset=utf-8")  # fmt: skip
    return _cacheable(response)


@require_safe
def sitemap_section(request, section):
    if section not in SITEMAPS:
        raise Http404("Sitemap inconnu")
    response = sitemap_views.sitemap(
        request, {section: SITEMAPS[section]}, section=section,
        template_name="news/seo/sitemap.xml", content_type="application/xml; charset=utf-8",
    )  # fmt: skip
    return _cacheable(response)


@require_safe
def news_sitemap(request):
    """Google News sitemap: articles and brèves dated within the last 48 hours, newest first."""
    from wagtail.models import Site

    from redac.core.models import SiteIdentity

    since = timezone.now() - NEWS_WINDOW
    items = sorted(
        chain(published(ArticlePage).filter(date__gte=since, date__lte=timezone.now()),
              published(BrevePage).filter(date__gte=since, date__lte=timezone.now())),
        key=lambda page: (page.date, page.pk), reverse=True,
    )[:NEWS_MAX_URLS]  # fmt: skip
    site = Site.objects.filter(is_default_site=True).first()
    name = (SiteIdentity.for_site(site).name if site else "") or "redac"
    entries = [
        {"location": absolute_url(page_path(page)), "title": xml_safe(page.title),
         "date": page.date, "lang": page.lang or "fr"}
        for page in items
    ]  # fmt: skip
    response = render(request, "news/seo/news_sitemap.xml",
                      {"entries": entries, "publication": xml_safe(name)},
                      content_type="application/xml; charset=utf-8")  # fmt: skip
    if items:
        response.headers["Last-Modified"] = http_date(items[0].date.timestamp())
    return _cacheable(response, max_age=300)


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /recherche/",
        "",
        f"Sitemap: {absolute_url('/sitemap.xml')}",
        f"Sitemap: {absolute_url('/sitemap-news.xml')}",
        "",
    ]
    return _cacheable(HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8"))


SPIP_BACKENDS = {"backend": "/feeds/rss/", "backend-breves": "/feeds/breves/rss/"}


@require_safe
def spip_backend(request):
    """SPIP's feed addresses (``spip.php?page=backend``, optionally ``&id_rubrique=N`` or
    ``&id_mot=N``) keep working: subscribers of the old site are redirected, not lost."""
    page = request.GET.get("page", "")
    if page not in SPIP_BACKENDS:
        raise Http404("Adresse SPIP inconnue")
    target = SPIP_BACKENDS[page]
    rubrique, mot = request.GET.get("id_rubrique", ""), request.GET.get("id_mot", "")
    if page == "backend" and positive_int(rubrique):
        # the section numbered so (redac.news.numbers: imported or made in redac)
        from . import numbers

        found = numbers.object_for(numbers.Kind.RUBRIQUE, positive_int(rubrique))
        section = published(SectionPage).filter(pk=found.pk).first() if found else None
        if section is not None:
            target = f"/feeds/rubriques/{section.slug}/rss/"
    elif page == "backend" and positive_int(mot):
        keyword = Keyword.objects.filter(import_ref=f"spip:mot:{mot}").first()
        if keyword is not None:
            target = f"/feeds/mots/{keyword.slug}/rss/"
    return HttpResponsePermanentRedirect(target)
