"""The words and decisions of the return views that need no widget: answers, requirement notes, due dates,
what each question and the summary list show, and whether "Ready to send" may be pressed."""

from __future__ import annotations

import datetime as dt

import pytest
from form_helpers import SEPTEMBER
from sample_returns import care_home_values

from ct_desktop.collection_window import LONDON, collection_window
from ct_desktop.forms.catalogue import form_for
from ct_desktop.models import NOT_KNOWN, ReturnDraft, ReturnState, same_answer
from ct_desktop.period import Period
from ct_desktop.ui import form_presenter as present
from ct_desktop.ui.comparison import compare
from ct_desktop.ui.field_text import answer_text, due_text, requirement, state_text

CARE = form_for("care_home", SEPTEMBER)


def at(day: int, month: int = 9) -> dt.datetime:
    return dt.datetime(2026, month, day, 10, 0, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("key", "answer", "shown"),
    [("beds_occupied", 1234, "1,234 beds"), ("hours_agency", 7420.5, "7,420.5 hours"), ("sponsor_licence", "no", "No"),
     ("beds_unavailable_reasons", ["staffing", "other"], "Staffing, Other"), ("beds_occupied", NOT_KNOWN, "Not known"),
     ("beds_occupied", None, "Blank"), ("beds_occupied", 0, "0 beds"), ("beds_occupied", 1, "1 bed"),
     ("hours_agency", 1.0, "1 hour"), ("hours_agency", 1.5, "1.5 hours"), ("staff_direct_nurses", 1, "1 person")],
)
def test_answers_read_as_a_person_writes_them(key, answer, shown):
    assert answer_text(CARE.field(key), answer) == shown


def test_blank_zero_and_not_known_are_different_answers():
    assert not same_answer(None, 0) and not same_answer(0, NOT_KNOWN) and not same_answer(None, NOT_KNOWN)
    assert same_answer([], None) and same_answer(NOT_KNOWN, NOT_KNOWN) and same_answer(35, 35.0)


def test_requirement_notes_follow_the_definitions_and_the_answers_so_far():
    reasons = CARE.field("beds_unavailable_reasons")
    assert requirement(CARE, SEPTEMBER, CARE.field("beds_occupied"), {}).text == "Required."
    assert not requirement(CARE, SEPTEMBER, CARE.field("beds_occupied"), {}).note
    # Optional since June 2024, and only where a bed is unavailable.
    optional = requirement(CARE, SEPTEMBER, reasons, {})
    assert (optional.text, optional.marked) == (
        "Optional, and only answered when “Vacant beds not available for admission” is more than 0.", False)
    now = requirement(CARE, SEPTEMBER, reasons, {"beds_vacant_unavailable": 2})
    assert (now.text.startswith("Optional: it can be answered"), now.marked) == (True, False)
    empty = requirement(CARE, SEPTEMBER, reasons, {"beds_vacant_unavailable": 0})
    assert (empty.text.startswith("Only answered when"), empty.marked) == (True, False)
    # Required with any unavailable bed in the question set before it (July 2023 to May 2024).
    march = Period(2024, 3)
    older = form_for("care_home", march)
    assert requirement(older, march, older.field("beds_unavailable_reasons"), {}).text == (
        "Required when “Vacant beds not available for admission” is more than 0.")
    assert requirement(older, march, older.field("beds_unavailable_reasons"),
                       {"beds_vacant_unavailable": 2}).text.startswith("Required now")
    visa = requirement(CARE, SEPTEMBER, CARE.field("visa_direct_care"), {})
    assert visa.text == ("Required when the answer to “Does the organisation hold a sponsorship licence?” is "
                         "Yes.")
    flu = CARE.field("flu_vacc_direct")
    assert requirement(CARE, SEPTEMBER, flu, {}).text == "Required in flu season (September to March)."
    may = requirement(CARE, Period(2026, 5), flu, {})
    assert (may.asked, may.marked) == (False, False)
    home = form_for("home_care", SEPTEMBER)
    assert requirement(home, SEPTEMBER, home.field("spare_capacity_hours"), {}).text == "Optional."


