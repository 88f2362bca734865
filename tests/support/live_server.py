"""A real ``redac serve`` (granian, 2 workers) on a temporary data directory, for the tests and
the benchmark that must go through processes, sockets and signals: 1,000 concurrent beacons,
SIGKILL and SIGTERM under load."""

from __future__ import annotations

import http.client
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

from tests.support.processes import free_port, signal_tree  # noqa: F401 (free_port: also for the modules importing it from here)

BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"

SETUP_SCRIPT = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from wagtail.models import Page
from redac.news.models import ArticlePage, HomePage, SectionPage
root = Page.get_first_root_node()
home = root.add_child(instance=HomePage(title="Accueil", slug="accueil-banc"))
section = home.add_child(instance=SectionPage(title="Actualité", slug="actualite"))
for n in range(3):
    section.add_child(instance=ArticlePage(title=f"Article {n}", slug=f"article-{n}"))
print(",".join(str(p.pk) for p in ArticlePage.objects.order_by("pk")))
"""


def base_env(data_dir: Path, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REDAC_", "DJANGO_"))}
    env.update(
        # The test overlay's plain static storage needs no collectstatic (the beacon and the count
        # render no template); the benchmark passes DJANGO_SETTINGS_MODULE=redac.settings.
        DJANGO_SETTINGS_MODULE="redac.settings_test",
        REDAC_DATA_DIR=str(data_dir),
        DATABASE_URL=database_url,
        REDAC_TRUSTED_PROXIES="127.0.0.1",
        REDAC_LOG_LEVEL="ERROR",
    )
    env.update(extra)
    return env


class Database:
    """The server's database, seen from the test: a SQLite file or a PostgreSQL database."""

    def __init__(self, tmp_dir: Path, name: str, postgres: bool | None = None):
        if postgres is None:
            postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
        self.postgres = postgres
        if self.postgres:
            self.admin_url = "postgresql://postgres@127.0.0.1:5432/postgres"
            self.name = name
            self.url = f"postgres://postgres@127.0.0.1:5432/{name}"
            import psycopg

            with psycopg.connect(self.admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{name}"')
        else:
            self.path = tmp_dir / "redac.sqlite3"
            self.url = f"sqlite:///{self.path}"

    def query(self, sql: str, params=()):
        if self.postgres:
            import psycopg

            with psycopg.connect(self.url.replace("postgres://", "postgresql://")) as conn:
                return conn.execute(sql.replace("?", "%s"), params).fetchall()
        with closing(sqlite3.connect(self.path, timeout=30)) as conn:
            return conn.execute(sql, params).fetchall()

    def dump_text(self) -> str:
        """Every row of every table, as text: what a backup of the database would contain."""
        if self.postgres:
            result = subprocess.run(
                ["pg_dump", "--data-only", "-h", "127.0.0.1", "-U", "postgres", self.name],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            return result.stdout
        with closing(sqlite3.connect(self.path)) as conn:
            return "\n".join(conn.iterdump())

    def drop(self) -> None:
        if self.postgres:
            import psycopg

            with psycopg.connect(self.admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def prepare_site(data_dir: Path, database: Database, **env: str) -> list[int]:
    """Migrate and create three live articles; returns their page ids."""
    result = subprocess.run(
        [sys.executable, "-c", SETUP_SCRIPT], env=base_env(data_dir, database.url, **env),
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-3000:])
    return [int(pk) for pk in result.stdout.strip().splitlines()[-1].split(",")]


class Server:
    def __init__(self, data_dir: Path, database: Database, port: int, workers: int = 2, **env):
        self.port = port
        self.log = open(data_dir / f"serve-{port}.log", "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "redac.cli", "serve", "--port", str(port),
             "--workers", str(workers), "--no-collectstatic"],
            env=base_env(data_dir, database.url, **env), stdout=self.log, stderr=self.log,
            start_new_session=True,
        )  # fmt: skip

    def wait_ready(self, page_id: int, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redac serve exited with {self.process.returncode}")
            try:
                status, _ = get_json(self.port, f"/api/visits/{page_id}/")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise TimeoutError("redac serve did not answer")

    def signal(self, signum: int) -> None:
        """To the whole server: redac serve, granian and its workers, the background worker."""
        signal_tree(self.process.pid, signum)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.signal(signal.SIGKILL)
                self.process.wait(5)
        self.log.close()


def visitor_ip(n: int) -> str:
    """Distinct readers: a distinct /24 each (the visitor key keeps only the first 24 bits)."""
    return f"{10 + (n >> 16)}.{(n >> 8) & 255}.{n & 255}.7"


def get_json(port: int, path: str):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"User-Agent": BROWSER_UA})
        response = conn.getresponse()
        body = response.read()
        return response.status, (json.loads(body) if body else None)
    finally:
        conn.close()


class BeaconClient:
    """One keep-alive connection sending beacons, as a browser tab would (one at a time)."""

    def __init__(self, port: int):
        self.port = port
        self.conn: http.client.HTTPConnection | None = None

    def send(self, body: bytes | str, ip: str, user_agent: str = BROWSER_UA, headers=None) -> int:
        if isinstance(body, str):
            body = body.encode()
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.conn.request(
                    "POST", "/api/visits/", body=body,
                    headers={"User-Agent": user_agent, "X-Forwarded-For": ip,
                             "Content-Type": "text/plain;charset=UTF-8", **(headers or {})},
                )  # fmt: skip
                response = self.conn.getresponse()
                response.read()
                return response.status
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # A keep-alive connection the server had closed: resend once. Harmless even if
                # the first one arrived: a reader counts once per page per day.
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def beacon_body(page_id: int, referrer: str = "") -> str:
    return json.dumps({"page": page_id, "referrer": referrer})
