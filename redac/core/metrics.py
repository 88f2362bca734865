"""Metrics in Prometheus' text format, summed over every process of a node (issue 17).

prometheus_client's multiprocess mode: ``redac serve`` gives its children (granian's workers and
the background worker) one folder, ``PROMETHEUS_MULTIPROC_DIR`` (``$REDAC_DATA_DIR/cache/metrics``,
emptied at each start), where each process keeps its values in a memory-mapped file; a scrape adds
them up. A process started otherwise (tests, ``redac shell``) keeps its own values in memory.

``GET /metrics`` answers only with ``Authorization: Bearer $REDAC_METRICS_TOKEN``; without that
setting it does not exist (the request goes on to the site, which answers 404): metrics are never
public by default.

| metric | what |
|---|---|
| ``redac_requests_total{cache}`` | requests by page-cache state: ``hit``, ``miss`` (rendered and stored), ``pass`` (never cacheable: admin, forms, beacons...) |
| ``redac_request_seconds{cache}`` | their duration (a ``miss`` is a render) |
| ``redac_visit_buffer_backlog`` | visits waiting for their batch to be written |
| ``redac_visit_flush_seconds`` | time to write one batch of visits |
| ``redac_outbox_backlog{outbox}`` | items waiting in an outbox: ``mail``, ``invalidations`` (page-cache purges the store has not taken yet; read from the database at each scrape; others register in ``BACKLOGS``) |
| ``redac_job_runs_total{job,outcome}`` | background job runs, ``ok`` or ``failed`` |
| ``redac_job_lease_held`` | 1 when a background worker of this node holds the job lease |
| ``redac_store_errors_total{operation}`` | errors of the page-cache store (Redis down...) |
"""

from __future__ import annotations

import hmac
import logging
import os

from prometheus_client import Counter, Gauge, Histogram

logger = logging.getLogger("redac.metrics")

MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))

REQUESTS = Counter("redac_requests_total", "Requests by page-cache state.", ["cache"])
REQUEST_SECONDS = Histogram(
    "redac_request_seconds", "Request duration by page-cache state.", ["cache"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)  # fmt: skip
VISIT_BACKLOG = Gauge("redac_visit_buffer_backlog", "Visits waiting to be written.",
                      multiprocess_mode="livesum")  # fmt: skip
VISIT_FLUSH_SECONDS = Histogram(
    "redac_visit_flush_seconds", "Time to write one batch of visits.",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0),
)  # fmt: skip
JOB_RUNS = Counter("redac_job_runs_total", "Background job runs.", ["job", "outcome"])
LEASE_HELD = Gauge("redac_job_lease_held", "1 when a worker of this node holds the job lease.",
                   multiprocess_mode="livemax")  # fmt: skip
STORE_ERRORS = Counter("redac_store_errors_total", "Page-cache store errors.", ["operation"])


def store_error(operation: str) -> None:
    try:
        STORE_ERRORS.labels(operation).inc()
    except Exception:  # metrics never break what they measure
        logger.debug("metrics: store error not counted", exc_info=True)


def mail_backlog() -> int:
    from redac.core.models import OutgoingMail

    waiting = [OutgoingMail.Status.PENDING, OutgoingMail.Status.SENDING, OutgoingMail.Status.FAILED]
    return OutgoingMail.objects.filter(status__in=waiting).count()


#: Outboxes whose backlog is read at each scrape: name -> function returning a count. Another
#: durable queue (invalidations, say) adds itself here.
BACKLOGS = {"mail": mail_backlog}


class OutboxCollector:
    """``redac_outbox_backlog{outbox}``, counted in the database when Prometheus asks."""

    def collect(self):
        from prometheus_client.core import GaugeMetricFamily

        family = GaugeMetricFamily("redac_outbox_backlog", "Items waiting in an outbox.",
                                   labels=["outbox"])  # fmt: skip
        for name, count in BACKLOGS.items():
            try:
                family.add_metric([name], count())
            except Exception as exc:  # the database down: the other metrics still answer
                logger.warning("metrics: %s backlog unavailable: %s", name, type(exc).__name__)
        yield family


def exposition() -> tuple[bytes, str]:
    from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest

    if MULTIPROCESS:
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        for collector in list(REGISTRY._collector_to_names):
            registry.register(collector)
    registry.register(OutboxCollector())
    return generate_latest(registry), CONTENT_TYPE_LATEST


def authorised(environ) -> bool | None:
    """None: metrics are off (no token set); else whether the request carries the token."""
    from django.conf import settings

    token = settings.REDAC_METRICS_TOKEN
    if not token:
        return None
    given = environ.get("HTTP_AUTHORIZATION", "")
    return given.startswith("Bearer ") and hmac.compare_digest(
        given[7:].strip().encode(), token.encode()
    )


def prepare_folder(path) -> None:
    """Empty the multiprocess folder (``redac serve`` at start): values of processes that are
    gone would otherwise be added to the new ones'."""
    from pathlib import Path

    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()
