"""Security cases 28, 32, 34, 39 against a real ``redac serve`` (granian), configured for HTTPS
behind a proxy: what the Django test client cannot show (the server's own headers, raw request
paths that no client library would send, a body larger than what is read)."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.support.processes import free_port

pytestmark = pytest.mark.slow  # starts real servers (left out of make test-fast)

HOST_HEADER = "journal.example"
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def live_server_url():
    port = free_port()
    data_dir = tempfile.mkdtemp(prefix="redac-live-")
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="redac.settings",
        REDAC_DATA_DIR=data_dir,
        REDAC_SITE_URL=f"https://{HOST_HEADER}",
        REDAC_ALLOWED_HOSTS=f"{HOST_HEADER},127.0.0.1",
        REDAC_BEHIND_PROXY="1",
    )
    env.pop("DATABASE_URL", None)  # its own SQLite database in its own data dir
    subprocess.run([BIN / "redac", "migrate", "-v0"], env=env, check=True, timeout=600)
    server = subprocess.Popen(
        [BIN / "redac", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
         "--no-worker"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, "redac serve stopped"
                time.sleep(0.5)
        else:
            pytest.fail("redac serve did not start in 120 s")
        yield f"127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def request(address, method, path, headers=None, body=None, timeout=20):
    host, port = address.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    # skip_host + putrequest send the path byte-for-byte: no client-side normalisation of "..".
    connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    all_headers = {"Host": HOST_HEADER, "X-Forwarded-Proto": "https", **(headers or {})}
    for name, value in all_headers.items():
        connection.putheader(name, value)
    connection.endheaders(body)
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def test_case_34_real_server_sends_no_version_banner_and_full_headers(live_server_url):
    response = request(live_server_url, "GET", "/admin/login/")
    assert response.status == 200
    server = response.getheader("Server") or ""
    assert not any(ch.isdigit() for ch in server), server  # granian says "granian", no version
    assert "max-age=31536000" in response.getheader("Strict-Transport-Security")
    assert "frame-ancestors 'none'" in response.getheader("Content-Security-Policy")
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    cookies = [v for k, v in response.getheaders() if k.lower() == "set-cookie"]
    assert cookies
    for cookie in cookies:
        assert "Secure" in cookie and "SameSite=Lax" in cookie, cookie


def test_case_34_real_server_redirects_plain_http_to_https(live_server_url):
    response = request(live_server_url, "GET", "/admin/login/", {"X-Forwarded-Proto": "http"})
    assert response.status == 301
    assert response.getheader("Location").startswith(f"https://{HOST_HEADER}/")


@pytest.mark.parametrize(
    "path",
    [
        "/media/../../etc/passwd", "/media/images/../../secret_key",
        "/static/%2e%2e/%2e%2e/settings.py", "/static/../secret_key", "/media/%2e%2e/secret_key",
        "/.git/config", "/.env", "/redac.sqlite3", "/secret_key/", "/backup.sql",
    ],
)  # fmt: skip
def test_case_28_real_server_answers_404_to_raw_traversal_paths(live_server_url, path):
    response = request(live_server_url, "GET", path)
    assert response.status == 404, (path, response.status)
    assert b"root:" not in response.body


def test_case_32_real_server_refuses_trace(live_server_url):
    assert request(live_server_url, "TRACE", "/").status == 405


def test_case_39_real_server_refuses_a_2gb_upload_from_its_headers(live_server_url):
    started = time.monotonic()
    response = request(
        live_server_url, "POST", "/admin/documents/multiple/add/",
        {"Content-Type": "multipart/form-data; boundary=x", "Content-Length": str(2 * 1024**3)},
        body=b"--x\r\n", timeout=30,
    )  # fmt: skip
    assert response.status == 413
    assert time.monotonic() - started < 20
