"""Helpers shared by the test suites (not used by the application)."""

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
