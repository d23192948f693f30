"""The running totals a form shows under its sections, from the answers given so far. Pure; no Qt.

A total only informs the person filling in the form ("Beds accounted for: 38 of 40"); whether a sum
is wrong is for the rules to say. Blank and not-known answers are left out of the sum and counted,
so that a partly answered section reads "so far".
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ct_desktop.forms.model import FormDefinition, Total, unit_for
from ct_desktop.forms.rules import as_fraction, show_number
from ct_desktop.forms.validate import OUT_OF_RANGE, is_blank, value_problem


@dataclass(frozen=True)
class TotalFigure:
    """A total worked out from the current answers."""

    total: Total
    sum: Fraction
    unit: str
    missing: tuple[str, ...]  # keys added up that have no number yet (blank, not known or not a number)
    not_known: tuple[str, ...]  # of those, the ones answered "not known"
    compare: Fraction | None  # the sum of compare_to, None when absent or not fully answered

    @property
    def complete(self) -> bool:
        """Whether every field of the total has a number."""
        return not self.missing

    def describe(self) -> str:
        """The total as one line, e.g. 'Beds accounted for: 38 of 40 beds (maximum bed capacity)'."""
        figure = show_number(self.sum) + (f" {unit_for(self.sum, self.unit)}" if self.unit else "")
        if not self.complete:
            waiting = len(self.missing) - len(self.not_known)
            parts = []
            if waiting:
                parts.append(f"{waiting} of {len(self.total.fields)} not answered yet")
            if self.not_known:
                parts.append(f"{len(self.not_known)} not known")
            return f"{self.total.label} so far: {figure} ({', '.join(parts)})"
        if self.total.compare_to and self.compare is not None:
            unit = f" {unit_for(self.compare, self.unit)}" if self.unit else ""
            return (f"{self.total.label}: {show_number(self.sum)} of {show_number(self.compare)}{unit} "
                    f"({self.total.compare_label})")
        if self.total.compare_to:
            return f"{self.total.label}: {figure} ({self.total.compare_label} not answered yet)"
        return f"{self.total.label}: {figure}"


def compute_total(form: FormDefinition, total: Total, values: Mapping[str, Any],
                  not_known: Collection[str] = ()) -> TotalFigure:
    """Work out one total from the answers given so far."""
    numbers = {key: number for key in (*total.fields, *total.compare_to)
               if key not in not_known and (number := _number(form, key, values.get(key))) is not None}
    missing = tuple(key for key in total.fields if key not in numbers)
    compare = None
    if total.compare_to and all(key in numbers for key in total.compare_to):
        compare = sum((numbers[key] for key in total.compare_to), Fraction(0))
    units = {form.field(key).unit for key in total.fields}
    return TotalFigure(
        total=total,
        sum=sum((numbers[key] for key in total.fields if key in numbers), Fraction(0)),
        unit=units.pop() if len(units) == 1 else "",
        missing=missing,
        not_known=tuple(key for key in missing if key in not_known),
        compare=compare,
    )


def section_totals(form: FormDefinition, section_key: str, values: Mapping[str, Any],
                   not_known: Collection[str] = ()) -> list[TotalFigure]:
    """Every total of a section, worked out from the answers given so far."""
    section = next(s for s in form.sections if s.key == section_key)
    return [compute_total(form, total, values, not_known) for total in section.totals]


def _number(form: FormDefinition, key: str, value: Any) -> Fraction | None:
    # Out-of-range numbers still count (the number is clear, only wrong); wrong types do not.
    item = form.field(key)
    if is_blank(item, value):
        return None
    problem = value_problem(item, value)
    if problem is not None and problem[0] != OUT_OF_RANGE:
        return None
    return as_fraction(value)
