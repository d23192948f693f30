"""Profiles on the command line: a Live and a Training profile, each connected to its own real tracker
(two reference trackers on 127.0.0.1); each return goes to its own tracker and never to the other."""

from __future__ import annotations

import io
import json
import sys

import pytest
from sample_returns import care_home_values
from sync_support import Tracker
from tracker_server import add_provider, running_tracker

from ct_desktop.cli import main
from ct_desktop.settings import load_settings


@pytest.fixture
def training_tracker(tmp_path) -> Tracker:
    db_path = tmp_path / "training-tracker.db"
    token = add_provider(db_path, "Rose Care (training)", {"1-101": "care_home"})
    with running_tracker(db_path) as url:
        yield Tracker(db_path, url, token)


def run(capsys, monkeypatch, *args: str, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def answers(**changes) -> list[str]:
    """A complete September care home return as `draft set` arguments."""
    values = {**care_home_values(), **changes}
    return [f"{key}={';'.join(value) if isinstance(value, list) else value}" for key, value in values.items()]


def submit_in(capsys, monkeypatch, profile: list[str], **changes) -> None:
    code, _, err = run(capsys, monkeypatch, *profile, "draft", "set", "1-101", "2026-09", *answers(**changes),
                       "--by", "AB")
    assert code == 0, err
    code, _, err = run(capsys, monkeypatch, *profile, "submit", "1-101", "2026-09", "--by", "AB",
                       "--confirm-warnings")
    assert code == 0, err


def test_each_profile_sends_only_to_its_own_tracker(capsys, monkeypatch, isolated_data_dir, tracker,
                                                    training_tracker):
    training = ["--profile", "Training"]
    assert run(capsys, monkeypatch, "profiles", "add", "Training")[0] == 0
    code, _, err = run(capsys, monkeypatch, "connect", "--url", tracker.url, stdin=tracker.token)
    assert code == 0, err
    code, _, err = run(capsys, monkeypatch, *training, "connect", "--url", training_tracker.url,
                       stdin=training_tracker.token)
    assert code == 0, err
    assert load_settings(isolated_data_dir).tracker_url == tracker.url
    assert load_settings(isolated_data_dir / "profiles" / "Training").tracker_url == training_tracker.url

    # The same location and month in both, with different figures: a practice run and the real one.
    submit_in(capsys, monkeypatch, training, beds_occupied=30, beds_vacant_accepting=7)
    submit_in(capsys, monkeypatch, [], beds_occupied=35)

    code, out, err = run(capsys, monkeypatch, *training, "sync")
    assert code == 0, err
    assert out.startswith("Sent 1 return")
    assert training_tracker.database.revision_count("1-101", "2026-09") == 1
    assert tracker.database.revision_count("1-101", "2026-09") == 0  # the live one still waits, unsent

    code, out, err = run(capsys, monkeypatch, "sync")
    assert code == 0 and out.startswith("Sent 1 return"), err
    assert tracker.database.revision_count("1-101", "2026-09") == 1
    assert training_tracker.database.revision_count("1-101", "2026-09") == 1
    assert tracker.latest("1-101", "2026-09")["values"]["beds_occupied"] == 35
    assert training_tracker.latest("1-101", "2026-09")["values"]["beds_occupied"] == 30

    code, out, _ = run(capsys, monkeypatch, "profiles", "--json")
    assert [(row["name"], row["tracker_url"]) for row in json.loads(out)] == [
        ("Live", tracker.url), ("Training", training_tracker.url)]


def test_a_profile_keeps_its_tracker_while_its_returns_wait(capsys, monkeypatch, tracker, training_tracker):
    training = ["--profile", "Training"]
    run(capsys, monkeypatch, "profiles", "add", "Training")
    assert run(capsys, monkeypatch, *training, "connect", "--url", training_tracker.url,
               stdin=training_tracker.token)[0] == 0
    submit_in(capsys, monkeypatch, training)
    # Connecting the Training profile to the live tracker by mistake is refused: its return is for training.
    code, out, err = run(capsys, monkeypatch, *training, "connect", "--url", tracker.url, stdin=tracker.token)
    assert (code, out) == (2, "")
    assert err.startswith(f"ct-desktop: 1 return of this data folder waits for the tracker at {training_tracker.url}")
    assert run(capsys, monkeypatch, *training, "sync")[0] == 0
    assert tracker.database.revision_count("1-101", "2026-09") == 0
    assert training_tracker.database.revision_count("1-101", "2026-09") == 1
