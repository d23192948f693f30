"""Rolling backups of the database, and restoring one.

A backup is made with SQLite's online backup API (a consistent copy while the store is in use) into
``backups/ct-desktop-YYYYMMDD-HHMMSS.db`` in the data folder (UTC time), mode 0600, written under a
temporary name and renamed when complete. The app makes one a day while it runs (and at its start
when the last is more than a day old), the store one before every migration, ``ct-desktop backup``
one on demand; the newest KEEP are kept.

A restore checks the backup first (``PRAGMA integrity_check``, and that it is ct-desktop's schema),
keeps the current file aside as ``ct-desktop.db.before-restore-YYYYMMDD-HHMMSS`` (its ``-wal`` and
``-shm`` moved with it, so that SQLite pairs them again), then puts the checked copy in place. It is
refused while the app has the data folder open, except by the app itself.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
import os
import re
import shutil
import sqlite3
from pathlib import Path

from ct_desktop import file_replace
from ct_desktop.app_lock import app_holding
from ct_desktop.collection_window import LONDON
from ct_desktop.period import MONTH_NAMES
from ct_desktop.store import health, schema
from ct_desktop.store.database import PRIVATE_MODE, Database, database_path, restrict_mode
from ct_desktop.store.errors import StoreError

log = logging.getLogger(__name__)

BACKUP_FOLDER = "backups"
KEEP = 7
BACKUP_EVERY = dt.timedelta(days=1)
BEFORE_RESTORE = ".before-restore-"
_NAME = re.compile(r"^ct-desktop-(\d{8}-\d{6})(?:-\d+)?\.db$")
_STAMP = "%Y%m%d-%H%M%S"
# The tables every version of the schema has: a file without them is not a ct-desktop database.
OUR_TABLES = frozenset({"locations", "returns", "field_values", "history", "outbox", "receipts"})


@dataclasses.dataclass(frozen=True)
class Backup:
    """One backup file and when it was made (UTC)."""

    path: Path
    made_at: dt.datetime

    @property
    def label(self) -> str:
        """When it was made, London time, e.g. '9 Sep 2026 at 10:42'."""
        local = self.made_at.astimezone(LONDON)
        return f"{local.day} {MONTH_NAMES[local.month - 1][:3]} {local.year} at {local:%H:%M}"


@dataclasses.dataclass(frozen=True)
class Restored:
    """A restore done: which backup, and where the file it replaced was kept (None if there was none)."""

    backup: Backup
    kept_aside: Path | None


def backups_folder(data_dir: Path) -> Path:
    """The folder of a data folder's backups."""
    return Path(data_dir) / BACKUP_FOLDER


def list_backups(data_dir: Path) -> list[Backup]:
    """The backups of a data folder, oldest first."""
    folder = backups_folder(data_dir)
    if not folder.is_dir():
        return []
    found = [backup_of(path) for path in folder.iterdir() if _NAME.match(path.name)]
    return sorted(found, key=lambda backup: (backup.made_at, backup.path.name))


def backup_of(path: Path) -> Backup:
    """A backup file with its time: from its name, else the file's own time."""
    match = _NAME.match(Path(path).name)
    if match:
        made = dt.datetime.strptime(match.group(1), _STAMP).replace(tzinfo=dt.UTC)
    else:
        made = dt.datetime.fromtimestamp(Path(path).stat().st_mtime, dt.UTC)
    return Backup(Path(path), made)


def backup_due(data_dir: Path, now: dt.datetime | None = None) -> bool:
    """Whether the newest backup is more than BACKUP_EVERY old (or there is none)."""
    backups = list_backups(data_dir)
    moment = now or dt.datetime.now(dt.UTC)
    return not backups or not (dt.timedelta(0) <= moment - backups[-1].made_at < BACKUP_EVERY)


def make_backup(data_dir: Path, now: dt.datetime | None = None, source: sqlite3.Connection | None = None) -> Backup:
    """Copy the database into a new backup (online: other connections go on working); drop all but the newest KEEP.

    ``source``: a connection to copy from (the store's own, during a migration); else one is opened.
    """
    data_dir = Path(data_dir)
    folder = backups_folder(data_dir)
    folder.mkdir(mode=0o700, exist_ok=True)
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime(_STAMP)
    target = _free_name(folder, stamp)
    partial = target.with_name("." + target.name + ".partial")
    own = source is None
    reader = source or sqlite3.connect(database_path(data_dir), isolation_level=None)
    try:
        os.close(os.open(partial, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, PRIVATE_MODE))
        writer = sqlite3.connect(partial, isolation_level=None)
        try:
            reader.backup(writer)
            # One self-contained file: no -wal to lose when it is copied elsewhere.
            writer.execute("PRAGMA journal_mode = DELETE")
        finally:
            writer.close()
        _fsync(partial)
        file_replace.replace(partial, target)
        _fsync_folder(folder)
    except (sqlite3.Error, OSError) as exc:
        with contextlib.suppress(OSError):
            os.remove(partial)
        raise StoreError(f"no backup could be made in {folder}: {_reason(exc)}") from exc
    finally:
        if own:
            reader.close()
    _prune(data_dir)
    return backup_of(target)


@dataclasses.dataclass(frozen=True)
class Upkeep:
    """What ``keep_up`` did: the full check's result if one was due, the backup made if one was due."""

    check: health.CheckResult | None
    backup: Backup | None


