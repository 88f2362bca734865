"""The agenda in the theme's templates: « Prochains rendez-vous » on the home page, and an
event's ``Event`` JSON-LD (schema.org, with the properties search engines require: name,
startDate, location; eventStatus and the rest when known)."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from redac.core.templatetags.redac_tags import typo_filter
from redac.news.templatetags.news_seo import json_ld
from redac.news.text import absolute_url, summary

from ..models import AgendaPage, EventOccurrence, EventStatus, site_zone, with_urls

register = template.Library()

NEXT_EVENTS = 4
SCHEMA_STATUS = {
    EventStatus.SCHEDULED: "https://schema.org/EventScheduled",
    EventStatus.CANCELLED: "https://schema.org/EventCancelled",
    EventStatus.POSTPONED: "https://schema.org/EventPostponed",
}


@register.inclusion_tag("agenda/next_events.html", takes_context=True)
def next_events(context, count: int = NEXT_EVENTS):
    """What is happening next, site-wide (the home page: one query, and one for the agenda's
    address). The page cache keeps the home page until the next event starts or ends
    (redac.agenda.invalidation)."""
    request = context.get("request")
    occurrences = with_urls(
        EventOccurrence.objects.published().for_cards().upcoming(timezone.now(), count), request
    )
    agenda = None
    if occurrences:
        agenda = AgendaPage.objects.live().order_by("depth", "path").first()
    return {"occurrences": occurrences, "agenda": agenda, "request": request}


@register.simple_tag
def agenda_line(line):
    """One line of an agenda listing (an :class:`~redac.agenda.models.AgendaLine`). Written here
    rather than as an included template: a listing has a hundred of them, and an include's
    context and node walk cost more than the rest of the line."""
    event = line.event
    status = {EventStatus.CANCELLED: _("Annulé"), EventStatus.POSTPONED: _("Reporté")}.get(
        event.status
    )
    place = ""
    if event.place_name:
        place = format_html('\n  <p class="agenda-event__place">{}</p>',
                            typo_filter(event.place_name, event.lang))  # fmt: skip
    return format_html(
        '<li class="agenda-event{}">\n  <p class="agenda-event__when"><time datetime="{}">{}'
        '</time></p>\n  <h3 class="agenda-event__title">{}<a href="{}">{}</a></h3>{}\n</li>',
        f" agenda-event--{event.status}" if status else "",
        timezone.localtime(line.starts_at, site_zone()).isoformat(), line.when,
        format_html('<span class="agenda-status">{}</span> ', status) if status else "",
        line.event_url, typo_filter(event.title, event.lang), place,
    )  # fmt: skip


def _iso(event, value, *, date_only: bool):
    local = timezone.localtime(value, site_zone())
    return local.date().isoformat() if date_only else local.isoformat(timespec="seconds")


@register.simple_tag
def event_json_ld(event):
    parts = event.get_url_parts()
    url = absolute_url(parts[2]) if parts else ""
    all_day = event.is_all_day
    starts_at, ends_at = event.first_slot()  # a preview's own dates, not the saved ones
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "startDate": _iso(event, starts_at, date_only=all_day),
        "eventStatus": SCHEMA_STATUS.get(event.status, SCHEMA_STATUS[EventStatus.SCHEDULED]),
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "url": url,
        "inLanguage": event.lang or "fr",
    }
    if ends_at > starts_at:
        end = ends_at
        if all_day:  # the end instant is midnight after the last day
            end = end - timezone.timedelta(days=1)
        data["endDate"] = _iso(event, end, date_only=all_day)
    description = summary(event, 300)
    if description:
        data["description"] = description
    place = {"@type": "Place", "name": event.place_name or event.place_address or event.title}
    if event.place_address:
        place["address"] = " ".join(event.place_address.split())
    if event.latitude is not None and event.longitude is not None:
        place["geo"] = {"@type": "GeoCoordinates", "latitude": float(event.latitude),
                        "longitude": float(event.longitude)}  # fmt: skip
    data["location"] = place
    if event.lead_image_id:
        try:
            data["image"] = [absolute_url(event.lead_image.get_rendition("fill-1200x630").url)]
        except Exception:  # noqa: S110  (a missing file: the event is still described)
            pass
    if event.authors:
        data["organizer"] = [{"@type": "Person" if not a.is_collective else "Organization",
                              "name": a.name} for a in event.authors]  # fmt: skip
    if event.registration_url:
        data["offers"] = {"@type": "Offer", "url": event.registration_url}
    return json_ld(data)
