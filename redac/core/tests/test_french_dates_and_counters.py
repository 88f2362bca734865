import datetime as dt

import pytest
from django.utils import translation

from redac.core.lib.dates import long_date
from redac.core.lib.text import visits_label


def test_french_date_reads_like_print():
    assert long_date(dt.date(2016, 12, 2)) == "2\u00a0décembre 2016"


def test_first_of_the_month_is_1er():
    assert long_date(dt.date(2016, 12, 1)) == "1er\u00a0décembre 2016"


def test_english_date():
    assert long_date(dt.date(2016, 12, 1), "en") == "1\u00a0December 2016"


def test_date_without_year_for_the_flash_ticker():
    assert long_date(dt.date(2016, 8, 15), year=False) == "15\u00a0août"


def test_aware_datetimes_are_shown_in_the_site_time_zone(settings):
    # 23:30 UTC on 1 December is already 2 December in Paris.
    moment = dt.datetime(2016, 12, 1, 23, 30, tzinfo=dt.UTC)
    assert long_date(moment).startswith("2\u00a0décembre")


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0\u00a0visite"), (1, "1\u00a0visite"), (2, "2\u00a0visites"),
     (842, "842\u00a0visites"), (12345, "12\u202f345\u00a0visites")],
)  # fmt: skip
def test_visit_counter_follows_french_plural_rules(count, expected):
    assert visits_label(count, "fr") == expected


def test_visit_counter_in_english():
    with translation.override("en"):
        assert visits_label(0) == "0 visits"
        assert visits_label(1) == "1 visit"
