"""The shared store failing: Redis hanging (SIGSTOP) or down never slows or fails a page, and a
publication made meanwhile is never lost (issue 17)."""

from __future__ import annotations

import time
import uuid

import pytest
from django.core.cache import caches

from conftest import skip_or_fail
from redac.core.lib import shared
from redac.delivery import conf, outbox
from redac.delivery.models import Invalidation
from redac.delivery.store import Entry, RedisStore, StoreUnavailable
from tests.support.redis_server import RedisServer

from .test_invalidation import BREVE, edit_form, editor_client  # noqa: F401 (fixture)

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
KEY = ("http://testserver", "/actualite/", "")
TIMEOUT_MS = 200


def entry(body=b"<html>page</html>" * 100):
    return Entry.build("200 OK", [("Content-Type", "text/html; charset=utf-8")], body,
                       expires_at=time.time() + 600)  # fmt: skip


@pytest.fixture
def redis_server(settings):
    if not RedisServer.available():
        skip_or_fail("redis-server is not installed")
    settings.REDAC_REDIS_TIMEOUT_MS = TIMEOUT_MS
    settings.REDAC_REDIS_RETRY_SECONDS = 1
    shared.forget()
    server = RedisServer().start()
    yield server
    server.close()
    shared.forget()


@pytest.fixture
def store(redis_server):
    store = RedisStore(redis_server.url, prefix=f"t{uuid.uuid4().hex[:6]}:", memory_bytes=1 << 22,
                       check_interval=0.05)  # fmt: skip
    store.pending = outbox.pending()
    store.pending.replace([])
    yield store
    store.pending.replace([])


def timed(func, *args):
    started = time.monotonic()
    result = func(*args)
    return result, time.monotonic() - started


def test_a_frozen_redis_costs_one_timeout_then_nothing_and_the_memory_layer_keeps_serving(
    redis_server, store
):
    assert store.put(KEY, entry(), store.token())
    assert store.get(KEY) is not None
    redis_server.freeze()
    time.sleep(0.06)  # past the check interval: the next lookup asks Redis for its counter
    started = time.monotonic()
    answers = []
    for _ in range(40):  # 40 lookups, as a page's worth of calls and more
        answers.append(store.get(KEY))
        store.get(("http://testserver", "/not-cached/", ""))
        time.sleep(0.01)
    elapsed = time.monotonic() - started
    # One timeout for the first call; the breaker keeps every other call away from Redis.
    assert elapsed < 2 * TIMEOUT_MS / 1000 + 0.5, elapsed
    assert all(a is not None and a.body == entry().body for a in answers)
    # Nothing is stored while Redis hangs, and a purge says so at once instead of waiting.
    assert store.token() is None
    assert not store.put(("http://testserver", "/autre/", ""), entry(), None)
    started = time.monotonic()
    with pytest.raises(StoreUnavailable):
        store.invalidate(["/x/"])
    assert time.monotonic() - started < 0.05


def test_the_breaker_probes_again_after_its_delay_and_closes_when_redis_answers(
    redis_server, store
):
    store.put(KEY, entry(), store.token())
    redis_server.freeze()
    assert store.token() is None  # waits one timeout, opens the breaker
    redis_server.thaw()
    _, cost = timed(store.token)
    assert _ is None and cost < 0.05  # still open: no call
    time.sleep(1.05)
    assert store.token() is not None  # the probe went through: closed again
    assert not store.breaker.is_open


def test_djangos_cache_is_shared_in_redis_and_falls_back_to_memory_when_redis_hangs(
    redis_server, settings
):
    settings.CACHES = {"default": {"BACKEND": "redac.core.cache.SharedCache",
                                   "LOCATION": redis_server.url, "KEY_PREFIX": "redac:dj"}}  # fmt: skip
    node_a, node_b = caches.create_connection("default"), caches.create_connection("default")
    node_a.set("site_root_paths", ["/accueil/"], 60)
    assert node_b.get("site_root_paths") == ["/accueil/"]  # another node sees it
    node_a.add("redac:rl:contact:1.2.3.0", 1, 60)
    node_b.incr("redac:rl:contact:1.2.3.0")
    assert node_a.get("redac:rl:contact:1.2.3.0") == 2  # one counter for all nodes
    client = shared.client_for(redis_server.url)
    assert any(k.startswith(b"redac:dj:") for k in client.keys("*"))
    redis_server.freeze()
    _, cost = timed(node_a.set, "k", "v", 60)
    assert cost < 2 * TIMEOUT_MS / 1000 + 0.1
    started = time.monotonic()
    for number in range(50):
        node_a.set(f"k{number}", number, 60)
        assert node_a.get(f"k{number}") == number  # this node's memory meanwhile
    assert time.monotonic() - started < 0.2
    redis_server.thaw()
    node_a.clear()  # only this site's keys
    client.set("another-site:key", 1)
    node_b.clear()
    assert client.get("another-site:key") == b"1"


