"""Static publishing (REDAC_PUBLISH_DIR): cached pages are also files nginx serves directly, removed
the moment they change; and the shipped nginx configuration serves them and falls back to redac."""

import gzip
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import skip_or_fail
from redac.core.middleware import PUBLIC_CSP
from redac.core.testing import free_port

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[3]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
BREVE = "assemblee-generale"


def test_a_cached_page_is_published_as_index_html_and_gzip(reader, demo, publish_dir):
    response = reader.get("/actualite/")
    index = publish_dir / "actualite" / "index.html"
    assert index.read_bytes() == response.body
    assert (
        gzip.decompress((publish_dir / "actualite" / "index.html.gz").read_bytes()) == response.body
    )
    assert (publish_dir / "index.html").exists() is False  # only what was requested
    reader.get("/")
    assert (publish_dir / "index.html").read_bytes() == reader.get("/").body


def test_only_plain_anonymous_pages_are_published(reader, demo, publish_dir, client, personas):
    reader.get("/actualite/", query="page=2")
    reader.get("/nulle-part/")
    client.force_login(personas["admin"])
    reader.get("/culture/", cookies={"sessionid": client.cookies["sessionid"].value})
    published = sorted(
        str(p.relative_to(publish_dir)) for p in publish_dir.rglob("*") if p.is_file()
    )
    assert published == []


def test_a_publication_deletes_exactly_the_files_that_changed(reader, demo, publish_dir):
    breve = demo["breves"][BREVE]
    for path in (breve.url, "/actualite/breves/", "/", "/culture/"):
        reader.get(path)
    breve.title = "AG : nouvelle date"
    breve.save_revision().publish()
    assert not (publish_dir / breve.url.strip("/") / "index.html").exists()
    assert not (publish_dir / "actualite" / "breves" / "index.html").exists()
    assert not (publish_dir / "index.html").exists()
    assert (publish_dir / "culture" / "index.html").exists()
    assert "AG : nouvelle date" in reader.get(breve.url).text
    assert "AG : nouvelle date" in (publish_dir / breve.url.strip("/") / "index.html").read_text()


def test_emptying_the_cache_empties_the_publishing_folder(reader, demo, publish_dir):
    from redac.delivery.invalidation import invalidate_everything

    reader.get("/culture/")
    invalidate_everything()
    assert list(publish_dir.iterdir()) == []


# --- nginx ---------------------------------------------------------------------------------------


class FakeRedac(BaseHTTPRequestHandler):
    hits: list = []

    def _answer(self):
        FakeRedac.hits.append((self.command, self.path))
        body = b"from redac"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_HEAD = _answer

    def log_message(self, *args):
        pass


