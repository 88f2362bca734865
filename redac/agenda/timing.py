"""When an event happens: local wall-clock times made exact, recurrences unrolled, dates said in
French. Pure Python (no Django): every rule here is tested without a database.

Why not ``dateutil.rrule``: the two rules editors get (weekly, monthly by weekday) unroll in a few
lines, and the hard part is not the rule but the wall clock — an occurrence at 02:30 on the night
the clocks go forward does not exist, and one on the night they go back happens twice. RFC 5545
(§3.3.5) settles both, and so do we, explicitly: a nonexistent local time is read with the offset
in force *before* the gap (02:30 becomes 03:30 summer time), an ambiguous one is its *first*
occurrence. Python's ``zoneinfo`` does exactly that with ``fold=0`` (PEP 495), which we set
rather than rely on a default.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

UTC = dt.UTC

#: The longest run of occurrences one rule may produce: ten years of weekly meetings. An editor
#: who types « jusqu'au 2099 » gets a bounded series rather than a table of 3,900 rows.
MAX_OCCURRENCES = 520

WEEKLY = "weekly"
MONTHLY_BY_WEEKDAY = "monthly"

DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre"]  # fmt: skip
# RFC 5545's two-letter weekdays (BYDAY), Monday first like ``date.weekday()``.
ICAL_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def exact(day: dt.date, time: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant of a local wall-clock time (RFC 5545 §3.3.5: a time in the spring gap takes
    the offset before the gap, an ambiguous time in the autumn overlap is the first one)."""
    local = dt.datetime.combine(day, time).replace(tzinfo=zone, fold=0)
    return local.astimezone(UTC)


@dataclass(frozen=True)
class Slot:
    """One occurrence, as exact instants (UTC). For an all-day event, ``start`` is midnight of its
    first day and ``end`` midnight after its last day, in the site's zone."""

    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True)
class Schedule:
    """What an editor types: local dates and times in the site's zone, and an optional rule."""

    start_date: dt.date
    start_time: dt.time | None = None
    end_date: dt.date | None = None
    end_time: dt.time | None = None
    all_day: bool = False
    rule: str = ""  # "", WEEKLY or MONTHLY_BY_WEEKDAY
    interval: int = 1
    until: dt.date | None = None
    count: int | None = None
    exceptions: frozenset[dt.date] = frozenset()

    @property
    def is_all_day(self) -> bool:
        return self.all_day or self.start_time is None

    def span(self) -> tuple[dt.timedelta, dt.time | None]:
        """How many days an occurrence spans (0 for a single day) and its local end time."""
        end_date = self.end_date or self.start_date
        return end_date - self.start_date, (None if self.is_all_day else self.end_time)

    def slot(self, day: dt.date, zone: ZoneInfo) -> Slot:
        """The occurrence that starts on local date ``day``."""
        days, end_time = self.span()
        if self.is_all_day:
            return Slot(exact(day, dt.time(0), zone),
                        exact(day + days + dt.timedelta(days=1), dt.time(0), zone))  # fmt: skip
        start = exact(day, self.start_time, zone)
        if end_time is None:
            # No end given: the event is over when it has begun (calendars show a point in time).
            end = start if not days else exact(day + days, dt.time(23, 59), zone)
        else:
            end = exact(day + days, end_time, zone)
        return Slot(start, max(start, end))

    def start_days(self) -> list[dt.date]:
        """The local dates on which occurrences start, exceptions left out (the first date is
        always the first occurrence, as RFC 5545's DTSTART is)."""
        if not self.rule:
            return [] if self.start_date in self.exceptions else [self.start_date]
        days = []
        produced = 0
        for day in _unroll(self.start_date, self.rule, max(1, self.interval)):
            if self.until is not None and day > self.until:
                break
            if self.count is not None and produced >= self.count:
                break
            produced += 1  # COUNT counts the occurrences before EXDATE removes any (RFC 5545)
            if day not in self.exceptions:
                days.append(day)
            if produced >= MAX_OCCURRENCES:
                break
        return days

    def slots(self, zone: ZoneInfo) -> list[Slot]:
        return [self.slot(day, zone) for day in self.start_days()]


def weekday_position(day: dt.date) -> int:
    """Which of its month's weekdays ``day`` is: 1 to 4, or -1 for the last one (a fifth
    Saturday is the last; « le dernier samedi » then recurs every month, as people mean it)."""
    position = (day.day - 1) // 7 + 1
    return -1 if position >= 5 else position


