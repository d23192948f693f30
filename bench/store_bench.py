"""The store's two everyday writes, timed in this process on a temporary data folder.

- A field edit: ``Store.set_value``, what the app does on every edit, committed with synchronous=FULL
  (on disk when the call returns), on a full care home return.
- "No changes" offline: ``Store.no_changes`` for every location of a care group, each one copy of
  last month's accepted return checked against this month's form and queued.
"""

from __future__ import annotations

import dataclasses
import statistics
import time
from pathlib import Path

from report import BenchError
from seed import BY, accept, add_care_homes, care_home_values

from ct_desktop.period import Period
from ct_desktop.store import open_store

# A fixed pair of months, both in the flu season, so that the benchmark is the same whatever day it
# runs: from August to September "no changes" is refused by design (the flu questions become
# mandatory), and the current month would make the figures depend on the calendar.
NO_CHANGES_FROM, NO_CHANGES_TO = Period(2026, 10), Period(2026, 11)
EDIT_PERIOD = Period(2026, 11)
EDITED_FIELD = "beds_occupied"


@dataclasses.dataclass(frozen=True)
class EditTimes:
    """Seconds per committed edit."""

    seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def p99(self) -> float:
        return percentile(self.seconds, 99)


def percentile(samples: list[float], pct: int) -> float:
    """The ``pct``-th percentile (linear interpolation between the closest ranks)."""
    return statistics.quantiles(samples, n=100, method="inclusive")[pct - 1]


def time_field_edits(folder: Path, edits: int) -> EditTimes:
    """``edits`` edits of one answer of a complete care home return, each committed, each timed.

    The value alternates, so that every call is a real change (an answer row and a history row
    written), never the no-op of saving the same value again.
    """
    with open_store(folder) as store:
        location = add_care_homes(store, 1)[0]
        values = care_home_values(EDIT_PERIOD)
        store.set_values(location, EDIT_PERIOD, values, BY)
        first = values[EDITED_FIELD]
        seconds = []
        for number in range(edits):
            answer = first - 1 if number % 2 == 0 else first
            began = time.perf_counter()
            store.set_value(location, EDIT_PERIOD, EDITED_FIELD, answer, BY)
            seconds.append(time.perf_counter() - began)
    return EditTimes(seconds)


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
