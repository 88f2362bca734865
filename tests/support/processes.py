"""Processes and ports for the tests and benchmarks that start real servers (not shipped)."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A TCP port on 127.0.0.1 that the kernel says is free now.

    Never a fixed port or a scan of a fixed range: two suites may run on one machine at once, and
    granian binds with SO_REUSEPORT, so two servers given the same port would silently share its
    connections (each suite then counting the other's beacons)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants now (Linux ``/proc``). ``redac serve`` starts granian and
    the worker in sessions of their own, so a signal to serve's process group does not reach them:
    a fault test that means "kill the server" must signal this whole tree."""
    import os

    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


def signal_tree(pid: int, signum: int) -> None:
    """Send ``signum`` to ``pid`` and every descendant (children first, so none is re-parented
    and missed)."""
    import os

    for member in reversed(process_tree(pid)):
        try:
            os.kill(member, signum)
        except ProcessLookupError:
            pass
