"""A real SMTP server (aiosmtpd) for the tests, recording what it accepts by Message-ID."""

from __future__ import annotations

import asyncio
import email
import threading
from collections import Counter

from aiosmtpd.controller import Controller

from tests.support.processes import free_port  # noqa: F401 (also for the modules importing it from here)


class RecordingHandler:
    """Accepts every mail; ``delay`` makes each DATA slow (to kill a sender mid-send). Like a real
    MTA, a mail counts as received only if the client is still there to get the 250."""

    def __init__(self, delay: float = 0.0):
        self.delay = delay
        self.lock = threading.Lock()
        self.messages: list[email.message.Message] = []
        self.in_progress = 0

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.in_progress += 1
        try:
            return await self._accept(server, envelope)
        finally:
            with self.lock:
                self.in_progress -= 1

    async def _accept(self, server, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        transport = getattr(server, "transport", None)
        if transport is None or transport.is_closing():
            return "451 client gone before acceptance"
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def message_ids(self) -> Counter:
        with self.lock:
            return Counter(m["Message-ID"] for m in self.messages)


class SmtpSink:
    def __init__(self, port: int, delay: float = 0.0):
        self.port = port
        self.handler = RecordingHandler(delay)
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=port)

    def __enter__(self):
        self.controller.start()
        return self.handler

    def __exit__(self, *exc):
        self.controller.stop()
