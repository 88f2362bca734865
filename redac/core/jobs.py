"""Periodic background jobs, run by ``redac worker`` (started by ``redac serve``): no cron needed.

Apps declare jobs in their ``jobs.py``::

    @periodic("contact.purge", every=3600)
    def purge_messages(): ...

Exactly one worker on the whole deployment runs jobs at a time: it holds a lease row in the
database (``core.WorkerLease``), renewed every few seconds; if that worker dies, another takes over
once the lease expires. Every job is due when a worker starts, so schedules missed during downtime
(scheduled publication, mail retries) are caught up at the next start. Jobs must be idempotent and
claim their rows atomically, since a takeover can overlap the end of a previous run.

django-tasks (which Wagtail 8 uses) has no scheduler; this small loop is what DESIGN.md asks for:
"run by redac serve itself", with one database lease instead of a broker.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.dispatch import Signal

logger = logging.getLogger("redac.jobs")


@dataclass
class Job:
    name: str
    every: float
    func: Callable[[], object]
    next_run: float = field(default=0.0)  # monotonic time; 0 = due now


_registry: dict[str, Job] = {}

#: Sent by ``redac worker`` on every node at each tick (about every second), whether or not it
#: holds the jobs' lease: for work each node does on its own disk (redac.delivery applies the
#: purges written by any node to this node's static folder). sender: None; no arguments. A
#: receiver that raises is logged, and the others still run.
every_node_tick = Signal()


def periodic(name: str, *, every: float):
    """Register ``func`` to run about every ``every`` seconds in the background worker."""
    if every <= 0:
        raise ValueError("every must be > 0")

    def decorator(func):
        _registry[name] = Job(name=name, every=float(every), func=func)
        return func

    return decorator


def registered_jobs() -> dict[str, Job]:
    autodiscover()
    return dict(_registry)


_discovered = False


def autodiscover() -> None:
    global _discovered
    if not _discovered:
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("jobs")
        _discovered = True


def run_due_jobs(now: float | None = None, *, force: bool = False) -> list[str]:
    """Run every job whose time has come (all of them with ``force``); return their names.

    A failing job is logged and retried at its next interval; it never stops the others."""
    autodiscover()
    now = time.monotonic() if now is None else now
    ran = []
    for job in list(_registry.values()):
        if not force and job.next_run > now:
            continue
        job.next_run = now + job.every
        from redac.core.metrics import JOB_RUNS

        try:
            job.func()
            JOB_RUNS.labels(job.name, "ok").inc()
        except Exception:
            JOB_RUNS.labels(job.name, "failed").inc()
            logger.exception("job %s failed; retrying in %.0f s", job.name, job.every)
        finally:
            from django.db import close_old_connections

            close_old_connections()
        ran.append(job.name)
    return ran


def reset_schedule() -> None:
    """Make every job due (what a worker start does)."""
    for job in _registry.values():
        job.next_run = 0.0


@periodic("core.purge_used_stamps", every=3600)
def purge_used_form_stamps() -> None:
    """Forget the spent anti-spam stamps once they have expired (redac.core.lib.antispam)."""
    from redac.core.lib.antispam import purge_used_stamps

    purge_used_stamps()


@periodic("core.outbox", every=5)
def send_outbox() -> None:
    """Send every due mail of the outbox (contact messages, comment notifications, newsletter
    confirmations, workflow notices). Safe to overlap: each mail is claimed by one run."""
    from redac.core.mail import send_pending_mail

    send_pending_mail()
