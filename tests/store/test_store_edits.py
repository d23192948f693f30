"""Field edits: each saved at once with who, when, old and new; bad values refused with nothing changed."""

from __future__ import annotations

import pytest

from ct_desktop.models import NOT_KNOWN, HistoryAction, ReturnState
from ct_desktop.period import Period
from ct_desktop.store import StoreError, UnknownLocation, ValuesRefused, open_store

SEPTEMBER = Period(2026, 9)
HOME = "1-101"


def test_the_first_edit_starts_a_draft_built_with_the_form_in_force(store):
    result = store.set_value(HOME, SEPTEMBER, "beds_max_capacity", 40, "AB")
    draft = result.draft
    assert (draft.state, draft.form_version, draft.base_revision) == (ReturnState.DRAFT, "2024.06", None)
    assert draft.values == {"beds_max_capacity": 40}
    assert [(c.key, c.old, c.new) for c in result.changes] == [("beds_max_capacity", "", "40")]


def test_each_edit_records_who_when_old_and_new(store, clock):
    store.set_value(HOME, SEPTEMBER, "beds_occupied", 12, "AB")
    clock.advance(hours=8)
    store.set_value(HOME, SEPTEMBER, "beds_occupied", 13, "Chris D")
    store.set_value(HOME, SEPTEMBER, "beds_occupied", NOT_KNOWN, "Chris D")
    store.set_value(HOME, SEPTEMBER, "beds_occupied", None, "Chris D")
    history = store.history(HOME, SEPTEMBER)
    assert [(h.by, h.action, h.key, h.old, h.new) for h in history] == [
        ("AB", HistoryAction.EDIT, "beds_occupied", "", "12"),
        ("Chris D", HistoryAction.EDIT, "beds_occupied", "12", "13"),
        ("Chris D", HistoryAction.EDIT, "beds_occupied", "13", "not known"),
        ("Chris D", HistoryAction.EDIT, "beds_occupied", "not known", ""),
    ]
    assert history[1].at - history[0].at == clock.moment - history[0].at
    assert history[0].at.utcoffset() is not None


def test_the_last_editor_is_who_made_the_latest_field_edit(store, care_home_values):
    assert store.last_editor(HOME, SEPTEMBER) is None  # not started
    store.set_value(HOME, SEPTEMBER, "beds_occupied", 12, "AB")
    store.set_value(HOME, SEPTEMBER, "beds_occupied", 13, "Chris D")
    assert store.last_editor(HOME, SEPTEMBER) == "Chris D"
    store.set_values(HOME, SEPTEMBER, care_home_values, "AB")
    store.submit(HOME, SEPTEMBER, "Sam E", confirm_warnings=True)  # a lifecycle step, not an edit
    assert store.last_editor(HOME, SEPTEMBER) == "AB"
    assert store.last_editor(HOME, Period(2026, 10)) is None
    assert store.last_editor("1-999", SEPTEMBER) is None  # an unknown location has no return


def test_zero_is_a_value_not_known_is_an_answer_and_blank_is_no_answer(store):
    store.set_values(HOME, SEPTEMBER, {"staff_agency_noncare": 0, "staff_agency_nurses": NOT_KNOWN,
                                       "beds_unavailable_reasons": ["staffing", "other"]}, "AB")
    draft = store.get_return(HOME, SEPTEMBER)
    assert draft.values == {"staff_agency_noncare": 0, "beds_unavailable_reasons": ["staffing", "other"]}
    assert draft.not_known == {"staff_agency_nurses"}
    store.set_values(HOME, SEPTEMBER, {"staff_agency_noncare": None, "beds_unavailable_reasons": []}, "AB")
    draft = store.get_return(HOME, SEPTEMBER)
    assert draft.values == {}
    assert draft.answer("staff_agency_nurses") is NOT_KNOWN


