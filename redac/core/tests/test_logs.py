"""Logs for an operator (issue 17): one line per event with time, level, logger, process and
request id; JSON lines on demand; repeated errors rate-limited; the job lease's changes logged."""

from __future__ import annotations

import io
import json
import logging
import os
import re

import pytest

from redac.core import logs


def capture(formatter) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    handler.addFilter(logs.ContextFilter())
    handler.addFilter(logs.RepeatFilter())
    logger = logging.getLogger(f"redac.test.{id(stream)}")
    logger.handlers = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger, stream


def call(app, path="/", headers=None, remote="192.0.2.9"):
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "REMOTE_ADDR": remote,
               **(headers or {})}  # fmt: skip
    seen = {}

    def start_response(status, response_headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(response_headers)

    body = b"".join(app(environ, start_response))
    return seen, body


def test_a_line_has_time_level_logger_process_and_the_request_id():
    logger, stream = capture(logs.TextFormatter())

    def app(environ, start_response):
        logger.warning("cache store unreachable: %s", "TimeoutError")
        start_response("200 OK", [])
        return [b""]

    seen, _ = call(logs.RequestContext(app, access_log=False))
    rid = seen["headers"]["X-Request-ID"]
    line = stream.getvalue().strip()
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z WARNING redac\.test\.\d+ "
        rf"pid={os.getpid()} req={re.escape(rid)} cache store unreachable: TimeoutError",
        line,
    ), line


def test_json_lines_and_a_traceback_inside_its_event():
    logger, stream = capture(logs.JsonFormatter())
    try:
        raise ValueError("boom")
    except ValueError:
        logger.exception("render failed")
    (line,) = stream.getvalue().strip().splitlines()
    data = json.loads(line)
    assert data["level"] == "ERROR" and data["message"] == "render failed"
    assert data["process"] == os.getpid() and data["request_id"] == "-"
    assert "ValueError: boom" in data["exception"]
    assert {"time", "logger"} <= data.keys()


def test_a_ten_second_database_outage_writes_a_few_lines_not_thousands():
    now = [0.0]
    rate = logs.RepeatFilter(clock=lambda: now[0])
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(rate)
    logger = logging.getLogger("redac.test.outage")
    logger.handlers, logger.propagate = [handler], False
    for i in range(34_607):  # as many as the outage of issue 17 wrote, over 10 s
        now[0] = i * 10 / 34_607
        logger.error("database unavailable: %s", "OperationalError")
    now[0] = 10.5
    logger.error("database unavailable: %s", "OperationalError")
    lines = stream.getvalue().splitlines()
    assert len(lines) == logs.BURST + 1
    assert lines[-1].endswith(f"[{34_607 - logs.BURST} similar lines left out]")
    # Another event is not hidden by the first one's flood.
    logger.error("mail server refused: %s", "550")
    assert stream.getvalue().splitlines()[-1] == "mail server refused: 550"


def test_access_log_and_request_id_from_a_trusted_proxy_only(settings, caplog):
    settings.REDAC_TRUSTED_PROXIES = ["10.0.0.1"]

    def app(environ, start_response):
        start_response("404 Not Found", [])
        return [b""]

    wrapped = logs.RequestContext(app, access_log=True)
    with caplog.at_level(logging.INFO, logger="redac.access"):
        seen, _ = call(wrapped, "/nulle-part/", {"HTTP_X_REQUEST_ID": "abc-123"}, "10.0.0.1")
    assert seen["headers"]["X-Request-ID"] == "abc-123"
    assert re.fullmatch(r"GET /nulle-part/ 404 \d+\.\dms", caplog.records[-1].getMessage())
    seen, _ = call(wrapped, "/", {"HTTP_X_REQUEST_ID": "forged"}, "192.0.2.9")
    assert seen["headers"]["X-Request-ID"] != "forged"


@pytest.mark.django_db
def test_the_worker_says_when_it_takes_and_loses_the_job_lease(caplog, monkeypatch):
    from redac.core.management.commands import worker

    # The test's transaction owns the connection (PostgreSQL would see it closed).
    monkeypatch.setattr(worker, "close_old_connections", lambda: None)
    with caplog.at_level(logging.INFO, logger="redac.jobs"):
        assert worker.lease_step("node-a:1:x", holding=False) is True
        assert worker.lease_step("node-a:1:x", holding=True) is True  # renewal: no line
        monkeypatch.setattr(worker.WorkerLease, "acquire", lambda *a: False)
        assert worker.lease_step("node-a:1:x", holding=True) is False
    messages = [r.getMessage() for r in caplog.records if r.name == "redac.jobs"]
    assert messages == [
        "job lease taken by node-a:1:x: this worker runs the jobs",
        "job lease lost by node-a:1:x: another worker runs the jobs",
    ]
