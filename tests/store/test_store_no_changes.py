""""No changes — save page": this month queued as a copy of the last accepted return.

The copy is checked against this month's form, so it cannot pass when the month asks something new.
"""

from __future__ import annotations

import pytest

from ct_desktop.models import NOT_KNOWN, HistoryAction, ReturnState
from ct_desktop.period import Period
from ct_desktop.store import LifecycleError

HOME = "1-101"
AGENCY = "1-202"
AUGUST, SEPTEMBER, OCTOBER = Period(2026, 8), Period(2026, 9), Period(2026, 10)


def test_no_changes_queues_a_copy_of_the_last_accepted_return_with_who_reviewed_it(store, accept, care_home_values,
                                                                                   clock):
    accepted = accept(store, HOME, SEPTEMBER, dict(care_home_values, staff_agency_nurses=NOT_KNOWN), revision=4)
    clock.advance(days=30)  # 9 October 2026, 10:00 London time
    submission = store.no_changes(HOME, OCTOBER, "Ann B")
    draft, payload = submission.draft, submission.item.payload
    assert submission.copied_from == accepted
    assert draft.state is ReturnState.QUEUED and draft.no_changes
    assert (draft.reviewed_by, draft.reviewed_at) == ("Ann B", "2026-10-09T10:00:00+01:00")
    assert payload["no_changes"] is True
    assert payload["reviewed_at"] == "2026-10-09T10:00:00+01:00"
    assert payload["values"] == dict(care_home_values, staff_agency_nurses=None)
    assert payload["not_known"] == ["staff_agency_nurses"]
    assert payload["base_revision"] is None  # October itself has no accepted revision yet
    assert draft.values == {k: v for k, v in care_home_values.items() if k != "staff_agency_nurses"}
    [entry] = store.history(HOME, OCTOBER)
    assert entry.action is HistoryAction.NO_CHANGES and entry.by == "Ann B"
    assert "September 2026 (revision 4)" in entry.detail


def test_no_changes_copies_the_latest_accepted_month_and_revision(store, accept, care_home_values, clock):
    clock.move_to_month(Period(2026, 11))  # no changes for November, in November
    accept(store, HOME, Period(2026, 9), care_home_values, revision=1)
    store.set_value(HOME, Period(2026, 9), "beds_occupied", 34, "CD")
    submission = store.submit(HOME, Period(2026, 9), "CD", confirm_warnings=True)
    store.mark_accepted(submission.item.submission_id, 2, "2026-09-10T09:00:00+01:00", "R-2")
    copied = store.no_changes(HOME, Period(2026, 11), "AB")
    assert (copied.copied_from.period, copied.copied_from.revision) == (Period(2026, 9), 2)
    assert copied.item.payload["values"]["beds_occupied"] == 34


def test_no_changes_needs_an_earlier_accepted_return(store, care_home_values, clock):
    clock.move_to_month(OCTOBER)
    store.set_values(HOME, AUGUST, care_home_values, "AB")  # a draft is not an accepted return
    with pytest.raises(LifecycleError, match="no accepted return before October 2026 for Sunny Care") as refused:
        store.no_changes(HOME, OCTOBER, "AB")
    assert refused.value.reason == "no_previous"
    assert store.get_return(HOME, OCTOBER) is None


def test_no_changes_cannot_pass_in_september_when_the_flu_questions_start(store, accept, summer_care_home_values):
    accept(store, HOME, AUGUST, summer_care_home_values)
    with pytest.raises(LifecycleError) as refused:
        store.no_changes(HOME, SEPTEMBER, "AB")
    message = str(refused.value)
    assert refused.value.reason == "form_needs_more"
    assert "September 2026 asks for answers the return accepted for August 2026 does not have" in message
    for key in ("flu_vacc_direct", "flu_vacc_agency", "flu_vacc_residents"):
        assert key in message
    assert {f.field for f in refused.value.findings} == {"flu_vacc_direct", "flu_vacc_agency", "flu_vacc_residents"}
    assert store.get_return(HOME, SEPTEMBER) is None and store.outbox_items() == []


def test_questions_not_asked_this_month_are_dropped_not_sent(store, accept, care_home_values, clock):
    clock.move_to_month(Period(2027, 4))
    accept(store, HOME, Period(2027, 3), care_home_values)
    submission = store.no_changes(HOME, Period(2027, 4), "AB")
    assert submission.dropped == ("flu_vacc_agency", "flu_vacc_direct", "flu_vacc_residents")
    assert not [k for k in submission.item.payload["values"] if k.startswith("flu_")]
    assert not [k for k in submission.draft.values if k.startswith("flu_")]
    assert "left out as not asked in April 2027" in store.history(HOME, Period(2027, 4))[0].detail


