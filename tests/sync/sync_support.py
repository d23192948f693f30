"""Helpers of the sync tests: the running tracker, queueing, an engine and a client with quick settings.

The clock and the store are in local_store, the complete returns in sample_returns."""

from __future__ import annotations

import random
import socket
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import requests
from local_store import Clock
from sample_returns import as_asked, home_care_values, summer_care_home_values

from ct_desktop.models import Location, OutboxItem
from ct_desktop.period import Period
from ct_desktop.store import Store
from ct_desktop.sync.client import TrackerClient
from ct_desktop.sync.engine import OutboxEngine, RetryPolicy
from ct_tracker.database import TrackerDatabase

SEPTEMBER = Period(2026, 9)
JULY = Period(2026, 7)
# Generous, so that a loaded CI machine never turns a plain answer into a timeout (the fault run sets its
# own short one, so that the proxy's "delay" is a timeout there).
QUICK_TIMEOUT = (5.0, 10.0)
FAST_POLICY = RetryPolicy(base_seconds=10.0, max_seconds=120.0, jitter=0.5, max_attempts=50)


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


def queue(store: Store, location_id: str, period: Period, values: dict, by: str = "AB") -> OutboxItem:
    """Enter a return's values and submit it; the outbox item."""
    store.set_values(location_id, period, values, by)
    return store.submit(location_id, period, by, confirm_warnings=True).item


def queue_summer_months(store: Store, locations: list[Location], months: list[Period]) -> dict[tuple[str, str], str]:
    """Add each location and queue its complete return (no flu questions) for each month; the submission
    ids by (location id, "YYYY-MM")."""
    sent = {}
    for location in locations:
        store.add_location(location)
        values = summer_care_home_values() if location.service_type == "care_home" else home_care_values()
        for month in months:  # (April to June: a spring COVID-19 vaccination campaign asks its answers too)
            asked = as_asked(location.service_type, month, values)
            sent[(location.id, str(month))] = queue(store, location.id, month, asked).submission_id
    return sent


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
