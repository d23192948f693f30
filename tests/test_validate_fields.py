"""Field-level validation: types and ranges, required answers, fields that must stay empty, not known."""

from __future__ import annotations

import math

import pytest
from sample_returns import FLU_SEASON_RETURNS as RETURNS
from sample_returns import care_home_return, home_care_return

from ct_desktop.forms.catalogue import form_for
from ct_desktop.forms.findings import ERROR, WARNING, Finding, errors, has_errors, warnings
from ct_desktop.forms.validate import input_problems, validate
from ct_desktop.period import Period

SEPTEMBER = Period(2026, 9)
JULY = Period(2026, 7)
MARCH_2024 = Period(2024, 3)  # under question set 2023.07: unavailable beds and their reasons mandatory
FLU_FIELDS = {"care_home": ("flu_vacc_direct", "flu_vacc_agency", "flu_vacc_residents"),
              "home_care": ("flu_vacc_staff",)}
VISA_FIELDS = {"care_home": ("visa_direct_nurses", "visa_direct_care", "visa_direct_noncare"),
               "home_care": ("visa_direct_care",)}


def check(service_type: str, values: dict, period: Period = SEPTEMBER, not_known=(), previous=None) -> list[Finding]:
    return validate(form_for(service_type, period), period, values, not_known, previous)


def without(values: dict, *keys: str) -> dict:
    return {key: value for key, value in values.items() if key not in keys}


def codes(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(finding.field, finding.code) for finding in findings]


@pytest.mark.parametrize("service_type", RETURNS)
@pytest.mark.parametrize("month", [9, 1, 3])
def test_a_complete_return_in_flu_season_has_no_findings(service_type, month):
    assert check(service_type, RETURNS[service_type](), Period(2027 if month < 9 else 2026, month)) == []


@pytest.mark.parametrize("service_type", RETURNS)
def test_a_complete_return_out_of_flu_season_has_no_findings(service_type):
    values = without(RETURNS[service_type](), *FLU_FIELDS[service_type])
    assert check(service_type, values, JULY) == []


def test_a_finding_as_json_has_exactly_four_keys():
    finding = Finding("beds_occupied", ERROR, "required", "Beds occupied is required.", related=("x",))
    assert finding.as_dict() == {"field": "beds_occupied", "severity": "error", "code": "required",
                                 "message": "Beds occupied is required."}


def test_errors_and_warnings_are_told_apart():
    found = [Finding("a", ERROR, "x", "m"), Finding("b", WARNING, "y", "m")]
    assert [f.field for f in errors(found)] == ["a"]
    assert [f.field for f in warnings(found)] == ["b"]
    assert has_errors(found) and not has_errors(found[1:]) and not has_errors([])


# ---- blank, zero and not known ------------------------------------------------------------

@pytest.mark.parametrize(("service_type", "key", "label"), [
    ("care_home", "beds_max_capacity", "Maximum bed capacity"),
    ("care_home", "sponsor_licence", "Does the organisation hold a sponsorship licence?"),
    ("care_home", "visits_out_of_location", "Could residents take part in visits off the premises"),
    ("home_care", "people_supported", "People receiving regulated care from the service today"),
    ("home_care", "hours_agency", "Hours worked by agency or bank staff"),
])
def test_a_blank_mandatory_field_is_required(service_type, key, label):
    for values in (without(RETURNS[service_type](), key), RETURNS[service_type](**{key: None})):
        found = [f for f in check(service_type, values) if f.code == "required"]
        assert codes(found) == [(key, "required")]
        assert found[0].severity == ERROR
        assert label in found[0].message and "not known" in found[0].message


def test_the_required_message_reads_well():
    found = check("care_home", without(care_home_return(), "beds_max_capacity"))
    assert found[0].message == "Maximum bed capacity is required: give a number, or mark it as not known."


@pytest.mark.parametrize("service_type", RETURNS)
def test_zero_is_an_answer_and_not_known_is_an_answer(service_type):
    values = RETURNS[service_type](absent_covid_direct_care=0)
    assert check(service_type, values) == []
    values = without(values, "absent_covid_direct_care")
    assert check(service_type, values, not_known=["absent_covid_direct_care"]) == []


def test_an_optional_field_may_stay_blank():
    assert check("home_care", without(home_care_return(), "spare_capacity_hours")) == []


def test_a_value_that_is_also_marked_not_known_is_an_error():
    found = check("care_home", care_home_return(), not_known=["beds_occupied"])
    assert codes(found) == [("beds_occupied", "value_and_not_known")]
    assert "Beds occupied" in found[0].message and "35" in found[0].message


# ---- type and range -----------------------------------------------------------------------

