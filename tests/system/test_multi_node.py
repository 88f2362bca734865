"""Two `redac serve` nodes as docs/scaling.md sets them up (issue 17): one PostgreSQL database (a
database of this test's own), one Redis that this test starts itself on a free port (so that it can
freeze it with SIGSTOP, stop it and bring it back), each node with its own data folder and static
publishing folder.

What must hold: a publication on one node shows on the other at once (its page cache and its
static folder), visits count exactly once per reader whichever node answers, rate limits count for
the whole site, and when Redis hangs or is down no page waits on it, readers keep being served,
and no purge is lost.
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import pytest

from conftest import skip_or_fail
from tests.support.redis_server import RedisServer, free_port

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.xdist_group("multinode"),
]  # one worker sets it up

REPO = Path(__file__).resolve().parents[2]
REDAC = str(Path(sys.executable).with_name("redac"))
_DATABASE_URL = os.environ.get("DATABASE_URL", "")
#: The PostgreSQL server: DATABASE_URL's when it names one, else the local one (the test makes a
#: database of its own there, whatever DATABASE_URL's database is).
PG = (urllib.parse.urlsplit(_DATABASE_URL)._replace(path="").geturl()
      if _DATABASE_URL.startswith("postgres") else "postgres://postgres@127.0.0.1:5432")  # fmt: skip
#: One per pytest-xdist worker: the module's fixture may be set up by several workers at once
#: (each running some of its tests), and they must not drop each other's database.
DB_NAME = "redac_system_multinode_" + os.environ.get("PYTEST_XDIST_WORKER", "main")
HOST = "127.0.0.1:8000"  # what the load balancer passes on: the same for both nodes
BREVE = "/actualite/breves/assemblee-generale/"
LISTING = "/actualite/breves/"
TIMEOUT_MS = 200
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"


def postgres_answers() -> bool:
    import psycopg

    try:
        psycopg.connect(PG + "/postgres", connect_timeout=3).close()
    except psycopg.Error:
        return False
    return True


def sql(query: str, *params):
    import psycopg

    with psycopg.connect(f"{PG}/{DB_NAME}", autocommit=True) as conn:
        return conn.execute(query, params).fetchall()


class Node:
    def __init__(self, name: str, root: Path, env: dict):
        self.name = name
        self.port = free_port()
        self.data = root / name
        self.public = self.data / "public"
        self.env = {**env, "REDAC_DATA_DIR": str(self.data), "REDAC_PUBLISH_DIR": str(self.public)}
        self.process: subprocess.Popen | None = None
        self.log = open(root / f"{name}.log", "wb")

    def start(self):
        self.process = subprocess.Popen(
            [REDAC, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", "1",
             "--no-collectstatic"],
            env=self.env, cwd=self.data, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def wait_ready(self, deadline: float):
        while time.monotonic() < deadline:
            try:
                status = self.get("/")[0]
                if status == 200:
                    return
                if status >= 500:
                    break
            except OSError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.3)
        raise AssertionError(f"node {self.name} did not start:\n{self.read_log()[-3000:]}")

    def read_log(self) -> str:
        self.log.flush()
        return (self.log.name and Path(self.log.name).read_text(errors="replace")) or ""

    def request(self, method, path, body=None, headers=None, timeout=30.0):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        started = time.monotonic()
        try:
            conn.request(method, path, body=body,
                         headers={"Host": HOST, "User-Agent": BROWSER, **(headers or {})})  # fmt: skip
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        headers = {k.lower(): v for k, v in response.getheaders()}
        return response.status, headers, data.decode(errors="replace"), (
            time.monotonic() - started)  # fmt: skip

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()

    def wait_stopped(self):
        if self.process is not None:
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait()
        self.log.close()


@pytest.fixture(scope="module")
def cluster():
    if os.environ.get("CI") == "true" and not _DATABASE_URL.startswith("postgres"):
        pytest.skip("CI runs the multi-node test once, in its PostgreSQL pass")
    if not postgres_answers():
        skip_or_fail(f"PostgreSQL does not answer at {PG}: the multi-node test needs it")
    if not RedisServer.available():
        skip_or_fail("redis-server is not installed")
    sql_admin = f"{PG}/postgres"
    import psycopg

    with psycopg.connect(sql_admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    redis = RedisServer().start()
    root = Path(tempfile.mkdtemp(prefix="redac-nodes-"))
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST_", "DJANGO_", "REDAC_", "DATABASE_"))}  # fmt: skip
    env.update({
        "DJANGO_SETTINGS_MODULE": "redac.settings",
        "DATABASE_URL": f"{PG}/{DB_NAME}",
        "REDAC_SECRET_KEY": "multi-node-test-secret-key-" + "x9y8z7w6v5u4t3s2r1q0" * 2,
        "REDAC_CACHE_URL": redis.url,
        "REDAC_REDIS_PREFIX": "site-a:",
        "REDAC_REDIS_TIMEOUT_MS": str(TIMEOUT_MS),
        "REDAC_REDIS_RETRY_SECONDS": "1",
        "REDAC_SITE_URL": "http://127.0.0.1:8000",
        "REDAC_EMAIL_URL": "console://",
        "REDAC_LOG_LEVEL": "WARNING",
        "REDAC_X_CACHE_HEADER": "1",  # X-Cache: HIT/MISS, off by default in production
        # The test plays the load balancer: it says which reader each request comes from.
        "REDAC_TRUSTED_PROXIES": "127.0.0.1",
    })  # fmt: skip
    nodes = [Node("a", root, env), Node("b", root, env)]
    for node in nodes:
        node.data.mkdir(parents=True)
    # The demo content, and static files collected once for both nodes (each would collect them
    # at start), side by side.
    collect = subprocess.Popen([REDAC, "collectstatic", "--noinput", "-v0"], env=nodes[0].env,
                               cwd=nodes[0].data, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)  # fmt: skip
    demo = subprocess.run([REDAC, "demo"], env=nodes[0].env, cwd=nodes[0].data,
                          capture_output=True, text=True, timeout=600)  # fmt: skip
    assert demo.returncode == 0, demo.stdout[-2000:] + demo.stderr[-3000:]
    assert collect.wait(600) == 0, collect.stderr.read()[-3000:]
    (nodes[1].data / "static").symlink_to(nodes[0].data / "static")
    for node in nodes:
        node.start()
    deadline = time.monotonic() + 120
    for node in nodes:
        node.wait_ready(deadline)
    yield {"a": nodes[0], "b": nodes[1], "redis": redis}
    for node in nodes:
        node.stop()  # both at once: each drains for a few seconds
    for node in nodes:
        node.wait_stopped()
    redis.close()
    with psycopg.connect(sql_admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def publish_title(node: Node, title: str) -> float:
    """An editor's publication made on ``node`` (its environment, its machine): a new revision of
    the brève published, as the admin and scheduled publishing do. Returns how long it took."""
    code = (
        "from redac.news.models import BrevePage\n"
        "page = BrevePage.objects.get(slug='assemblee-generale')\n"
        f"page.title = {title!r}\n"
        "page.save_revision().publish()\n"
    )
    started = time.monotonic()
    result = subprocess.run([REDAC, "shell", "-c", code], env=node.env, cwd=node.data,
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    return time.monotonic() - started


def eventually(check, seconds: float, message: str):
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(message)
        time.sleep(0.1)


def test_a_publication_on_one_node_shows_on_the_other_and_purges_its_static_folder(cluster):
    a, b = cluster["a"], cluster["b"]
    a.get(BREVE)
    status, headers, body, _ = b.get(BREVE)
    assert status == 200 and headers.get("x-cache") == "HIT"  # rendered by a, shared by Redis
    b.get(LISTING)  # b renders the listing: b's own static file
    listing_file = b.public / "actualite" / "breves" / "index.html"
    eventually(listing_file.exists, 5, "b published no static file")
    publish_title(a, "AG : nouvelle date")
    started = time.monotonic()
    eventually(lambda: "AG : nouvelle date" in b.get(BREVE)[2], 2, "b still serves the old page")
    eventually(lambda: not listing_file.exists(), 3, "b's static file was not purged")
    assert time.monotonic() - started < 3


def test_one_reader_counts_once_and_many_readers_exactly_whichever_node_answers(cluster):
    a, b = cluster["a"], cluster["b"]
    page_id = sql("SELECT id FROM wagtailcore_page WHERE slug = 'assemblee-generale'")[0][0]

    def total():
        return json.loads(a.get(f"/api/visits/{page_id}/")[2])["visits"]

    def beacon(node, address):
        status, *_ = node.request("POST", "/api/visits/", body=json.dumps({"page": page_id}),
                                  headers={"Content-Type": "application/json",
                                           "X-Forwarded-For": address})  # fmt: skip
        assert status == 204

    before = total()
    for node in (a, b, a, b):
        beacon(node, "203.0.113.5")
    assert total() == before + 1
    readers = [f"198.51.{n}.7" for n in range(40)]  # 40 readers, each from its own network
    for number, address in enumerate(readers):
        beacon((a, b)[number % 2], address)
        beacon((b, a)[number % 2], address)  # the same reader on the other node
    assert total() == before + 1 + len(readers)


def test_rate_limits_count_for_the_whole_site_not_per_node(cluster):
    a, b = cluster["a"], cluster["b"]
    status, headers, body, _ = a.get("/api/csrf/")
    token = json.loads(body)["token"]
    cookie = headers["set-cookie"].split(";")[0]
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "name": "X", "email": "x@x.fr",
                                   "message": "bonjour", "horodatage": "bad"})  # fmt: skip
    statuses = []
    for number in range(6):  # 5 per 10 minutes for one address, across both nodes
        node = (a, b)[number % 2]
        statuses.append(node.request("POST", "/contact/", body=form, headers={
            "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})[0])  # fmt: skip
    assert statuses == [400] * 5 + [429], statuses


def test_a_frozen_redis_slows_no_page_and_a_publication_meanwhile_is_not_lost(cluster):
    a, b, redis = cluster["a"], cluster["b"], cluster["redis"]
    for node in (a, b):
        node.get(BREVE)
        node.get(LISTING)
    redis.freeze()
    try:
        worst = 0.0
        for _ in range(3):
            for node in (a, b):
                for path in (BREVE, LISTING, "/", "/contact/"):
                    status, _h, _body, elapsed = node.get(path)
                    assert status == 200, (node.name, path)
                    worst = max(worst, elapsed)
        assert worst < 1.5, f"a page took {worst:.1f} s while Redis was frozen"
        cost = publish_title(a, "AG : publiée pendant la panne")
        assert cost < 60
        pending = sql("SELECT count(*) FROM delivery_invalidation WHERE applied_at IS NULL")[0][0]
        assert pending >= 1  # written with the publication, not lost
        # Both nodes' readers get the new version (never their memory layer's old copy).
        for node in (a, b):
            eventually(lambda n=node: "publiée pendant la panne" in n.get(BREVE)[2], 3,
                       f"{node.name} served the old version while the purge was pending")  # fmt: skip
    finally:
        redis.thaw()
    eventually(lambda: sql("SELECT count(*) FROM delivery_invalidation "
                           "WHERE applied_at IS NULL")[0][0] == 0, 15,
               "the pending purge was not applied once Redis answered")  # fmt: skip
    a.get(BREVE)
    status, headers, body, _ = eventually(
        lambda: (r := b.get(BREVE))[1].get("x-cache") == "HIT" and r, 10, "no cache hit again"
    )
    assert "publiée pendant la panne" in body


def test_a_stopped_redis_fails_no_page_and_pages_are_cached_again_when_it_returns(cluster):
    a, b, redis = cluster["a"], cluster["b"], cluster["redis"]
    redis.stop()
    try:
        for node in (a, b):
            for path in (BREVE, LISTING, "/"):
                status, _h, _b, elapsed = node.get(path)
                assert status == 200 and elapsed < 1.5, (node.name, path, elapsed)
    finally:
        redis.start()
    b.get(LISTING)
    eventually(lambda: b.get(LISTING)[1].get("x-cache") == "HIT", 10, "no cache after restart")
