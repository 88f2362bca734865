"""The visit buffer: a group commit, so that thousands of beacons a second cost a few hundred
transactions, and a beacon is answered only once its visit is durable.

Request threads hand a ``Hit`` to ``visit_buffer.submit`` and wait. One writer thread per server
process takes everything that arrived, waits ``REDAC_VISITS_BATCH_MS`` for more (the batch
interval: it bounds the latency a beacon adds, and with it the throughput a given number of request
threads can reach), writes the whole batch in ONE transaction (``services.record_hits``) and then
wakes the waiting requests, which answer 204. A process killed with SIGKILL therefore loses only
beacons that were never acknowledged; SIGTERM (granian's graceful stop) runs the ``atexit`` hook,
which commits what is pending before the process ends.

Why a thread and not django-tasks: a task queue adds a write per beacon (the task row) before the
real one, which is exactly the cost the batch avoids; and a beacon must not be acknowledged before
it is in the database. Why not a library: nothing maintained does a group commit onto the Django
ORM; this is ~100 lines.

Because request threads block while their batch commits, ``redac serve`` runs granian with many
blocking threads (see serve.py): a beacon occupies a thread for a few milliseconds while using
almost no CPU.
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import os
import threading
import time

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection
from django.utils import timezone

from .models import SeenVisitor
from .services import Hit, record_hits

logger = logging.getLogger(__name__)

MAX_BATCH = 2000
MAX_PENDING = 20000  # beyond this the database is not keeping up: answer 503, do not queue forever
ATTEMPTS = 3


class _Ticket:
    __slots__ = ("hit", "done", "ok")

    def __init__(self, hit: Hit):
        self.hit = hit
        self.done = threading.Event()
        self.ok = False


def _metrics():
    from redac.core import metrics

    return metrics


class VisitBuffer:
    def __init__(self, batch_seconds: float | None = None, record=record_hits):
        self._batch_seconds = batch_seconds
        self._record = record
        self._uses_database = record is record_hits  # tests inject a recorder without a database
        self._condition = threading.Condition()
        self._pending: list[_Ticket] = []
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()
        self._stopping = False
        self._cleaned_day: dt.date | None = None
        self.batches = 0  # for tests and diagnostics

    @property
    def batch_seconds(self) -> float:
        if self._batch_seconds is not None:
            return self._batch_seconds
        return settings.VISITS_BATCH_MS / 1000

    def submit(self, hit: Hit, timeout: float = 10.0) -> bool:
        """Queue a hit and wait until its batch is committed. False: not durable (answer 503)."""
        ticket = _Ticket(hit)
        with self._condition:
            if self._pid != os.getpid():  # a forked child must not share the parent's thread
                self._reset_after_fork()
            if self._stopping or len(self._pending) >= MAX_PENDING:
                return False
            self._pending.append(ticket)
            _metrics().VISIT_BACKLOG.inc()
            if self._thread is None:
                self._start()
            self._condition.notify()
        if not ticket.done.wait(timeout):
            return False
        return ticket.ok

    def stop(self, timeout: float = 10.0) -> None:
        """Commit what is pending and stop the writer (atexit: SIGTERM, normal exit)."""
        with self._condition:
            self._stopping = True
            self._condition.notify()
            thread = self._thread
        if thread is not None and thread.is_alive():
            thread.join(timeout)

    def _reset_after_fork(self) -> None:
        self._pending, self._thread, self._pid = [], None, os.getpid()

    def _start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="visit-buffer", daemon=True)
        self._thread.start()
        atexit.register(self.stop)

    def _run(self) -> None:
        try:
            while True:
                with self._condition:
                    while not self._pending and not self._stopping:
                        self._condition.wait()
                    if not self._pending:
                        return
                    stopping = self._stopping
                if not stopping and self.batch_seconds:
                    time.sleep(self.batch_seconds)  # let the batch fill: the group in group commit
                with self._condition:
                    batch = self._pending[:MAX_BATCH]
                    del self._pending[:MAX_BATCH]
                started = time.perf_counter()
                self._commit(batch)
                metrics = _metrics()
                metrics.VISIT_FLUSH_SECONDS.observe(time.perf_counter() - started)
                metrics.VISIT_BACKLOG.dec(len(batch))
        finally:
            if self._uses_database:
                connection.close()

    def _commit(self, batch: list[_Ticket]) -> None:
        hits = [ticket.hit for ticket in batch]
        ok = False
        for attempt in range(ATTEMPTS):
            try:
                self._record(hits)
                ok = True
                break
            except IntegrityError:
                # A page deleted between validation and commit: drop its hits, keep the others.
                from wagtail.models import Page

                existing = set(
                    Page.objects.filter(pk__in={h.page_id for h in hits}).values_list(
                        "pk", flat=True
                    )
                )
                hits = [hit for hit in hits if hit.page_id in existing]
            except DatabaseError:
                logger.exception("visits: batch of %d failed (attempt %d)", len(hits), attempt + 1)
                if self._uses_database:
                    connection.close()  # a broken connection is reopened on the next attempt
                time.sleep(0.05 * (attempt + 1))
            except Exception:
                logger.exception("visits: batch of %d failed", len(hits))
                break
        self.batches += 1
        for ticket in batch:
            ticket.ok = ok
            ticket.done.set()
        if ok and self._uses_database:
            self._forget_past_visitor_keys()

    def _forget_past_visitor_keys(self) -> None:
        """Once per day and process: yesterday's keys are useless and must not linger."""
        today = timezone.localdate()
        if self._cleaned_day == today:
            return
        try:
            SeenVisitor.objects.filter(day__lt=today).delete()
            self._cleaned_day = today
        except DatabaseError:
            logger.exception("visits: could not delete past visitor keys")
            connection.close()


visit_buffer = VisitBuffer()
