"""Properties of validation over arbitrary JSON-like input: it never raises, and findings stay honest."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sample_returns import COVID_ANSWERS
from sample_returns import FLU_SEASON_RETURNS as RETURNS

from ct_desktop.forms.catalogue import form_for
from ct_desktop.forms.findings import PreviousReturn
from ct_desktop.forms.model import ValueProblem, is_number
from ct_desktop.forms.validate import input_problems, validate
from ct_desktop.location_id import is_location_id, location_id_problem
from ct_desktop.period import Period
from ct_desktop.safe_text import has_control_characters, printable

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SERVICE_TYPES = ("care_home", "home_care")
FORM_KEYS = sorted({item.key for service_type in SERVICE_TYPES
                    for item in form_for(service_type, Period(2026, 9)).fields})
UNFILLED = re.compile(r"\{(left|right|difference|field|previous|current|period)\}")

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12), st.sampled_from([0, 1, 3.0, 3.5, 744, 1.125, 10**400, -(10**400), 1e308, "yes", "no",
                                           "staffing", ["staffing"], ["other", "other"], []]),
)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=8,
)
# Plausible answers as well as junk, so that a change often breaks a cross-field rule or a condition.
answers = st.one_of(
    st.integers(0, 60), st.integers(0, 8000), st.floats(0, 8000).map(lambda x: round(x, 2)),
    st.sampled_from([0, None, "yes", "no", ["staffing"], []]), json_values,
)
keys = st.sampled_from(FORM_KEYS) | st.text(max_size=20)
value_maps = st.dictionaries(keys, json_values, max_size=40)
periods = st.builds(Period, st.integers(2025, 2030), st.integers(1, 12))
not_known_lists = st.one_of(st.lists(keys | json_values, max_size=6), st.frozensets(keys, max_size=6), json_values)
previous_returns = st.one_of(
    st.none(),
    st.builds(PreviousReturn, period=periods, values=value_maps | json_values, not_known=not_known_lists),
)


def _april_or_later(period: Period) -> Period:
    # Months from April 2025 (under the question sets in force from June 2024).
    return period if period >= Period(2025, 4) else Period(2025, 4)


@SETTINGS
@given(service_type=st.sampled_from(SERVICE_TYPES), period=periods, values=value_maps | json_values,
       not_known=not_known_lists, previous=previous_returns)
def test_validate_never_raises_and_blames_only_real_fields(service_type, period, values, not_known, previous):
    period = _april_or_later(period)
    form = form_for(service_type, period)
    findings = validate(form, period, values, not_known, previous)
    field_keys = {item.key for item in form.fields}
    for finding in findings:
        assert finding.field in field_keys
        assert set(finding.related) <= field_keys
        assert finding.severity in ("error", "warning")
        assert finding.message and set(finding.as_dict()) == {"field", "severity", "code", "message"}
        assert not UNFILLED.search(finding.message), finding.message
    assert validate(form, period, values, not_known, previous) == findings
    assert all(isinstance(line, str) and "\n" not in line for line in input_problems(form, values, not_known))


@SETTINGS
@given(service_type=st.sampled_from(SERVICE_TYPES), period=periods, data=st.data())
def test_changing_one_field_of_a_good_return_only_touches_that_field(service_type, period, data):
    period = _april_or_later(period)
    form = form_for(service_type, period)
    values = {key: value for key, value in {**RETURNS[service_type](), **COVID_ANSWERS[service_type]}.items()
              if form.is_asked(form.field(key), period)}
    previous = PreviousReturn(period.previous(), RETURNS[service_type]())
    assert validate(form, period, values, [], previous) == []

    key = data.draw(st.sampled_from([item.key for item in form.fields]), label="key")
    how = data.draw(st.sampled_from(["value", "blank", "not known"]), label="how")
    not_known = []
    if how == "value":
        values[key] = data.draw(answers, label="value")
    elif how == "blank":
        values.pop(key, None)
    else:
        not_known = [key]
        if data.draw(st.booleans(), label="also drop the value"):
            values.pop(key, None)
    for finding in validate(form, period, values, not_known, previous):
        assert finding.mentions(key), finding


# Figures typed as text (the app's fields, draft set, CSV cells all go through Field.parse_text) -----------

NUMERIC_FIELDS = [item for item in form_for("care_home", Period(2026, 9)).fields if item.numeric]
FIGURE_TEXT = re.compile(r"^[0-9][0-9,]*(\.[0-9]*)?$|^\.[0-9]+$")
figure_like = st.one_of(
    st.text(max_size=30),
    st.text(alphabet="0123456789.,-+eE_ \u0663\uff11\u00b2\u2070", max_size=30),
    st.integers().map(str), st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(0, 10**6).map(lambda n: f"{n:,}"), st.text(alphabet="9", min_size=4000, max_size=6000),
)


@SETTINGS
@given(item=st.sampled_from(NUMERIC_FIELDS), text=figure_like)
def test_a_figure_is_read_only_from_ascii_digits(item, text):
    try:
        value = item.parse_text(text)
    except ValueProblem as refused:
        assert "\n" not in str(refused) and len(str(refused)) < 400
        return
    if value is None:
        assert text.strip() == ""
        return
    assert FIGURE_TEXT.match(text.strip()), text  # no exponent, sign, underscore or other script's digits
    assert is_number(value) and value >= 0 and str(value)[0] != "-"
    assert item.check(value) is None


@SETTINGS
@given(text=st.text(max_size=80))
def test_location_ids_are_one_safe_format_and_names_are_shown_safely(text):
    if is_location_id(text):
        assert len(text) <= 64 and "/" not in text and "\\" not in text and not text.startswith(".")
        assert text.isascii() and text.isprintable()
    else:
        problem = location_id_problem(text)
        assert "\n" not in problem and not has_control_characters(problem)
    assert not has_control_characters(printable(text))
