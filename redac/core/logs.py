"""One line per event, for an operator (issue 17).

Every line has the time, the level, the logger, the process and the request it belongs to:

    2026-12-05T14:02:11.532Z WARNING redac.health pid=4121 req=1019-2a readyz: database check failed

or, with ``REDAC_LOG_FORMAT=json``, one JSON object per line with the same fields (``time``,
``level``, ``logger``, ``process``, ``request_id``, ``message``, and ``exception`` when there is
one). ``REDAC_ACCESS_LOG=1`` adds one line per request on the ``redac.access`` logger.

Repeated errors are rate-limited: a 10 s database outage wrote 34,607 lines. The same event (same
logger, level and message template) is written at most :data:`BURST` times per :data:`WINDOW`
seconds in a process; the next line written for it says how many were left out.
"""

from __future__ import annotations

import contextvars
import itertools
import json
import logging
import os
import threading
import time

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("redac_request_id", default="-")

#: Lines per event and per window, and the window (seconds).
BURST = 5
WINDOW = 10.0

_counter = itertools.count(1)


def new_request_id() -> str:
    """Unique on a node: the process id and a counter, in hexadecimal (cheap: no randomness)."""
    return f"{os.getpid():x}-{next(_counter):x}"


class ContextFilter(logging.Filter):
    """Adds ``request_id`` to every record (``-`` outside a request)."""

    def filter(self, record):
        record.request_id = request_id.get()
        return True


class RepeatFilter(logging.Filter):
    """At most :data:`BURST` records of one event per :data:`WINDOW` seconds; the first one let
    through after a gap says how many were left out (``[43 similar lines left out]``)."""

    def __init__(self, burst: int = BURST, window: float = WINDOW, clock=time.monotonic):
        super().__init__()
        self.burst, self.window, self.clock = burst, window, clock
        self.lock = threading.Lock()
        self.events: dict[tuple, list] = {}  # key -> [window start, written, left out]

    def filter(self, record):
        if record.levelno < logging.WARNING or record.name == "redac.access":
            return True
        exc = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else ""
        key = (record.name, record.levelno, str(record.msg), exc)
        now = self.clock()
        with self.lock:
            state = self.events.get(key)
            if state is None or now - state[0] >= self.window:
                left_out = state[2] if state else 0
                self.events[key] = [now, 1, 0]
                if len(self.events) > 10_000:  # bounded memory whatever the messages
                    self.events = {key: self.events[key]}
            elif state[1] < self.burst:
                state[1] += 1
                left_out = 0
            else:
                state[2] += 1
                return False
        if left_out:
            record.msg = f"{record.msg} [{left_out} similar lines left out]"
        return True


class TextFormatter(logging.Formatter):
    def __init__(self):
        super().__init__(
            "%(asctime)s.%(msecs)03dZ %(levelname)s %(name)s pid=%(process)d "
            "req=%(request_id)s %(message)s",
            datefmt="%Y-%m-%dT%H:%M:%S",
        )
        self.converter = time.gmtime

    def format(self, record):
        record.__dict__.setdefault("request_id", request_id.get())
        return super().format(record).replace("\n", "\n    ")  # a traceback stays one event


class JsonFormatter(logging.Formatter):
    def format(self, record):
        data = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "process": record.process,
            "request_id": getattr(record, "request_id", request_id.get()),
            "message": record.getMessage(),
        }
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def logging_config(*, level: str, json_format: bool, access_log: bool) -> dict:
    """Django's ``LOGGING`` for these settings (redac/settings.py)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "context": {"()": "redac.core.logs.ContextFilter"},
            "repeats": {"()": "redac.core.logs.RepeatFilter"},
        },
        "formatters": {
            "line": {
                "()": "redac.core.logs.JsonFormatter"
                if json_format
                else "redac.core.logs.TextFormatter"
            },  # fmt: skip
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "line",
                "filters": ["context", "repeats"],
            },
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Who holds the job lease is always worth a line (redac worker).
            "redac.jobs": {"level": "INFO" if level != "DEBUG" else "DEBUG"},
            "redac.access": {"level": "INFO" if access_log else "WARNING", "propagate": True},
            # Django logs every 4xx/5xx on django.request; redac's own lines say more, once.
            "django.request": {"level": "ERROR"},
        },
    }


class RequestContext:
    """``RequestContext(application)``, outermost: gives each request its id (``X-Request-ID``
    from a trusted proxy when it sends one, else a new one), sends it back in ``X-Request-ID``,
    and writes the access line when ``REDAC_ACCESS_LOG=1``."""

    def __init__(self, app, *, access_log: bool | None = None):
        from django.conf import settings

        self.app = app
        self.access_log = settings.REDAC_ACCESS_LOG if access_log is None else access_log
        self.access = logging.getLogger("redac.access")
        from redac.core import metrics

        self.metrics = metrics

    def __call__(self, environ, start_response):
        rid = _incoming_id(environ) or new_request_id()
        token = request_id.set(rid)
        started = time.perf_counter()
        status_seen = []

        def start(status, headers, exc_info=None):
            status_seen.append(status)
            return start_response(status, [*headers, ("X-Request-ID", rid)], exc_info)

        try:
            return self.app(environ, start)
        finally:
            state = environ.get("redac.cache", "pass")
            elapsed = time.perf_counter() - started
            try:
                self.metrics.REQUESTS.labels(state).inc()
                self.metrics.REQUEST_SECONDS.labels(state).observe(elapsed)
            except Exception:  # metrics never break a request
                logging.getLogger("redac.metrics").debug("not counted", exc_info=True)
            if self.access_log:
                self.access.info(
                    "%s %s %s %.1fms", environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"),
                    status_seen[0].split(" ", 1)[0] if status_seen else "-",
                    elapsed * 1000,
                )  # fmt: skip
            request_id.reset(token)


def _incoming_id(environ) -> str | None:
    value = environ.get("HTTP_X_REQUEST_ID")
    if not value or len(value) > 64 or not value.replace("-", "").isalnum():
        return None
    from django.conf import settings

    if not settings.REDAC_TRUSTED_PROXIES:
        return None
    from redac.core.lib.net import _is_trusted

    return value if _is_trusted(environ.get("REMOTE_ADDR", "")) else None
