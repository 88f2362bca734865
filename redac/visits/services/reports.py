"""Reading audience figures: daily and monthly series, most visited pages, sections and referrers,
« Les plus lus », popularity."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.apps import apps
from django.db.models import Sum
from django.utils import timezone
from wagtail.models import Page

from ..models import DailyPageVisits, DailyReferrer, DailySiteVisits, PageStats
from .retention import retention_cutoff

#: Page types listed in « Les plus lus » (sections, listings and the home page are not "read").
MOST_READ_PAGE_TYPES = ("news.ArticlePage", "news.BrevePage")


def daily_series(days: int, page_id: int | None = None, today: dt.date | None = None):
    """[(day, visits)] for the last ``days`` days, today included, zeros filled in."""
    today = today or timezone.localdate()
    start = today - dt.timedelta(days=days - 1)
    if page_id is None:
        rows = DailySiteVisits.objects.filter(day__gte=start).values_list("day", "visits")
    else:
        rows = DailyPageVisits.objects.filter(page_id=page_id, day__gte=start).values_list(
            "day", "visits"
        )
    found = dict(rows)
    return [(start + dt.timedelta(days=i), found.get(start + dt.timedelta(days=i), 0))
            for i in range(days)]  # fmt: skip


def monthly_series(months: int, page_id: int | None = None, today: dt.date | None = None):
    """[(first day of month, visits)] for the last ``months`` months, this one included."""
    today = today or timezone.localdate()
    first = retention_cutoff(today.replace(day=1), months - 1).replace(day=1)
    if page_id is None:
        rows = DailySiteVisits.objects.filter(day__gte=first).values_list("day", "visits")
    else:
        rows = DailyPageVisits.objects.filter(page_id=page_id, day__gte=first).values_list(
            "day", "visits"
        )
    totals: Counter[dt.date] = Counter()
    for day, visits in rows:
        totals[day.replace(day=1)] += visits
    result = []
    index = first.year * 12 + first.month - 1
    for offset in range(months):
        month = dt.date((index + offset) // 12, (index + offset) % 12 + 1, 1)
        result.append((month, totals.get(month, 0)))
    return result


def visits_by_page(since: dt.date | None = None) -> dict[int, int]:
    if since is None:
        return dict(PageStats.objects.values_list("page_id", "total"))
    rows = (
        DailyPageVisits.objects.filter(day__gte=since)
        .values("page_id")
        .annotate(n=Sum("visits"))
        .values_list("page_id", "n")
    )
    return dict(rows)


def top_pages(since: dt.date | None = None, limit: int = 20, within: Page | None = None):
    """[(page, visits)] most visited first; ``since=None`` means all time. Only live pages."""
    totals = visits_by_page(since)
    pages = Page.objects.live().filter(pk__in=list(totals))
    if within is not None:
        pages = pages.descendant_of(within)
    ranked = sorted(pages, key=lambda page: (-totals[page.pk], page.pk))[:limit]
    return [(page, totals[page.pk]) for page in ranked]


def top_sections(since: dt.date | None = None, limit: int = 20):
    """[(section, visits)]: each section's visits include every page below it."""
    section_model = apps.get_model("news", "SectionPage")
    totals = visits_by_page(since)
    paths = dict(Page.objects.filter(pk__in=list(totals)).values_list("pk", "path"))
    sections = list(section_model.objects.live())
    by_path = {section.path: section for section in sections}
    sums: Counter[int] = Counter()
    step = Page.steplen
    for page_id, path in paths.items():
        for end in range(step, len(path) + 1, step):
            section = by_path.get(path[:end])
            if section is not None:
                sums[section.pk] += totals[page_id]
    ranked = sorted(sections, key=lambda s: (-sums[s.pk], s.path))
    return [(section, sums[section.pk]) for section in ranked if sums[section.pk]][:limit]


def top_referrers(since: dt.date, limit: int = 20, page_id: int | None = None):
    rows = DailyReferrer.objects.filter(day__gte=since)
    if page_id is not None:
        rows = rows.filter(page_id=page_id)
    return list(
        rows.values("domain").annotate(n=Sum("visits")).order_by("-n", "domain")
        .values_list("domain", "n")[:limit]
    )  # fmt: skip


def most_read(within: Page | None = None, days: int | None = 7, limit: int = 5):
    """« Les plus lus »: live, public articles and brèves (below ``within`` if given), by visits
    over the last ``days`` days, or of all time when ``days`` is None."""
    from django.contrib.contenttypes.models import ContentType

    type_ids = [
        ContentType.objects.get_for_model(apps.get_model(label)).pk
        for label in MOST_READ_PAGE_TYPES
    ]
    from redac.news.models import published

    candidates = published(Page).filter(content_type_id__in=type_ids)
    if within is not None:
        candidates = candidates.descendant_of(within)
    if days is None:
        ranked = (
            PageStats.objects.filter(page__in=candidates.values("pk"), total__gt=0)
            .order_by("-total", "-page_id")
            .values_list("page_id", "total")[:limit]
        )
    else:
        since = timezone.localdate() - dt.timedelta(days=days - 1)
        ranked = (
            DailyPageVisits.objects.filter(day__gte=since, page__in=candidates.values("pk"))
            .values("page_id")
            .annotate(n=Sum("visits"))
            .order_by("-n", "-page_id")
            .values_list("page_id", "n")[:limit]
        )
    ranked = list(ranked)
    pages = Page.objects.in_bulk([page_id for page_id, _ in ranked])
    return [(pages[page_id], n) for page_id, n in ranked if page_id in pages]


def popular_pages(limit: int = 20):
    """[(page, popularity)] by SPIP's decaying score, now."""
    rows = (
        PageStats.objects.with_current_popularity()
        .filter(score__gt=0, page__live=True)
        .order_by("-popularity")
        .values_list("page_id", "popularity")[:limit]
    )
    rows = list(rows)
    pages = Page.objects.in_bulk([page_id for page_id, _ in rows])
    return [(pages[page_id], score) for page_id, score in rows if page_id in pages]
