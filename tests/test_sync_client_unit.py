"""The tracker client's rules that need no server: which URLs are allowed, what counts as success."""

from __future__ import annotations

import json
import re

import pytest
import requests

from ct_desktop.sync.client import (
    USER_AGENT,
    Conflict,
    Rejected,
    TrackerClient,
    TrackerUrlError,
    TransientError,
    Unauthorized,
    UnexpectedAnswer,
    api_base,
    classify,
)


@pytest.mark.parametrize(
    ("url", "base"),
    [
        ("https://tracker", "https://tracker/api/v1"),
        ("https://tracker/", "https://tracker/api/v1"),
        ("https://tracker/api/v1/", "https://tracker/api/v1"),
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765/api/v1"),
        ("http://127.5.0.1:8765", "http://127.5.0.1:8765/api/v1"),
        ("http://localhost:8765", "http://localhost:8765/api/v1"),
        ("http://[::1]:8765", "http://[::1]:8765/api/v1"),
    ],
)
def test_https_anywhere_and_plain_http_only_to_this_machine(url, base):
    assert api_base(url) == base


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://tracker", "uses plain http: the tracker must be reached over https"),
        ("http://care-office-pc:8765", "uses plain http"),
        ("ftp://tracker", "is not a web address"),
        ("tracker", "is not a web address"),
        ("https://tracker/?token=x", re.escape("should not contain '?' or '#'")),
    ],
)
def test_other_urls_are_refused_with_the_reason(url, message):
    with pytest.raises(TrackerUrlError, match=message):
        api_base(url)


def answer(status: int, body=None, content_type="application/json", headers=None) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    if body is not None:
        response._content = (json.dumps(body) if content_type.endswith("json") else body).encode()
    else:
        response._content = b""
    response.headers["Content-Type"] = content_type
    response.headers.update(headers or {})
    return response


def test_a_wifi_login_page_is_not_a_success():
    with pytest.raises(TransientError, match="no JSON body"):
        classify(answer(200, "<html>Sign in to Cafe Wi-Fi</html>", "text/html"), expect=(200, 201))


def test_expected_json_is_a_success():
    assert classify(answer(201, {"revision": 1}), expect=(200, 201)) == (201, {"revision": 1})


@pytest.mark.parametrize(("status", "retry_after"), [(429, "7"), (503, "30"), (500, None), (502, "soon")])
def test_busy_and_server_errors_are_transient_and_honour_retry_after(status, retry_after):
    headers = {"Retry-After": retry_after} if retry_after else {}
    with pytest.raises(TransientError) as caught:
        classify(answer(status, {"code": "busy", "message": "slow down"}, headers=headers), expect=(200,))
    expected = float(retry_after) if retry_after and retry_after.isdigit() else None
    assert caught.value.retry_after == expected


def test_client_errors_are_not_transient():
    with pytest.raises(Unauthorized):
        classify(answer(401, {"code": "unauthorized"}), expect=(200,))
    with pytest.raises(Conflict) as conflict:
        classify(answer(409, {"code": "revision_conflict", "message": "changed", "current": {"revision": 3}}),
                 expect=(201,))
    assert (conflict.value.code, conflict.value.current) == ("revision_conflict", {"revision": 3})
    with pytest.raises(Rejected) as rejected:
        classify(answer(422, {"code": "validation_failed", "message": "no",
                              "errors": [{"field": "beds_occupied", "code": "required", "message": "m"}]}),
                 expect=(201,))
    assert rejected.value.errors[0]["field"] == "beds_occupied"
    assert not rejected.value.transient
    with pytest.raises(UnexpectedAnswer, match="418"):
        classify(answer(418, {"message": "teapot"}), expect=(200,))


def test_a_redirect_is_not_followed_to_a_login_page():
    with pytest.raises(TransientError, match="unexpected answer 302"):
        classify(answer(302, None, "text/html", {"Location": "http://login"}), expect=(200,))


def test_the_session_verifies_tls_and_says_who_it_is():
    client = TrackerClient("https://tracker", "secret")
    assert client.session.verify is True
    assert client.session.headers["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("ct-desktop/0.1.0 ")
    client.close()
