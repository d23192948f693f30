"""Backups: made with SQLite's backup API, the newest seven kept; restore checks first, keeps the current one."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat
import subprocess
import sys

from test_store_checks import cli

from ct_desktop.models import Location
from ct_desktop.period import Period
from ct_desktop.store import backups, open_store, schema
from ct_desktop.store.database import DB_FILENAME

JULY = Period(2026, 7)
POSIX = os.name == "posix"


def edit(folder, first: int, last: int) -> None:
    """Edits first..last of one answer, each committed (the value is the edit's number)."""
    with open_store(folder) as store:
        if not store.locations():
            store.add_location(Location("1-202", "Home Help", "home_care"))
        for number in range(first, last + 1):
            store.set_value("1-202", JULY, "hours_agency", number, f"editor {number}")


def edits_kept(folder) -> list[int]:
    with open_store(folder) as store:
        return [int(entry.new) for entry in store.history("1-202", JULY) if entry.key == "hours_agency"]


def damage_the_middle(path) -> None:
    size = path.stat().st_size
    with open(path, "r+b") as handle:
        handle.seek(size // 2)
        handle.write(b"\xde\xad\xbe\xef" * 2048)


def test_restore_after_damage_brings_back_every_edit_up_to_the_backup(isolated_data_dir):
    edit(isolated_data_dir, 1, 40)
    made = cli(isolated_data_dir, "backup")
    assert made.returncode == 0, made.stderr
    backup = isolated_data_dir / made.stdout.strip()
    assert backup.parent == isolated_data_dir / "backups" and backup.name.startswith("ct-desktop-")
    edit(isolated_data_dir, 41, 60)
    path = isolated_data_dir / DB_FILENAME
    damage_the_middle(path)
    damaged = path.read_bytes()
    restored = cli(isolated_data_dir, "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert "Restored the backup of " in restored.stdout
    [kept] = [p for p in isolated_data_dir.iterdir() if ".before-restore-" in p.name and not p.name.endswith("-wal")
              and not p.name.endswith("-shm")]
    assert str(kept) in restored.stdout and kept.read_bytes() == damaged
    assert edits_kept(isolated_data_dir) == list(range(1, 41))
    assert cli(isolated_data_dir, "status").returncode == 0


def test_restoring_a_damaged_backup_is_refused_and_leaves_the_current_file_untouched(isolated_data_dir):
    edit(isolated_data_dir, 1, 30)
    backup = backups.make_backup(isolated_data_dir).path
    damage_the_middle(backup)
    edit(isolated_data_dir, 31, 35)
    path = isolated_data_dir / DB_FILENAME
    before = {p.name: p.read_bytes() for p in isolated_data_dir.iterdir() if p.is_file()}
    result = cli(isolated_data_dir, "restore", str(backup))
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert f"the backup {backup} is damaged" in line and "nothing was changed" in line
    assert {p.name: p.read_bytes() for p in isolated_data_dir.iterdir() if p.is_file()} == before
    assert path.exists() and edits_kept(isolated_data_dir) == list(range(1, 36))


def test_a_file_that_is_not_ours_is_refused_as_a_backup(isolated_data_dir, tmp_path):
    edit(isolated_data_dir, 1, 3)
    other = tmp_path / "photos.db"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY)")
    connection.close()
    result = cli(isolated_data_dir, "restore", str(other))
    assert result.returncode == 2 and "is not a ct-desktop database; nothing was changed" in result.stderr
    assert cli(isolated_data_dir, "restore", str(tmp_path / "missing.db")).returncode == 2
    assert edits_kept(isolated_data_dir) == [1, 2, 3]


def test_the_newest_seven_are_kept_and_they_are_private(isolated_data_dir):
    edit(isolated_data_dir, 1, 2)
    start = dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.UTC)
    for day in range(10):
        backups.make_backup(isolated_data_dir, start + dt.timedelta(days=day))
    kept = backups.list_backups(isolated_data_dir)
    assert [b.made_at for b in kept] == [start + dt.timedelta(days=day) for day in range(3, 10)]
    assert kept[-1].path.name == "ct-desktop-20260910-080000.db"
    assert sorted(p.name for p in (isolated_data_dir / "backups").iterdir()) == [b.path.name for b in kept]
    if POSIX:
        assert all(stat.S_IMODE(b.path.stat().st_mode) == 0o600 for b in kept)
    # Each one is a whole database on its own: no -wal beside it.
    connection = sqlite3.connect(kept[-1].path)
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    connection.close()


def test_a_backup_is_due_a_day_after_the_last(isolated_data_dir):
    edit(isolated_data_dir, 1, 1)
    moment = dt.datetime(2026, 9, 9, 10, 0, tzinfo=dt.UTC)
    assert backups.backup_due(isolated_data_dir, moment)
    backups.make_backup(isolated_data_dir, moment)
    assert not backups.backup_due(isolated_data_dir, moment + dt.timedelta(hours=23))
    assert backups.backup_due(isolated_data_dir, moment + dt.timedelta(hours=25))


def test_a_backup_is_made_before_a_migration(isolated_data_dir, monkeypatch):
    edit(isolated_data_dir, 1, 5)

    def add_a_column(db):
        db.execute("ALTER TABLE locations ADD COLUMN note TEXT")

    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, add_a_column])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", len(schema.MIGRATIONS))
    edit(isolated_data_dir, 6, 6)
    [made] = backups.list_backups(isolated_data_dir)
    connection = sqlite3.connect(made.path)
    assert connection.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION - 1
    assert connection.execute("SELECT count(*) FROM history").fetchone()[0] == 5
    connection.close()


def test_the_current_files_wal_goes_aside_with_it(isolated_data_dir):
    edit(isolated_data_dir, 1, 3)
    backup = backups.make_backup(isolated_data_dir).path
    # A process keeps the store open (and its -wal full) and is then killed.
    code = ("import os, sys; from ct_desktop.store import open_store; from ct_desktop.period import Period; "
            "s = open_store(sys.argv[1]); s.set_value('1-202', Period(2026, 7), 'hours_agency', 99, 'late'); "
            "os._exit(0)")
    subprocess.run([sys.executable, "-c", code, str(isolated_data_dir)], check=True, timeout=60)
    assert (isolated_data_dir / (DB_FILENAME + "-wal")).stat().st_size > 0
    restored = backups.restore_backup(isolated_data_dir, backup)
    assert restored.kept_aside is not None
    assert restored.kept_aside.with_name(restored.kept_aside.name + "-wal").stat().st_size > 0
    assert edits_kept(isolated_data_dir) == [1, 2, 3]
    # The file kept aside opens with its -wal: the late edit is in it.
    connection = sqlite3.connect(restored.kept_aside)
    assert connection.execute("SELECT count(*) FROM history WHERE by = 'late'").fetchone()[0] == 1
    connection.close()



def test_a_copy_of_a_live_database_can_be_restored_and_leaves_nothing_behind(isolated_data_dir, tmp_path):
    edit(isolated_data_dir, 1, 4)
    copy = tmp_path / "copied-by-hand.db"
    copy.write_bytes((isolated_data_dir / DB_FILENAME).read_bytes())  # in WAL mode, as ct-desktop.db is
    edit(isolated_data_dir, 5, 6)
    backups.restore_backup(isolated_data_dir, copy)
    assert edits_kept(isolated_data_dir) == [1, 2, 3, 4]
    assert not [p for p in isolated_data_dir.iterdir() if p.name.startswith(".restore-")]
