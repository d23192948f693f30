"""Resolving a conflict: the person's choices, answer by answer, in one step, recorded in history."""

from __future__ import annotations

import pytest

from ct_desktop.models import HistoryAction, ReturnState
from ct_desktop.period import Period
from ct_desktop.store import LifecycleError, ValuesRefused

SEPTEMBER = Period(2026, 9)
HOME = "1-101"


@pytest.fixture
def in_conflict(store, care_home_values):
    store.set_values(HOME, SEPTEMBER, care_home_values, "AB")
    item = store.submit(HOME, SEPTEMBER, "AB", confirm_warnings=True).item
    store.begin_attempt(item.submission_id)
    theirs = dict(care_home_values, beds_occupied=33, staff_direct_care=40)
    store.mark_conflict(item.submission_id, {"revision": 4, "values": theirs, "not_known": [],
                                             "reviewed_by": "Head office"})
    return theirs


def test_taking_some_of_the_trackers_answers_ends_the_conflict(store, in_conflict):
    result = store.resolve_conflict(HOME, SEPTEMBER, {"beds_occupied": 33}, "CD")
    draft = store.get_return(HOME, SEPTEMBER)
    assert draft.state is ReturnState.DRAFT
    assert draft.server_copy is None
    assert draft.base_revision == 4  # what is sent next knowingly replaces the tracker's revision 4
    assert draft.values["beds_occupied"] == 33  # taken
    assert draft.values["staff_direct_care"] == 38  # ours kept
    assert [(c.key, c.old, c.new) for c in result.changes] == [("beds_occupied", "35", "33")]
    last = store.history(HOME, SEPTEMBER)[-2:]
    assert [(e.action, e.by, e.key) for e in last] == [(HistoryAction.EDIT, "CD", "beds_occupied"),
                                                       (HistoryAction.RESOLVED, "CD", None)]
    assert last[1].detail == ("conflict with the tracker's revision 4 resolved by CD: took the tracker's answers "
                              "for Beds occupied; kept the rest")
    assert store.submit(HOME, SEPTEMBER, "CD", confirm_warnings=True).item.payload["base_revision"] == 4


def test_keeping_all_our_answers_also_ends_it(store, in_conflict):
    store.resolve_conflict(HOME, SEPTEMBER, {}, "CD")
    assert store.get_return(HOME, SEPTEMBER).state is ReturnState.DRAFT
    assert store.history(HOME, SEPTEMBER)[-1].detail.endswith("resolved by CD: kept all our answers")


def test_a_bad_answer_or_no_conflict_changes_nothing(store, in_conflict):
    with pytest.raises(ValuesRefused):
        store.resolve_conflict(HOME, SEPTEMBER, {"beds_occupied": "many"}, "CD")
    assert store.get_return(HOME, SEPTEMBER).state is ReturnState.CONFLICT
    store.resolve_conflict(HOME, SEPTEMBER, {}, "CD")
    with pytest.raises(LifecycleError, match="is not in conflict with the tracker's copy"):
        store.resolve_conflict(HOME, SEPTEMBER, {}, "CD")
