"""The tracker's connections: opened once and reused, never used by two threads at once, closed on shutdown."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
from sample_returns import care_home_values
from tracker_server import API, running_tracker, submission_body

from ct_tracker.access import token_digest
from ct_tracker.app import create_app
from ct_tracker.database import (
    CONFLICT,
    CREATED,
    TrackedLocation,
    TrackerDatabase,
    TrackerDatabaseError,
    _Pending,
)
from ct_tracker.submission import Submission

THREADS = 8
OPERATIONS = 400


class WatchedPool:
    """Counts the connections a database opens, and fails if one is taken while another operation holds it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, database: TrackerDatabase):
        self.opened = 0
        self.in_use: set[int] = set()
        self.shared: list[int] = []
        lock = threading.Lock()
        real_open, real_take, real_give_back = database._open, database._take, database._give_back

        def open_counted() -> sqlite3.Connection:
            with lock:
                self.opened += 1
            return real_open()

        def take() -> sqlite3.Connection:
            conn = real_take()
            with lock:
                if id(conn) in self.in_use:
                    self.shared.append(id(conn))
                self.in_use.add(id(conn))
            return conn

        def give_back(conn: sqlite3.Connection) -> None:
            with lock:
                self.in_use.discard(id(conn))
            real_give_back(conn)

        monkeypatch.setattr(database, "_open", open_counted)
        monkeypatch.setattr(database, "_take", take)
        monkeypatch.setattr(database, "_give_back", give_back)


def test_operations_from_many_threads_reuse_a_few_connections_never_two_at_once(monkeypatch, db_path, token):
    database = TrackerDatabase(db_path)
    pool = WatchedPool(monkeypatch, database)
    barrier = threading.Barrier(THREADS)

    def work(n: int) -> Any:
        barrier.wait(timeout=10)
        return database.location("1-101") if n % 2 else database.provider_count()

    with ThreadPoolExecutor(max_workers=THREADS) as threads:
        results = list(threads.map(work, range(OPERATIONS)))
    database.close()
    assert len(results) == OPERATIONS and all(results)
    assert pool.shared == []
    assert 1 <= pool.opened <= THREADS  # at most one per thread working at a time, not one per operation


def test_the_server_keeps_its_connections_between_requests(db_path, token):
    body = submission_body(care_home_values())
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": body["submission_id"]}
    wal = db_path.with_name(db_path.name + "-wal")
    with running_tracker(db_path) as url:
        response = requests.put(f"{url}{API}/locations/1-101/returns/2026-09", json=body, headers=headers,
                                timeout=10)
        assert response.status_code == 201
        # No connection of the tracker was closed, so none checkpointed the WAL away after the request.
        assert wal.exists() and wal.stat().st_size > 0
    # Once stopped, the WAL is checkpointed into the database and removed with the last connection.
    assert not wal.exists()
    assert TrackerDatabase(db_path).revision_count("1-101", "2026-09") == 1


def test_closing_checkpoints_the_wal_and_ends_the_database(db_path, token):
    database = TrackerDatabase(db_path)
    assert database.provider_count() == 1
    database.close()
    assert not Path(f"{db_path}-wal").exists()
    with pytest.raises(TrackerDatabaseError, match="closed"):
        database.provider_count()
    database.close()  # closing twice is harmless


def test_the_app_closes_its_database_when_the_server_shuts_it_down(db_path, token):
    app = create_app(db_path)

    async def start_and_stop() -> None:
        async with app.router.lifespan_context(app):
            assert app.state.tracker.database.provider_count() == 1

    asyncio.run(start_and_stop())
    with pytest.raises(TrackerDatabaseError, match="closed"):
        app.state.tracker.database.provider_count()


def test_a_provider_added_while_the_tracker_runs_is_found_at_once(db_path, token):
    serving = TrackerDatabase(db_path)
    digest = token_digest("a token not yet given to anyone, long enough to be one")
    assert serving.provider_by_token(digest) is None and serving.location("2-201") is None
    with TrackerDatabase(db_path) as other:  # as `ct-tracker add-provider` beside the server
        other.add_provider("Oak Care", [TrackedLocation("2-201", "Oak House", "care_home")], digest,
                           "2026-09-10T08:00:00+00:00")
    provider = serving.provider_by_token(digest)
    assert provider is not None and provider.name == "Oak Care"
    location = serving.location("2-201")
    assert location is not None and location.provider_id == provider.id
    serving.close()


def _submission(period: str, location: str = "1-101") -> Submission:
    body = submission_body(care_home_values())
    return Submission(location_id=location, period=period, submission_id=body["submission_id"],
                      base_revision=None, values=body["values"], not_known=[], no_changes=False,
                      reviewed_by="Amy Brown", reviewed_at=body["reviewed_at"], form_version="2024.06")


def test_submissions_sent_at_once_are_each_accepted_once(db_path, token):
    database = TrackerDatabase(db_path)
    periods = [f"2026-{month:02d}" for month in range(1, 13)] * 2  # each return twice: one wins, one conflicts
    barrier = threading.Barrier(len(periods))

    def send(period: str) -> str:
        submission = _submission(period)
        barrier.wait(timeout=10)
        return database.accept(submission, "2026-12-02T08:00:00+00:00").outcome

    with ThreadPoolExecutor(max_workers=len(periods)) as threads:
        outcomes = list(threads.map(send, periods))
    assert sorted(outcomes) == sorted([CREATED] * 12 + [CONFLICT] * 12)
    assert all(database.revision_count("1-101", period) == 1 for period in periods)
    database.close()


def test_a_submission_that_fails_in_a_batch_leaves_the_others_committed(db_path, token):
    database = TrackerDatabase(db_path)
    good, bad = _submission("2026-09"), _submission("2026-09", location="9-999")  # no such location
    batch = [_Pending(good, good.content_sha256(), "2026-12-02T08:00:00+00:00"),
             _Pending(bad, bad.content_sha256(), "2026-12-02T08:00:00+00:00")]
    database._accept_batch(batch)
    assert all(pending.done for pending in batch)
    assert batch[0].acceptance is not None and batch[0].acceptance.outcome == CREATED
    assert isinstance(batch[1].error, sqlite3.IntegrityError)  # the foreign key: the return is not stored
    assert database.revision_count("1-101", "2026-09") == 1
    assert database.revision_count("9-999", "2026-09") == 0
    database.close()