@pytest.mark.parametrize(("key", "value", "code"), [
    ("beds_occupied", "thirty-five", "wrong_type"),
    ("beds_occupied", True, "wrong_type"),
    ("beds_occupied", False, "wrong_type"),
    ("beds_occupied", 3.5, "wrong_type"),
    ("beds_occupied", math.nan, "wrong_type"),
    ("beds_occupied", math.inf, "wrong_type"),
    ("beds_occupied", [35], "wrong_type"),
    ("beds_occupied", -1, "out_of_range"),
    ("beds_max_capacity", 10001, "out_of_range"),
    ("beds_max_capacity", 10**400, "out_of_range"),
    ("hours_agency", 512.125, "out_of_range"),
    ("hours_agency", -0.5, "out_of_range"),
    ("hours_agency", "512", "wrong_type"),
    ("sponsor_licence", "maybe", "wrong_type"),
    ("sponsor_licence", True, "wrong_type"),
    ("beds_unavailable_reasons", ["staffing", "weather"], "wrong_type"),
    ("beds_unavailable_reasons", "staffing", "wrong_type"),
])
def test_values_that_do_not_fit_are_errors(key, value, code):
    found = [f for f in check("care_home", care_home_return(**{key: value})) if f.field == key]
    assert codes(found)[0] == (key, code)
    assert found[0].severity == ERROR
    assert key in found[0].message


def test_a_whole_float_is_a_count_and_two_decimal_hours_are_fine():
    values = care_home_return(beds_occupied=35.0, hours_agency=512.25, hours_direct_overtime=310.5)
    assert check("care_home", values) == []


def test_hours_with_three_decimals_are_refused():
    found = check("home_care", home_care_return(hours_agency=210.125))
    assert codes(found) == [("hours_agency", "out_of_range")]
    assert "2 decimal places" in found[0].message and "210.125" in found[0].message


def test_an_absurd_number_of_beds_names_the_number():
    found = check("care_home", care_home_return(beds_max_capacity=12000))
    assert ("beds_max_capacity", "out_of_range") in codes(found)
    assert "12,000" in found[0].message and "10,000" in found[0].message


def test_a_wrong_type_value_is_left_out_of_the_rules():
    # 60 occupied beds would break capacity, but "sixty" cannot be added up: one finding only.
    found = check("care_home", care_home_return(beds_occupied="sixty"))
    assert codes(found) == [("beds_occupied", "wrong_type")]


# ---- fields asked only in some cases ----------------------------------------------------

def test_reasons_are_required_when_a_bed_is_unavailable_before_june_2024():
    covid = {"covid_vacc_direct": 20, "covid_vacc_agency": 1, "covid_vacc_residents": 30}
    for values in (without(care_home_return(**covid), "beds_unavailable_reasons"),
                   care_home_return(beds_unavailable_reasons=[], **covid)):
        found = check("care_home", values, MARCH_2024)
        assert codes(found) == [("beds_unavailable_reasons", "required")]
        assert found[0].related == ("beds_vacant_unavailable",)
        assert "Vacant beds not available for admission is more than 0" in found[0].message
    assert check("care_home", without(care_home_return(**covid), "beds_unavailable_reasons"), MARCH_2024,
                 not_known=["beds_unavailable_reasons"]) == []


def test_reasons_are_optional_from_june_2024():
    assert check("care_home", without(care_home_return(), "beds_unavailable_reasons")) == []


def test_reasons_must_be_empty_when_no_bed_is_unavailable():
    values = care_home_return(beds_vacant_unavailable=0, beds_vacant_accepting=4)
    found = check("care_home", values)
    assert codes(found) == [("beds_unavailable_reasons", "must_be_empty")]
    assert found[0].related == ("beds_vacant_unavailable",)
    assert found[0].message == ("Reasons beds are not available must be empty when "
                                "Vacant beds not available for admission is 0: remove the answer.")
    assert check("care_home", without(values, "beds_unavailable_reasons")) == []
    assert check("care_home", care_home_return(beds_vacant_unavailable=0, beds_vacant_accepting=4,
                                               beds_unavailable_reasons=[])) == []
    marked = check("care_home", without(values, "beds_unavailable_reasons"), not_known=["beds_unavailable_reasons"])
    assert codes(marked) == [("beds_unavailable_reasons", "must_be_empty")]
    assert "'not known' mark" in marked[0].message


def test_reasons_wait_while_the_unavailable_count_is_unknown():
    values = without(care_home_return(beds_vacant_accepting=4), "beds_vacant_unavailable", "beds_unavailable_reasons")
    assert check("care_home", values, not_known=["beds_vacant_unavailable"]) == []


@pytest.mark.parametrize("service_type", RETURNS)
def test_visa_counts_are_required_with_a_sponsorship_licence(service_type):
    keys = VISA_FIELDS[service_type]
    found = check(service_type, without(RETURNS[service_type](), *keys))
    assert codes(found) == [(key, "required") for key in keys]
    assert all(f.related == ("sponsor_licence",) for f in found)
    assert "Does the organisation hold a sponsorship licence? is 'yes'" in found[0].message


@pytest.mark.parametrize("service_type", RETURNS)
def test_visa_counts_must_be_empty_without_a_licence(service_type):
    keys = VISA_FIELDS[service_type]
    found = check(service_type, RETURNS[service_type](sponsor_licence="no"))
    # Only the field errors: the visa counts are not also checked against the headcount.
    assert codes(found) == [(key, "must_be_empty") for key in keys]
    assert all(f.related == ("sponsor_licence",) for f in found)
    assert "Does the organisation hold a sponsorship licence? is 'no'" in found[0].message
    assert check(service_type, without(RETURNS[service_type](sponsor_licence="no"), *keys)) == []


