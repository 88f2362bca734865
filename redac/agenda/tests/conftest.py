"""Events made the way an editor publishes them (a revision, then its publication)."""

from __future__ import annotations

import datetime as dt

import pytest


@pytest.fixture
def make_event(demo):
    from redac.agenda.models import EventExceptionDate, EventPage
    from redac.news.models import SectionPage

    def make(slug="evenement-test", *, section="actualite", exceptions=(), keywords=(),
             publish=True, **fields):  # fmt: skip
        parent = SectionPage.objects.get(slug=section)
        fields.setdefault("title", "Évènement de test")
        fields.setdefault("start_date", dt.date(2026, 12, 12))
        event = EventPage(slug=slug, live=publish, **fields)
        event.exception_dates = [EventExceptionDate(date=day) for day in exceptions]
        parent.add_child(instance=event)
        if keywords:
            event.keywords = list(keywords)
        revision = event.save_revision()
        if publish:
            revision.publish()
        return EventPage.objects.get(pk=event.pk)

    return make


def republish(event, **changes):
    from redac.agenda.models import EventPage

    event = EventPage.objects.get(pk=event.pk)
    for name, value in changes.items():
        setattr(event, name, value)
    event.save_revision().publish()
    return EventPage.objects.get(pk=event.pk)
