"""What is checked when the store opens, and the messages for files that cannot be used.

Every open checks what costs the same whatever the file's size; the full integrity check runs when it
is due: a file never checked, a day after the last check, a failed check, an unclean shutdown.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys

import pytest
from test_store_database import break_an_index, copies_aside, filled_database

from ct_desktop.settings import Settings, save_settings
from ct_desktop.store import StoreUnreadable, backups, health, open_store
from ct_desktop.store.database import DB_FILENAME


def cli(data_dir, *args: str) -> subprocess.CompletedProcess:
    """`ct-desktop ARGS --data-dir DIR` in a process of its own, as a person runs it."""
    return subprocess.run([sys.executable, "-m", "ct_desktop", *args, "--data-dir", str(data_dir)],
                          capture_output=True, text=True, timeout=120)


def age_record(path, days: float) -> None:
    record = health.record_path(path)
    data = json.loads(record.read_text(encoding="utf-8"))
    data["checked_at"] = (dt.datetime.fromisoformat(data["checked_at"]) - dt.timedelta(days=days)).isoformat()
    record.write_text(json.dumps(data), encoding="utf-8")


def test_the_damaged_database_message_is_one_line(isolated_data_dir, home_care_values):
    filled_database(isolated_data_dir, home_care_values)
    path = isolated_data_dir / DB_FILENAME
    break_an_index(path)
    health.record_path(path).unlink()
    result = cli(isolated_data_dir, "status")
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"ct-desktop: the database {path} cannot be read (integrity check failed: ")
    assert "a copy was kept at" in line and "Restore a backup" in line


def test_a_foreign_sqlite_file_is_left_byte_for_byte_as_it_was(isolated_data_dir):
    isolated_data_dir.mkdir()
    path = isolated_data_dir / DB_FILENAME
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, caption TEXT)")
    connection.executemany("INSERT INTO photos (caption) VALUES (?)", [(f"photo {n}",) for n in range(500)])
    connection.commit()
    connection.close()
    before, mtime = path.read_bytes(), os.stat(path).st_mtime_ns
    result = cli(isolated_data_dir, "status")
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert "holds tables that are not ct-desktop's" in line and "the file was left as it is" in line
    assert path.read_bytes() == before and os.stat(path).st_mtime_ns == mtime
    assert sorted(p.name for p in isolated_data_dir.iterdir()) == [DB_FILENAME]  # no -wal, no copy, no record


def test_an_empty_database_in_a_folder_already_used_is_refused(isolated_data_dir):
    isolated_data_dir.mkdir()
    save_settings(isolated_data_dir, Settings(person="AB", first_run_done=True))
    (isolated_data_dir / DB_FILENAME).write_bytes(b"")
    result = cli(isolated_data_dir, "status")
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert "the file is empty (0 bytes) although this data folder has been used" in line
    assert (isolated_data_dir / DB_FILENAME).read_bytes() == b""  # not turned into a new store


def test_an_empty_database_in_a_new_folder_is_a_new_store(isolated_data_dir):
    # The moment between another ct-desktop creating the file and writing its tables.
    isolated_data_dir.mkdir()
    (isolated_data_dir / DB_FILENAME).write_bytes(b"")
    assert cli(isolated_data_dir, "locations").returncode == 0


def test_damage_only_the_full_check_finds_is_found_when_the_day_is_over(isolated_data_dir, home_care_values):
    filled_database(isolated_data_dir, home_care_values)
    path = isolated_data_dir / DB_FILENAME
    break_an_index(path)
    # Checked (on creation) less than a day ago: the open does not read the whole file again.
    assert cli(isolated_data_dir, "locations").returncode == 0
    age_record(path, 1.1)
    result = cli(isolated_data_dir, "locations")
    assert result.returncode == 2 and "integrity check failed" in result.stderr
    assert len(copies_aside(isolated_data_dir)) == 1
    # ... and it stays refused.
    assert "integrity check failed" in cli(isolated_data_dir, "locations").stderr


def test_after_an_unclean_shutdown_the_full_check_runs_whatever_its_date(isolated_data_dir, home_care_values):
    filled_database(isolated_data_dir, home_care_values)
    path = isolated_data_dir / DB_FILENAME
    break_an_index(path)
    health.mark_unclean(path)
    with pytest.raises(StoreUnreadable, match="integrity check failed"):
        open_store(isolated_data_dir)


def test_a_database_put_in_place_of_another_is_checked_afresh(isolated_data_dir, tmp_path, home_care_values):
    other = tmp_path / "other"
    filled_database(other, home_care_values)
    break_an_index(other / DB_FILENAME)
    open_store(isolated_data_dir).close()  # checked today
    os.replace(other / DB_FILENAME, isolated_data_dir / DB_FILENAME)
    with pytest.raises(StoreUnreadable, match="integrity check failed"):
        open_store(isolated_data_dir)


def test_the_app_runs_the_due_check_in_the_background_and_later_opens_refuse(isolated_data_dir, home_care_values):
    filled_database(isolated_data_dir, home_care_values)
    path = isolated_data_dir / DB_FILENAME
    break_an_index(path)
    age_record(path, 2)
    store = open_store(isolated_data_dir, full_check_when_due=False)  # the app's own open: left to keep_up
    try:
        upkeep = backups.keep_up(isolated_data_dir)
    finally:
        store.close()
    assert upkeep.check is not None and not upkeep.check.ok
    assert upkeep.backup is None  # a damaged file is never backed up
    with pytest.raises(StoreUnreadable, match="integrity check failed"):
        open_store(isolated_data_dir)


def test_a_check_that_is_not_due_is_not_run_by_keep_up(isolated_data_dir):
    open_store(isolated_data_dir).close()
    upkeep = backups.keep_up(isolated_data_dir)
    assert upkeep.check is None and upkeep.backup is not None
