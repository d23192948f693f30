"""The collection window of a monthly return: when it opens, when it is due, whether it is open now.

For month M the data is reviewed from the 8th of M and is due by the end of the 14th of M, London time.
A 14th that falls on a weekend or an England & Wales bank holiday moves the due date to the next day that
is neither. Bank holidays come from the maintained ``holidays`` calendar, never from a list kept here
(through ``ct_desktop.bank_holidays``, which keeps the dates it worked out in a cache).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from ct_desktop.bank_holidays import england_bank_holidays
from ct_desktop.forms.catalogue import default_seasons
from ct_desktop.forms.model import Campaign
from ct_desktop.period import Period, describe_day

LONDON = ZoneInfo("Europe/London")
OPENING_DAY = 8
DUE_DAY = 14
# The first month of the mandatory monthly return (the Health and Care Act 2022 data collection).
MANDATE_BEGAN = Period(2022, 7)


class WindowState(StrEnum):
    """Where a moment falls relative to a collection window."""

    NOT_YET_OPEN = "not_yet_open"
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class CollectionWindow:
    """The days in which the return for one month is reviewed and submitted."""

    period: Period
    opens: dt.date
    due: dt.date
    flu_season: bool

    @property
    def covid_campaign(self) -> Campaign | None:
        """The COVID-19 vaccination campaign that covers the month (its questions are asked), or None."""
        return default_seasons()["covid"].campaign_for(self.period)

    @property
    def covid_campaign_known(self) -> bool:
        """False for a month after the last announced campaign: whether one will cover it is not known yet."""
        return default_seasons()["covid"].known_for(self.period)

    @property
    def opens_at(self) -> dt.datetime:
        """The first moment of the window: 00:00 London time on the opening day."""
        return _london_midnight(self.opens)

    @property
    def closes_at(self) -> dt.datetime:
        """The first moment after the window: 00:00 London time on the day after the due date."""
        return _london_midnight(self.due + dt.timedelta(days=1))

    @property
    def due_moved_because(self) -> tuple[str, ...]:
        """Why each day from the 14th up to the due date was skipped; empty when due on the 14th."""
        reasons = []
        day = self.period.day(DUE_DAY)
        while day < self.due:
            reasons.append(f"{describe_day(day)}: {_why_skipped(day)}")
            day += dt.timedelta(days=1)
        return tuple(reasons)

    def state_at(self, moment: dt.datetime) -> WindowState:
        """Whether the window is not yet open, open or closed at an aware moment."""
        instant = _as_utc(moment)
        # Compare in UTC: aware datetimes sharing one tzinfo are compared by wall clock, which ignores fold.
        if instant < self.opens_at.astimezone(dt.UTC):
            return WindowState.NOT_YET_OPEN
        if instant < self.closes_at.astimezone(dt.UTC):
            return WindowState.OPEN
        return WindowState.CLOSED

    def days_left(self, moment: dt.datetime) -> int | None:
        """Calendar days from the moment's London date to the due date: 0 on the due day, None once closed."""
        if self.state_at(moment) is WindowState.CLOSED:
            return None
        return (self.due - _london_date(moment)).days

    def days_until_open(self, moment: dt.datetime) -> int | None:
        """Calendar days from the moment's London date to the opening day; None once the window has opened."""
        if self.state_at(moment) is not WindowState.NOT_YET_OPEN:
            return None
        return (self.opens - _london_date(moment)).days

    def as_dict(self, moment: dt.datetime | None = None) -> dict[str, Any]:
        """A JSON-ready description; with a moment, also the state and days left at that moment."""
        data: dict[str, Any] = {
            "period": str(self.period),
            "opens": self.opens.isoformat(),
            "due": self.due.isoformat(),
            "opens_at": self.opens_at.isoformat(),
            "closes_at": self.closes_at.isoformat(),
            "flu_season": self.flu_season,
            "covid_campaign": _campaign_dict(self.covid_campaign),
            "covid_campaign_known": self.covid_campaign_known,
            "due_moved_because": list(self.due_moved_because),
        }
        if moment is not None:
            data["state"] = str(self.state_at(moment))
            data["days_left"] = self.days_left(moment)
        return data


