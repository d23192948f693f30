"""Connecting to the real reference tracker: the token in the keyring only, nothing saved on failure,
the tracker's locations and recent returns brought in."""

from __future__ import annotations

import re

import keyring
import pytest
from keyring.backends import fail
from sample_returns import care_home_values
from sync_support import SEPTEMBER, free_port
from tracker_server import add_provider, running_tracker, submission_body

from ct_desktop.credentials import CredentialsUnavailable, load_token, save_token, what_to_install
from ct_desktop.models import Location, ReturnState
from ct_desktop.period import Period
from ct_desktop.settings import load_settings
from ct_desktop.store import open_store
from ct_desktop.sync.connection import ConnectError, canonical_tracker_url, connect, disconnect
from ct_desktop.sync.engine import NotConnected, sync_data_folder

OCTOBER = Period(2026, 10)


def nothing_saved(data_dir, url: str) -> bool:
    with open_store(data_dir) as store:
        no_locations = store.locations() == []
    return load_token(url) is None and load_settings(data_dir).tracker_url is None and no_locations


def files_hold(folder, secret: str) -> list[str]:
    return [path.name for path in folder.rglob("*") if path.is_file() and secret.encode() in path.read_bytes()]


def test_connecting_keeps_the_token_in_the_keyring_only_and_brings_in_the_locations(isolated_data_dir, tracker):
    found = connect(isolated_data_dir, f" {tracker.url}/api/v1/ ", f"{tracker.token}\n")
    assert [loc.id for loc in found] == ["1-101", "1-202", "1-303"]
    assert load_token(tracker.url) == tracker.token
    assert load_settings(isolated_data_dir).tracker_url == tracker.url
    with open_store(isolated_data_dir) as store:
        assert [(loc.id, loc.service_type) for loc in sorted(store.locations(), key=lambda loc: loc.id)] == [
            ("1-101", "care_home"), ("1-202", "home_care"), ("1-303", "care_home")]
    assert files_hold(isolated_data_dir, tracker.token) == []


def test_a_new_installation_learns_the_trackers_recent_returns(isolated_data_dir, tracker):
    accepted = tracker.put("1-101", SEPTEMBER, submission_body(care_home_values())).json()
    connect(isolated_data_dir, tracker.url, tracker.token)
    with open_store(isolated_data_dir) as store:
        (kept,) = store.accepted_revisions("1-101")
        assert (kept.period, kept.revision, kept.receipt) == (SEPTEMBER, 1, accepted["receipt"])
        shown = store.get_return("1-101", SEPTEMBER)
        assert (shown.state, shown.base_revision) == (ReturnState.ACCEPTED, 1)
        assert shown.values["beds_occupied"] == care_home_values()["beds_occupied"]
        # "No changes" works at once, and an edit of the accepted month builds on the tracker's revision.
        copy = store.no_changes("1-101", OCTOBER, "AB")
        assert copy.copied_from.revision == 1 and copy.item.payload["values"]["beds_occupied"] == 35
        store.set_value("1-101", SEPTEMBER, "beds_occupied", 34, "AB")
        store.set_value("1-101", SEPTEMBER, "beds_vacant_accepting", 3, "AB")
        assert store.submit("1-101", SEPTEMBER, "AB", confirm_warnings=True).item.payload["base_revision"] == 1
    report = sync_data_folder(isolated_data_dir)
    assert sorted(a[:3] for a in report.accepted) == [("1-101", "2026-09", 2), ("1-101", "2026-10", 1)]


def test_a_refused_token_saves_nothing(isolated_data_dir, tracker):
    with pytest.raises(ConnectError, match="did not accept the token: check it and try again"):
        connect(isolated_data_dir, tracker.url, "not-the-token")
    assert nothing_saved(isolated_data_dir, tracker.url)


def test_an_unreachable_tracker_saves_nothing(isolated_data_dir):
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(ConnectError, match=rf"cannot connect to the tracker at {url}: .*nothing was saved"):
        connect(isolated_data_dir, url, "a-token")
    assert nothing_saved(isolated_data_dir, url)


