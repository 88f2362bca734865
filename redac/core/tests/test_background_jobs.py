"""Periodic jobs run without cron, by exactly one worker at a time."""

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
from django.utils import timezone

from redac.core import jobs
from redac.core.models import WorkerLease
from tests.support.processes import free_port, process_tree


@pytest.fixture
def clean_registry(monkeypatch):
    monkeypatch.setattr(jobs, "_registry", {})
    monkeypatch.setattr(jobs, "_discovered", True)


@pytest.mark.django_db
def test_a_job_runs_when_due_and_waits_its_interval(clean_registry):
    calls = []
    jobs.periodic("test.count", every=10)(lambda: calls.append(1))
    assert jobs.run_due_jobs(now=1000.0) == ["test.count"]
    assert jobs.run_due_jobs(now=1005.0) == []
    assert jobs.run_due_jobs(now=1010.0) == ["test.count"]
    assert len(calls) == 2


@pytest.mark.django_db
def test_a_failing_job_does_not_stop_the_others(clean_registry, caplog):
    ran = []

    def broken():
        raise RuntimeError("boom")

    jobs.periodic("test.broken", every=1)(broken)
    jobs.periodic("test.fine", every=1)(lambda: ran.append(1))
    assert set(jobs.run_due_jobs(now=1.0)) == {"test.broken", "test.fine"}
    assert ran == [1]
    assert "test.broken failed" in caplog.text


@pytest.mark.django_db
def test_every_job_is_due_after_a_restart(clean_registry):
    jobs.periodic("test.slow", every=3600)(lambda: None)
    jobs.run_due_jobs(now=10.0)
    assert jobs.run_due_jobs(now=20.0) == []
    jobs.reset_schedule()
    assert jobs.run_due_jobs(now=20.0) == ["test.slow"]


def test_interval_must_be_positive(clean_registry):
    with pytest.raises(ValueError):
        jobs.periodic("test.bad", every=0)


@pytest.mark.django_db
def test_only_one_worker_holds_the_lease_until_it_expires():
    now = timezone.now()
    assert WorkerLease.acquire("jobs", "a", ttl=30, now=now)
    assert not WorkerLease.acquire("jobs", "b", ttl=30, now=now + dt.timedelta(seconds=10))
    assert WorkerLease.acquire("jobs", "a", ttl=30, now=now + dt.timedelta(seconds=10))
    # "a" dies: once its lease has expired, "b" takes over.
    assert WorkerLease.acquire("jobs", "b", ttl=30, now=now + dt.timedelta(seconds=41))
    assert not WorkerLease.acquire("jobs", "a", ttl=30, now=now + dt.timedelta(seconds=42))


def migrated_site(tmp_path, **extra: str) -> dict:
    """The environment of a redac process with its own migrated SQLite site in ``tmp_path``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REDAC_", "DJANGO_"))}
    env.update(REDAC_DATA_DIR=str(tmp_path), **extra)
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "redac.cli", "migrate", "-v0"], env=env, check=True,
                   timeout=600)  # fmt: skip
    return env


def serve(env: dict, port: int, **popen) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "redac.cli", "serve", "--port", str(port), "--workers", "1",
         "--no-collectstatic"],
        env=env, **popen,
    )  # fmt: skip


@pytest.mark.slow
def test_redac_serve_runs_the_site_and_a_background_worker(tmp_path):
    env = migrated_site(tmp_path, PYTHONUNBUFFERED="1")
    port = free_port()
    server = serve(env, port, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                   start_new_session=True)  # fmt: skip
    try:
        import urllib.request

        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline:
            try:
                status = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).status
                break
            except OSError as exc:
                status = getattr(exc, "code", None)
                if status:
                    break
                time.sleep(0.5)
        assert status in (200, 404)  # an empty site answers (no home page yet)
        import sqlite3

        deadline = time.monotonic() + 30
        owner = None
        while time.monotonic() < deadline and owner is None:
            with sqlite3.connect(tmp_path / "redac.sqlite3") as db:
                row = db.execute("select owner from core_workerlease").fetchone()
            owner = row and row[0]
            time.sleep(0.5)
        assert owner, "the background worker never took the jobs lease"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output = server.communicate(timeout=30)[0]
    assert "les tâches de fond" in output and "Ctrl+C pour arrêter" in output
    assert server.returncode == 0, output


@pytest.mark.slow
def test_redac_serve_refuses_a_port_another_server_listens_on(tmp_path):
    """granian shares a port with SO_REUSEPORT: a second server must not join the first one."""
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("REDAC_", "DJANGO_"))}
        env.update(REDAC_DATA_DIR=str(tmp_path))
        env.pop("DATABASE_URL", None)
        result = subprocess.run(
            [sys.executable, "-m", "redac.cli", "serve", "--port", str(port), "--no-collectstatic"],
            env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    assert result.returncode != 0
    assert f"127.0.0.1:{port} is not available" in result.stderr
    assert "Traceback" not in result.stderr


def running(pid: int) -> bool:
    """Alive and not a zombie (a container's PID 1 may never reap orphans)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.slow
def test_granian_and_the_worker_do_not_outlive_a_killed_redac_serve(tmp_path):
    """kill -9 of ``redac serve`` (an OOM killer, an operator): its children must not keep the
    port and the jobs lease forever, serving old code."""
    import urllib.request

    env = migrated_site(tmp_path)
    port = free_port()
    server = serve(env, port, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tree = []
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:  # granian answers: every process has started
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/csrf/", timeout=2)
                break
            except OSError as exc:
                if getattr(exc, "code", None):
                    break
                time.sleep(0.3)
        tree = process_tree(server.pid)[1:]
        assert len(tree) >= 3, "granian, its worker process and the background worker"
    finally:
        server.kill()
        server.wait(10)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and any(running(pid) for pid in tree):
        time.sleep(0.2)
    alive = [pid for pid in tree if running(pid)]
    for pid in alive:
        os.kill(pid, signal.SIGKILL)
    assert alive == []
