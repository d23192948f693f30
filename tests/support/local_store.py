"""A clock the test moves by hand (for every test that needs one), and the local store of the store and
sync tests, opened on the test's data folder with the two sample locations (CARE_HOME and HOME_CARE of
sample_returns)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sample_returns import CARE_HOME, HOME_CARE

from ct_desktop.collection_window import LONDON
from ct_desktop.period import Period
from ct_desktop.store import Store, open_store

# 10:00 on Wednesday 9 September 2026: the September window is open, flu questions asked.
SEPTEMBER_MORNING = dt.datetime(2026, 9, 9, 10, 0, tzinfo=LONDON)


class Clock:
    """A clock the test moves by hand; the store, the sync engine, the views and the tracker ask it for 'now'."""

    def __init__(self, moment: dt.datetime = SEPTEMBER_MORNING) -> None:
        self.moment = moment

    def __call__(self) -> dt.datetime:
        return self.moment

    def advance(self, **delta: float) -> dt.datetime:
        self.moment += dt.timedelta(**delta)
        return self.moment

    def move_to_month(self, period: Period) -> dt.datetime:
        """10:00 on the 9th of a month, London time: its window is open (returns can be sent only up to
        the current month)."""
        self.moment = dt.datetime(period.year, period.month, 9, 10, 0, tzinfo=LONDON)
        return self.moment


def open_with_sample_locations(folder: Path, clock: Clock) -> Store:
    """The store of ``folder``, asking ``clock`` for 'now', with CARE_HOME and HOME_CARE added."""
    store = open_store(folder, clock=clock)
    store.add_location(CARE_HOME)
    store.add_location(HOME_CARE)
    return store
