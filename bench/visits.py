"""Benchmark of the visit beacon: sustained beacons/s at 64 concurrent clients against
``redac serve`` (granian, 2 workers), on SQLite and on PostgreSQL, with the count checked at the end.

Every beacon comes from a new reader, so every one is a write. wrk (a C load generator, with
bench/visits.lua) drives the load: a Python client would be the bottleneck on a 2-core machine.
Baselines, measured in the same run against the same server: the same beacon sent with a bot's
User-Agent (everything but the write: parsing, validation, visitor key), and ``GET
/api/visits/<id>/`` (the full Django stack with one query).

Checks: every beacon answered 204 is in the database (lost = acknowledged - stored must be 0),
and nothing more than what was sent (stored - acknowledged is at most the requests wrk cut off
unanswered when its time ran out).

    .venv/bin/python bench/visits.py [--duration 15] [--sqlite-only]

Writes bench/results/visits.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.support.live_server import (  # noqa: E402
    BROWSER_UA,
    Database,
    Server,
    free_port,
    prepare_site,
)

BOT_UA = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
CONNECTIONS = 64
TARGET = {"beacons_per_s": 5000, "p99_ms": 50, "lost": 0}
ENV = {"DJANGO_SETTINGS_MODULE": "redac.settings"}


def wrk(port: int, page: int, mode: str, user_agent: str, duration: int, offset: int = 0) -> dict:
    env = dict(os.environ, PAGE=str(page), UA=user_agent, MODE=mode, OFFSET=str(offset))
    result = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{duration}s", "--latency", "--timeout", "10s",
         "-s", str(REPO / "bench" / "visits.lua"), f"http://127.0.0.1:{port}/"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith("RESULT "))
    figures = json.loads(line.removeprefix("RESULT "))
    figures["per_s"] = round(figures["requests"] / (figures["duration_us"] / 1e6), 1)
    return figures


def stored(database: Database, page: int) -> int:
    rows = database.query("SELECT visits FROM visits_dailypagevisits WHERE page_id = ?", (page,))
    return sum(row[0] for row in rows)


def run_backend(name: str, postgres: bool, duration: int) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix=f"redac-bench-visits-{name}-"))
    database = Database(data_dir, "redac_i5_bench", postgres=postgres)
    server = None
    try:
        print(f"[{name}] migrating a fresh database...", flush=True)
        pages = prepare_site(data_dir, database, **ENV)
        page = pages[0]
        server = Server(data_dir, database, free_port(), workers=2, **ENV)
        server.wait_ready(page)
        wrk(server.port, page, "beacon", BROWSER_UA, 2)  # warm-up: threads, connections, caches
        time.sleep(1.0)  # the warm-up's last beacons commit before the count is read
        before = stored(database, page)
        print(f"[{name}] beacons, {CONNECTIONS} connections, {duration} s...", flush=True)
        beacons = wrk(server.port, page, "beacon", BROWSER_UA, duration, offset=5_000_000)
        time.sleep(1.0)  # let the last batch commit
        after = stored(database, page) - before
        acknowledged = beacons["requests"] - beacons["non_2xx"]
        beacons.update(
            acknowledged=acknowledged, stored=after, lost=max(0, acknowledged - after),
            cut_off_unanswered=after - acknowledged,
            exact=acknowledged <= after <= beacons["sent"],
        )  # fmt: skip
        print(f"[{name}] baselines...", flush=True)
        bot = wrk(server.port, page, "beacon", BOT_UA, max(5, duration // 2))
        count = wrk(server.port, page, "count", BROWSER_UA, max(5, duration // 2))
        return {
            "beacons": beacons,
            "baseline_beacon_without_write": bot,
            "baseline_get_count_django": count,
            "ratio_to_beacon_without_write": round(beacons["per_s"] / bot["per_s"], 3),
            "ratio_to_get_count": round(beacons["per_s"] / count["per_s"], 3),
            "meets_target": beacons["per_s"] >= TARGET["beacons_per_s"]
            and beacons["p99_ms"] < TARGET["p99_ms"]
            and beacons["lost"] == 0,
        }
    finally:
        if server is not None:
            server.stop()
        database.drop()
        shutil.rmtree(data_dir, ignore_errors=True)


def postgres_available() -> bool:
    try:
        import psycopg

        psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=3).close()
        return True
    except Exception:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--batch-ms", type=int, help="REDAC_VISITS_BATCH_MS for the server")
    args = parser.parse_args()
    if args.batch_ms is not None:
        ENV["REDAC_VISITS_BATCH_MS"] = str(args.batch_ms)
    if shutil.which("wrk") is None:
        sys.exit("bench/visits.py needs wrk (apt-get install wrk)")
    load_before = os.getloadavg()
    results = {"sqlite": run_backend("sqlite", False, args.duration)}
    if not args.sqlite_only and postgres_available():
        results["postgresql"] = run_backend("postgresql", True, args.duration)
    report = {
        "benchmark": "visits",
        "target": TARGET,
        "connections": CONNECTIONS,
        "duration_s": args.duration,
        "server": "redac serve --workers 2 (granian WSGI)",
        "batch_ms": int(ENV.get("REDAC_VISITS_BATCH_MS", 5)),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
            "note": "load generator (wrk) on the same cores; machine shared with other jobs",
        },
        "results": results,
    }
    out = REPO / "bench" / "results" / "visits.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\n{'backend':<11} {'beacons/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'lost':>5} "
          f"{'exact':>6} {'no-write/s':>11} {'GET/s':>8}")  # fmt: skip
    for name, r in results.items():
        b = r["beacons"]
        print(f"{name:<11} {b['per_s']:>10} {b['p50_ms']:>8.1f} {b['p99_ms']:>8.1f} "
              f"{b['lost']:>5} {str(b['exact']):>6} {r['baseline_beacon_without_write']['per_s']:>11}"
              f" {r['baseline_get_count_django']['per_s']:>8}")  # fmt: skip
    print(f"written to {out.relative_to(REPO)}")


if __name__ == "__main__":
    main()
