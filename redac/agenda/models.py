"""The agenda: events (actions, meetings, demonstrations) filed under sections, and the « Agenda »
page that lists them, by month, by section or keyword, and as calendars people subscribe to.

An event is typed as people say it — a local date and time in the site's zone (``TIME_ZONE``),
or whole days — and kept twice: as typed (what the editor sees again) and as exact instants, one
row per occurrence (:class:`EventOccurrence`), which listings, the month view, the feeds and the
cache's clock read with an index. The instants are recomputed on every full save (a publication),
from the rules of :mod:`redac.agenda.timing`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.contrib.routable_page.models import path as route
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from redac.news.blocks import BodyBlock
from redac.news.models import (
    AuthorLinkBase,
    BasePage,
    Keyword,
    SectionPage,
    restricted_paths,
)
from redac.news.widgets import keyword_field_panel

from . import timing


def site_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


class EventStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Prévu")
    CANCELLED = "cancelled", _("Annulé")
    POSTPONED = "postponed", _("Reporté")


class Recurrence(models.TextChoices):
    NONE = "", _("Ne se répète pas")
    WEEKLY = timing.WEEKLY, _("Chaque semaine (même jour)")
    MONTHLY = timing.MONTHLY_BY_WEEKDAY, _("Chaque mois (même jour de la semaine, ex. 2e samedi)")


class EventPage(BasePage):
    """An event (SPIP's Agenda plugin « évènement »): a page under a section, like an article."""

    descriptif = models.TextField(
        _("descriptif"), blank=True, max_length=2000,
        help_text=_("Résumé utilisé dans l'agenda, les flux et les moteurs de recherche."),
    )  # fmt: skip
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("texte"))
    lang = models.CharField(_("langue"), max_length=8, default="fr",
                            choices=[("fr", "Français"), ("en", "English")])  # fmt: skip

    # As typed, in the site's time zone. No time: the event takes whole days.
    start_date = models.DateField(_("date de début"))
    start_time = models.TimeField(
        _("heure de début"), null=True, blank=True,
        help_text=_("Heure locale. Vide : l'évènement dure toute la journée."),
    )  # fmt: skip
    end_date = models.DateField(
        _("date de fin"), null=True, blank=True,
        help_text=_("Vide : le même jour que le début."),
    )  # fmt: skip
    end_time = models.TimeField(_("heure de fin"), null=True, blank=True)

    # Exact instants of the first occurrence (UTC in the database), computed on save.
    starts_at = models.DateTimeField(_("début"), editable=False, null=True, db_index=True)
    ends_at = models.DateTimeField(_("fin"), editable=False, null=True)

    recurrence = models.CharField(_("répétition"), max_length=10, blank=True, default="",
                                  choices=Recurrence.choices)  # fmt: skip
    recurrence_interval = models.PositiveSmallIntegerField(
        _("toutes les"), default=1, validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("1 : chaque semaine (ou mois) ; 2 : une sur deux…"),
    )  # fmt: skip
    recurrence_until = models.DateField(_("jusqu'au"), null=True, blank=True)
    recurrence_count = models.PositiveSmallIntegerField(
        _("nombre de fois"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(timing.MAX_OCCURRENCES)],
    )  # fmt: skip

    place_name = models.CharField(_("lieu"), max_length=255, blank=True)
    place_address = models.TextField(_("adresse"), blank=True, max_length=1000)
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, null=True, blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )  # fmt: skip
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, null=True, blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )  # fmt: skip
    registration_url = models.URLField(_("lien d'inscription"), max_length=1000, blank=True)
    capacity = models.PositiveIntegerField(_("nombre de places"), null=True, blank=True)
    status = models.CharField(_("statut"), max_length=12, choices=EventStatus.choices,
                              default=EventStatus.SCHEDULED)  # fmt: skip

    lead_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("image principale"),
    )  # fmt: skip
    keywords = ParentalManyToManyField(Keyword, blank=True, related_name="events",
                                       verbose_name=_("mots-clés"))  # fmt: skip

    # iCalendar: SEQUENCE goes up each time what a calendar shows changes (RFC 5545 §3.8.7.4), so
    # that subscribed calendars take the new version; the fingerprint says whether it did.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    calendar_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("start_date"), FieldPanel("start_time")]),
            FieldRowPanel([FieldPanel("end_date"), FieldPanel("end_time")]),
            FieldPanel("status"),
        ], heading=_("Quand")),
        MultiFieldPanel([
            FieldPanel("recurrence"), FieldPanel("recurrence_interval"),
            FieldRowPanel([FieldPanel("recurrence_until"), FieldPanel("recurrence_count")]),
            InlinePanel("exception_dates", label=_("Date sautée"),
                        heading=_("Sauf les")),
        ], heading=_("Répétition"), classname="collapsed"),
        MultiFieldPanel([
            FieldPanel("place_name"), FieldPanel("place_address"),
            FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
        ], heading=_("Où")),
        FieldPanel("descriptif"),
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("registration_url"), FieldPanel("capacity")],
                        heading=_("Inscription")),
        InlinePanel("author_links", label=_("Auteurs"), heading=_("Auteurs")),
        MultiFieldPanel([FieldPanel("lang"), FieldPanel("lead_image"), keyword_field_panel()],
                        heading=_("Publication")),
    ]  # fmt: skip
    search_fields = Page.search_fields + [
        index.SearchField("descriptif"), index.SearchField("body"),
        index.SearchField("place_name"), index.FilterField("starts_at"),
    ]  # fmt: skip
    parent_page_types = ["news.SectionPage"]
    subpage_types: list[str] = []
    # A duplicate is a new event: a calendar must not take it for the original (its UID is its
    # own page number), and it was imported from nowhere.
    exclude_fields_in_copy = ["import_ref", "sequence", "calendar_fingerprint"]

    class Meta:
        verbose_name = _("évènement")
        verbose_name_plural = _("évènements")

    # --- when --------------------------------------------------------------------------------

    def schedule(self) -> timing.Schedule:
        # the exception dates the page holds (in memory for a preview or a revision); read once
        # per render (get_context), every time otherwise (a save must see the latest ones)
        exceptions = self.__dict__.get("_render_exceptions")
        if exceptions is None:
            exceptions = frozenset(e.date for e in self.exception_dates.all() if e.date)
        return timing.Schedule(
            start_date=self.start_date, start_time=self.start_time, end_date=self.end_date,
            end_time=self.end_time, all_day=self.start_time is None, rule=self.recurrence,
            interval=self.recurrence_interval or 1, until=self.recurrence_until,
            count=self.recurrence_count, exceptions=exceptions,
        )  # fmt: skip

    @property
    def is_all_day(self) -> bool:
        return self.start_time is None

    def clean(self):
        super().clean()
        errors = {}
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = _("La fin ne peut pas précéder le début.")
        elif (self.start_time and self.end_time and self.end_time < self.start_time
              and (self.end_date or self.start_date) == self.start_date):  # fmt: skip
            errors["end_time"] = _("La fin ne peut pas précéder le début.")
        if self.end_time and not self.start_time:
            errors["start_time"] = _("Donnez aussi l'heure de début, ou aucune des deux heures.")
        if self.recurrence:
            if self.recurrence_until and self.recurrence_count:
                errors["recurrence_count"] = _(
                    "Une date de fin ou un nombre de fois, pas les deux."
                )
            elif not self.recurrence_until and not self.recurrence_count:
                errors["recurrence_until"] = _(
                    "Jusqu'à quand ? Donnez une date ou un nombre de fois."
                )
            elif (
                self.recurrence_until
                and self.start_date
                and self.recurrence_until < self.start_date
            ):
                errors["recurrence_until"] = _("La répétition finit avant le premier évènement.")
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = _("Donnez la latitude et la longitude, ou aucune des deux.")
        if errors:
            raise ValidationError(errors)

    def _fingerprint(self) -> str:
        """What a subscribed calendar shows of the event; a change bumps SEQUENCE."""
        schedule = self.schedule()
        parts = [self.title, self.status, self.place_name, self.place_address,
                 repr(schedule), str(self.latitude), str(self.longitude)]  # fmt: skip
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

    def save(self, *args, **kwargs):
        full = kwargs.get("update_fields") is None
        if full and self.start_date:
            self.starts_at, self.ends_at = self.first_slot()
            fingerprint = self._fingerprint()
            if self.calendar_fingerprint and fingerprint != self.calendar_fingerprint:
                self.sequence += 1
            self.calendar_fingerprint = fingerprint
        super().save(*args, **kwargs)
        if full and self.start_date:
            self.refresh_occurrences()

    def refresh_occurrences(self) -> None:
        """One row per occurrence, rewritten from the event's schedule as it now is."""
        slots = self.schedule().slots(site_zone())
        with transaction.atomic():
            EventOccurrence.objects.filter(event_id=self.pk).delete()
            EventOccurrence.objects.bulk_create(
                EventOccurrence(event_id=self.pk, starts_at=s.start, ends_at=s.end,
                                crosses_midnight=crosses_midnight(s.start, s.end))
                for s in slots
            )  # fmt: skip

    # --- what readers see ----------------------------------------------------------------------

    @cached_property
    def authors(self) -> list:
        return [link.author for link in self.author_links.all()]

    @cached_property
    def keyword_list(self) -> list:
        return list(self.keywords.all())

    def local_start(self) -> dt.datetime | None:
        return timezone.localtime(self.starts_at, site_zone()) if self.starts_at else None

    def first_slot(self) -> tuple[dt.datetime, dt.datetime]:
        """The first occurrence's instants, from what is typed (a preview has not been saved)."""
        slot = self.schedule().slot(self.start_date, site_zone())
        return slot.start, slot.end

    def when(self) -> str:
        """« samedi 12 décembre 2026 de 14 h à 17 h » (the first occurrence)."""
        return occurrence_phrase(self, *self.first_slot())

    def upcoming_dates(self, now: dt.datetime | None = None, limit: int = 12) -> list:
        """The next occurrences of a recurring event, as phrases."""
        now = now or timezone.now()
        rows = self.occurrences.filter(ends_at__gt=now).order_by("starts_at")[:limit]
        return [occurrence_phrase(self, o.starts_at, o.ends_at) for o in rows]

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    @property
    def map_url(self) -> str:
        """OpenStreetMap at the place: a plain link, nothing is fetched until the reader opens it."""
        if self.latitude is None or self.longitude is None:
            return ""
        lat, lon = self.latitude, self.longitude
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        self._render_exceptions = None
        self._render_exceptions = self.schedule().exceptions
        context["keywords"] = self.keyword_list
        context["agenda"] = AgendaPage.for_event(self)
        return context


