"""Cross-field and month-on-month rules, for both bundled forms and for a service type added as data."""

from __future__ import annotations

import shutil

import pytest
from sample_returns import FLU_SEASON_RETURNS as RETURNS
from sample_returns import care_home_return, home_care_return

from ct_desktop.forms import catalogue
from ct_desktop.forms.catalogue import DefinitionError, form_for, load_catalogue
from ct_desktop.forms.findings import ERROR, WARNING, Finding, PreviousReturn
from ct_desktop.forms.model import RULE_KINDS, Rule
from ct_desktop.forms.rules import RULE_CHECKS, Count, Figures, as_fraction, at_most, fill_message, show_number
from ct_desktop.forms.validate import validate
from ct_desktop.period import Period

SEPTEMBER = Period(2026, 9)
AUGUST = Period(2026, 8)
NOVEMBER_2025 = Period(2025, 11)  # in the autumn 2025 COVID-19 vaccination campaign


def check(service_type: str, values: dict, period: Period = SEPTEMBER, not_known=(), previous=None) -> list[Finding]:
    return validate(form_for(service_type, period), period, values, not_known, previous)


def only(findings: list[Finding], code: str) -> list[Finding]:
    return [finding for finding in findings if finding.code == code]


def one(findings: list[Finding], code: str) -> Finding:
    found = only(findings, code)
    assert len(found) == 1, findings
    return found[0]


def test_every_rule_kind_has_a_check():
    assert set(RULE_KINDS) == set(RULE_CHECKS)


# ---- beds -------------------------------------------------------------------------------------

def test_more_beds_than_capacity_is_an_error_naming_both_numbers():
    findings = check("care_home", care_home_return(beds_occupied=36))
    finding = one(findings, "beds_over_capacity")
    assert (finding.field, finding.severity) == ("beds_occupied", ERROR)
    assert "41" in finding.message and "40" in finding.message
    assert finding.related == ("beds_vacant_reserved", "beds_vacant_accepting", "beds_vacant_unavailable",
                               "beds_max_capacity")
    assert only(findings, "beds_unaccounted") == []


def test_beds_unaccounted_for_is_a_warning_with_the_difference_and_thousands_separated():
    finding = one(check("care_home", care_home_return(beds_max_capacity=2000)), "beds_unaccounted")
    assert finding.severity == WARNING
    assert "add up to 40" in finding.message and "2,000" in finding.message
    assert "1,960 beds are not accounted for" in finding.message
    one_short = one(check("care_home", care_home_return(beds_max_capacity=41)), "beds_unaccounted")
    assert "the maximum bed capacity is 41: 1 bed is not accounted for." in one_short.message
    assert one_short.message.endswith("Vacant beds not available for admission, if there are any, can be given.")


def test_bed_counts_given_so_far_that_exceed_the_capacity_are_an_error_at_once():
    # 35 Enter 1 Enter typed as 351 occupied, the other bed counts still blank.
    partial = {"beds_max_capacity": 40, "beds_occupied": 351}
    finding = one(check("care_home", partial), "beds_over_capacity")
    assert (finding.field, finding.severity) == ("beds_occupied", ERROR)
    assert "add up to 351" in finding.message and "capacity of 40" in finding.message
    assert finding.related == ("beds_max_capacity",)  # only the counts given so far, and the capacity
    values = care_home_return(beds_occupied=None, beds_max_capacity=1)  # reserved 2 + accepting 5 + 3
    assert one(check("care_home", values), "beds_over_capacity").field == "beds_vacant_reserved"
    marked = {k: v for k, v in care_home_return(beds_max_capacity=1).items() if k != "beds_vacant_reserved"}
    assert one(check("care_home", marked, not_known=["beds_vacant_reserved"]), "beds_over_capacity")


def test_bed_counts_within_the_capacity_so_far_and_a_blank_capacity_are_no_error_yet():
    assert only(check("care_home", {"beds_max_capacity": 40, "beds_occupied": 35}), "beds_over_capacity") == []
    assert only(check("care_home", {"beds_occupied": 351}), "beds_over_capacity") == []
    # "Not accounted for" waits for every count: a part of them is always short of the capacity.
    assert only(check("care_home", {"beds_max_capacity": 40, "beds_occupied": 35}), "beds_unaccounted") == []


