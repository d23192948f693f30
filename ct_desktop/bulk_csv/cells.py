"""Reading the cells that say which return a row is: the month and the location."""

from __future__ import annotations

import re

from ct_desktop.period import MONTH_NAMES, Period, PeriodError

# Excel turns a typed or opened 2026-09 into a date and saves it as it shows it ("Sep-26", or
# "01/09/2026" in UK settings); a month written so is still clear, so it is read rather than refused.
_ISO_DAY_ONE = re.compile(r"^(\d{4})-(\d{1,2})-0?1$")
_UK_DAY_ONE = re.compile(r"^0?1/(\d{1,2})/(\d{4})$")
_NAMED = re.compile(r"^([A-Za-z]+)[\s\-]+(\d{2}|\d{4})$")
_MONTHS = {name.lower(): number for number, name in enumerate(MONTH_NAMES, start=1)}
_MONTHS.update({name[:3].lower(): number for name, number in list(_MONTHS.items())})
_MONTHS["sept"] = 9


def parse_period_cell(text: str) -> Period:
    """A month cell: YYYY-MM, or as Excel may have rewritten it (Sep-26, September 2026, 01/09/2026,
    2026-09-01). PeriodError says how to write it."""
    text = text.strip()
    try:
        return Period.parse(text)
    except PeriodError:
        pass
    found = _ISO_DAY_ONE.match(text)
    if found:
        return _period(int(found.group(1)), int(found.group(2)), text)
    found = _UK_DAY_ONE.match(text)
    if found:
        return _period(int(found.group(2)), int(found.group(1)), text)
    found = _NAMED.match(text)
    if found and found.group(1).lower() in _MONTHS:
        year = int(found.group(2))
        return _period(year + 2000 if year < 100 else year, _MONTHS[found.group(1).lower()], text)
    raise PeriodError(f"'{text}' is not a month: write it as YYYY-MM, e.g. 2026-09 (in Excel, format the "
                      "period column as Text so that it stays so)")


def _period(year: int, month: int, text: str) -> Period:
    try:
        return Period(year, month)
    except PeriodError as exc:
        raise PeriodError(f"'{text}' is not a month: {exc}") from None


def same_name(given: str, saved: str) -> bool:
    """Whether a name cell names the saved location, ignoring case and spacing (people retype names)."""
    return " ".join(given.split()).casefold() == " ".join(saved.split()).casefold()
