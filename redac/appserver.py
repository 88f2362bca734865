"""The app server of ``redac serve``: Django and the site loaded once, then shared (issue 17).

granian's command line makes each worker process import Django, Wagtail and redac on its own
(~100 MiB each, shared with nobody). This launcher imports ``redac.wsgi`` first, freezes what it
loaded out of the garbage collector's reach (``gc.freeze``: the collector would otherwise write to
every object and unshare its page), and only then lets granian fork its workers, which inherit
the loaded code copy-on-write. The background worker (``redac worker``) is forked from the same
loaded process: the node holds one copy of the code instead of four (bench/memory.py,
docs/performance.md).

    python -m redac.appserver HOST PORT WORKERS THREADS [--with-worker]

Started by ``redac.supervisor`` for ``redac serve``; nothing else needs it.
"""

from __future__ import annotations

import gc
import os
import signal
import sys


def fork_background_worker() -> int:
    """Fork ``redac worker`` from the loaded process; it stops with the app server's group."""
    pid = os.fork()
    if pid:
        return pid
    try:
        from redac.supervisor import die_with_parent

        die_with_parent()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        from django.core.management import call_command

        call_command("worker")
        code = 0
    except BaseException:  # noqa: BLE001 - the child must never fall back into the server
        import traceback

        traceback.print_exc()
        code = 1
    os._exit(code)


def main(argv: list[str]) -> int:
    host, port, workers, threads = argv[0], int(argv[1]), int(argv[2]), int(argv[3])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redac.settings")
    from django.db import connections

    import redac.wsgi  # noqa: F401 - Django, Wagtail and the site: loaded once, here

    connections.close_all()  # no connection may be shared by forked processes
    gc.collect()
    gc.freeze()
    if "--with-worker" in argv:
        fork_background_worker()

    from granian.constants import Interfaces
    from granian.http import HTTP1Settings
    from granian.log import LogLevels
    from granian.server import Server

    server = Server(
        "redac.wsgi:application",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=threads,
        websockets=False,
        log_level=LogLevels.warning,
        http1_settings=HTTP1Settings(keep_alive=True),
    )

    def loaded(_target):
        return sys.modules["redac.wsgi"].application

    server.serve(target_loader=loaded)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
