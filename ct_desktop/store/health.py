"""When the database was last checked in full, and whether a full check is due.

Opening the store checks what is cheap and does not grow with the file (see ``database.py``). The full
``PRAGMA integrity_check`` reads every page, so it runs only when due:

- when this file has never been checked (a new file, a file put in place by hand, an older ct-desktop's);
- when the last full check is more than FULL_CHECK_EVERY old;
- when the last full check failed (the file stays refused until it passes or is replaced);
- after the app did not shut down cleanly (the app asks for it: ``mark_unclean``).

The record is a small JSON file beside the database, ``ct-desktop.db.checked``, not a table in it: a
record inside a damaged file could not be trusted, and writing to a file to say it is damaged would
change it. The record names the file it is about by its inode (file id on Windows), so a database
replaced by another (a restore, a copy from elsewhere) is checked afresh.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import logging
import os
import sqlite3
import tempfile
from pathlib import Path

from ct_desktop import file_replace

log = logging.getLogger(__name__)

CHECK_RECORD_SUFFIX = ".checked"
FULL_CHECK_EVERY = dt.timedelta(days=1)
# Problems listed by one check: enough for the log, bounded however damaged the file is.
MAX_PROBLEMS = 20


@dataclasses.dataclass(frozen=True)
class CheckRecord:
    """The last full check of the database: when, of which file (inode), and its outcome."""

    checked_at: dt.datetime
    inode: int
    ok: bool
    problem: str = ""
    unclean_shutdown: bool = False


@dataclasses.dataclass(frozen=True)
class CheckResult:
    """What a full check found: ``problems`` is empty when the file is intact."""

    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """The first problem, on one line (the full list goes to the log)."""
        if self.ok:
            return "ok"
        first = " ".join(self.problems[0].split())
        first = first if len(first) <= 160 else first[:157] + "..."
        more = len(self.problems) - 1
        return first + (f" (and {more} more)" if more > 0 else "")


def record_path(database: Path) -> Path:
    """Where the record of the database's last full check is kept."""
    return database.with_name(database.name + CHECK_RECORD_SUFFIX)


def read_record(database: Path) -> CheckRecord | None:
    """The last full check recorded, or None when there is none (or it cannot be read)."""
    try:
        data = json.loads(record_path(database).read_text(encoding="utf-8"))
        return CheckRecord(dt.datetime.fromisoformat(data["checked_at"]), int(data["inode"]), bool(data["ok"]),
                           str(data.get("problem", "")), bool(data.get("unclean_shutdown", False)))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def full_check_due(database: Path, now: dt.datetime | None = None) -> bool:
    """Whether the full integrity check must run before this file is used again (see the module's list)."""
    record = read_record(database)
    if record is None or not record.ok or record.unclean_shutdown:
        return True
    try:
        inode = database.stat().st_ino
    except OSError:
        return True
    moment = now or dt.datetime.now(dt.UTC)
    return record.inode != inode or not (dt.timedelta(0) <= moment - record.checked_at < FULL_CHECK_EVERY)


def last_check_failed(database: Path) -> bool:
    """Whether the last full check recorded found the file damaged."""
    record = read_record(database)
    return record is not None and not record.ok


def full_check(conn: sqlite3.Connection) -> CheckResult:
    """Run ``PRAGMA integrity_check`` on an open connection (read only); every problem it lists."""
    problems: list[str] = []
    for (row,) in conn.execute(f"PRAGMA integrity_check({MAX_PROBLEMS})"):
        # One row may hold several lines ("*** in database main ***\nPage 5: ...").
        problems.extend(line.strip() for line in str(row).splitlines() if line.strip())
    return CheckResult(() if problems == ["ok"] else tuple(problems))


def record_check(database: Path, result: CheckResult, now: dt.datetime | None = None) -> None:
    """Keep the outcome of a full check of the database (logged in full when it failed)."""
    if not result.ok:
        log.info("integrity check of %s found:\n%s", database, "\n".join(result.problems))
    try:
        inode = database.stat().st_ino
    except OSError:
        return
    _write(database, CheckRecord(now or dt.datetime.now(dt.UTC), inode, result.ok,
                                 "" if result.ok else result.summary()))


def mark_unclean(database: Path) -> None:
    """The app did not shut down cleanly last time: have the next full check run whatever its date."""
    record = read_record(database)
    if record is not None:
        _write(database, dataclasses.replace(record, unclean_shutdown=True))


def _write(database: Path, record: CheckRecord) -> None:
    data = {"checked_at": record.checked_at.isoformat(), "inode": record.inode, "ok": record.ok,
            "problem": record.problem, "unclean_shutdown": record.unclean_shutdown}
    target = record_path(database)
    # Written whole or not at all; a record that cannot be written only means the check runs again.
    with contextlib.suppress(OSError):
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".check-", suffix=".json")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(data, out)
            file_replace.replace(temporary, target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.remove(temporary)
