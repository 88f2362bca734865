"""Where the agenda plugs into the news app without news naming it: its page types are offered
under the home page and sections, and its events get a sitemap."""

from __future__ import annotations

from redac.news import sitemaps
from redac.news.models import HomePage, SectionPage

from .sitemaps import EventSitemap


def allow_under(parent, *labels: str) -> None:
    """Add page types to what ``parent`` accepts (Wagtail reads ``subpage_types`` lazily, on the
    first « add a page », after every app is ready)."""
    current = list(parent.subpage_types or [])
    parent.subpage_types = current + [label for label in labels if label not in current]


def register() -> None:
    allow_under(SectionPage, "agenda.EventPage", "agenda.AgendaPage")
    allow_under(HomePage, "agenda.AgendaPage")
    sitemaps.SITEMAPS.setdefault("agenda", EventSitemap)
