"""draft -> ready -> queued -> accepted / rejected / conflict, and what an edit does at each step."""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid

import pytest

from ct_desktop.models import NOT_KNOWN, HistoryAction, ReturnState
from ct_desktop.period import Period
from ct_desktop.store import LifecycleError, StoreError

SEPTEMBER = Period(2026, 9)
HOME = "1-101"
PAYLOAD_KEYS = {"submission_id", "base_revision", "values", "not_known", "no_changes", "reviewed_by",
                "reviewed_at", "form_version"}


@pytest.fixture
def complete(store, care_home_values):
    store.set_values(HOME, SEPTEMBER, care_home_values, "AB")
    return care_home_values


def queued(store, by="AB"):
    return store.submit(HOME, SEPTEMBER, by, confirm_warnings=True).item


def test_submit_refuses_with_the_list_of_errors_and_changes_nothing(store, complete):
    store.set_values(HOME, SEPTEMBER, {"beds_occupied": 50, "hours_agency": None}, "AB")
    history = store.history(HOME, SEPTEMBER)
    with pytest.raises(LifecycleError) as refused:
        store.submit(HOME, SEPTEMBER, "AB")
    codes = {f.code for f in refused.value.findings}
    assert codes == {"beds_over_capacity", "required"}
    assert all(f.severity == "error" for f in refused.value.findings)
    assert "2 errors" in str(refused.value)
    assert store.get_return(HOME, SEPTEMBER).state is ReturnState.DRAFT
    assert store.outbox_items() == []
    assert store.history(HOME, SEPTEMBER) == history


def test_warnings_must_be_confirmed(store, complete):
    store.set_value(HOME, SEPTEMBER, "beds_occupied", 30, "AB")  # 5 beds unaccounted for
    with pytest.raises(LifecycleError) as refused:
        store.submit(HOME, SEPTEMBER, "AB")
    assert refused.value.needs_confirmation
    assert [f.code for f in refused.value.findings] == ["beds_unaccounted"]
    assert store.outbox_items() == []
    submission = store.submit(HOME, SEPTEMBER, "AB", confirm_warnings=True)
    assert submission.draft.state is ReturnState.QUEUED
    assert "beds_unaccounted" in store.history(HOME, SEPTEMBER)[-1].detail


def test_submit_freezes_exactly_the_put_body_in_the_outbox(store, complete, clock):
    submission = store.submit(HOME, SEPTEMBER, "Ann B")
    item, draft = submission.item, submission.draft
    assert draft.state is ReturnState.QUEUED and draft.submission_id == item.submission_id
    assert set(item.payload) == PAYLOAD_KEYS
    assert uuid.UUID(item.payload["submission_id"]).version == 4
    assert item.payload["submission_id"] == item.submission_id
    assert item.payload["values"] == complete
    assert item.payload["not_known"] == []
    assert item.payload["base_revision"] is None
    assert item.payload["no_changes"] is False
    assert item.payload["reviewed_by"] == "Ann B"
    assert item.payload["reviewed_at"] == "2026-09-09T10:00:00+01:00"  # London summer time, with its offset
    assert item.payload["form_version"] == "2024.06"
    assert (item.attempts, item.queued_by) == (0, "Ann B")
    assert [h.action for h in store.history(HOME, SEPTEMBER)][-1] is HistoryAction.SUBMITTED


def test_blank_and_not_known_questions_are_sent_as_null(store, home_care_values):
    july = Period(2026, 7)
    values = dict(home_care_values, spare_capacity_hours=None, hours_agency=None)
    store.set_values("1-202", july, values, "AB")
    store.set_value("1-202", july, "hours_agency", NOT_KNOWN, "AB")
    payload = store.submit("1-202", july, "AB").item.payload
    assert payload["values"]["spare_capacity_hours"] is None
    assert payload["values"]["hours_agency"] is None
    assert payload["not_known"] == ["hours_agency"]
    assert "flu_vacc_staff" not in payload["values"]  # not asked in July


def test_submit_needs_a_started_return_and_refuses_a_second_time(store, complete):
    with pytest.raises(LifecycleError, match="no return for August 2026 has been started"):
        store.submit(HOME, Period(2026, 8), "AB")
    queued(store)
    with pytest.raises(LifecycleError, match="already in the outbox, queued by AB") as refused:
        store.submit(HOME, SEPTEMBER, "AB")
    assert refused.value.reason == "already_queued"
    assert len(store.outbox_items()) == 1


def test_editing_a_queued_return_never_sent_withdraws_it(store, complete):
    item = queued(store)
    result = store.set_value(HOME, SEPTEMBER, "beds_occupied", 34, "CD")
    assert "withdrawn from the outbox" in result.notice
    assert result.draft.state is ReturnState.DRAFT and result.draft.submission_id is None
    assert store.outbox_items() == []
    withdrawn = [h for h in store.history(HOME, SEPTEMBER) if h.action is HistoryAction.WITHDRAWN]
    assert withdrawn[0].by == "CD" and "withdrawn from the outbox by CD" in withdrawn[0].detail
    assert item.submission_id[:8] in withdrawn[0].detail


