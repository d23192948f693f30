"""Hostile requests to the reference tracker, sent byte for byte over real sockets: text that is not text,
and the limits that keep one caller from costing the tracker its memory, time or database."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import socket
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import requests
from local_store import Clock
from sample_returns import care_home_values
from tracker_server import API, add_provider, running_tracker, submission_body

CARE_HOME_SEPTEMBER = care_home_values()
RETURN_PATH = f"{API}/locations/1-101/returns/2026-09"


@pytest.fixture
def port(db_path: Path, token: str) -> Iterator[int]:
    with running_tracker(db_path) as url:
        yield int(url.rsplit(":", 1)[1])


class Answer:
    """A status, headers and a body that must be strict UTF-8 JSON (an error's: application/problem+json)."""

    def __init__(self, response: http.client.HTTPResponse):
        self.status = response.status
        self.headers = response.headers
        raw = response.read()
        expected = "application/problem+json" if response.status >= 400 else "application/json"
        assert response.headers["content-type"] == expected, raw[:200]
        self.body: dict[str, Any] = json.loads(raw.decode("utf-8", errors="strict"))


def send(port: int, method: str, path: str, body: bytes | None = None,
         headers: dict[str, str] | None = None) -> Answer:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        return Answer(connection.getresponse())
    finally:
        connection.close()


def put_raw(port: int, token: str, raw: str, submission_id: str) -> Answer:
    """PUT the JSON text exactly as written (escapes such as \\ud800 included)."""
    return send(port, "PUT", RETURN_PATH, raw.encode("ascii"),
                {"Authorization": f"Bearer {token}", "Idempotency-Key": submission_id,
                 "Content-Type": "application/json"})


def get_return(port: int, token: str) -> Answer:
    return send(port, "GET", RETURN_PATH, headers={"Authorization": f"Bearer {token}"})


# -- A: a lone surrogate is not text -------------------------------------------------------------


def _with_surrogate(where: str) -> tuple[str, str, str]:
    """A PUT body (JSON text) with a lone surrogate at ``where``; its submission id; the refused field."""
    body = submission_body(CARE_HOME_SEPTEMBER)
    raw = json.dumps(body)
    if where == "answer key":
        raw = raw.replace('"values": {', '"values": {"beds\\ud800": 1, ', 1)
        return raw, body["submission_id"], "values"
    if where == "answer":
        raw = raw.replace('"values": {', '"values": {"notes": ["ok", "\\udc00"], ', 1)
        return raw, body["submission_id"], "values"
    if where == "not known key":
        raw = raw.replace('"not_known": []', '"not_known": ["\\ud800"]', 1)
        return raw, body["submission_id"], "not_known"
    field = {"reviewer": "reviewed_by", "form version": "form_version"}[where]
    raw = raw.replace(json.dumps(body[field]), '"Amy \\ud83d"', 1)
    return raw, body["submission_id"], field


@pytest.mark.parametrize("where", ["answer key", "answer", "not known key", "reviewer", "form version"])
def test_a_lone_surrogate_anywhere_in_a_put_is_422_in_plain_words(port, token, where):
    raw, submission_id, field = _with_surrogate(where)
    answer = put_raw(port, token, raw, submission_id)
    assert answer.status == 422, answer.body
    assert answer.body["code"] == "validation_failed"
    assert [(e["field"], e["code"]) for e in answer.body["errors"]] == [(field, "not_text")]
    message = answer.body["errors"][0]["message"]
    assert "must be text" in message and "surrogate" in message
    assert "unicode string" not in message and "raw data" not in message
    assert get_return(port, token).status == 404


# -- B: the database is its owner's alone --------------------------------------------------------


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_the_database_and_its_wal_and_shm_files_are_readable_by_their_owner_only(db_path, port, token):
    # SQLite removes -wal and -shm when the last connection closes: a reader keeps them while the tracker writes.
    with closing(sqlite3.connect(db_path)) as reader:
        reader.execute("SELECT COUNT(*) FROM providers").fetchone()
        body = submission_body(CARE_HOME_SEPTEMBER)
        assert put_raw(port, token, json.dumps(body), body["submission_id"]).status == 201
        files = [db_path, db_path.with_name("tracker.db-wal"), db_path.with_name("tracker.db-shm")]
        assert all(file.exists() for file in files)
        assert [_mode(file) for file in files] == [0o600] * 3


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_a_database_left_readable_by_others_is_made_private_when_opened(tmp_path):
    db_path = tmp_path / "old.db"
    add_provider(db_path, "Rose Care", {"1-101": "care_home"})
    for file in tmp_path.iterdir():
        file.chmod(0o644)
    with running_tracker(db_path):
        pass
    assert _mode(db_path) == 0o600
    assert all(_mode(file) == 0o600 for file in tmp_path.iterdir())


# -- C: the size of a request, and of what is quoted back ----------------------------------------

LIMIT = 256 * 1024


def _raw_request(port: int, head: str, body_parts: list[bytes]) -> Answer:
    """Send a request head and body parts over a plain socket, then read the answer (the body may be unfinished)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head.encode("latin-1"))
        for part in body_parts:
            sock.sendall(part)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return Answer(response)


def _head(headers: dict[str, str], method: str = "PUT", path: str = RETURN_PATH) -> str:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in headers.items())]
    return "\r\n".join(lines) + "\r\n\r\n"


def test_a_declared_100_mb_body_is_413_before_any_of_it_is_read_or_the_token_checked(port):
    # Only the head is sent: an answer proves the tracker did not wait for the 100 MB.
    head = _head({"Authorization": "Bearer guess", "Content-Type": "application/json",
                  "Idempotency-Key": "x", "Content-Length": str(100 * 1024 * 1024)})
    answer = _raw_request(port, head, [])
    assert answer.status == 413
    assert answer.body["code"] == "too_large"
    assert "256 KiB" in answer.body["message"]


def test_a_chunked_body_is_refused_as_soon_as_it_passes_the_limit(port, token):
    head = _head({"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                  "Idempotency-Key": "x", "Transfer-Encoding": "chunked"})
    chunk = b"[" * 16 * 1024
    parts = [b"%x\r\n%s\r\n" % (len(chunk), chunk)] * (LIMIT // len(chunk))
    parts.append(b"1\r\n[\r\n")  # one byte over, and the body never ends
    answer = _raw_request(port, head, parts)
    assert answer.status == 413
    assert answer.body["code"] == "too_large"


@pytest.mark.parametrize("size", [LIMIT + 1, 1024 * 1024, 20 * 1024 * 1024])
def test_a_client_sending_an_oversized_body_on_a_kept_alive_connection_reads_the_413(port, token, size):
    # Most clients send the whole body before they read any answer: if the tracker closed the connection with
    # the body unread, the system would reset it and the client would see "connection reset", not the 413.
    url = f"http://127.0.0.1:{port}{RETURN_PATH}"
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Idempotency-Key": "x"}
    statuses = []
    with requests.Session() as session:
        for _ in range(10):
            assert session.get(f"http://127.0.0.1:{port}{API}/locations", headers=headers, timeout=10).ok
            answer = session.put(url, data=b" " * size, headers=headers, timeout=30)
            assert answer.headers["Content-Type"] == "application/problem+json"
            statuses.append((answer.status_code, answer.json()["code"]))
    assert statuses == [(413, "too_large")] * 10


def test_a_body_of_exactly_256_kib_is_read_and_accepted(port, token, db_path):
    body = submission_body(CARE_HOME_SEPTEMBER)
    text = json.dumps(body)
    answer = put_raw(port, token, text + " " * (LIMIT - len(text)), body["submission_id"])
    assert answer.status == 201, answer.body
    assert get_return(port, token).body["values"] == CARE_HOME_SEPTEMBER


@pytest.mark.parametrize(("field", "change"), [
    ("values", {"values": {f"key_{n}": 1 for n in range(1001)}}),
    ("not_known", {"not_known": [f"key_{n}" for n in range(1001)]}),
])
def test_more_than_1000_answers_or_not_known_keys_is_one_error_not_a_thousand(port, token, field, change):
    body = {**submission_body(CARE_HOME_SEPTEMBER), **change}
    answer = put_raw(port, token, json.dumps(body), body["submission_id"])
    assert answer.status == 422
    assert [(e["field"], e["code"]) for e in answer.body["errors"]] == [(field, "too_many")]
    assert "1001" in answer.body["errors"][0]["message"]
    assert "at most 1000" in answer.body["errors"][0]["message"]


def _long_inputs(token: str) -> Iterator[tuple[str, str, dict[str, str], bytes | None]]:
    """(method, path, headers, body) of requests that each carry 100,000 characters of junk somewhere."""
    junk = "z" * 100_000
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    body = submission_body(CARE_HOME_SEPTEMBER)
    key = body["submission_id"]
    with_key = {**auth, "Idempotency-Key": key}
    yield "PUT", RETURN_PATH, with_key, json.dumps(dict(body, values={**CARE_HOME_SEPTEMBER, junk: 1})).encode()
    yield "PUT", RETURN_PATH, with_key, json.dumps(dict(body, not_known=[junk])).encode()
    yield "PUT", RETURN_PATH, with_key, json.dumps({**body, junk: "extra"}).encode()
    yield "PUT", RETURN_PATH, with_key, json.dumps(dict(body, form_version=junk)).encode()
    yield "PUT", RETURN_PATH, {**auth, "Idempotency-Key": junk[:8000]}, json.dumps(body).encode()
    yield "PUT", f"{API}/locations/1-101/returns/{junk[:8000]}", with_key, json.dumps(body).encode()
    yield "GET", f"{API}/locations/{junk[:8000]}/returns", auth, None
    yield "GET", f"/{junk[:8000]}", auth, None


def test_error_messages_quote_only_the_start_of_a_long_input(port, token):
    for method, path, headers, body in _long_inputs(token):
        answer = send(port, method, path, body, headers)
        assert 400 <= answer.status < 500, (path[:60], answer.status)
        everything = json.dumps(answer.body)
        assert len(everything) < 2000, (path[:60], everything[:300])
        assert "z" * 41 not in everything


# -- D: guessing tokens ----------------------------------------------------------------------------


def _get_locations(url: str, token: str) -> requests.Response:
    return requests.get(f"{url}{API}/locations", headers={"Authorization": f"Bearer {token}"}, timeout=10)


def test_more_than_20_wrong_tokens_from_one_address_in_60_seconds_get_429_until_the_window_passes(db_path, token):
    clock = Clock(dt.datetime(2026, 9, 10, 8, 0, tzinfo=dt.UTC))
    with running_tracker(db_path, clock=clock) as url:
        assert {_get_locations(url, f"guess-{n}").status_code for n in range(20)} == {401}
        refused = _get_locations(url, "guess-21")
        assert refused.status_code == 429
        assert refused.json()["code"] == "rate_limited"
        assert refused.headers["Retry-After"] == "60"
        assert requests.get(f"{url}{API}/locations", timeout=10).status_code == 429  # no token at all
        # The right token is never refused by this limit.
        assert _get_locations(url, token).status_code == 200
        clock.advance(seconds=30)
        assert _get_locations(url, "guess").headers["Retry-After"] == "30"
        clock.advance(seconds=30)
        assert _get_locations(url, "guess").status_code == 401


def test_the_failure_limit_can_be_turned_off(db_path, token):
    with running_tracker(db_path, auth_failure_limit=0) as url:
        assert {_get_locations(url, "guess").status_code for _ in range(25)} == {401}
