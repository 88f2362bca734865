"""``redac serve``: the production server (granian, WSGI, one worker per core).

Before it binds, it collects static files (hashed names for long caching) and, when the address is
reachable from other machines, refuses an insecure configuration: DEBUG on, a site URL that is not
HTTPS, or any warning of Django's deployment checks.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

#: Threads per worker running Django. Visit beacons (redac.visits) block a thread for a few
#: milliseconds while their batch commits, using almost no CPU, so one thread per worker would
#: serialise them: 32 lets a worker gather 32 beacons in one batch. Page rendering stays CPU-bound
#: under the GIL whatever this number is. Not more: on PostgreSQL each thread that queries keeps a
#: connection for REDAC_DB_CONN_MAX_AGE, and 2 workers x 32 threads stay under PostgreSQL's
#: default max_connections (100).
BLOCKING_THREADS = 32


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def default_workers() -> int:
    return max(
        1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )


def die_with_parent() -> None:
    """In a child, before it runs: on Linux, receive SIGTERM when ``redac serve`` dies, even by
    SIGKILL or a crash, so that granian and the worker never outlive it (they lead their own
    process groups, which a signal to serve's group does not reach). SIGTERM lets granian finish
    its requests and the visits writer flush its last batch."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: supervise() still stops them on a clean exit
        pass


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def serving_line(host: str, port: int, workers: int, *, background: bool) -> str:
    """What ``redac serve`` says once it starts: where to open the site (once, even when the
    public address is the bound one), with how many processes, and how to stop."""
    bound = f"http://{host}:{port}/"
    public = settings.SITE_URL.rstrip("/") + "/"
    where = bound if public == bound else f"{public} (écoute sur {bound})"
    helpers = f"{workers} processus" + (" et les tâches de fond" if background else "")
    return f"redac : site servi sur {where}, {helpers}. Ctrl+C pour arrêter."


class Command(BaseCommand):
    help = "Sert le site avec granian (un processus par cœur)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=default_workers())
        parser.add_argument("--no-collectstatic", action="store_true")
        parser.add_argument(
            "--no-worker", action="store_true",
            help="Ne pas lancer « redac worker » (tâches de fond) à côté du serveur.",
        )  # fmt: skip
        parser.add_argument(
            "--check-only", action="store_true",
            help="Vérifie la configuration et s'arrête sans servir.",
        )  # fmt: skip

    def handle(
        self, *args, host, port, workers, no_collectstatic, no_worker, check_only, **options
    ):
        if workers < 1:
            raise CommandError("--workers must be >= 1")
        if not 0 < port < 65536:
            raise CommandError("--port must be between 1 and 65535")
        self.refuse_insecure(host)
        self.refuse_busy_port(host, port)
        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        if check_only:
            self.stdout.write("configuration OK")
            return
        granian = shutil.which("granian", path=os.path.dirname(sys.executable)) or shutil.which(
            "granian"
        )
        if granian is None:
            raise CommandError("granian is not installed in this environment")
        argv = [
            granian, "--interface", "wsgi", "--host", host, "--port", str(port),
            "--workers", str(workers), "--blocking-threads", str(BLOCKING_THREADS),
            "--http1-keep-alive", "--no-ws", "--log-level", "warning",
            "redac.wsgi:application",
        ]  # fmt: skip
        if no_worker and settings.REDAC_PAGE_CACHE.get("PUBLISH_DIR"):
            # Purges written by other nodes reach this node's static folder through its worker.
            self.stderr.write(
                "redac : sans « redac worker » sur cette machine, son dossier REDAC_PUBLISH_DIR ne "
                "reçoit pas les purges des autres machines ; lancez-le à part."
            )
        self.stdout.write(serving_line(host, port, workers, background=not no_worker))
        sys.stdout.flush()
        env = dict(os.environ)
        env.setdefault("DJANGO_SETTINGS_MODULE", "redac.settings")
        # Each child leads its own process group, so that a stuck shutdown can be ended whole
        # (granian's worker processes included) and signals reach each child exactly once.
        children = [subprocess.Popen(argv, env=env, start_new_session=True,
                                     preexec_fn=die_with_parent)]  # fmt: skip
        if not no_worker:
            worker = [sys.executable, "-m", "redac.cli", "worker"]
            children.append(subprocess.Popen(worker, env=env, start_new_session=True,
                                             preexec_fn=die_with_parent))  # fmt: skip
        sys.exit(supervise(children))

    def refuse_busy_port(self, host: str, port: int) -> None:
        """granian binds with SO_REUSEPORT: started on a port another server (an older redac
        serve, say) already holds, it would silently share the connections with it. Refuse."""
        import socket

        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        try:
            with socket.socket(family, socket.SOCK_STREAM) as probe:
                # SO_REUSEADDR: a port left in TIME_WAIT by a server that just stopped is free;
                # on Linux the bind still fails while any socket listens there.
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                probe.bind((host, port))
        except OSError as exc:
            raise CommandError(
                f"{host}:{port} is not available ({exc.strerror or exc}): is another server "
                "already running there? Stop it or choose --port."
            ) from None

    def refuse_insecure(self, host: str) -> None:
        if is_loopback(host):
            return
        problems = []
        if settings.DEBUG:
            problems.append("REDAC_DEBUG is on")
        if not settings.HTTPS:
            problems.append("REDAC_SITE_URL is not https://")
        if "*" in settings.ALLOWED_HOSTS:
            problems.append("REDAC_ALLOWED_HOSTS contains '*'")
        try:
            call_command("check", deploy=True, fail_level="WARNING", verbosity=0)
        except Exception as exc:  # SystemCheckError lists every problem found
            problems.append(str(exc).strip())
        if problems:
            raise CommandError(
                f"refusing to serve on {host} (reachable from other machines) with an insecure "
                "configuration: "
                + "; ".join(problems)
                + ". Bind to 127.0.0.1 behind a proxy, or fix the settings (docs/operations.md)."
            )


def supervise(children: list[subprocess.Popen], grace: float = 15.0) -> int:
    """Wait for the server and the worker; stop both when either stops or on SIGTERM/SIGINT.

    Each child gets one SIGTERM (granian drains its workers, the worker releases its lease); a
    child still running after ``grace`` seconds is killed with its whole process group: granian
    can hang when told to stop while its workers are still booting."""
    stopping = False

    def request_stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    while not stopping and all(child.poll() is None for child in children):
        try:
            children[0].wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            pass
    for child in children:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
    code = children[0].returncode
    return 0 if stopping or code in (0, -signal.SIGTERM) else code
