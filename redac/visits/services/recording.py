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
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F

from redac.core.models import VisitCounterMixin

from ..models import (
    MAX_HALVINGS,
    POPULARITY_HALF_LIFE_SECONDS,
    POPULARITY_POINTS_PER_VISIT,
    DailyPageVisits,
    DailyReferrer,
    DailySiteVisits,
    PageStats,
    SeenVisitor,
)

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
