"""Memory of a redac node (issue 17): each process's PSS after 2,000 mixed requests, then after
10,000 more, against the targets.

A node is what ``redac serve --workers 2`` starts: the supervisor, granian's main process, its two
workers, and the background worker (``redac worker``). PSS (proportional set size, from
``/proc/PID/smaps_rollup``) counts a page shared by N processes as 1/N in each, so the figures add
up to what the node really takes.

Requests are mixed as readers and robots make them: every page of the sitemap (cached after the
first time), searches with varied words (never cached), feeds, addresses that do not exist, visit
beacons. Growth between the two measures must stay within the memory layers' sizes
(``REDAC_PAGE_CACHE_MEMORY_MB`` per worker) plus 5 %.

    .venv/bin/python bench/memory.py [--first 2000] [--more 10000] [--workers 2]

Writes bench/results/memory.json.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import http.client
import json
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote_plus

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
BIN = Path(sys.executable).parent

TARGETS_MIB = {"supervisor": 30, "node": 450, "node_if_shared": 350}
WORDS = ["europe", "budget", "climat", "école", "santé", "élection", "rédaction", "transport",
         "logement", "culture", "agriculture", "retraite", "numérique", "eau", "énergie"]  # fmt: skip


def pss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/smaps_rollup") as rollup:
        for line in rollup:
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


def children_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    return sorted(found)


def cmdline(pid: int) -> str:
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        return f.read().replace(b"\0", b" ").decode(errors="replace").strip()


def node_processes(serve_pid: int) -> dict[str, int]:
    """Name -> pid for every process of the node."""
    processes = {"supervisor": serve_pid}
    for child in children_of(serve_pid):
        line = cmdline(child)
        if "granian" in line or "redac.appserver" in line:
            processes["app server (granian main)"] = child
            n = 0
            for grandchild in children_of(child):
                # Forked from the app server: granian's workers, and the background worker
                # when the code is preloaded (it has no command line of its own).
                if "--with-worker" in line and grandchild == min(children_of(child)):
                    processes["background worker"] = grandchild
                    continue
                n += 1
                processes[f"web worker {n}"] = grandchild
        elif " worker" in line:
            processes["background worker"] = child
    return processes


def measure(serve_pid: int) -> dict[str, float]:
    return {name: round(pss_kib(pid) / 1024, 1) for name, pid in node_processes(serve_pid).items()}


def urls_of(port: int) -> list[str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/sitemap.xml")
    body = connection.getresponse().read().decode()
    paths = [re.sub(r"^https?://[^/]+", "", url) for url in re.findall(r"<loc>([^<]+)</loc>", body)]
    return paths or ["/"]


def mixed_requests(port: int, count: int, pages: list[str], seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    plan = []
    for i in range(count):
        roll = rng.random()
        if roll < 0.70:
            plan.append(("GET", rng.choice(pages)))
        elif roll < 0.82:
            words = quote_plus(" ".join(rng.sample(WORDS, 2)))
            plan.append(("GET", f"/recherche/?q={words}&n={i}"))
        elif roll < 0.87:
            plan.append(("GET", "/feed/" if rng.random() < 0.5 else "/sitemap.xml"))
        elif roll < 0.95:
            plan.append(("GET", f"/nulle-part-{i}/"))
        else:
            plan.append(("POST", "/api/visits/"))
    statuses: dict[str, int] = {}

    def run(chunk):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        seen = {}
        for method, path in chunk:
            try:
                body = b'{"page": 1}' if method == "POST" else None
                headers = {"Content-Type": "application/json"} if body else {}
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                key = str(response.status)
                if response.getheader("connection", "").lower() == "close":
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            except (OSError, http.client.HTTPException):
                key = "error"
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            seen[key] = seen.get(key, 0) + 1
        connection.close()
        return seen

    chunks = [plan[i::8] for i in range(8)]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        for seen in pool.map(run, chunks):
            for key, n in seen.items():
                statuses[key] = statuses.get(key, 0) + n
    return statuses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--first", type=int, default=2000)
    parser.add_argument("--more", type=int, default=10000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--no-preload",
        action="store_true",
        help="measure redac serve --no-preload (every process loads the code)",
    )
    parser.add_argument("--data-dir", help="an existing demo data folder (else one is built)")
    parser.add_argument("--output", default=str(REPO / "bench" / "results" / "memory.json"))
    args = parser.parse_args()

    from tests.support.processes import free_port

    data_dir = args.data_dir or tempfile.mkdtemp(prefix="redac-memory-")
    env = dict(os.environ, REDAC_DATA_DIR=data_dir, DJANGO_SETTINGS_MODULE="redac.settings")
    env.pop("DATABASE_URL", None)
    if not args.data_dir:
        print(f"building the demo site in {data_dir}...", flush=True)
        subprocess.run([BIN / "redac", "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    extra = ["--no-preload"] if args.no_preload else []
    serve = subprocess.Popen([BIN / "redac", "serve", "--port", str(port), "--workers",
                              str(args.workers), *extra], env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                if time.monotonic() > deadline or serve.poll() is not None:
                    raise SystemExit("redac serve did not start") from None
                time.sleep(0.5)
        time.sleep(3)  # the background worker's first round of jobs
        started = measure(serve.pid)
        pages = urls_of(port)
        first_statuses = mixed_requests(port, args.first, pages, seed=1)
        after_first = measure(serve.pid)
        more_statuses = mixed_requests(port, args.more, pages, seed=2)
        after_more = measure(serve.pid)
    finally:
        serve.terminate()
        try:
            serve.wait(timeout=30)
        except subprocess.TimeoutExpired:
            serve.kill()

    layers_mib = int(os.environ.get("REDAC_PAGE_CACHE_MEMORY_MB", "64")) * args.workers
    total_first = round(sum(after_first.values()), 1)
    total_more = round(sum(after_more.values()), 1)
    growth_allowed = round(total_first * 1.05 + layers_mib, 1)
    result = {
        "benchmark": "memory",
        "unit": "MiB (PSS)",
        "targets": TARGETS_MIB,
        "workers": args.workers,
        "preload": not args.no_preload,
        "requests": {
            "first": args.first,
            "more": args.more,
            "statuses_first": first_statuses,
            "statuses_more": more_statuses,
        },  # fmt: skip
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "load_average": list(os.getloadavg()),
        },  # fmt: skip
        "at_start": started,
        "after_first": after_first,
        "after_more": after_more,
        "node_after_first": total_first,
        "node_after_more": total_more,
        "growth": round(total_more - total_first, 1),
        "growth_allowed": growth_allowed,
        "meets": {
            "supervisor": after_more.get("supervisor", 0) <= TARGETS_MIB["supervisor"],
            "node": total_more <= TARGETS_MIB["node"],
            "node_if_shared": total_more <= TARGETS_MIB["node_if_shared"],
            "growth": total_more <= growth_allowed,
        },
    }
    width = max(len(name) for name in after_more)
    print(
        f"{'process':<{width}}  {'start':>7}  {'+' + str(args.first):>7}  {'+' + str(args.more):>7}"
    )
    for name in after_more:
        print(f"{name:<{width}}  {started.get(name, 0):>7}  {after_first.get(name, 0):>7}  "
              f"{after_more[name]:>7}")  # fmt: skip
    print(f"{'node':<{width}}  {round(sum(started.values()), 1):>7}  {total_first:>7}  "
          f"{total_more:>7}   (targets: {TARGETS_MIB})")  # fmt: skip
    print(f"growth {result['growth']} MiB (allowed {growth_allowed}); meets: {result['meets']}")
    Path(args.output).write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    print(f"written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