def test_publishing_while_redis_hangs_succeeds_and_the_purge_is_applied_when_it_answers(
    redis_server, store, demo, editor_client, page_cache, reader,  # noqa: F811
    django_capture_on_commit_callbacks,
):  # fmt: skip
    conf.use_store(store, None)
    breve = demo["breves"][BREVE]
    reader.get(breve.url)
    assert reader.get(breve.url).header("x-cache") == "HIT"
    unrelated = ("http://testserver", "/une-autre-page/", "")
    assert store.put(unrelated, entry(), store.token())
    entry_key = store._keys(("http://testserver", breve.url, ""))[1]
    assert store.redis.exists(entry_key)

    redis_server.freeze()
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(f"/admin/pages/{breve.pk}/edit/",
                                      edit_form(breve, "Publié pendant la panne"))  # fmt: skip
    assert response.status_code == 302  # the editor's publication succeeds
    assert time.monotonic() - started < 5
    rows = list(Invalidation.objects.filter(applied_at__isnull=True))
    assert any(row.names(breve.url) for row in rows)

    # While it is pending: the page is rendered afresh, never the old copy from memory...
    fresh = reader.get(breve.url)
    assert fresh.header("x-cache") == "MISS" and "Publié pendant la panne" in fresh.text
    assert store.get(unrelated) is not None  # ...and other pages are still served

    # Redis answers again, still holding the old copy: not served either while the row pends.
    redis_server.thaw()
    time.sleep(1.1)
    assert store.token() is not None
    assert store.redis.exists(entry_key)
    assert "Publié pendant la panne" in reader.get(breve.url).text

    assert outbox.apply_pending() >= 1  # what the lease holder's job does every second
    assert not Invalidation.objects.filter(applied_at__isnull=True).exists()
    assert not store.pending
    assert not store.redis.exists(entry_key)
    reader.get(breve.url)
    again = reader.get(breve.url)
    assert again.header("x-cache") == "HIT" and "Publié pendant la panne" in again.text


def test_other_workers_learn_pending_purges_from_the_database(redis_server, store):
    """A worker that did not publish reads the pending rows (its poller does, every 0.5 s)."""
    assert store.put(KEY, entry(), store.token())
    Invalidation.objects.create(paths=["/actualite/"], origin="another-node")
    assert store.get(KEY) is not None
    store.pending.refresh()
    assert store.get(KEY) is None
    assert store.get(("http://testserver", "/autre/", "")) is None  # (never cached)
    Invalidation.objects.update(applied_at="2026-01-01T00:00:00Z")
    store.pending.refresh()
    assert store.get(KEY) is not None


def test_a_delete_made_while_redis_hangs_is_made_in_redis_when_it_answers(redis_server, settings):
    """Wagtail deletes its site root paths when a home page or site changes: a node that could
    not reach Redis then must not leave the other nodes the old value."""
    settings.CACHES = {"default": {"BACKEND": "redac.core.cache.SharedCache",
                                   "LOCATION": redis_server.url, "KEY_PREFIX": "redac:dj"}}  # fmt: skip
    node_a, node_b = caches.create_connection("default"), caches.create_connection("default")
    node_b.set("wagtail_site_root_paths", ["/accueil/"], 3600)
    redis_server.freeze()
    node_a.delete("wagtail_site_root_paths")  # waits one timeout, then this node's memory
    node_a.set("redac:rl:contact:x", 3, 60)  # counted locally meanwhile
    redis_server.thaw()
    time.sleep(1.05)
    assert node_a.get("other") is None  # the probe: Redis answers, the breaker closes
    assert node_b.get("wagtail_site_root_paths") is None
    assert node_a.get("redac:rl:contact:x") is None  # the local fallback was emptied


def test_a_purge_remembered_while_the_poller_was_reading_is_not_dropped_by_that_read():
    pending = outbox.Pending()
    read_began = time.monotonic()
    row = Invalidation(pk=10**9, paths=["/actualite/"])
    pending.remember(row)  # committed and failed after the poller's query began
    pending.replace([], read_since=read_began)  # that query could not see it
    assert pending.names("/actualite/")
    pending.replace([], read_since=time.monotonic())  # a later read, row not pending: gone
    assert not pending.names("/actualite/")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_outside_a_transaction_a_purge_is_applied_once_and_kept_pending_if_redis_hangs(
    redis_server, store
):
    from redac.delivery.invalidation import invalidate

    conf.use_store(store, None)
    try:
        Invalidation.objects.all().delete()
        before = int(store.token())
        invalidate(["/actualite/"])  # a comment approved, a scheduled change: no transaction
        assert int(store.token()) == before + 1  # one pass, not two
        assert Invalidation.objects.get().applied_at is not None
        redis_server.freeze()
        invalidate(["/rubrique/"])
        row = Invalidation.objects.get(applied_at__isnull=True)
        assert row.paths == ["/rubrique/"] and store.pending.names("/rubrique/")
        redis_server.thaw()
        time.sleep(1.05)
        assert outbox.apply_pending() == 1
    finally:
        conf.reset()


def test_site_wide_fragments_are_renewed_by_a_purge_written_while_redis_hangs(redis_server, store):
    """The menu, the flash ticker... are kept per worker until the store's token changes; while
    Redis hangs the token stands still, so a pending purge (a flash item published meanwhile)
    must renew them too."""
    from redac.delivery import chrome, schedule

    conf.use_store(store, None)
    chrome.forget()
    schedule.forget()
    try:
        computed = []

        def flash_ticker():
            computed.append(1)
            return len(computed)

        redis_server.freeze()
        store.token()  # one timeout: the breaker opens
        assert chrome.site_wide("flash", flash_ticker) == 1
        assert chrome.site_wide("flash", flash_ticker) == 1  # remembered
        store.pending.remember(Invalidation(pk=10**9 + 1, everything=True))
        assert chrome.site_wide("flash", flash_ticker) == 2
    finally:
        redis_server.thaw()
        chrome.forget()
        schedule.forget()
        conf.reset()


def test_a_worker_forked_after_the_store_was_built_polls_the_outbox_itself():
    import os

    pending = outbox.Pending(poll=0.05)
    started_in = []

    def loop(store):
        started_in.append(os.getpid())
        time.sleep(2)

    pending._loop = loop
    pending.start(object())
    time.sleep(0.1)
    child = os.fork()
    if child == 0:  # an app server's worker forked from a preloaded parent
        time.sleep(0.3)
        os._exit(0 if os.getpid() in started_in else 1)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