def nth_weekday(year: int, month: int, weekday: int, position: int) -> dt.date:
    if position > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (position - 1))
    last = (dt.date(year + month // 12, month % 12 + 1, 1)) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def _unroll(first: dt.date, rule: str, interval: int) -> Iterable[dt.date]:
    if rule == WEEKLY:
        day = first
        while True:
            yield day
            day += dt.timedelta(weeks=interval)
    elif rule == MONTHLY_BY_WEEKDAY:
        weekday, position = first.weekday(), weekday_position(first)
        year, month = first.year, first.month
        while True:
            yield nth_weekday(year, month, weekday, position)
            month += interval
            year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    else:
        raise ValueError(f"unknown recurrence rule: {rule!r}")


def ical_rule(schedule: Schedule, zone: ZoneInfo) -> dict | None:
    """The RRULE of a schedule, as ``icalendar`` takes it (None when it does not repeat). UNTIL
    is in UTC, as RFC 5545 requires when DTSTART has a time zone; a date for an all-day event."""
    if not schedule.rule:
        return None
    rule: dict = {"FREQ": "WEEKLY" if schedule.rule == WEEKLY else "MONTHLY"}
    if schedule.interval > 1:
        rule["INTERVAL"] = schedule.interval
    if schedule.rule == MONTHLY_BY_WEEKDAY:
        day = schedule.start_date
        rule["BYDAY"] = f"{weekday_position(day)}{ICAL_DAYS[day.weekday()]}"
    if schedule.until is None:
        # RFC 5545 forbids COUNT with UNTIL; with neither, our own bound is said as a COUNT
        rule["COUNT"] = min(schedule.count or MAX_OCCURRENCES, MAX_OCCURRENCES)
        return rule
    last = schedule.until
    capped = _nth_start(schedule, MAX_OCCURRENCES)
    if capped is not None and capped < last:
        last = capped
    rule["UNTIL"] = last if schedule.is_all_day else exact(last, schedule.start_time, zone)
    return rule


def _nth_start(schedule: Schedule, n: int) -> dt.date | None:
    for index, day in enumerate(_unroll(schedule.start_date, schedule.rule,
                                        max(1, schedule.interval)), start=1):  # fmt: skip
        if index >= n:
            return day
    return None


# --- Said in French ---------------------------------------------------------------------------


def french_date(day: dt.date, *, weekday: bool = True, year: bool = True) -> str:
    """« samedi 12 décembre 2026 », « 1er mai »."""
    number = "1er" if day.day == 1 else str(day.day)
    words = [DAYS[day.weekday()]] if weekday else []
    words += [number, MONTHS[day.month - 1]]
    if year:
        words.append(str(day.year))
    return " ".join(words)


def french_time(time: dt.time) -> str:
    """« 14 h », « 9 h 30 » (French typography: the hour, « h », the minutes)."""
    return f"{time.hour} h" if not time.minute else f"{time.hour} h {time.minute:02d}"


def french_span(start: dt.datetime | dt.date, end: dt.datetime | dt.date | None, *,
                all_day: bool) -> str:  # fmt: skip
    """When an occurrence happens, in words: « samedi 12 décembre 2026 de 14 h à 17 h ».

    ``start`` and ``end`` are local (datetimes, or dates for an all-day event whose ``end`` is
    its last day, inclusive)."""
    if all_day:
        first = start.date() if isinstance(start, dt.datetime) else start
        last = end.date() if isinstance(end, dt.datetime) else (end or first)
        if last <= first:
            return french_date(first)
        same_year = first.year == last.year
        if same_year and first.month == last.month:
            return f"du {DAYS[first.weekday()]} {_day(first)} au {french_date(last)}"
        return f"du {french_date(first, year=not same_year)} au {french_date(last)}"
    day = french_date(start.date())
    if end is None or end == start:
        return f"{day} à {french_time(start.time())}"
    if end.date() == start.date():
        return f"{day} de {french_time(start.time())} à {french_time(end.time())}"
    return (f"du {day} à {french_time(start.time())} "
            f"au {french_date(end.date())} à {french_time(end.time())}")  # fmt: skip


def _day(day: dt.date) -> str:
    return "1er" if day.day == 1 else str(day.day)


def month_weeks(year: int, month: int) -> list[list[dt.date | None]]:
    """The month's weeks, Monday first, each a list of seven days (None outside the month)."""
    first = dt.date(year, month, 1)
    last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    days_in_month = last.day
    weeks, week = [], [None] * first.weekday()
    for number in range(1, days_in_month + 1):
        week.append(dt.date(year, month, number))
        if len(week) == 7:
            weeks.append(week)
            week = []
    if week:
        weeks.append(week + [None] * (7 - len(week)))
    return weeks
