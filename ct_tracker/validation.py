"""Checking a submitted return with the app's own form definitions, and saying what is wrong per field.

A return is checked against the question set version it names (``form_version``), which must be one
the tracker accepts (built in or published) and must have taken effect by the month: a return queued
before a revision reached its computer is still checked against its own questions. A version the
tracker does not know, or one not yet in force for the month, is refused on ``form_version`` (and the
answers are checked against the version in force, so that every problem is said at once). Errors
block; warnings do not.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ct_desktop.collection_window import unsendable_period_problem
from ct_desktop.forms.catalogue import FormCatalogue, UnknownForm
from ct_desktop.forms.findings import PreviousReturn, errors
from ct_desktop.forms.model import FormDefinition
from ct_desktop.forms.validate import input_problems, validate
from ct_desktop.location_id import location_id_problem
from ct_desktop.period import Period, PeriodError
from ct_tracker.intake import QUOTE_LIMIT, quoted, shortened
from ct_tracker.schemas import FieldError
from ct_tracker.submission import AcceptedRevision

UNKNOWN_FIELD = "unknown_field"
UNKNOWN_FORM_VERSION = "unknown_form_version"
FORM_VERSION_NOT_IN_FORCE = "form_version_not_in_force"
BAD_PERIOD = "bad_period"
PERIOD_OUT_OF_RANGE = "period_out_of_range"
NO_FORM_FOR_PERIOD = "no_form_for_period"
BAD_LOCATION_ID = "bad_location_id"

# A month as the API writes it (YYYY-MM, ASCII digits, month 01 to 12, the years Period takes), as a
# pattern both FastAPI and the OpenAPI document read: what the document declares is what is enforced.
PERIOD_PATTERN = r"^2[0-9]{3}-(0[1-9]|1[0-2])$"
_PERIOD = re.compile(PERIOD_PATTERN, re.ASCII)


class Rejected(Exception):
    """A request that cannot be accepted as it stands; ``errors`` says why, per field."""

    def __init__(self, errors: list[FieldError]):
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


def period_of(text: str) -> Period:
    """The month of a path (PERIOD_PATTERN), or Rejected on the field ``period``."""
    if _PERIOD.fullmatch(text) is None:
        raise Rejected([period_problem(text)])
    return Period.parse(text)


def period_problem(text: str) -> FieldError:
    """Why a text is not a month the API takes, on the field ``period``."""
    message = f"{quoted(text)} is not a month: write it as YYYY-MM, e.g. 2026-09"
    if len(text) <= QUOTE_LIMIT:
        try:
            Period.parse(text)
        except PeriodError as exc:
            message = str(exc)  # says which part is wrong (the month, the year)
    return FieldError(field="period", code=BAD_PERIOD, message=message)


def location_id_error(text: str) -> FieldError:
    """Why a text is not a location id (LOCATION_ID_PATTERN), on the field ``location_id``."""
    return FieldError(field="location_id", code=BAD_LOCATION_ID,
                      message=location_id_problem(text) or f"{quoted(text)} is not a location id")


def returnable_period_of(text: str, moment: dt.datetime) -> Period:
    """The month of a path if a return can exist for it at ``moment``; Rejected on ``period`` otherwise.

    The same rule as the app's (July 2022, when the mandate began, to the current month, London time):
    every accepted revision is kept for ever, so a mistyped year is refused rather than stored.
    """
    period = period_of(text)
    problem = unsendable_period_problem(period, moment)
    if problem is not None:
        raise Rejected([FieldError(field="period", code=PERIOD_OUT_OF_RANGE, message=problem)])
    return period


def form_in_force(catalogue: FormCatalogue, service_type: str, period: Period) -> FormDefinition:
    """The question set in force for the month, or Rejected on the field ``period``."""
    try:
        return catalogue.form_for(service_type, period)
    except UnknownForm as exc:
        raise Rejected([FieldError(field="period", code=NO_FORM_FOR_PERIOD, message=str(exc))]) from exc


def submission_errors(catalogue: FormCatalogue, form: FormDefinition, period: Period, form_version: str,
                      values: dict[str, Any], not_known: list[str],
                      previous: AcceptedRevision | None = None) -> list[FieldError]:
    """Everything that stops a return being accepted, one entry per problem, by field.

    ``field`` is the form's key for answers (the key the app shows the problem against), the
    unknown key itself for keys the form does not have, or the body field (form_version, not_known).
    """
    form, found = _named_form(catalogue, form, period, form_version)
    for key, value in values.items():
        if not form.has_field(key):
            found += [FieldError(field=shortened(key), code=UNKNOWN_FIELD, message=line)
                      for line in input_problems(form, {key: value}, [])]
    for key in not_known:
        if not form.has_field(key):
            found += [FieldError(field="not_known", code=UNKNOWN_FIELD, message=line)
                      for line in input_problems(form, {}, [key])]
    prior = None
    if previous is not None:
        prior = PreviousReturn(Period.parse(previous.period), previous.values, frozenset(previous.not_known))
    # Wrong types, ranges, required answers and the form's rules; unknown keys are ignored by validate().
    found += [FieldError(field=f.field, code=f.code, message=f.message)
              for f in errors(validate(form, period, values, not_known, prior))]
    return found


def _named_form(catalogue: FormCatalogue, in_force: FormDefinition, period: Period,
                version: str) -> tuple[FormDefinition, list[FieldError]]:
    """The version the return names, if it can be used for the month; else the one in force and why not."""
    try:
        named = catalogue.form_version(in_force.service_type, version)
    except UnknownForm:
        known = ", ".join(f.version for f in catalogue.versions(in_force.service_type))
        message = (f"form version {quoted(version)} is not a {in_force.service_type} question set this tracker "
                   f"knows (known: {known}; in force for this month: {in_force.version})")
        return in_force, [FieldError(field="form_version", code=UNKNOWN_FORM_VERSION, message=message)]
    if named.effective_from > period.first_day:
        message = (f"form version {quoted(version)} takes effect on {named.effective_from.isoformat()}: it is not "
                   f"in force for {period} (in force for this month: {in_force.version})")
        return in_force, [FieldError(field="form_version", code=FORM_VERSION_NOT_IN_FORCE, message=message)]
    return named, []
