"""How fast redac serves a reader, next to the physical limit of this machine.

One run, the same demo brève page, four targets, interleaved rounds (so that background load hits
them alike), wrk on loopback with 32 connections:

- redac cached: ``redac serve`` (granian, one worker per core) answering from the page cache;
- redac uncached: the same with ``REDAC_PAGE_CACHE=0`` (every request rendered by Django);
- nginx published: nginx with docs/deploy/nginx.conf serving the file redac published
  (``REDAC_PUBLISH_DIR``), redac behind it;
- nginx file: nginx serving the same bytes from a plain file (the limit).

Then the freshness after a publication: an editor's change is saved, and the time until readers
get it from redac and from nginx is measured.

Writes bench/results/serve.json. Usage: ``python bench/serve.py [--seconds 5] [--rounds 3]``.
Ports 18600-18649. Needs wrk and nginx (Debian packages).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
WRK = shutil.which("wrk") or "/usr/bin/wrk"
PORTS = {"cached": 18601, "uncached": 18602, "nginx_published": 18603, "nginx_file": 18604}
SPIP_CACHED_RPS = 500  # the anchor of issue 6, measured on this kind of machine


def wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"nothing listens on {port} after {timeout}s")


def get(url: str, headers=None):
    """(status, headers (case-insensitive), body)."""
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.headers, response.read()


def parse_wrk(output: str) -> dict:
    def seconds(value: str) -> float:
        number, unit = re.match(r"([\d.]+)(us|ms|s|m)", value).groups()
        return float(number) * {"us": 1e-6, "ms": 1e-3, "s": 1, "m": 60}[unit]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = seconds(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = seconds(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors:.*", output)
    return {"rps": rps, "p50_ms": p50 * 1000, "p99_ms": p99 * 1000,
            "non_2xx": int(errors.group(1)) if errors else 0,
            "socket_errors": socket_errors.group(0) if socket_errors else ""}  # fmt: skip


def run_wrk(url: str, seconds: int, connections: int) -> dict:
    threads = max(1, min(2, os.cpu_count() or 1))
    out = subprocess.run([WRK, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
                          url], capture_output=True, text=True, check=True).stdout  # fmt: skip
    return parse_wrk(out)


def nginx_conf(run: Path, body: str) -> Path:
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf = run / "nginx.conf"
    conf.write_text(
        f"{user}worker_processes auto;\npid {run}/nginx.pid;\nerror_log {run}/error.log;\n"
        "events { worker_connections 1024; }\n"
        f"http {{\n include /etc/nginx/mime.types;\n access_log off;\n sendfile on;\n"
        f" tcp_nopush on;\n keepalive_requests 100000;\n{body}\n}}\n"
    )
    return conf


def start_nginx(run: Path, body: str) -> subprocess.Popen:
    run.mkdir(parents=True, exist_ok=True)
    conf = nginx_conf(run, body)
    base = [NGINX, "-p", str(run), "-e", str(run / "error.log"), "-c", str(conf)]
    subprocess.run(base + ["-t"], check=True, capture_output=True)
    return subprocess.Popen(base + ["-g", "daemon off;"], start_new_session=True)


def start_redac(env: dict, port: int, workers: int) -> subprocess.Popen:
    return subprocess.Popen([str(BIN / "redac"), "serve", "--port", str(port), "--workers",
                             str(workers), "--no-collectstatic"], env=env,
                            stdout=subprocess.DEVNULL, start_new_session=True)  # fmt: skip


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def machine() -> dict:
    model = ""
    try:
        model = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                     if line.startswith("model name"))  # fmt: skip
    except (OSError, StopIteration):
        pass
    versions = {}
    for name, argv in (("nginx", [NGINX, "-v"]), ("wrk", [WRK, "--version"])):
        result = subprocess.run(argv, capture_output=True, text=True)
        versions[name] = (result.stdout + result.stderr).strip().splitlines()[0]
    import granian

    return {"cpus": len(os.sched_getaffinity(0)), "cpu_model": model, "load_avg": os.getloadavg(),
            "python": platform.python_version(), "granian": granian.__version__,
            "platform": platform.platform(), **versions}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--work-dir", help="reuse the demo built by an earlier run in this folder")
    options = parser.parse_args()
    # A terminated benchmark must still stop the servers it started (the finally clause below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    for tool in (NGINX, WRK):
        if not os.path.exists(tool):
            raise SystemExit(f"{tool} is missing: apt-get install nginx-light wrk")

    reuse = bool(options.work_dir)
    work = Path(options.work_dir or tempfile.mkdtemp(prefix="redac-bench-serve-"))
    data, publish = work / "data", work / "public"
    for leftover in ("www", "nginx", "public"):
        shutil.rmtree(work / leftover, ignore_errors=True)
    env = dict(os.environ, REDAC_DATA_DIR=str(data), DJANGO_SETTINGS_MODULE="redac.settings",
               REDAC_PUBLISH_DIR=str(publish), REDAC_LOG_LEVEL="ERROR",
               REDAC_X_CACHE_HEADER="1")  # fmt: skip
    env.pop("DATABASE_URL", None)
    print(f"== building the demo site in {data}", flush=True)
    if not reuse:
        subprocess.run([str(BIN / "redac"), "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([str(BIN / "redac"), "collectstatic", "--noinput", "-v0"], env=env, check=True)

    # This process also runs Django (for the publication), on the same data.
    os.environ.update(REDAC_DATA_DIR=str(data), REDAC_PUBLISH_DIR=str(publish),
                      DJANGO_SETTINGS_MODULE="redac.settings")  # fmt: skip
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from redac.news.models import BrevePage

    breve = BrevePage.objects.get(slug="petition-guichets")
    path = breve.url

    processes = []
    try:
        processes.append(start_redac(env, PORTS["cached"], options.workers))
        processes.append(start_redac(dict(env, REDAC_PAGE_CACHE="0", REDAC_PUBLISH_DIR=""),
                                     PORTS["uncached"], options.workers))  # fmt: skip
        wait_for(PORTS["cached"])
        wait_for(PORTS["uncached"])
        _, headers, body = get(f"http://127.0.0.1:{PORTS['cached']}{path}")
        _, headers, body = get(f"http://127.0.0.1:{PORTS['cached']}{path}")
        assert headers.get("X-Cache") == "HIT", headers
        www = work / "www"
        www.mkdir()
        (www / "page.html").write_bytes(body)
        site = (REPO / "docs" / "deploy" / "nginx.conf").read_text()
        for placeholder, value in {"@SERVER_NAME@": "localhost",
                                   "@LISTEN@": f"127.0.0.1:{PORTS['nginx_published']}",
                                   "@UPSTREAM@": f"127.0.0.1:{PORTS['cached']}",
                                   "@DATA_DIR@": str(data), "@PUBLISH_DIR@": str(publish)}.items():  # fmt: skip
            site = site.replace(placeholder, value)
        # The check of docs/scaling.md: nginx says X-Cache: STATIC for the files it serves.
        site = site.replace(
            '# add_header X-Cache "STATIC" always;', 'add_header X-Cache "STATIC" always;'
        )
        plain = (f"server {{ listen 127.0.0.1:{PORTS['nginx_file']}; root {www}; "
                 "location / { try_files /page.html =404; } }")  # fmt: skip
        processes.append(start_nginx(work / "nginx", site + "\n" + plain))
        wait_for(PORTS["nginx_published"])
        wait_for(PORTS["nginx_file"])

        urls = {name: f"http://127.0.0.1:{port}{path}" for name, port in PORTS.items()}
        for name, url in urls.items():
            status, headers, got = get(url)
            assert status == 200 and len(got) == len(body), (name, status, len(got))
        assert get(urls["nginx_published"])[1].get("X-Cache") == "STATIC"

        print(f"== {options.rounds} rounds x {len(urls)} targets x {options.seconds}s, "
              f"{options.connections} connections, page {path} ({len(body)} bytes)")  # fmt: skip
        rounds: dict[str, list] = {name: [] for name in urls}
        for number in range(1, options.rounds + 1):
            for name, url in urls.items():
                result = run_wrk(url, options.seconds, options.connections)
                rounds[name].append(result)
                print(f"  round {number} {name:16} {result['rps']:>10.0f} req/s  "
                      f"p50 {result['p50_ms']:7.2f} ms  p99 {result['p99_ms']:7.2f} ms",
                      flush=True)  # fmt: skip

        def best(name):  # the median round: robust to one disturbed round
            ordered = sorted(rounds[name], key=lambda r: r["rps"])
            return ordered[len(ordered) // 2]

        summary = {name: best(name) for name in urls}
        freshness = measure_freshness(breve, urls)
        cpu = measure_cpu_cost(path)
    finally:
        for process in processes:
            stop(process)

    limit = summary["nginx_file"]["rps"]
    ratios = {
        "cached_vs_nginx_file": summary["cached"]["rps"] / limit,
        "cached_vs_spip_cached": summary["cached"]["rps"] / SPIP_CACHED_RPS,
        "nginx_published_vs_nginx_file": summary["nginx_published"]["rps"] / limit,
        "cached_vs_uncached": summary["cached"]["rps"] / summary["uncached"]["rps"],
    }
    print("\n| target | req/s | p50 ms | p99 ms |\n|---|---:|---:|---:|")
    for name, result in summary.items():
        print(f"| {name} | {result['rps']:.0f} | {result['p50_ms']:.2f} | {result['p99_ms']:.2f} |")
    for name, value in ratios.items():
        print(f"{name}: {value:.2f}")
    print(f"freshness after publish: {freshness}")
    print(f"CPU time per request, in this process: {cpu}")
    results = {
        "benchmark": "serve", "page": path, "page_bytes": len(body),
        "connections": options.connections, "seconds_per_round": options.seconds,
        "rounds": options.rounds, "workers": options.workers, "summary_median_round": summary,
        "all_rounds": rounds, "ratios": ratios, "freshness_seconds": freshness,
        "cpu_ms_per_request": cpu,
        "targets": {"cached": ">= 30000 req/s, p99 <= 10 ms", "uncached": ">= 250 req/s",
                    "nginx_published": "within 20% of nginx_file", "freshness": "<= 1 s"},
        "machine": machine(), "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "note": "load generator on the same cores; other work on the machine distorts figures",
    }  # fmt: skip
    out = REPO / "bench" / "results" / "serve.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {out.relative_to(REPO)}")
    shutil.rmtree(work, ignore_errors=True)


def measure_cpu_cost(path: str) -> dict:
    """CPU milliseconds one request costs redac, measured with process_time in this process: a
    figure that other work on the machine barely distorts (it counts only our own CPU)."""
    import io

    from django.core.handlers.wsgi import WSGIHandler

    from redac.delivery.wsgi import CachedApp

    def environ():
        return {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "",
                "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1",
                "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http",
                "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr}  # fmt: skip

    def start_response(status, headers, exc_info=None):
        assert status.startswith("200"), status

    django_app = WSGIHandler()
    cached = CachedApp(django_app, enabled=True)
    for app in (cached, django_app):
        for _ in range(3):
            b"".join(app(environ(), start_response))
    results = {}
    for name, app, count in (("cached_hit", cached, 20000), ("uncached_render", django_app, 40)):
        started = time.process_time()
        for _ in range(count):
            result = app(environ(), start_response)
            b"".join(result)
            if hasattr(result, "close"):
                result.close()
        results[name] = (time.process_time() - started) * 1000 / count
    return results


def measure_freshness(breve, urls) -> dict:
    """Seconds from the end of a publication until readers get the new title."""
    results = {}
    for attempt in range(3):
        title = f"Pétition : {6000 + attempt} signatures"
        breve.title = title
        breve.save_revision().publish()
        published_at = time.monotonic()
        for name in ("cached", "nginx_published"):
            while True:
                got = get(urls[name])[2].decode()
                if title in got:
                    break
                if time.monotonic() - published_at > 10:
                    raise SystemExit(f"{name}: the publication is not visible after 10 s")
                time.sleep(0.005)
            elapsed = time.monotonic() - published_at
            results[name] = max(results.get(name, 0.0), elapsed)
        time.sleep(0.3)
    return results


if __name__ == "__main__":
    main()
