"""Opening the database file: private mode, pragmas, corruption handling, transactions.

The database lives in the data folder as ``ct-desktop.db``. It runs in WAL mode with
``synchronous=FULL``: every commit is on disk before the call returns, so an edit the user has seen
saved survives a power cut. Two processes may use the same file at once; each waits up to
BUSY_TIMEOUT_S for the other's write to finish rather than failing.

A file that cannot be read is never replaced silently: a copy is kept aside and the error says
where, so that nothing a manager typed is lost by "starting afresh". Nothing is written to a file
before it is known to be ours and readable: a foreign SQLite file is left byte for byte as it was.

What is checked on every open costs the same whatever the size of the file: the header (a file cut
short), the schema, and the last page of every table (where the latest writes went). The full
``PRAGMA integrity_check`` reads every page, so it runs only when due (``health.py``): a file never
checked, a day since the last check, a failed check, an unclean shutdown of the app.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import filecmp
import logging
import os
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ct_desktop.app_lock import LOCK_FILENAME
from ct_desktop.profiles import PROFILES_DIRNAME
from ct_desktop.store import health
from ct_desktop.store.errors import StoreError, StoreUnreadable

DB_FILENAME = "ct-desktop.db"
BUSY_TIMEOUT_S = 10.0
PRIVATE_MODE = 0o600
UNREADABLE_SUFFIX = ".unreadable-"
SQLITE_MAGIC = b"SQLite format 3\x00"
# How long a file shorter than its header says may be another process's checkpoint still extending it.
SHORT_FILE_GRACE_S = 0.5

log = logging.getLogger(__name__)

# SQLite primary result codes (the low byte of an extended code).
_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 3, 5, 6, 8
_SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN = 10, 11, 13, 14
_SQLITE_AUTH, _SQLITE_NOTADB = 23, 26
_CORRUPT = (_SQLITE_CORRUPT, _SQLITE_NOTADB)
_NOT_ALLOWED = (_SQLITE_PERM, _SQLITE_READONLY, _SQLITE_CANTOPEN, _SQLITE_AUTH)

if TYPE_CHECKING:
    import sqlite_utils


class Database:
    """An open database file: queries straight on its sqlite3 connection, tables through sqlite-utils.

    Everyday writes (``insert``, ``update``, ``upsert``) are one plain statement each: an edit must cost
    a handful of statements, and sqlite-utils reads the schema again on every call of its own. The
    migrations create tables through sqlite-utils (``db["returns"].create(...)``), over the same connection
    and so in the same transactions; it is loaded when a table is first asked for, not on opening.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._tables: sqlite_utils.Database | None = None

    def execute(self, sql: str, parameters: Sequence[Any] | Mapping[str, Any] = ()) -> sqlite3.Cursor:
        """Run one statement; the cursor."""
        return self.conn.execute(sql, parameters)

    def query(self, sql: str, parameters: Sequence[Any] | Mapping[str, Any] = ()) -> Iterator[dict[str, Any]]:
        """The rows of a query, each a dict of column name to value."""
        cursor = self.conn.execute(sql, parameters)
        names = [column[0] for column in cursor.description]
        for row in cursor:
            yield dict(zip(names, row, strict=True))

    def insert(self, table: str, row: Mapping[str, Any]) -> int:
        """Insert one row (column name to value); its rowid. One statement, no look at the schema."""
        names = ", ".join(f'"{name}"' for name in row)
        marks = ", ".join("?" for _ in row)
        cursor = self.conn.execute(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', list(row.values()))
        return int(cursor.lastrowid or 0)

    def update(self, table: str, key: Any, changes: Mapping[str, Any], key_column: str = "id") -> None:
        """Change some columns of the row whose ``key_column`` is ``key``; StoreError when there is no such row."""
        if not changes:
            return
        columns = ", ".join(f'"{name}" = ?' for name in changes)
        cursor = self.conn.execute(f'UPDATE "{table}" SET {columns} WHERE "{key_column}" = ?',
                                   [*changes.values(), key])
        if cursor.rowcount == 0:
            raise StoreError(f"no row {key!r} in {table} to change")

    def upsert(self, table: str, row: Mapping[str, Any], key_columns: Sequence[str]) -> None:
        """Insert the row, or change the other columns of the row with the same ``key_columns``."""
        names = ", ".join(f'"{name}"' for name in row)
        marks = ", ".join("?" for _ in row)
        keys = ", ".join(f'"{name}"' for name in key_columns)
        others = [name for name in row if name not in key_columns]
        action = ("DO UPDATE SET " + ", ".join(f'"{name}" = excluded."{name}"' for name in others)
                  if others else "DO NOTHING")
        self.conn.execute(f'INSERT INTO "{table}" ({names}) VALUES ({marks}) ON CONFLICT ({keys}) {action}',
                          list(row.values()))

    def table_names(self) -> list[str]:
        """The names of the tables in the file."""
        return [row[0] for row in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]

    def __getitem__(self, name: str) -> sqlite_utils.db.Table:
        if self._tables is None:
            import sqlite_utils

            self._tables = sqlite_utils.Database(self.conn, execute_plugins=False)
        return self._tables.table(name)

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()


def database_path(data_dir: Path) -> Path:
    """Where the database file of a data folder is."""
    return Path(data_dir) / DB_FILENAME


def open_database(path: Path, migrate: Callable[[Database], None], *, full_check_when_due: bool = True,
                  now: dt.datetime | None = None) -> Database:
    """Open (creating if needed) and migrate the database; raise StoreError with a clear message if it cannot be used.

    Before anything is written to it, the file is checked: cheap checks on every open, and the full
    ``PRAGMA integrity_check`` when it is due (``health.full_check_due``). ``full_check_when_due=False``
    leaves a due full check to the caller (the app runs it in the background: ``run_full_check``).
    """
    created = not path.exists() and _create_whole(path, migrate)
    _probe_file(path)
    if not created:
        _refuse_empty(path)
    conn: sqlite3.Connection | None = None
    try:
        # isolation_level=None: the driver opens no transactions of its own; ours are explicit.
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        opened = conn
        _retry_while_busy(lambda: _check_structure(opened, path))
        # Known damage is never left to the background: the file stays refused until it passes.
        due = health.full_check_due(path, now) and (full_check_when_due or health.last_check_failed(path))
        if created or due:
            _retry_while_busy(lambda: _check_in_full(opened, path, now))
        _retry_while_busy(lambda: _set_pragmas(opened, path))
        db = Database(conn)
        migrate(db)
    except sqlite3.DatabaseError as exc:
        # Translate (which keeps a copy of a damaged file) before closing: closing the last connection
        # may checkpoint the -wal into the file, and the copy must show the file as it was found.
        error = translate_error(exc, path)
        if conn is not None:
            conn.close()
        raise error from exc
    except BaseException:
        if conn is not None:
            conn.close()
        raise
    restrict_mode(path)
    return db


def run_full_check(path: Path, now: dt.datetime | None = None) -> health.CheckResult:
    """The full integrity check of a database in use, on a connection of its own (read only); recorded.

    Safe beside other connections (WAL readers do not block writers). The app calls it on a worker
    thread; a failure is recorded, so that every later open refuses the file until it is replaced.
    """
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S,
                               isolation_level=None)
        try:
            result = health.full_check(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if ((getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF) not in _CORRUPT:
            raise translate_error(exc, path) from exc  # busy, unreadable...: no verdict on the file
        result = health.CheckResult((str(exc),))
    health.record_check(path, result, now)
    return result


@contextlib.contextmanager
def writing(db: Database) -> Iterator[Database]:
    """One write transaction: ``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back on any error.

    IMMEDIATE takes the write lock at the start, so a second process waits (busy timeout) instead of
    failing half-way through; the read that decides an edit and the edit itself see the same data.
    """
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    try:
        db.conn.execute("COMMIT")
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise


@contextlib.contextmanager
def reading(db: Database) -> Iterator[Database]:
    """A read transaction, so that several queries see one consistent snapshot (nested: reuses the outer one)."""
    if db.conn.in_transaction:
        yield db
        return
    db.conn.execute("BEGIN")
    try:
        yield db
    finally:
        if db.conn.in_transaction:
            db.conn.execute("COMMIT")


def translate_error(exc: sqlite3.Error, path: Path) -> StoreError:
    """A StoreError a manager can act on, for an error SQLite raised while using the file."""
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    reason = str(exc)
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return StoreError(
            f"the database {path} is busy: another ct-desktop has held it for more than "
            f"{BUSY_TIMEOUT_S:g} seconds; try again in a moment (nothing was changed)"
        )
    if code in _CORRUPT:
        # Found while in use: from now on every open runs the full check, and so refuses the file.
        health.record_check(path, health.CheckResult((reason,)))
        return unreadable(path, reason)
    if code in _NOT_ALLOWED:
        return StoreUnreadable(
            f"cannot use the database {path}: {reason}; check that the file and its folder belong to you "
            "and can be written (the file was left as it is)",
            path,
        )
    if code == _SQLITE_FULL:
        return StoreError(f"cannot save to {path}: the disk is full; free some space and try again")
    if code == _SQLITE_IOERR:
        return StoreError(f"cannot read or write {path}: {reason} (a disk or network drive problem?)")
    return StoreError(f"the database {path} cannot be used: {reason}")


def unreadable(path: Path, reason: str) -> StoreUnreadable:
    """The error for a damaged file, after keeping a copy of it aside."""
    try:
        copy = keep_copy_aside(path)
    except OSError as exc:
        return StoreUnreadable(
            f"the database {path} cannot be read ({reason}) and no copy could be made ({exc.strerror or exc}); "
            "it was left as it is: do not delete it, restore a backup or ask for help",
            path,
        )
    return StoreUnreadable(
        f"the database {path} cannot be read ({reason}); a copy was kept at {copy} and the file was left as it "
        f"is. Restore a backup of {path.name}, or move it away to start with an empty one (the copy stays)",
        path,
        copy,
    )


def keep_copy_aside(path: Path, now: dt.datetime | None = None) -> Path:
    """Copy the file (and its -wal) to ``<name>.unreadable-<UTC time>``; reuse an identical earlier copy."""
    wal = _wal(path)
    # An empty -wal (SQLite makes one on opening) holds nothing worth keeping.
    has_wal = wal.exists() and wal.stat().st_size > 0
    for earlier in sorted(path.parent.glob(path.name + UNREADABLE_SUFFIX + "*")):
        if earlier.name.endswith("-wal") or not filecmp.cmp(earlier, path, shallow=False):
            continue
        earlier_wal = _wal(earlier)
        if earlier_wal.exists() == has_wal and (not has_wal or filecmp.cmp(earlier_wal, wal, shallow=False)):
            return earlier
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}{UNREADABLE_SUFFIX}{stamp}")
    number = 1
    while target.exists():
        number += 1
        target = path.with_name(f"{path.name}{UNREADABLE_SUFFIX}{stamp}-{number}")
    _copy_private(path, target)
    if has_wal:
        _copy_private(wal, _wal(target))
    return target


def restrict_mode(path: Path) -> None:
    """Make the database and its -wal and -shm files private to the user (0600) where the platform allows.

    Not on Windows, where a file's mode is only its read-only flag (a chmod would run on every open and
    change nothing): there the files are as private as the data folder's access list makes them. The
    default folder, in ``%LOCALAPPDATA%``, inherits the user profile's list: the user, SYSTEM and the
    administrators only.
    """
    if os.name == "nt":
        return
    for candidate in (path, _wal(path), path.with_name(path.name + "-shm")):
        # The file may belong to someone else or vanish (a checkpoint removes -wal); that is not an error.
        with contextlib.suppress(OSError):
            if candidate.exists() and (candidate.stat().st_mode & 0o777) != PRIVATE_MODE:
                os.chmod(candidate, PRIVATE_MODE)


def _create_whole(path: Path, migrate: Callable[[Database], None]) -> bool:
    """Make a new database under a temporary name and put it in place whole; True if this one was put there.

    So a ct-desktop.db is never seen empty while it is being made: an empty one was emptied by something
    else. If another process puts its own in place first, theirs is used (False).
    """
    temporary = path.with_name(f".{path.name}.new-{os.getpid()}-{time.monotonic_ns()}")
    _create_private(temporary)
    try:
        conn = sqlite3.connect(temporary, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            _set_pragmas(conn, temporary)
            migrate(Database(conn))
        finally:
            conn.close()
        return _put_in_place(temporary, path)
    except sqlite3.Error as exc:
        raise translate_error(exc, path) from exc
    finally:
        for leftover in (temporary, _wal(temporary), temporary.with_name(temporary.name + "-shm")):
            with contextlib.suppress(OSError):
                os.remove(leftover)


def _put_in_place(temporary: Path, path: Path) -> bool:
    # A link (POSIX) or a rename (Windows) fails when the name is taken: never over another's file.
    try:
        if os.name == "posix":
            os.link(temporary, path)
        else:
            os.rename(temporary, path)
    except FileExistsError:
        return False
    except OSError as exc:
        raise StoreUnreadable(f"cannot create the database {path}: {exc.strerror or exc}", path) from exc
    return True


def _create_private(path: Path) -> None:
    # Created with mode 0600 so that it is never readable by others, even briefly.
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_MODE))
    except OSError as exc:
        raise StoreUnreadable(f"cannot create the database {path}: {exc.strerror or exc}", path) from exc