def test_absence_given_so_far_over_the_headcount_is_an_error_at_once():
    partial = {"staff_direct_nurses": 4, "absent_covid_direct_nurses": 5}
    finding = one(check("care_home", partial), "absence_over_headcount")
    assert (finding.field, finding.related) == ("absent_covid_direct_nurses", ("staff_direct_nurses",))
    assert one(check("care_home", {"staff_direct_nurses": 4, "absent_other_direct_nurses": 5}),
               "absence_over_headcount").field == "absent_other_direct_nurses"
    visa = one(check("care_home", {"staff_direct_care": 3, "visa_direct_care": 4, "sponsor_licence": "yes"}),
               "visa_over_headcount")
    assert visa.field == "visa_direct_care"


# ---- workforce ------------------------------------------------------------------------------

@pytest.mark.parametrize(("service_type", "visa", "staff"), [
    ("care_home", "visa_direct_nurses", "staff_direct_nurses"),
    ("care_home", "visa_direct_noncare", "staff_direct_noncare"),
    ("home_care", "visa_direct_care", "staff_direct_care"),
])
def test_visa_holders_cannot_outnumber_the_direct_headcount(service_type, visa, staff):
    finding = one(check(service_type, RETURNS[service_type](**{visa: 13, staff: 12})), "visa_over_headcount")
    assert (finding.field, finding.severity, finding.related) == (visa, ERROR, (staff,))
    assert "(13)" in finding.message and "(12)" in finding.message
    assert only(check(service_type, RETURNS[service_type](**{visa: 12, staff: 12})), "visa_over_headcount") == []


@pytest.mark.parametrize(("service_type", "covid", "other", "staff"), [
    ("care_home", "absent_covid_direct_nurses", "absent_other_direct_nurses", "staff_direct_nurses"),
    ("care_home", "absent_covid_direct_care", "absent_other_direct_care", "staff_direct_care"),
    ("home_care", "absent_covid_direct_care", "absent_other_direct_care", "staff_direct_care"),
])
def test_absence_cannot_outnumber_the_direct_headcount(service_type, covid, other, staff):
    values = RETURNS[service_type](**{covid: 4, other: 3, staff: 6, "visa_direct_nurses": 0,
                                      "visa_direct_care": 0})
    finding = one(check(service_type, values), "absence_over_headcount")
    assert (finding.field, finding.related) == (covid, (other, staff))
    assert "7" in finding.message and "6" in finding.message


@pytest.mark.parametrize("service_type", RETURNS)
def test_overtime_cannot_exceed_the_total(service_type):
    finding = one(check(service_type, RETURNS[service_type](hours_direct_overtime=6890.5, hours_direct_total=6890)),
                  "overtime_over_total")
    assert (finding.field, finding.severity, finding.related) == ("hours_direct_overtime", ERROR,
                                                                  ("hours_direct_total",))
    assert "(6,890.5)" in finding.message and "(6,890)" in finding.message


def test_hours_beyond_744_per_direct_employee_are_impossible():
    # 2 + 3 + 1 = 6 people can work at most 6 * 744 = 4,464 hours in a month.
    staff = {"staff_direct_nurses": 2, "staff_direct_care": 3, "staff_direct_noncare": 1, "visa_direct_nurses": 0,
             "visa_direct_care": 0, "absent_other_direct_care": 0, "absent_other_direct_noncare": 0,
             "covid_vacc_direct": 5, "flu_vacc_direct": 5, "hours_direct_overtime": 0}
    assert only(check("care_home", care_home_return(hours_direct_total=4464, **staff)), "hours_impossible") == []
    finding = one(check("care_home", care_home_return(hours_direct_total=4464.01, **staff)), "hours_impossible")
    assert (finding.field, finding.severity) == ("hours_direct_total", ERROR)
    assert "4,464.01 hours" in finding.message and "4,464 hours at most" in finding.message


def test_home_care_agency_hours_beyond_744_per_head_are_impossible():
    finding = one(check("home_care", home_care_return(hours_agency=2233)), "hours_impossible")
    assert (finding.field, finding.related) == ("hours_agency", ("staff_agency_care",))
    assert "2,233" in finding.message and "2,232" in finding.message


@pytest.mark.parametrize("service_type", RETURNS)
def test_hours_with_no_headcount_is_a_warning(service_type):
    values = RETURNS[service_type](staff_agency_care=0, staff_agency_nurses=0, covid_vacc_agency=0,
                                   flu_vacc_agency=0, hours_agency=37.5)
    if service_type == "home_care":
        values.update(covid_vacc_staff=18, flu_vacc_staff=12)
    finding = one(check(service_type, values), "hours_without_staff")
    assert (finding.field, finding.severity) == ("hours_agency", WARNING)
    assert "37.5 hours" in finding.message
    assert one(check(service_type, dict(values, hours_agency=1)), "hours_without_staff").message.startswith(
        "1 hour worked by agency or bank staff")
    assert only(check(service_type, dict(values, hours_agency=0)), "hours_without_staff") == []


