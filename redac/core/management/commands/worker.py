"""``redac worker``: runs the periodic background jobs (``redac.core.jobs``) forever.

``redac serve`` starts one next to granian; deployments that separate web and background work run
it on their own. Several workers are safe: only the holder of the database lease runs jobs."""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
import uuid

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from redac.core.jobs import every_node_tick, registered_jobs, reset_schedule, run_due_jobs
from redac.core.models import WorkerLease

logger = logging.getLogger("redac.jobs")

LEASE = "jobs"
LEASE_TTL = 30.0
TICK = 1.0


class Command(BaseCommand):
    help = "Exécute les tâches de fond périodiques (publication programmée, envois…)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run every job once and exit.")

    def handle(self, *args, once=False, **options):
        jobs = registered_jobs()
        if once:
            for name in run_due_jobs(force=True):
                self.stdout.write(f"ran {name}")
            return
        owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"redac worker {owner}: {len(jobs)} job(s): {', '.join(sorted(jobs))}")
        self.stdout.flush()
        holding = False
        last_renew = 0.0
        while not stopping:
            now = time.monotonic()
            if now - last_renew >= LEASE_TTL / 3 or not holding:
                holding, last_renew = lease_step(owner, holding), now
            if holding:
                run_due_jobs()
            run_every_node_work(self)
            time.sleep(TICK)
        if holding:
            WorkerLease.release(LEASE, owner)
            from redac.core.metrics import LEASE_HELD

            LEASE_HELD.set(0)
            logger.info("job lease released by %s (stopping)", owner)


def lease_step(owner: str, holding: bool) -> bool:
    """Take or renew the job lease; say so when this worker takes it or loses it."""
    try:
        got = WorkerLease.acquire(LEASE, owner, LEASE_TTL)
    except Exception as exc:  # database briefly unavailable: try again later
        logger.warning("job lease check failed: %s", type(exc).__name__)
        got = False
    finally:
        close_old_connections()
    from redac.core.metrics import LEASE_HELD

    LEASE_HELD.set(1 if got else 0)
    if got and not holding:
        logger.info("job lease taken by %s: this worker runs the jobs", owner)
        reset_schedule()  # a new leader catches up everything missed
    elif holding and not got:
        logger.warning("job lease lost by %s: another worker runs the jobs", owner)
    return got


def run_every_node_work(command) -> None:
    """Every node, lease or not: what each node does on its own disk (``every_node_tick``; the
    purges written by any node, applied to this node's static folder: redac.delivery.outbox)."""
    try:
        for receiver, result in every_node_tick.send_robust(sender=None):
            if isinstance(result, Exception):  # database briefly unavailable: the next tick
                logger.warning("%s failed: %s", getattr(receiver, "__qualname__", receiver),
                               type(result).__name__)  # fmt: skip
    finally:
        close_old_connections()
