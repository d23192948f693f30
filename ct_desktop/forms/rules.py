"""Cross-field and month-on-month rules: one check per kind a definition may name.

A check sees only the usable numbers of a return: blank, not-known and wrong-type answers are left
out, so a rule whose operands are missing is skipped rather than guessed at. Arithmetic is exact
(Fraction of the number as written): hours such as 0.1 + 0.2 equal 0.3, and a huge JSON integer
cannot overflow a float.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ct_desktop.forms.findings import Finding
from ct_desktop.forms.model import FormDefinition, Rule, format_number
from ct_desktop.period import Period

# Beyond this, digits stop meaning anything to a reader (and int-to-text has a length limit).
_PLAIN_LIMIT = 10**15


@dataclass(frozen=True)
class Figures:
    """The usable numbers of one return, by field key, and the month they belong to."""

    period: Period
    numbers: Mapping[str, Fraction]

    def total(self, keys: Sequence[str]) -> Fraction | None:
        """The sum of the fields, or None when there are none or any is not usable."""
        if not keys or any(key not in self.numbers for key in keys):
            return None
        return sum((self.numbers[key] for key in keys), Fraction(0))


Check = Callable[[Rule, FormDefinition, Figures, Figures | None], list[Finding]]


def at_most(rule: Rule, form: FormDefinition, now: Figures, before: Figures | None = None) -> list[Finding]:
    """Finding when sum(left) is more than factor * sum(right).

    The left side is checked as soon as any of it is given: figures are never negative, so left
    figures given so far that already exceed the right side are an error whatever the rest will be
    (351 beds occupied of a capacity of 40, the other bed counts still blank). The finding then names
    only the left fields given. The right side must be complete: part of it would only understate it.
    """
    # Optional operands (vacant beds not available for admission) are like the rest: counted when given.
    given = tuple(key for key in (*rule.keys("left"), *rule.keys("left_when_given")) if key in now.numbers)
    left = now.total(given)
    right = now.total(rule.keys("right"))
    if left is None or right is None:
        return []
    right = right * _param(rule, "factor", 1)
    if left <= right:
        return []
    return [_cross_finding(rule, left, right, left - right, given)]


def at_least(rule: Rule, form: FormDefinition, now: Figures, before: Figures | None = None) -> list[Finding]:
    """Finding when sum(left) is less than factor * sum(right); {difference} is how much less."""
    sides = _sides(rule, now)
    if sides is None or sides[0] >= sides[1]:
        return []
    left, right = sides
    return [_cross_finding(rule, left, right, right - left)]


def implies_nonzero(rule: Rule, form: FormDefinition, now: Figures, before: Figures | None = None) -> list[Finding]:
    """Finding when sum(left) is above 0 but sum(right) is 0 (e.g. hours worked with no staff)."""
    sides = _sides(rule, now)
    if sides is None or not (sides[0] > 0 and sides[1] == 0):
        return []
    left, right = sides
    return [_cross_finding(rule, left, right, left - right)]


def change_limit(rule: Rule, form: FormDefinition, now: Figures, before: Figures | None = None) -> list[Finding]:
    """Finding per field that moved by more than ``percent`` of last time's figure and more than ``min_change``."""
    if before is None:
        return []
    share = _param(rule, "percent", 50) / 100
    floor = _param(rule, "min_change", 0)
    findings = []
    for key, old, new in _pairs(rule, now, before):
        change = abs(new - old)
        # Both tests must pass: 50% of a small base (2 → 4) is too jumpy to question on its own.
        if change > old * share and change > floor:
            findings.append(_change_finding(rule, form, key, old, new, before.period))
    return findings


def no_fall_in_season(rule: Rule, form: FormDefinition, now: Figures, before: Figures | None = None) -> list[Finding]:
    """Finding per field that went down since the previous return, when both months are in one running of the season.

    Counts such as vaccinations are cumulative within a season but start again with a new one, so a
    fall across a season boundary is expected.
    """
    if before is None:
        return []
    season = form.seasons.get(str(rule.params.get("season")))
    if season is None:
        return []
    running = season.instance(now.period)
    if running is None or running != season.instance(before.period):
        return []
    return [_change_finding(rule, form, key, old, new, before.period)
            for key, old, new in _pairs(rule, now, before) if new < old]


