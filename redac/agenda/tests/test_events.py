"""Events in the database: occurrences written on publication (DST nights, exceptions), SEQUENCE
bumped when what a calendar shows changes, cancelled events kept, the clock that tells the page
cache when « à venir » changes, and listings that change at that minute."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from freezegun import freeze_time

from redac.agenda import invalidation, timing
from redac.agenda.models import EventOccurrence, EventPage, EventStatus, site_zone

from .conftest import republish

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def local(instant):
    return instant.astimezone(site_zone()).strftime("%Y-%m-%d %H:%M %z")


def test_events_at_half_past_two_on_both_nights_the_clocks_change(make_event, client):
    spring = make_event("nuit-de-printemps", start_date=dt.date(2026, 3, 29),
                        start_time=dt.time(2, 30), end_time=dt.time(4, 0))  # fmt: skip
    autumn = make_event("nuit-d-automne", start_date=dt.date(2026, 10, 25),
                        start_time=dt.time(2, 30), end_time=dt.time(4, 0))  # fmt: skip
    # spring: 02:30 does not exist; the offset before the gap makes it 03:30 summer time
    assert local(spring.starts_at) == "2026-03-29 03:30 +0200"
    assert spring.ends_at - spring.starts_at == dt.timedelta(minutes=30)
    # autumn: 02:30 happens twice; the first one (summer time)
    assert local(autumn.starts_at) == "2026-10-25 02:30 +0200"
    assert autumn.ends_at - autumn.starts_at == dt.timedelta(hours=2, minutes=30)
    march = client.get("/agenda/2026/3/").content.decode()
    assert "nuit-de-printemps" in march
    assert "nuit-d-automne" in client.get("/agenda/2026/10/").content.decode()


def test_a_weekly_event_has_one_occurrence_per_week_but_its_exceptions(make_event):
    event = make_event("permanence-test", start_date=dt.date(2026, 12, 5), start_time=dt.time(10),
                       end_time=dt.time(12), recurrence=timing.WEEKLY, recurrence_count=4,
                       exceptions=[dt.date(2026, 12, 19)])  # fmt: skip
    days = [local(o.starts_at)[:10] for o in event.occurrences.order_by("starts_at")]
    assert days == ["2026-12-05", "2026-12-12", "2026-12-26"]
    # a new publication rewrites them
    event = republish(event, recurrence_count=5)
    assert event.occurrences.count() == 4


def test_an_event_that_ends_before_it_starts_is_refused(demo):
    event = EventPage(title="À l'envers", slug="a-l-envers", start_date=dt.date(2026, 12, 12),
                      end_date=dt.date(2026, 12, 11))  # fmt: skip
    with pytest.raises(ValidationError):
        event.clean()
    event = EventPage(title="Sans fin", slug="sans-fin", start_date=dt.date(2026, 12, 12),
                      recurrence=timing.WEEKLY)  # fmt: skip
    with pytest.raises(ValidationError, match="Jusqu"):
        event.clean()


def test_sequence_goes_up_when_the_time_changes_not_when_the_text_does(make_event):
    event = make_event(start_time=dt.time(14), end_time=dt.time(17))
    assert event.sequence == 0
    event = republish(event, descriptif="Un mot de plus.")
    assert event.sequence == 0
    event = republish(event, start_time=dt.time(15))
    assert event.sequence == 1
    event = republish(event, status=EventStatus.CANCELLED)
    assert event.sequence == 2


def test_drafts_and_unpublished_events_are_not_listed(make_event, client):
    make_event("brouillon", title="Brouillon secret", publish=False,
               start_date=dt.date(2027, 1, 9))  # fmt: skip
    assert "Brouillon secret" not in client.get("/agenda/2027/1/").content.decode()


def test_the_clock_gives_the_next_start_and_the_next_end(make_event):
    event = make_event(start_date=dt.date(2030, 6, 1), start_time=dt.time(14),
                       end_time=dt.time(17))  # fmt: skip
    EventOccurrence.objects.exclude(event=event).delete()  # the demo's own are elsewhere in time
    before = event.starts_at - dt.timedelta(minutes=1)
    assert invalidation.next_changes(before) == [event.starts_at, event.ends_at]
    during = event.starts_at + dt.timedelta(minutes=1)
    assert invalidation.next_changes(during) == [None, event.ends_at]
    assert invalidation.next_changes(event.ends_at) == [None, None]


def test_the_clock_ignores_unpublished_events(make_event):
    event = make_event(publish=False, start_date=dt.date(2030, 6, 1), start_time=dt.time(14))
    EventOccurrence.objects.exclude(event=event).delete()
    assert invalidation.next_changes(dt.datetime(2030, 1, 1, tzinfo=UTC)) == [None, None]


def test_the_listing_moves_an_event_to_the_past_at_the_minute_it_ends(make_event, client):
    event = make_event("rendez-vous-minute", title="Rendez-vous à la minute",
                       start_date=dt.date(2030, 6, 1), start_time=dt.time(14),
                       end_time=dt.time(17))  # fmt: skip

    def section_of_event(html: str) -> str:
        upcoming, _, past = html.partition('id="agenda-past"')
        return "upcoming" if "Rendez-vous à la minute" in upcoming else (
            "past" if "Rendez-vous à la minute" in past else "absent")  # fmt: skip

    with freeze_time(event.ends_at - dt.timedelta(minutes=1)):
        assert invalidation.next_changes(event.ends_at - dt.timedelta(minutes=1))[1] == (
            event.ends_at
        )
        assert section_of_event(client.get("/agenda/").content.decode()) == "upcoming"
    with freeze_time(event.ends_at + dt.timedelta(seconds=1)):
        assert section_of_event(client.get("/agenda/").content.decode()) == "past"


def test_an_event_change_purges_every_agenda_address(make_event):
    event = make_event()
    assert "/agenda/*" in list(invalidation.agenda_addresses(event))
    assert list(invalidation.agenda_addresses(event.get_parent().specific)) == []


def test_a_cancelled_event_stays_listed_and_says_so(make_event, client):
    make_event("annule", title="Concert annulé", status=EventStatus.CANCELLED,
               start_date=dt.date(2030, 6, 1))  # fmt: skip
    text = client.get("/agenda/").content.decode()
    assert "Concert annulé" in text
    page = client.get(EventPage.objects.get(slug="annule").url).content.decode()
    assert "EventCancelled" in page and 'role="status"' in page


def test_an_unsaved_draft_says_its_own_dates_for_a_preview(demo):
    from redac.agenda.templatetags.agenda_tags import event_json_ld

    draft = EventPage(title="Aperçu", slug="apercu", start_date=dt.date(2026, 12, 12),
                      start_time=dt.time(14), end_time=dt.time(17))  # fmt: skip
    assert draft.starts_at is None
    assert draft.when() == "samedi 12 décembre 2026 de 14 h à 17 h"
    assert '"startDate": "2026-12-12T14:00:00+01:00"' in event_json_ld(draft)


def test_an_event_begun_last_month_shows_in_this_months_table(make_event, client):
    make_event("nuit-blanche", title="Nuit blanche", start_date=dt.date(2030, 11, 30),
               start_time=dt.time(20), end_date=dt.date(2030, 12, 2),
               end_time=dt.time(1))  # fmt: skip
    make_event("la-veille", title="La veille", start_date=dt.date(2030, 11, 30),
               start_time=dt.time(20), end_time=dt.time(23))  # fmt: skip
    december = client.get("/agenda/2030/12/").content.decode()
    assert december.count("Nuit blanche") == 2  # the 1st and the 2nd
    assert "La veille" not in december
    assert client.get("/agenda/2030/11/").content.decode().count("Nuit blanche") == 1
