"""Static publishing (REDAC_PUBLISH_DIR): cached pages are also files nginx serves directly, removed
the moment they change; and the shipped nginx configuration serves them and falls back to redac."""

import grp
import gzip
import os
import pwd
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
from tests.support.processes import free_port

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
    """Stands for redac behind nginx. Under /media/ it answers as redac does to a reader
    (redac.core.media: 404 for originals and for documents by their storage path, tested in
    tests/security/test_routing_and_headers.py)."""

    hits: list = []

    def _answer(self):
        FakeRedac.hits.append((self.command, self.path))
        if self.path.startswith("/media/"):
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
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


#: As Debian runs it: nginx's workers are another user than redac's (when the tests run as root,
#: "nobody"; otherwise nginx cannot switch user and runs as the tests' user).
NGINX_USER = "nobody"


@pytest.fixture
def nginx(tmp_path, publish_dir, settings):
    if not os.path.exists(NGINX):
        skip_or_fail("nginx is not installed (apt-get install nginx-light)")
    upstream = ThreadingHTTPServer(("127.0.0.1", free_port()), FakeRedac)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    FakeRedac.hits = []
    port = free_port()
    data_dir = tmp_path / "data"
    (data_dir / "static").mkdir(parents=True)
    settings.MEDIA_ROOT = data_dir / "media"  # what redac writes is what nginx reads
    settings.STATIC_ROOT = data_dir / "static"
    opened = []
    if os.geteuid() == 0:  # let the other user through the test's own folders, as /var/lib is
        for folder in [tmp_path, *tmp_path.parents]:
            if folder == Path("/"):
                break
            mode = folder.stat().st_mode & 0o777
            if not mode & 0o001:
                opened.append((folder, mode))
                folder.chmod(mode | 0o001)
    site = (REPO / "docs" / "deploy" / "nginx.conf").read_text()
    for placeholder, value in {
        "@SERVER_NAME@": "localhost", "@LISTEN@": f"127.0.0.1:{port}",
        "@UPSTREAM@": f"127.0.0.1:{upstream.server_port}", "@DATA_DIR@": str(data_dir),
        "@PUBLISH_DIR@": str(publish_dir), "@CSP@": PUBLIC_CSP,
    }.items():  # fmt: skip
        site = site.replace(placeholder, value)
    assert "@" not in site.replace("@redac", ""), "a placeholder was left"
    # As docs/scaling.md says to check the set-up: nginx says X-Cache: STATIC for its files.
    site = site.replace(
        '# add_header X-Cache "STATIC" always;', 'add_header X-Cache "STATIC" always;'
    )
    run = tmp_path / "nginx"
    (run / "logs").mkdir(parents=True)
    (run / "site.conf").write_text(site)
    group = grp.getgrgid(pwd.getpwnam(NGINX_USER).pw_gid).gr_name if os.geteuid() == 0 else ""
    user = f"user {NGINX_USER} {group};\n" if os.geteuid() == 0 else ""
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
    for folder, mode in opened:
        folder.chmod(mode)


def fetch(url, headers=None, method="GET"):
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
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


# --- Media through nginx (issue 15, item 3) ------------------------------------------------------


@pytest.fixture
def stored_media(nginx, settings):
    """What redac stores, through its own storages: an image (original + rendition), a document
    in a login-restricted collection, a static file."""
    from django.core.cache import cache
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file_jpeg
    from wagtail.models import Collection, CollectionViewRestriction

    from redac.core.storage import StaticStorage

    cache.clear()  # Wagtail remembers renditions there: one of another test's media folder
    image = get_image_model().objects.create(
        title="Photo", file=get_test_image_file_jpeg(filename="manif.jpg")
    )
    rendition = image.get_rendition("width-40")
    internal = Collection.get_first_root_node().add_child(name="Bureau")
    CollectionViewRestriction.objects.create(
        collection=internal, restriction_type=CollectionViewRestriction.LOGIN
    )
    document = get_document_model().objects.create(
        title="Compte rendu", collection=internal,
        file=ContentFile(b"%PDF-1.4\n% interne\n%%EOF\n", name="bureau.pdf"),
    )  # fmt: skip
    static = StaticStorage(location=settings.STATIC_ROOT, base_url="/static/")
    static_name = static.save("redac/css/essai.css", ContentFile(b"body { color: #111; }"))
    media = Path(settings.MEDIA_ROOT)
    return {
        "rendition": ("/media/" + rendition.file.name, media / rendition.file.name),
        "original": ("/media/" + image.file.name, media / image.file.name),
        "document": ("/media/" + document.file.name, media / document.file.name),
        "static": ("/static/" + static_name, Path(settings.STATIC_ROOT) / static_name),
    }