def _refuse_empty(path: Path) -> None:
    """An empty file is a new database only in a folder that holds nothing else of ours.

    ct-desktop puts a new database in place whole (``_create_whole``), so a file of 0 bytes beside
    settings, backups or copies kept aside once held returns and was emptied (a failed copy, a full
    disk, a sync tool): using it as a new store would hide that they are gone. In a folder with nothing
    else of ours (an empty file made by hand, or by an older ct-desktop stopped as it began) nothing is lost.
    """
    if path.stat().st_size > 0 or not _folder_in_use(path):
        return
    raise unreadable(path, "the file is empty (0 bytes) although this data folder has been used")


def _folder_in_use(path: Path) -> bool:
    # The database's own -wal/-shm, the app's lock and the check record are there from the first start;
    # anything else of ours (settings, backups, copies kept aside) says the folder was used.
    # The profiles kept under the Live folder say nothing of the Live database itself.
    own = {path.name + "-wal", path.name + "-shm", LOCK_FILENAME, health.record_path(path).name, PROFILES_DIRNAME}
    return any(entry.name not in own and not entry.name.startswith(".") for entry in path.parent.iterdir()
               if entry.name != path.name)


def _probe_file(path: Path) -> None:
    # SQLite reports an unreadable file vaguely ("unable to open database file") or opens it read-only;
    # asking the operating system first gives the manager the real reason.
    try:
        with open(path, "r+b") as handle:
            handle.read(1)
    except OSError as exc:
        # A folder: IsADirectoryError on Linux and macOS, but PermissionError on Windows, so asked of the path.
        if path.is_dir():
            raise StoreUnreadable(f"cannot use the database {path}: it is a folder, not a file", path) from exc
        if not isinstance(exc, PermissionError):
            raise StoreUnreadable(f"cannot open the database {path}: {exc.strerror or exc}", path) from exc
        raise StoreUnreadable(
            f"cannot open the database {path}: permission denied; the file was left as it is: check that it "
            "belongs to you and can be read and written (no copy could be made)",
            path,
        ) from exc


