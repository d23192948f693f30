"""Checking a return against its form: field by field, then the form's rules. Pure; no Qt.

Blank, zero and not known are three different answers: zero is a value, "not known" answers a
mandatory question, and a blank (None, absent, or no choices) answers nothing.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

from ct_desktop.forms.findings import ERROR, Finding, PreviousReturn
from ct_desktop.forms.model import Condition, Field, FormDefinition, Season, format_number, is_number
from ct_desktop.forms.rules import RULE_CHECKS, Figures, as_fraction
from ct_desktop.period import Period

WRONG_TYPE = "wrong_type"
OUT_OF_RANGE = "out_of_range"
REQUIRED = "required"
MUST_BE_EMPTY = "must_be_empty"
VALUE_AND_NOT_KNOWN = "value_and_not_known"

_HOW_TO_ANSWER = {"count": "give a number", "hours": "give a number", "yesno": "answer yes or no",
                  "choices": "choose at least one"}


def validate(form: FormDefinition, period: Period, values: Any, not_known: Any,
             previous: PreviousReturn | None = None) -> list[Finding]:
    """Every finding for a return: field checks in form order, then the form's rules.

    Never raises for JSON-like input: a non-mapping ``values`` counts as empty, junk in ``not_known``
    is ignored, and keys the form does not ask are left to input_problems. Month-on-month rules run
    only with a previous return from an earlier month.
    """
    answers = _as_mapping(values)
    marked = not_known_keys(not_known)
    usable = usable_answers(form, period, answers, marked)
    findings = [found for item in form.fields
                for found in _field_findings(form, period, item, answers, marked, usable)]
    now = Figures(period, _numbers(form, usable))
    before = _previous_figures(form, period, previous)
    for rule in form.rules:
        findings.extend(RULE_CHECKS[rule.kind](rule, form, now, before))
    return findings


def input_problems(form: FormDefinition, values: Any, not_known: Any) -> list[str]:
    """One line per thing that makes the input unusable as a return of this form.

    Unknown keys (with the closest real key as a suggestion), not_known entries that are not keys of
    the form, and values of the wrong type. Out-of-range values are not listed: they are findings.
    """
    problems = []
    if not isinstance(values, Mapping):
        problems.append(f"values must be a mapping of field keys to values, not {type(values).__name__}")
    answers = _as_mapping(values)
    problems.extend(_unknown_key(form, key, "") for key in answers if not _is_field_key(form, key))
    problems.extend(_not_known_problems(form, not_known))
    for item in form.fields:
        value = answers.get(item.key)
        problem = None if is_blank(item, value) else value_problem(item, value)
        if problem and problem[0] == WRONG_TYPE:
            problems.append(problem[1])
    return [_one_line(problem) for problem in problems]


def value_problem(item: Field, value: Any) -> tuple[str, str] | None:
    """(code, message) for a non-blank value that does not fit the field, or None when it fits.

    The code is wrong_type when the value is not the right kind of thing at all (text for a
    number, 3.5 for a count), out_of_range when it is (negative, too many decimals, over the maximum).
    """
    message = item.check(value)
    if message is None:
        return None
    return (WRONG_TYPE if _is_wrong_type(item, value) else OUT_OF_RANGE), message


def is_blank(item: Field, value: Any) -> bool:
    """Whether a value answers nothing: None, or an empty list of choices."""
    return value is None or (item.type == "choices" and isinstance(value, list) and not value)


def not_known_keys(not_known: Any) -> frozenset[str]:
    """The text entries of a not-known list; anything else (a bare string, a mapping) marks nothing."""
    if not _is_key_list(not_known):
        return frozenset()
    return frozenset(key for key in not_known if isinstance(key, str))


def usable_answers(form: FormDefinition, period: Period, answers: Mapping[str, Any],
                   marked: frozenset[str]) -> dict[str, Any]:
    """The answers conditions and rules may rely on.

    Of the right type (out of range still counts: the number is clear, only wrong), not also marked
    not known, and not in a field that must be empty this time: a visa count given without a licence
    is one mistake, reported once, not again by every rule that uses it.
    """
    typed = {}
    for item in form.fields:
        value = answers.get(item.key)
        if is_blank(item, value) or item.key in marked:
            continue
        problem = value_problem(item, value)
        if problem is None or problem[0] == OUT_OF_RANGE:
            typed[item.key] = value
    return {key: value for key, value in typed.items()
            if _why_empty(form, period, form.field(key), typed, given=True) is None}


def _field_findings(form: FormDefinition, period: Period, item: Field, answers: Mapping[str, Any],
                    marked: frozenset[str], usable: Mapping[str, Any]) -> list[Finding]:
    value = answers.get(item.key)
    given = not is_blank(item, value)
    is_marked = item.key in marked
    findings = []
    if given and is_marked:
        findings.append(_error(item, VALUE_AND_NOT_KNOWN,
                               f"{item.label} has a value ({_brief(value)}) and is marked not known: keep one."))
    problem = value_problem(item, value) if given else None
    if problem:
        findings.append(_error(item, *problem))
    empty = _why_empty(form, period, item, usable, given)
    if empty and (given or is_marked):
        findings.append(_error(item, MUST_BE_EMPTY, *empty))
    elif not empty and not (given or is_marked):
        need = _why_required(form, period, item, usable)
        if need:
            findings.append(_error(item, REQUIRED, *need))
    return findings


def _why_empty(form: FormDefinition, period: Period, item: Field, usable: Mapping[str, Any],
               given: bool) -> tuple[str, tuple[str, ...]] | None:
    """(message, related keys) when the field must be left empty this time, else None."""
    if item.season is not None and not form.is_asked(item, period):
        season = form.seasons[item.season]
        if season.campaigns:
            gap = season_gap(season, period)
            return f"{item.label} is asked during a {season.label} only: {gap}; leave it empty.", ()
        return f"{item.label} is asked {season.describe()} only; leave it empty for {period.label}.", ()
    condition = item.empty_unless
    # An unanswered or unusable controlling field decides nothing yet (holds() gives None).
    if condition is None or condition.holds(usable) is not False:
        return None
    actual = Condition(condition.field, "==", usable[condition.field])
    remove = "remove the answer" if given else "remove the 'not known' mark"
    state = actual.describe(form.field(condition.field).label)
    return f"{item.label} must be empty when {state}: {remove}.", (condition.field,)


def _why_required(form: FormDefinition, period: Period, item: Field,
                  usable: Mapping[str, Any]) -> tuple[str, tuple[str, ...]] | None:
    """(message, related keys) when the field needs an answer (a value or not known), else None."""
    how = f"{_HOW_TO_ANSWER[item.type]}, or mark it as not known."
    condition = item.required_when
    if condition is not None and condition.holds(usable):
        because = condition.describe(form.field(condition.field).label)
        return f"{item.label} is required because {because}: {how}", (condition.field,)
    if item.mandatory:
        return f"{item.label} is required: {how}", ()
    if item.season is not None:
        season = form.seasons[item.season]
        campaign = season.campaign_for(period)
        if campaign is not None:
            return f"{item.label} is required during the {season.label} {campaign.describe()}: {how}", ()
        return f"{item.label} is required in {season.label} ({season.describe()}): {how}", ()
    return None


def season_gap(season: Season, period: Period) -> str:
    """Why a campaign season does not cover a month, in words: none that month, or none known yet."""
    if not season.known_for(period):
        return f"no {season.label} is known yet for {period.label}"
    return f"there is no {season.label} in {period.label}"


def _previous_figures(form: FormDefinition, period: Period, previous: Any) -> Figures | None:
    # Only an earlier month can be "last time"; anything else would compare a return with itself.
    if not isinstance(previous, PreviousReturn) or not isinstance(previous.period, Period):
        return None
    if not previous.period < period:
        return None
    answers = _as_mapping(previous.values)
    usable = usable_answers(form, previous.period, answers, not_known_keys(previous.not_known))
    return Figures(previous.period, _numbers(form, usable))


def _numbers(form: FormDefinition, usable: Mapping[str, Any]) -> dict[str, Fraction]:
    return {item.key: as_fraction(usable[item.key]) for item in form.fields
            if item.numeric and item.key in usable}


def _is_wrong_type(item: Field, value: Any) -> bool:
    if not item.numeric:
        return True
    if not is_number(value):
        return True
    return item.type == "count" and isinstance(value, float) and not value.is_integer()


def _is_key_list(not_known: Any) -> bool:
    # A string is iterable too, but its letters are not keys; a mapping's keys are not a clear intent.
    return isinstance(not_known, Iterable) and not isinstance(not_known, str | bytes | Mapping)


def _not_known_problems(form: FormDefinition, not_known: Any) -> list[str]:
    if not _is_key_list(not_known):
        return [f"not_known must be a list of field keys, not {_brief(not_known)}"]
    problems = []
    for key in not_known:
        if not isinstance(key, str):
            problems.append(f"not_known entry {_brief(key)} is not a field key")
        elif not form.has_field(key):
            problems.append(_unknown_key(form, key, " in not_known"))
    return problems


def _unknown_key(form: FormDefinition, key: Any, where: str) -> str:
    line = f"unknown field {_brief(key)}{where} for {form.service_type}"
    close = difflib.get_close_matches(str(key), [item.key for item in form.fields], n=1)
    return f"{line} (did you mean {close[0]}?)" if close else line


def _is_field_key(form: FormDefinition, key: Any) -> bool:
    return isinstance(key, str) and form.has_field(key)


def _as_mapping(values: Any) -> Mapping[Any, Any]:
    return values if isinstance(values, Mapping) else {}


def _error(item: Field, code: str, message: str, related: tuple[str, ...] = ()) -> Finding:
    return Finding(field=item.key, severity=ERROR, code=code, message=message, related=related)


def _brief(value: Any) -> str:
    """A value as it appears in a message: numbers as people write them, anything else short."""
    text = format_number(value) if is_number(value) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _one_line(text: str) -> str:
    # Problems are printed one to a line; a key or value holding a newline must not break that.
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)