@pytest.mark.security_case("nginx_media")
@pytest.mark.slow
def test_nginx_serves_renditions_and_static_files_as_another_user(stored_media, nginx):
    for kind in ("rendition", "static"):
        url, path = stored_media[kind]
        status, _headers, body = fetch(nginx + url)
        assert status == 200, f"{kind}: nginx answered {status} for {url}"
        assert body == path.read_bytes()
    assert not [hit for hit in FakeRedac.hits if hit[1].startswith(("/media/", "/static/"))]


@pytest.mark.security_case("nginx_media")
@pytest.mark.slow
def test_nginx_never_serves_originals_nor_documents(stored_media, nginx):
    """An original (its name follows from any rendition's) and a document of a restricted
    collection, asked by their storage paths: nginx hands them to redac, which refuses them."""
    for kind in ("original", "document"):
        url, path = stored_media[kind]
        assert path.exists()
        status, _headers, body = fetch(nginx + url)
        assert status == 404, f"{kind}: nginx answered {status} for {url}"
        assert body != path.read_bytes() and path.read_bytes() not in body
        assert ("GET", url) in FakeRedac.hits, f"{kind}: nginx did not ask redac"


@pytest.mark.security_case("nginx_media")
def test_media_files_are_written_public_or_private(stored_media):
    """Renditions and static files are readable by the web server's user; originals and documents
    are not, nor are their folders enterable (so nginx gets 403 even if told to serve them)."""

    def mode(path):
        return path.stat().st_mode & 0o777

    for kind in ("rendition", "static"):
        path = stored_media[kind][1]
        assert mode(path) == 0o644, f"{kind}: {oct(mode(path))}"
        assert all(mode(folder) & 0o005 == 0o005 for folder in (path.parent, path.parent.parent))
    for kind in ("original", "document"):
        path = stored_media[kind][1]
        assert mode(path) & 0o007 == 0 and mode(path.parent) & 0o007 == 0, kind


@pytest.mark.security_case("nginx_media")
def test_files_already_stored_get_the_same_modes_on_upgrade(stored_media):
    """Files written before (all 0640, folders as the umask left them) are fixed by the
    migration that `redac migrate` applies, and by `redac fix_media_permissions`."""
    import importlib

    from django.core.management import call_command

    for kind, (_url, path) in stored_media.items():
        path.chmod(0o640 if kind in ("rendition", "static") else 0o644)
        path.parent.chmod(0o750 if kind in ("rendition", "static") else 0o755)
    migration = importlib.import_module("redac.core.migrations.0005_media_permissions")
    migration.fix_permissions(None, None)
    test_media_files_are_written_public_or_private(stored_media)
    stored_media["rendition"][1].chmod(0o600)
    call_command("fix_media_permissions", stdout=open(os.devnull, "w"))
    test_media_files_are_written_public_or_private(stored_media)


@pytest.mark.slow
def test_nginx_serves_the_feeds_stylesheet_as_xml(nginx, tmp_path):
    """Browsers apply a feed's XSLT stylesheet only when it comes as XML (issue 16); nginx's
    mime.types has no .xsl."""
    static = tmp_path / "data" / "static" / "redac"
    static.mkdir(parents=True)
    (static / "feed.0123abcd.xsl").write_text("<xsl:stylesheet/>")
    (static / "site.css").write_text("body {}")
    for path in (static.parent.parent, static.parent, static):  # as an install leaves them
        path.chmod(0o755)
    for path in static.iterdir():
        path.chmod(0o644)
    status, headers, body = fetch(nginx + "/static/redac/feed.0123abcd.xsl")
    assert status == 200 and body == b"<xsl:stylesheet/>"
    assert headers["Content-Type"].startswith("text/xsl")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert fetch(nginx + "/static/redac/site.css")[1]["Content-Type"].startswith("text/css")
