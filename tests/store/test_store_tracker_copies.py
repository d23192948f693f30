"""Locations and accepted revisions learnt from the tracker: upsert_location and record_tracker_revision."""

from __future__ import annotations

import pytest

from ct_desktop.models import NOT_KNOWN, HistoryAction, Location, ReturnState
from ct_desktop.period import Period
from ct_desktop.store import StoreError

HOME = "1-101"
SEPTEMBER = Period(2026, 9)
OCTOBER = Period(2026, 10)


def tracker_copy(values: dict, revision: int = 1, **changes) -> dict:
    """A revision as GET /locations/{id}/returns gives it."""
    copy = {
        "location_id": HOME, "period": "2026-09", "revision": revision,
        "values": dict(values), "not_known": [], "no_changes": False, "reviewed_by": "Elsewhere",
        "reviewed_at": "2026-09-10T09:30:00+01:00", "form_version": "2025.1",
        "accepted_at": "2026-09-10T08:31:00+00:00", "receipt": f"CT-1-101-2026-09-r{revision}-ABCDEF01",
        "submission_id": f"00000000-0000-4000-8000-00000000000{revision}",
    }
    copy.update(changes)
    return copy


# upsert_location --------------------------------------------------------------------------------


def test_a_new_location_is_added_and_a_known_one_brought_up_to_date(store):
    added = store.upsert_location(Location("1-303", "Rose House", "care_home", "Leeds", "Yorkshire"))
    assert (added.outcome, added.service_type_kept) == ("added", None)
    assert store.location("1-303").region == "Yorkshire"
    same = store.upsert_location(Location("1-303", "Rose House", "care_home", "Leeds", "Yorkshire"))
    assert same.outcome == "unchanged"
    renamed = store.upsert_location(Location("1-303", "Rose House Care", "care_home", None, "Yorkshire"))
    assert renamed.outcome == "updated" and renamed.location.name == "Rose House Care"
    assert store.location("1-303").local_authority is None


def test_the_service_type_changes_only_while_no_return_is_started(store, care_home_values):
    changed = store.upsert_location(Location("1-202", "Home Help", "care_home", "York"))
    assert changed.location.service_type == "care_home" and changed.service_type_kept is None
    store.set_value(HOME, SEPTEMBER, "beds_max_capacity", 40, "AB")
    kept = store.upsert_location(Location(HOME, "Sunny Care", "home_care", "Leeds"))
    assert (kept.outcome, kept.location.service_type, kept.service_type_kept) == ("unchanged", "care_home",
                                                                                  "home_care")


def test_a_location_of_an_unknown_service_type_or_without_a_name_is_refused(store):
    with pytest.raises(StoreError, match="service type 'hospice', which has no question set here"):
        store.upsert_location(Location("1-505", "Hospice", "hospice"))
    with pytest.raises(StoreError, match="without a usable id or name"):
        store.upsert_location(Location("1-506", " ", "care_home"))
    assert [loc.id for loc in store.locations()] == ["1-202", HOME]


# record_tracker_revision ------------------------------------------------------------------------


def test_a_month_not_started_here_shows_the_trackers_copy_and_builds_on_it(store, care_home_values, clock):
    values = dict(care_home_values, beds_unavailable_reasons=None, beds_vacant_unavailable=0, beds_vacant_accepting=4,
                  visits_out_of_location=None)
    kept = store.record_tracker_revision(HOME, SEPTEMBER, tracker_copy(values, not_known=["visits_out_of_location"]))
    assert (kept.revision, kept.receipt) == (1, "CT-1-101-2026-09-r1-ABCDEF01")
    draft = store.get_return(HOME, SEPTEMBER)
    assert (draft.state, draft.base_revision, draft.reviewed_by) == (ReturnState.ACCEPTED, 1, "Elsewhere")
    assert draft.values["beds_vacant_accepting"] == 4 and "beds_unavailable_reasons" not in draft.values
    assert draft.answer("visits_out_of_location") is NOT_KNOWN
    assert store.history(HOME, SEPTEMBER)[-1].action is HistoryAction.ACCEPTED
    assert "made elsewhere" in store.history(HOME, SEPTEMBER)[-1].detail
    assert store.last_accepted(HOME).revision == 1
    # No changes next month, and an edit of this month, both build on what the tracker holds.
    clock.move_to_month(OCTOBER)
    assert store.no_changes(HOME, OCTOBER, "AB").copied_from.revision == 1
    store.set_value(HOME, SEPTEMBER, "beds_occupied", 34, "AB")
    store.set_value(HOME, SEPTEMBER, "beds_vacant_accepting", 5, "AB")
    assert store.submit(HOME, SEPTEMBER, "AB", confirm_warnings=True).item.payload["base_revision"] == 1


