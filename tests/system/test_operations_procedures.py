"""docs/operations.md's procedures, run as an operator types them (issue 17: « each procedure in
them is run by a test »): the first start of an empty site, and an upgrade whose new migrations
are not applied yet (what a node of a rolling upgrade answers before and after `redac migrate`).

Each step runs the `redac` command itself in a data folder of its own, on SQLite; the commands are
read from the doc's code blocks, so a procedure that changes in the doc changes here too or fails.
Backup, restore and the move to PostgreSQL have their own tests (redac/core/tests/).
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.support.browser import redac_command
from tests.support.processes import free_port

REPO = Path(__file__).resolve().parents[2]
OPERATIONS = (REPO / "docs" / "operations.md").read_text()
REDAC = redac_command()


def section(title: str) -> str:
    """The text of one ``## title`` section of docs/operations.md."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", OPERATIONS, re.M | re.S)
    assert match, f"docs/operations.md has no section « {title} »"
    return match.group(1)


def redac_commands(text: str) -> list[list[str]]:
    """The ``redac`` commands of a section's ``sh`` blocks (``.venv/bin/`` left out), comments
    and options in brackets removed."""
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        for line in block.splitlines():
            line = line.split("#", 1)[0].strip()
            line = re.sub(r"^\.venv/bin/", "", line)
            if line.startswith("redac "):
                commands.append(re.sub(r"\s*\[[^\]]*\]", "", line).split())
    return commands


class Operator:
    """A shell in a fresh data folder: the variables of « First start », nothing else."""

    def __init__(self, root: Path):
        self.data = root / "data"
        self.data.mkdir()
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("REDAC_", "DJANGO_", "DATABASE_URL"))}  # fmt: skip
        self.env.update(REDAC_DATA_DIR=str(self.data), REDAC_LOG_FORMAT="text")
        self.port = free_port()
        self.server: subprocess.Popen | None = None
        self.log = root / "serve.log"

    def run(self, command: list[str], **env: str) -> subprocess.CompletedProcess:
        done = subprocess.run([REDAC, *command[1:]], env={**self.env, **env}, cwd=self.data,
                              capture_output=True, text=True, timeout=600)  # fmt: skip
        assert done.returncode == 0, (
            f"{' '.join(command)}:\n{done.stdout[-2000:]}{done.stderr[-3000:]}"
        )
        return done

    def serve(self, command: list[str]) -> None:
        with open(self.log, "ab") as log:
            self.server = subprocess.Popen(
                [REDAC, *command[1:], "--host", "127.0.0.1", "--port", str(self.port), "--workers", "1"],
                env=self.env, cwd=self.data, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.server.poll() is None, self.log.read_text()[-3000:]
            try:
                if self.get("/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.3)
        raise AssertionError(
            "redac serve did not answer /healthz in 120 s: " + self.log.read_text()[-3000:]
        )

    def get(self, path: str) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("GET", path, headers={"Host": "127.0.0.1"})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def stop(self) -> int | None:
        if self.server is None or self.server.poll() is not None:
            return None if self.server is None else self.server.returncode
        os.killpg(self.server.pid, signal.SIGTERM)  # what systemd's KillMode=mixed sends first
        try:
            return self.server.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(self.server.pid, signal.SIGKILL)
            return None


pytestmark = [pytest.mark.slow]  # runs `redac` in subprocesses (left out of make test-fast)
if os.environ.get("DATABASE_URL", "").startswith("postgres"):
    pytestmark.append(pytest.mark.skip(reason="runs on SQLite, in the suite's SQLite pass"))


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """One data folder for the module: « First start »'s `redac migrate` run once."""
    shell = Operator(tmp_path_factory.mktemp("operations"))
    shell.run(redac_commands(section("First start"))[0])
    return shell


@pytest.fixture
def operator(migrated):
    yield migrated
    migrated.stop()


def test_the_first_start_gives_a_site_that_is_ready_and_stops_cleanly(operator):
    """« First start »: migrate, createsuperuser, serve; the probes say ready, the admin's login
    page answers, and SIGTERM ends the server with status 0 (granian drains)."""
    commands = redac_commands(section("First start"))
    assert [c[:2] for c in commands] == [["redac", "migrate"], ["redac", "createsuperuser"],
                                         ["redac", "serve"]], commands  # fmt: skip
    _migrate, createsuperuser, serve = commands  # (migrate: the fixture ran it)
    # (interactive in the doc: the same command answered by its documented variables)
    operator.run([*createsuperuser, "--noinput", "--username", "admin", "--email", "admin@example.org"],
                 DJANGO_SUPERUSER_PASSWORD="un mot de passe assez long")  # fmt: skip
    operator.serve(serve)
    assert operator.get("/healthz")[0] == 200
    status, body = operator.get("/readyz")
    assert status == 200, body
    status, body = operator.get("/admin/login/")
    assert status == 200 and b'name="password"' in body
    assert operator.stop() == 0, operator.log.read_text()[-3000:]


def test_an_upgraded_node_is_not_ready_until_its_migrations_are_applied(operator):
    """« Upgrade » and « Rolling upgrade »: a node whose code has a migration the database lacks
    answers /healthz but not /readyz (the load balancer keeps readers away), and is ready once
    `redac migrate` (the unit's ExecStartPre) has run — without a restart."""
    upgrade = section("Upgrade (one node)")
    assert ["redac", "backup"] == redac_commands(upgrade)[0][:2]
    assert (
        "ExecStartPre" in upgrade
        and "redac migrate" in (REPO / "docs/deploy/redac.service").read_text()
    )
    rolling = section("Rolling upgrade (several nodes)")
    assert "answers 503 until the new migrations are" in " ".join(rolling.split())

    operator.run(["redac", "backup", str(operator.data.parent / "before-upgrade")])
    # The database as the previous release left it: the latest migration of one app not applied.
    latest = sorted(p.stem for p in (REPO / "redac/core/migrations").glob("0*.py"))
    previous = latest[-2]
    operator.run(["redac", "migrate", "core", previous])
    operator.serve(["redac", "serve"])
    assert operator.get("/healthz")[0] == 200
    status, body = operator.get("/readyz")
    assert status == 503 and b"migrations" in body, body
    operator.run(["redac", "migrate"])
    deadline = time.monotonic() + 30
    while (status := operator.get("/readyz")[0]) != 200 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert status == 200
    assert operator.stop() == 0