def as_fraction(number: int | float) -> Fraction:
    """A finite number exactly as written: 0.1 is one tenth, not the binary float nearest to it."""
    return Fraction(repr(number)) if isinstance(number, float) else Fraction(number)


RULE_CHECKS: dict[str, Check] = {
    "at_most": at_most,
    "at_least": at_least,
    "implies_nonzero": implies_nonzero,
    "change_limit": change_limit,
    "no_fall_in_season": no_fall_in_season,
}


def show_number(number: Fraction) -> str:
    """A rule operand as a person writes it: 1,234 or 37.5 (absurdly large ones as 1.000E+20)."""
    if abs(number) >= _PLAIN_LIMIT:
        return f"{Decimal(number.numerator) / Decimal(number.denominator):.3E}"
    if number.denominator == 1:
        return format_number(int(number))
    return format_number(float(number))


def _sides(rule: Rule, now: Figures) -> tuple[Fraction, Fraction] | None:
    left = now.total(rule.keys("left"))
    right = now.total(rule.keys("right"))
    if left is None or right is None:
        return None
    # Optional operands (vacant beds not available for admission) count only when they are given.
    left += sum((now.numbers[key] for key in rule.keys("left_when_given") if key in now.numbers), Fraction(0))
    return left, right * _param(rule, "factor", 1)


def _pairs(rule: Rule, now: Figures, before: Figures) -> list[tuple[str, Fraction, Fraction]]:
    keys = rule.keys("fields")
    return [(key, before.numbers[key], now.numbers[key])
            for key in keys if key in now.numbers and key in before.numbers]


def _param(rule: Rule, name: str, default: int) -> Fraction:
    # The catalogue refuses non-numeric parameters when a definition loads.
    return as_fraction(rule.params.get(name, default))


class Count(str):
    """A number in a message. ``{difference:bed is|beds are}`` adds the words that agree with it."""

    one: bool

    def __new__(cls, number: Fraction) -> Count:
        count = super().__new__(cls, show_number(number))
        count.one = number == 1
        return count

    def __format__(self, spec: str) -> str:
        if "|" not in spec:
            return super().__format__(spec)
        one, many = spec.split("|", 1)
        return f"{self} {one if self.one else many}"


def _cross_finding(rule: Rule, left: Fraction, right: Fraction, difference: Fraction,
                   left_keys: Sequence[str] | None = None) -> Finding:
    if left_keys is None:
        left_keys = (*rule.keys("left"), *rule.keys("left_when_given"))
    keys = (*left_keys, *rule.keys("right"))
    placeholders = {"left": Count(left), "right": Count(right), "difference": Count(difference)}
    return Finding(
        field=keys[0],
        severity=rule.severity,
        code=rule.code,
        message=fill_message(rule.message, placeholders),
        related=tuple(dict.fromkeys(key for key in keys[1:] if key != keys[0])),
    )


def _change_finding(rule: Rule, form: FormDefinition, key: str, old: Fraction, new: Fraction,
                    since: Period) -> Finding:
    placeholders = {"field": form.field(key).label, "previous": Count(old), "current": Count(new),
                    "period": since.label, "difference": Count(abs(new - old))}
    return Finding(field=key, severity=rule.severity, code=rule.code, message=fill_message(rule.message, placeholders))


class _Placeholders(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill_message(template: str, placeholders: Mapping[str, Any]) -> str:
    """The template with its placeholders filled in.

    A placeholder this rule kind does not supply is left as written, and a malformed template is
    shown unfilled: a wording slip in a definition must not stop a return being checked.
    """
    try:
        return template.format_map(_Placeholders(placeholders))
    except (ValueError, IndexError, AttributeError, KeyError):
        return template
