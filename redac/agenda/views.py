"""The agenda's files: ``agenda.ics``, ``rss.xml`` and ``atom.xml`` under each agenda address (the whole
agenda, ``rubrique/<slug>/``, ``mot/<slug>/``), and ``evenement-<n>.ics`` for one event.

Wagtail's page routes only take addresses that end with a slash and hold no dot, so these are
Django views: they find the agenda page whose address starts the request's path, then ask it
for the filter the rest of the path names. Like every feed, they carry nothing personal and
the page cache keeps them (purged with the agenda, :mod:`redac.agenda.invalidation`).
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.views.decorators.http import require_safe
from wagtail.models import Site

from redac.news.models import restricted_paths
from redac.news.text import absolute_url, site_root, summary, xml_safe

from . import ics
from .models import AgendaPage, EventPage, EventStatus, Filter, site_zone, with_urls

FEED_MAX_AGE = 300
#: The calendar holds what is coming and the last year: what a calendar application shows, in a
#: file that stays small after ten years of events.
CALENDAR_PAST = dt.timedelta(days=366)
CALENDAR_MAX_EVENTS = 1000
RSS_SIZE = 50


def _agenda_and_filter(request, prefix: str) -> tuple[AgendaPage, Filter]:
    site = Site.find_for_request(request)
    if site is None:
        raise Http404
    wanted = "/" + prefix
    best = None
    for agenda in AgendaPage.objects.live().descendant_of(site.root_page, inclusive=True):
        parts = agenda.get_url_parts(request)
        if not parts or parts[0] != site.pk:
            continue
        address = parts[2]
        if wanted.startswith(address) and (best is None or len(address) > len(best[1])):
            best = (agenda, address)
    if best is None:
        raise Http404
    agenda, address = best
    if any(agenda.path.startswith(path) for path in restricted_paths()):
        raise Http404  # a private agenda publishes no calendar
    rest = [part for part in wanted[len(address) :].split("/") if part]
    if not rest:
        return agenda, Filter()
    if len(rest) == 2 and rest[0] in ("rubrique", "mot"):
        return agenda, agenda.filter_for(rest[0], rest[1])
    raise Http404


def _cacheable(response):
    patch_cache_control(response, public=True, max_age=FEED_MAX_AGE)
    return response


def _describe(event) -> tuple[str, str]:
    parts = event.get_url_parts()
    url = absolute_url(parts[2]) if parts else ""
    lines = [event.when()]
    if event.status != EventStatus.SCHEDULED:
        lines.insert(0, str(EventStatus(event.status).label))
    text = summary(event, 600)
    if text:
        lines.append(text)
    if url:
        lines.append(url)
    return url, "\n\n".join(xml_safe(line) for line in lines)


def _calendar_name(agenda: AgendaPage, flt: Filter) -> str:
    if not flt.kind:
        return agenda.title
    return f"{agenda.title} — {flt.obj.title if flt.kind == 'rubrique' else flt.obj.name}"


def _ics_response(body: bytes, filename: str = "") -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _cacheable(response)


@require_safe
def agenda_ics(request, prefix: str = ""):
    agenda, flt = _agenda_and_filter(request, prefix)
    since = timezone.now() - CALENDAR_PAST
    event_ids = agenda.occurrences(flt).filter(ends_at__gt=since).values("event_id")
    events = (EventPage.objects.filter(pk__in=event_ids).order_by("starts_at", "pk")
              .defer("body").prefetch_related("keywords", "exception_dates"))  # fmt: skip
    body = ics.calendar(events[:CALENDAR_MAX_EVENTS], name=_calendar_name(agenda, flt),
                        site_url=site_root(), zone=site_zone(), describe=_describe)  # fmt: skip
    return _ics_response(body)


@require_safe
def event_ics(request, prefix: str, pk: int):
    agenda, flt = _agenda_and_filter(request, prefix)
    if flt.kind:
        raise Http404
    event_ids = agenda.occurrences().filter(event_id=pk).values("event_id")
    event = EventPage.objects.filter(pk__in=event_ids).first()
    if event is None:
        raise Http404
    body = ics.calendar([event], name=event.title, site_url=site_root(), zone=site_zone(),
                        describe=_describe)  # fmt: skip
    return _ics_response(body, filename=f"{event.slug}.ics")


@require_safe
def agenda_rss(request, prefix: str = ""):
    return _feed(request, prefix, Rss201rev2Feed, "rss.xml")


@require_safe
def agenda_atom(request, prefix: str = ""):
    return _feed(request, prefix, Atom1Feed, "atom.xml")


def _feed(request, prefix: str, feed_class, name: str):
    """What is coming, as RSS 2.0 or Atom: one item per occurrence (a weekly meeting is there
    each week), a cancelled or postponed one saying so in its title."""
    agenda, flt = _agenda_and_filter(request, prefix)
    parts = agenda.get_url_parts(request)
    link = absolute_url(parts[2] + flt.prefix)
    feed = feed_class(
        title=_calendar_name(agenda, flt), link=link,
        description=f"Les prochains évènements — {_calendar_name(agenda, flt)}",
        language="fr", feed_url=link + name,
    )  # fmt: skip
    upcoming = with_urls(agenda.occurrences(flt).for_cards().upcoming(timezone.now(), RSS_SIZE))
    for line in upcoming:
        event, url = line.event, absolute_url(line.event_url)
        description = " — ".join(
            p for p in (line.when, event.place_name, xml_safe(event.descriptif)) if p
        )
        feed.add_item(
            title=xml_safe(ics.PREFIXES.get(event.status, "") + event.title), link=url,
            description=description, unique_id=f"{url}#{line.starts_at:%Y%m%dT%H%M%SZ}",
            unique_id_is_permalink=False, pubdate=event.last_published_at or line.starts_at,
            updateddate=event.last_published_at or line.starts_at,  # Atom requires <updated>
        )  # fmt: skip
    response = HttpResponse(content_type="application/xml; charset=utf-8")
    feed.write(response, "utf-8")
    return _cacheable(response)
