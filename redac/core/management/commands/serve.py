"""``redac serve``: the production server (granian, WSGI, one worker per core).

Before it binds, it collects static files (hashed names for long caching) and, when the address is
reachable from other machines, refuses an insecure configuration: DEBUG on, a site URL that is not
HTTPS, or any warning of Django's deployment checks.
"""

from __future__ import annotations

import ipaddress
import json
import os
import shutil
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from redac.core.bodies import threads_per_worker
from redac.core.staticstate import collect_if_changed

#: Python threads per granian worker: 2 x cores + 1, the most granian starts without warning.
#: Rendering is CPU-bound under the GIL, so more threads would not render more pages; they only
#: let more requests wait inside Python, and at most threads - 2 of them may wait for a request
#: body (redac.core.bodies: slow clients never take the threads pages need). Visit beacons wait
#: a few milliseconds for their batch to commit: fewer threads mean smaller batches
#: (docs/performance.md has the figures). On PostgreSQL each thread that queries keeps a
#: connection for REDAC_DB_CONN_MAX_AGE.
BLOCKING_THREADS = threads_per_worker()


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
            "--no-preload", action="store_true",
            help="Chaque processus charge le code lui-même (granian en ligne de commande).",
        )  # fmt: skip
        parser.add_argument(
            "--no-worker", action="store_true",
            help="Ne pas lancer « redac worker » (tâches de fond) à côté du serveur.",
        )  # fmt: skip
        parser.add_argument(
            "--check-only", action="store_true",
            help="Vérifie la configuration et s'arrête sans servir.",
        )  # fmt: skip

    def handle(
        self,
        *args,
        host,
        port,
        workers,
        no_collectstatic,
        no_worker,
        check_only,
        no_preload=False,
        **options,
    ):
        if workers < 1:
            raise CommandError("--workers must be >= 1")
        if not 0 < port < 65536:
            raise CommandError("--port must be between 1 and 65535")
        self.refuse_insecure(host)
        self.refuse_busy_port(host, port)
        if not no_collectstatic:
            # Only when the static files changed since the last run (redac.core.staticstate).
            collect_if_changed()
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
        # One folder where every child keeps its metrics, summed at each scrape; emptied now, as
        # the values of processes that are gone must not be added to the new ones'.
        from redac.core.metrics import prepare_folder

        metrics_dir = env.setdefault(
            "PROMETHEUS_MULTIPROC_DIR", str(settings.DATA_DIR / "cache" / f"metrics-{port}")
        )
        prepare_folder(metrics_dir)
        if no_preload:
            commands = [argv]
            if not no_worker:
                commands.append([sys.executable, "-m", "redac.cli", "worker"])
        else:
            # The code loaded once, then forked into granian's workers and the background worker
            # (redac.appserver): one copy of Django in memory instead of one per process.
            commands = [[sys.executable, "-m", "redac.appserver", host, str(port), str(workers),
                         str(BLOCKING_THREADS), *([] if no_worker else ["--with-worker"])]]  # fmt: skip
        sys.stdout.flush()
        sys.stderr.flush()
        # The supervisor only waits on its children: it need not keep Django in memory (104 MiB
        # measured). The same process (same pid, for systemd) becomes redac.supervisor.
        supervisor = [sys.executable, "-m", "redac.supervisor", json.dumps(commands)]
        os.execve(sys.executable, supervisor, env)  # noqa: S606

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