def crosses_midnight(start: dt.datetime, end: dt.datetime) -> bool:
    """Whether an occurrence goes on past a midnight (an end at midnight belongs to the day
    before), in the site's zone."""
    zone = site_zone()
    last = max(start, end - dt.timedelta(seconds=1))
    return timezone.localtime(last, zone).date() > timezone.localtime(start, zone).date()


def occurrence_phrase(event, starts_at, ends_at) -> str:
    zone = site_zone()
    start = timezone.localtime(starts_at, zone)
    end = timezone.localtime(ends_at, zone) if ends_at else None
    if event.start_time is None:
        # whole days: the end instant is midnight after the last day
        last = (end - dt.timedelta(days=1)).date() if end else start.date()
        return timing.french_span(start.date(), last, all_day=True)
    return timing.french_span(start, end, all_day=False)


class EventAuthor(AuthorLinkBase):
    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="author_links")

    class Meta(AuthorLinkBase.Meta):
        verbose_name = _("auteur de l'évènement")


class EventExceptionDate(Orderable):
    """A date on which a recurring event does not take place (RFC 5545's EXDATE)."""

    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="exception_dates")
    date = models.DateField(_("date"))

    panels = [FieldPanel("date")]

    class Meta(Orderable.Meta):
        verbose_name = _("date sautée")
        verbose_name_plural = _("dates sautées")


