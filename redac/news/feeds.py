"""RSS 2.0 and Atom feeds: the whole site, brèves only, a section (with its subsections), a keyword,
an author. Built on Django's ``contrib.syndication`` (STYLE.md's model of a small module on one base
class); this module only adds what news readers expect and Django leaves out: full text in
``content:encoded`` / Atom ``<content>``, one ``dc:creator`` per byline, the lead image as an
enclosure, keywords as categories.

Every URL is absolute on ``REDAC_SITE_URL`` (never the request's Host), every text is stripped of
characters XML 1.0 forbids (security case 54), and only ``published()`` items appear (case 55).
Every field is either plain text (titles, bylines, categories: XML-escaped text, as Atom's
``type="text"`` says) or HTML that readers render: the description is the item's plain text
escaped as text, the full text is the page's rendered HTML without what the page hides, cleaned
by the allow-list of ``text.clean_html`` (issue 15, « feed_markup »).
Feeds carry no per-user content, so the page cache (issue 6) may keep them; ``Last-Modified`` is the
newest item's date.
"""

from __future__ import annotations

import mimetypes
from itertools import chain

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.translation import gettext as _

from redac.core.paths import page_path

from .models import (
    ArticlePage,
    BrevePage,
    Keyword,
    SectionPage,
    published,
    published_authors,
)
from .text import absolute_url, feed_summary_html, item_html, summary, xml_safe

FEED_SIZE = 30
FEED_MAX_AGE = 300  # seconds; a publish purges the cache anyway (DESIGN.md data flow 2)
LEAD_IMAGE_SPEC = "fill-1200x630"


class NewsRssFeed(Rss201rev2Feed):
    """RSS 2.0 with the content, Dublin Core and Atom namespaces feed readers rely on."""

    # application/xml rather than application/rss+xml: Chromium shows the latter as plain text
    # and never applies the feed's stylesheet; feed readers read either (issue 16).
    content_type = "application/xml; charset=utf-8"

    def rss_attributes(self):
        attrs = super().rss_attributes()
        attrs["xmlns:content"] = "http://purl.org/rss/1.0/modules/content/"
        attrs["xmlns:dc"] = "http://purl.org/dc/elements/1.1/"
        return attrs

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item.get("creators", ()):
            handler.addQuickElement("dc:creator", name)
        if item.get("content_encoded"):
            handler.addQuickElement("content:encoded", item["content_encoded"])


class NewsAtomFeed(Atom1Feed):
    content_type = "application/xml; charset=utf-8"  # as the RSS feed's, for browsers

    def write(self, outfile, encoding):
        """Django's Atom feed, with the stylesheets its RSS feed names (Django 5.2 writes them
        for RSS only): a browser shows both as a readable page."""
        from django.utils.xmlutils import SimplerXMLGenerator

        handler = SimplerXMLGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        for stylesheet in self.feed["stylesheets"] or []:
            handler.processingInstruction("xml-stylesheet", stylesheet)
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item.get("creators", ()):
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.endElement("author")
        if item.get("content_encoded"):
            handler.addQuickElement("content", item["content_encoded"], {"type": "html"})


def _newest(*querysets, limit: int = FEED_SIZE):
    def prepared(qs):
        if qs.model is ArticlePage:
            qs = qs.select_related("lead_image")
        return qs.prefetch_related("author_links__author", "keywords").order_by("-date", "-pk")

    items = chain.from_iterable(prepared(qs)[:limit] for qs in querysets)
    return sorted(items, key=lambda page: (page.date, page.pk), reverse=True)[:limit]


