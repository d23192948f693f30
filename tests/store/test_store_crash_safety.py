"""Crash safety for real: processes killed (SIGKILL; TerminateProcess on Windows) at random moments while
writing, and two processes at once.

After every kill: every edit the writer reported as saved is in the database, the database passes
PRAGMA integrity_check, it opens, and the lifecycle is consistent (a queued return is in the outbox).
"""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from killing import KILLED

from ct_desktop.models import HistoryAction, Location, ReturnState
from ct_desktop.period import Period
from ct_desktop.store import open_store
from ct_desktop.store.database import DB_FILENAME

WRITER = Path(__file__).with_name("writer.py")
JULY = Period(2026, 7)
ROUNDS = 25
EDITS_PER_ROUND = 2000  # numbering room per round; a round is killed long before


def start_writer(data_dir: Path, location: str, first: int, count: int = 0, start_at: float | None = None):
    command = [sys.executable, str(WRITER), str(data_dir), location, str(first), str(count)]
    if start_at is not None:
        command.append(repr(start_at))
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def collect_lines(process: subprocess.Popen, lines: list[str]) -> threading.Thread:
    def read() -> None:
        for line in process.stdout:
            lines.append(line.strip())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return reader


def wait_until_opened(writer: subprocess.Popen, lines: list[str], limit_s: float = 60.0) -> None:
    deadline = time.monotonic() + limit_s
    while "opened" not in lines and writer.poll() is None:
        assert time.monotonic() < deadline, "the writer did not start"
        time.sleep(0.005)


def wait_until_saving(writer: subprocess.Popen, lines: list[str], limit_s: float = 60.0) -> None:
    # The first edit comes a millisecond after the store opens on Linux, and far later under Wine: the
    # random moment of the kill is counted from it, so that on every system the kills land among edits.
    deadline = time.monotonic() + limit_s
    while not any(line.startswith("saved ") for line in list(lines)) and writer.poll() is None:
        assert time.monotonic() < deadline, "the writer saved nothing"
        time.sleep(0.005)


def prepare(data_dir: Path, values: dict, *locations: str) -> None:
    with open_store(data_dir) as store:
        for location in locations:
            store.add_location(Location(location, f"Agency {location}", "home_care"))
            store.set_values(location, JULY, values, "setup")


def integrity(data_dir: Path) -> str:
    connection = sqlite3.connect(data_dir / DB_FILENAME)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()


def edits_saved(store, location: str, key: str) -> set[int]:
    return {int(h.new) for h in store.history(location, JULY)
            if h.action is HistoryAction.EDIT and h.key == key and h.by.startswith("writer")}


@pytest.mark.slow
def test_edits_reported_saved_survive_sigkill_at_random_moments(isolated_data_dir, home_care_values):
    prepare(isolated_data_dir, home_care_values, "1-202")
    randomness = random.Random(os.environ.get("CT_CRASH_SEED", "ct-desktop"))
    reported: set[int] = set()
    for round_number in range(ROUNDS):
        lines: list[str] = []
        writer = start_writer(isolated_data_dir, "1-202", first=round_number * EDITS_PER_ROUND + 1)
        reader = collect_lines(writer, lines)
        # Some rounds die while starting and opening the store, some soon after, most in a stream of edits
        # and submits.
        if round_number % 5 == 0:
            time.sleep(randomness.uniform(0.0, 0.3))
        else:
            wait_until_opened(writer, lines)
            if round_number % 5 != 1:
                wait_until_saving(writer, lines)
            time.sleep(randomness.uniform(0.0, 0.4))
        writer.kill()
        writer.wait()
        reader.join(timeout=10)
        assert writer.returncode == KILLED, writer.stderr.read()
        writer.stderr.close()
        reported |= {int(line.split()[1]) for line in lines if line.startswith("saved ")}

        assert integrity(isolated_data_dir) == "ok"
        with open_store(isolated_data_dir) as store:
            agency, spare = edits_saved(store, "1-202", "packages_returned_self"), edits_saved(store, "1-202",
                                                                                  "spare_capacity_hours")
            assert reported <= agency, f"round {round_number}: edits reported saved are missing"
            assert agency == spare  # both fields of one edit, or neither
            draft = store.get_return("1-202", JULY)
            items = store.outbox_items()
            if draft.state is ReturnState.QUEUED:
                assert [item.submission_id for item in items] == [draft.submission_id]
            else:
                assert draft.state is ReturnState.DRAFT and items == []
            if agency:
                assert draft.values["packages_returned_self"] == max(agency)
    assert len(reported) > ROUNDS  # the kills did land among the edits


def test_two_processes_writing_to_the_same_data_folder_at_once(isolated_data_dir, home_care_values):
    prepare(isolated_data_dir, home_care_values, "1-301", "1-302")
    start_at = time.time() + 1.0  # both past their imports, then go together
    writers = [start_writer(isolated_data_dir, location, first=1, count=60, start_at=start_at)
               for location in ("1-301", "1-302")]
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
        assert out.count("saved ") == 60
    assert integrity(isolated_data_dir) == "ok"
    with open_store(isolated_data_dir) as store:
        for location in ("1-301", "1-302"):
            assert edits_saved(store, location, "packages_returned_self") == set(range(1, 61))
            assert store.get_return(location, JULY).state is ReturnState.QUEUED  # the 60th edit was submitted
        assert len(store.outbox_items()) == 2


def test_two_processes_creating_the_database_at_the_same_moment(isolated_data_dir):
    start_at = time.time() + 1.0
    code = ("import sys, time; from ct_desktop.store import open_store; "
            "time.sleep(max(0, float(sys.argv[2]) - time.time())); open_store(sys.argv[1]).close()")
    openers = [subprocess.Popen([sys.executable, "-c", code, str(isolated_data_dir), repr(start_at)],
                                stderr=subprocess.PIPE, text=True) for _ in range(3)]
    for opener in openers:
        _, err = opener.communicate(timeout=60)
        assert opener.returncode == 0, err
    assert integrity(isolated_data_dir) == "ok"
    with open_store(isolated_data_dir) as store:
        assert store.locations() == []
