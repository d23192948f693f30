"""The shapes of a form definition: sections, fields, conditions, rules and seasons.

Definitions are data (TOML files in ``definitions/``); these classes are what they load into.
Nothing here knows a particular service type: a new one is a new definition file.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import operator
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ct_desktop.period import MONTH_NAMES, Period
from ct_desktop.safe_text import printable

FIELD_TYPES = ("count", "hours", "yesno", "choices")
YES_NO = ("yes", "no")
# Figures are ASCII digits only, as a person types them: 35, 7420.5, 1,234 or 1,234.5. No exponent
# (1e-400 would be read as 0), no underscore (1_000), no other script's digits (fullwidth or Arabic-Indic
# digits), which Python's int() and Decimal() would all accept. [0-9], not \d: \d matches those digits too.
_PLAIN_RE = re.compile(r"^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")
_GROUPED_RE = re.compile(r"^[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?$")
# Far more than any figure of the return needs (the largest allowed is in the tens of thousands), and few
# enough that no conversion of the text can hit Python's limit on the digits of an int (4,300).
MAX_DIGITS = 15

# Every rule kind a definition may name; ct_desktop.forms.rules implements each one.
RULE_KINDS = ("at_most", "at_least", "implies_nonzero", "change_limit", "no_fall_in_season")

_OPERATORS = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
}


class ValueProblem(ValueError):
    """A value that does not fit its field; the message says which field, what value and why."""


def is_number(value: Any) -> bool:
    """True for a real, finite JSON number (booleans are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return not (isinstance(value, float) and not math.isfinite(value))


def format_number(value: float | int) -> str:
    """A number as a person writes it: 1,234 or 1,234.5; one too long to show is described by its size."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        if abs(value).bit_length() > _SHOWN_BITS:
            # str() of an int of over 4,300 digits raises ValueError; no figure is ever that long.
            digits = int(abs(value).bit_length() * math.log10(2)) + 1
            return f"a {'negative ' if value < 0 else ''}number of about {digits:,} digits"
        return f"{value:,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


_SHOWN_BITS = 200  # about 60 digits: shown in full below that

_SINGULAR = {"people": "person"}  # the irregular ones; staff, hours a week and the like follow the rule


def singular(unit: str) -> str:
    """A unit for exactly one of it: beds → bed, people → person, hours a week → hour a week."""
    first, space, rest = unit.partition(" ")
    if first in _SINGULAR:
        first = _SINGULAR[first]
    elif first.endswith("s") and not first.endswith("ss"):
        first = first[:-1]
    return first + space + rest


def unit_for(value: Any, unit: str) -> str:
    """The unit as it agrees with the number: bed for exactly 1, beds for 0, 2 or 1.5."""
    return singular(unit) if value == 1 else unit


def quantity_text(value: float | int, unit: str) -> str:
    """A number with its unit: 1 bed, 2 beds, 1.5 hours, 1 person (just the number without a unit)."""
    return f"{format_number(value)} {unit_for(value, unit)}" if unit else format_number(value)


def count_text(number: int, word: str, plural: str | None = None) -> str:
    """How many of something, in words that agree: '1 error', '3 errors', '2 more answers'."""
    return f"{number} {word if number == 1 else (plural or word + 's')}"


@dataclass(frozen=True)
class Option:
    """One choice of a multi-select field."""

    key: str
    label: str


@dataclass(frozen=True)
class Condition:
    """``field op value``: decides whether a dependent field is required or must stay empty."""

    field: str
    op: str
    value: Any

    def holds(self, values: Mapping[str, Any]) -> bool | None:
        """True/False, or None when the controlling field has no usable answer yet."""
        current = values.get(self.field)
        if current is None:
            return None
        if is_number(self.value) != is_number(current):
            return None
        try:
            return bool(_OPERATORS[self.op](current, self.value))
        except TypeError:
            return None

    def describe(self, label: str) -> str:
        """The condition in words, for messages."""
        words = {">": "is more than", ">=": "is at least", "<": "is less than", "<=": "is at most",
                 "==": "is", "!=": "is not"}[self.op]
        shown = format_number(self.value) if is_number(self.value) else f"'{self.value}'"
        return f"{label} {words} {shown}"


@dataclass(frozen=True)
class Campaign:
    """One announced vaccination campaign, e.g. autumn 2025: 1 October 2025 to 31 January 2026."""

    name: str
    first_day: dt.date
    last_day: dt.date

    def covers(self, period: Period) -> bool:
        """Whether any day of the month is in the campaign."""
        return self.first_day < period.next().first_day and period.first_day <= self.last_day

    def describe(self) -> str:
        """E.g. 'autumn 2025 (1 October 2025 to 31 January 2026)'."""
        return f"{self.name} ({_day_text(self.first_day)} to {_day_text(self.last_day)})"


@dataclass(frozen=True)
class Season:
    """When a season runs: months of every year (flu: September to March), or dated campaigns.

    ``windows`` holds (first month, last month) pairs; a window may wrap over the new year.
    ``campaigns`` (for a season announced each year, such as COVID-19 vaccination) lists each running
    with its first and last day; a season with campaigns runs only in the months they cover.
    """

    key: str
    label: str
    windows: tuple[tuple[int, int], ...]
    campaigns: tuple[Campaign, ...] = ()

    def campaign_for(self, period: Period) -> Campaign | None:
        """The campaign that covers the month, or None."""
        return next((c for c in self.campaigns if c.covers(period)), None)

    def known_for(self, period: Period) -> bool:
        """Whether the data says anything about the month: False after the last announced campaign."""
        if not self.campaigns:
            return True
        return period.first_day <= max(c.last_day for c in self.campaigns)

    def instance(self, period: Period) -> tuple[int, int] | None:
        """Which running of the season a month belongs to, as (window or campaign index, starting year).

        Two months are in the same season exactly when their instances are equal; None when
        the month is outside the season.
        """
        if self.campaigns:
            for index, campaign in enumerate(self.campaigns):
                if campaign.covers(period):
                    return index, campaign.first_day.year
            return None
        for index, (first, last) in enumerate(self.windows):
            if first <= last:
                if first <= period.month <= last:
                    return index, period.year
            elif period.month >= first:
                return index, period.year
            elif period.month <= last:
                return index, period.year - 1
        return None

    def includes(self, period: Period) -> bool:
        """Whether the month is in the season."""
        return self.instance(period) is not None

    def describe(self) -> str:
        """E.g. 'September to March', or 'in the months of a vaccination campaign'."""
        if self.campaigns:
            return "in the months of a vaccination campaign"
        names = [MONTH_NAMES[m - 1] for pair in self.windows for m in pair]
        return ", ".join(f"{names[i]} to {names[i + 1]}" for i in range(0, len(names), 2))


@dataclass(frozen=True)
class Field:
    """One question of the return."""

    key: str
    label: str
    type: str
    section: str
    mandatory: bool = False
    required_when: Condition | None = None
    empty_unless: Condition | None = None
    season: str | None = None
    guidance: str = ""
    include: str = ""
    exclude: str = ""
    unit: str = ""
    options: tuple[Option, ...] = ()
    max: float | None = None
    decimals: int = 0

    @property
    def numeric(self) -> bool:
        """Counts and hours."""
        return self.type in ("count", "hours")

    def option_keys(self) -> tuple[str, ...]:
        """The keys of a multi-select field's options."""
        return tuple(option.key for option in self.options)

    def check(self, value: Any) -> str | None:
        """Why a non-blank JSON value does not fit this field, or None when it does.

        The answer is a sentence naming the field and the value.
        """
        name = f"{self.label} ({self.key})"
        if self.numeric:
            return self._check_number(value, name)
        if self.type == "yesno":
            if value not in YES_NO:
                return f"{name} must be yes or no, not {_show(value)}"
            return None
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            return f"{name} must be a list of choices from {', '.join(self.option_keys())}, not {_show(value)}"
        unknown = [item for item in value if item not in self.option_keys()]
        if unknown:
            return (f"{name}: {', '.join(repr(u) for u in unknown)} is not a choice; "
                    f"choose from {', '.join(self.option_keys())}")
        if len(set(value)) != len(value):
            return f"{name} names the same choice twice"
        return None

    def _check_number(self, value: Any, name: str) -> str | None:
        if not is_number(value):
            return f"{name} must be a number, not {_show(value)}"
        # Test floats only: float() of a huge JSON integer (10**400) would overflow.
        if self.type == "count" and isinstance(value, float) and not value.is_integer():
            return f"{name} must be a whole number, not {format_number(value)}"
        if value < 0 or (isinstance(value, float) and math.copysign(1.0, value) < 0):
            # -0.0 too: a minus sign on a figure of the return is always a slip, never a meaning.
            return f"{name} cannot be negative ({value!r})" if value == 0 else \
                f"{name} cannot be negative ({format_number(value)})"
        if self.type == "hours" and _decimal_places(value) > self.decimals:
            return f"{name} takes at most {self.decimals} decimal places, not {value!r}"
        if self.max is not None and value > self.max:
            return f"{name} of {format_number(value)} is not believable: the most allowed is {format_number(self.max)}"
        return None

    def parse_text(self, text: str) -> Any:
        """Read a value typed as text (command line, CSV cell): blank gives None.

        Raises ValueProblem naming the field, the text and why it was refused.
        """
        text = text.strip()
        if text == "":
            return None
        value: Any
        if self.numeric:
            value = self._read_figure(text)
        elif self.type == "yesno":
            value = {"y": "yes", "yes": "yes", "n": "no", "no": "no"}.get(text.lower())
            if value is None:
                raise ValueProblem(f"{self.label} ({self.key}): '{text}' is not yes or no")
        else:
            value = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
        problem = self.check(value)
        if problem:
            raise ValueProblem(problem)
        return value

    def _read_figure(self, text: str) -> int | float:
        """A count or hours as typed; ValueProblem naming the field unless it is ASCII digits."""
        name = f"{self.label} ({self.key})"
        body = text[1:] if text.startswith("-") else text
        digits = sum(ch in "0123456789" for ch in body)
        if digits > MAX_DIGITS and not body.strip("0123456789.,"):
            raise ValueProblem(f"{name}: a figure of {digits:,} digits is too long (at most {MAX_DIGITS})")
        value = _parse_number(body)
        if value is None:
            raise ValueProblem(f"{name}: {_show(text)} is not a number: write it in digits 0-9, e.g. 35, "
                               "7420.5 or 1,234")
        if body is not text:
            raise ValueProblem(f"{name} cannot be negative ({printable(text)})")
        return value

    def format_text(self, value: Any) -> str:
        """The inverse of parse_text: a stored value as text."""
        if value is None:
            return ""
        if isinstance(value, list):
            return ";".join(value)
        if is_number(value):
            return format_number(value).replace(",", "")
        return str(value)


@dataclass(frozen=True)
class Total:
    """A running sum the form shows under a section while it is filled in, e.g. beds accounted for.

    ``fields`` are added up; ``compare_to`` (optional) are the fields the sum is shown against,
    described by ``compare_label`` ("maximum bed capacity"). A total only informs: the rules decide
    what is an error or a warning.
    """

    label: str
    fields: tuple[str, ...]
    compare_to: tuple[str, ...] = ()
    compare_label: str = ""


@dataclass(frozen=True)
class GridRow:
    """One row of a grid: its heading and, per column, the key of the field in that cell (None: no cell)."""

    label: str
    cells: tuple[str | None, ...]


@dataclass(frozen=True)
class Grid:
    """A section's figures laid out as a table, as the tracker's own page shows them.

    Each cell names a field of the section; ``total_label`` (optional) adds a last row with the sum
    of each column. Tab moves across a row, Enter down a column.
    """

    columns: tuple[str, ...]
    rows: tuple[GridRow, ...]
    total_label: str = ""

    def keys(self) -> tuple[str, ...]:
        """The field keys of the cells, row by row (the order Tab follows)."""
        return tuple(key for row in self.rows for key in row.cells if key is not None)

    def keys_down(self) -> tuple[str, ...]:
        """The field keys of the cells, column by column (the order Enter follows)."""
        return tuple(key for column in range(len(self.columns)) for row in self.rows
                     if (key := row.cells[column]) is not None)

    def column_keys(self, column: int) -> tuple[str, ...]:
        """The field keys of one column, top to bottom."""
        return tuple(row.cells[column] for row in self.rows if row.cells[column] is not None)  # type: ignore[misc]


@dataclass(frozen=True)
class Section:
    """A titled group of fields, shown together, with the totals shown under it.

    With a grid, the fields it names are shown in it; the section's other fields come above it.
    """

    key: str
    title: str
    guidance: str
    fields: tuple[Field, ...]
    totals: tuple[Total, ...] = ()
    grid: Grid | None = None


@dataclass(frozen=True)
class Rule:
    """A cross-field or month-on-month check, named by kind; parameters come from the definition."""

    kind: str
    code: str
    severity: str
    message: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def keys(self, name: str) -> tuple[str, ...]:
        """A parameter that lists field keys (a single key is a list of one)."""
        raw = self.params.get(name, ())
        return (raw,) if isinstance(raw, str) else tuple(raw)


@dataclass(frozen=True)
class FormDefinition:
    """One version of the question set for one service type."""

    service_type: str
    title: str
    version: str
    effective_from: dt.date
    sections: tuple[Section, ...]
    rules: tuple[Rule, ...]
    seasons: Mapping[str, Season]
    # Earlier numbers of this same question set: returns saved under them open with this version.
    replaces: tuple[str, ...] = ()
    # The definition's own text and its SHA-256: what the tracker serves, and how two copies are compared.
    text: str = field(default="", repr=False, compare=False)
    content_sha256: str = field(default="", compare=False)

    # Worked out once per definition (it never changes): validation asks for fields by key for every
    # answer and every rule, and a care group's "no changes" does that for each of its locations.
    @functools.cached_property
    def fields(self) -> tuple[Field, ...]:
        """All fields, in the order they are shown."""
        return tuple(f for section in self.sections for f in section.fields)

    @functools.cached_property
    def _fields_by_key(self) -> dict[str, Field]:
        return {item.key: item for item in reversed(self.fields)}  # the first of a key wins, as before

    def field(self, key: str) -> Field:
        """The field with this key; KeyError if the form has none."""
        return self._fields_by_key[key]

    def has_field(self, key: str) -> bool:
        """Whether the form asks this key at all."""
        return key in self._fields_by_key

    def is_asked(self, item: Field, period: Period) -> bool:
        """Whether a field is asked in this month (seasonal questions are not asked out of season)."""
        return item.season is None or self.seasons[item.season].includes(period)

    def asked_fields(self, period: Period) -> tuple[Field, ...]:
        """The fields asked in this month."""
        return tuple(f for f in self.fields if self.is_asked(f, period))

    def season_applies(self, season: str, period: Period) -> bool:
        """Whether the named season covers this month."""
        return self.seasons[season].includes(period)


def _day_text(day: dt.date) -> str:
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f"'{printable(value)}'"
    return text if len(text) <= 40 else text[:37] + "..."


def _decimal_places(value: float | int) -> int:
    if isinstance(value, int):
        return 0
    exponent = Decimal(repr(value)).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _parse_number(text: str) -> int | float | None:
    """ASCII digits with an optional decimal point and thousands commas; None for anything else.

    "1,234" is a thousands separator; "1,5" is refused rather than guessed at.
    """
    if "," in text:
        if not _GROUPED_RE.match(text):
            return None
        text = text.replace(",", "")
    elif not _PLAIN_RE.match(text):
        return None
    return int(text) if "." not in text else float(text)