def collection_window(period: Period) -> CollectionWindow:
    """The collection window for a month."""
    due = period.day(DUE_DAY)
    while not _is_working_day(due):
        due += dt.timedelta(days=1)
    return CollectionWindow(
        period=period,
        opens=period.day(OPENING_DAY),
        due=due,
        flu_season=default_seasons()["flu"].includes(period),
    )


def covid_campaign_text(window: CollectionWindow) -> str:
    """Whether COVID-19 questions are asked in the month, naming the campaign or saying there is none."""
    campaign = window.covid_campaign
    if campaign is not None:
        return f"asked (vaccination campaign {campaign.describe()})"
    if not window.covid_campaign_known:
        return f"not asked: no vaccination campaign is known yet for {window.period.label}"
    return f"not asked: no vaccination campaign in {window.period.label}"


def _campaign_dict(campaign: Campaign | None) -> dict[str, str] | None:
    if campaign is None:
        return None
    return {"name": campaign.name, "first_day": campaign.first_day.isoformat(),
            "last_day": campaign.last_day.isoformat()}


def now_london() -> dt.datetime:
    """The current moment, aware, in London time."""
    return dt.datetime.now(LONDON)


def current_period(moment: dt.datetime) -> Period:
    """The month an aware moment falls in, London time (01:30 on 1 October BST is October)."""
    return Period.of(_london_date(moment))


def unsendable_period_problem(period: Period, moment: dt.datetime) -> str | None:
    """Why no return can be entered or sent for a month at a moment, in one line; None when one can.

    A return is for a month from July 2022, when the mandate began, to the current month (London
    time): a later month is a mistyped year or month (2099-01 for 2026-01), and the tracker keeps every
    accepted revision for ever, so it is stopped here before it is queued.
    """
    latest = current_period(moment)
    if MANDATE_BEGAN <= period <= latest:
        return None
    if period < MANDATE_BEGAN:
        why = f"the monthly return began in {MANDATE_BEGAN.label}"
    else:
        why = f"that month has not come yet (this month is {latest.label})"
    return f"no return for {period.label} ({period}): {why}; only {MANDATE_BEGAN} to {latest} can be entered or sent"


def status_text(window: CollectionWindow, moment: dt.datetime) -> str:
    """Where a moment stands in the window, e.g. 'open, 3 days left'."""
    state = window.state_at(moment)
    if state is WindowState.NOT_YET_OPEN:
        days = window.days_until_open(moment)
        return f"not open yet: opens in {_plural(days, 'day')}"
    if state is WindowState.OPEN:
        days = window.days_left(moment)
        return "open, due today" if days == 0 else f"open, {_plural(days, 'day')} left"
    return "closed"


def _plural(count: int | None, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _is_working_day(day: dt.date) -> bool:
    """Whether a day is neither a weekend day nor an England & Wales bank holiday."""
    return day.weekday() < 5 and day not in england_bank_holidays(day.year)


def _why_skipped(day: dt.date) -> str:
    parts = []
    if day.weekday() >= 5:
        parts.append("weekend")
    holiday = england_bank_holidays(day.year).get(day)
    if holiday:
        parts.append(holiday)
    return ", ".join(parts)


def _london_midnight(day: dt.date) -> dt.datetime:
    # UK clocks change at 01:00 UTC, so London midnight is never skipped or repeated.
    return dt.datetime.combine(day, dt.time(0), tzinfo=LONDON)


def _as_utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment.isoformat()} needs a time zone: pass an aware datetime, e.g. now_london()")
    return moment.astimezone(dt.UTC)


def _london_date(moment: dt.datetime) -> dt.date:
    return _as_utc(moment).astimezone(LONDON).date()
