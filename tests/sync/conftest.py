"""Fixtures for the sync tests: the reference tracker served for real on 127.0.0.1, a client, and an engine
that never sleeps (on the store and clock of tests/conftest.py)."""

from __future__ import annotations

import pytest
from sync_support import Tracker, make_engine, quick_client
from tracker_server import add_provider, running_tracker

from ct_desktop.sync.client import TrackerClient
from ct_desktop.sync.engine import OutboxEngine


@pytest.fixture
def tracker(tmp_path) -> Tracker:
    db_path = tmp_path / "tracker.db"
    token = add_provider(db_path, "Rose Care", {"1-101": "care_home", "1-202": "home_care", "1-303": "care_home"})
    with running_tracker(db_path) as url:
        yield Tracker(db_path, url, token)


@pytest.fixture
def client(tracker) -> TrackerClient:
    opened = quick_client(tracker.url, tracker.token)
    yield opened
    opened.close()


@pytest.fixture
def engine(store, client, clock) -> OutboxEngine:
    return make_engine(store, client, clock)
