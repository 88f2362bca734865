"""The page cache across app servers (Redis) and the CDN purge on publication."""

import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from conftest import skip_or_fail
from redac.delivery.store import Entry, FileStore, RedisStore

pytestmark = pytest.mark.django_db
KEY = ("http://testserver", "/actualite/", "")


def entry(body=b"<html>page</html>" * 100):
    return Entry.build("200 OK", [("Content-Type", "text/html; charset=utf-8")], body,
                       expires_at=time.time() + 600)  # fmt: skip


@pytest.fixture
def redis_store():
    import redis

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        skip_or_fail("Redis does not answer on 127.0.0.1:6379")
    prefix = f"redac-test-{uuid.uuid4().hex[:8]}:"
    store = RedisStore(url, prefix=prefix, memory_bytes=1 << 20, check_interval=0.05)
    yield store
    keys = list(store.redis.scan_iter(match=prefix + "*"))
    if keys:
        store.redis.delete(*keys)


def test_two_app_servers_share_pages_and_invalidations_through_redis(redis_store):
    other = RedisStore("redis://127.0.0.1:6379/15", prefix=redis_store.prefix,
                       memory_bytes=1 << 20, check_interval=0.05)  # fmt: skip
    assert redis_store.put(KEY, entry(), redis_store.token())
    assert other.get(KEY).body == entry().body
    assert redis_store.invalidate(prefixes=["/actualite/"]) == ["/actualite/"]
    time.sleep(0.06)
    assert other.get(KEY) is None and redis_store.get(KEY) is None


def test_redis_refuses_a_rendering_older_than_an_invalidation(redis_store):
    token = redis_store.token()
    redis_store.invalidate(["/actualite/"])
    assert not redis_store.put(KEY, entry(), token)


def test_the_file_store_stays_within_its_size_bound(tmp_path):
    store = FileStore(tmp_path, max_bytes=200_000, memory_bytes=0)
    for number in range(40):
        body = bytes(f"{number:05d}", "ascii") * 4000  # 20 kB, compresses well
        store.put(("h", f"/p{number}/", ""), entry(body), store.token())
    total = sum(p.stat().st_size for p in tmp_path.rglob("@*"))
    assert total <= 200_000
    assert store.get(("h", "/p39/", "")) is not None  # the newest stays


def test_a_corrupt_entry_is_a_miss_not_an_error(tmp_path):
    store = FileStore(tmp_path, max_bytes=1 << 20, memory_bytes=0)
    store.put(KEY, entry(), store.token())
    for file in tmp_path.rglob("@*"):
        file.write_bytes(file.read_bytes()[:50])
    assert store.get(KEY) is None


def test_paths_that_cannot_be_files_are_not_cached(tmp_path):
    store = FileStore(tmp_path, max_bytes=1 << 20, memory_bytes=0)
    for path in ("/a/../b/", "//x/", "/" + "x" * 300 + "/"):
        assert not store.put(("h", path, ""), entry(), store.token())


class PurgeRecorder(BaseHTTPRequestHandler):
    purged: list = []

    def do_PURGE(self):
        PurgeRecorder.purged.append((self.headers["Host"], self.path))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_publication_purges_the_cdn_for_every_changed_url(reader, demo, settings, page_cache):
    server = ThreadingHTTPServer(("127.0.0.1", 0), PurgeRecorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    PurgeRecorder.purged = []
    settings.WAGTAILFRONTENDCACHE = {"default": {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": f"http://127.0.0.1:{server.server_address[1]}"}}  # fmt: skip
    try:
        breve = demo["breves"]["assemblee-generale"]
        reader.get(breve.url)
        breve.title = "AG : nouvelle date"
        breve.date = timezone.now()
        breve.save_revision().publish()
    finally:
        server.shutdown()
        server.server_close()
    paths = {path for _host, path in PurgeRecorder.purged}
    assert {breve.url, "/actualite/breves/", "/", "/sitemap.xml", "/mots/democratie/"} <= paths
    assert "/culture/" not in paths
