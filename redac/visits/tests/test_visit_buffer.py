"""The group commit: concurrent beacons share transactions, each waits for its own, and a
failed commit is never acknowledged. (The real database path runs in
test_beacons_on_a_real_server.py: a test transaction is invisible to the writer thread.)"""

import threading
import time

from django.db import OperationalError

from redac.visits.buffer import VisitBuffer
from redac.visits.services import Hit


def hits(count):
    return [Hit(1, None, f"{n:032x}", "", None, 0.0) for n in range(count)]


def send_concurrently(buffer, items):
    results = []
    lock = threading.Lock()

    def send(hit):
        outcome = buffer.submit(hit, timeout=5)
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=send, args=(hit,)) for hit in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_beacons_share_a_few_transactions_and_are_all_acknowledged():
    batches = []

    def record(batch):
        time.sleep(0.01)  # a commit takes time: meanwhile the next batch fills
        batches.append(list(batch))

    buffer = VisitBuffer(batch_seconds=0.02, record=record)
    results = send_concurrently(buffer, hits(60))
    buffer.stop()
    assert results == [True] * 60
    assert sorted(h.key for batch in batches for h in batch) == sorted(h.key for h in hits(60))
    assert len(batches) < 20


def test_a_beacon_waits_until_its_batch_is_committed():
    committed = threading.Event()

    def record(batch):
        time.sleep(0.2)
        committed.set()

    buffer = VisitBuffer(batch_seconds=0, record=record)
    assert buffer.submit(hits(1)[0]) is True
    assert committed.is_set()
    buffer.stop()


def test_a_batch_that_cannot_be_committed_is_not_acknowledged():
    attempts = []

    def record(batch):
        attempts.append(len(batch))
        raise OperationalError("database is locked")

    buffer = VisitBuffer(batch_seconds=0, record=record)
    assert buffer.submit(hits(1)[0]) is False
    assert len(attempts) == 3  # retried, then given up
    buffer.stop()


def test_stop_commits_what_is_pending_then_refuses():
    recorded = []
    buffer = VisitBuffer(batch_seconds=0.05, record=recorded.extend)
    results = []
    sender = threading.Thread(target=lambda: results.append(buffer.submit(hits(1)[0])))
    sender.start()
    time.sleep(0.01)
    buffer.stop()  # what SIGTERM triggers through atexit
    sender.join()
    assert results == [True] and len(recorded) == 1
    assert buffer.submit(hits(2)[1]) is False
