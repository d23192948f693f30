"""One revision per submission and per number, under concurrent PUTs and inserts that race past the reads."""

from __future__ import annotations

import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from sample_returns import care_home_values
from tracker_server import API, running_tracker, serving, submission_body

from ct_tracker.app import create_app
from ct_tracker.database import CONFLICT, CREATED, REPLAYED, TrackerDatabase
from ct_tracker.submission import Submission

CARE_HOME_SEPTEMBER = care_home_values()
SENDERS = 8
RETURN_PATH = f"{API}/locations/1-101/returns/2026-09"


def put_all_at_once(url: str, token: str, bodies: list[dict[str, Any]]) -> list[requests.Response]:
    """Send each body from its own thread, released together by a barrier."""
    barrier = threading.Barrier(len(bodies))

    def send(body: dict[str, Any]) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": body["submission_id"]}
        with requests.Session() as session:
            barrier.wait(timeout=10)
            return session.put(url + RETURN_PATH, json=body, headers=headers, timeout=30)

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(send, bodies))


def test_concurrent_puts_of_one_submission_make_one_revision(db_path, token):
    body = submission_body(CARE_HOME_SEPTEMBER)
    with running_tracker(db_path) as url:
        responses = put_all_at_once(url, token, [body] * SENDERS)
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] * (SENDERS - 1) + [201]
    assert len({response.text for response in responses}) == 1
    assert TrackerDatabase(db_path).revision_count("1-101", "2026-09") == 1


def test_concurrent_submissions_on_one_base_make_one_revision_and_conflicts(db_path, token):
    bodies = [submission_body({**CARE_HOME_SEPTEMBER, "staff_agency_care": n}) for n in range(SENDERS)]
    with running_tracker(db_path) as url:
        responses = put_all_at_once(url, token, bodies)
    created = [r for r in responses if r.status_code == 201]
    conflicts = [r for r in responses if r.status_code == 409]
    assert (len(created), len(conflicts)) == (1, SENDERS - 1)
    assert {r.json()["code"] for r in conflicts} == {"revision_conflict"}
    winner = bodies[responses.index(created[0])]
    assert all(r.json()["current"]["submission_id"] == winner["submission_id"] for r in conflicts)
    assert TrackerDatabase(db_path).revision_count("1-101", "2026-09") == 1


# An insert that meets a UNIQUE constraint (a writer that committed between our reads and our insert)
# is simulated by making the in-transaction reads miss on the first attempt.


def blind_on_first_attempt(monkeypatch: pytest.MonkeyPatch, database: TrackerDatabase,
                           *names: str) -> list[BaseException]:
    """Make the named readers miss once; returns the list of exceptions the attempts raise."""
    raised: list[BaseException] = []
    real_attempt = database._accept_once

    def attempt(*args: Any) -> Any:
        try:
            return real_attempt(*args)
        except BaseException as exc:
            raised.append(exc)
            raise

    monkeypatch.setattr(database, "_accept_once", attempt)
    for name in names:
        real = getattr(database, name)
        calls = {"count": 0}

        def blind(conn: Any, *args: Any, _real: Any = real, _calls: dict[str, int] = calls) -> Any:
            _calls["count"] += 1
            return None if _calls["count"] == 1 else _real(conn, *args)

        monkeypatch.setattr(database, name, blind)
    return raised


def as_submission(body: dict[str, Any]) -> Submission:
    return Submission(location_id="1-101", period="2026-09", submission_id=body["submission_id"],
                      base_revision=body["base_revision"], values=body["values"], not_known=body["not_known"],
                      no_changes=body["no_changes"], reviewed_by=body["reviewed_by"],
                      reviewed_at=body["reviewed_at"], form_version=body["form_version"])


def test_a_racing_insert_of_the_same_submission_is_answered_as_a_resend(monkeypatch, db_path, token):
    database = TrackerDatabase(db_path)
    submission = as_submission(submission_body(CARE_HOME_SEPTEMBER))
    first = database.accept(submission, "2026-09-10T08:00:00+00:00")
    raised = blind_on_first_attempt(monkeypatch, database, "_stored_submission", "_latest")
    again = database.accept(submission, "2026-09-10T08:05:00+00:00")
    assert [type(exc) for exc in raised] == [sqlite3.IntegrityError]
    assert (first.outcome, again.outcome) == (CREATED, REPLAYED)
    assert again.revision == first.revision
    assert database.revision_count("1-101", "2026-09") == 1


def test_a_racing_insert_of_the_same_revision_number_is_answered_as_a_conflict(monkeypatch, db_path, token):
    database = TrackerDatabase(db_path)
    first = database.accept(as_submission(submission_body(CARE_HOME_SEPTEMBER)), "2026-09-10T08:00:00+00:00")
    raised = blind_on_first_attempt(monkeypatch, database, "_latest")
    rival = database.accept(as_submission(submission_body(CARE_HOME_SEPTEMBER)), "2026-09-10T08:05:00+00:00")
    assert [type(exc) for exc in raised] == [sqlite3.IntegrityError]
    assert rival.outcome == CONFLICT
    assert rival.revision == first.revision
    assert database.revision_count("1-101", "2026-09") == 1


def test_a_racing_insert_over_http_is_never_a_500(monkeypatch, db_path, token):
    app = create_app(db_path)
    body = submission_body(CARE_HOME_SEPTEMBER)
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": body["submission_id"]}
    with serving(app) as url:
        first = requests.put(url + RETURN_PATH, json=body, headers=headers, timeout=10)
        blind_on_first_attempt(monkeypatch, app.state.tracker.database, "_stored_submission", "_latest")
        again = requests.put(url + RETURN_PATH, json=body, headers=headers, timeout=10)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
