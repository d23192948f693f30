"""The reference tracker's provider API, over real HTTP: statuses, bodies, idempotency, validation, history."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests
from local_store import Clock
from sample_returns import as_asked, care_home_values, home_care_values
from tracker_server import API, add_provider, running_tracker
from tracker_server import submission_body as submission

from ct_desktop.collection_window import current_period, now_london
from ct_desktop.period import Period

CARE_HOME_SEPTEMBER = care_home_values()
HOME_CARE_JULY = home_care_values()
FLU_KEYS = ("flu_vacc_direct", "flu_vacc_agency", "flu_vacc_residents")
RECEIPT_RE = re.compile(r"^CT-1-101-2026-09-r(\d+)-[0-9A-F]{8}$")


def assert_problem(response: requests.Response, body: dict[str, Any]) -> None:
    """An error answer is an RFC 9457 problem that still carries the code and message clients read."""
    assert body["status"] == response.status_code, body
    assert isinstance(body["title"], str) and body["title"], body
    assert body["detail"] == body["message"] and isinstance(body["code"], str), body
    assert body["type"] == f"{API}/problems/{body['code']}", body
    assert body["instance"] == requests.utils.urlparse(response.url).path, body


class Client:
    """requests against one tracker with one token; every answer must be JSON (a problem for an error)."""

    def __init__(self, url: str, token: str | None):
        self.url = url + API
        self.session = requests.Session()
        if token is not None:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        response = self.session.request(method, self.url + path, timeout=10, **kwargs)
        expected = "application/problem+json" if response.status_code >= 400 else "application/json"
        assert response.headers["content-type"] == expected, response.text
        body = response.json()
        if response.status_code >= 400:
            assert_problem(response, body)
        return response

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def put(self, location: str, period: str, body: dict[str, Any], key: str | None = None) -> requests.Response:
        headers = {"Idempotency-Key": key if key is not None else str(body.get("submission_id"))}
        return self.request("PUT", f"/locations/{location}/returns/{period}", json=body, headers=headers)

    def close(self) -> None:
        self.session.close()


@pytest.fixture
def tokens(db_path: Path) -> dict[str, str]:
    return {
        "rose": add_provider(db_path, "Rose Care", {"1-101": "care_home", "1-102": "home_care"}),
        "oak": add_provider(db_path, "Oak Care", {"2-201": "care_home"}),
    }


@pytest.fixture
def url(db_path: Path, tokens: dict[str, str]):
    with running_tracker(db_path) as base:
        yield base


@pytest.fixture
def rose(url: str, tokens: dict[str, str]):
    client = Client(url, tokens["rose"])
    yield client
    client.close()


@pytest.fixture
def oak(url: str, tokens: dict[str, str]):
    client = Client(url, tokens["oak"])
    yield client
    client.close()


def error_fields(response: requests.Response) -> dict[str, str]:
    body = response.json()
    assert response.status_code == 422, response.text
    assert body["code"] == "validation_failed" and body["message"]
    return {error["field"]: error["code"] for error in body["errors"]}


# -- discovery and access -----------------------------------------------------------------------


def test_openapi_document_is_served_and_lists_the_paths(url):
    response = requests.get(f"{url}{API}/openapi.json", timeout=10)
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert set(paths) == {f"{API}/locations", f"{API}/locations/{{location_id}}/returns/{{period}}",
                          f"{API}/locations/{{location_id}}/returns", f"{API}/question-sets",
                          f"{API}/question-sets/{{service_type}}/{{version}}"}
    put = paths[f"{API}/locations/{{location_id}}/returns/{{period}}"]["put"]
    assert {"200", "201", "401", "403", "404", "409", "422", "429", "503"} <= set(put["responses"])
    assert requests.get(f"{url}{API}/docs", timeout=10).status_code == 200


def matches(schema_pattern: str, text: str) -> bool:
    """Whether a JSON Schema pattern (ECMA-262: ``$`` is the very end, not before a last line break) matches."""
    return re.search(schema_pattern.replace("$", r"\Z"), text) is not None


def _parameters(url: str, method: str, path: str) -> dict[str, dict[str, Any]]:
    document = requests.get(f"{url}{API}/openapi.json", timeout=10).json()
    return {parameter["name"]: parameter for parameter in document["paths"][f"{API}{path}"][method]["parameters"]}


def test_the_openapi_document_gives_the_path_patterns_and_the_idempotency_key_format(url):
    put = _parameters(url, "put", "/locations/{location_id}/returns/{period}")
    assert put["period"]["schema"]["pattern"] == "^2[0-9]{3}-(0[1-9]|1[0-2])$"
    assert put["location_id"]["schema"]["pattern"] == "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
    assert put["Idempotency-Key"] == {**put["Idempotency-Key"], "in": "header", "required": True}
    assert put["Idempotency-Key"]["schema"]["format"] == "uuid"
    history = _parameters(url, "get", "/locations/{location_id}/returns")
    assert history["location_id"]["schema"]["pattern"] == put["location_id"]["schema"]["pattern"]


@pytest.mark.parametrize("location_id", ["1-101", "9-999", "A.b_c-1", "x" * 64, "x" * 65, "-101", ".hidden",
                                         "1 101", "1-101\u00e9", "1-101%0A"])
def test_a_location_id_is_refused_exactly_when_it_does_not_match_the_documented_pattern(url, rose, location_id):
    pattern = _parameters(url, "get", "/locations/{location_id}/returns")["location_id"]["schema"]["pattern"]
    response = rose.get(f"/locations/{location_id}/returns")
    if matches(pattern, requests.utils.unquote(location_id)):
        assert response.status_code in (200, 404), response.text
    else:
        assert error_fields(response) == {"location_id": "bad_location_id"}
        assert "is not a location id" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("period", ["2026-09", "2024-01", "2026-13", "2026-00", "2026-9", "1999-12", "3000-01",
                                    "%202026-09", "2026-09%0A", "\u0662\u0660\u0662\u0666-09"])
def test_a_period_is_refused_as_malformed_exactly_when_it_does_not_match_the_documented_pattern(url, rose, period):
    pattern = _parameters(url, "get", "/locations/{location_id}/returns/{period}")["period"]["schema"]["pattern"]
    response = rose.get(f"/locations/1-101/returns/{period}")
    if matches(pattern, requests.utils.unquote(period)):
        assert response.status_code == 404 and response.json()["code"] == "return_not_found", response.text
    else:
        assert error_fields(response) == {"period": "bad_period"}


def test_an_idempotency_key_that_is_not_a_uuid_is_refused_on_the_header(rose):
    body = submission(CARE_HOME_SEPTEMBER)
    assert error_fields(rose.put("1-101", "2026-09", body, key="not-a-uuid")) == {"Idempotency-Key": "uuid_parsing"}
    assert rose.get("/locations/1-101/returns/2026-09").status_code == 404


def test_a_token_lists_only_its_own_locations(rose, oak):
    assert rose.get("/locations").json() == [
        {"id": "1-101", "name": "Location 1-101", "service_type": "care_home", "local_authority": None,
         "region": None},
        {"id": "1-102", "name": "Location 1-102", "service_type": "home_care", "local_authority": None,
         "region": None},
    ]
    assert [loc["id"] for loc in oak.get("/locations").json()] == ["2-201"]


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token", "Basic dXNlcjpwYXNz", "Bearer "])
def test_missing_or_unknown_token_is_401(url, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    for path in ("/locations", "/locations/1-101/returns/2026-09", "/locations/1-101/returns"):
        response = requests.get(f"{url}{API}{path}", headers=headers, timeout=10)
        assert response.status_code == 401
        assert response.json()["code"] == "unauthorized"
        assert response.headers["WWW-Authenticate"] == "Bearer"


def test_a_token_cannot_read_or_write_another_providers_location(rose, oak):
    assert oak.put("2-201", "2026-09", submission(CARE_HOME_SEPTEMBER)).status_code == 201
    for response in (rose.get("/locations/2-201/returns/2026-09"), rose.get("/locations/2-201/returns"),
                     rose.put("2-201", "2026-09", submission(CARE_HOME_SEPTEMBER, base=1))):
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
    assert oak.get("/locations/2-201/returns/2026-09").json()["revision"] == 1


def test_unknown_location_and_never_accepted_return_are_404(rose):
    for response in (rose.get("/locations/9-999/returns/2026-09"), rose.get("/locations/9-999/returns"),
                     rose.put("9-999", "2026-09", submission(CARE_HOME_SEPTEMBER))):
        assert response.status_code == 404
        assert response.json()["code"] == "location_not_found"
    response = rose.get("/locations/1-101/returns/2026-09")
    assert response.status_code == 404
    assert response.json()["code"] == "return_not_found"


def test_unknown_paths_and_methods_answer_json(url):
    response = requests.get(f"{url}/nothing/here", timeout=10)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    response = requests.delete(f"{url}{API}/locations", timeout=10)
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


# -- accepting returns ---------------------------------------------------------------------------


def test_first_revision_is_201_with_a_receipt_and_reads_back_exactly(rose):
    body = submission(CARE_HOME_SEPTEMBER)
    response = rose.put("1-101", "2026-09", body)
    assert response.status_code == 201
    receipt = response.json()
    assert set(receipt) == {"revision", "accepted_at", "receipt"}
    assert receipt["revision"] == 1
    assert RECEIPT_RE.match(receipt["receipt"])
    assert dt.datetime.fromisoformat(receipt["accepted_at"]).utcoffset() is not None

    stored = rose.get("/locations/1-101/returns/2026-09").json()
    assert stored == {
        "location_id": "1-101", "period": "2026-09", "revision": 1, "values": CARE_HOME_SEPTEMBER,
        "not_known": [], "no_changes": False, "reviewed_by": "Amy Brown",
        "reviewed_at": "2026-09-10T09:30:00+01:00", "form_version": "2024.06",
        "accepted_at": receipt["accepted_at"], "receipt": receipt["receipt"], "submission_id": body["submission_id"],
    }


def test_an_identical_resend_is_200_with_the_same_body(rose):
    body = submission(CARE_HOME_SEPTEMBER)
    first = rose.put("1-101", "2026-09", body)
    again = rose.put("1-101", "2026-09", body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    # The same submission written another way (UUID in capitals, zero fractions of a second) is the same.
    respelt = dict(body, reviewed_at="2026-09-10T09:30:00.000+01:00", submission_id=body["submission_id"].upper())
    respelt_answer = rose.put("1-101", "2026-09", respelt)
    assert respelt_answer.status_code == 200
    assert respelt_answer.json() == first.json()
    assert [r["revision"] for r in rose.get("/locations/1-101/returns").json()] == [1]


def test_the_same_submission_id_with_other_content_is_409_submission_id_reused(rose):
    body = submission(CARE_HOME_SEPTEMBER)
    assert rose.put("1-101", "2026-09", body).status_code == 201
    changed = dict(body, values={**CARE_HOME_SEPTEMBER, "staff_agency_care": 5})
    for location, period, sent in (("1-101", "2026-09", changed), ("1-101", "2026-10", body)):
        response = rose.put(location, period, sent)
        assert response.status_code == 409, response.text
        assert response.json()["code"] == "submission_id_reused"
        assert body["submission_id"] in response.json()["message"]
    assert rose.get("/locations/1-101/returns/2026-09").json()["values"] == CARE_HOME_SEPTEMBER


def test_a_reused_id_does_not_name_another_providers_return(rose, oak):
    body = submission(CARE_HOME_SEPTEMBER)
    assert oak.put("2-201", "2026-09", body).status_code == 201
    response = rose.put("1-101", "2026-09", body)
    assert response.status_code == 409
    assert response.json()["code"] == "submission_id_reused"
    assert "2-201" not in response.json()["message"]


def test_revisions_increase_from_the_latest(rose):
    receipts = []
    base = None
    for agency in (4, 5, 6):
        response = rose.put("1-101", "2026-09", submission({**CARE_HOME_SEPTEMBER, "staff_agency_care": agency},
                                                           base=base))
        assert response.status_code == 201, response.text
        base = response.json()["revision"]
        receipts.append(response.json())
    assert [r["revision"] for r in receipts] == [1, 2, 3]
    assert len({r["receipt"] for r in receipts}) == 3
    latest = rose.get("/locations/1-101/returns/2026-09").json()
    assert (latest["revision"], latest["values"]["staff_agency_care"]) == (3, 6)


def test_a_stale_base_revision_is_409_with_the_current_copy(rose):
    assert rose.put("1-101", "2026-09", submission(CARE_HOME_SEPTEMBER)).status_code == 201
    assert rose.put("1-101", "2026-09", submission(CARE_HOME_SEPTEMBER, base=1)).status_code == 201
    current = rose.get("/locations/1-101/returns/2026-09").json()
    for base in (None, 1, 7):
        response = rose.put("1-101", "2026-09", submission(CARE_HOME_SEPTEMBER, base=base))
        assert response.status_code == 409
        assert response.json()["code"] == "revision_conflict"
        assert response.json()["current"] == current
        assert "revision 2" in response.json()["message"]


def test_a_base_revision_for_a_return_with_none_yet_is_409_with_current_null(rose):
    response = rose.put("1-101", "2026-09", submission(CARE_HOME_SEPTEMBER, base=1))
    assert response.status_code == 409
    assert response.json()["code"] == "revision_conflict"
    assert response.json()["current"] is None


def test_home_care_flat_example_is_accepted_out_of_flu_season(rose):
    response = rose.put("1-102", "2026-07", submission(HOME_CARE_JULY, reviewed_at="2026-07-09T17:05:00+01:00"))
    assert response.status_code == 201, response.text
    assert rose.get("/locations/1-102/returns/2026-07").json()["values"] == HOME_CARE_JULY


def test_warnings_do_not_block(rose):
    # Beds adding up to less than capacity is a warning (beds unaccounted), not an error.
    values = {**CARE_HOME_SEPTEMBER, "beds_max_capacity": 45}
    assert rose.put("1-101", "2026-09", submission(values)).status_code == 201


def test_not_known_answers_a_mandatory_question(rose):
    values = {key: value for key, value in CARE_HOME_SEPTEMBER.items() if key != "flu_vacc_agency"}
    response = rose.put("1-101", "2026-09", submission(values, not_known=["flu_vacc_agency"]))
    assert response.status_code == 201, response.text
    assert rose.get("/locations/1-101/returns/2026-09").json()["not_known"] == ["flu_vacc_agency"]


# -- 422: per field ------------------------------------------------------------------------------


def test_field_errors_name_the_field_keys(rose):
    values = {**CARE_HOME_SEPTEMBER, "beds_occupied": 80, "staff_direct_care": "many", "bedz": 3}
    del values["visits_into_location"]
    fields = error_fields(rose.put("1-101", "2026-09", submission(values, not_known=["flu_vac_direct"])))
    assert fields["beds_occupied"] == "beds_over_capacity"
    assert fields["staff_direct_care"] == "wrong_type"
    assert fields["visits_into_location"] == "required"
    assert fields["bedz"] == "unknown_field"
    assert fields["not_known"] == "unknown_field"
    assert rose.get("/locations/1-101/returns/2026-09").status_code == 404


def test_the_form_in_force_for_the_month_is_used(rose):
    # Flu questions are mandatory in September and must be empty in July.
    september = {k: v for k, v in CARE_HOME_SEPTEMBER.items() if k not in FLU_KEYS}
    fields = error_fields(rose.put("1-101", "2026-09", submission(september)))
    assert {fields[key] for key in FLU_KEYS} == {"required"}
    july = {**HOME_CARE_JULY, "flu_vacc_staff": 4}
    assert error_fields(rose.put("1-102", "2026-07", submission(july))) == {"flu_vacc_staff": "must_be_empty"}


def test_a_value_and_a_not_known_mark_on_one_question_is_refused(rose):
    fields = error_fields(rose.put("1-101", "2026-09", submission(CARE_HOME_SEPTEMBER, not_known=["hours_agency"])))
    assert fields == {"hours_agency": "value_and_not_known"}


def test_an_unknown_form_version_is_refused_on_form_version(rose):
    response = rose.put("1-101", "2026-09", submission(CARE_HOME_SEPTEMBER, form_version="1999.9"))
    assert error_fields(response) == {"form_version": "unknown_form_version"}
    assert "2024.06" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("reviewed_at", ["2026-09-10T09:30:00", "10/09/2026 09:30", 1788000000, "2026-09-10"])
def test_reviewed_at_must_be_iso_8601_with_an_offset(rose, reviewed_at):
    fields = error_fields(rose.put("1-101", "2026-09", submission(CARE_HOME_SEPTEMBER, reviewed_at=reviewed_at)))
    assert list(fields) == ["reviewed_at"]


def test_idempotency_key_must_match_the_submission_id(rose):
    body = submission(CARE_HOME_SEPTEMBER)
    assert error_fields(rose.put("1-101", "2026-09", body, key=str(uuid.uuid4()))) == {
        "Idempotency-Key": "idempotency_key_mismatch"}
    missing = rose.request("PUT", "/locations/1-101/returns/2026-09", json=body)
    assert error_fields(missing) == {"Idempotency-Key": "missing"}


@pytest.mark.parametrize("period", ["2026-13", "2026-9", "September", "2026-09-01"])
def test_a_malformed_period_is_422_on_period(rose, period):
    assert error_fields(rose.put("1-101", period, submission(CARE_HOME_SEPTEMBER))) == {"period": "bad_period"}
    assert error_fields(rose.get(f"/locations/1-101/returns/{period}")) == {"period": "bad_period"}


def test_a_month_before_any_question_set_is_422_on_period(rose):
    assert error_fields(rose.put("1-101", "2023-01", submission(CARE_HOME_SEPTEMBER))) == {
        "period": "no_form_for_period"}


def next_month() -> str:
    return str(current_period(now_london()).next())


@pytest.mark.parametrize("period", ["2099-01", "2999-12", "2022-06", "2021-12", "next month"])
def test_a_month_after_this_one_or_before_the_mandate_is_refused_on_put_and_get(rose, period):
    period = next_month() if period == "next month" else period
    response = rose.put("1-101", period, submission(CARE_HOME_SEPTEMBER))
    assert error_fields(response) == {"period": "period_out_of_range"}
    assert "2022-07" in response.json()["message"]
    assert error_fields(rose.get(f"/locations/1-101/returns/{period}")) == {"period": "period_out_of_range"}
    assert rose.get("/locations/1-101/returns").json() == []


def test_the_current_month_is_the_last_that_can_be_sent(db_path, tokens):
    # 23:30 UTC on 30 September 2026 is already October in London.
    clock = Clock(dt.datetime(2026, 9, 30, 23, 30, tzinfo=dt.UTC))
    body = submission(CARE_HOME_SEPTEMBER)
    with running_tracker(db_path, clock=clock) as base:
        client = Client(base, tokens["rose"])
        assert client.put("1-101", "2026-10", body).status_code == 201
        assert error_fields(client.put("1-101", "2026-11", body)) == {"period": "period_out_of_range"}
        client.close()


def test_malformed_bodies_get_the_same_error_shape(rose):
    body = submission(CARE_HOME_SEPTEMBER)
    key = body["submission_id"]
    bad = {**body, "submission_id": "not-a-uuid", "base_revision": True, "no_changes": "no", "colour": "red"}
    del bad["form_version"]
    fields = error_fields(rose.put("1-101", "2026-09", bad, key=key))
    assert set(fields) == {"submission_id", "base_revision", "no_changes", "colour", "form_version"}
    assert fields["colour"] == "extra_forbidden"
    assert fields["form_version"] == "missing"
    not_json = rose.request("PUT", "/locations/1-101/returns/2026-09", data=b"{values: 1",
                            headers={"Idempotency-Key": key, "Content-Type": "application/json"})
    assert error_fields(not_json) == {"body": "json_invalid"}
    blank_reviewer = submission(CARE_HOME_SEPTEMBER, reviewed_by="  ")
    assert list(error_fields(rose.put("1-101", "2026-09", blank_reviewer))) == ["reviewed_by"]


# -- history -------------------------------------------------------------------------------------


def test_history_gives_the_latest_revision_of_recent_months_newest_first(rose):
    months = ["2026-04", "2026-05", "2026-06", "2026-07"]
    for month in months:
        assert rose.put("1-102", month, submission(as_asked("home_care", Period.parse(month), HOME_CARE_JULY))
                        ).status_code == 201
    revised = submission(as_asked("home_care", Period(2026, 6), {**HOME_CARE_JULY, "staff_agency_care": 4}), base=1)
    assert rose.put("1-102", "2026-06", revised).status_code == 201

    everything = rose.get("/locations/1-102/returns").json()
    assert [(r["period"], r["revision"]) for r in everything] == [
        ("2026-07", 1), ("2026-06", 2), ("2026-05", 1), ("2026-04", 1)]
    assert everything[1]["values"]["staff_agency_care"] == 4
    assert everything[0] == rose.get("/locations/1-102/returns/2026-07").json()
    two = rose.get("/locations/1-102/returns", params={"last": 2}).json()
    assert [r["period"] for r in two] == ["2026-07", "2026-06"]
    assert rose.get("/locations/1-101/returns").json() == []


@pytest.mark.parametrize("last", [0, 121, "many"])
def test_history_length_must_be_1_to_120(rose, last):
    assert list(error_fields(rose.get("/locations/1-102/returns", params={"last": last}))) == ["last"]


def test_history_default_is_twelve_months(rose):
    month = Period(2025, 4)
    for _ in range(13):  # April 2025 (the first home care form) to April 2026
        flu_season = month.month >= 9 or month.month <= 3
        values = {**HOME_CARE_JULY, "flu_vacc_staff": 10} if flu_season else HOME_CARE_JULY
        assert rose.put("1-102", str(month), submission(as_asked("home_care", month, values))).status_code == 201, month
        month = month.next()
    history = rose.get("/locations/1-102/returns").json()
    assert len(history) == 12
    assert (history[0]["period"], history[-1]["period"]) == ("2026-04", "2025-05")
