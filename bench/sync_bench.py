"""Sending a full outbox to the reference tracker on the loopback, through the real sync path.

The tracker runs as `ct-tracker serve` in its own process (tracker_process). This process connects
and syncs with the same functions as `ct-desktop connect` and `ct-desktop sync` (connect,
sync_data_folder), so the figure includes everything a sync does: the attempt saved before each
request, the HTTP round trip, the tracker's validation and commit, the receipt saved after, and the
refresh of the tracker's recent returns at the end.

The token: connect() keeps it with the keyring module, sync_data_folder() reads it back from there.
Before either runs, keyring.set_keyring() installs MemoryKeyring, so the token lives in this
process's memory only and the user's keyring is never opened (not even looked up). Building a
TrackerClient and OutboxEngine by hand would avoid the keyring too, but would time less than a sync
really does.
"""

from __future__ import annotations

import contextlib
import dataclasses
import sqlite3
import time
from pathlib import Path

import keyring
from memory_keyring import MemoryKeyring
from report import BenchError
from seed import BY, care_home, care_home_values
from tracker_process import add_provider, serving

from ct_desktop.models import ReturnState
from ct_desktop.period import Period
from ct_desktop.store import open_store
from ct_desktop.sync.connection import connect
from ct_desktop.sync.engine import sync_data_folder

# Ten months of one year, each with the questions it asks (flu January to March, September, October).
PERIODS = [Period(2026, month) for month in range(1, 11)]


@dataclasses.dataclass(frozen=True)
class SyncTime:
    """One sync run of ``returns`` queued returns, checked on both sides."""

    returns: int
    seconds: float
    accepted: int
    revisions_on_tracker: int

    @property
    def per_second(self) -> float:
        return self.returns / self.seconds


def time_sync(work: Path, locations: int) -> SyncTime:
    """Queue ``locations`` x 10 months of returns offline, then time one sync run that sends them all."""
    tracker_db, folder = work / "tracker.db", work / "desktop"
    homes = [care_home(number) for number in range(1, locations + 1)]
    token = add_provider(tracker_db, "Bench Care Group",
                         [f"{home.id}:{home.name}:{home.service_type}:{home.local_authority}" for home in homes])
    keyring.set_keyring(MemoryKeyring())
    with serving(tracker_db, work / "tracker.log") as url:
        connect(folder, url, token)
        queued = _queue_returns(folder, [home.id for home in homes])
        began = time.perf_counter()
        report = sync_data_folder(folder)
        seconds = time.perf_counter() - began
        revisions, distinct = _revisions_on_tracker(tracker_db)
    accepted = _accepted_here(folder, [home.id for home in homes])
    if not (len(report.accepted) == accepted == revisions == distinct == queued) or report.still_queued:
        raise BenchError(f"sync incomplete: {queued} queued, {len(report.accepted)} reported accepted, "
                         f"{accepted} accepted in the store, {report.still_queued} still queued, {revisions} "
                         f"revisions of {distinct} returns on the tracker; last error: {report.last_error}")
    return SyncTime(queued, seconds, accepted, revisions)


def _queue_returns(folder: Path, location_ids: list[str]) -> int:
    # What a care group's manager would do offline: fill in and submit each month of each location.
    with open_store(folder) as store:
        for location in location_ids:
            for period in PERIODS:
                store.set_values(location, period, care_home_values(period), BY)
                store.submit(location, period, BY, confirm_warnings=True)
        return len(store.outbox_items())


def _accepted_here(folder: Path, location_ids: list[str]) -> int:
    with open_store(folder) as store:
        drafts = [store.get_return(location, period) for location in location_ids for period in PERIODS]
    return sum(1 for draft in drafts if draft is not None and draft.state is ReturnState.ACCEPTED)


def _revisions_on_tracker(tracker_db: Path) -> tuple[int, int]:
    # Read-only, beside the running server (WAL lets a reader in): every revision, and how many returns
    # they are of; equal counts mean each return reached the tracker exactly once.
    with contextlib.closing(sqlite3.connect(f"{tracker_db.as_uri()}?mode=ro", uri=True)) as conn:
        total, distinct = conn.execute(
            "SELECT COUNT(*), COUNT(DISTINCT location_id || '/' || period) FROM revisions").fetchone()
    return int(total), int(distinct)
