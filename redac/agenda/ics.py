"""iCalendar (RFC 5545) for the agenda: a whole calendar (``agenda.ics``) or one event.

Written with ``icalendar`` (a maintained parser and generator): escaping, line folding, and the
VTIMEZONE that every TZID needs are what hand-written calendars get wrong. What is ours:

- the UID is the event's page number on the site's host (``evenement-42@example.org``): it never
  changes when the event is edited, moved or renamed, so a subscribed calendar updates the event
  rather than adding a second one;
- SEQUENCE is the event's counter, bumped on each publication that changes what a calendar shows
  (:meth:`redac.agenda.models.EventPage.save`);
- a cancelled event stays, with STATUS:CANCELLED, so calendars that have it strike it out; a
  postponed one is TENTATIVE (RFC 5545 has no « postponed ») and says so in its summary;
- DTSTAMP is the last publication, not the time of the request: two downloads of an unchanged
  agenda are byte for byte the same.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from icalendar import Calendar, Event

from . import timing

PRODID = "-//redac//Agenda//FR"
STATUSES = {"scheduled": "CONFIRMED", "cancelled": "CANCELLED", "postponed": "TENTATIVE"}
PREFIXES = {"cancelled": "Annulé : ", "postponed": "Reporté : "}


def event_uid(event, site_url: str) -> str:
    host = urlsplit(site_url).hostname or "redac.invalid"
    return f"evenement-{event.pk}@{host}"


def calendar(events, *, name: str, site_url: str, zone, describe) -> bytes:
    """``events``: EventPage objects; ``describe(event) -> (url, text)`` gives each its absolute
    address and plain-text description."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", zone.key)
    for event in events:
        url, text = describe(event)
        cal.add_component(vevent(event, site_url=site_url, zone=zone, url=url, text=text))
    cal.add_missing_timezones()
    return cal.to_ical()


def vevent(event, *, site_url: str, zone, url: str, text: str) -> Event:
    schedule = event.schedule()
    item = Event()
    item.add("uid", event_uid(event, site_url))
    stamp = event.last_published_at or event.latest_revision_created_at or event.starts_at
    item.add("dtstamp", (stamp or dt.datetime(2000, 1, 1, tzinfo=dt.UTC)).astimezone(dt.UTC))
    if event.last_published_at:
        item.add("last-modified", event.last_published_at.astimezone(dt.UTC))
    item.add("sequence", event.sequence)
    summary = PREFIXES.get(event.status, "") + event.title
    item.add("summary", summary)
    item.add("status", STATUSES.get(event.status, "CONFIRMED"))
    if schedule.is_all_day:
        days, _end_time = schedule.span()
        item.add("dtstart", schedule.start_date)
        # DTEND of a date is exclusive: the day after the last one (RFC 5545 §3.6.1)
        item.add("dtend", schedule.start_date + days + dt.timedelta(days=1))
    else:
        start, end = _local_bounds(event, schedule, zone)
        item.add("dtstart", start)
        if end > start:
            item.add("dtend", end)
    rule = timing.ical_rule(schedule, zone)
    if rule:
        item.add("rrule", rule)
        excluded = sorted(schedule.exceptions)
        if excluded:
            if schedule.is_all_day:
                item.add("exdate", excluded)
            else:
                item.add("exdate", [_wall(day, schedule.start_time, zone) for day in excluded])
    location = ", ".join(p for p in (event.place_name, " ".join(event.place_address.split()))
                         if p)  # fmt: skip
    if location:
        item.add("location", location)
    if event.latitude is not None and event.longitude is not None:
        item.add("geo", (float(event.latitude), float(event.longitude)))
    if url:
        item.add("url", url)
    if text:
        item.add("description", text)
    keywords = [k.name for k in event.keyword_list]
    if keywords:
        item.add("categories", keywords)
    return item


def _wall(day: dt.date, time: dt.time, zone) -> dt.datetime:
    return dt.datetime.combine(day, time).replace(tzinfo=zone, fold=0)


def _local_bounds(event, schedule, zone) -> tuple[dt.datetime, dt.datetime]:
    """DTSTART and DTEND in the site's zone. A single event gets its exact instants (an hour in
    the spring gap is written as the time it really is, 03:30 rather than 02:30); a series keeps
    the wall-clock time typed, which each occurrence resolves by RFC 5545's own rule."""
    first = schedule.slot(schedule.start_date, zone)
    if schedule.rule:
        duration = first.end - first.start
        start = _wall(schedule.start_date, schedule.start_time, zone)
        return start, start + duration
    return first.start.astimezone(zone), first.end.astimezone(zone)