def test_an_unchanged_answer_does_not_withdraw_a_queued_return(store, complete):
    queued(store)
    store.set_value(HOME, SEPTEMBER, "beds_occupied", complete["beds_occupied"], "CD")
    assert store.get_return(HOME, SEPTEMBER).state is ReturnState.QUEUED
    assert len(store.outbox_items()) == 1


def test_editing_a_return_that_may_have_been_sent_keeps_it_and_starts_a_new_revision(store, complete):
    first = queued(store)
    store.begin_attempt(first.submission_id)
    result = store.set_value(HOME, SEPTEMBER, "beds_occupied", 34, "CD")
    assert result.draft.state is ReturnState.DRAFT
    assert "still be delivered" in result.notice
    [kept] = store.outbox_items()
    assert kept.payload == first.payload and kept.attempts == 1  # delivered exactly once, unchanged
    assert store.history(HOME, SEPTEMBER)[-2].action is HistoryAction.NEW_REVISION


def test_a_failed_attempt_counts_even_without_begin_attempt(store, complete, clock):
    item = queued(store)
    later = clock.moment + dt.timedelta(minutes=5)
    failed = store.record_attempt_failure(item.submission_id, "connection refused", later)
    assert (failed.attempts, failed.last_error, failed.next_attempt_at) == (1, "connection refused", later)
    store.set_value(HOME, SEPTEMBER, "beds_occupied", 34, "CD")
    assert len(store.outbox_items()) == 1  # it may have reached the tracker: not withdrawn


def test_items_of_one_return_go_in_order_and_newer_ones_are_rebased(store, complete):
    first = queued(store)
    store.begin_attempt(first.submission_id)
    store.set_value(HOME, SEPTEMBER, "beds_occupied", 34, "CD")
    second = store.submit(HOME, SEPTEMBER, "CD", confirm_warnings=True).item
    assert [i.submission_id for i in store.next_due_outbox_items()] == [first.submission_id]
    store.mark_accepted(first.submission_id, 7, "2026-09-09T10:05:00+01:00", "R-7")
    [due] = store.next_due_outbox_items()
    assert due.submission_id == second.submission_id and due.payload["base_revision"] == 7
    draft = store.get_return(HOME, SEPTEMBER)
    assert (draft.state, draft.base_revision) == (ReturnState.QUEUED, 7)
    store.mark_accepted(second.submission_id, 8, "2026-09-09T10:06:00+01:00", "R-8")
    draft = store.get_return(HOME, SEPTEMBER)
    assert (draft.state, draft.base_revision, draft.values["beds_occupied"]) == (ReturnState.ACCEPTED, 8, 34)
    assert [r.revision for r in store.accepted_revisions(HOME, SEPTEMBER)] == [7, 8]


def test_an_accepted_return_is_never_edited_in_place(store, complete):
    item = queued(store)
    accepted = store.mark_accepted(item.submission_id, 3, "2026-09-09T10:05:00+01:00", "R-3")
    assert store.get_return(HOME, SEPTEMBER).state is ReturnState.ACCEPTED
    result = store.set_value(HOME, SEPTEMBER, "beds_occupied", 34, "CD")
    assert (result.draft.state, result.draft.base_revision) == (ReturnState.DRAFT, 3)
    assert "kept as it is" in result.notice
    [kept] = store.accepted_revisions(HOME, SEPTEMBER)
    assert kept == accepted and kept.values["beds_occupied"] == complete["beds_occupied"]
    payload = store.submit(HOME, SEPTEMBER, "CD", confirm_warnings=True).item.payload
    assert payload["base_revision"] == 3


def test_the_database_itself_refuses_to_change_an_accepted_revision(store, complete):
    item = queued(store)
    store.mark_accepted(item.submission_id, 3, "2026-09-09T10:05:00+01:00", "R-3")
    connection = sqlite3.connect(store.path)
    with pytest.raises(sqlite3.DatabaseError, match="never changed"):
        connection.execute("UPDATE receipts SET revision = 4")
    with pytest.raises(sqlite3.DatabaseError, match="never deleted"):
        connection.execute("DELETE FROM receipts")
    connection.close()


def test_recording_the_same_acceptance_twice_is_harmless_but_a_different_one_is_refused(store, complete):
    item = queued(store)
    first = store.mark_accepted(item.submission_id, 3, "2026-09-09T10:05:00+01:00", "R-3")
    assert store.mark_accepted(item.submission_id, 3, "2026-09-09T10:05:00+01:00", "R-3") == first
    with pytest.raises(StoreError, match="already accepted as revision 3"):
        store.mark_accepted(item.submission_id, 4, "2026-09-09T10:05:00+01:00", "R-4")


