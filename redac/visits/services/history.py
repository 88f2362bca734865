"""Audience carried over from another system (SPIP): pages' totals, daily series, popularity and
referrers, and the site's daily series. Idempotent: figures are set, not added."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from redac.core.models import VisitCounterMixin

from ..models import DailyPageVisits, DailyReferrer, DailySiteVisits, PageStats
from ..visitor import referrer_label
from .recording import _CHUNK


@dataclass
class PageHistory:
    """A page's audience as another system (SPIP) recorded it."""

    page_id: int
    total: int | None  # None: the page's total and popularity are left as they are
    daily: dict[dt.date, int] = field(default_factory=dict)
    popularity: float | None = None
    referrers: dict[str, int] = field(default_factory=dict)  # URL or domain -> visits
    counter_model: type | None = None  # the page's concrete model, if it has ``visit_count``
    referrer_day: dt.date | None = None  # default: the last day of ``daily``, else today


def import_history(
    page: Page,
    total: int,
    daily: dict[dt.date, int] | None = None,
    popularity: float | None = None,
    referrers: dict[str, int] | None = None,
) -> None:
    """Carry a page's visit history over from another system (SPIP), so its counters continue.
    See :func:`import_histories`."""
    specific_model = page.specific_class
    if specific_model is not None and not issubclass(specific_model, VisitCounterMixin):
        specific_model = None
    import_histories([PageHistory(page.pk, total, dict(daily or {}), popularity,
                                  dict(referrers or {}), specific_model)])  # fmt: skip


def import_histories(histories: Iterable[PageHistory]) -> None:
    """Carry pages' visit histories over, in bulk (a few statements per 250 pages).

    Idempotent, so that re-running an import updates rather than doubles: the total, each day's
    figure and each referrer's figure are *set*, not added. ``referrers`` maps a URL or domain to a
    count (SPIP's ``spip_referers_articles`` has no dates): they are filed on the page's last
    visited day (or today) and so expire with the retention like any referrer. The site-wide
    series comes from ``import_site_history`` (SPIP's ``spip_visites``), not from summing pages.
    Negative counts are refused (ValueError) before anything is written.
    """
    histories = list(histories)
    for history in histories:
        if (
            (history.total or 0) < 0
            or any(n < 0 for n in history.daily.values())
            or any(n < 0 for n in history.referrers.values())
        ):
            raise ValueError("visit counts cannot be negative")
    now = time.time()
    own = _own_hosts() if any(h.referrers for h in histories) else set()
    today = timezone.localdate()
    counters: dict[type, list] = defaultdict(list)
    stats, days, referrers = [], [], []
    for history in histories:
        if history.total is not None:
            if history.counter_model is not None:
                counters[history.counter_model].append(
                    history.counter_model(pk=history.page_id, visit_count=history.total)
                )
            stats.append(PageStats(page_id=history.page_id, total=history.total,
                                   score=float(history.popularity or 0.0), updated_ts=now))  # fmt: skip
        days += [DailyPageVisits(page_id=history.page_id, day=day, visits=count)
                 for day, count in history.daily.items()]  # fmt: skip
        labelled: Counter[str] = Counter()
        for source, count in history.referrers.items():
            source = source if "://" in source else f"http://{source}"
            label = referrer_label(source, own)
            if label:
                labelled[label] += int(count)
        day = history.referrer_day or (max(history.daily) if history.daily else today)
        referrers += [DailyReferrer(page_id=history.page_id, day=day, domain=label[:120],
                                    visits=count) for label, count in labelled.items()]  # fmt: skip
    with transaction.atomic():
        for model, objs in counters.items():
            model.objects.bulk_update(objs, ["visit_count"], batch_size=_CHUNK)
        PageStats.objects.bulk_create(
            stats, batch_size=_CHUNK, update_conflicts=True, unique_fields=["page"],
            update_fields=["total", "score", "updated_ts"],
        )  # fmt: skip
        DailyPageVisits.objects.bulk_create(
            days, batch_size=_CHUNK, update_conflicts=True, unique_fields=["page", "day"],
            update_fields=["visits"],
        )  # fmt: skip
        DailyReferrer.objects.bulk_create(
            referrers, batch_size=_CHUNK, update_conflicts=True,
            unique_fields=["page", "day", "domain"], update_fields=["visits"],
        )  # fmt: skip


def import_site_history(daily: dict[dt.date, int]) -> None:
    """The whole site's daily series from another system (SPIP ``spip_visites``); idempotent."""
    if any(n < 0 for n in daily.values()):
        raise ValueError("visit counts cannot be negative")
    DailySiteVisits.objects.bulk_create(
        [DailySiteVisits(day=day, visits=count) for day, count in daily.items()],
        batch_size=_CHUNK, update_conflicts=True, unique_fields=["day"], update_fields=["visits"],
    )  # fmt: skip


def _own_hosts() -> set[str]:
    from urllib.parse import urlsplit

    from wagtail.models import Site

    hosts = {urlsplit(settings.SITE_URL).hostname or ""}
    hosts.update(Site.objects.values_list("hostname", flat=True))
    return {host for host in hosts if host}
