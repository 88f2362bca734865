"""Acceptance of the audience counter against a real ``redac serve`` with 2 granian workers:
exact counts under 1,000 concurrent beacons, no acknowledged beacon lost on SIGKILL or SIGTERM,
and nothing identifying in the database afterwards. Runs on SQLite, or on PostgreSQL when
DATABASE_URL points at it (in a database of its own)."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.support.live_server import (
    BROWSER_UA,
    BeaconClient,
    Database,
    Server,
    beacon_body,
    free_port,
    get_json,
    prepare_site,
    visitor_ip,
)

pytestmark = pytest.mark.slow  # starts real servers (left out of make test-fast)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("visits-live")
    database = Database(data_dir, f"redac_i5_live_{os.getpid()}")
    try:
        pages = prepare_site(data_dir, database)
        yield {"data_dir": data_dir, "database": database, "pages": pages}
    finally:
        database.drop()


@pytest.fixture
def server(site):
    started = []

    def start(**env):
        srv = Server(site["data_dir"], site["database"], free_port(), **env)
        started.append(srv)
        srv.wait_ready(site["pages"][0])
        return srv

    yield start
    for srv in started:
        srv.stop()


def stored_visits(site, page_id: int) -> int:
    rows = site["database"].query(
        "SELECT visits FROM visits_dailypagevisits WHERE page_id = ?", (page_id,)
    )
    return sum(row[0] for row in rows)


def visit_count(site, page_id: int) -> int:
    return site["database"].query(
        "SELECT visit_count FROM news_articlepage WHERE page_ptr_id = ?", (page_id,)
    )[0][0]


def fire(port: int, jobs, threads: int):
    """Send ``jobs`` ([(body, ip, user_agent)]) from ``threads`` concurrent connections."""
    local = threading.local()
    clients = []

    def send(job):
        if not hasattr(local, "client"):
            local.client = BeaconClient(port)
            clients.append(local.client)
        return local.client.send(*job)

    try:
        with ThreadPoolExecutor(threads) as pool:
            return list(pool.map(send, jobs))
    finally:
        for client in clients:
            client.close()


def test_thousand_concurrent_readers_on_two_workers_count_exactly_a_thousand(site, server):
    srv = server()
    page = site["pages"][0]
    before = stored_visits(site, page)
    jobs = [(beacon_body(page, "https://www.qwant.com/?q=x"), visitor_ip(n), BROWSER_UA)
            for n in range(1000)]  # fmt: skip
    statuses = fire(srv.port, jobs, threads=100)
    assert statuses.count(204) == 1000
    assert stored_visits(site, page) - before == 1000
    assert visit_count(site, page) - before == 1000
    assert get_json(srv.port, f"/api/visits/{page}/") == (200, {"visits": visit_count(site, page)})


def test_a_reader_twice_in_a_day_counts_once_even_across_workers(site, server):
    srv = server()
    page = site["pages"][1]
    before = stored_visits(site, page)
    # 40 beacons from the same reader over 20 connections: whichever worker gets them, one visit.
    jobs = [(beacon_body(page), "10.200.1.7", BROWSER_UA)] * 40
    assert set(fire(srv.port, jobs, threads=20)) == {204}
    assert stored_visits(site, page) - before == 1
    # The same browser elsewhere in the same /24 is the same reader; another /24 is another one.
    fire(srv.port, [(beacon_body(page), "10.200.1.99", BROWSER_UA),
                    (beacon_body(page), "10.200.2.7", BROWSER_UA)], threads=1)  # fmt: skip
    assert stored_visits(site, page) - before == 2


def test_bots_forged_ids_and_huge_payloads_write_nothing(site, server):
    srv = server()
    page = site["pages"][2]
    seen_before = site["database"].query("SELECT COUNT(*) FROM visits_seenvisitor")[0][0]
    before = stored_visits(site, page)
    client = BeaconClient(srv.port)
    googlebot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
    assert client.send(beacon_body(page), "10.201.0.7", googlebot) == 204
    assert client.send(beacon_body(page), "10.201.1.7", BROWSER_UA,
                       {"Sec-Purpose": "prefetch"}) == 204  # fmt: skip
    assert client.send(beacon_body(page), "10.201.2.7", BROWSER_UA, {"Sec-GPC": "1"}) == 204
    assert client.send(beacon_body(987654), "10.201.3.7") == 400
    client.close()
    # Refused on its declared length, before a byte of it is read: the server may close the
    # connection while a client still sends, so the answer is read after the start of the body.
    assert status_of_a_huge_beacon(srv.port, page, "10.201.4.7") == 413
    try:  # sent whole: the server may cut it off mid-way, and must still count nothing
        client.send(b'{"page": %d, "referrer": "%s"}' % (page, b"x" * 1_000_000), "10.201.6.7")
    except OSError:
        pass
    client.close()
    assert client.send(b"not json", "10.201.5.7") == 400
    client.close()
    assert stored_visits(site, page) == before
    assert site["database"].query("SELECT COUNT(*) FROM visits_seenvisitor")[0][0] == seen_before


def status_of_a_huge_beacon(port: int, page: int, ip: str) -> int:
    declared = 1_000_030
    head = (f"POST /api/visits/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {declared}\r\n"
            f"Content-Type: text/plain;charset=UTF-8\r\nX-Forwarded-For: {ip}\r\n"
            f"User-Agent: {BROWSER_UA}\r\n\r\n")  # fmt: skip
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head.encode() + b'{"page": %d, "referrer": "' % page)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status


def _load_until_signal(site, srv, signum: int, page: int, offset: int):
    """32 readers send beacons until the server gets ``signum`` mid-load; returns (acknowledged,
    sent) where only beacons answered 204 count as acknowledged."""
    acknowledged = []
    sent = [0]
    lock = threading.Lock()
    stop = threading.Event()

    def reader(index):
        client = BeaconClient(srv.port)
        n = 0
        while not stop.is_set():
            ip = visitor_ip(offset + index * 2000 + n)
            n += 1
            with lock:
                sent[0] += 1
            try:
                status = client.send(beacon_body(page), ip)
            except OSError:
                return
            if status == 204:
                with lock:
                    acknowledged.append(ip)
        client.close()

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(32)]
    for thread in threads:
        thread.start()
    time.sleep(2.5)
    srv.signal(signum)
    time.sleep(1.0)
    stop.set()
    for thread in threads:
        thread.join(30)
    srv.process.wait(20)
    return acknowledged, sent[0]


def test_sigkill_under_load_loses_no_acknowledged_beacon(site, server):
    srv = server()
    page = site["pages"][0]
    before = stored_visits(site, page)
    acknowledged, sent = _load_until_signal(site, srv, signal.SIGKILL, page, offset=100_000)
    assert len(acknowledged) > 100, "the load never got going"
    stored = stored_visits(site, page) - before
    assert len(acknowledged) <= stored <= sent
    assert visit_count(site, page) - before == stored


def test_sigterm_commits_what_is_pending_and_stops(site, server):
    srv = server()
    page = site["pages"][1]
    before = stored_visits(site, page)
    acknowledged, sent = _load_until_signal(site, srv, signal.SIGTERM, page, offset=300_000)
    assert srv.process.returncode is not None
    assert len(acknowledged) > 100
    stored = stored_visits(site, page) - before
    assert len(acknowledged) <= stored <= sent


def test_database_holds_no_ip_address_and_no_user_agent(site, server):
    srv = server()
    page = site["pages"][2]
    marker_ua = "Mozilla/5.0 (X11; Linux x86_64) RedacMarqueurNavigateur/7.3"
    ips = [f"192.0.2.{n}" for n in range(1, 40)] + [f"2001:db8:5:{n}::1" for n in range(1, 20)]
    statuses = fire(srv.port, [(beacon_body(page, "https://exemple.org/a?b=c"), ip, marker_ua)
                               for ip in ips], threads=8)  # fmt: skip
    assert set(statuses) == {204}
    srv.stop()
    dump = site["database"].dump_text()
    assert "exemple.org" in dump  # the dump does contain this test's visits...
    assert "RedacMarqueurNavigateur" not in dump  # ...but no User-Agent
    assert "192.0.2." not in dump and "2001:db8" not in dump  # ...and no address, not even cut
    assert "/a?b=c" not in dump  # referrers are kept as domains only