class OccurrenceQuerySet(models.QuerySet):
    """Occurrences as readers may see them, the one definition: their event is live and not under
    a restricted page (:func:`redac.news.models.published`'s rule, for the occurrence table)."""

    def published(self, paths: tuple[str, ...] | None = None):
        queryset = self.filter(event__live=True)
        for path in restricted_paths() if paths is None else paths:
            queryset = queryset.exclude(event__path__startswith=path)
        return queryset

    def under(self, path: str):
        return self.filter(event__path__startswith=path) if path else self

    def upcoming(self, now: dt.datetime, limit: int, offset: int = 0) -> list:
        """Not over yet, by start: those in progress (still « à venir » until they end), then
        those to come. Two queries that each walk one index in order and stop at ``limit``
        (one query with « ends after now, by start » sorted every future occurrence)."""
        ongoing = list(self.filter(starts_at__lte=now, ends_at__gt=now)
                       .order_by("starts_at", "event_id"))  # fmt: skip
        lines = ongoing[offset : offset + limit]
        start = max(0, offset - len(ongoing))
        future = self.filter(starts_at__gt=now).order_by("starts_at", "event_id")
        return lines + list(future[start : start + limit - len(lines)])

    def past(self, now: dt.datetime):
        """Over, the latest first (read along the start index, newest first)."""
        return self.filter(starts_at__lte=now, ends_at__lte=now).order_by("-starts_at",
                                                                          "-event_id")  # fmt: skip

    def between(self, start: dt.datetime, end: dt.datetime):
        """Occurrences that take place (even in part) in [start, end), ``start`` a midnight:
        those starting in it, and those begun before and still going — which crossed a
        midnight to get there (each side of the OR reads its own index: an « ends after
        start » alone would read every later occurrence)."""
        return self.filter(
            models.Q(starts_at__gte=start, starts_at__lt=end)
            | models.Q(crosses_midnight=True, ends_at__gt=start)  # starts before: see below
        ).order_by()  # unordered: SQLite would rather walk the whole start index than sort

    def sorted_between(self, start: dt.datetime, end: dt.datetime) -> list:
        """:meth:`between`, less the long ones that start after ``end``, sorted here (a month
        holds a few hundred at most)."""
        found = (o for o in self.between(start, end) if o.starts_at < end)
        return sorted(found, key=lambda o: (o.starts_at, o.event.pk))

    def for_cards(self):
        """What a line of the agenda shows, read as plain values in the same query: building
        a hundred page objects (Wagtail's and modelcluster's constructors) cost more than the
        query itself. Yields :class:`AgendaLine` objects."""
        return self.values_list(*LINE_FIELDS).iterator_class_for_lines()

    def iterator_class_for_lines(self):
        clone = self._chain()
        clone._iterable_class = _LineIterable
        return clone