@pytest.mark.parametrize("service_type", RETURNS)
def test_headcount_with_no_hours_is_a_warning(service_type):
    finding = one(check(service_type, RETURNS[service_type](hours_direct_total=0, hours_direct_overtime=0)),
                  "staff_without_hours")
    assert finding.severity == WARNING
    assert "hours_direct_total" in finding.related
    assert ("56" if service_type == "care_home" else "54") in finding.message


# ---- vaccination --------------------------------------------------------------------------

def test_more_vaccinated_residents_than_beds_occupied_is_an_error():
    findings = check("care_home", care_home_return(covid_vacc_residents=36, flu_vacc_residents=35), NOVEMBER_2025)
    finding = one(findings, "vaccinated_over_group")
    assert (finding.field, finding.related) == ("covid_vacc_residents", ("beds_occupied",))
    assert "(36)" in finding.message and "(35)" in finding.message


@pytest.mark.parametrize(("service_type", "key", "group"), [
    ("care_home", "covid_vacc_direct", "56"),
    ("care_home", "flu_vacc_agency", "5"),
    ("home_care", "flu_vacc_staff", "57"),
])
def test_more_vaccinated_staff_than_the_headcount_is_an_error(service_type, key, group):
    finding = one(check(service_type, RETURNS[service_type](**{key: 100}), NOVEMBER_2025), "vaccinated_over_group")
    assert finding.field == key and "(100)" in finding.message and f"({group})" in finding.message


def _fell(service_type: str, key: str, before: Period, now: Period) -> list[Finding]:
    previous = PreviousReturn(before, RETURNS[service_type](**{key: 20}))
    return only(check(service_type, RETURNS[service_type](**{key: 15}), now, previous=previous), "vaccinations_fell")


@pytest.mark.parametrize(("service_type", "key"), [("care_home", "covid_vacc_direct"),
                                                   ("care_home", "covid_vacc_residents"),
                                                   ("home_care", "covid_vacc_staff")])
def test_a_covid_count_falling_within_a_campaign_is_a_warning(service_type, key):
    # autumn 2025 ran 1 October 2025 to 31 January 2026; spring 2026 from April 2026
    for before, now in [(Period(2025, 10), Period(2025, 11)), (Period(2025, 12), Period(2026, 1)),
                        (Period(2026, 4), Period(2026, 5)), (Period(2026, 4), Period(2026, 6))]:
        found = _fell(service_type, key, before, now)
        assert [(f.field, f.severity) for f in found] == [(key, WARNING)]
        assert "from 20" in found[0].message and before.label in found[0].message and "to 15" in found[0].message


@pytest.mark.parametrize(("service_type", "key"), [("care_home", "covid_vacc_agency"),
                                                   ("home_care", "covid_vacc_staff")])
def test_a_covid_count_may_start_again_with_a_new_campaign(service_type, key):
    assert _fell(service_type, key, Period(2026, 1), Period(2026, 4)) == []  # autumn 2025, then spring 2026
    assert _fell(service_type, key, Period(2024, 12), Period(2025, 4)) == []  # autumn 2024, then spring 2025
    assert _fell(service_type, key, Period(2024, 11), Period(2025, 11)) == []


@pytest.mark.parametrize(("service_type", "key"), [("care_home", "flu_vacc_residents"),
                                                   ("home_care", "flu_vacc_staff")])
def test_a_flu_count_falling_is_questioned_only_within_one_flu_season(service_type, key):
    assert len(_fell(service_type, key, Period(2026, 10), Period(2026, 11))) == 1
    assert len(_fell(service_type, key, Period(2026, 12), Period(2027, 3))) == 1
    assert _fell(service_type, key, Period(2026, 3), Period(2026, 9)) == []
    assert _fell(service_type, key, Period(2025, 10), Period(2026, 10)) == []


def test_a_rising_or_steady_count_is_fine():
    covid = {"covid_vacc_agency": 1, "covid_vacc_residents": 30}
    previous = PreviousReturn(Period(2025, 10), care_home_return(covid_vacc_direct=20, **covid))
    assert check("care_home", care_home_return(covid_vacc_direct=20, **covid), NOVEMBER_2025,
                 previous=previous) == []


