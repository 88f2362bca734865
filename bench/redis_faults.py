"""Page latency with the shared store healthy, frozen (SIGSTOP) and stopped, side by side.

Run: ``.venv/bin/python bench/redis_faults.py [requests]``. Starts a redis-server of its own on a
free port (never touches the shared one), and plays ``requests`` reader requests per state through
what a request does with Redis: the page cache lookup (hit), and for a miss (one in four) the
lookup, the generation token, twenty calls to Django's cache (Wagtail's site root paths, rate
limits, ...) and the store. Prints p50 / p99 / max per state and writes
``bench/results/redis_faults.json``. Before issue 17 every call waited for a 2 s timeout when Redis
hung (a page made 20-28 of them: 40-56 s); now one call per process waits one timeout
(``REDAC_REDIS_TIMEOUT_MS``), then the breaker keeps the others away until a probe succeeds.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redac.settings_test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from redac.core.cache import SharedCache  # noqa: E402
from redac.core.lib import shared  # noqa: E402
from redac.delivery.store import Entry, RedisStore  # noqa: E402
from tests.support.redis_server import RedisServer  # noqa: E402

DJANGO_CACHE_CALLS = 20


def entry():
    return Entry.build("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                       b"<html>" + b"page " * 4000 + b"</html>", expires_at=time.time() + 600)  # fmt: skip


def play(store, cache, requests: int) -> list[float]:
    page = entry()  # built (compressed) once: what is timed is the talk with Redis
    timings = []
    for number in range(requests):
        started = time.perf_counter()
        if number % 4:
            store.get(("http://bench", "/cached/", ""))
        else:
            key = ("http://bench", f"/miss/{number}/", "")
            store.get(key)
            token = store.token()
            for call in range(DJANGO_CACHE_CALLS):
                cache.get(f"k{call}")
            cache.add(f"rl:{number}", 1, 60)
            store.put(key, page, token)
        timings.append((time.perf_counter() - started) * 1000)
        time.sleep(0.002)  # the breaker's delay is counted in seconds: spread the requests a little
    return timings


def summary(timings: list[float]) -> dict:
    ordered = sorted(timings)
    return {
        "requests": len(ordered),
        "p50_ms": round(statistics.median(ordered), 2),
        "p99_ms": round(ordered[int(len(ordered) * 0.99) - 1], 2),
        "max_ms": round(ordered[-1], 2),
        "total_s": round(sum(ordered) / 1000, 2),
    }


def main() -> None:
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    server = RedisServer().start()
    shared.forget()
    try:
        store = RedisStore(server.url, prefix=f"bench-{uuid.uuid4().hex[:6]}:",
                           memory_bytes=16 << 20, check_interval=0.1)  # fmt: skip
        cache = SharedCache(server.url, {"KEY_PREFIX": "bench"})
        store.put(("http://bench", "/cached/", ""), entry(), store.token())
        results = {"timeout_ms": settings.REDAC_REDIS_TIMEOUT_MS,
                   "retry_seconds": settings.REDAC_REDIS_RETRY_SECONDS}  # fmt: skip
        results["healthy"] = summary(play(store, cache, requests))
        server.freeze()
        results["frozen"] = summary(play(store, cache, requests))
        server.thaw()
        time.sleep(settings.REDAC_REDIS_RETRY_SECONDS + 0.1)
        results["after_thaw"] = summary(play(store, cache, requests))
        server.stop()
        results["stopped"] = summary(play(store, cache, requests))
    finally:
        server.close()
    print(f"{'Redis':12} {'requests':>9} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'total s':>8}")
    for state in ("healthy", "frozen", "after_thaw", "stopped"):
        r = results[state]
        print(f"{state:12} {r['requests']:>9} {r['p50_ms']:>8} {r['p99_ms']:>8} {r['max_ms']:>8} "
              f"{r['total_s']:>8}")  # fmt: skip
    out = ROOT / "bench" / "results" / "redis_faults.json"
    out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"written {out}")


if __name__ == "__main__":
    main()