def test_recording_is_idempotent_and_never_replaces_a_kept_revision(store, care_home_values):
    copy = tracker_copy(care_home_values)
    assert store.record_tracker_revision(HOME, SEPTEMBER, copy) is not None
    assert store.record_tracker_revision(HOME, SEPTEMBER, copy) is None
    other = tracker_copy(care_home_values, receipt="CT-OTHER", submission_id="00000000-0000-4000-8000-0000000000ff")
    assert store.record_tracker_revision(HOME, SEPTEMBER, other) is None  # revision 1 is already kept
    (kept,) = store.accepted_revisions(HOME, SEPTEMBER)
    assert kept.receipt == "CT-1-101-2026-09-r1-ABCDEF01"


def test_a_newer_revision_made_elsewhere_replaces_what_an_accepted_month_shows(store, care_home_values, accept):
    accept(store, HOME, SEPTEMBER, care_home_values, revision=1)
    store.record_tracker_revision(HOME, SEPTEMBER, tracker_copy(
        dict(care_home_values, beds_occupied=34, beds_vacant_accepting=3), revision=2))
    draft = store.get_return(HOME, SEPTEMBER)
    assert (draft.state, draft.base_revision, draft.values["beds_occupied"]) == (ReturnState.ACCEPTED, 2, 34)
    assert [r.revision for r in store.accepted_revisions(HOME, SEPTEMBER)] == [1, 2]


def test_a_return_being_worked_on_here_is_never_touched(store, care_home_values):
    store.set_values(HOME, SEPTEMBER, dict(care_home_values, beds_occupied=30, beds_vacant_accepting=7), "AB")
    store.record_tracker_revision(HOME, SEPTEMBER, tracker_copy(care_home_values))
    draft = store.get_return(HOME, SEPTEMBER)
    assert (draft.state, draft.base_revision, draft.values["beds_occupied"]) == (ReturnState.DRAFT, None, 30)
    assert "sending it will show both copies" in store.history(HOME, SEPTEMBER)[-1].detail
    item = store.submit(HOME, SEPTEMBER, "AB", confirm_warnings=True).item
    assert item.payload["base_revision"] is None  # so the tracker answers with a conflict, never an overwrite


def test_our_own_submission_found_in_the_history_is_marked_accepted(store, care_home_values):
    store.set_values(HOME, SEPTEMBER, care_home_values, "AB")
    item = store.submit(HOME, SEPTEMBER, "AB", confirm_warnings=True).item
    store.begin_attempt(item.submission_id)  # sent; the answer was lost
    kept = store.record_tracker_revision(HOME, SEPTEMBER, tracker_copy(care_home_values,
                                                                       submission_id=item.submission_id))
    assert (kept.submission_id, kept.payload) == (item.submission_id, item.payload)
    assert store.outbox_items() == []
    assert store.get_return(HOME, SEPTEMBER).state is ReturnState.ACCEPTED
    # The lost answer arriving after all is harmless.
    again = store.mark_accepted(item.submission_id, 1, "2026-09-10T08:31:00+00:00", kept.receipt)
    assert again == kept


def test_a_month_before_any_question_set_keeps_only_the_revision(store, care_home_values):
    old = Period(2023, 1)  # the first question set is of July 2023
    kept = store.record_tracker_revision(HOME, old, tracker_copy(care_home_values, period="2023-01"))
    assert kept.period == old and store.get_return(HOME, old) is None


@pytest.mark.parametrize("broken", [{"revision": 0}, {"revision": "2"}, {"values": None}, {"receipt": None}])
def test_a_copy_that_is_not_a_usable_revision_is_refused(store, care_home_values, broken):
    copy = tracker_copy(care_home_values)
    copy.update(broken)
    if "receipt" in broken:
        del copy["receipt"]
    with pytest.raises(StoreError, match="the tracker's copy"):
        store.record_tracker_revision(HOME, SEPTEMBER, copy)
    assert store.accepted_revisions(HOME) == []


def test_a_conflict_with_a_tracker_that_has_no_revision_makes_the_next_submission_the_first(store, care_home_values,
                                                                                            accept):
    accept(store, HOME, SEPTEMBER, care_home_values, revision=1)
    store.set_value(HOME, SEPTEMBER, "beds_occupied", 34, "AB")
    store.set_value(HOME, SEPTEMBER, "beds_vacant_accepting", 3, "AB")
    item = store.submit(HOME, SEPTEMBER, "AB", confirm_warnings=True).item
    draft = store.mark_conflict(item.submission_id, {"revision": None})
    assert (draft.state, draft.base_revision) == (ReturnState.CONFLICT, None)