def test_a_value_replaces_not_known_and_the_other_way_round(store):
    store.set_value(HOME, SEPTEMBER, "hours_agency", NOT_KNOWN, "AB")
    store.set_value(HOME, SEPTEMBER, "hours_agency", 12.5, "AB")
    draft = store.get_return(HOME, SEPTEMBER)
    assert (draft.values, draft.not_known) == ({"hours_agency": 12.5}, frozenset())


def test_saving_the_same_answer_again_changes_nothing_and_records_nothing(store):
    store.set_value(HOME, SEPTEMBER, "beds_occupied", 12, "AB")
    result = store.set_value(HOME, SEPTEMBER, "beds_occupied", 12, "CD")
    assert result.changes == ()
    assert len(store.history(HOME, SEPTEMBER)) == 1


def test_clearing_an_answer_of_a_month_not_started_does_not_start_it(store):
    result = store.set_value(HOME, SEPTEMBER, "beds_occupied", None, "AB")
    assert (result.draft, result.changes) == (None, ())
    assert store.get_return(HOME, SEPTEMBER) is None


def test_several_answers_are_saved_together(store):
    result = store.set_values(HOME, SEPTEMBER, {"beds_max_capacity": 40, "beds_occupied": 35}, "AB")
    assert {c.key for c in result.changes} == {"beds_max_capacity", "beds_occupied"}
    assert store.get_return(HOME, SEPTEMBER).values == {"beds_max_capacity": 40, "beds_occupied": 35}


def test_bad_values_are_all_refused_and_nothing_already_saved_changes(store):
    store.set_values(HOME, SEPTEMBER, {"beds_max_capacity": 40, "beds_occupied": 35}, "AB")
    before = (store.get_return(HOME, SEPTEMBER), store.history(HOME, SEPTEMBER))
    with pytest.raises(ValuesRefused) as refused:
        store.set_values(HOME, SEPTEMBER, {"beds_max_capacity": 41, "beds_occupied": -1, "hours_agency": 1.234,
                                           "sponsor_licence": "maybe", "beds_ocupied": 3}, "AB")
    problems = refused.value.problems
    assert len(problems) == 4
    assert any("beds_occupied" in p and "-1" in p and "negative" in p for p in problems)
    assert any("hours_agency" in p and "decimal" in p for p in problems)
    assert any("sponsor_licence" in p and "'maybe'" in p for p in problems)
    assert any("'beds_ocupied'" in p for p in problems)
    assert (store.get_return(HOME, SEPTEMBER), store.history(HOME, SEPTEMBER)) == before


def test_an_edit_needs_a_person(store):
    with pytest.raises(StoreError, match="who is working"):
        store.set_value(HOME, SEPTEMBER, "beds_occupied", 1, "   ")
    assert store.get_return(HOME, SEPTEMBER) is None


def test_names_are_kept_on_one_line(store):
    store.set_value(HOME, SEPTEMBER, "beds_occupied", 1, "  Ann\n  Smith ")
    assert store.history(HOME, SEPTEMBER)[0].by == "Ann Smith"


def test_an_unknown_location_is_named(store):
    with pytest.raises(UnknownLocation, match=r"no location '1-999'.*1-202, 1-101"):
        store.set_value("1-999", SEPTEMBER, "beds_occupied", 1, "AB")


def test_edits_are_there_after_reopening(store, isolated_data_dir):
    store.set_value(HOME, SEPTEMBER, "beds_occupied", 12, "AB")
    store.close()
    with open_store(isolated_data_dir) as again:
        assert again.get_return(HOME, SEPTEMBER).values == {"beds_occupied": 12}
        assert again.history(HOME, SEPTEMBER)[0].by == "AB"


def test_locations_are_listed_by_name_and_ids_are_unique(store):
    assert [loc.id for loc in store.locations()] == ["1-202", "1-101"]
    with pytest.raises(StoreError, match="already added"):
        store.add_location(store.location(HOME))
    with pytest.raises(StoreError, match="unknown service type 'hospice'"):
        store.add_location(type(store.location(HOME))("1-303", "Hospice", "hospice"))
