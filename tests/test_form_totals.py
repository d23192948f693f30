"""Running totals under a form's sections: declared in the definitions, worked out from the answers so far."""

from __future__ import annotations

import shutil

import pytest
from sample_returns import care_home_values

from ct_desktop.forms.catalogue import DEFINITIONS_DIR, DefinitionError, form_for, load_catalogue
from ct_desktop.forms.model import quantity_text, singular
from ct_desktop.forms.totals import compute_total, section_totals
from ct_desktop.period import Period

SEPTEMBER = Period(2026, 9)


@pytest.fixture
def care_home():
    return form_for("care_home", SEPTEMBER)


@pytest.fixture
def values():
    return care_home_values()


def test_the_care_home_form_declares_beds_and_headcount_totals(care_home):
    beds = next(s for s in care_home.sections if s.key == "beds")
    assert [t.label for t in beds.totals] == ["Beds accounted for"]
    assert beds.totals[0].compare_to == ("beds_max_capacity",)
    workforce = next(s for s in care_home.sections if s.key == "workforce")
    # Visa holders and absence are in the workforce section (one grid): the absence total is shown there too.
    assert [t.label for t in workforce.totals] == ["Directly employed staff", "Agency or bank staff",
                                                   "Staff absent today"]


def test_totals_of_a_complete_return(care_home, values):
    lines = [figure.describe() for section in care_home.sections
             for figure in section_totals(care_home, section.key, values)]
    assert lines == [
        "Beds accounted for: 40 of 40 beds (maximum bed capacity)",
        "Directly employed staff: 56 people",
        "Agency or bank staff: 5 people",
        "Staff absent today: 4 of 56 people (directly employed staff)",
        "All hours worked: 7,932.5 hours",
    ]


def test_a_partly_answered_total_says_so_far_and_what_is_missing(care_home, values):
    del values["beds_occupied"]
    values["beds_vacant_reserved"] = None
    figure = section_totals(care_home, "beds", values, not_known={"beds_vacant_reserved"})[0]
    assert not figure.complete
    assert figure.missing == ("beds_occupied", "beds_vacant_reserved")
    assert figure.describe() == "Beds accounted for so far: 4 beds (1 of 4 not answered yet, 1 not known)"


def test_a_total_without_its_comparison_yet_and_with_junk_left_out(care_home, values):
    del values["beds_max_capacity"]
    values["beds_occupied"] = 12000  # out of range still counts: the number is clear, only wrong
    figure = section_totals(care_home, "beds", values)[0]
    assert figure.describe() == "Beds accounted for: 12,005 beds (maximum bed capacity not answered yet)"
    values["beds_occupied"] = "many"  # not a number: left out
    assert section_totals(care_home, "beds", values)[0].missing == ("beds_occupied",)


def test_a_one_bed_total_says_bed(care_home, values):
    values.update(beds_occupied=1, beds_vacant_reserved=0, beds_vacant_accepting=0, beds_vacant_unavailable=0,
                  beds_max_capacity=1)
    assert section_totals(care_home, "beds", values)[0].describe() == (
        "Beds accounted for: 1 of 1 bed (maximum bed capacity)")
    del values["beds_vacant_reserved"]
    assert section_totals(care_home, "beds", values)[0].describe() == (
        "Beds accounted for so far: 1 bed (1 of 4 not answered yet)")


def test_every_unit_of_the_bundled_forms_reads_well_for_one():
    units = {item.unit for service in ("care_home", "home_care")
             for item in form_for(service, SEPTEMBER).fields if item.unit}
    assert {unit: singular(unit) for unit in units} == {
        "beds": "bed", "people": "person", "hours": "hour", "hours a week": "hour a week", "packages": "package"}
    assert (quantity_text(1, "beds"), quantity_text(1.0, "beds"), quantity_text(2, "beds")) == (
        "1 bed", "1 bed", "2 beds")


def test_hours_add_up_exactly(care_home):
    total = next(s for s in care_home.sections if s.key == "hours").totals[0]
    figure = compute_total(care_home, total, {"hours_direct_total": 0.1, "hours_agency": 0.2})
    assert figure.describe() == "All hours worked: 0.3 hours"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('fields = ["beds_ocupied"]', "total 'Odd': 'beds_ocupied' is not a field of this form"),
        ('fields = ["beds_unavailable_reasons"]', "total 'Odd': 'beds_unavailable_reasons' is not a number field"),
        ('fields = []', "total 'Odd' adds up no fields"),
        ('fields = ["beds_occupied"]\n  compare_to = ["beds_max_capacity"]', "has compare_to but no compare_label"),
    ],
)
def test_a_broken_total_is_reported_by_file_and_section(tmp_path, entry, message):
    folder = tmp_path / "defs"
    shutil.copytree(DEFINITIONS_DIR, folder)
    path = folder / "care_home-2024-06.toml"
    text = path.read_text()
    marker = "[[sections]]\nkey = \"workforce\""
    path.write_text(text.replace(marker, f"  [[sections.totals]]\n  label = \"Odd\"\n  {entry}\n\n{marker}"))
    with pytest.raises(DefinitionError) as caught:
        load_catalogue(folder)
    assert "care_home-2024-06.toml: section beds: " in str(caught.value)
    assert message in str(caught.value)
