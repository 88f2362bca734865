"""The invalidation outbox: a purge is never lost, whatever the shared store does.

A publication and the purge it causes are written in ONE transaction: the page's new state and an
:class:`~redac.delivery.models.Invalidation` row. When the transaction commits, the process that
made the change applies the row (shared store, its node's static folder, the CDN) and marks it
applied. If the store does not answer (Redis down or hanging), the publication still succeeds for
the editor; the row stays pending and:

- the background job ``delivery.outbox`` (the lease holder's ``redac worker``) applies it again
  every second until the store takes it;
- every web worker polls the pending rows in a thread of its own (never in a reader's request) and
  serves the paths they name from no layer (neither its memory layer nor the shared store):
  those readers get a fresh rendering, the others are served as usual.

Each node applies every row to what only it holds (its static folder ``REDAC_PUBLISH_DIR``, its page
cache when it is not shared): its ``redac worker`` does so every second, lease or not
(:func:`apply_local`). A node that was stopped longer than the rows are kept empties its folder when
it starts.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, close_old_connections, transaction
from django.utils import timezone

from . import conf

log = logging.getLogger("redac.delivery.outbox")

#: Applied rows are kept this long, for the nodes' static folders (a node stopped longer than this
#: empties its folder when it starts).
KEEP = dt.timedelta(days=1)
#: How far back each node looks for rows it has not applied yet (rows are numbered when inserted
#: but may commit in another order; a publication's transaction lasts far less than this).
LOOKBACK = dt.timedelta(minutes=5)
#: How often each web worker reads the pending rows.
POLL_SECONDS = 0.5
#: Rows taken by one pass of the retry job.
BATCH = 200


def node_name() -> str:
    """This node: its host and data folder (two nodes may run on one machine)."""
    return f"{socket.gethostname()}:{settings.DATA_DIR}"[:255]


# --- Writing ---------------------------------------------------------------------------------


def record(paths=(), prefixes=(), *, everything: bool = False, reason: str = "",
           applied: bool | None = None) -> None:  # fmt: skip
    """Write the row with the caller's transaction and apply it once that commits (at once outside
    a transaction). ``applied``: the caller, outside a transaction, already applied it (True) or
    the store refused it (False); the row is then written as applied, or as pending. A database
    that refuses the row does not lose the purge: it is applied at once, as before the outbox."""
    from .models import Invalidation

    try:
        # A savepoint: a refused row (the table not migrated yet, while `migrate` itself saves
        # sites and pages) must not abort the caller's transaction on PostgreSQL.
        with transaction.atomic():
            row = Invalidation.objects.create(
                paths=sorted(set(paths)), prefixes=sorted(set(prefixes)), everything=everything,
                reason=reason[:200], origin=node_name(),
                applied_at=timezone.now() if applied else None,
            )  # fmt: skip
    except DatabaseError as exc:
        log.warning("invalidation outbox: row not written (%s), purging without it",
                    str(exc).splitlines()[0])  # fmt: skip
        if applied is None:
            _apply_direct(paths, prefixes, everything)
        return
    if applied is not None:
        if not applied:
            pending().remember(row)
        return
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: apply_after_commit(row))
    else:
        apply_after_commit(row)


def apply_after_commit(row) -> None:
    """The writer's own application: its node's local layers, then the shared store and the CDN.
    Never raises: a publication must not fail because a cache does not answer."""
    try:
        _apply_local_layers(row)
    except Exception:
        log.exception("invalidation %s: local layers", row.pk)
    try:
        applied = apply_shared(row)
    except Exception:
        log.exception("invalidation %s: not applied, will be retried", row.pk)
        applied = False
    if not applied:
        pending().remember(row)


def apply_shared(row) -> bool:
    """Apply one row to the store (and the CDN); mark it applied. False: the store did not take it
    (it stays pending)."""
    from .invalidation import purge_cdn
    from .models import Invalidation
    from .store import StoreUnavailable

    store = conf.get_store()
    try:
        if row.everything:
            known = _quiet(store.cached_paths, [])
            store.clear()
            found = sorted(set(known) | {"/"})
        else:
            found = store.invalidate(row.paths, row.prefixes)
    except StoreUnavailable as exc:
        Invalidation.objects.filter(pk=row.pk).update(attempts=row.attempts + 1)
        log.warning("invalidation %s pending: %s", row.pk, exc)
        return False
    purge_cdn(sorted(set(row.paths) | set(found) | set(row.prefixes)))
    Invalidation.objects.filter(pk=row.pk, applied_at__isnull=True).update(
        applied_at=timezone.now()
    )
    pending().forget(row.pk)
    return True


def _apply_direct(paths, prefixes, everything) -> None:
    store = conf.get_store()
    publisher = conf.get_publisher()
    try:
        if everything:
            store.clear()
        else:
            store.invalidate(paths, prefixes)
    except Exception:
        log.exception("page cache: purge failed")
    if publisher is not None:
        publisher.clear() if everything else publisher.remove(paths, prefixes)


def _apply_local_layers(row) -> None:
    """What only this node holds: its static folder, and its page cache when not shared."""
    publisher = conf.get_publisher()
    if publisher is not None:
        if row.everything:
            publisher.clear()
        else:
            publisher.remove(row.paths, row.prefixes)


def _quiet(func, default):
    try:
        return func()
    except Exception:
        return default


# --- Retrying (the lease holder's job) ---------------------------------------------------------


def apply_pending(limit: int = BATCH) -> int:
    """Apply pending rows in order until the store refuses one; return how many were applied."""
    from .models import Invalidation

    applied = 0
    for row in Invalidation.objects.filter(applied_at__isnull=True).order_by("pk")[:limit]:
        if not apply_shared(row):
            break
        applied += 1
    if applied:
        log.warning("invalidation outbox: %d pending purge(s) applied", applied)
    return applied


def backlog() -> int:
    """Purges not yet taken by the store (the metrics' ``redac_outbox_backlog``)."""
    from .models import Invalidation

    return Invalidation.objects.filter(applied_at__isnull=True).count()


def prune(now=None) -> int:
    from .models import Invalidation

    now = now or timezone.now()
    deleted, _ = Invalidation.objects.filter(applied_at__lt=now - KEEP).delete()
    return deleted


# --- Each node's own layers (every redac worker, lease or not) ----------------------------------


class LocalApplier:
    """Applies every row to this node's static folder (and its page cache when that is not shared),
    whichever node wrote it. Remembers what it applied (ids of the last minutes) and, in the
    folder, when it last looked: a node restarted within :data:`KEEP` catches up, one stopped
    longer empties its folder."""

    MARK = ".redac-outbox"

    def __init__(self):
        self.seen: dict[int, float] = {}
        self.since = None
        self.node = node_name()

    def _targets(self):
        publisher = conf.get_publisher()
        store = conf.get_store()
        local_store = None if getattr(store, "shared", False) else store
        return publisher, local_store

    def run(self) -> int:
        from .models import Invalidation

        publisher, local_store = self._targets()
        if publisher is None and local_store is None:
            return 0
        now = timezone.now()
        if self.since is None:
            self.since = self._start(publisher, local_store, now)
        rows = (
            Invalidation.objects.filter(created_at__gte=self.since - LOOKBACK)
            .exclude(pk__in=list(self.seen))
            .order_by("pk")
        )
        count = 0
        for row in rows:
            # The writer applied its own node's layers before marking the row applied.
            if not (row.origin == self.node and row.applied_at is not None):
                if publisher is not None:
                    publisher.clear() if row.everything else publisher.remove(row.paths,
                                                                              row.prefixes)  # fmt: skip
                if local_store is not None and row.origin != self.node:
                    local_store.clear() if row.everything else local_store.invalidate(
                        row.paths, row.prefixes)  # fmt: skip
                count += 1
            self.seen[row.pk] = time.time()
        horizon = time.time() - LOOKBACK.total_seconds() * 2
        self.seen = {pk: at for pk, at in self.seen.items() if at > horizon}
        self.since = now
        self._mark(publisher, now)
        return count

    def _start(self, publisher, local_store, now):
        """Where to start: the folder's mark if recent enough, else empty the local layers."""
        mark = publisher.root / self.MARK if publisher is not None else None
        if mark is not None:
            try:
                last = dt.datetime.fromtimestamp(float(mark.read_text()), tz=dt.UTC)
            except (OSError, ValueError):
                last = None
            if last is not None and now - last < KEEP - LOOKBACK:
                return last
            publisher.clear()
            log.warning(
                "static folder %s emptied: this node may have missed purges", publisher.root
            )
        return now

    def _mark(self, publisher, now):
        if publisher is None:
            return
        mark: Path = publisher.root / self.MARK
        tmp = mark.with_name(f"{self.MARK}.{os.getpid()}")
        try:
            tmp.write_text(str(now.timestamp()))
            os.replace(tmp, mark)
        except OSError:
            log.exception("static folder: cannot write %s", mark)


_local_applier: LocalApplier | None = None


def apply_local() -> int:
    """One pass of this node's applier (called by ``redac worker`` every tick)."""
    global _local_applier
    if _local_applier is None:
        _local_applier = LocalApplier()
    return _local_applier.run()


# --- What readers must not be served from a cache ---------------------------------------------


class Pending:
    """The rows not yet applied, as this process knows them. Read by the store on every cache
    lookup (:meth:`names`), without touching the database: a thread of this process refreshes the
    list every :data:`POLL_SECONDS` (and once at the start of each refresh the rows applied since
    the shared store stopped answering, since this worker could not see their effect)."""

    def __init__(self, poll: float = POLL_SECONDS):
        self.poll = poll
        self.rows: dict[int, tuple[bool, tuple[str, ...], tuple[str, ...]]] = {}
        self._paths: frozenset[str] = frozenset()
        self._prefixes: tuple[str, ...] = ()
        self._everything = False
        self._lock = threading.Lock()
        self._keys: frozenset[int] = frozenset()
        #: Changes whenever the set of pending rows does (redac.delivery.chrome keys on it).
        self.version = 0
        self._remembered: dict[int, float] = {}
        self._thread: threading.Thread | None = None
        self._pid = None

    # Reading (hot path: a hit)
    def names(self, path: str) -> bool:
        if not self.rows:
            return False
        return self._everything or path in self._paths or path.startswith(self._prefixes)

    def __bool__(self):
        return bool(self.rows)

    # Writing
    def remember(self, row) -> None:
        with self._lock:
            self.rows[row.pk] = (row.everything, tuple(row.paths), tuple(row.prefixes))
            self._remembered[row.pk] = time.monotonic()
            self._rebuild()

    def forget(self, pk) -> None:
        if pk in self.rows or pk in self._remembered:
            with self._lock:
                self.rows.pop(pk, None)
                self._remembered.pop(pk, None)
                self._rebuild()

    def replace(self, rows, read_since: float | None = None) -> None:
        """The rows just read; those this process remembered after the read began (committed
        after it) are kept."""
        with self._lock:
            fresh = {r.pk: (r.everything, tuple(r.paths), tuple(r.prefixes)) for r in rows}
            if read_since is not None:
                for pk, at in list(self._remembered.items()):
                    if at >= read_since and pk in self.rows:
                        fresh.setdefault(pk, self.rows[pk])
                    elif at < read_since:
                        del self._remembered[pk]
            self.rows = fresh
            self._rebuild()

    def _rebuild(self):
        keys = frozenset(self.rows)
        if keys != self._keys:
            self._keys = keys
            self.version += 1  # what per-worker memos key on besides the store's token
        self._everything = any(e for e, _p, _x in self.rows.values())
        self._paths = frozenset(p for _e, paths, _x in self.rows.values() for p in paths)
        self._prefixes = tuple(x for _e, _p, prefixes in self.rows.values() for x in prefixes)

    def refresh(self, since=None) -> None:
        """Read the pending rows (and those applied after ``since``, a datetime)."""
        from django.db.models import Q

        from .models import Invalidation

        query = Q(applied_at__isnull=True)
        if since is not None:
            query |= Q(applied_at__gte=since) | Q(created_at__gte=since)
        started = time.monotonic()
        self.replace(list(Invalidation.objects.filter(query).order_by("pk")[:1000]), started)

    # The poller
    def start(self, store) -> None:
        if self._pid == os.getpid() and self._thread is not None and self._thread.is_alive():
            return
        if self._pid is None:
            # A process forked after the store was built (an app server preloading the code)
            # gets its own poller: threads do not survive a fork.
            os.register_at_fork(after_in_child=lambda: self.start(store))
        self._pid = os.getpid()
        self._thread = threading.Thread(target=self._loop, args=(store,), daemon=True,
                                        name="redac-outbox-poll")  # fmt: skip
        self._thread.start()

    def _loop(self, store) -> None:
        while True:
            try:
                breaker = getattr(store, "breaker", None)
                opened = getattr(breaker, "opened_at", None)
                since = None
                if opened is not None:
                    since = dt.datetime.fromtimestamp(opened - 1, tz=dt.UTC)
                self.refresh(since)
            except Exception:  # database down: keep what we knew
                log.debug("invalidation outbox: poll failed", exc_info=True)
            finally:
                close_old_connections()
            time.sleep(self.poll)


_pending = Pending()


def pending() -> Pending:
    return _pending
