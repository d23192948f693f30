"""Every error answer of the reference tracker, over real HTTP, is an RFC 9457 problem
(``application/problem+json``) that still carries the ``code`` and ``message`` the desktop client reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from local_store import Clock
from sample_returns import care_home_values
from tracker_server import API, add_provider, running_tracker, serving, submission_body

from ct_desktop.forms.catalogue import default_catalogue
from ct_desktop.sync.client import Conflict, NotFound, Rejected, TransientError, Unauthorized, classify
from ct_tracker.app import create_app

CARE_HOME_SEPTEMBER = care_home_values()
RETURN_PATH = f"{API}/locations/1-101/returns/2026-09"


@pytest.fixture
def tokens(db_path: Path) -> dict[str, str]:
    return {"rose": add_provider(db_path, "Rose Care", {"1-101": "care_home"}),
            "oak": add_provider(db_path, "Oak Care", {"2-201": "care_home"})}


def auth(token: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **headers}


def put(url: str, token: str, body: dict[str, Any], path: str = RETURN_PATH) -> requests.Response:
    return requests.put(url + path, json=body, headers=auth(token, **{"Idempotency-Key": body["submission_id"]}),
                        timeout=10)


def assert_problem(response: requests.Response, status: int, code: str) -> dict[str, Any]:
    """The answer is a problem of that status and code, whose type is a page the tracker serves."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/problem+json", response.headers
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == f"{API}/problems/{code}"
    assert body["title"] and isinstance(body["title"], str)
    assert body["detail"] and body["message"] == body["detail"]
    assert body["instance"] == urlsplit(response.url).path
    page = requests.get(urlsplit(response.url)._replace(path=body["type"]).geturl(), timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert body["title"] in page.text and code in page.text
    return body


def test_token_location_and_path_errors_are_problems(db_path, tokens):
    rose, oak = tokens["rose"], tokens["oak"]
    with running_tracker(db_path) as url:
        assert put(url, oak, submission_body(CARE_HOME_SEPTEMBER), f"{API}/locations/2-201/returns/2026-09").ok
        unauthorized = requests.get(f"{url}{API}/locations", timeout=10)
        assert_problem(unauthorized, 401, "unauthorized")
        assert unauthorized.headers["WWW-Authenticate"] == "Bearer"
        assert_problem(requests.get(f"{url}{API}/locations/2-201/returns", headers=auth(rose), timeout=10),
                       403, "forbidden")
        assert_problem(requests.get(f"{url}{API}/locations/9-999/returns", headers=auth(rose), timeout=10),
                       404, "location_not_found")
        assert_problem(requests.get(url + RETURN_PATH, headers=auth(rose), timeout=10), 404, "return_not_found")
        assert_problem(requests.get(f"{url}/nothing/here", timeout=10), 404, "not_found")
        assert_problem(requests.delete(f"{url}{API}/locations", headers=auth(rose), timeout=10),
                       405, "method_not_allowed")


def test_conflicts_keep_their_current_copy_as_problems(db_path, tokens):
    with running_tracker(db_path) as url:
        first = submission_body(CARE_HOME_SEPTEMBER)
        assert put(url, tokens["rose"], first).status_code == 201
        stale = assert_problem(put(url, tokens["rose"], submission_body(CARE_HOME_SEPTEMBER)), 409,
                               "revision_conflict")
        assert stale["current"]["revision"] == 1
        reused = dict(first, values={**CARE_HOME_SEPTEMBER, "hours_agency": 1})
        assert_problem(put(url, tokens["rose"], reused), 409, "submission_id_reused")


def test_refused_requests_are_problems_with_their_per_field_errors(db_path, tokens):
    with running_tracker(db_path) as url:
        malformed = requests.put(url + RETURN_PATH, data=b"{not json", timeout=10,
                                 headers=auth(tokens["rose"], **{"Idempotency-Key": "x",
                                                                 "Content-Type": "application/json"}))
        body = assert_problem(malformed, 422, "validation_failed")
        assert [e["field"] for e in body["errors"]] == ["body"]
        body = assert_problem(put(url, tokens["rose"], submission_body(CARE_HOME_SEPTEMBER),
                                  f"{API}/locations/1-101/returns/2026-13"), 422, "validation_failed")
        assert [(e["field"], e["code"]) for e in body["errors"]] == [("period", "bad_period")]
        big = requests.put(url + RETURN_PATH, data=b" " * 300_000, timeout=10,
                           headers=auth(tokens["rose"], **{"Idempotency-Key": "x",
                                                           "Content-Type": "application/json"}))
        assert_problem(big, 413, "too_large")


def test_rate_limit_and_maintenance_are_problems_with_retry_after(db_path, tokens):
    with running_tracker(db_path, rate_limit=(1, 60)) as url:
        assert requests.get(f"{url}{API}/locations", headers=auth(tokens["rose"]), timeout=10).ok
        limited = requests.get(f"{url}{API}/locations", headers=auth(tokens["rose"]), timeout=10)
        assert_problem(limited, 429, "rate_limited")
        assert int(limited.headers["Retry-After"]) > 0
    with running_tracker(db_path, maintenance=30) as url:
        down = requests.get(f"{url}{API}/locations", headers=auth(tokens["rose"]), timeout=10)
        assert_problem(down, 503, "unavailable")
        assert down.headers["Retry-After"] == "30"


class FailingCatalogue:
    """The bundled question sets, except that looking up the form in force fails as a bug would."""

    def __init__(self) -> None:
        self._catalogue = default_catalogue()

    def form_for(self, *args: Any) -> Any:
        raise RuntimeError("a bug in the tracker")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._catalogue, name)


def test_an_unexpected_failure_is_a_problem_not_a_traceback(db_path, tokens):
    with serving(create_app(db_path, catalogue=FailingCatalogue())) as url:  # type: ignore[arg-type]
        failed = put(url, tokens["rose"], submission_body(CARE_HOME_SEPTEMBER))
        body = assert_problem(failed, 500, "internal_error")
        assert "bug" not in failed.text and "Traceback" not in failed.text
        assert set(body) == {"type", "title", "status", "detail", "instance", "code", "message"}


def _client_error(response: requests.Response) -> Exception:
    with pytest.raises(Exception) as raised:
        classify(response, expect=(200, 201))
    return raised.value


def test_the_desktop_client_reads_the_problems_as_the_trackers_own_answers(db_path, tokens):
    clock = Clock(dt.datetime(2026, 9, 10, 8, 0, tzinfo=dt.UTC))
    with running_tracker(db_path, clock=clock, maintenance=5) as url:
        down = _client_error(requests.get(f"{url}{API}/locations", timeout=10))
    assert type(down) is TransientError and down.retry_after == 5.0  # the tracker's answer, not a gateway's
    with running_tracker(db_path, clock=clock) as url:
        expected: list[tuple[Callable[[], requests.Response], type[Exception]]] = [
            (lambda: requests.get(f"{url}{API}/locations", timeout=10), Unauthorized),
            (lambda: requests.get(url + RETURN_PATH, headers=auth(tokens["rose"]), timeout=10), NotFound),
            (lambda: put(url, tokens["rose"], submission_body(CARE_HOME_SEPTEMBER, base=7)), Conflict),
            (lambda: put(url, tokens["rose"], submission_body({})), Rejected),
        ]
        errors = [_client_error(send()) for send, _ in expected]
    assert [type(error) for error in errors] == [kind for _, kind in expected]
    conflict, rejected = errors[2], errors[3]
    assert isinstance(conflict, Conflict) and conflict.code == "revision_conflict"
    assert isinstance(rejected, Rejected) and rejected.errors and "not accepted" in str(rejected)
