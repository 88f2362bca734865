"""Numbers and dates read from what a client sends (query strings, JSON bodies, form fields).

One definition for every public view, so that no value a client can type turns into a 500:
``str.isdigit()`` accepts « ² » and « ١ », which ``int()`` then refuses or reads as a number the
database cannot hold; a date at the end of the calendar overflows as soon as a day is added
(issue 15, « any_query_or_body_4xx »).
"""

from __future__ import annotations

import datetime as dt

#: The largest id any database backend stores (a signed 64-bit integer).
MAX_ID = 2**63 - 1


def positive_int(value, maximum: int = MAX_ID) -> int | None:
    """``value`` as an int in 1..``maximum`` if it is one (an int, or ASCII digits only), else
    None. Booleans and floats are not ids."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value <= maximum else None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        number = int(value)
        return number if 0 < number <= maximum else None
    return None


def day_end(day: dt.date, tz=dt.UTC) -> dt.datetime:
    """The last instant of ``day`` (``date + 1 day`` overflows on 9999-12-31)."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=tz)
