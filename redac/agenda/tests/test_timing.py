"""The wall clock made exact (RFC 5545 §3.3.5), recurrences with exceptions, and dates said in
French: pure functions, no database."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from redac.agenda import timing
from redac.agenda.timing import Schedule

PARIS = ZoneInfo("Europe/Paris")
UTC = dt.UTC


def test_half_past_two_on_the_spring_night_takes_the_offset_before_the_gap():
    # 29 March 2026: clocks go from 02:00 to 03:00; 02:30 does not exist in Paris
    instant = timing.exact(dt.date(2026, 3, 29), dt.time(2, 30), PARIS)
    assert instant == dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 02:30 + 01:00
    assert instant.astimezone(PARIS).strftime("%H:%M %z") == "03:30 +0200"


def test_half_past_two_on_the_autumn_night_is_the_first_of_the_two():
    # 25 October 2026: clocks go from 03:00 back to 02:00; 02:30 happens twice
    instant = timing.exact(dt.date(2026, 10, 25), dt.time(2, 30), PARIS)
    assert instant == dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # summer time, +02:00


def test_an_event_through_the_spring_gap_lasts_one_hour_less_on_the_clock():
    schedule = Schedule(dt.date(2026, 3, 29), dt.time(1, 0), end_time=dt.time(4, 0))
    slot = schedule.slot(dt.date(2026, 3, 29), PARIS)
    assert slot.end - slot.start == dt.timedelta(hours=2)


def test_a_weekly_event_at_half_past_two_keeps_its_wall_clock_across_both_changes():
    schedule = Schedule(dt.date(2026, 3, 22), dt.time(2, 30), end_time=dt.time(3, 45),
                        rule=timing.WEEKLY, count=3)  # fmt: skip
    starts = [s.start.astimezone(PARIS) for s in schedule.slots(PARIS)]
    assert [s.strftime("%d %H:%M %z") for s in starts] == [
        "22 02:30 +0100", "29 03:30 +0200", "05 02:30 +0200",
    ]  # fmt: skip


def test_weekly_recurrence_skips_its_exceptions_and_counts_them_as_rfc_5545_does():
    skip = dt.date(2026, 12, 19)
    schedule = Schedule(dt.date(2026, 12, 5), dt.time(10), end_time=dt.time(12),
                        rule=timing.WEEKLY, count=4, exceptions=frozenset({skip}))  # fmt: skip
    assert schedule.start_days() == [dt.date(2026, 12, 5), dt.date(2026, 12, 12),
                                     dt.date(2026, 12, 26)]  # fmt: skip


def test_every_other_week_until_a_date_includes_that_date():
    schedule = Schedule(dt.date(2026, 1, 3), rule=timing.WEEKLY, interval=2,
                        until=dt.date(2026, 1, 31))  # fmt: skip
    assert schedule.start_days() == [dt.date(2026, 1, 3), dt.date(2026, 1, 17),
                                     dt.date(2026, 1, 31)]  # fmt: skip


def test_monthly_by_weekday_is_the_same_weekday_of_each_month():
    # 12 December 2026 is the second Saturday
    schedule = Schedule(dt.date(2026, 12, 12), dt.time(14), rule=timing.MONTHLY_BY_WEEKDAY,
                        count=3)  # fmt: skip
    assert schedule.start_days() == [dt.date(2026, 12, 12), dt.date(2027, 1, 9),
                                     dt.date(2027, 2, 13)]  # fmt: skip
    rule = timing.ical_rule(schedule, PARIS)
    assert rule == {"FREQ": "MONTHLY", "BYDAY": "2SA", "COUNT": 3}


def test_a_fifth_weekday_recurs_as_the_last_one():
    schedule = Schedule(dt.date(2026, 10, 31), rule=timing.MONTHLY_BY_WEEKDAY, count=3)
    assert schedule.start_days() == [dt.date(2026, 10, 31), dt.date(2026, 11, 28),
                                     dt.date(2026, 12, 26)]  # fmt: skip
    assert timing.ical_rule(schedule, PARIS)["BYDAY"] == "-1SA"


def test_until_is_given_in_utc_for_timed_events_and_as_a_date_for_whole_days():
    timed = Schedule(dt.date(2026, 12, 5), dt.time(10), rule=timing.WEEKLY,
                     until=dt.date(2026, 12, 26))  # fmt: skip
    assert timing.ical_rule(timed, PARIS)["UNTIL"] == dt.datetime(2026, 12, 26, 9, tzinfo=UTC)
    whole = Schedule(dt.date(2026, 12, 5), rule=timing.WEEKLY, until=dt.date(2026, 12, 26))
    assert timing.ical_rule(whole, PARIS)["UNTIL"] == dt.date(2026, 12, 26)


def test_a_rule_without_end_is_bounded():
    schedule = Schedule(dt.date(2026, 1, 1), rule=timing.WEEKLY, until=dt.date(2099, 1, 1))
    assert len(schedule.start_days()) == timing.MAX_OCCURRENCES


def test_dates_are_said_in_french():
    start = dt.datetime(2026, 12, 12, 14, 0)
    assert (timing.french_span(start, dt.datetime(2026, 12, 12, 17, 0), all_day=False)
            == "samedi 12 décembre 2026 de 14 h à 17 h")  # fmt: skip
    assert (timing.french_span(start, dt.datetime(2026, 12, 12, 17, 30), all_day=False)
            == "samedi 12 décembre 2026 de 14 h à 17 h 30")  # fmt: skip
    assert timing.french_span(start, None, all_day=False) == "samedi 12 décembre 2026 à 14 h"
    assert timing.french_span(dt.date(2027, 5, 1), None, all_day=True) == "samedi 1er mai 2027"
    assert (timing.french_span(dt.date(2026, 12, 12), dt.date(2026, 12, 14), all_day=True)
            == "du samedi 12 au lundi 14 décembre 2026")  # fmt: skip
    assert (timing.french_span(dt.date(2026, 11, 28), dt.date(2026, 12, 1), all_day=True)
            == "du samedi 28 novembre au mardi 1er décembre 2026")  # fmt: skip
    assert (timing.french_span(dt.date(2026, 12, 31), dt.date(2027, 1, 1), all_day=True)
            == "du jeudi 31 décembre 2026 au vendredi 1er janvier 2027")  # fmt: skip
    assert (timing.french_span(start, dt.datetime(2026, 12, 13, 12, 0), all_day=False)
            == "du samedi 12 décembre 2026 à 14 h au dimanche 13 décembre 2026 à 12 h")  # fmt: skip


def test_a_month_is_laid_out_in_weeks_from_monday():
    weeks = timing.month_weeks(2026, 12)  # 1 December 2026 is a Tuesday
    assert weeks[0][:2] == [None, dt.date(2026, 12, 1)]
    assert all(len(week) == 7 for week in weeks)
    assert weeks[-1][3] == dt.date(2026, 12, 31) and weeks[-1][4] is None
