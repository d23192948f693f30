"""The collection window calendar: opening day, due date rule, London time edges, flu season."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import holidays
import pytest

from ct_desktop.collection_window import CollectionWindow, WindowState, collection_window, now_london
from ct_desktop.period import Period

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=LONDON)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=UTC)


# The calendar used to check the rule is built here from the holidays package, independently of the module.
BANK_HOLIDAYS = holidays.country_holidays("GB", subdiv="ENG", years=range(2025, 2042))
ALL_PERIODS = [Period(year, month) for year in range(2025, 2041) for month in range(1, 13)]


def is_day_off(day: dt.date) -> bool:
    return day.weekday() >= 5 or day in BANK_HOLIDAYS


# --- due dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "due"),
    [
        ("2026-01", dt.date(2026, 1, 14)),  # a Wednesday: not moved
        ("2026-02", dt.date(2026, 2, 16)),  # Saturday 14th -> Monday 16th
        ("2026-06", dt.date(2026, 6, 15)),  # Sunday 14th -> Monday 15th
        ("2027-03", dt.date(2027, 3, 15)),  # Sunday 14th -> Monday 15th
        ("2028-04", dt.date(2028, 4, 18)),  # Good Friday 14th, Easter Monday 17th -> Tuesday 18th
        ("2031-04", dt.date(2031, 4, 15)),  # Easter Monday on the 14th itself
        ("2036-04", dt.date(2036, 4, 15)),  # Easter Monday on the 14th itself
    ],
)
def test_due_date_examples(period: str, due: dt.date) -> None:
    window = collection_window(Period.parse(period))
    assert window.due == due
    assert window.opens == Period.parse(period).day(8)


def test_due_date_rule_holds_for_every_month_2025_to_2040() -> None:
    for period in ALL_PERIODS:
        window = collection_window(period)
        fourteenth = period.day(14)
        assert window.due >= fourteenth, period
        assert not is_day_off(window.due), period
        day = fourteenth
        while day < window.due:
            assert is_day_off(day), (period, day)
            day += dt.timedelta(days=1)


def test_range_covers_saturday_sunday_and_holiday_cases() -> None:
    # Found from the holidays package rather than assumed, so the sweep above really meets each case.
    saturdays = [p for p in ALL_PERIODS if p.day(14).weekday() == 5]
    sundays = [p for p in ALL_PERIODS if p.day(14).weekday() == 6]
    holiday_on_14th = [p for p in ALL_PERIODS if p.day(14) in BANK_HOLIDAYS]
    holiday_after_weekend = [
        p for p in ALL_PERIODS if p.day(14).weekday() >= 5 and (p.day(14) + dt.timedelta(days=1)) in BANK_HOLIDAYS
    ]
    assert saturdays
    assert sundays
    assert {Period(2028, 4), Period(2031, 4), Period(2036, 4)} <= set(holiday_on_14th)
    for period in holiday_on_14th + holiday_after_weekend:
        assert collection_window(period).due > period.day(14)
    for period in saturdays:
        assert collection_window(period).due == period.day(16)
    for period in sundays:
        expected = period.day(15)
        while is_day_off(expected):
            expected += dt.timedelta(days=1)
        assert collection_window(period).due == expected


def test_due_stays_in_the_same_month() -> None:
    for period in ALL_PERIODS:
        assert Period.of(collection_window(period).due) == period


# --- why the due date moved ---------------------------------------------------------------------------


def test_reasons_for_april_2028() -> None:
    data = collection_window(Period(2028, 4)).as_dict()
    assert data["due_moved_because"] == [
        "Friday 14 April 2028: Good Friday",
        "Saturday 15 April 2028: weekend",
        "Sunday 16 April 2028: weekend",
        "Monday 17 April 2028: Easter Monday",
    ]


def test_no_reasons_when_due_on_the_14th() -> None:
    assert collection_window(Period(2026, 1)).as_dict()["due_moved_because"] == []


def test_reasons_for_a_saturday_14th() -> None:
    assert collection_window(Period(2026, 2)).due_moved_because == (
        "Saturday 14 February 2026: weekend",
        "Sunday 15 February 2026: weekend",
    )


# --- as_dict --------------------------------------------------------------------------------------------


def test_as_dict_without_moment() -> None:
    data = collection_window(Period(2028, 4)).as_dict()
    assert data == {
        "period": "2028-04",
        "opens": "2028-04-08",
        "due": "2028-04-18",
        "opens_at": "2028-04-08T00:00:00+01:00",
        "closes_at": "2028-04-19T00:00:00+01:00",
        "flu_season": False,
        "covid_campaign": None,
        "covid_campaign_known": False,
        "due_moved_because": data["due_moved_because"],
    }
    json.dumps(data)


def test_as_dict_with_moment() -> None:
    data = collection_window(Period(2028, 4)).as_dict(london(2028, 4, 10, 9))
    assert data["state"] == "open"
    assert data["days_left"] == 8
    json.dumps(data)
    closed = collection_window(Period(2028, 4)).as_dict(london(2028, 4, 19))
    assert closed["state"] == "closed"
    assert closed["days_left"] is None


# --- London time and the clock changes -----------------------------------------------------------------


def test_summer_window_closes_at_london_midnight_in_bst() -> None:
    window = collection_window(Period(2026, 7))  # due Tuesday 14 July 2026
    assert window.due == dt.date(2026, 7, 14)
    assert window.closes_at.utcoffset() == dt.timedelta(hours=1)
    assert window.closes_at.isoformat() == "2026-07-15T00:00:00+01:00"
    assert window.state_at(london(2026, 7, 14, 23, 59, 59)) is WindowState.OPEN
    assert window.state_at(london(2026, 7, 15)) is WindowState.CLOSED
    # The same instants in UTC: London midnight in summer is 23:00 UTC the day before.
    assert window.state_at(utc(2026, 7, 14, 22, 59, 59)) is WindowState.OPEN
    assert window.state_at(utc(2026, 7, 14, 23)) is WindowState.CLOSED


def test_winter_window_closes_at_london_midnight_in_gmt() -> None:
    window = collection_window(Period(2026, 1))  # due Wednesday 14 January 2026
    assert window.closes_at.utcoffset() == dt.timedelta(0)
    assert window.closes_at.isoformat() == "2026-01-15T00:00:00+00:00"
    assert window.state_at(london(2026, 1, 14, 23, 59, 59)) is WindowState.OPEN
    assert window.state_at(london(2026, 1, 15)) is WindowState.CLOSED
    assert window.state_at(utc(2026, 1, 14, 23, 59, 59)) is WindowState.OPEN
    assert window.state_at(utc(2026, 1, 15)) is WindowState.CLOSED


def test_opening_edge() -> None:
    window = collection_window(Period(2026, 7))
    assert window.opens_at.isoformat() == "2026-07-08T00:00:00+01:00"
    assert window.state_at(london(2026, 7, 7, 23, 59)) is WindowState.NOT_YET_OPEN
    assert window.state_at(london(2026, 7, 7, 23, 59, 59)) is WindowState.NOT_YET_OPEN
    assert window.state_at(window.opens_at) is WindowState.OPEN
    assert window.state_at(window.closes_at) is WindowState.CLOSED
    assert window.state_at(utc(2026, 7, 7, 22, 59, 59)) is WindowState.NOT_YET_OPEN
    assert window.state_at(utc(2026, 7, 7, 23)) is WindowState.OPEN


def test_moment_in_another_zone_is_judged_by_london_time() -> None:
    window = collection_window(Period(2026, 7))
    new_york = ZoneInfo("America/New_York")
    # 19:30 in New York on the 14th is 00:30 on the 15th in London: too late.
    assert window.state_at(dt.datetime(2026, 7, 14, 19, 30, tzinfo=new_york)) is WindowState.CLOSED
    assert window.days_left(dt.datetime(2026, 7, 14, 18, 30, tzinfo=new_york)) == 0


# --- days left and days until open ---------------------------------------------------------------------


def test_days_left() -> None:
    window = collection_window(Period(2028, 4))  # opens 8th, due 18th
    assert window.days_left(london(2028, 4, 8)) == 10
    assert window.days_left(london(2028, 4, 18)) == 0
    assert window.days_left(london(2028, 4, 18, 23, 59, 59)) == 0
    assert window.days_left(london(2028, 4, 19)) is None
    assert window.days_left(london(2028, 5, 1)) is None


def test_days_left_on_the_8th_in_utc_counts_london_date() -> None:
    window = collection_window(Period(2026, 7))  # due 14th
    # 23:30 UTC on the 7th is already 00:30 on the 8th in London.
    assert window.days_left(utc(2026, 7, 7, 23, 30)) == 6


def test_days_until_open() -> None:
    window = collection_window(Period(2026, 7))
    assert window.days_until_open(london(2026, 7, 1, 12)) == 7
    assert window.days_until_open(london(2026, 7, 7, 23, 59)) == 1
    assert window.days_until_open(london(2026, 7, 8)) is None
    assert window.days_until_open(london(2026, 7, 20)) is None


# --- flu season -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("month", [9, 10, 11, 12, 1, 2, 3])
def test_flu_season_september_to_march(month: int) -> None:
    assert collection_window(Period(2026, month)).flu_season is True


@pytest.mark.parametrize("month", [4, 5, 6, 7, 8])
def test_no_flu_season_april_to_august(month: int) -> None:
    assert collection_window(Period(2026, month)).flu_season is False


# --- naive datetimes and the clock ---------------------------------------------------------------------


@pytest.mark.parametrize("method", ["state_at", "days_left", "days_until_open", "as_dict"])
def test_naive_datetime_refused(method: str) -> None:
    window = collection_window(Period(2026, 7))
    with pytest.raises(ValueError, match="time zone"):
        getattr(window, method)(dt.datetime(2026, 7, 10, 12))


def test_now_london_is_aware_and_in_london() -> None:
    moment = now_london()
    assert moment.tzinfo is not None
    assert moment.utcoffset() in (dt.timedelta(0), dt.timedelta(hours=1))


def test_window_is_frozen() -> None:
    window = collection_window(Period(2026, 7))
    assert isinstance(window, CollectionWindow)
    with pytest.raises(AttributeError):
        window.due = dt.date(2026, 7, 20)  # type: ignore[misc]