def test_no_changes_for_home_care(store, accept, home_care_values):
    accept(store, AGENCY, Period(2026, 7), home_care_values)
    submission = store.no_changes(AGENCY, AUGUST, "AB")
    assert submission.item.payload["values"] == dict(home_care_values, visa_direct_care=None)  # blank: null
    assert submission.item.payload["form_version"] == "2024.06"


def test_no_changes_refuses_a_month_already_queued_or_accepted(store, accept, care_home_values, clock):
    clock.move_to_month(OCTOBER)
    accept(store, HOME, SEPTEMBER, care_home_values)
    store.no_changes(HOME, OCTOBER, "AB")
    with pytest.raises(LifecycleError, match="already in the outbox") as refused:
        store.no_changes(HOME, OCTOBER, "AB")
    assert refused.value.reason == "already_queued"
    store.mark_accepted(store.outbox_items()[0].submission_id, 1, "2026-10-09T10:00:00+01:00", "R-1")
    with pytest.raises(LifecycleError, match="already accepted") as refused:
        store.no_changes(HOME, OCTOBER, "AB")
    assert refused.value.reason == "already_accepted"


def test_no_changes_refuses_a_month_with_a_draft_and_says_who_edited_it(store, accept, care_home_values, clock):
    accept(store, HOME, SEPTEMBER, care_home_values)
    clock.advance(days=30, hours=4, minutes=2)  # 9 October, 14:02 London time
    store.set_value(HOME, OCTOBER, "beds_occupied", 33, "AB")
    with pytest.raises(LifecycleError) as refused:
        store.no_changes(HOME, OCTOBER, "CD")
    assert refused.value.reason == "draft_in_progress"
    assert "last edit: beds_occupied by AB at 14:02 on 9 Oct" in str(refused.value)
    assert store.get_return(HOME, OCTOBER).state is ReturnState.DRAFT


def test_a_draft_whose_answers_were_all_cleared_may_become_no_changes(store, accept, care_home_values, clock):
    clock.move_to_month(OCTOBER)
    accept(store, HOME, SEPTEMBER, care_home_values)
    store.set_value(HOME, OCTOBER, "beds_occupied", 33, "AB")
    store.set_value(HOME, OCTOBER, "beds_occupied", None, "AB")
    assert store.no_changes(HOME, OCTOBER, "AB").draft.state is ReturnState.QUEUED


def test_editing_a_queued_no_changes_return_makes_it_an_ordinary_draft(store, accept, care_home_values, clock):
    clock.move_to_month(OCTOBER)
    accept(store, HOME, SEPTEMBER, care_home_values)
    store.no_changes(HOME, OCTOBER, "AB")
    draft = store.set_value(HOME, OCTOBER, "beds_occupied", 34, "CD").draft
    assert (draft.state, draft.no_changes, draft.reviewed_by) == (ReturnState.DRAFT, False, None)
    assert store.outbox_items() == []


def test_the_check_says_in_advance_what_no_changes_would_do_and_writes_nothing(store, accept, care_home_values, clock):
    clock.move_to_month(Period(2027, 4))
    accepted = accept(store, HOME, SEPTEMBER, care_home_values, revision=3)
    base, found, dropped = store.check_no_changes(HOME, Period(2027, 4))
    assert found == ()  # the September figures raise no warning in April
    assert base == accepted
    assert dropped == ("flu_vacc_agency", "flu_vacc_direct", "flu_vacc_residents")  # not asked in April
    assert store.get_return(HOME, Period(2027, 4)) is None
    with pytest.raises(LifecycleError) as refused:  # nothing earlier than September to copy
        store.check_no_changes(HOME, SEPTEMBER.previous())
    assert refused.value.reason == "no_previous"
    history_before = store.history(HOME, SEPTEMBER)
    store.check_no_changes(HOME, OCTOBER)
    assert store.history(HOME, SEPTEMBER) == history_before and len(store.outbox_items()) == 0


def test_the_check_refuses_september_for_the_flu_questions_like_no_changes(store, accept, summer_care_home_values):
    accept(store, HOME, AUGUST, summer_care_home_values)
    with pytest.raises(LifecycleError) as refused:
        store.check_no_changes(HOME, SEPTEMBER)
    assert refused.value.reason == "form_needs_more"
    assert store.get_return(HOME, SEPTEMBER) is None
