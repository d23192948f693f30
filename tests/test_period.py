"""Months written YYYY-MM."""

from __future__ import annotations

import datetime as dt

import pytest

from ct_desktop.period import Period, PeriodError, describe_day


def test_parse_and_print_round_trip():
    assert str(Period.parse("2026-09")) == "2026-09"
    assert Period.parse(" 2028-04 ") == Period(2028, 4)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-9", "'2026-9' is not a month: write it as YYYY-MM, e.g. 2026-09"),
        ("Sept 2026", "'Sept 2026' is not a month"),
        ("2026-00", "month must be 01 to 12, not 00"),
        ("2026-13", "month must be 01 to 12, not 13"),
        ("1999-12", "year must be between 2000 and 2999, not 1999"),
    ],
)
def test_bad_months_are_refused_clearly(text, message):
    with pytest.raises(PeriodError, match=message):
        Period.parse(text)


def test_next_and_previous_cross_the_year():
    assert Period(2026, 12).next() == Period(2027, 1)
    assert Period(2027, 1).previous() == Period(2026, 12)
    assert Period(2026, 9).label == "September 2026"
    assert Period.of(dt.date(2026, 11, 26)) == Period(2026, 11)


def test_days_are_described_in_english():
    assert describe_day(dt.date(2028, 4, 14)) == "Friday 14 April 2028"