def keep_up(data_dir: Path, now: dt.datetime | None = None) -> Upkeep:
    """The daily care of a data folder in use: the full check when due, then a backup when due.

    No backup is made of a file that fails its check (it would push a good backup out of the seven).
    Run it off the GUI thread: both read the whole file.
    """
    from ct_desktop.store.database import run_full_check

    path = database_path(data_dir)
    check = run_full_check(path, now) if health.full_check_due(path, now) else None
    if check is not None and not check.ok:
        return Upkeep(check, None)
    return Upkeep(check, make_backup(data_dir, now) if backup_due(data_dir, now) else None)


def migrate_keeping_a_backup(db: Database, path: Path) -> None:
    """Migrate the store (schema.migrate), making a backup first when a file with data is to be migrated."""
    version = schema.schema_version(db)
    if 0 < version < schema.SCHEMA_VERSION:
        make_backup(path.parent, source=db.conn)
    schema.migrate(db, target=schema.SCHEMA_VERSION, path=path)


def check_backup(path: Path) -> int:
    """Refuse (StoreError) a file that is damaged or not a ct-desktop database; its schema version otherwise."""
    name = f"the backup {path}"
    try:
        with open(path, "rb") as handle:
            magic = handle.read(16)
    except OSError as exc:
        raise StoreError(f"cannot read {name}: {exc.strerror or exc}") from exc
    if magic != b"SQLite format 3\x00":
        raise StoreError(f"{name} is not a ct-desktop database; nothing was changed")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
        try:
            result = health.full_check(conn)
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{name} is damaged ({_reason(exc)}); nothing was changed") from exc
    if not result.ok:
        log.info("integrity check of %s found:\n%s", path, "\n".join(result.problems))
        raise StoreError(f"{name} is damaged (integrity check failed: {result.summary()}); nothing was changed")
    if version > schema.SCHEMA_VERSION:
        raise StoreError(f"{name} was made by a newer ct-desktop (schema version {version}); nothing was changed")
    if version < 1 or not tables >= OUR_TABLES:
        raise StoreError(f"{name} is not a ct-desktop database; nothing was changed")
    return version


def restore_backup(data_dir: Path, backup: Path, now: dt.datetime | None = None, *,
                   by_the_app: bool = False) -> Restored:
    """Put a checked backup in place of the database; the current file is kept aside. StoreError if refused.

    Refused while the app has the folder open, unless ``by_the_app`` (the app closes its store first).
    """
    data_dir, backup = Path(data_dir), Path(backup)
    holder = None if by_the_app else app_holding(data_dir)
    if holder is not None:
        process = f" (process {holder})" if holder else ""
        raise StoreError(f"ct-desktop is open on the data folder {data_dir}{process}: close its window first, "
                         "or use File > Restore from backup… in it; nothing was changed")
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    current = database_path(data_dir)
    staged = data_dir / f".restore-{moment.strftime(_STAMP)}.db"
    try:
        _copy_private(backup, staged)
    except OSError as exc:
        raise StoreError(f"cannot read the backup {backup}: {exc.strerror or exc}") from exc
    try:
        _without_wal(staged)
        check_backup(staged)
    except StoreError as exc:
        for leftover in (staged, *_companions(staged)):
            with contextlib.suppress(OSError):
                os.remove(leftover)
        raise StoreError(str(exc).replace(str(staged), str(backup))) from exc
    kept = _keep_current_aside(current, moment) if current.exists() else None
    file_replace.replace(staged, current)
    _fsync_folder(data_dir)
    restrict_mode(current)
    health.record_check(current, health.CheckResult(()), moment)  # just checked, as it now is
    return Restored(backup_of(backup), kept)


def _without_wal(staged: Path) -> None:
    # A backup of ours is a rollback-journal file already; a copy of a live ct-desktop.db is in WAL mode,
    # which a read-only check could not open without leaving -wal and -shm files behind.
    try:
        conn = sqlite3.connect(staged, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = DELETE")
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        pass  # damaged or foreign: the check says which
    for leftover in _companions(staged):
        with contextlib.suppress(OSError):
            os.remove(leftover)


def _companions(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def _keep_current_aside(current: Path, moment: dt.datetime) -> Path:
    kept = current.with_name(f"{current.name}{BEFORE_RESTORE}{moment.strftime(_STAMP)}")
    number = 1
    while kept.exists():
        number += 1
        kept = current.with_name(f"{current.name}{BEFORE_RESTORE}{moment.strftime(_STAMP)}-{number}")
    # The file is linked (or copied) to its new name and only then replaced, so that ct-desktop.db is
    # never missing; its -wal and -shm move first, so that they never meet the restored file.
    try:
        os.link(current, kept)
    except OSError:
        _copy_private(current, kept)
    for suffix in ("-wal", "-shm"):
        companion = current.with_name(current.name + suffix)
        if companion.exists():
            file_replace.replace(companion, kept.with_name(kept.name + suffix))
    return kept


def _free_name(folder: Path, stamp: str) -> Path:
    target = folder / f"ct-desktop-{stamp}.db"
    number = 1
    while target.exists():
        number += 1
        target = folder / f"ct-desktop-{stamp}-{number}.db"
    return target


def _prune(data_dir: Path) -> None:
    for old in list_backups(data_dir)[:-KEEP]:
        with contextlib.suppress(OSError):
            os.remove(old.path)


def _copy_private(source: Path, target: Path) -> None:
    descriptor = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0), PRIVATE_MODE)
    with open(source, "rb") as reader, os.fdopen(descriptor, "wb") as writer:
        shutil.copyfileobj(reader, writer)
        writer.flush()
        os.fsync(writer.fileno())


def _fsync(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _fsync_folder(folder: Path) -> None:
    # A rename is durable once the folder is synced; Windows has no such call (and needs none).
    if os.name == "posix":
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _reason(exc: BaseException) -> str:
    return " ".join(str(getattr(exc, "strerror", None) or exc).split())