# ---- month on month ----------------------------------------------------------------------

def _changes(service_type: str, key: str, old, new, **extra) -> list[Finding]:
    previous = PreviousReturn(AUGUST, RETURNS[service_type](**{key: old}))
    return only(check(service_type, RETURNS[service_type](**{key: new}), previous=previous, **extra), "large_change")


@pytest.mark.parametrize(("service_type", "key"), [("care_home", "staff_direct_care"),
                                                   ("care_home", "beds_max_capacity"),
                                                   ("home_care", "people_supported")])
def test_a_change_of_more_than_half_is_a_warning(service_type, key):
    assert _changes(service_type, key, 100, 150) == []  # exactly 50%
    found = _changes(service_type, key, 100, 151)
    assert [(f.field, f.severity) for f in found] == [(key, WARNING)]
    assert "from 100 in August 2026 to 151" in found[0].message
    assert form_for(service_type, SEPTEMBER).field(key).label in found[0].message
    assert len(_changes(service_type, key, 100, 49)) == 1
    assert _changes(service_type, key, 100, 50) == []


def test_a_change_of_five_or_less_is_never_questioned():
    assert _changes("home_care", "staff_agency_care", 4, 9) == []  # +125%, but only 5
    assert len(_changes("home_care", "staff_agency_care", 4, 10)) == 1  # +6
    assert _changes("home_care", "staff_agency_care", 0, 5) == []
    assert len(_changes("home_care", "staff_agency_care", 0, 6)) == 1
    assert _changes("care_home", "staff_direct_nurses", 6, 1) == []


def test_month_on_month_rules_need_an_earlier_usable_previous_return():
    values = care_home_return(staff_direct_care=100)
    assert only(check("care_home", values), "large_change") == []
    for period in (SEPTEMBER, Period(2026, 10)):
        same_or_later = PreviousReturn(period, care_home_return(staff_direct_care=10))
        assert only(check("care_home", values, previous=same_or_later), "large_change") == []
    for old in ("10", True, None, [10], float("nan")):
        previous = PreviousReturn(AUGUST, care_home_return(staff_direct_care=old))
        assert only(check("care_home", values, previous=previous), "large_change") == []
    marked = PreviousReturn(AUGUST, care_home_return(staff_direct_care=10), frozenset({"staff_direct_care"}))
    assert only(check("care_home", values, previous=marked), "large_change") == []
    junk = PreviousReturn(AUGUST, ["not", "a", "mapping"], "junk")  # type: ignore[arg-type]
    assert check("care_home", care_home_return(), previous=junk) == []
    assert check("care_home", care_home_return(), previous="last month") == []  # type: ignore[arg-type]


def test_a_change_to_or_from_not_known_is_not_questioned():
    previous = PreviousReturn(AUGUST, care_home_return(staff_direct_care=10))
    values = {k: v for k, v in care_home_return().items() if k != "staff_direct_care"}
    assert check("care_home", values, not_known=["staff_direct_care"], previous=previous) == []


def test_hours_are_added_up_as_written_not_as_binary_floats():
    rule = Rule(kind="at_most", code="overtime_over_total", severity=ERROR, message="{left} > {right}",
                params={"left": ["a", "b"], "right": ["c"]})
    figures = Figures(SEPTEMBER, {"a": as_fraction(0.1), "b": as_fraction(0.2), "c": as_fraction(0.3)})
    assert at_most(rule, form_for("care_home", SEPTEMBER), figures) == []  # 0.1 + 0.2 != 0.3 in floats
    figures = Figures(SEPTEMBER, {"a": as_fraction(0.1), "b": as_fraction(0.21), "c": as_fraction(0.3)})
    assert at_most(rule, form_for("care_home", SEPTEMBER), figures)[0].message == "0.31 > 0.3"


def test_numbers_too_big_to_read_are_shown_in_powers_of_ten():
    assert show_number(as_fraction(10**400)) == "1.000E+400"
    assert show_number(as_fraction(1234567.5)) == "1,234,567.5"


# ---- messages -----------------------------------------------------------------------------

def test_a_message_with_an_unknown_or_broken_placeholder_is_still_shown():
    assert fill_message("{left} and {nope}", {"left": "3"}) == "3 and {nope}"
    assert fill_message("broken {left", {"left": "3"}) == "broken {left"
    assert fill_message("{0}", {}) == "{0}"
    assert fill_message("{nope:bed|beds} left", {}) == "{nope:bed|beds} left"  # words for an unknown number


