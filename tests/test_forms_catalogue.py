"""Question sets as data: loading, versions in force, seasonal questions, values typed as text."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from ct_desktop.forms.catalogue import (
    DEFINITIONS_DIR,
    DefinitionError,
    UnknownForm,
    default_catalogue,
    form_for,
    load_catalogue,
)
from ct_desktop.forms.model import ValueProblem
from ct_desktop.period import Period

CARE_HOME_KEYS = [
    "beds_max_capacity", "beds_occupied", "beds_vacant_reserved", "beds_vacant_accepting",
    "beds_vacant_unavailable", "beds_unavailable_reasons",
    "staff_direct_nurses", "staff_direct_care", "staff_direct_noncare",
    "staff_agency_nurses", "staff_agency_care", "staff_agency_noncare",
    "sponsor_licence", "visa_direct_nurses", "visa_direct_care", "visa_direct_noncare",
    "absent_covid_direct_nurses", "absent_covid_direct_care", "absent_covid_direct_noncare",
    "absent_other_direct_nurses", "absent_other_direct_care", "absent_other_direct_noncare",
    "hours_direct_total", "hours_direct_overtime", "hours_agency",
    "covid_vacc_direct", "covid_vacc_agency", "covid_vacc_residents",
    "flu_vacc_direct", "flu_vacc_agency", "flu_vacc_residents",
    "visits_into_location", "visits_out_of_location",
]  # fmt: skip
HOME_CARE_KEYS = [
    "people_supported", "packages_returned_la_nhs", "packages_returned_self", "spare_capacity_hours",
    "staff_direct_care", "staff_agency_care", "sponsor_licence", "visa_direct_care",
    "absent_covid_direct_care", "absent_other_direct_care",
    "hours_direct_total", "hours_direct_overtime", "hours_agency", "covid_vacc_staff", "flu_vacc_staff",
]  # fmt: skip


def test_both_service_types_ask_every_question_of_the_domain():
    assert default_catalogue().service_types() == ["care_home", "home_care", "supported_living"]
    assert [f.key for f in form_for("care_home", Period(2026, 9)).fields] == CARE_HOME_KEYS
    assert [f.key for f in form_for("home_care", Period(2026, 9)).fields] == HOME_CARE_KEYS


def test_every_field_has_a_label_and_every_section_guidance():
    for service_type in default_catalogue().service_types():
        form = form_for(service_type, Period(2026, 9))
        for section in form.sections:
            assert section.title and section.guidance
        for field in form.fields:
            assert field.label and field.label[0].isupper()
            assert field.unit or field.type in ("yesno", "choices")


def test_mandatory_markers_follow_the_domain():
    form = form_for("care_home", Period(2026, 9))
    optional = {f.key for f in form.fields if not f.mandatory}
    assert optional == {
        "beds_vacant_unavailable", "beds_unavailable_reasons",  # optional (operational) since April 2024
        "visa_direct_nurses", "visa_direct_care", "visa_direct_noncare",
        "covid_vacc_direct", "covid_vacc_agency", "covid_vacc_residents",
        "flu_vacc_direct", "flu_vacc_agency", "flu_vacc_residents",
    }  # the others are conditional or seasonal, not optional
    home = form_for("home_care", Period(2026, 9))
    assert {f.key for f in home.fields if not f.mandatory and f.season is None and f.required_when is None} == {
        "spare_capacity_hours"
    }


@pytest.mark.parametrize(("month", "asked"), [(9, True), (12, True), (1, True), (3, True), (4, False), (8, False)])
def test_flu_questions_are_asked_september_to_march_only(month, asked):
    form = form_for("care_home", Period(2027, month))
    keys = {f.key for f in form.asked_fields(Period(2027, month))}
    assert ("flu_vacc_residents" in keys) is asked
    assert form.season_applies("flu", Period(2027, month)) is asked


def write_definitions(folder: Path, extra: dict[str, str]) -> Path:
    folder.mkdir(exist_ok=True)
    shutil.copy(DEFINITIONS_DIR / "seasons.toml", folder / "seasons.toml")
    for name, text in extra.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def revised_care_home(version: str, effective: str) -> str:
    text = (DEFINITIONS_DIR / "care_home-2024-06.toml").read_text(encoding="utf-8")
    text = text.replace('version = "2024.06"', f'version = "{version}"').replace('replaces = ["2025.1"]', "")
    text = text.replace("effective_from = 2024-06-01", f"effective_from = {effective}")
    return text.replace('label = "Maximum bed capacity"', 'label = "Registered bed capacity"')


def test_a_revision_is_a_data_change_and_applies_from_its_effective_month(tmp_path):
    folder = write_definitions(tmp_path / "defs", {
        "care_home-2024-06.toml": (DEFINITIONS_DIR / "care_home-2024-06.toml").read_text(encoding="utf-8"),
        "care_home-2027.toml": revised_care_home("2027.1", "2027-04-01"),
    })
    catalogue = load_catalogue(folder)
    assert catalogue.form_for("care_home", Period(2027, 3)).version == "2024.06"
    revised = catalogue.form_for("care_home", Period(2027, 4))
    assert revised.version == "2027.1"
    assert revised.field("beds_max_capacity").label == "Registered bed capacity"
    assert catalogue.form_version("care_home", "2024.06").field("beds_max_capacity").label == "Maximum bed capacity"
    assert catalogue.form_version("care_home", "2025.1").version == "2024.06"  # its earlier number


def test_months_before_the_first_question_set_are_refused_clearly():
    with pytest.raises(UnknownForm, match="no care_home question set is in force for 2023-06: the first one "
                                          r"\(2023.07\) took effect on 2023-07-01"):
        form_for("care_home", Period(2023, 6))
    with pytest.raises(UnknownForm, match="unknown service type 'hospice': choose one of care_home, home_care, "
                                          "supported_living"):
        form_for("hospice", Period(2026, 9))


HOSPICE = """
service_type = "hospice"
title = "Hospice"
version = "2026.1"
effective_from = 2026-04-01

