"""The statistics cases at the end of security-cases.md: the visit beacon with forged page ids,
a flood, or an oversized payload is bounded, validated against existing pages and never a 500; a
dump of the database after visits holds no IP address and no user agent.

The beacon's validation tests live in redac/visits/tests/test_beacon_endpoint.py (marked
``security_case("statistics")``, read by test_coverage.py); the flood, the bounded queue and the
dump are tested here through the Django test client (the same properties against a real
``redac serve`` with 1,000 concurrent beacons are in
redac/visits/tests/test_beacons_on_a_real_server.py).
"""

from __future__ import annotations

import json
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from redac.visits.models import DailyPageVisits, PageStats
from redac.visits.tests.conftest import (  # noqa: F401 (fixtures)
    _fresh_page_cache,
    beacon,
    synchronous_visits,
)
from redac.visits.tests.test_beacon_endpoint import nothing_written

MARKER_UA = "Mozilla/5.0 (X11; Linux x86_64) RedacMarqueurNavigateur/7.3"


@pytest.mark.slow  # 2,000 beacons
def test_case_statistics_a_flood_is_answered_and_counts_what_it_should(demo, beacon):  # noqa: F811
    """1,000 beacons from one reader count one visit; 1,000 forged ids write nothing; none fails."""
    breve = demo["breves"]["petition-guichets"]
    # Bounded work per beacon, counted in queries (not wall time, which a shared machine skews):
    # a page id check and at most one write each, whatever the flood's length.
    with CaptureQueriesContext(connection) as flood:
        statuses = [beacon(breve.pk, ip="198.51.100.9").status_code for _ in range(1000)]
        forged = [beacon(10_000_000 + n, ip=f"198.51.100.{n % 250}").status_code
                  for n in range(1000)]  # fmt: skip
    assert set(statuses) == {204} and set(forged) == {400}
    assert PageStats.objects.get(page_id=breve.pk).total == 1
    assert DailyPageVisits.objects.get(page_id=breve.pk).visits == 1
    assert DailyPageVisits.objects.count() == 1
    assert len(flood.captured_queries) <= 2 * 2000 + 20, len(flood.captured_queries)


def test_case_statistics_the_write_queue_is_bounded_and_a_full_queue_is_a_503(demo, client,
                                                                             monkeypatch):  # fmt: skip
    """Beyond what the database can absorb the beacon answers 503 with Retry-After at once, never
    a 500 and never an unbounded queue."""
    import threading

    from redac.visits import buffer, views

    monkeypatch.setattr(buffer, "MAX_PENDING", 5)
    entered, release = threading.Event(), threading.Event()

    def stalled_database(hits):
        entered.set()
        release.wait(10)
        return 0

    stalled = buffer.VisitBuffer(batch_seconds=0, record=stalled_database)
    waiting = [threading.Thread(target=stalled.submit, args=(None,))]
    waiting[0].start()
    assert entered.wait(5)  # the first batch is stuck in the database...
    waiting += [threading.Thread(target=stalled.submit, args=(None,)) for _ in range(5)]
    for thread in waiting[1:]:
        thread.start()
    deadline = time.monotonic() + 5
    while len(stalled._pending) < 5 and time.monotonic() < deadline:  # ...and five more wait
        time.sleep(0.01)
    started = time.perf_counter()
    assert stalled.submit(None, timeout=5) is False  # full: refused at once, not queued
    assert time.perf_counter() - started < 1
    monkeypatch.setattr(views, "visit_buffer", stalled)
    breve = demo["breves"]["petition-guichets"]
    response = client.post("/api/visits/", data=json.dumps({"page": breve.pk}),
                           content_type="text/plain", HTTP_USER_AGENT=MARKER_UA)  # fmt: skip
    assert response.status_code == 503 and response["Retry-After"] == "1"
    assert "error" in response.json()
    release.set()
    for thread in waiting:
        thread.join(10)
    stalled.stop()
    assert nothing_written()


def database_dump() -> str:
    """Every row of every table, as text (what a backup would hold)."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def test_case_statistics_a_database_dump_after_visits_holds_no_ip_nor_user_agent(demo, beacon):  # noqa: F811
    pages = [demo["breves"]["petition-guichets"], *list(demo["breves"].values())[:2]]
    addresses = [f"192.0.2.{n}" for n in range(1, 40)] + [f"2001:db8::{n:x}" for n in range(1, 40)]
    for n, address in enumerate(addresses):
        page = pages[n % len(pages)]
        response = beacon(page.pk, referrer="https://exemple.org/a?b=c", ip=address,
                          user_agent=MARKER_UA)  # fmt: skip
        assert response.status_code == 204
    dump = database_dump()
    assert "exemple.org" in dump  # the dump holds these visits...
    assert "RedacMarqueurNavigateur" not in dump  # ...but no user agent
    assert "192.0.2." not in dump and "2001:db8" not in dump  # ...no address, even truncated
    assert "/a?b=c" not in dump  # ...and referrers as domains only
