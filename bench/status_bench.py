"""``status`` of a large care group and the outbox's next items, with many returns queued.

A care group of ``locations`` care homes with ``queued`` returns waiting in the outbox (spread over the
months before this one). One return is made and queued through the store, as the app does; the others
are copies of its rows under their own location, month and submission id, written in one transaction
(through the store that would take minutes, and what is timed is reading, not writing).

Timed: the work of ``ct-desktop status`` in this process (``status_rows``, everything but starting
Python and printing) and ``outbox.next_due`` (what every sync run asks first).
"""

from __future__ import annotations

import dataclasses
import sqlite3
import time
import uuid
from pathlib import Path

from report import BenchError
from seed import BY, care_home, care_home_values, insert_row

from ct_desktop.cli.status_cmd import status_rows
from ct_desktop.collection_window import collection_window, now_london
from ct_desktop.period import Period
from ct_desktop.store import open_store

# The months the copies are queued for: the five before the current one, so that all of them can be sent.
MONTHS_QUEUED = 5


@dataclasses.dataclass(frozen=True)
class StatusTime:
    """Seconds for the status of every location, and for the outbox's next items."""

    locations: int
    queued: int
    status_s: float
    next_due_s: float
    next_due_items: int


def time_status(folder: Path, locations: int, queued: int) -> StatusTime:
    """Seed the group and its outbox, then time the status of the current month and ``next_due``."""
    period = Period.of(now_london().date())
    months = [period.previous()]
    while len(months) < MONTHS_QUEUED:
        months.append(months[-1].previous())
    with open_store(folder) as store:
        for number in range(1, locations + 1):
            store.add_location(care_home(number))
        first = care_home(1).id
        store.set_values(first, months[0], care_home_values(months[0]), BY)
        store.submit(first, months[0], BY, confirm_warnings=True)
        path = store.path
    _copy_queued(path, locations, queued, months)
    with open_store(folder) as store:
        window = collection_window(period)
        began = time.perf_counter()
        moment = now_london()
        rows = status_rows(store, period, window.due, window.days_left(moment), window=window, moment=moment)
        status_s = time.perf_counter() - began
        began = time.perf_counter()
        due = store.next_due_outbox_items(store.now())
        next_due_s = time.perf_counter() - began
    waiting = sum(row["outbox"] for row in rows)
    if len(rows) != locations or waiting != queued:
        raise BenchError(f"status saw {len(rows)} locations and {waiting} queued, not {locations} and {queued}")
    return StatusTime(locations, queued, status_s, next_due_s, len(due))


def _copy_queued(path: Path, locations: int, queued: int, months: list[Period]) -> None:
    # Copies of the one queued return (its returns row and outbox row) for the other location-months.
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        ret = connection.execute("SELECT * FROM returns").fetchone()
        columns = [column[0] for column in connection.execute("SELECT * FROM returns").description]
        item = connection.execute("SELECT * FROM outbox").fetchone()
        item_columns = [column[0] for column in connection.execute("SELECT * FROM outbox").description]
        original = dict(zip(item_columns, item, strict=True))
        connection.execute("BEGIN")
        made = 1
        for number in range(1, locations + 1):
            for month in months:
                if made >= queued:
                    break
                if number == 1 and month == months[0]:
                    continue
                row = dict(zip(columns, ret, strict=True), id=None, location_id=care_home(number).id,
                               period=str(month))
                submission = str(uuid.uuid4())
                row["submission_id"] = submission
                cursor = insert_row(connection, "returns", row)
                copy = dict(original, id=None, return_id=cursor.lastrowid, submission_id=submission,
                            payload=original["payload"].replace(original["submission_id"], submission))
                insert_row(connection, "outbox", copy)
                made += 1
        connection.execute("COMMIT")
    finally:
        connection.close()
    if made != queued:
        raise BenchError(f"{locations} locations x {len(months)} months cannot hold {queued} queued returns")
