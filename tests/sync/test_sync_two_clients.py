"""Two computers (two data folders) of one provider edit the same location's month: the second to send
meets a conflict and sees both copies; the tracker keeps the first's values; nothing is overwritten silently."""

from __future__ import annotations

from sample_returns import care_home_values
from sync_support import SEPTEMBER

from ct_desktop.models import ReturnState
from ct_desktop.store import open_store
from ct_desktop.sync.connection import connect
from ct_desktop.sync.engine import sync_data_folder


def test_concurrent_edits_from_two_computers_make_a_conflict_never_an_overwrite(tmp_path, tracker):
    office, laptop = tmp_path / "office", tmp_path / "laptop"
    connect(office, tracker.url, tracker.token)
    with open_store(office) as store:
        store.set_values("1-101", SEPTEMBER, care_home_values(), "AB")
        store.submit("1-101", SEPTEMBER, "AB", confirm_warnings=True)
    assert sync_data_folder(office).accepted[0][2] == 1

    connect(laptop, tracker.url, tracker.token)  # learns revision 1 from the tracker
    with open_store(laptop) as store:
        learnt = store.get_return("1-101", SEPTEMBER)
        assert (learnt.state, learnt.base_revision) == (ReturnState.ACCEPTED, 1)
        store.set_values("1-101", SEPTEMBER, {"beds_occupied": 33, "beds_vacant_accepting": 4}, "CD")
        assert store.submit("1-101", SEPTEMBER, "CD", confirm_warnings=True).item.payload["base_revision"] == 1
    with open_store(office) as store:
        store.set_values("1-101", SEPTEMBER, {"beds_occupied": 34, "beds_vacant_accepting": 3}, "AB")
        store.submit("1-101", SEPTEMBER, "AB", confirm_warnings=True)

    assert sync_data_folder(office).accepted[0][2] == 2
    report = sync_data_folder(laptop)
    assert report.conflicts == (("1-101", "2026-09"),) and report.accepted == ()
    assert tracker.latest("1-101", SEPTEMBER)["values"]["beds_occupied"] == 34
    assert tracker.database.revision_count("1-101", "2026-09") == 2
    with open_store(laptop) as store:
        draft = store.get_return("1-101", SEPTEMBER)
        assert draft.state is ReturnState.CONFLICT
        assert draft.values["beds_occupied"] == 33  # ours, kept
        assert (draft.server_copy["revision"], draft.server_copy["values"]["beds_occupied"]) == (2, 34)
        # The person compares and chooses: what is sent next builds on the tracker's revision and replaces it.
        store.set_values("1-101", SEPTEMBER, {"beds_occupied": 32, "beds_vacant_accepting": 5}, "CD")
        store.submit("1-101", SEPTEMBER, "CD", confirm_warnings=True)
    assert sync_data_folder(laptop).accepted[0][2] == 3
    assert tracker.latest("1-101", SEPTEMBER)["values"]["beds_occupied"] == 32