def test_due_dates_in_words():
    window = collection_window(SEPTEMBER)
    assert due_text(window, at(9)) == "Due by the end of Monday 14 September 2026: 5 days left"
    assert due_text(window, at(13)) == "Due by the end of Monday 14 September 2026: 1 day left"
    assert due_text(window, at(14)) == "Due by the end of today, Monday 14 September 2026"
    assert due_text(window, at(15)).endswith("the window has closed")
    assert due_text(window, at(1)).startswith("Opens on Tuesday 8 September 2026")


def draft(state: ReturnState, **changes) -> ReturnDraft:
    fields = {"location_id": "1-101", "period": SEPTEMBER, "state": state, "form_version": "2025.1",
              "base_revision": 2, "values": {}, "not_known": frozenset(), **changes}
    return ReturnDraft(**fields)


def test_states_in_words():
    assert state_text(None) == "Not started"
    assert state_text(draft(ReturnState.ACCEPTED)) == "Accepted by the tracker (revision 2)"
    assert state_text(draft(ReturnState.QUEUED)) == "Queued, waiting to be sent"


def test_what_each_question_and_the_summary_show():
    values = dict(care_home_values(), beds_occupied=50)
    del values["hours_agency"]
    checked = present.check(CARE, SEPTEMBER, values, None)
    beds = present.row_messages(CARE, "beds_occupied", checked, {}, {"beds_occupied": ["too many"]})
    assert beds[0][0] == "error" and "add up to 55" in beds[0][1]
    assert beds[1] == ("tracker", "too many")
    assert present.row_messages(CARE, "beds_max_capacity", checked, {}, {}) == []  # shown once, at occupied
    assert present.related_severity("beds_max_capacity", checked) == "error"
    assert present.row_messages(CARE, "hours_agency", checked, {}, {}) == []  # "required" is for the summary
    entries = present.panel_entries(CARE, checked, {"covid_vacc_agency": "no good"})
    assert [(e.group, e.key) for e in entries] == [("fix", "covid_vacc_agency"), ("fix", "beds_occupied"),
                                                   ("answer", "hours_agency")]
    assert entries[2].text == "Hours worked by agency or bank staff"
    assert present.section_status(CARE.sections[0], checked, ()) == "Beds: 1 error"
    assert present.section_status(CARE.sections[2], checked, ()) == "Hours worked: 1 to answer"
    assert present.section_status(CARE.sections[4], checked, ()) == "Visiting: done"


def test_ready_to_send_only_without_errors_and_with_warnings_confirmed():
    complete = present.check(CARE, SEPTEMBER, care_home_values(), None)
    assert present.send_status(ReturnState.DRAFT, complete, (), False) == (
        True, "Ready: every question is answered and there are no errors.")
    warned = present.check(CARE, SEPTEMBER, dict(care_home_values(), beds_occupied=34), None)
    assert present.send_status(ReturnState.DRAFT, warned, (), False)[0] is False
    assert present.send_status(ReturnState.DRAFT, warned, (), True)[0] is True
    beds = {"beds_max_capacity": 40, "beds_occupied": 50, "beds_vacant_reserved": 0, "beds_vacant_accepting": 0,
            "beds_vacant_unavailable": 0}
    missing = present.check(CARE, SEPTEMBER, beds, None)
    enabled, text = present.send_status(ReturnState.DRAFT, missing, (), True)
    assert not enabled and text.startswith("Not ready: 1 error to fix and ")
    assert present.send_status(ReturnState.DRAFT, complete, ("beds_occupied",), True)[0] is False
    for state in (ReturnState.QUEUED, ReturnState.ACCEPTED, ReturnState.CONFLICT):
        assert present.send_status(state, complete, (), True)[0] is False


def test_the_comparison_after_a_conflict():
    ours = care_home_values()
    theirs = dict(ours, beds_occupied=33)
    conflicted = draft(ReturnState.CONFLICT, values=ours, not_known=frozenset(),
                       server_copy={"revision": 3, "values": dict(theirs, flu_vacc_agency=None),
                                    "not_known": ["flu_vacc_agency"]})
    differing = [(c.item.key, c.ours, c.theirs) for c in compare(CARE, conflicted) if c.differs]
    assert differing == [("beds_occupied", 35, 33), ("flu_vacc_agency", 0, NOT_KNOWN)]