@pytest.mark.parametrize(("number", "shown"), [(1, "1 bed is"), (0, "0 beds are"), (2, "2 beds are"),
                                                 (as_fraction(1.5), "1.5 beds are"), (1001, "1,001 beds are")])
def test_a_number_in_a_message_brings_the_words_that_agree_with_it(number, shown):
    assert fill_message("{n:bed is|beds are}; {n}", {"n": Count(as_fraction(number))}) == f"{shown}; {shown.split()[0]}"


# ---- a service type added as data ---------------------------------------------------------

HOSPICE = """
service_type = "hospice"
title = "Hospice"
version = "2026.1"
effective_from = 2026-04-01

[[sections]]
key = "beds"
title = "Beds"

  [[sections.fields]]
  key = "beds_max_capacity"
  label = "Inpatient beds"
  type = "count"
  mandatory = true
  max = 500

  [[sections.fields]]
  key = "beds_occupied"
  label = "Inpatient beds occupied"
  type = "count"
  mandatory = true
  max = 500

  [[sections.fields]]
  key = "staff_direct_care"
  label = "Directly employed clinical staff"
  type = "count"
  mandatory = true

  [[sections.fields]]
  key = "flu_vacc_staff"
  label = "Clinical staff with this season's flu vaccination"
  type = "count"
  season = "flu"

[[rules]]
kind = "at_most"
code = "beds_over_capacity"
left = ["beds_occupied"]
right = ["beds_max_capacity"]
message = "{left} beds occupied but only {right} beds."

[[rules]]
kind = "at_most"
code = "vaccinated_over_group"
left = ["flu_vacc_staff"]
right = ["staff_direct_care"]
message = "{left} vaccinated staff out of {right}."

[[rules]]
kind = "no_fall_in_season"
code = "vaccinations_fell"
severity = "warning"
season = "flu"
fields = ["flu_vacc_staff"]
message = "{field} went down from {previous} in {period} to {current}."

[[rules]]
kind = "change_limit"
code = "large_change"
severity = "warning"
percent = 25
min_change = 1
fields = ["beds_max_capacity"]
message = "{field} changed from {previous} in {period} to {current}."
"""


def _catalogue_with(tmp_path, text: str):
    shutil.copy(catalogue.DEFINITIONS_DIR / catalogue.SEASONS_FILE, tmp_path / catalogue.SEASONS_FILE)
    (tmp_path / "hospice-2026.toml").write_text(text, encoding="utf-8")
    return load_catalogue(tmp_path)


def test_a_new_service_type_validates_with_no_new_code(tmp_path):
    form = _catalogue_with(tmp_path, HOSPICE).form_for("hospice", SEPTEMBER)
    good = {"beds_max_capacity": 12, "beds_occupied": 10, "staff_direct_care": 30, "flu_vacc_staff": 20}
    assert validate(form, SEPTEMBER, good, []) == []
    bad = {"beds_max_capacity": 12, "beds_occupied": 13, "flu_vacc_staff": 31}
    previous = PreviousReturn(AUGUST, dict(good, beds_max_capacity=9))
    found = validate(form, SEPTEMBER, bad, [], previous)
    assert [(f.field, f.code, f.severity) for f in found] == [
        ("staff_direct_care", "required", ERROR),
        ("beds_occupied", "beds_over_capacity", ERROR),
        ("beds_max_capacity", "large_change", WARNING),
    ]
    assert found[1].message == "13 beds occupied but only 12 beds."
    assert found[2].message == "Inpatient beds changed from 9 in August 2026 to 12."
    october = PreviousReturn(Period(2026, 10), good)
    fell = validate(form, Period(2026, 11), dict(good, flu_vacc_staff=19), [], october)
    assert [(f.field, f.code) for f in fell] == [("flu_vacc_staff", "vaccinations_fell")]
    july = validate(form, Period(2026, 7), good, [])
    assert [(f.field, f.code) for f in july] == [("flu_vacc_staff", "must_be_empty")]


def test_a_rule_with_a_non_numeric_parameter_is_refused_when_it_loads(tmp_path):
    with pytest.raises(DefinitionError, match="'min_change' must be a number"):
        _catalogue_with(tmp_path, HOSPICE.replace("min_change = 1", 'min_change = "1"'))
