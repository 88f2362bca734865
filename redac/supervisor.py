"""What ``redac serve`` becomes once it has checked the configuration: a small supervisor.

``redac serve`` runs Django's checks and ``collectstatic``, then replaces itself (``exec``, same pid)
with ``python -m redac.supervisor '<commands as JSON>'``, which starts granian and ``redac worker``
and waits on them. It imports nothing of Django: it only forwards signals and reaps children, and
keeping Django's ~100 MiB in it bought nothing (issue 17, « Memory »; bench/memory.py).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time


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


def main(argv: list[str] | None = None) -> int:
    commands = json.loads((sys.argv[1:] if argv is None else argv)[0])
    # Each child leads its own process group, so that a stuck shutdown can be ended whole
    # (granian's worker processes included) and signals reach each child exactly once.
    children = [
        subprocess.Popen(command, start_new_session=True, preexec_fn=die_with_parent)
        for command in commands
    ]
    return supervise(children)


if __name__ == "__main__":
    sys.exit(main())
