"""Issue 15, item 7: slow request bodies must not freeze the site served by ``redac serve`` alone.

Outside, 66 sockets that each announced a body and sent it one byte every 5 s held every thread of
both granian workers, and cached pages stopped answering. Here a real ``redac serve`` (granian, one
worker, as many threads as it starts with) gets more slow-body sockets than it has threads, on
several endpoints that read bodies (the visit beacon, the login, a form), and a cached page must
keep answering fast while they are open; the slow clients past the bound get 503 at once, a normal
body from another client is still read, and granian starts without its warning about threads."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from redac.core.bodies import PER_CLIENT, threads_per_worker
from tests.support.processes import free_port, signal_tree

pytestmark = pytest.mark.slow  # starts real servers (left out of make test-fast)

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def server():
    port = free_port()
    data_dir = tempfile.mkdtemp(prefix="redac-slow-")
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="redac.settings", REDAC_DATA_DIR=data_dir)
    env.pop("DATABASE_URL", None)
    env.pop("REDAC_TRUSTED_PROXIES", None)
    subprocess.run([BIN / "redac", "migrate", "-v0"], env=env, check=True, timeout=600)
    log = Path(data_dir) / "serve.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [BIN / "redac", "serve", "--port", str(port), "--workers", "1", "--no-worker"],
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if get(port, "/healthz")[0] == 200:
                    break
            except OSError:
                assert process.poll() is None, log.read_text()
                time.sleep(0.3)
        else:
            pytest.fail("redac serve did not start in 120 s")
        yield port, log
    finally:
        signal_tree(process.pid, 15)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            signal_tree(process.pid, 9)


def get(port, path, timeout=10.0):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


class SlowBody:
    """A client that announces ``length`` bytes of body and sends one every ``every`` seconds."""

    def __init__(self, port, path, length=2000, every=1.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
            f"application/x-www-form-urlencoded\r\nContent-Length: {length}\r\n"
            # With a CSRF cookie, Django reads the form's body to find the token in it.
            f"Cookie: csrftoken={'a' * 32}\r\n\r\n".encode()
        )
        self.every = every
        self.answer = b""
        self.answered_at = None
        self.started = time.monotonic()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.drip, daemon=True)
        self.thread.start()

    def drip(self):
        self.sock.settimeout(self.every)
        while not self.stop.is_set():
            try:
                data = self.sock.recv(4096)
            except TimeoutError:
                try:
                    self.sock.sendall(b"a")
                except OSError:
                    return
                continue
            except OSError:
                return
            if not data:
                return
            if not self.answer:
                self.answered_at = time.monotonic() - self.started
            self.answer += data

    def close(self):
        self.stop.set()
        self.sock.close()


def post_from(address, port, path, body):
    """A POST with an ordinary body, sent from another loopback address (another client)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10,
                                            source_address=(address, 0))  # fmt: skip
    try:
        connection.request("POST", path, body=body,
                           headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def test_attack_slow_request_bodies_never_stop_cached_pages(server):
    port, _log = server
    assert get(port, "/")[0] in (200, 404)
    status, headers, _ = get(port, "/")
    assert headers.get("x-cache") == "HIT", headers  # the page readers are served from the cache

    threads = threads_per_worker()
    # Endpoints whose handling reads the body: the visit beacon, the login form (its CSRF check).
    paths = ["/api/visits/", "/api/visits/", "/admin/login/"]
    # More than the 32 threads per worker that redac serve used to start, and than it starts now.
    slow = [SlowBody(port, paths[i % len(paths)]) for i in range(max(40, 2 * threads + 8))]
    try:
        time.sleep(2.5)  # every slow socket has been handed to the server
        timings = []
        for _ in range(20):
            start = time.monotonic()
            status, headers, _ = get(port, "/", timeout=5)
            timings.append(time.monotonic() - start)
            assert headers.get("x-cache") == "HIT"
        timings.sort()
        assert timings[len(timings) // 2] < 0.1, timings
        assert timings[-1] < 1.0, timings
        # A page that Django renders gets a thread too.
        start = time.monotonic()
        assert get(port, "/admin/login/", timeout=5)[0] == 200
        assert time.monotonic() - start < 3.0
        # Another client's ordinary body is read (403: Django read the form, no CSRF token).
        assert post_from("127.0.0.2", port, "/admin/login/", b"username=a&password=b") == 403
        # The slow ones past the bound were answered at once (503): at most PER_CLIENT of them
        # hold a thread.
        waiting = [c for c in slow if not c.answer]
        assert len(waiting) <= PER_CLIENT, [c.answer[:40] for c in slow]
        assert all(c.answered_at < 1.0 for c in slow if c.answer)
        assert any(b" 503 " in c.answer.split(b"\r\n", 1)[0] for c in slow)
    finally:
        for client in slow:
            client.close()


def test_attack_slow_request_bodies_serve_starts_without_granians_thread_warning(server):
    _port, log = server
    text = log.read_text()
    assert "Python threads" not in text, text
    assert threads_per_worker() <= 2 * os.cpu_count() + 1


def wsgi_call(app, body=b"x=1", remote="192.0.2.1", length=None, path="/contact/"):
    import io

    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": path, "REMOTE_ADDR": remote,
               "CONTENT_LENGTH": str(len(body) if length is None else length),
               "wsgi.input": io.BytesIO(body)}  # fmt: skip
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"] = status

    b"".join(app(environ, start_response))
    return seen["status"]


def test_attack_slow_request_bodies_slots_are_given_back_and_bounded(settings):
    from redac.core.bodies import BodyGuard

    settings.REDAC_TRUSTED_PROXIES = ["10.0.0.1"]
    held = threading.Event()
    release = threading.Event()

    def app(environ, start_response):
        if environ["PATH_INFO"] == "/slow/":
            held.set()
            release.wait(5)  # as a thread blocked in wsgi.input.read()
        environ["wsgi.input"].read()
        start_response("200 OK", [])
        return [b""]

    guard = BodyGuard(app, threads=4)  # two body slots
    for _ in range(50):  # slots come back after each body: no leak
        assert wsgi_call(guard).startswith("200")
    assert guard.gate.reading == 0 and not guard.gate.by_client
    blocked = [threading.Thread(target=wsgi_call, args=(guard,),
                                kwargs={"path": "/slow/", "remote": f"192.0.2.{i}"})
               for i in (1, 2)]  # fmt: skip
    for thread in blocked:
        thread.start()
    held.wait(5)
    time.sleep(0.1)
    assert wsgi_call(guard, remote="192.0.2.3").startswith("503")  # no slot: refused at once
    assert wsgi_call(guard, remote="10.0.0.1").startswith("200")  # a trusted proxy buffered it
    release.set()
    for thread in blocked:
        thread.join(5)
    assert wsgi_call(guard, remote="192.0.2.3").startswith("200")