@pytest.mark.parametrize("service_type", RETURNS)
def test_visa_counts_wait_while_the_licence_is_not_known_or_unreadable(service_type):
    keys = VISA_FIELDS[service_type]
    values = without(RETURNS[service_type](), "sponsor_licence", *keys)
    assert check(service_type, values, not_known=["sponsor_licence"]) == []
    found = check(service_type, RETURNS[service_type](sponsor_licence="perhaps"))
    assert codes(found) == [("sponsor_licence", "wrong_type")]


@pytest.mark.parametrize("service_type", RETURNS)
@pytest.mark.parametrize("period", [Period(2026, 9), Period(2027, 1), Period(2027, 3)])
def test_flu_questions_are_required_september_to_march(service_type, period):
    keys = FLU_FIELDS[service_type]
    found = check(service_type, without(RETURNS[service_type](), *keys), period)
    assert codes(found) == [(key, "required") for key in keys]
    assert "flu season (September to March)" in found[0].message
    assert check(service_type, without(RETURNS[service_type](), *keys), period, not_known=keys) == []


@pytest.mark.parametrize("service_type", RETURNS)
@pytest.mark.parametrize("period", [Period(2026, 7), Period(2026, 8), Period(2025, 8)])
def test_flu_questions_must_be_empty_april_to_august(service_type, period):
    keys = FLU_FIELDS[service_type]
    found = check(service_type, RETURNS[service_type](), period)
    assert codes(found) == [(key, "must_be_empty") for key in keys]
    assert found[0].message.endswith(f"is asked September to March only; leave it empty for {period.label}.")
    assert check(service_type, without(RETURNS[service_type](), *keys), period) == []
    marked = check(service_type, without(RETURNS[service_type](), *keys), period, not_known=keys[:1])
    assert codes(marked) == [(keys[0], "must_be_empty")]


def test_out_of_season_flu_counts_are_not_checked_against_the_group():
    found = check("care_home", care_home_return(flu_vacc_residents=99), JULY)
    assert ("flu_vacc_residents", "vaccinated_over_group") not in codes(found)


# ---- junk input ------------------------------------------------------------------------------

@pytest.mark.parametrize("values", [None, [], "beds", 42, [("beds_occupied", 3)]])
def test_values_that_are_not_a_mapping_count_as_an_empty_return(values):
    form = form_for("care_home", SEPTEMBER)
    assert validate(form, SEPTEMBER, values, []) == validate(form, SEPTEMBER, {}, [])


@pytest.mark.parametrize("not_known", [None, 7, "beds_occupied", [None, 3, ["x"], {"a": 1}], {"beds_occupied": 1}])
def test_junk_not_known_marks_nothing_it_cannot_name(not_known):
    found = check("care_home", without(care_home_return(), "beds_max_capacity"), not_known=not_known)
    assert codes(found) == [("beds_max_capacity", "required")]


def test_keys_the_form_does_not_ask_are_ignored_by_validate():
    assert check("care_home", care_home_return(bed_max_capacity=40, people_supported=3)) == []


# ---- input problems ----------------------------------------------------------------------

def test_clean_input_has_no_problems():
    form = form_for("care_home", SEPTEMBER)
    assert input_problems(form, care_home_return(), ["flu_vacc_agency"]) == []
    assert input_problems(form, care_home_return(beds_occupied=-4, hours_agency=1.001), []) == []


def test_unknown_keys_suggest_the_closest_field():
    problems = input_problems(form_for("care_home", SEPTEMBER), {"bed_max_capacity": 40}, [])
    assert problems == ["unknown field 'bed_max_capacity' for care_home (did you mean beds_max_capacity?)"]
    problems = input_problems(form_for("home_care", SEPTEMBER), {"zzz": 1, "beds_occupied": 2}, [])
    assert problems == ["unknown field 'zzz' for home_care", "unknown field 'beds_occupied' for home_care"]


def test_bad_not_known_entries_are_each_named():
    form = form_for("care_home", SEPTEMBER)
    problems = input_problems(form, {}, ["beds_ocupied", 3, "beds_occupied"])
    assert problems == [
        "unknown field 'beds_ocupied' in not_known for care_home (did you mean beds_occupied?)",
        "not_known entry 3 is not a field key",
    ]
    assert input_problems(form, {}, "beds_occupied") == [
        "not_known must be a list of field keys, not 'beds_occupied'"]


def test_wrong_types_are_problems_naming_field_value_and_why():
    form = form_for("care_home", SEPTEMBER)
    problems = input_problems(form, care_home_return(beds_occupied="thirty-five", sponsor_licence=True), [])
    assert len(problems) == 2
    assert "beds_occupied" in problems[0] and "thirty-five" in problems[0] and "number" in problems[0]
    assert "sponsor_licence" in problems[1] and "yes or no" in problems[1]


def test_values_that_are_not_a_mapping_are_a_problem():
    assert input_problems(form_for("care_home", SEPTEMBER), [1, 2], []) == [
        "values must be a mapping of field keys to values, not list"]
