"""Prometheus metrics (issue 17): behind a token, never public by default, summed across the
processes of a node."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from redac.core import metrics
from redac.core.health import HealthApp
from redac.core.logs import RequestContext
from redac.delivery.tests.conftest import WsgiClient, page_cache  # noqa: F401

TOKEN = "t0ken-for-the-scraper-only"


@pytest.fixture
def node(demo, page_cache):  # noqa: F811 (the delivery tests' fixture)
    from django.core.handlers.wsgi import WSGIHandler

    from redac.core.bodies import BodyGuard
    from redac.delivery.wsgi import CachedApp
    from redac.visits.fastpath import BeaconFastPath

    app = BodyGuard(BeaconFastPath(CachedApp(WSGIHandler(), enabled=True)))
    return WsgiClient(RequestContext(HealthApp(app), access_log=False))


def value(text: str, sample: str) -> float:
    match = re.search(r"^" + re.escape(sample) + r" ([0-9.e+]+)$", text, re.M)
    return float(match.group(1)) if match else 0.0


@pytest.mark.django_db
def test_metrics_do_not_exist_without_a_token(node, settings):
    settings.REDAC_METRICS_TOKEN = ""
    response = node.request("GET", "/metrics")
    assert response.status in (301, 404)  # the site's answer to an address it does not have
    assert b"redac_requests_total" not in response.body


@pytest.mark.django_db
def test_metrics_need_the_token(node, settings):
    settings.REDAC_METRICS_TOKEN = TOKEN
    assert node.request("GET", "/metrics").status == 401
    wrong = {"Authorization": "Bearer " + TOKEN[:-1] + "X"}
    assert node.request("GET", "/metrics", headers=wrong).status == 401
    response = node.request("GET", "/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status == 200
    assert "no-store" in response.headers["cache-control"]


@pytest.mark.django_db
def test_requests_are_counted_by_cache_state_and_the_outbox_backlog_is_read(node, settings):
    settings.REDAC_METRICS_TOKEN = TOKEN
    auth = {"Authorization": f"Bearer {TOKEN}"}
    before = node.request("GET", "/metrics", headers=auth).body.decode()
    node.request("GET", "/")  # rendered and stored
    node.request("GET", "/")  # from the cache
    node.request("GET", "/admin/login/")  # never cacheable
    after = node.request("GET", "/metrics", headers=auth).body.decode()
    for state in ("hit", "miss", "pass"):
        sample = f'redac_requests_total{{cache="{state}"}}'
        assert value(after, sample) >= value(before, sample) + 1, state
    assert 'redac_request_seconds_bucket{cache="miss",le="10.0"}' in after
    assert re.search(r'^redac_outbox_backlog\{outbox="mail"\} \d', after, re.M)


@pytest.mark.slow  # runs several processes
def test_values_of_several_processes_are_summed(tmp_path):
    """As granian's workers and the background worker write them (multiprocess mode)."""
    env = dict(os.environ, PROMETHEUS_MULTIPROC_DIR=str(tmp_path))
    count = ("from redac.core import metrics; metrics.REQUESTS.labels('hit').inc({n}); "
             "metrics.JOB_RUNS.labels('publish', 'ok').inc()")  # fmt: skip
    for n in (3, 4):
        subprocess.run([sys.executable, "-c", count.format(n=n)], env=env, check=True, timeout=60)
    scrape = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'redac.settings'; "
        "django.setup(); from redac.core import metrics; "
        "print(metrics.exposition()[0].decode())"
    )
    env["REDAC_DATA_DIR"] = str(tmp_path / "data")
    env.pop("DATABASE_URL", None)
    out = subprocess.run([sys.executable, "-c", scrape], env=env, check=True, timeout=120,
                         capture_output=True, text=True).stdout  # fmt: skip
    assert value(out, 'redac_requests_total{cache="hit"}') == 7.0
    assert value(out, 'redac_job_runs_total{job="publish",outcome="ok"}') == 2.0


def test_the_scrape_folder_is_emptied_at_start(tmp_path):
    (tmp_path / "counter_123.db").write_bytes(b"old")
    (tmp_path / "keep.txt").write_text("not ours")
    metrics.prepare_folder(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]
