"""Fixtures shared by every test: the demo site, the personas (tests/support/personas.py), and
where ../shared lives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest_plugins = ["tests.support.personas"]

REPO_DIR = Path(__file__).resolve().parent
SHARED_DIR = REPO_DIR.parent / "shared"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def skip_or_fail(reason: str):
    """Outside CI a missing optional component skips the test, saying why; CI never skips."""
    if IN_CI:
        pytest.fail(f"{reason} (CI must provide it)")
    pytest.skip(reason)


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED_DIR.is_dir():
        skip_or_fail(f"../shared is absent ({SHARED_DIR}): reference data unavailable")
    return SHARED_DIR


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Build the demo site once, after migrations; each test then runs in a transaction that is
    rolled back, so every test starts from the same demo content."""
    from redac.demo.build import build_demo

    with django_db_blocker.unblock():
        build_demo()
    yield
    # PostgreSQL refuses to drop a test database someone is still connected to. The visit
    # buffer's writer thread holds its own connection: stop it.
    from redac.visits.buffer import visit_buffer

    visit_buffer.stop()
    # Threads that ran queries in tests (servers' request threads) may have ended with their
    # persistent connection (REDAC_DB_CONN_MAX_AGE) still open: they are all gone by now.
    from django.db import connection

    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture
def demo(db):
    """The demo site of ``redac demo`` (rebuilt if a transactional test flushed it)."""
    from django.core.exceptions import ObjectDoesNotExist

    from redac.demo.build import build_demo, demo_objects

    try:
        return demo_objects()
    except ObjectDoesNotExist:
        return build_demo()


@pytest.fixture(autouse=True)
def _forget_site_wide_fragments():
    """redac.delivery keeps site-wide fragments (menu, flash ticker, banner) per worker, keyed by
    the page-cache generation; a test's rolled-back transaction does not change that generation,
    so each test starts with none remembered."""
    from redac.delivery import chrome, schedule

    chrome.forget()
    schedule.forget()
    yield
    chrome.forget()
    schedule.forget()


@pytest.fixture
def form_stamp():
    """A form timestamp issued a minute ago, so that submissions pass the minimum fill time."""
    import time

    from redac.core.lib.antispam import issue_stamp

    return issue_stamp(time.time() - 60)


@pytest.fixture
def fresh_stamp():
    """Issues form timestamps from a minute ago, a new one for each post: a stamp is good for
    one post only (redac.core.lib.antispam.use_stamp)."""
    import time

    from redac.core.lib.antispam import issue_stamp

    return lambda: issue_stamp(time.time() - 60)