#: What a listing line reads of an occurrence and its event.
LINE_FIELDS = ("pk", "starts_at", "ends_at", "event_id", "event__title", "event__url_path",
               "event__status", "event__place_name", "event__lang", "event__start_time",
               "event__descriptif", "event__last_published_at")  # fmt: skip


@dataclass
class EventSummary:
    pk: int
    title: str
    url_path: str
    status: str
    place_name: str
    lang: str
    start_time: dt.time | None
    descriptif: str
    last_published_at: dt.datetime | None


@dataclass
class AgendaLine:
    """An occurrence as a listing shows it (``event`` holds what its line says of the event)."""

    pk: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    event: EventSummary
    event_url: str = ""

    @property
    def when(self) -> str:
        return occurrence_phrase(self.event, self.starts_at, self.ends_at)


class _LineIterable(models.query.ValuesListIterable):
    def __iter__(self):
        for pk, starts, ends, event_id, *event in super().__iter__():
            yield AgendaLine(pk, starts, ends, EventSummary(event_id, *event))


class EventOccurrence(models.Model):
    """One occurrence of a published or draft event, as exact instants: what listings, the month
    view and the cache's clock read (an index on each instant)."""

    event = models.ForeignKey(EventPage, on_delete=models.CASCADE, related_name="occurrences")
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()  # indexed with starts_at and crosses_midnight (Meta)
    crosses_midnight = models.BooleanField(
        default=False, help_text="Ends on a later day than it starts (site's time zone)."
    )

    objects = OccurrenceQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        # By end: the clock's next end, « in progress now » (ends after, started before) and
        # a month's long occurrences begun earlier, each read from this index alone.
        indexes = [
            models.Index(
                fields=["ends_at", "starts_at", "crosses_midnight"], name="agenda_occ_end"
            ),
        ]
        verbose_name = _("occurrence")

    def __str__(self) -> str:
        return f"{self.event_id} @ {self.starts_at.isoformat()}"

    @property
    def when(self) -> str:
        return occurrence_phrase(self.event, self.starts_at, self.ends_at)


def with_urls(occurrences, request=None) -> list:
    """The occurrences, each with ``event_url``: its event's address, made from the tree path as
    Wagtail's routing reads it. A listing of a hundred events would otherwise reverse a URL for
    each one (``{% pageurl %}``), a third of the page's time."""
    from wagtail.models import Site

    occurrences = list(occurrences)
    roots = Site.get_site_root_paths()
    if settings.WAGTAIL_I18N_ENABLED or len(roots) != 1:
        for occurrence in occurrences:  # language prefixes or several sites: Wagtail's own way
            occurrence.event_url = occurrence.event.get_url(request)
        return occurrences
    root_path = roots[0].root_path
    for occurrence in occurrences:
        url_path = occurrence.event.url_path
        occurrence.event_url = (
            "/" + url_path[len(root_path) :]
            if url_path.startswith(root_path)
            else occurrence.event.get_url(request)
        )
    return occurrences