def _check_structure(conn: sqlite3.Connection, path: Path) -> None:
    """The checks of every open, read only and independent of the file's size; refuse a file not ours.

    The header and the schema are read, a file shorter than its header says is refused, and the last
    page of each table is read (a database grows at its end: the latest writes are there).
    """
    _check_length(path)
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    if version == 0 and tables:
        # Checked here, before any PRAGMA that writes (journal_mode = WAL would change the file).
        raise StoreUnreadable(
            f"the database {path} holds tables that are not ct-desktop's: move it away or choose another data "
            "folder (the file was left as it is)",
            path,
        )
    for table in tables:
        if table.startswith("sqlite_"):
            continue
        try:
            conn.execute(f'SELECT max(rowid) FROM "{table}"').fetchone()
        except sqlite3.OperationalError as exc:
            if "rowid" not in str(exc):  # a table without rowids (a newer schema's): nothing to read this way
                raise


def _check_length(path: Path) -> None:
    # The header's page count is valid when its "version valid for" matches the change counter.
    deadline = time.monotonic() + SHORT_FILE_GRACE_S
    while True:
        with open(path, "rb") as handle:
            header = handle.read(100)
        if len(header) < 100 or not header.startswith(SQLITE_MAGIC) or header[24:28] != header[92:96]:
            return  # not a database, or no size to compare: SQLite's own reading decides
        page_size = int.from_bytes(header[16:18], "big")
        pages = int.from_bytes(header[28:32], "big")
        expected = pages * (65536 if page_size == 1 else page_size)
        if os.path.getsize(path) >= expected:
            return
        if time.monotonic() > deadline:
            raise unreadable(path, f"the file is cut short: {os.path.getsize(path):,} bytes of {expected:,}")
        time.sleep(0.05)


