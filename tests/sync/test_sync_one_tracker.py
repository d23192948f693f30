"""A data folder belongs to one tracker: a return queued for a (training) tracker never reaches another one.

Two reference trackers run for real on 127.0.0.1; the command line and the engine are used as a person would.
"""

from __future__ import annotations

import io
import sys
from contextlib import closing

import pytest
from sample_returns import CARE_HOME, care_home_values, summer_care_home_values
from sync_support import JULY, SEPTEMBER, Tracker, item_of, make_engine, queue, quick_client
from tracker_server import add_provider, running_tracker

from ct_desktop.cli import main
from ct_desktop.settings import Settings, load_settings, save_settings


@pytest.fixture
def other_tracker(tmp_path) -> Tracker:
    db_path = tmp_path / "other-tracker.db"
    token = add_provider(db_path, "Rose Care", {"1-101": "care_home", "1-202": "home_care"})
    with running_tracker(db_path) as url:
        yield Tracker(db_path, url, token)


def run_cli(capsys, monkeypatch, *args: str, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_return_queued_for_one_tracker_is_never_sent_to_another(store, tracker, other_tracker, clock,
                                                                  isolated_data_dir):
    save_settings(isolated_data_dir, Settings(tracker_url=tracker.url))
    item = queue(store, CARE_HOME.id, SEPTEMBER, care_home_values())
    assert item.tracker_url == tracker.url
    with closing(quick_client(other_tracker.url, other_tracker.token)) as client:
        report = make_engine(store, client, clock).run_once(include_waiting=True)
    assert report.accepted == () and other_tracker.database.revision_count("1-101", "2026-09") == 0
    waiting = item_of(store, item.submission_id)
    assert (waiting.attempts, waiting.tracker_url) == (0, tracker.url)
    with closing(quick_client(tracker.url, tracker.token)) as client:
        assert make_engine(store, client, clock).run_once().accepted
    assert tracker.database.revision_count("1-101", "2026-09") == 1
    [row] = store._db.query("SELECT tracker_url FROM receipts WHERE submission_id = ?", [item.submission_id])
    assert row["tracker_url"] == tracker.url


def test_a_return_queued_before_connecting_belongs_to_the_first_tracker_it_is_sent_to(store, tracker,
                                                                                      other_tracker, clock):
    first = queue(store, CARE_HOME.id, SEPTEMBER, care_home_values())
    assert first.tracker_url is None
    store.begin_attempt(first.submission_id, tracker.url)  # sent to the first tracker, the answer lost
    with closing(quick_client(other_tracker.url, other_tracker.token)) as client:
        assert make_engine(store, client, clock).run_once(include_waiting=True).accepted == ()
    assert other_tracker.database.revision_count("1-101", "2026-09") == 0
    assert item_of(store, first.submission_id).tracker_url == tracker.url


def test_connecting_to_another_tracker_while_returns_wait_is_refused_saying_which_and_what_to_do(
        capsys, monkeypatch, store, tracker, other_tracker, isolated_data_dir):
    code, _, err = run_cli(capsys, monkeypatch, "connect", "--url", tracker.url, stdin=tracker.token)
    assert code == 0, err
    queue(store, CARE_HOME.id, SEPTEMBER, care_home_values())
    queue(store, CARE_HOME.id, JULY, summer_care_home_values())
    code, out, err = run_cli(capsys, monkeypatch, "connect", "--url", other_tracker.url, stdin=other_tracker.token)
    assert (code, out) == (2, "")
    assert err == (f"ct-desktop: 2 returns of this data folder wait for the tracker at {tracker.url} (1-101 "
                   "September 2026, 1-101 July 2026); a data folder sends to one tracker only, so it was not "
                   f"connected to {other_tracker.url}: send them first (ct-desktop sync), or dismiss them unsent "
                   "(ct-desktop outbox dismiss ID --waiting, the numbers as ct-desktop outbox lists them; each "
                   "return stays saved, as a draft), or keep the other tracker in a profile of its own "
                   "(ct-desktop profiles add NAME, then ct-desktop --profile NAME connect --url URL); nothing was "
                   "saved\n")
    assert load_settings(isolated_data_dir).tracker_url == tracker.url
    # Sent first, to their own tracker: then the folder may move on.
    code, out, _ = run_cli(capsys, monkeypatch, "sync")
    assert code == 0 and out.startswith("Sent 2 returns")
    assert tracker.database.revision_count("1-101", "2026-09") == 1
    code, _, err = run_cli(capsys, monkeypatch, "connect", "--url", other_tracker.url, stdin=other_tracker.token)
    assert code == 0, err
    assert other_tracker.database.revision_count("1-101", "2026-09") == 0


def test_the_advice_to_dismiss_the_waiting_returns_works_as_it_says(capsys, monkeypatch, store, tracker,
                                                                   other_tracker, isolated_data_dir):
    assert run_cli(capsys, monkeypatch, "connect", "--url", tracker.url, stdin=tracker.token)[0] == 0
    item = queue(store, CARE_HOME.id, SEPTEMBER, care_home_values())
    store.begin_attempt(item.submission_id, tracker.url)  # tried once, its answer lost: editing cannot withdraw it
    code, _, err = run_cli(capsys, monkeypatch, "connect", "--url", other_tracker.url, stdin=other_tracker.token)
    assert code == 2 and "ct-desktop outbox dismiss ID --waiting" in err
    number = item_of(store, item.submission_id).outbox_id
    code, out, _ = run_cli(capsys, monkeypatch, "outbox")
    assert code == 0 and f"{number:>4}  1-101  September 2026  waiting" in out
    code, _, err = run_cli(capsys, monkeypatch, "outbox", "dismiss", str(number), "--by", "CD")
    assert code == 2 and err.endswith(f"ct-desktop outbox dismiss {number} --waiting\n")
    code, out, err = run_cli(capsys, monkeypatch, "outbox", "dismiss", str(number), "--waiting", "--by", "CD")
    assert code == 0, err
    assert out.startswith(f"Submission {number} (1-101 September 2026) dismissed: the return is a draft again")
    draft = store.get_return(CARE_HOME.id, SEPTEMBER)
    assert str(draft.state) == "draft" and draft.values == care_home_values()  # kept, not sent
    [entry] = [e for e in store.history(CARE_HOME.id, SEPTEMBER) if e.action == "dismissed"]
    assert entry.by == "CD" and f"waiting to be sent to the tracker at {tracker.url}" in entry.detail
    assert "It may have reached the tracker" in entry.detail
    code, _, err = run_cli(capsys, monkeypatch, "connect", "--url", other_tracker.url, stdin=other_tracker.token)
    assert code == 0, err
    assert run_cli(capsys, monkeypatch, "sync")[0] == 0
    assert other_tracker.database.revision_count("1-101", "2026-09") == 0  # nothing went there by itself
    assert tracker.database.revision_count("1-101", "2026-09") == 0


def test_connecting_again_to_the_same_tracker_with_returns_waiting_is_fine(capsys, monkeypatch, store, tracker):
    assert run_cli(capsys, monkeypatch, "connect", "--url", tracker.url, stdin=tracker.token)[0] == 0
    queue(store, CARE_HOME.id, SEPTEMBER, care_home_values())
    code, _, err = run_cli(capsys, monkeypatch, "connect", "--url", tracker.url + "/", stdin=tracker.token)
    assert code == 0, err