# --- The « Agenda » page -----------------------------------------------------------------------

#: Lines per page of the upcoming events, and past events shown under them.
LISTING_SIZE = 50


@dataclass(frozen=True)
class Filter:
    """What an agenda address narrows to: everything, a section (« rubrique/<slug>/ ») or a
    keyword (« mot/<slug>/ »). ``prefix`` is the filter's part of the address."""

    kind: str = ""
    obj: object = None

    @property
    def prefix(self) -> str:
        return f"{self.kind}/{self.obj.slug}/" if self.kind else ""

    def apply(self, queryset):
        if self.kind == "rubrique":
            return queryset.under(self.obj.path)
        if self.kind == "mot":
            return queryset.filter(event__keywords=self.obj)
        return queryset


class AgendaPage(RoutablePageMixin, BasePage):
    """Lists the events of the site (under the home page) or of one section (under it): upcoming
    first, then past ones by month; a month view; iCalendar and RSS. Every address is a path
    segment (``2026/12/``, ``rubrique/<slug>/``, ``mot/<slug>/``), so the page cache keeps each
    one; ``agenda.ics`` and ``rss.xml`` under each are served by :mod:`redac.agenda.views`."""

    intro = models.TextField(_("introduction"), blank=True, max_length=2000)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["news.HomePage", "news.SectionPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("agenda")
        verbose_name_plural = _("agendas")

    # --- where ---------------------------------------------------------------------------------

    @property
    def scope_path(self) -> str:
        """The tree path under which this agenda's events are: its parent's."""
        return self.path[: -self.steplen]

    @classmethod
    def for_event(cls, event) -> AgendaPage | None:
        """The agenda that lists ``event`` most closely (a section's own, else the site's)."""
        agendas = [a for a in cls.objects.live().only("id", "path", "depth", "url_path", "slug",
                                                      "locale_id", "live", "title")
                   if event.path.startswith(a.path[: -a.steplen])]  # fmt: skip
        return max(agendas, key=lambda a: a.depth, default=None)

    def occurrences(self, flt: Filter = Filter()):
        return flt.apply(EventOccurrence.objects.published().under(self.scope_path))

    def filter_for(self, kind: str, slug: str) -> Filter:
        if kind == "rubrique":
            section = (
                SectionPage.objects.live().filter(slug=slug, path__startswith=self.scope_path)
                .order_by("depth", "path").first()
            )  # fmt: skip
            if section is None:
                raise Http404
            return Filter("rubrique", section)
        keyword = Keyword.objects.filter(slug=slug).first()
        if keyword is None:
            raise Http404
        return Filter("mot", keyword)

    def address(self, flt: Filter = Filter(), rest: str = "") -> str:
        return self.url + flt.prefix + rest

    # --- reader pages --------------------------------------------------------------------------

    def serve(self, request, view=None, args=None, kwargs=None):
        response = super().serve(request, view, args, kwargs)
        if any(self.path.startswith(path) for path in restricted_paths()):
            response.redac_cache = False  # as BasePage.serve: never shared from a private part
            patch_cache_control(response, private=True, no_cache=True)
        return response

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["filters"] = self.filter_choices()
        context["agenda_url"] = self.url  # once: each filter link starts with it
        return context

    def filter_choices(self) -> dict:
        """The sections and keywords a reader may narrow the agenda to (three small queries)."""
        # Sections are few: their keys from their own table, then those pages by key (a join
        # from the page table walked all of its rows, events included).
        keys = list(SectionPage.objects.order_by().values_list("page_ptr_id", flat=True))
        found = (
            Page.objects.live()
            .filter(pk__in=keys, depth=self.depth)
            .only("id", "title", "slug", "path", "depth")
        )
        sections = sorted((s for s in found if s.path.startswith(self.scope_path)),
                          key=lambda section: section.path)  # fmt: skip
        # Keywords given to events (read from the link table's keyword index alone): a keyword
        # whose events are all unpublished leads to an empty list, never to a hidden event.
        used = EventPage.keywords.through.objects.values("keyword_id").distinct()
        keywords = Keyword.objects.filter(pk__in=used).order_by("name")
        return {"sections": sections, "keywords": list(keywords)}

    @route("")
    def index(self, request):
        return self.listing(request, Filter())

    @route("<int:year>/<int:month>/")
    def month(self, request, year, month):
        return self.month_view(request, Filter(), year, month)

    @route("<str:kind>/<str:slug>/")
    def filtered(self, request, kind, slug):
        return self.listing(request, self._filter_or_404(kind, slug))

    @route("<str:kind>/<str:slug>/<int:year>/<int:month>/")
    def filtered_month(self, request, kind, slug, year, month):
        return self.month_view(request, self._filter_or_404(kind, slug), year, month)

    def _filter_or_404(self, kind: str, slug: str) -> Filter:
        if kind not in ("rubrique", "mot"):
            raise Http404
        return self.filter_for(kind, slug)

    def listing(self, request, flt: Filter):
        now = timezone.now()
        base = self.occurrences(flt).for_cards()
        raw = request.GET.get("page", "1")
        number = int(raw) if raw.isdigit() and 0 < int(raw) < 10_000 else 1
        lines = base.upcoming(now, LISTING_SIZE + 1, offset=(number - 1) * LISTING_SIZE)
        upcoming = {
            "lines": with_urls(lines[:LISTING_SIZE], request), "number": number,
            "has_previous": number > 1, "has_next": len(lines) > LISTING_SIZE,
        }  # fmt: skip
        past = with_urls(base.past(now)[:LISTING_SIZE], request) if number == 1 else []
        zone = site_zone()
        months: dict[tuple[int, int], list] = {}
        for occurrence in past:
            local = timezone.localtime(occurrence.starts_at, zone)
            months.setdefault((local.year, local.month), []).append(occurrence)
        today = timezone.localtime(now, zone)
        context = {
            "filter": flt,
            "upcoming": upcoming,
            "past_months": [
                {"label": f"{timing.MONTHS[m - 1]} {y}", "url": self.address(flt, f"{y}/{m}/"),
                 "occurrences": items} for (y, m), items in months.items()
            ],
            "this_month_url": self.address(flt, f"{today.year}/{today.month}/"),
            "now": now,
        }  # fmt: skip
        return self._render(request, flt, context, "agenda/agenda_page.html")

    def month_view(self, request, flt: Filter, year: int, month: int):
        if not (1 <= month <= 12 and 1900 <= year <= 2200):
            raise Http404
        zone = site_zone()
        first = dt.date(year, month, 1)
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        start = timing.exact(first, dt.time(0), zone)
        end = timing.exact(following, dt.time(0), zone)
        by_day: dict[dt.date, list] = {}
        occurrences = with_urls(
            self.occurrences(flt).for_cards().sorted_between(start, end), request
        )
        for occurrence in occurrences:
            local_start = timezone.localtime(occurrence.starts_at, zone).date()
            # the last day it takes place on: an end at midnight belongs to the day before
            last_instant = max(occurrence.starts_at, occurrence.ends_at - dt.timedelta(seconds=1))
            local_end = timezone.localtime(last_instant, zone).date()
            day = max(local_start, first)
            while day <= local_end and day < following:
                by_day.setdefault(day, []).append(occurrence)
                day += dt.timedelta(days=1)
        previous = first - dt.timedelta(days=1)
        context = {
            "filter": flt,
            "month_label": f"{timing.MONTHS[month - 1]} {year}",
            "weeks": [[(day, by_day.get(day, [])) if day else None for day in week]
                      for week in timing.month_weeks(year, month)],
            "day_names": timing.DAYS,
            "count": len({o.pk for items in by_day.values() for o in items}),
            "previous": {"label": f"{timing.MONTHS[previous.month - 1]} {previous.year}",
                         "url": self.address(flt, f"{previous.year}/{previous.month}/")},
            "next": {"label": f"{timing.MONTHS[following.month - 1]} {following.year}",
                     "url": self.address(flt, f"{following.year}/{following.month}/")},
            "list_url": self.address(flt),
            "month_rest": f"{year}/{month}/",
        }  # fmt: skip
        return self._render(request, flt, context, "agenda/agenda_month.html")

    def _render(self, request, flt: Filter, extra: dict, template: str):
        context = self.get_context(request)
        context.update(extra)
        context["ics_url"] = self.address(flt, "agenda.ics")
        context["rss_url"] = self.address(flt, "rss.xml")
        context["atom_url"] = self.address(flt, "atom.xml")
        return TemplateResponse(request, template, context)