[[sections]]
key = "beds"
title = "Beds"
guidance = "Inpatient beds."
  [[sections.fields]]
  key = "beds_max_capacity"
  label = "Maximum bed capacity"
  type = "count"
  unit = "beds"
  mandatory = true
  [[sections.fields]]
  key = "beds_occupied"
  label = "Beds occupied"
  type = "count"
  unit = "beds"
  mandatory = true

[[rules]]
kind = "at_most"
code = "beds_over_capacity"
left = ["beds_occupied"]
right = ["beds_max_capacity"]
message = "{left} beds occupied is more than the capacity of {right}."
"""


def test_a_new_service_type_is_only_a_definition_file(tmp_path):
    catalogue = load_catalogue(write_definitions(tmp_path / "defs", {"hospice-2026.toml": HOSPICE}))
    form = catalogue.form_for("hospice", Period(2026, 9))
    assert [f.key for f in form.fields] == ["beds_max_capacity", "beds_occupied"]


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (HOSPICE.replace('left = ["beds_occupied"]', 'left = ["beds_ocupied"]'),
         "hospice-2026.toml: rule beds_over_capacity: 'beds_ocupied' is not a field of this form"),
        (HOSPICE.replace('kind = "at_most"', 'kind = "less_than"'),
         "hospice-2026.toml: rule beds_over_capacity: kind 'less_than' is not one of"),
        (HOSPICE.replace('type = "count"', 'type = "integer"', 1),
         "hospice-2026.toml: field beds_max_capacity: type 'integer' is not one of"),
        (HOSPICE.replace('effective_from = 2026-04-01', 'effective_from = "April"'),
         "hospice-2026.toml: effective_from must be a date"),
        (HOSPICE.replace('title = "Hospice"', ''), "hospice-2026.toml: missing entry 'title'"),
        (HOSPICE.replace('key = "beds_occupied"', 'key = "beds_max_capacity"'),
         "hospice-2026.toml: field keys used twice: beds_max_capacity"),
        (HOSPICE + "\n[[", "hospice-2026.toml: cannot be read"),
    ],
)
def test_a_broken_definition_is_reported_by_file_and_entry(tmp_path, broken, message):
    folder = write_definitions(tmp_path / "defs", {"hospice-2026.toml": broken})
    with pytest.raises(DefinitionError) as caught:
        load_catalogue(folder)
    assert message in str(caught.value)


def test_the_same_version_twice_is_refused(tmp_path):
    folder = write_definitions(tmp_path / "defs", {"hospice-a.toml": HOSPICE, "hospice-b.toml": HOSPICE})
    with pytest.raises(DefinitionError, match=re.escape("hospice version 2026.1 is also in hospice-a.toml")):
        load_catalogue(folder)


@pytest.fixture
def care_home():
    return form_for("care_home", Period(2026, 9))


@pytest.mark.parametrize(
    ("key", "text", "value"),
    [
        ("beds_occupied", "35", 35),
        ("beds_occupied", " 0 ", 0),
        ("beds_occupied", "1,234", 1234),
        ("beds_occupied", "", None),
        ("hours_direct_total", "7420.5", 7420.5),
        ("hours_direct_total", "40", 40),
        ("sponsor_licence", "Yes", "yes"),
        ("sponsor_licence", "n", "no"),
        ("beds_unavailable_reasons", "staffing; other", ["staffing", "other"]),
    ],
)
def test_values_typed_as_text_are_read_per_field_type(care_home, key, text, value):
    assert care_home.field(key).parse_text(text) == value


@pytest.mark.parametrize(
    ("key", "text", "message"),
    [
        ("beds_occupied", "thirty", "Beds occupied (beds_occupied): 'thirty' is not a number"),
        ("beds_occupied", "3.5", "Beds occupied (beds_occupied) must be a whole number, not 3.5"),
        ("beds_occupied", "-1", "Beds occupied (beds_occupied) cannot be negative (-1)"),
        ("beds_occupied", "1,5", "'1,5' is not a number"),
        ("beds_occupied", "20000", "20,000 is not believable: the most allowed is 10,000"),
        ("hours_agency", "12.345", "takes at most 2 decimal places, not 12.345"),
        ("hours_agency", "nan", "'nan' is not a number"),
        ("sponsor_licence", "maybe", "'maybe' is not yes or no"),
        ("beds_unavailable_reasons", "staffing,flood", "'flood' is not a choice; choose from staffing, "
                                                      "refurbishment, infection_control, other"),
    ],
)
def test_bad_text_is_refused_naming_field_value_and_why(care_home, key, text, message):
    with pytest.raises(ValueProblem) as caught:
        care_home.field(key).parse_text(text)
    assert message in str(caught.value)


def test_format_text_is_the_inverse_of_parse_text(care_home):
    for key, text in [("beds_occupied", "1234"), ("hours_agency", "37.25"), ("sponsor_licence", "yes"),
                      ("beds_unavailable_reasons", "staffing;other"), ("beds_occupied", "")]:
        field = care_home.field(key)
        assert field.format_text(field.parse_text(text)) == text


# ---- grids ----------------------------------------------------------------------------------------

HOSPICE_GRID = HOSPICE.replace("[[rules]]", """
[[sections]]
key = "staff"
title = "Staff"
guidance = "Headcount today."
  [[sections.fields]]
  key = "staff_direct_nurses"
  label = "Directly employed nurses"
  type = "count"
  [[sections.fields]]
  key = "staff_agency_nurses"
  label = "Agency nurses"
  type = "count"
  [[sections.fields]]
  key = "staff_direct_care"
  label = "Directly employed carers"
  type = "count"
  [sections.grid]
  columns = ["Directly employed", "Agency"]
  total_label = "All staff"
  [[sections.grid.rows]]
  label = "Nurses"
  cells = ["staff_direct_nurses", "staff_agency_nurses"]
  [[sections.grid.rows]]
  label = "Carers"
  cells = ["staff_direct_care", ""]