class SiteFeed(Feed):
    """Articles and brèves of the whole site, newest first."""

    feed_type = NewsRssFeed
    title_suffix = ""

    def stylesheets(self, obj=None):
        """An XSLT stylesheet, served by the site itself (the CSP's 'self'), with which a browser
        shows the feed as a readable page (what it is, how to subscribe, the latest items)
        instead of raw XML; feed readers ignore it (issue 16)."""
        from django.templatetags.static import static
        from django.utils.feedgenerator import Stylesheet

        return [Stylesheet(static("redac/feed.xsl"), mimetype="text/xsl")]

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        patch_cache_control(response, public=True, max_age=FEED_MAX_AGE)
        return response

    # --- channel ---------------------------------------------------------------------------------
    def get_object(self, request, *args, **kwargs):
        return None

    def site_name(self) -> str:
        from wagtail.models import Site

        from redac.core.models import SiteIdentity

        site = Site.objects.filter(is_default_site=True).first()
        name = SiteIdentity.for_site(site).name if site else ""
        return name or (site.site_name if site else "") or "redac"

    def title(self, obj=None):
        suffix = self.channel_title(obj)
        return xml_safe(f"{self.site_name()} — {suffix}" if suffix else self.site_name())

    def channel_title(self, obj) -> str:
        return ""

    def link(self, obj=None):
        return absolute_url(self.channel_path(obj))

    def channel_path(self, obj) -> str:
        return "/"

    def feed_url(self, obj=None):
        return absolute_url(self.request_path)

    def get_feed(self, obj, request):
        self.request_path = request.path
        return super().get_feed(obj, request)

    def description(self, obj=None):
        from wagtail.models import Site

        from redac.core.models import SiteIdentity

        site = Site.objects.filter(is_default_site=True).first()
        tagline = SiteIdentity.for_site(site).tagline if site else ""
        return xml_safe(tagline or self.title(obj))

    def feed_extra_kwargs(self, obj):
        return {}

    language = "fr"

    def items(self, obj=None):
        return _newest(published(ArticlePage), published(BrevePage))

    # --- items -----------------------------------------------------------------------------------
    def item_title(self, item):
        return xml_safe(item.title)

    def item_description(self, item):
        # plain text, in a field that readers take for HTML: escaped as text (feed_summary_html)
        return feed_summary_html(summary(item))

    def item_link(self, item):
        return absolute_url(page_path(item))

    def item_guid(self, item):
        return self.item_link(item)

    item_guid_is_permalink = True

    def item_pubdate(self, item):
        return item.date

    def item_updateddate(self, item):
        return item.last_published_at or item.date

    def item_categories(self, item):
        return [xml_safe(keyword.name) for keyword in item.keywords.all()]

    def item_enclosures(self, item):
        image = getattr(item, "lead_image", None)
        if image is None:
            return []
        try:
            rendition = image.get_rendition(LEAD_IMAGE_SPEC)
            length = rendition.file.size
        except Exception:  # a missing original file must not take the whole feed down
            return []
        mime = mimetypes.guess_type(rendition.file.name)[0] or "image/jpeg"
        return [Enclosure(absolute_url(rendition.url), str(length), mime)]

    def item_extra_kwargs(self, item):
        return {
            "creators": [xml_safe(author.name) for author in item.authors],
            "content_encoded": item_html(item),
        }


class BrevesFeed(SiteFeed):
    def channel_title(self, obj):
        return "Brèves"

    def items(self, obj=None):
        return _newest(published(BrevePage))


class SectionFeed(SiteFeed):
    """A section and everything below it (SPIP's ``backend.html?id_rubrique=``)."""

    def get_object(self, request, slug):
        section = published(SectionPage).filter(slug=slug).order_by("path").first()
        if section is None:
            raise Http404("Rubrique inconnue")
        return section

    def channel_title(self, obj):
        return obj.title

    def channel_path(self, obj):
        return page_path(obj) or "/"

    def items(self, obj=None):
        return _newest(
            published(ArticlePage).descendant_of(obj), published(BrevePage).descendant_of(obj)
        )


class KeywordFeed(SiteFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Keyword, slug=slug)

    def channel_title(self, obj):
        return obj.name

    def channel_path(self, obj):
        return obj.get_absolute_url()

    def items(self, obj=None):
        return _newest(
            published(ArticlePage).filter(keywords=obj), published(BrevePage).filter(keywords=obj)
        )


class AuthorFeed(SiteFeed):
    def get_object(self, request, slug):
        return get_object_or_404(published_authors(), slug=slug)

    def channel_title(self, obj):
        return obj.name

    def channel_path(self, obj):
        return obj.get_absolute_url()

    def items(self, obj=None):
        return _newest(
            published(ArticlePage).filter(author_links__author=obj).distinct(),
            published(BrevePage).filter(author_links__author=obj).distinct(),
        )


def _atom(feed_class):
    return type(f"{feed_class.__name__}Atom", (feed_class,),
                {"feed_type": NewsAtomFeed, "subtitle": SiteFeed.description})  # fmt: skip


site_rss, site_atom = SiteFeed(), _atom(SiteFeed)()
breves_rss, breves_atom = BrevesFeed(), _atom(BrevesFeed)()
section_rss, section_atom = SectionFeed(), _atom(SectionFeed)()
keyword_rss, keyword_atom = KeywordFeed(), _atom(KeywordFeed)()
author_rss, author_atom = AuthorFeed(), _atom(AuthorFeed)()


def feed_links(page=None, *, keyword=None, author=None) -> list[tuple[str, str, str]]:
    """(type, title, href) of the feeds to advertise in a page's <head> (autodiscovery)."""
    links = [("application/rss+xml", _("Tout le site (RSS)"), "/feeds/rss/"),
             ("application/atom+xml", _("Tout le site (Atom)"), "/feeds/atom/")]  # fmt: skip
    if isinstance(page, SectionPage):
        links.append(("application/rss+xml", _("Rubrique %(title)s (RSS)") % {"title": page.title},
                      f"/feeds/rubriques/{page.slug}/rss/"))  # fmt: skip
    if keyword is not None:
        links.append(("application/rss+xml", _("Mot-clé %(name)s (RSS)") % {"name": keyword.name},
                      f"/feeds/mots/{keyword.slug}/rss/"))  # fmt: skip
    if author is not None:
        links.append(("application/rss+xml", f"{author.name} (RSS)",
                      f"/feeds/auteurs/{author.slug}/rss/"))  # fmt: skip
    return links
