"""French (and English) dates as newsrooms print them: "2 décembre 2016", "1er décembre 2016".

Django's ``date`` filter gives "1 décembre"; French typography writes the first day of a month as
"1er" (Imprimerie nationale, Lexique des règles typographiques), as SPIP's ``affdate`` does.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def long_date(value: dt.date | dt.datetime | None, lang: str = "fr", *, year: bool = True) -> str:
    """``2 décembre 2016`` / ``1er décembre 2016`` in French, ``2 December 2016`` in English."""
    if value is None:
        return ""
    day = _as_date(value)
    if lang.startswith("fr"):
        number = "1er" if day.day == 1 else str(day.day)
        text = f"{number}\u00a0{MONTHS_FR[day.month - 1]}"
    else:
        text = f"{day.day}\u00a0{MONTHS_EN[day.month - 1]}"
    return f"{text} {day.year}" if year else text