@pytest.mark.parametrize(("url", "message"), [("http://care-office-pc:8765", "plain http"),
                                              ("tracker", "not a web address")])
def test_an_address_that_cannot_be_used_is_refused_before_anything_is_sent(isolated_data_dir, url, message):
    with pytest.raises(ConnectError, match=message):
        connect(isolated_data_dir, url, "a-token")


def test_an_empty_token_is_refused(isolated_data_dir, tracker):
    with pytest.raises(ConnectError, match="no usable token"):
        connect(isolated_data_dir, tracker.url, "  \n")


def test_a_machine_without_a_keyring_is_told_what_to_install_and_nothing_is_saved(isolated_data_dir, tracker):
    keyring.set_keyring(fail.Keyring())
    with pytest.raises(CredentialsUnavailable,
                       match=re.escape(f"no keyring to keep the tracker token safely: {what_to_install()}")):
        connect(isolated_data_dir, tracker.url, tracker.token)
    assert load_settings(isolated_data_dir).tracker_url is None
    with open_store(isolated_data_dir) as store:
        assert store.locations() == []


def test_connecting_again_updates_the_locations_and_keeps_a_service_type_with_returns_started(
        isolated_data_dir, tracker):
    with open_store(isolated_data_dir) as store:
        store.add_location(Location("1-202", "Old Name", "home_care"))
        store.add_location(Location("1-303", "Typed As Home Care", "home_care"))
        store.set_value("1-303", SEPTEMBER, "people_supported", 10, "AB")
    notes = []
    connect(isolated_data_dir, tracker.url, tracker.token, notes=notes.append)
    with open_store(isolated_data_dir) as store:
        assert store.location("1-202").name == "Location 1-202"
        assert store.location("1-303").service_type == "home_care"
    assert notes == ["1-303 Location 1-303: the tracker has it as care_home, here it is home_care with returns "
                     "already started; kept as home_care (the tracker will refuse returns of the wrong type)"]


def test_a_location_of_a_type_without_a_question_set_is_not_added(isolated_data_dir, tmp_path):
    db_path = tmp_path / "hospice.db"
    token = add_provider(db_path, "Hospice Care", {"1-505": "hospice", "1-101": "care_home"})
    notes = []
    with running_tracker(db_path) as url:
        found = connect(isolated_data_dir, url, token, notes=notes.append)
    assert [loc.id for loc in found] == ["1-101", "1-505"]
    assert len(notes) == 1 and notes[0].startswith("1-505 Location 1-505 not added: location 1-505 has service type "
                                                   "'hospice', which has no question set here")
    with open_store(isolated_data_dir) as store:
        assert [loc.id for loc in store.locations()] == ["1-101"]


def test_disconnecting_forgets_the_token_and_sync_asks_to_connect_again(isolated_data_dir, tracker):
    with pytest.raises(NotConnected, match=r"^not connected to a tracker: run ct-desktop connect --url URL$"):
        sync_data_folder(isolated_data_dir)
    connect(isolated_data_dir, tracker.url, tracker.token)
    disconnect(isolated_data_dir)
    assert load_token(tracker.url) is None
    with pytest.raises(NotConnected, match="connect again with ct-desktop connect --url"):
        sync_data_folder(isolated_data_dir)


def test_the_tracker_address_is_kept_in_one_form():
    assert canonical_tracker_url("https://tracker/api/v1/") == "https://tracker"
    assert canonical_tracker_url(" http://127.0.0.1:8765/ ") == "http://127.0.0.1:8765"


def test_a_refused_token_is_noticed_even_with_nothing_to_send(isolated_data_dir, tracker):
    connect(isolated_data_dir, tracker.url, tracker.token)
    save_token(tracker.url, "a-token-since-withdrawn")
    report = sync_data_folder(isolated_data_dir)
    assert report.unauthorized and not report.all_sent
    assert load_token(tracker.url) is None
