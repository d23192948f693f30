"""Running the tracker: rate limit (429), maintenance (503), the injected clock, form definitions that change."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import requests
from local_store import Clock
from sample_returns import care_home_values
from tracker_server import API, add_provider, running_tracker, serving, submission_body

from ct_desktop.forms.catalogue import DEFINITIONS_DIR, load_catalogue
from ct_tracker.access import RateLimiter, parse_rate_limit
from ct_tracker.app import create_app

CARE_HOME_SEPTEMBER = care_home_values()
RETURN_PATH = f"{API}/locations/1-101/returns/2026-09"


@pytest.fixture
def tokens(db_path: Path) -> dict[str, str]:
    return {"rose": add_provider(db_path, "Rose Care", {"1-101": "care_home"}),
            "oak": add_provider(db_path, "Oak Care", {"2-201": "care_home"})}


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def put(url: str, token: str, body: dict) -> requests.Response:
    headers = {**auth(token), "Idempotency-Key": body["submission_id"]}
    return requests.put(url + RETURN_PATH, json=body, headers=headers, timeout=10)


def test_a_token_over_the_rate_limit_gets_429_with_retry_after(db_path, tokens):
    clock = Clock(dt.datetime(2026, 9, 10, 8, 0, tzinfo=dt.UTC))
    with running_tracker(db_path, rate_limit=(3, 60), clock=clock) as url:
        locations = f"{url}{API}/locations"
        assert [requests.get(locations, headers=auth(tokens["rose"]), timeout=10).status_code
                for _ in range(3)] == [200, 200, 200]
        refused = requests.get(locations, headers=auth(tokens["rose"]), timeout=10)
        assert refused.status_code == 429
        assert refused.json()["code"] == "rate_limited"
        assert refused.headers["Retry-After"] == "60"
        # Each token has its own allowance.
        assert requests.get(locations, headers=auth(tokens["oak"]), timeout=10).status_code == 200
        clock.advance(seconds=45)
        assert requests.get(locations, headers=auth(tokens["rose"]), timeout=10).headers["Retry-After"] == "15"
        clock.advance(seconds=15)
        assert requests.get(locations, headers=auth(tokens["rose"]), timeout=10).status_code == 200
        # Bad tokens are turned away before they are counted against anyone.
        assert requests.get(locations, headers=auth("guess"), timeout=10).status_code == 401


def test_accepted_at_comes_from_the_clock_in_utc(db_path, tokens):
    clock = Clock(dt.datetime(2026, 9, 10, 8, 0, tzinfo=dt.UTC))
    with running_tracker(db_path, clock=clock) as url:
        receipt = put(url, tokens["rose"], submission_body(CARE_HOME_SEPTEMBER)).json()
    assert receipt["accepted_at"] == "2026-09-10T08:00:00+00:00"


def test_maintenance_answers_503_with_retry_after_until_lifted(db_path, tokens):
    app = create_app(db_path, maintenance=120)
    with serving(app) as url:
        for response in (requests.get(f"{url}{API}/locations", headers=auth(tokens["rose"]), timeout=10),
                         put(url, tokens["rose"], submission_body(CARE_HOME_SEPTEMBER))):
            assert response.status_code == 503
            assert response.json()["code"] == "unavailable"
            assert response.headers["Retry-After"] == "120"
        assert requests.get(f"{url}{API}/openapi.json", timeout=10).status_code == 200
        app.state.tracker.maintenance = None
        assert put(url, tokens["rose"], submission_body(CARE_HOME_SEPTEMBER)).status_code == 201


def test_a_resend_is_answered_as_a_resend_after_the_forms_change(tmp_path, db_path, tokens):
    body = submission_body(CARE_HOME_SEPTEMBER)
    with running_tracker(db_path) as url:
        first = put(url, tokens["rose"], body)
    assert first.status_code == 201
    # The tracker is upgraded: the care home question set is now version 2026.1 only.
    definitions = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS_DIR, definitions)
    care_home = definitions / "care_home-2024-06.toml"
    text = care_home.read_text().replace('version = "2024.06"', 'version = "2026.1"', 1)
    care_home.write_text(text.replace('replaces = ["2025.1"]\n', "", 1))  # nor under its earlier number
    with running_tracker(db_path, catalogue=load_catalogue(definitions)) as url:
        again = put(url, tokens["rose"], body)
        reused = put(url, tokens["rose"], dict(body, values={**CARE_HOME_SEPTEMBER, "hours_agency": 1}))
        fresh = put(url, tokens["rose"], submission_body(CARE_HOME_SEPTEMBER, base=1))
    assert (again.status_code, again.json()) == (200, first.json())
    assert (reused.status_code, reused.json()["code"]) == (409, "submission_id_reused")
    assert fresh.status_code == 422
    assert [e["field"] for e in fresh.json()["errors"]] == ["form_version"]


def test_rate_limiter_slides_its_window():
    now = [0.0]
    limiter = RateLimiter(2, 10, now=lambda: now[0])
    assert [limiter.check("a").allowed for _ in range(3)] == [True, True, False]
    now[0] = 4
    assert limiter.check("a").retry_after == 6
    now[0] = 10  # both requests made at 0 have left the window; the refused ones never entered it
    assert [limiter.check("a").allowed for _ in range(3)] == [True, True, False]
    assert limiter.check("b").allowed


@pytest.mark.parametrize(("text", "expected"), [("60/60", (60, 60.0)), ("5/1.5", (5, 1.5))])
def test_rate_limit_text_is_n_per_s(text, expected):
    assert parse_rate_limit(text) == expected


@pytest.mark.parametrize("text", ["60", "0/60", "5/0", "a/b", "5/-1", "5/inf", "/"])
def test_bad_rate_limit_text_is_refused(text):
    with pytest.raises(ValueError, match="N/S"):
        parse_rate_limit(text)
