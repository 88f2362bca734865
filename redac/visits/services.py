"""Writing and reading audience figures.

``record_hits`` is the one place where beacons become counters: it runs inside the group-commit
transaction of ``redac.visits.buffer`` and only issues SQL increments, so any number of server
processes can run it at once on SQLite or PostgreSQL without losing an update.

*Why an in-database table of today's hashed keys (``SeenVisitor``) for "once per visitor per page per
day".* The dedup must hold across granian worker processes (and across machines on PostgreSQL); a
per-process memory set would count a reader twice when their two beacons reach two workers. The
table holds only HMACs under a secret that is not in the database (see ``visitor.py``), and is
emptied when the day ends. ``INSERT ... ON CONFLICT DO NOTHING RETURNING`` tells, in the same
transaction as the increments, exactly which hits are new, so the increments follow from the rows
actually inserted: a retry of a failed batch can never count twice.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Sum
from django.utils import timezone
from wagtail.models import Page

from redac.core.models import VisitCounterMixin

from .models import (
    MAX_HALVINGS,
    POPULARITY_HALF_LIFE_SECONDS,
    POPULARITY_POINTS_PER_VISIT,
    DailyPageVisits,
    DailyReferrer,
    DailySiteVisits,
    PageStats,
    SeenVisitor,
)
from .visitor import referrer_label

#: Page types listed in « Les plus lus » (sections, listings and the home page are not "read").
MOST_READ_PAGE_TYPES = ("news.ArticlePage", "news.BrevePage")
_CHUNK = 250  # rows per multi-row INSERT: well under SQLite's 32,766 bound parameters


@dataclass(frozen=True, slots=True)
class Hit:
    """One accepted beacon, already reduced to what may be kept."""

    page_id: int
    day: dt.date
    key: str  # HMAC visitor key (see visitor.py); lives in SeenVisitor until the day ends
    referrer: str  # a domain or group label, or ""
    counter_model: type | None  # the page's concrete model if it has ``visit_count``
    ts: float


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


def _chunks(rows: list, size: int = _CHUNK) -> Iterable[list]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _day(value: dt.date):
    return connection.ops.adapt_datefield_value(value)


def _new_visitors(hits: list[Hit]) -> list[Hit]:
    """The hits whose (day, visitor key) was not seen before, in this batch or in the database."""
    first: dict[tuple[dt.date, str], Hit] = {}
    for hit in hits:
        first.setdefault((hit.day, hit.key), hit)
    table = _qn(SeenVisitor._meta.db_table)
    inserted: set[tuple[str, str]] = set()
    with connection.cursor() as cursor:
        for chunk in _chunks(list(first)):
            values = ",".join(["(%s, %s)"] * len(chunk))
            params = [p for day, key in chunk for p in (_day(day), key)]
            cursor.execute(
                f"INSERT INTO {table} (day, {_qn('key')}) VALUES {values} "  # noqa: S608
                f"ON CONFLICT (day, {_qn('key')}) DO NOTHING RETURNING day, {_qn('key')}",
                params,
            )
            inserted.update((str(day), key) for day, key in cursor.fetchall())
    return [hit for (day, key), hit in first.items() if (str(day), key) in inserted]


def _add_counts(model, key_columns: list[str], counts: dict[tuple, int]) -> None:
    """``INSERT ... ON CONFLICT DO UPDATE SET visits = visits + excluded.visits`` for each key."""
    if not counts:
        return
    table = _qn(model._meta.db_table)
    columns = ", ".join(_qn(column) for column in [*key_columns, "visits"])
    conflict = ", ".join(_qn(column) for column in key_columns)
    rows = [(*key, count) for key, count in counts.items()]
    with connection.cursor() as cursor:
        for chunk in _chunks(rows):
            values = ",".join(["(" + ", ".join(["%s"] * (len(key_columns) + 1)) + ")"] * len(chunk))
            params = [
                _day(value) if isinstance(value, dt.date) else value
                for row in chunk
                for value in row
            ]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {values} "  # noqa: S608
                f"ON CONFLICT ({conflict}) DO UPDATE SET visits = {table}.visits + excluded.visits",
                params,
            )


def _add_to_page_stats(per_page: dict[int, int], now: float) -> None:
    """Totals and popularity: the stored score is decayed to ``now`` and the new points added, in
    one SQL statement per chunk (SPIP recomputes it in PHP from a read; we never read)."""
    if not per_page:
        return
    table = _qn(PageStats._meta.db_table)
    rows = [(page_id, n, n * POPULARITY_POINTS_PER_VISIT, now) for page_id, n in per_page.items()]
    half_life = float(POPULARITY_HALF_LIFE_SECONDS)
    # Halvings since the last update, capped: PostgreSQL raises on underflow where SQLite gives 0.
    elapsed = f"(excluded.updated_ts - {table}.updated_ts) / %s"
    with connection.cursor() as cursor:
        for chunk in _chunks(rows):
            values = ",".join(["(%s, %s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} (page_id, total, score, updated_ts) VALUES {values} "  # noqa: S608
                f"ON CONFLICT (page_id) DO UPDATE SET total = {table}.total + excluded.total, "
                f"score = {table}.score * POWER(%s, CASE WHEN {elapsed} > %s THEN %s ELSE {elapsed}"
                f" END) + excluded.score, updated_ts = excluded.updated_ts",
                [p for row in chunk for p in row]
                + [0.5, half_life, MAX_HALVINGS, MAX_HALVINGS, half_life],
            )


def record_hits(hits: list[Hit]) -> int:
    """Count a batch of hits in one transaction; returns how many were new visits."""
    if not hits:
        return 0
    with transaction.atomic():
        counted = _new_visitors(hits)
        if not counted:
            return 0
        now = max(hit.ts for hit in counted)
        _add_counts(
            DailyPageVisits, ["page_id", "day"], Counter((h.page_id, h.day) for h in counted)
        )
        _add_counts(DailySiteVisits, ["day"], Counter((h.day,) for h in counted))
        _add_counts(
            DailyReferrer, ["page_id", "day", "domain"],
            Counter((h.page_id, h.day, h.referrer) for h in counted if h.referrer),
        )  # fmt: skip
        per_page = Counter(h.page_id for h in counted)
        _add_to_page_stats(per_page, now)
        # visit_count lives on each concrete page table: one F() increment per (model, amount).
        groups: dict[tuple[type, int], list[int]] = defaultdict(list)
        models_by_page = {h.page_id: h.counter_model for h in counted if h.counter_model}
        for page_id, model in models_by_page.items():
            groups[(model, per_page[page_id])].append(page_id)
        for (model, amount), page_ids in groups.items():
            model.objects.filter(pk__in=page_ids).update(visit_count=F("visit_count") + amount)
    return len(counted)


def counter_model_for(content_type_id: int) -> type | None:
    from django.contrib.contenttypes.models import ContentType

    model = ContentType.objects.get_for_id(content_type_id).model_class()
    return model if model is not None and issubclass(model, VisitCounterMixin) else None


def visit_total(page_id: int, content_type_id: int) -> int:
    """The number shown as « N visites »: the page's ``visit_count``, or its PageStats total for
    page types without one."""
    model = counter_model_for(content_type_id)
    if model is not None:
        value = model.objects.filter(pk=page_id).values_list("visit_count", flat=True).first()
    else:
        value = PageStats.objects.filter(page_id=page_id).values_list("total", flat=True).first()
    return int(value or 0)


# --- SPIP history ---------------------------------------------------------------------------------


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


# --- Retention ------------------------------------------------------------------------------------


def retention_cutoff(today: dt.date, months: int) -> dt.date:
    """The first day kept: the same day of the month ``months`` months ago (clamped to 28)."""
    month_index = today.year * 12 + (today.month - 1) - months
    return dt.date(month_index // 12, month_index % 12 + 1, min(today.day, 28))


def purge_visits(today: dt.date | None = None) -> dict[str, int]:
    """Delete what the CNIL exemption does not allow to keep: daily series and referrers older
    than ``VISITS_RETENTION_MONTHS`` (25 at most), visitor keys of past days, old daily secrets.
    Totals and popularity are anonymous aggregates and stay (SPIP keeps them too)."""
    today = today or timezone.localdate()
    cutoff = retention_cutoff(today, settings.VISITS_RETENTION_MONTHS)
    with transaction.atomic():
        deleted = {
            "daily_pages": DailyPageVisits.objects.filter(day__lt=cutoff).delete()[0],
            "daily_site": DailySiteVisits.objects.filter(day__lt=cutoff).delete()[0],
            "referrers": DailyReferrer.objects.filter(day__lt=cutoff).delete()[0],
            "visitor_keys": SeenVisitor.objects.filter(day__lt=today).delete()[0],
        }
    run_dir = Path(settings.DATA_DIR) / "run"
    for secret in run_dir.glob("visits-secret-*"):
        if secret.name < f"visits-secret-{today.isoformat()}":
            secret.unlink(missing_ok=True)
    return deleted


# --- Reading --------------------------------------------------------------------------------------


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
