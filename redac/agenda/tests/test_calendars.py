"""The agenda as calendars and feeds: valid RFC 5545 read back by ``icalendar``, stable UIDs and
bytes, SEQUENCE, cancelled events kept, recurrence with exceptions, one event's .ics to add,
RSS of what is coming, events in the sitemap."""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree

import pytest
from icalendar import Calendar

from redac.agenda import timing
from redac.agenda.models import AgendaPage, EventPage, EventStatus

from .conftest import republish

pytestmark = pytest.mark.django_db


def vevents(response) -> dict:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    return {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}


def test_the_demo_calendar_is_valid_icalendar_with_every_event(client, demo):
    events = vevents(client.get("/agenda/agenda.ics"))
    assert "Manifestation régionale pour les services publics" in events
    calendar = Calendar.from_ical(client.get("/agenda/agenda.ics").content)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    for event in calendar.walk("VEVENT"):
        for required in ("UID", "DTSTAMP", "DTSTART", "SUMMARY", "SEQUENCE", "STATUS"):
            assert required in event, (required, event.get("SUMMARY"))
    manif = events["Manifestation régionale pour les services publics"]
    assert manif["DTSTART"].dt.tzinfo is not None and manif["DTSTART"].dt.hour == 14
    assert manif["LOCATION"] == "Place de la République"
    assert manif["GEO"].latitude == pytest.approx(48.8674)


def test_a_cancelled_event_stays_in_the_calendar_as_cancelled(client, demo):
    events = vevents(client.get("/agenda/agenda.ics"))
    cancelled = events["Annulé : Réunion publique sur les transports"]
    assert cancelled["STATUS"] == "CANCELLED"
    assert events["Reporté : Fête de quartier"]["STATUS"] == "TENTATIVE"


def test_a_weekly_event_carries_its_rule_and_exceptions(client, demo):
    permanence = vevents(client.get("/agenda/agenda.ics"))["Permanence logement"]
    rule = permanence["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["COUNT"] == [16]
    assert len(permanence["EXDATE"].dts) == 1
    event = EventPage.objects.get(slug="permanence-logement")
    assert event.occurrences.count() == 15


def test_uids_and_bytes_are_stable_and_sequence_follows_changes(client, make_event):
    event = make_event("stable", title="Stable", start_time=dt.time(14), end_time=dt.time(17))
    first = client.get("/agenda/agenda.ics").content
    assert client.get("/agenda/agenda.ics").content == first
    before = vevents(client.get("/agenda/agenda.ics"))["Stable"]
    assert str(before["UID"]) == f"evenement-{event.pk}@{before['UID'].split('@')[1]}"
    republish(event, start_time=dt.time(15), slug="stable-renomme")
    after = vevents(client.get("/agenda/agenda.ics"))["Stable"]
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1
    assert after["DTSTART"].dt.hour == 15


def test_whole_days_are_dates_with_an_exclusive_end(client, make_event):
    make_event("deux-jours", title="Deux jours", start_date=dt.date(2030, 5, 4),
               end_date=dt.date(2030, 5, 5))  # fmt: skip
    event = vevents(client.get("/agenda/agenda.ics"))["Deux jours"]
    assert event["DTSTART"].dt == dt.date(2030, 5, 4)
    assert event["DTEND"].dt == dt.date(2030, 5, 6)


def test_a_monthly_event_says_which_weekday(client, make_event):
    make_event("mensuel", title="Mensuel", start_date=dt.date(2030, 1, 12),
               start_time=dt.time(14), recurrence=timing.MONTHLY_BY_WEEKDAY,
               recurrence_until=dt.date(2030, 6, 30))  # fmt: skip
    rule = vevents(client.get("/agenda/agenda.ics"))["Mensuel"]["RRULE"]
    assert rule["FREQ"] == ["MONTHLY"] and rule["BYDAY"] == ["2SA"]
    assert rule["UNTIL"][0] == dt.datetime(2030, 6, 30, 12, tzinfo=dt.UTC)  # 14 h, summer time


def test_filter_addresses_have_their_calendar(client, demo):
    culture = vevents(client.get("/agenda/rubrique/culture/agenda.ics"))
    assert "Festival des solidarités" in culture
    assert "Manifestation régionale pour les services publics" not in culture
    logement = vevents(client.get("/agenda/mot/logement/agenda.ics"))
    assert list(logement) == ["Permanence logement"]
    assert client.get("/agenda/rubrique/nulle-part/agenda.ics").status_code == 404
    assert client.get("/nulle-part/agenda.ics").status_code == 404


def test_one_event_downloads_as_an_ics_file(client, demo):
    event = EventPage.objects.get(slug="atelier-ecriture")
    agenda = AgendaPage.objects.get(slug="agenda")
    response = client.get(f"{agenda.url}evenement-{event.pk}.ics")
    assert response["Content-Disposition"] == 'attachment; filename="atelier-ecriture.ics"'
    assert list(vevents(response)) == ["Atelier d'écriture"]
    draft = EventPage.objects.get(slug="manifestation-regionale")
    draft.unpublish()
    assert client.get(f"{agenda.url}evenement-{draft.pk}.ics").status_code == 404


def test_the_rss_feed_lists_what_is_coming(client, demo):
    response = client.get("/agenda/rss.xml")
    assert response.status_code == 200
    channel = ElementTree.fromstring(response.content).find("channel")
    titles = [item.findtext("title") for item in channel.findall("item")]
    assert "Manifestation régionale pour les services publics" in titles
    assert "Annulé : Réunion publique sur les transports" in titles
    assert "Assemblée générale annuelle" not in titles  # past
    assert titles.index("Manifestation régionale pour les services publics") < titles.index(
        "Festival des solidarités"
    )


def test_events_are_in_the_sitemap(client, demo):
    response = client.get("/sitemap-agenda.xml")
    assert response.status_code == 200
    body = response.content.decode()
    assert "/actualite/manifestation-regionale/</loc>" in body
    assert "/agenda/</loc>" in body
    assert "/sitemap-agenda.xml" in client.get("/sitemap.xml").content.decode()


def test_a_status_change_is_in_the_calendar_with_a_new_sequence(client, make_event):
    event = make_event("statut", title="Statut", start_time=dt.time(9))
    republish(event, status=EventStatus.CANCELLED)
    cancelled = vevents(client.get("/agenda/agenda.ics"))["Annulé : Statut"]
    assert cancelled["STATUS"] == "CANCELLED" and cancelled["SEQUENCE"] == 1


def test_the_atom_feed_has_the_same_items(client, demo):
    response = client.get("/agenda/rubrique/culture/atom.xml")
    assert response.status_code == 200
    atom = "{http://www.w3.org/2005/Atom}"
    entries = ElementTree.fromstring(response.content).findall(f"{atom}entry")
    titles = [entry.findtext(f"{atom}title") for entry in entries]
    assert "Festival des solidarités" in titles and "Manifestation régionale" not in " ".join(
        titles
    )
    assert all(
        entry.findtext(f"{atom}id") and entry.findtext(f"{atom}updated") for entry in entries
    )
