"""Retention runs without cron: the purge is a registered background job."""

import datetime as dt

import pytest

from redac.core import jobs

pytestmark = pytest.mark.django_db


def test_visit_retention_is_a_registered_background_job(monkeypatch):
    called = []
    monkeypatch.setattr("redac.visits.jobs.purge_visits", lambda: called.append(dt.date.today()))
    registered = jobs.registered_jobs()
    assert "visits.retention" in registered
    registered["visits.retention"].func()
    assert called