@pytest.fixture
def nginx(tmp_path, publish_dir):
    if not os.path.exists(NGINX):
        skip_or_fail("nginx is not installed (apt-get install nginx-light)")
    upstream = ThreadingHTTPServer(("127.0.0.1", free_port()), FakeRedac)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    FakeRedac.hits = []
    port = free_port()
    data_dir = tmp_path / "data"
    (data_dir / "static").mkdir(parents=True)
    site = (REPO / "docs" / "deploy" / "nginx.conf").read_text()
    for placeholder, value in {
        "@SERVER_NAME@": "localhost", "@LISTEN@": f"127.0.0.1:{port}",
        "@UPSTREAM@": f"127.0.0.1:{upstream.server_port}", "@DATA_DIR@": str(data_dir),
        "@PUBLISH_DIR@": str(publish_dir), "@CSP@": PUBLIC_CSP,
    }.items():  # fmt: skip
        site = site.replace(placeholder, value)
    assert "@" not in site.replace("@redac", ""), "a placeholder was left"
    run = tmp_path / "nginx"
    (run / "logs").mkdir(parents=True)
    (run / "site.conf").write_text(site)
    user = "user root;\n" if os.geteuid() == 0 else ""
    (run / "nginx.conf").write_text(
        f"{user}worker_processes 1;\npid {run}/nginx.pid;\nerror_log {run}/logs/error.log;\n"
        "events { worker_connections 256; }\n"
        f"http {{\n include /etc/nginx/mime.types;\n access_log {run}/logs/access.log;\n"
        f" include {run}/site.conf;\n}}\n"
    )
    base = [
        NGINX,
        "-p",
        str(run),
        "-e",
        str(run / "logs" / "error.log"),
        "-c",
        str(run / "nginx.conf"),
    ]
    check = subprocess.run(base + ["-t"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen(base + ["-g", "daemon off;"], stderr=subprocess.PIPE)
    deadline = time.time() + 10
    while time.time() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(10)
    upstream.shutdown()
    upstream.server_close()


def fetch(url, headers=None, method="GET"):
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_nginx_serves_published_pages_without_asking_redac(reader, demo, nginx, publish_dir):
    page = reader.get("/actualite/")
    status, headers, body = fetch(nginx + "/actualite/")
    assert status == 200 and body == page.body
    assert headers["X-Cache"] == "STATIC" and FakeRedac.hits == []
    assert (
        headers["Content-Security-Policy"] == PUBLIC_CSP == page.header("content-security-policy")
    )
    assert "s-maxage=" in headers["Cache-Control"] and headers["Content-Type"].startswith(
        "text/html"
    )
    status, headers, body = fetch(nginx + "/actualite/", {"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body) == page.body
    etag = fetch(nginx + "/actualite/")[1]["ETag"]
    assert fetch(nginx + "/actualite/", {"If-None-Match": etag})[0] == 304
    assert FakeRedac.hits == []


def test_nginx_falls_back_to_redac_for_everything_else(reader, demo, nginx, publish_dir):
    reader.get("/actualite/")
    assert fetch(nginx + "/pas-publiee/")[2] == b"from redac"
    assert fetch(nginx + "/actualite/?page=2")[2] == b"from redac"
    assert fetch(nginx + "/actualite/", {"Cookie": "sessionid=abc"})[2] == b"from redac"
    assert fetch(nginx + "/actualite/", method="POST")[2] == b"from redac"
    assert fetch(nginx + "/actualite")[2] == b"from redac"  # redac redirects to the slash
    assert fetch(nginx + "/actualite/", {"Cookie": "messages=xyz"})[2] == b"from redac"
    assert fetch(nginx + "/actualite/index.html")[2] == b"from redac"
    (publish_dir / "actualite" / ".index.html.1.tmp").write_bytes(b"half a page")
    assert fetch(nginx + "/actualite/.index.html.1.tmp")[2] == b"from redac"
    assert fetch(nginx + "/actualite/.index.html.1.tmp/")[2] == b"from redac"
    assert len(FakeRedac.hits) == 9
    status, headers, body = fetch(nginx + "/actualite/", method="HEAD")
    assert status == 200 and headers["X-Cache"] == "STATIC" and body == b""


def test_nginx_stops_serving_a_page_once_it_changes(reader, demo, nginx, publish_dir):
    breve = demo["breves"][BREVE]
    reader.get(breve.url)
    assert fetch(nginx + breve.url)[1]["X-Cache"] == "STATIC"
    breve.save_revision().publish()
    assert fetch(nginx + breve.url)[2] == b"from redac"


def test_a_flash_item_expiring_purges_published_files_with_no_request_to_django(
    reader, demo, publish_dir
):
    """nginx serves published files without asking redac: the background worker's job purges them
    when a flash item expires."""
    from datetime import timedelta

    from django.utils import timezone
    from freezegun import freeze_time

    from redac.core.jobs import registered_jobs
    from redac.flash.models import FlashItem

    job = registered_jobs()["delivery.scheduled_changes"]
    item = FlashItem.objects.visible().first()
    item.expire_at = timezone.now() + timedelta(minutes=5)
    item.save()
    reader.get("/culture/")
    published = publish_dir / "culture" / "index.html"
    assert published.exists() and item.title in published.read_text()
    job.func()
    assert published.exists()  # not yet: nothing has changed
    with freeze_time(timezone.now() + timedelta(minutes=6)):
        job.func()
        assert not published.exists()
        assert item.title not in reader.get("/culture/").text


def test_nginx_serves_the_feeds_stylesheet_as_xml(nginx, tmp_path):
    """Browsers apply a feed's XSLT stylesheet only when it comes as XML (issue 16); nginx's
    mime.types has no .xsl."""
    static = tmp_path / "data" / "static" / "redac"
    static.mkdir(parents=True)
    (static / "feed.0123abcd.xsl").write_text("<xsl:stylesheet/>")
    (static / "site.css").write_text("body {}")
    status, headers, body = fetch(nginx + "/static/redac/feed.0123abcd.xsl")
    assert status == 200 and body == b"<xsl:stylesheet/>"
    assert headers["Content-Type"].startswith("text/xsl")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert fetch(nginx + "/static/redac/site.css")[1]["Content-Type"].startswith("text/css")