def _check_in_full(conn: sqlite3.Connection, path: Path, now: dt.datetime | None) -> None:
    # Before any write: a damaged file must be copied aside as it is, not "repaired" by our own writes.
    result = health.full_check(conn)
    health.record_check(path, result, now)
    if not result.ok:
        raise unreadable(path, f"integrity check failed: {result.summary()}")


def _retry_while_busy(step: Callable[[], None]) -> None:
    # Some steps of opening (switching a new file to WAL, recovering another process's WAL) report
    # "busy" at once instead of calling the busy handler, so wait here as the handler would.
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            step()
            return
        except sqlite3.OperationalError as exc:
            code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
            if code not in (_SQLITE_BUSY, _SQLITE_LOCKED) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _set_pragmas(conn: sqlite3.Connection, path: Path) -> None:
    mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    if str(mode).lower() != "wal":
        # Only a new (or foreign) file needs switching; WAL is then a property of the file.
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        raise StoreError(
            f"the database {path} cannot use write-ahead logging (journal mode stays '{mode}'), so it could be "
            "damaged by two programs at once: put the data folder on this computer's own disk, not a network drive"
        )
    # FULL: in WAL mode this syncs the log at every commit, so "saved" means on disk.
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    # As sqlite-utils sets it when its tables are first used; set from the start so that triggers behave
    # the same whatever was done first.
    conn.execute("PRAGMA recursive_triggers = ON")
    # macOS: a plain fsync does not reach the platter; these ask for F_FULLFSYNC (ignored elsewhere).
    conn.execute("PRAGMA fullfsync = ON")
    conn.execute("PRAGMA checkpoint_fullfsync = ON")


def _wal(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def _copy_private(source: Path, target: Path) -> None:
    # O_BINARY: on Windows a descriptor is opened in text mode unless told otherwise.
    flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0)
    descriptor = os.open(target, flags, PRIVATE_MODE)
    with open(source, "rb") as reader, os.fdopen(descriptor, "wb") as writer:
        shutil.copyfileobj(reader, writer)
        writer.flush()
        os.fsync(writer.fileno())
