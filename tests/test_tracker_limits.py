"""Hostile requests to the reference tracker, sent byte for byte over real sockets: text that is not text,
and the limits that keep one caller from costing the tracker its memory, time or database."""

from __future__ import annotations

import http.client
import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from sample_returns import care_home_values
from tracker_server import API, add_provider, running_tracker, submission_body

CARE_HOME_SEPTEMBER = care_home_values()
RETURN_PATH = f"{API}/locations/1-101/returns/2026-09"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "tracker.db"


@pytest.fixture
def token(db_path: Path) -> str:
    return add_provider(db_path, "Rose Care", {"1-101": "care_home"})


@pytest.fixture
def port(db_path: Path, token: str) -> Iterator[int]:
    with running_tracker(db_path) as url:
        yield int(url.rsplit(":", 1)[1])


class Answer:
    """A status, headers and a body that must be strict UTF-8 JSON."""

    def __init__(self, response: http.client.HTTPResponse):
        self.status = response.status
        self.headers = response.headers
        raw = response.read()
        assert response.headers["content-type"].startswith("application/json"), raw[:200]
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
