"""``ct-desktop connect`` and ``ct-desktop sync`` against the real reference tracker: output, exit codes,
one-line messages, never a traceback."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import keyring
import pytest
from keyring.backends import fail
from keyring.errors import KeyringError
from keyring_backend import FileTestKeyring
from sample_returns import care_home_values, home_care_values
from sync_support import JULY, SEPTEMBER, free_port

from ct_desktop.cli import main
from ct_desktop.credentials import load_token, save_token, what_to_install
from ct_desktop.models import Location
from ct_desktop.settings import Settings, save_settings
from ct_desktop.store import open_store


class Terminal(io.StringIO):
    """Standard input that is a terminal."""

    def isatty(self) -> bool:
        return True


def run(capsys, monkeypatch, *args: str, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_each(err: str) -> bool:
    return "Traceback" not in err and all(line.startswith("ct-desktop: ") for line in err.splitlines())


def queue(data_dir, location_id, period, values) -> None:
    with open_store(data_dir) as store:
        store.set_values(location_id, period, values, "AB")
        store.submit(location_id, period, "AB", confirm_warnings=True)


@pytest.fixture
def connected(capsys, monkeypatch, tracker):
    code, _, err = run(capsys, monkeypatch, "connect", "--url", tracker.url, stdin=tracker.token + "\n")
    assert code == 0, err
    return tracker


# connect ----------------------------------------------------------------------------------------


def test_connect_reads_the_token_from_standard_input_and_lists_the_locations(capsys, monkeypatch, tracker):
    code, out, err = run(capsys, monkeypatch, "connect", "--url", tracker.url, stdin=f"\n{tracker.token}\n")
    assert (code, err) == (0, "")
    assert out.splitlines() == [f"Connected to {tracker.url}: 3 locations for this token.",
                                "  1-101  Location 1-101  (care_home)",
                                "  1-202  Location 1-202  (home_care)",
                                "  1-303  Location 1-303  (care_home)"]
    assert load_token(tracker.url) == tracker.token


def test_connect_asks_for_the_token_without_echo_at_a_terminal(capsys, monkeypatch, tracker):
    prompts = []
    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr("getpass.getpass", lambda prompt: prompts.append(prompt) or tracker.token)
    assert main(["connect", "--url", tracker.url]) == 0
    assert prompts == [f"Token for {tracker.url}: "]
    assert tracker.token not in capsys.readouterr().out


def test_connecting_again_without_url_uses_the_address_connected_before(capsys, monkeypatch, connected):
    code, out, _ = run(capsys, monkeypatch, "connect", stdin=connected.token)
    assert code == 0 and out.startswith(f"Connected to {connected.url}")


@pytest.mark.parametrize(("args", "stdin", "message"), [
    (["--url", "{url}"], "wrong-token", "did not accept the token: check it and try again (nothing was saved)"),
    (["--url", "{url}"], "", "no token given: pipe it in"),
    (["--url", "http://care-office-pc"], "a-token", "uses plain http"),
    ([], "a-token", "give the tracker's address: ct-desktop connect --url URL"),
])
def test_connect_refusals_are_one_line_with_exit_2(capsys, monkeypatch, tracker, args, stdin, message):
    code, out, err = run(capsys, monkeypatch, "connect", *[a.format(url=tracker.url) for a in args], stdin=stdin)
    assert code == 2 and message in err and one_line_each(err) and out == ""
    assert load_token(tracker.url) is None


def test_connect_without_a_keyring_names_what_to_install(capsys, monkeypatch, tracker, isolated_data_dir):
    keyring.set_keyring(fail.Keyring())
    code, _, err = run(capsys, monkeypatch, "connect", "--url", tracker.url, stdin=tracker.token)
    assert code == 2 and one_line_each(err)
    assert f"no keyring to keep the tracker token safely: {what_to_install()}" in err
    assert not (isolated_data_dir / "settings.json").exists()


def test_the_installed_command_reads_a_piped_token(tracker, isolated_data_dir):
    done = subprocess.run([sys.executable, "-m", "ct_desktop", "connect", "--url", tracker.url],
                          input=tracker.token + "\n", capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "3 locations" in done.stdout and tracker.token not in done.stdout + done.stderr
    assert load_token(tracker.url) == tracker.token  # the same test keyring, seen by the subprocess


# disconnect -------------------------------------------------------------------------------------


def test_disconnect_forgets_the_token_and_what_was_queued_goes_after_connecting_again(capsys, monkeypatch,
                                                                                      connected, isolated_data_dir):
    queue(isolated_data_dir, "1-101", SEPTEMBER, care_home_values())
    code, out, err = run(capsys, monkeypatch, "disconnect")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"Disconnected from {connected.url}: its token is no longer kept on this computer.",
        f"1 queued return stays queued: sent after ct-desktop connect --url {connected.url}",
    ]
    assert load_token(connected.url) is None
    code, _, err = run(capsys, monkeypatch, "sync")
    assert code == 2 and "connect again with ct-desktop connect --url" in err
    code, out, _ = run(capsys, monkeypatch, "disconnect")  # again: nothing left to forget
    assert code == 0
    assert out.startswith(f"No token for {connected.url} was kept on this computer: nothing to forget.\n1 queued")
    run(capsys, monkeypatch, "connect", stdin=connected.token)  # the address was kept
    code, out, _ = run(capsys, monkeypatch, "sync")
    assert code == 0 and out.startswith("Sent 1 return")


def test_disconnect_when_not_connected_says_so(capsys, monkeypatch):
    assert run(capsys, monkeypatch, "disconnect") == (0, "Not connected to a tracker: no token to forget.\n", "")


def test_disconnect_without_a_keyring_has_nothing_to_forget(capsys, monkeypatch, connected):
    keyring.set_keyring(fail.Keyring())  # a computer whose keyring has gone: it holds no token
    code, out, err = run(capsys, monkeypatch, "disconnect")
    assert (code, err) == (0, "")
    assert out == f"No token for {connected.url} was kept on this computer: nothing to forget.\n"


class LockedKeyring(FileTestKeyring):
    """A keyring that reads but is locked against changes (a Secret Service collection left locked)."""

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringError("the collection is locked")


def test_disconnect_with_a_locked_keyring_says_the_token_is_still_kept(capsys, monkeypatch, connected):
    keyring.set_keyring(LockedKeyring())
    code, out, err = run(capsys, monkeypatch, "disconnect")
    assert (code, out) == (2, "")
    # The keyring library's own words ("the collection is locked") go to the log, not to the person.
    assert err == ("ct-desktop: the keyring could not forget the token (it may be locked: unlock it and try again); "
                   "the token is still kept: unlock the keyring and run ct-desktop disconnect again\n")
    assert load_token(connected.url) == connected.token


# sync -------------------------------------------------------------------------------------------


def test_sync_without_a_connection_says_how_to_connect(capsys, monkeypatch):
    code, out, err = run(capsys, monkeypatch, "sync")
    assert (code, out) == (2, "")
    assert err == "ct-desktop: not connected to a tracker: run ct-desktop connect --url URL\n"


def test_sync_sends_everything_and_exits_0(capsys, monkeypatch, connected, isolated_data_dir):
    queue(isolated_data_dir, "1-101", SEPTEMBER, care_home_values())
    code, out, err = run(capsys, monkeypatch, "sync")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "Sent 1 return"
    assert lines[1].startswith("  accepted: 1-101 September 2026, revision 1, receipt CT-1-101-2026-09-r1-")
    code, out, _ = run(capsys, monkeypatch, "sync")
    assert (code, out) == (0, "Nothing to send: the outbox is empty\n")


def test_sync_json_prints_the_report(capsys, monkeypatch, connected, isolated_data_dir):
    queue(isolated_data_dir, "1-101", SEPTEMBER, care_home_values())
    code, out, _ = run(capsys, monkeypatch, "sync", "--json")
    report = json.loads(out)
    assert code == 0 and report["all_sent"] is True and report["still_queued"] == 0
    assert report["accepted"][0]["location"] == "1-101" and report["accepted"][0]["revision"] == 1


def queue_for_a_tracker_out_of_reach(data_dir) -> None:
    """Connected to an address where nothing listens, with September of 1-101 queued."""
    url = f"http://127.0.0.1:{free_port()}"
    save_settings(data_dir, Settings(tracker_url=url))
    save_token(url, "a-token")
    with open_store(data_dir) as store:
        store.add_location(Location("1-101", "Sunny Care", "care_home"))
    queue(data_dir, "1-101", SEPTEMBER, care_home_values())


def test_sync_that_cannot_reach_the_tracker_exits_3_and_says_why(capsys, monkeypatch, isolated_data_dir):
    queue_for_a_tracker_out_of_reach(isolated_data_dir)
    code, out, err = run(capsys, monkeypatch, "sync")
    assert (code, err) == (3, "")
    assert out.startswith("Nothing sent; 1 waiting: the tracker could not be reached (next try at ")
    assert "  waiting: 1 submission; to try at once when the network is back: ct-desktop sync --retry-now" in out
    code, out, _ = run(capsys, monkeypatch, "draft", "show", "1-101", "2026-09")
    assert "last error: the tracker could not be reached: check the network connection" in out
    assert "ConnectionError" not in out
    assert "submission" not in out.split("History")[0]  # the id is in --json, not in what people read


def test_sync_with_nothing_due_still_says_the_tracker_cannot_be_reached(capsys, monkeypatch, isolated_data_dir):
    queue_for_a_tracker_out_of_reach(isolated_data_dir)
    run(capsys, monkeypatch, "sync")
    code, out, _ = run(capsys, monkeypatch, "sync", "--json")  # at once: the item waits for its next try
    report = json.loads(out)
    assert code == 3 and report["offline"] is True and report["still_queued"] == 1
    code, out, _ = run(capsys, monkeypatch, "sync")
    assert out.startswith("Nothing sent; 1 waiting: the tracker could not be reached (next try at ")


def test_sync_lists_refusals_and_set_aside_items_and_exits_3(capsys, monkeypatch, tracker, isolated_data_dir):
    with open_store(isolated_data_dir) as store:
        store.add_location(Location("1-404", "Added By Hand", "care_home"))
        store.add_location(Location("1-303", "A Care Home There", "home_care"))  # a care home on the tracker
    queue(isolated_data_dir, "1-404", SEPTEMBER, care_home_values())
    queue(isolated_data_dir, "1-303", JULY, home_care_values())
    code, _, _ = run(capsys, monkeypatch, "connect", "--url", tracker.url, stdin=tracker.token)
    assert code == 0
    code, out, err = run(capsys, monkeypatch, "sync")
    assert (code, err) == (3, "")
    assert out.startswith("Nothing sent; 1 refused by the tracker: fix and submit again; 1 set aside: ")
    assert ("  refused: 1-303 July 2026: fix it with ct-desktop draft set 1-303 2026-07 KEY=VALUE ..., then "
            "submit again; the tracker said:\n") in out
    assert "\n    beds_max_capacity: " in out
    assert "  set aside: 1-404 September 2026: the tracker does not know it: the tracker has no location 1-404" in out


def test_sync_with_a_refused_token_forgets_it_and_exits_2_saying_connect_again(capsys, monkeypatch, connected,
                                                                               isolated_data_dir):
    queue(isolated_data_dir, "1-101", SEPTEMBER, care_home_values())
    save_token(connected.url, "a-token-since-withdrawn")
    code, out, err = run(capsys, monkeypatch, "sync")
    assert code == 2 and one_line_each(err)
    assert "the tracker refused the token: connect again" in err
    assert "1 waiting: until the tracker is connected again" in out
    assert load_token(connected.url) is None
    code, _, err = run(capsys, monkeypatch, "sync")
    assert code == 2 and "connect again with ct-desktop connect --url" in err
    # Connecting again sends what waited.
    run(capsys, monkeypatch, "connect", stdin=connected.token)
    code, out, _ = run(capsys, monkeypatch, "sync")
    assert code == 0 and out.startswith("Sent 1 return")