[[rules]]""", 1)


def test_a_grid_is_a_data_change_read_row_by_row_and_column_by_column(tmp_path):
    catalogue = load_catalogue(write_definitions(tmp_path / "defs", {"hospice-2026.toml": HOSPICE_GRID}))
    grid = catalogue.form_for("hospice", Period(2026, 9)).sections[1].grid
    assert grid.columns == ("Directly employed", "Agency") and grid.total_label == "All staff"
    assert [row.label for row in grid.rows] == ["Nurses", "Carers"]
    assert grid.keys() == ("staff_direct_nurses", "staff_agency_nurses", "staff_direct_care")
    assert grid.keys_down() == ("staff_direct_nurses", "staff_direct_care", "staff_agency_nurses")
    assert catalogue.form_for("hospice", Period(2026, 9)).sections[0].grid is None


def test_the_bundled_care_home_lays_out_workforce_and_vaccination_as_grids():
    form = form_for("care_home", Period(2026, 9))
    grids = {section.key: section.grid for section in form.sections if section.grid}
    assert set(grids) == {"workforce", "vaccination"}
    assert [row.label for row in grids["workforce"].rows] == ["Registered nurses", "Care-providing staff",
                                                              "Non-care-providing staff"]
    assert grids["workforce"].rows[0].cells == ("staff_direct_nurses", "visa_direct_nurses",
                                                "absent_covid_direct_nurses", "absent_other_direct_nurses",
                                                "staff_agency_nurses")
    assert grids["vaccination"].columns == ("COVID-19", "Flu")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('cells = ["staff_direct_care", ""]', 'cells = ["staff_direct_cares", ""]'),
         "hospice-2026.toml: section staff: grid: row 'Carers': 'staff_direct_cares' is not a field of section staff"),
        (('cells = ["staff_direct_care", ""]', 'cells = ["beds_occupied", ""]'),
         "hospice-2026.toml: section staff: grid: row 'Carers': 'beds_occupied' is not a field of section staff"),
        (('cells = ["staff_direct_care", ""]', 'cells = ["staff_direct_nurses", ""]'),
         "hospice-2026.toml: section staff: grid: 'staff_direct_nurses' is in more than one cell"),
        (('cells = ["staff_direct_care", ""]', 'cells = ["staff_direct_care"]'),
         "hospice-2026.toml: section staff: grid: row 'Carers' has 1 cell for 2 columns"),
        (('columns = ["Directly employed", "Agency"]', 'columns = []'),
         "hospice-2026.toml: section staff: grid: columns must be a list of column headings"),
    ],
)
def test_a_broken_grid_is_reported_by_file_and_section(tmp_path, change, message):
    folder = write_definitions(tmp_path / "defs", {"hospice-2026.toml": HOSPICE_GRID.replace(*change)})
    with pytest.raises(DefinitionError) as caught:
        load_catalogue(folder)
    assert message in str(caught.value)
