"""The store's two everyday writes, and opening it, timed in this process on a temporary data folder.

- A field edit: ``Store.set_value``, what the app does on every edit, committed with synchronous=FULL
  (on disk when the call returns), on a full care home return.
- "No changes" offline: ``Store.no_changes`` for every location of a care group, each one copy of
  last month's accepted return checked against this month's form and queued.
- Opening the store (what every command and every background sync does) of a small and of a large
  file, the full integrity check not due: the time should not grow with the file.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from report import BenchError
from seed import BY, accept, add_care_homes, care_home_values, copy_accepted

from ct_desktop.period import Period
from ct_desktop.store import Store, open_store
from ct_desktop.store.database import run_full_check

# A fixed pair of months, both in the flu season, so that the benchmark is the same whatever day it
# runs: from August to September "no changes" is refused by design (the flu questions become
# mandatory), and the current month would make the figures depend on the calendar.
NO_CHANGES_FROM, NO_CHANGES_TO = Period(2026, 10), Period(2026, 11)
EDIT_PERIOD = Period(2026, 11)
EDITED_FIELD = "beds_occupied"


@dataclasses.dataclass(frozen=True)
class EditTimes:
    """Seconds per committed edit; per bare SQLite commit on the same disk, taken in turns with them; statements."""

    seconds: list[float]
    floor_seconds: list[float]
    statements: int  # SQL statements of one edit, BEGIN and COMMIT included

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def p99(self) -> float:
        return percentile(self.seconds, 99)

    @property
    def floor_median(self) -> float:
        return statistics.median(self.floor_seconds)

    @property
    def over_floor(self) -> float:
        """The median edit over the median bare commit: what the store adds to what the disk costs."""
        return self.median / self.floor_median


def percentile(samples: list[float], pct: int) -> float:
    """The ``pct``-th percentile (linear interpolation between the closest ranks)."""
    return statistics.quantiles(samples, n=100, method="inclusive")[pct - 1]


def time_field_edits(folder: Path, edits: int) -> EditTimes:
    """``edits`` edits of one answer of a complete care home return, each committed, each timed.

    The value alternates, so that every call is a real change (an answer row and a history row
    written), never the no-op of saving the same value again. Between edits, a bare SQLite commit of one
    changed row (WAL, synchronous=FULL, as the store's) in a file beside the store's is timed: the floor
    that the disk itself sets, measured in the same moments as the edits.
    """
    with open_store(folder) as store, _BareFile(folder / "floor.db") as floor:
        location = add_care_homes(store, 1)[0]
        values = care_home_values(EDIT_PERIOD)
        store.set_values(location, EDIT_PERIOD, values, BY)
        first = values[EDITED_FIELD]
        statements = _statements_of(store, lambda: store.set_value(location, EDIT_PERIOD, EDITED_FIELD,
                                                                    first - 1, BY))
        seconds, floor_seconds = [], []
        for number in range(edits):
            answer = first if number % 2 == 0 else first - 1
            began = time.perf_counter()
            store.set_value(location, EDIT_PERIOD, EDITED_FIELD, answer, BY)
            seconds.append(time.perf_counter() - began)
            floor_seconds.append(floor.commit(number))
    return EditTimes(seconds, floor_seconds, statements)


class _BareFile:
    """A one-table SQLite file with the store's journal settings, and nothing of the store."""

    def __init__(self, path: Path) -> None:
        self.connection = sqlite3.connect(path, isolation_level=None)
        self.connection.execute("PRAGMA journal_mode = WAL")
        self.connection.execute("PRAGMA synchronous = FULL")
        self.connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, value TEXT)")
        self.connection.execute("INSERT INTO t VALUES (1, '0')")

    def commit(self, number: int) -> float:
        """Seconds for one transaction that changes one row."""
        began = time.perf_counter()
        self.connection.execute("BEGIN IMMEDIATE")
        self.connection.execute("UPDATE t SET value = ? WHERE id = 1", [str(number)])
        self.connection.execute("COMMIT")
        return time.perf_counter() - began

    def __enter__(self) -> _BareFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.connection.close()


