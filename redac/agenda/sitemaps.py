"""Events and agenda pages in the sitemap (one more section of redac.news.sitemaps)."""

from __future__ import annotations

from itertools import chain

from redac.news.models import published
from redac.news.sitemaps import SiteSitemap

from .models import AgendaPage, EventPage


class EventSitemap(SiteSitemap):
    changefreq = "weekly"

    def items(self):
        return list(chain(published(AgendaPage).order_by("path"),
                          published(EventPage).defer("body").order_by("path")))  # fmt: skip
