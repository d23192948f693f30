"""The question sets by date, checked through `ct-desktop validate`: each month keeps its own questions.

2023.07 (July 2023 to May 2024) and 2024.06 (from June 2024) differ where the notice of 26 April 2024 and
the release of 5 June 2024 changed them; each difference has a test here, in a month of each version.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sample_returns import COVID_ANSWERS, care_home_values, home_care_values

from ct_desktop.cli import main
from ct_desktop.forms.catalogue import default_catalogue
from ct_desktop.period import Period

OLD = "2024-03"  # question set 2023.07 (March: flu season, and no COVID-19 campaign)
NEW = "2025-11"  # question set 2024.06, in the autumn 2025 COVID-19 vaccination campaign
NEW_NO_CAMPAIGN = "2026-09"  # question set 2024.06, no campaign known


def validate(capsys, tmp_path: Path, service_type: str, period: str, values: dict) -> tuple[int, list[dict]]:
    path = tmp_path / "return.json"
    path.write_text(json.dumps({"values": values, "not_known": []}), encoding="utf-8")
    code = main(["validate", "--service-type", service_type, "--period", period, str(path)])
    out, err = capsys.readouterr()
    assert err == ""
    return code, json.loads(out)


def care_home(**changes) -> dict:
    values = {**care_home_values(), **COVID_ANSWERS["care_home"], **changes}
    return {key: value for key, value in values.items() if value is not None}


def home_care(**changes) -> dict:
    values = {**home_care_values(), **COVID_ANSWERS["home_care"], "flu_vacc_staff": 12, **changes}
    return {key: value for key, value in values.items() if value is not None}


def codes(findings: list[dict]) -> list[tuple[str, str]]:
    return [(f["field"], f["code"]) for f in findings]


def test_each_month_gets_the_version_in_force_on_its_first_day():
    catalogue = default_catalogue()
    for service_type in ("care_home", "home_care"):
        assert catalogue.form_for(service_type, Period(2023, 7)).version == "2023.07"
        assert catalogue.form_for(service_type, Period(2024, 5)).version == "2023.07"
        assert catalogue.form_for(service_type, Period(2024, 6)).version == "2024.06"
        assert catalogue.form_for(service_type, Period(2026, 12)).version == "2024.06"


def test_a_complete_return_is_clean_under_both_versions(capsys, tmp_path):
    assert validate(capsys, tmp_path, "care_home", OLD, care_home()) == (0, [])
    assert validate(capsys, tmp_path, "care_home", NEW, care_home()) == (0, [])
    assert validate(capsys, tmp_path, "home_care", OLD, home_care()) == (0, [])
    assert validate(capsys, tmp_path, "home_care", NEW, home_care()) == (0, [])


def test_unavailable_beds_are_mandatory_before_june_2024_and_optional_after(capsys, tmp_path):
    values = care_home(beds_vacant_unavailable=None, beds_unavailable_reasons=None, beds_vacant_accepting=4)
    code, found = validate(capsys, tmp_path, "care_home", OLD, values)
    assert (code, codes(found)) == (1, [("beds_vacant_unavailable", "required")])
    assert validate(capsys, tmp_path, "care_home", NEW, values) == (0, [])


def test_reasons_are_required_before_june_2024_and_optional_after(capsys, tmp_path):
    values = care_home(beds_unavailable_reasons=None)  # 2 beds unavailable, no reason given
    code, found = validate(capsys, tmp_path, "care_home", OLD, values)
    assert (code, codes(found)) == (1, [("beds_unavailable_reasons", "required")])
    assert validate(capsys, tmp_path, "care_home", NEW, values) == (0, [])
    # still never given when no bed is unavailable, in either version
    none_unavailable = care_home(beds_vacant_unavailable=0, beds_vacant_accepting=4)
    for period in (OLD, NEW):
        assert codes(validate(capsys, tmp_path, "care_home", period, none_unavailable)[1]) == [
            ("beds_unavailable_reasons", "must_be_empty")]


@pytest.mark.parametrize(("service_type", "make", "key"), [("care_home", care_home, "covid_vacc_residents"),
                                                           ("home_care", home_care, "covid_vacc_staff")])
def test_covid_vaccination_is_monthly_before_june_2024_and_in_campaigns_only_after(capsys, tmp_path, service_type,
                                                                                     make, key):
    blank = make(**{key: None})
    old_gap = "2024-02"  # no campaign in February 2024, but 2023.07 asks every month
    assert codes(validate(capsys, tmp_path, service_type, old_gap, blank)[1]) == [(key, "required")]
    code, found = validate(capsys, tmp_path, service_type, NEW, blank)
    assert codes(found) == [(key, "required")]
    assert "autumn 2025 (1 October 2025 to 31 January 2026)" in found[0]["message"]
    # from June 2024, not asked outside a campaign: a figure must be left out
    summer = {k: v for k, v in make().items() if not k.startswith("flu_")}
    code, found = validate(capsys, tmp_path, service_type, "2025-08", summer)
    assert (code, codes(found)) == (1, [(k, "must_be_empty") for k in COVID_ANSWERS[service_type]])
    assert "there is no COVID-19 vaccination campaign in August 2025" in found[0]["message"]
    code, found = validate(capsys, tmp_path, service_type, NEW_NO_CAMPAIGN, make())
    assert codes(found) == [(k, "must_be_empty") for k in COVID_ANSWERS[service_type]]
    assert "no COVID-19 vaccination campaign is known yet for September 2026" in found[0]["message"]


@pytest.mark.parametrize(("service_type", "make", "key"), [("care_home", care_home, "visa_direct_care"),
                                                           ("home_care", home_care, "visa_direct_care")])
def test_visa_figures_without_a_licence_are_refused_only_from_june_2024(capsys, tmp_path, service_type, make, key):
    values = make(sponsor_licence="no", **{key: 0})
    if service_type == "care_home":
        values.update(visa_direct_nurses=None, visa_direct_noncare=None)
        values = {k: v for k, v in values.items() if v is not None}
    assert validate(capsys, tmp_path, service_type, OLD, values) == (0, [])
    code, found = validate(capsys, tmp_path, service_type, NEW, values)
    assert (code, codes(found)) == (1, [(key, "must_be_empty")])


def test_people_supported_means_people_receiving_regulated_care_from_june_2024():
    catalogue = default_catalogue()
    old = catalogue.form_for("home_care", Period(2024, 3)).field("people_supported")
    new = catalogue.form_for("home_care", Period(2024, 6)).field("people_supported")
    assert old.label == "People using the service today"
    assert new.label == "People receiving regulated care from the service today"
    assert "regulated" in new.include and "non-regulated" in new.exclude


def test_bed_sums_count_unavailable_beds_only_when_given(capsys, tmp_path):
    # 35 occupied + 1 reserved + 2 accepting = 38 of 40: with 2 unavailable given, every bed is accounted for
    assert validate(capsys, tmp_path, "care_home", NEW, care_home()) == (0, [])
    code, found = validate(capsys, tmp_path, "care_home", NEW,
                           care_home(beds_vacant_unavailable=None, beds_unavailable_reasons=None))
    assert code == 0 and codes(found) == [("beds_occupied", "beds_unaccounted")]
    assert "add up to 38" in found[0]["message"] and "2 beds are not accounted for" in found[0]["message"]
    assert "Vacant beds not available for admission, if there are any, can be given." in found[0]["message"]
    code, found = validate(capsys, tmp_path, "care_home", NEW, care_home(beds_vacant_unavailable=5))
    assert (code, codes(found)) == (1, [("beds_occupied", "beds_over_capacity")])
    assert "add up to 43" in found[0]["message"]
    # before June 2024 the count is mandatory: missing, it is required and the sums wait for it
    code, found = validate(capsys, tmp_path, "care_home", OLD,
                           care_home(beds_vacant_unavailable=None, beds_unavailable_reasons=None))
    assert codes(found) == [("beds_vacant_unavailable", "required")]


def test_a_return_saved_under_the_earlier_number_2025_1_opens_with_its_correction():
    catalogue = default_catalogue()
    for service_type in ("care_home", "home_care"):
        form = catalogue.form_version(service_type, "2025.1")
        assert form.version == "2024.06"
        assert catalogue.form_for(service_type, Period(2026, 9)) is form
