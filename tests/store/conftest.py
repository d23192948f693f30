"""Fixtures for the local store tests: a store on the test's own data folder, a settable clock, locations
and complete returns from examples/."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from ct_desktop.collection_window import LONDON
from ct_desktop.models import Location
from ct_desktop.period import Period
from ct_desktop.store import Store, open_store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CARE_HOME = Location("1-101", "Sunny Care", "care_home", "Leeds")
HOME_CARE = Location("1-202", "Home Help", "home_care", "York")


class Clock:
    """A clock the test moves by hand; the store asks it for 'now'."""

    def __init__(self) -> None:
        self.moment = dt.datetime(2026, 9, 9, 10, 0, tzinfo=LONDON)

    def __call__(self) -> dt.datetime:
        return self.moment

    def advance(self, **delta: float) -> dt.datetime:
        self.moment += dt.timedelta(**delta)
        return self.moment


def _care_home() -> dict:
    return json.loads((EXAMPLES / "care_home-2026-09.json").read_text())["values"]


@pytest.fixture
def care_home_values() -> dict:
    """A complete, valid September care home return (flu questions answered)."""
    return _care_home()


@pytest.fixture
def summer_care_home_values() -> dict:
    """The same return without the flu questions, as asked April to August."""
    return {k: v for k, v in _care_home().items() if not k.startswith("flu_")}


@pytest.fixture
def home_care_values() -> dict:
    """A complete, valid July home care return."""
    return json.loads((EXAMPLES / "home_care-2026-07.json").read_text())


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(isolated_data_dir, clock) -> Store:
    opened = open_store(isolated_data_dir, clock=clock)
    opened.add_location(CARE_HOME)
    opened.add_location(HOME_CARE)
    yield opened
    opened.close()


@pytest.fixture
def accept():
    """accept(store, location_id, period, values, revision): enter, submit and record the tracker's acceptance."""

    def accept_return(store: Store, location_id: str, period: Period, values: dict, revision: int = 1,
                      by: str = "AB"):
        store.set_values(location_id, period, values, by)
        submission = store.submit(location_id, period, by, confirm_warnings=True)
        return store.mark_accepted(submission.item.submission_id, revision, "2026-01-01T12:00:00+00:00",
                                   f"R-{revision}")

    return accept_return
