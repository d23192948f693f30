"""Helpers of the sync tests: a clock the test moves, the running tracker, complete returns, queueing."""

from __future__ import annotations

import datetime as dt
import json
import random
import socket
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import requests

from ct_desktop.collection_window import LONDON
from ct_desktop.models import Location, OutboxItem
from ct_desktop.period import Period
from ct_desktop.store import Store
from ct_desktop.sync.client import TrackerClient
from ct_desktop.sync.engine import OutboxEngine, RetryPolicy
from ct_tracker.database import TrackerDatabase

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CARE_HOME = Location("1-101", "Sunny Care", "care_home", "Leeds")
HOME_CARE = Location("1-202", "Home Help", "home_care", "York")
SEPTEMBER = Period(2026, 9)
JULY = Period(2026, 7)
# Generous, so that a loaded CI machine never turns a plain answer into a timeout (the fault run sets its
# own short one, so that the proxy's "delay" is a timeout there).
QUICK_TIMEOUT = (5.0, 10.0)
FAST_POLICY = RetryPolicy(base_seconds=10.0, max_seconds=120.0, jitter=0.5, max_attempts=50)


class Clock:
    """A clock the test moves by hand; the store and the engine ask it for 'now'."""

    def __init__(self) -> None:
        self.moment = dt.datetime(2026, 9, 9, 10, 0, tzinfo=LONDON)

    def __call__(self) -> dt.datetime:
        return self.moment

    def advance(self, **delta: float) -> dt.datetime:
        self.moment += dt.timedelta(**delta)
        return self.moment


@dataclass
class Tracker:
    """The running reference tracker: its database file, root URL and one provider's token."""

    db_path: Path
    url: str
    token: str

    @property
    def database(self) -> TrackerDatabase:
        return TrackerDatabase(self.db_path)

    def put(self, location_id: str, period: Period, body: dict, token: str | None = None) -> requests.Response:
        """A PUT straight to the tracker, as another computer (or a lost answer) would have made it."""
        return requests.put(f"{self.url}/api/v1/locations/{location_id}/returns/{period}", json=body, timeout=10,
                            headers={"Authorization": f"Bearer {token or self.token}",
                                     "Idempotency-Key": body["submission_id"]})

    def latest(self, location_id: str, period: Period) -> dict | None:
        """The tracker's latest accepted revision of a month, read over HTTP."""
        answer = requests.get(f"{self.url}/api/v1/locations/{location_id}/returns/{period}", timeout=10,
                              headers={"Authorization": f"Bearer {self.token}"})
        return answer.json() if answer.status_code == 200 else None


def care_home_values() -> dict:
    """A complete, valid September care home return (flu questions answered)."""
    return json.loads((EXAMPLES / "care_home-2026-09.json").read_text())["values"]


def summer_care_home_values() -> dict:
    """The same return without the flu questions, as asked April to August."""
    return {k: v for k, v in care_home_values().items() if not k.startswith("flu_")}


def home_care_values() -> dict:
    """A complete, valid home care return."""
    return json.loads((EXAMPLES / "home_care-2026-07.json").read_text())


def queue(store: Store, location_id: str, period: Period, values: dict, by: str = "AB") -> OutboxItem:
    """Enter a return's values and submit it; the outbox item."""
    store.set_values(location_id, period, values, by)
    return store.submit(location_id, period, by, confirm_warnings=True).item


def item_of(store: Store, submission_id: str) -> OutboxItem | None:
    """The outbox item of a submission, or None once it has left the outbox."""
    return next((i for i in store.outbox_items() if i.submission_id == submission_id), None)


def make_engine(store: Store, client: TrackerClient, clock: Clock, **options) -> OutboxEngine:
    """An engine with a fast retry policy and a seeded jitter."""
    options.setdefault("policy", FAST_POLICY)
    options.setdefault("rng", random.Random(7))
    return OutboxEngine(store, client, clock=clock, **options)


def quick_client(url: str, token: str) -> TrackerClient:
    """A client with the tests' timeouts."""
    return TrackerClient(url, token, timeout=QUICK_TIMEOUT)


def free_port() -> int:
    """A port on 127.0.0.1 where nothing listens (bound and released at once)."""
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
