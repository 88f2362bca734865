"""Slow request bodies never take the threads that readers need (issue 15, item 7).

granian hands a request to one of a worker's few Python threads as soon as its headers are in, and
``wsgi.input.read()`` then blocks that thread until the client has sent the bytes it announced.
Outside, 66 clients that announced a body and sent it one byte every 5 s held every thread of a
node, and cached pages stopped answering with them.

A body read cannot be given a deadline inside a granian 2.x worker: ``wsgi.input`` has no timeout,
and a read cannot be abandoned either (measured: answering a request while another thread still
waits for its body freezes the whole worker, the GIL included, for tens of seconds). So this layer,
in front of everything that reads a body (redac/wsgi.py), bounds *how many* threads may be waiting
for a body, before any byte of it is read:

- at most ``threads - 2`` body reads at once per worker: two threads at least always stay for
  requests without a body (every page a reader asks for), whatever clients send;
- at most :data:`PER_CLIENT` at once per client address, so that one address cannot take them all;
- a request over either limit waits :data:`SLOT_WAIT` for a slot (ordinary bodies are read in
  microseconds), then gets ``503`` with ``Retry-After`` and ``Connection: close`` without its body
  being touched, which frees its thread at once.

The deadline itself belongs to the proxy in front (nginx buffers a whole body before it forwards
the request, within ``client_body_timeout``; docs/operations.md): requests from
``REDAC_TRUSTED_PROXIES`` pass through. Bodies larger than any endpoint accepts are not counted:
Django answers them 413 from their ``Content-Length`` without reading them
(RequestBodyLimitMiddleware). Bodies without a length (chunked) are never read by Django.
"""

from __future__ import annotations

import logging
import os
import threading
import time

from django.conf import settings

logger = logging.getLogger("redac.bodies")

#: Body reads at once from one client address.
PER_CLIENT = 2
#: How long a request over a limit waits for a slot before it is refused (seconds).
SLOT_WAIT = 0.02


def threads_per_worker() -> int:
    """granian's Python threads per worker, as ``redac serve`` starts it: ``2 x cores + 1``, the
    most granian accepts without warning. Rendering is CPU-bound under the GIL: more threads would
    not render more pages, they would only let more requests wait inside Python."""
    return 2 * (os.cpu_count() or 1) + 1


def body_slots(threads: int) -> int:
    return max(1, threads - 2)


class BodyGate:
    """Counts the body reads in progress in one worker process."""

    def __init__(self, slots: int, per_client: int = PER_CLIENT):
        self.slots = slots
        self.per_client = per_client
        self.lock = threading.Lock()
        self.reading = 0
        self.by_client: dict[str, int] = {}

    def take(self, client: str) -> bool:
        with self.lock:
            if self.reading >= self.slots or self.by_client.get(client, 0) >= self.per_client:
                return False
            self.reading += 1
            self.by_client[client] = self.by_client.get(client, 0) + 1
            return True

    def give_back(self, client: str) -> None:
        with self.lock:
            self.reading -= 1
            left = self.by_client.get(client, 1) - 1
            if left:
                self.by_client[client] = left
            else:
                self.by_client.pop(client, None)


class _CountedInput:
    """``wsgi.input`` that gives its slot back as soon as the whole body is read (a login's
    password hashing, a page's rendering, run without holding it)."""

    def __init__(self, stream, length: int, release):
        self.stream = stream
        self.left = length
        self.release = release

    def _account(self, data: bytes) -> bytes:
        self.left -= len(data)
        if self.release is not None and (self.left <= 0 or not data):
            self.release()
            self.release = None
        return data

    def read(self, size: int = -1) -> bytes:
        if self.left <= 0:
            return self._account(b"")
        size = self.left if size is None or size < 0 else min(size, self.left)
        return self._account(self.stream.read(size))

    def readline(self, size: int = -1) -> bytes:
        line = self.stream.readline() if size is None or size < 0 else self.stream.readline(size)
        return self._account(line)

    def __iter__(self):
        while line := self.readline():
            yield line

    def close_slot(self):
        if self.release is not None:
            self.release()
            self.release = None


class BodyGuard:
    """``BodyGuard(application)``: see the module docstring."""

    def __init__(self, app, *, threads: int | None = None):
        self.app = app
        self.gate = BodyGate(body_slots(threads or threads_per_worker()))

    def __call__(self, environ, start_response):
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length <= 0 or length > self.largest_body(environ):
            return self.app(environ, start_response)
        client = environ.get("REMOTE_ADDR", "")
        if _from_trusted_proxy(client):
            return self.app(environ, start_response)
        if not self.wait_for_slot(client):
            logger.warning("request body refused: no thread free for bodies (client %s)", client)
            body = "Trop de requêtes en cours. Réessayez dans un instant.\n".encode()
            start_response("503 Service Unavailable", [
                ("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))),
                ("Connection", "close"), ("Retry-After", "1"), ("Cache-Control", "no-store"),
            ])  # fmt: skip
            return [body]
        counted = _CountedInput(environ["wsgi.input"], length, lambda: self.gate.give_back(client))
        environ["wsgi.input"] = counted
        try:
            return self.app(environ, start_response)
        finally:
            # The application may answer without reading the whole body (a 403, a 413...): the
            # slot is given back when it returns, the thread being free again then.
            counted.close_slot()

    def wait_for_slot(self, client: str) -> bool:
        if self.gate.take(client):
            return True
        deadline = time.monotonic() + SLOT_WAIT
        while time.monotonic() < deadline:
            time.sleep(0.002)
            if self.gate.take(client):
                return True
        return False

    @staticmethod
    def largest_body(environ) -> int:
        from redac.core.middleware import RequestBodyLimitMiddleware

        return RequestBodyLimitMiddleware.limit_for(environ.get("PATH_INFO") or "/")


def _from_trusted_proxy(address: str) -> bool:
    if not settings.REDAC_TRUSTED_PROXIES or not address:
        return False
    from redac.core.lib.net import _is_trusted

    return _is_trusted(address)
