"""What petitions declare to the invalidation registry (redac.core.signals, issue 19): the
opening and closing moments, and a purge of the article when its petition is edited. Skipped
until the registry exists on this branch's base."""

import datetime as dt

import pytest
from django.utils import timezone

signals = pytest.importorskip("redac.core.signals")

from redac.petitions import invalidation  # noqa: E402
from redac.petitions.models import Petition  # noqa: E402

pytestmark = pytest.mark.django_db


def test_a_petition_opening_and_closing_are_clock_moments(petition):
    now = timezone.now()
    opens = now + dt.timedelta(hours=2)
    Petition.objects.filter(pk=petition.pk).update(opens_at=opens)
    moments = [m for m in invalidation.petition_moments(now) if m is not None]
    assert opens in moments and petition.closes_at in moments
    assert invalidation.petition_moments in signals.clock_functions()
    Petition.objects.filter(pk=petition.pk).update(opens_at=None, closes_at=now - dt.timedelta(1))
    assert [m for m in invalidation.petition_moments(now) if m is not None] == []


def test_editing_a_petition_purges_its_article(petition):
    sent = []

    def receive(sender, **kwargs):
        sent.append(kwargs)

    signals.content_changed.connect(receive, weak=False)
    try:
        petition.goal = 20_000
        petition.save()
    finally:
        signals.content_changed.disconnect(receive)
    assert sent and sent[0]["paths"] == [petition.page.url]