def test_a_rejected_return_keeps_the_trackers_reasons_and_is_edited_again(store, complete):
    item = queued(store)
    draft = store.mark_rejected(item.submission_id, {"beds_occupied": "more than registered beds"})
    assert draft.state is ReturnState.REJECTED
    assert draft.tracker_messages == {"beds_occupied": ["more than registered beds"]}
    assert store.outbox_items() == []
    assert "more than registered beds" in store.history(HOME, SEPTEMBER)[-1].detail
    edited = store.set_value(HOME, SEPTEMBER, "beds_occupied", 34, "CD").draft
    assert edited.state is ReturnState.DRAFT
    resubmitted = store.submit(HOME, SEPTEMBER, "CD", confirm_warnings=True).draft
    assert resubmitted.state is ReturnState.QUEUED and resubmitted.tracker_messages == {}


def test_a_conflict_keeps_the_trackers_copy_and_the_next_submission_builds_on_it(store, complete):
    item = queued(store)
    server = {"revision": 5, "values": dict(complete, beds_occupied=20), "not_known": []}
    draft = store.mark_conflict(item.submission_id, server)
    assert (draft.state, draft.base_revision, draft.server_copy) == (ReturnState.CONFLICT, 5, server)
    assert store.outbox_items() == []
    store.set_value(HOME, SEPTEMBER, "beds_occupied", 34, "CD")
    payload = store.submit(HOME, SEPTEMBER, "CD", confirm_warnings=True).item.payload
    assert payload["base_revision"] == 5


def test_the_states_of_many_returns_are_read_together(store, complete, home_care_values):
    october, july = SEPTEMBER.next(), Period(2026, 7)
    store.mark_rejected(queued(store).submission_id, {"beds_occupied": "more than registered beds"})
    store.set_values("1-202", july, home_care_values, "AB")
    store.submit("1-202", july, "AB", confirm_warnings=True)
    store.set_value("1-202", october, "staff_agency_care", 2, "AB")
    asked = [(HOME, SEPTEMBER), (HOME, october), ("1-202", july), ("1-202", october), ("1-202", SEPTEMBER),
             ("1-999", SEPTEMBER)]
    states = store.return_states(asked)
    assert states == {(HOME, SEPTEMBER): ReturnState.REJECTED, ("1-202", july): ReturnState.QUEUED,
                      ("1-202", october): ReturnState.DRAFT}  # not started (or no such location): left out
    assert states == {key: store.get_return(*key).state for key in asked if store.get_return(*key)}
    assert store.return_states([(HOME, october)]) == {} and store.return_states([]) == {}


def test_a_conflict_on_an_earlier_submission_withdraws_a_newer_one_never_sent(store, complete):
    first = queued(store)
    store.begin_attempt(first.submission_id)
    store.set_value(HOME, SEPTEMBER, "beds_occupied", 34, "CD")
    queued(store, "CD")
    draft = store.mark_conflict(first.submission_id, {"revision": 9, "values": {}})
    assert draft.state is ReturnState.CONFLICT and draft.base_revision == 9
    assert store.outbox_items() == []
    assert draft.values["beds_occupied"] == 34  # the newer edits are kept


def test_a_set_aside_item_is_not_due_and_blocks_nothing(store, complete, home_care_values):
    first = queued(store)
    store.set_values("1-202", Period(2026, 7), home_care_values, "AB")
    other = store.submit("1-202", Period(2026, 7), "AB").item
    aside = store.set_aside(first.submission_id, "the tracker says the form version is unknown")
    assert aside.set_aside_reason == "the tracker says the form version is unknown"
    assert [i.submission_id for i in store.next_due_outbox_items()] == [other.submission_id]
    assert len(store.outbox_items()) == 2
    assert store.history(HOME, SEPTEMBER)[-1].action is HistoryAction.SET_ASIDE
    with pytest.raises(StoreError, match="set aside"):
        store.begin_attempt(first.submission_id)


def test_an_item_waits_for_its_next_attempt_time(store, complete, clock):
    item = queued(store)
    store.record_attempt_failure(item.submission_id, "503", clock.moment + dt.timedelta(minutes=10))
    assert store.next_due_outbox_items(clock.moment) == []
    assert len(store.next_due_outbox_items(clock.moment + dt.timedelta(minutes=10))) == 1


def test_a_withdrawn_item_cannot_be_started(store, complete):
    item = queued(store)
    store.set_value(HOME, SEPTEMBER, "beds_occupied", 34, "CD")
    with pytest.raises(StoreError, match="not in the outbox"):
        store.begin_attempt(item.submission_id)


def test_month_on_month_checks_compare_with_the_last_accepted_return_only(store, accept, care_home_values, clock):
    october, november = Period(2026, 10), Period(2026, 11)
    clock.move_to_month(october)
    accept(store, HOME, october, care_home_values)
    # A November draft is not accepted: it must not become "last month" for December.
    store.set_values(HOME, november, dict(care_home_values, flu_vacc_direct=1), "AB")
    fell = [f for f in store.findings(HOME, november) if f.code == "vaccinations_fell"]
    assert fell and "14" in fell[0].message
    december = store.findings(HOME, Period(2026, 12))
    assert not [f for f in december if f.code == "vaccinations_fell"]
    assert store.last_accepted(HOME).period == october
    assert store.last_accepted(HOME, before=october) is None
