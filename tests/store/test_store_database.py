"""The database file: private, WAL, durable commits; damaged or unreadable files are kept aside, never replaced."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys

import pytest

from ct_desktop.models import Location
from ct_desktop.period import Period
from ct_desktop.store import StoreError, StoreUnreadable, database, health, open_store
from ct_desktop.store.database import DB_FILENAME

SEPTEMBER = Period(2026, 9)
POSIX = os.name == "posix"


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def filled_database(folder, home_care_values) -> bytes:
    """A real database with a few pages of data, closed (checkpointed), as bytes."""
    store = open_store(folder)
    store.add_location(Location("1-202", "Home Help", "home_care"))
    for month in range(4, 13):
        store.set_values("1-202", Period(2026, month), home_care_values, "AB")
        for hours in range(10):
            store.set_value("1-202", Period(2026, month), "hours_agency", hours, "AB")
    store.close()
    return (folder / DB_FILENAME).read_bytes()


def copies_aside(folder) -> list:
    return sorted(p for p in folder.iterdir() if ".unreadable-" in p.name)


@pytest.mark.skipif(not POSIX, reason="file modes are POSIX")
def test_the_database_and_its_wal_files_are_private(store):
    store.set_value("1-101", SEPTEMBER, "beds_occupied", 3, "AB")
    for suffix in ("", "-wal", "-shm"):
        assert mode(str(store.path) + suffix) == 0o600


@pytest.mark.skipif(not POSIX, reason="file modes are POSIX")
def test_an_existing_database_readable_by_others_is_made_private(isolated_data_dir):
    open_store(isolated_data_dir).close()
    os.chmod(isolated_data_dir / DB_FILENAME, 0o644)
    open_store(isolated_data_dir).close()
    assert mode(isolated_data_dir / DB_FILENAME) == 0o600


def test_wal_mode_full_sync_and_foreign_keys(store):
    connection = store._db.conn
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert connection.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert connection.execute("PRAGMA busy_timeout").fetchone()[0] == 10_000


def test_the_data_folder_comes_from_the_environment(isolated_data_dir):
    with open_store() as store:
        assert store.path == isolated_data_dir.resolve() / DB_FILENAME


def test_a_file_that_is_not_a_database_is_kept_aside_and_not_replaced(isolated_data_dir):
    isolated_data_dir.mkdir()
    garbage = b"this is a spreadsheet, not a database\n" * 200
    (isolated_data_dir / DB_FILENAME).write_bytes(garbage)
    with pytest.raises(StoreUnreadable) as failed:
        open_store(isolated_data_dir)
    message = str(failed.value)
    [copy] = copies_aside(isolated_data_dir)
    assert str(isolated_data_dir / DB_FILENAME) in message and str(copy) in message
    assert "Restore a backup" in message and "\n" not in message
    assert failed.value.copy == copy
    assert copy.read_bytes() == garbage
    assert (isolated_data_dir / DB_FILENAME).read_bytes() == garbage  # never a silent fresh start


def test_trying_again_does_not_pile_up_identical_copies(isolated_data_dir):
    isolated_data_dir.mkdir()
    (isolated_data_dir / DB_FILENAME).write_bytes(b"x" * 5000)
    for _ in range(3):
        with pytest.raises(StoreUnreadable):
            open_store(isolated_data_dir)
    assert len(copies_aside(isolated_data_dir)) == 1


def test_a_truncated_database_is_kept_aside_with_its_wal(isolated_data_dir, home_care_values):
    whole = filled_database(isolated_data_dir, home_care_values)
    path = isolated_data_dir / DB_FILENAME
    path.write_bytes(whole[: len(whole) // 2])
    (isolated_data_dir / (DB_FILENAME + "-wal")).write_bytes(b"W" * 1000)
    with pytest.raises(StoreUnreadable, match="cannot be read"):
        open_store(isolated_data_dir)
    copy, wal_copy = copies_aside(isolated_data_dir)
    assert wal_copy.name == copy.name + "-wal"
    assert (copy.read_bytes(), wal_copy.read_bytes()) == (whole[: len(whole) // 2], b"W" * 1000)
    assert path.read_bytes() == whole[: len(whole) // 2]


def damage_page_of(path, table: str) -> None:
    """Overwrite bytes in the middle of the root page of ``table``."""
    connection = sqlite3.connect(path)
    root = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", [table]).fetchone()[0]
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    connection.close()
    with open(path, "r+b") as handle:
        handle.seek((root - 1) * page_size + 8)
        handle.write(b"\x00\xff\x7f\x33" * 8)


def break_an_index(path) -> None:
    """Point an index at different columns than it was built from: every page reads, but the check fails."""
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA writable_schema = ON")
    connection.execute("UPDATE sqlite_master SET sql = 'CREATE INDEX idx_history_return_id_id ON history(by, at)' "
                       "WHERE name = 'idx_history_return_id_id'")
    connection.commit()
    connection.close()


def test_a_damaged_page_is_found_when_read_and_the_file_is_refused_from_then_on(isolated_data_dir,
                                                                                 home_care_values):
    # The full check is not due (checked on creation, today): the damage is found where it is read.
    filled_database(isolated_data_dir, home_care_values)
    damage_page_of(isolated_data_dir / DB_FILENAME, "field_values")
    store = open_store(isolated_data_dir)
    try:
        with pytest.raises(StoreUnreadable, match="cannot be read"):
            store.get_return("1-202", Period(2026, 4))
    finally:
        store.close()
    with pytest.raises(StoreUnreadable, match="integrity check failed"):
        open_store(isolated_data_dir)
    assert len(copies_aside(isolated_data_dir)) == 1


def test_a_damaged_page_is_found_on_open_when_the_full_check_is_due(isolated_data_dir, home_care_values):
    filled_database(isolated_data_dir, home_care_values)
    damage_page_of(isolated_data_dir / DB_FILENAME, "field_values")
    health.record_path(isolated_data_dir / DB_FILENAME).unlink()  # never checked: due
    with pytest.raises(StoreUnreadable, match="cannot be read"):
        open_store(isolated_data_dir)
    assert len(copies_aside(isolated_data_dir)) == 1


def test_a_failed_integrity_check_is_found_on_open_when_due(isolated_data_dir, home_care_values):
    filled_database(isolated_data_dir, home_care_values)
    path = isolated_data_dir / DB_FILENAME
    break_an_index(path)
    health.record_path(path).unlink()
    with pytest.raises(StoreUnreadable, match="integrity check failed") as failed:
        open_store(isolated_data_dir)
    assert "\n" not in str(failed.value)
    assert len(copies_aside(isolated_data_dir)) == 1


def open_without_file_permission_override(data_dir) -> subprocess.CompletedProcess:
    """Open the store in a child process that file permissions apply to, even when the tests run as root."""
    code = ("import sys; from ct_desktop.store import open_store, StoreError\n"
            "try:\n    open_store(sys.argv[1]).close()\nexcept StoreError as exc:\n    sys.exit(str(exc))")
    command = [sys.executable, "-c", code, str(data_dir)]
    if os.geteuid() == 0:
        # Root passes permission checks through CAP_DAC_OVERRIDE; a child without it does not.
        command = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


@pytest.mark.skipif(not POSIX, reason="POSIX permissions")
@pytest.mark.skipif(POSIX and os.geteuid() == 0 and not shutil.which("setpriv"),
                    reason="running as root, which bypasses permissions, and setpriv is not there to drop that")
@pytest.mark.parametrize("file_mode", [0o000, 0o400])
def test_a_database_without_permission_is_named_and_left_alone(isolated_data_dir, file_mode):
    open_store(isolated_data_dir).close()
    path = isolated_data_dir / DB_FILENAME
    before = path.read_bytes()
    os.chmod(path, file_mode)
    try:
        result = open_without_file_permission_override(isolated_data_dir)
    finally:
        os.chmod(path, 0o600)
    assert result.returncode == 1
    assert f"cannot open the database {path}: permission denied" in result.stderr
    assert path.read_bytes() == before and copies_aside(isolated_data_dir) == []


def test_permission_denied_is_reported_even_where_it_cannot_be_staged(isolated_data_dir, monkeypatch):
    # Root ignores file permissions, so the operating system's answer is played back instead.
    open_store(isolated_data_dir).close()

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(database, "open", refuse, raising=False)
    with pytest.raises(StoreUnreadable) as failed:
        open_store(isolated_data_dir)
    assert "permission denied" in str(failed.value) and str(isolated_data_dir / DB_FILENAME) in str(failed.value)
    assert copies_aside(isolated_data_dir) == []


def test_a_folder_in_place_of_the_file_is_named(isolated_data_dir):
    (isolated_data_dir / DB_FILENAME).mkdir(parents=True)
    with pytest.raises(StoreUnreadable, match="it is a folder, not a file"):
        open_store(isolated_data_dir)


def test_a_database_from_a_newer_ct_desktop_is_refused_and_left_alone(isolated_data_dir):
    open_store(isolated_data_dir).close()
    path = isolated_data_dir / DB_FILENAME
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA user_version = 99")
    connection.close()
    with pytest.raises(StoreError, match=r"made by a newer ct-desktop \(schema version 99"):
        open_store(isolated_data_dir)
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA user_version").fetchone()[0] == 99
    connection.close()


def test_a_database_of_another_program_is_refused(isolated_data_dir):
    isolated_data_dir.mkdir()
    connection = sqlite3.connect(isolated_data_dir / DB_FILENAME)
    connection.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY)")
    connection.close()
    with pytest.raises(StoreUnreadable, match="not ct-desktop's"):
        open_store(isolated_data_dir)


def test_a_write_blocked_too_long_by_another_program_is_a_clear_error(store, monkeypatch):
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    store._db.conn.execute("PRAGMA busy_timeout = 100")
    try:
        with pytest.raises(StoreError, match="busy: another ct-desktop"):
            store.set_value("1-101", SEPTEMBER, "beds_occupied", 1, "AB")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert store.set_value("1-101", SEPTEMBER, "beds_occupied", 1, "AB").changes


def test_an_unusable_data_folder_is_a_store_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(StoreError, match="cannot use the data folder"):
        open_store(blocker / "data")


@pytest.mark.skipif(sys.platform != "darwin", reason="fullfsync matters on macOS only")
def test_commits_ask_macos_for_a_full_sync(store):
    assert store._db.conn.execute("PRAGMA fullfsync").fetchone()[0] == 1
