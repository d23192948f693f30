"""Fixtures for the local store tests: complete returns from examples/ (through sample_returns) and a way
to have one accepted. The store and its clock are tests/conftest.py's."""

from __future__ import annotations

import pytest
import sample_returns

from ct_desktop.period import Period
from ct_desktop.store import Store


@pytest.fixture
def care_home_values() -> dict:
    """A complete, valid September care home return (flu questions answered)."""
    return sample_returns.care_home_values()


@pytest.fixture
def summer_care_home_values() -> dict:
    """The same return without the flu questions, as asked April to August."""
    return sample_returns.summer_care_home_values()


@pytest.fixture
def home_care_values() -> dict:
    """A complete, valid July home care return."""
    return sample_returns.home_care_values()


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
