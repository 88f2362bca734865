"""The visitor key's daily secret shared by several nodes through Redis (issue 17): the same
reader counts once whichever node answers; the secret is never in the database, and dies daily."""

import datetime as dt
import time

import pytest
from django.db import connection

from conftest import skip_or_fail
from redac.core.lib import shared
from redac.visits.visitor import DailySecret
from tests.support.redis_server import RedisServer

pytestmark = pytest.mark.slow  # starts real servers (left out of make test-fast)

DAY = dt.date(2026, 5, 4)


@pytest.fixture
def redis_server(settings):
    if not RedisServer.available():
        skip_or_fail("redis-server is not installed")
    server = RedisServer().start()
    settings.REDAC_PAGE_CACHE = {**settings.REDAC_PAGE_CACHE, "URL": server.url,
                                 "REDIS_PREFIX": "site-a:"}  # fmt: skip
    settings.REDAC_REDIS_TIMEOUT_MS = 200
    shared.forget()
    yield server
    server.close()
    shared.forget()


def test_two_nodes_derive_the_same_secret_from_redis_and_write_no_file(redis_server, tmp_path):
    node_a, node_b = DailySecret(tmp_path / "a"), DailySecret(tmp_path / "b")
    assert node_a.for_day(DAY) == node_b.for_day(DAY)
    assert not list(tmp_path.rglob("visits-secret-*"))
    client = shared.client_for(redis_server.url)
    ttl = client.ttl("site-a:visits:secret:2026-05-04")
    assert 0 < ttl <= 36 * 3600  # dies on its own


def test_the_shared_secret_changes_daily_and_yesterdays_is_deleted(redis_server, tmp_path):
    node = DailySecret(tmp_path)
    monday = node.for_day(DAY)
    tuesday = DailySecret(tmp_path / "other").for_day(DAY + dt.timedelta(days=1))
    assert monday != tuesday
    client = shared.client_for(redis_server.url)
    assert client.keys("site-a:visits:secret:*") == [b"site-a:visits:secret:2026-05-05"]


@pytest.mark.django_db
def test_the_shared_secret_is_in_no_database_table(redis_server, tmp_path):
    secret = DailySecret(tmp_path).for_day(DAY).hex()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # names from introspection
            assert secret not in repr(cursor.fetchall()), table


def test_a_frozen_redis_falls_back_to_the_nodes_file_at_once_then_back_to_redis(
    redis_server, tmp_path
):
    redis_server.freeze()
    node = DailySecret(tmp_path)
    started = time.monotonic()
    fallback = node.for_day(DAY)
    assert time.monotonic() - started < 1.0
    assert (tmp_path / "visits-secret-2026-05-04").exists()
    redis_server.thaw()
    shared.breaker_for(redis_server.url).reset()
    node.SHARED_RETRY_SECONDS = 0
    node._retry_at = 0
    assert node.for_day(DAY) != fallback  # Redis again: the nodes' common secret
    assert node.for_day(DAY) == DailySecret(tmp_path / "b").for_day(DAY)
