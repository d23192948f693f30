"""A collection period: one calendar month, written ``YYYY-MM``."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")

# English names spelt out here because strftime's %A and %B follow the process locale, which a Qt
# application may change; what providers read must stay in English.
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def describe_day(day: dt.date) -> str:
    """E.g. 'Friday 14 April 2028', in English whatever the locale."""
    return f"{WEEKDAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


class PeriodError(ValueError):
    """Raised when a text is not a month of the form YYYY-MM."""


@dataclass(frozen=True, order=True)
class Period:
    """A calendar month; the unit of the monthly return."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise PeriodError(f"month must be 01 to 12, not {self.month:02d}")
        if not 2000 <= self.year <= 2999:
            raise PeriodError(f"year must be between 2000 and 2999, not {self.year}")

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read ``YYYY-MM``; raise PeriodError with a clear message otherwise."""
        match = _PERIOD_RE.match(str(text).strip())
        if not match:
            raise PeriodError(f"'{text}' is not a month: write it as YYYY-MM, e.g. 2026-09")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: dt.date) -> Period:
        """The period a date falls in."""
        return cls(day.year, day.month)

    @property
    def first_day(self) -> dt.date:
        """The first day of the month."""
        return dt.date(self.year, self.month, 1)

    def day(self, number: int) -> dt.date:
        """A given day of this month."""
        return dt.date(self.year, self.month, number)

    @property
    def label(self) -> str:
        """E.g. 'September 2026'."""
        return f"{MONTH_NAMES[self.month - 1]} {self.year}"

    def next(self) -> Period:
        """The month after this one."""
        if self.month == 12:
            return Period(self.year + 1, 1)
        return Period(self.year, self.month + 1)

    def previous(self) -> Period:
        """The month before this one."""
        if self.month == 1:
            return Period(self.year - 1, 12)
        return Period(self.year, self.month - 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"
