"""Fixtures for the sync tests: the reference tracker served for real on 127.0.0.1, a store on the test's
own data folder with a clock the test moves, and an engine that never sleeps."""

from __future__ import annotations

import pytest
from local_store import Clock, open_with_sample_locations
from sync_support import Tracker, make_engine, quick_client
from tracker_server import add_provider, running_tracker

from ct_desktop.store import Store
from ct_desktop.sync.client import TrackerClient
from ct_desktop.sync.engine import OutboxEngine


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def tracker(tmp_path) -> Tracker:
    db_path = tmp_path / "tracker.db"
    token = add_provider(db_path, "Rose Care", {"1-101": "care_home", "1-202": "home_care", "1-303": "care_home"})
    with running_tracker(db_path) as url:
        yield Tracker(db_path, url, token)


@pytest.fixture
def store(isolated_data_dir, clock) -> Store:
    opened = open_with_sample_locations(isolated_data_dir, clock)
    yield opened
    opened.close()


@pytest.fixture
def client(tracker) -> TrackerClient:
    opened = quick_client(tracker.url, tracker.token)
    yield opened
    opened.close()


@pytest.fixture
def engine(store, client, clock) -> OutboxEngine:
    return make_engine(store, client, clock)