def _statements_of(store: Store, edit: Callable[[], object]) -> int:
    statements: list[str] = []
    connection = store._db.conn  # the store's own connection: what one edit asks of SQLite
    connection.set_trace_callback(statements.append)
    try:
        edit()
    finally:
        connection.set_trace_callback(None)
    return len(statements)


@dataclasses.dataclass(frozen=True)
class NoChangesTime:
    """``locations`` no-changes, ``seconds`` in all."""

    locations: int
    seconds: float

    @property
    def per_location(self) -> float:
        return self.seconds / self.locations


def time_no_changes(folder: Path, locations: int) -> NoChangesTime:
    """Seed ``locations`` care homes with last month accepted, then time "no changes" for all of them.

    Offline by construction: nothing here knows of a tracker; each return is queued in the outbox.
    """
    with open_store(folder) as store:
        ids = add_care_homes(store, locations)
        previous = care_home_values(NO_CHANGES_FROM)
        for location in ids:
            accept(store, location, NO_CHANGES_FROM, previous)
        began = time.perf_counter()
        for location in ids:
            store.no_changes(location, NO_CHANGES_TO, BY)
        seconds = time.perf_counter() - began
        queued = len(store.outbox_items())
    if queued != locations:
        raise BenchError(f"no changes queued {queued} returns, not {locations}")
    return NoChangesTime(locations, seconds)


def time_group_no_changes(folder: Path, locations: int) -> NoChangesTime:
    """"No changes" for a whole care group in one review (``Store.no_changes_for_group``), last month
    accepted for every location (copied in SQL from the first, which went through the store)."""
    with open_store(folder) as store:
        ids = add_care_homes(store, locations)
        accept(store, ids[0], NO_CHANGES_FROM, care_home_values(NO_CHANGES_FROM))
        path = store.path
    copy_accepted(path, ids[0], ids[1:], NO_CHANGES_FROM)
    with open_store(folder) as store:
        began = time.perf_counter()
        results = store.no_changes_for_group(ids, NO_CHANGES_TO, BY)
        seconds = time.perf_counter() - began
        queued = len(store.outbox_items())
    refused = [str(result) for _, result in results if isinstance(result, Exception)]
    if queued != locations or refused:
        raise BenchError(f"no changes for the group queued {queued} returns, not {locations}: {refused[:1]}")
    return NoChangesTime(locations, seconds)


@dataclasses.dataclass(frozen=True)
class OpenTimes:
    """Seconds per ``open_store`` + ``close`` of one file, its size, and one full integrity check of it."""

    size_bytes: int
    seconds: list[float]
    full_check_s: float

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def time_store_opens(folder: Path, megabytes: int, opens: int) -> OpenTimes:
    """Open the store of a file of about ``megabytes`` MB ``opens`` times (the full check not due), each timed.

    The file is filled with history rows of 1 KB, written straight in SQL in one transaction: made
    through the store, 64 MB of edits would take minutes. Then, for scale, one full integrity check.
    """
    with open_store(folder) as store:
        location = add_care_homes(store, 1)[0]
        store.set_values(location, EDIT_PERIOD, care_home_values(EDIT_PERIOD), BY)
        path = store.path
    _fill(path, megabytes)
    seconds = []
    for _ in range(opens):
        began = time.perf_counter()
        open_store(folder).close()
        seconds.append(time.perf_counter() - began)
    began = time.perf_counter()
    result = run_full_check(path)
    full_check_s = time.perf_counter() - began
    if not result.ok:
        raise BenchError(f"the benchmark's own file failed its check: {result.summary()}")
    return OpenTimes(path.stat().st_size, seconds, full_check_s)


def _fill(path: Path, megabytes: int) -> None:
    rows = megabytes * 1024  # about 1 KB each
    if rows == 0:
        return
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        return_id = connection.execute("SELECT min(id) FROM returns").fetchone()[0]
        connection.execute("BEGIN")
        connection.executemany(
            "INSERT INTO history (return_id, at, by, action, key, old, new, detail) VALUES (?,?,?,?,?,?,?,?)",
            ((return_id, "2026-11-01T09:00:00+00:00", BY, "edit", EDITED_FIELD, str(n), str(n + 1), "x" * 900)
             for n in range(rows)))
        connection.execute("COMMIT")
    finally:
        connection.close()  # checkpoints the -wal into the file
