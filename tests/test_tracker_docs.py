"""The reference tracker's description of its API, over real HTTP: the Swagger UI page works with no network
(everything it loads comes from the tracker), and the OpenAPI document lists what is implemented, with
errors as application/problem+json."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import requests
from tracker_server import API, add_provider, running_tracker

DOCS = f"{API}/docs"
CONTENT_TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png", ".json": "application/json"}


@pytest.fixture
def token(db_path: Path) -> str:
    return add_provider(db_path, "Rose Care", {"1-101": "care_home"})


@pytest.fixture
def url(db_path: Path, token: str):
    with running_tracker(db_path) as base:
        yield base


class References(HTMLParser):
    """Every address an HTML page makes the browser load or link to (src, href)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [value for name, value in attrs if name in ("src", "href") and value]


def test_the_docs_page_loads_everything_from_the_tracker_itself(url):
    page = requests.get(url + DOCS, timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    parser = References()
    parser.feed(page.text)
    # The document Swagger UI reads is named in the page's script.
    openapi = re.findall(r"url: '([^']+)'", page.text)
    assert openapi == [f"{API}/openapi.json"]
    addresses = parser.found + openapi
    assert {Path(address).suffix for address in addresses} == {".js", ".css", ".png", ".json"}
    for address in addresses:
        assert address.startswith("/") and not address.startswith("//"), address  # same origin
        asset = requests.get(url + address, timeout=10)
        assert asset.status_code == 200, address
        assert asset.headers["Content-Type"].startswith(CONTENT_TYPES[Path(address).suffix]), address
        assert len(asset.content) > 1000, address
    assert "://" not in page.text  # no other host, not even in a link
    bundle = requests.get(url + DOCS + "/swagger-ui-bundle.js", timeout=10).text
    assert requests.get(url + openapi[0], timeout=10).json()["openapi"].startswith("3.1")
    assert "isOAS31" in bundle  # a Swagger UI that reads OpenAPI 3.1 (version 5), not one that refuses it


def test_the_docs_page_and_its_files_need_no_token_and_are_not_api_operations(url):
    document = requests.get(f"{url}{API}/openapi.json", timeout=10).json()
    assert not [path for path in document["paths"] if path.startswith((DOCS, f"{API}/problems"))]
    assert requests.get(f"{url}{API}/problems", timeout=10).status_code == 200


def _example(parameter: dict[str, Any]) -> str:
    return parameter["schema"]["examples"][0]


def test_every_operation_the_document_lists_is_answered_by_the_tracker(url, token):
    document = requests.get(f"{url}{API}/openapi.json", timeout=10).json()
    operations = [(method, path, operation) for path, item in document["paths"].items()
                  for method, operation in item.items()]
    assert operations
    for method, path, operation in operations:
        parameters = operation.get("parameters", [])
        concrete = path
        for parameter in parameters:
            if parameter["in"] == "path":
                concrete = concrete.replace(f"{{{parameter['name']}}}", _example(parameter))
        answer = requests.request(method.upper(), url + concrete, headers={"Authorization": f"Bearer {token}"},
                                  timeout=10)
        body = answer.json()
        # Answered by the operation itself: not "nothing here" or "not this method".
        assert answer.status_code != 405, (method, path)
        assert not isinstance(body, dict) or body.get("code") != "not_found", (method, path, answer.text)


def test_every_error_answer_in_the_document_is_a_problem_with_a_code(url):
    document = requests.get(f"{url}{API}/openapi.json", timeout=10).json()
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas  # FastAPI's, never sent
    errors = [(path, status, response) for path, item in document["paths"].items()
              for operation in item.values() for status, response in operation["responses"].items()
              if status[0] in "45"]
    assert {status for _, status, _ in errors} >= {"401", "403", "404", "409", "413", "422", "429", "500", "503"}
    for path, status, response in errors:
        assert list(response["content"]) == ["application/problem+json"], (path, status)
        for schema in _alternatives(response["content"]["application/problem+json"]["schema"], schemas):
            assert {"type", "title", "status", "detail", "code", "message"} <= set(schema["required"]), (path, status)
    validation = schemas["ValidationFailed"]
    assert "errors" in validation["required"]


def _alternatives(schema: dict[str, Any], schemas: dict[str, Any]) -> list[dict[str, Any]]:
    options = schema.get("anyOf") or schema.get("oneOf") or [schema]
    return [schemas[option["$ref"].rsplit("/", 1)[1]] for option in options]


# -- in a real browser, with every host but this machine unreachable ----------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _requests_made_by_the_page(net_log: Path, origin: str) -> list[str]:
    text = net_log.read_text()
    try:
        log = json.loads(text)
    except json.JSONDecodeError:  # a log whose writer was stopped before its closing brackets
        log = json.loads(text.rstrip().rstrip(",") + "]}")
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [event["params"]["url"] for event in log["events"]
            if event["type"] == start and event.get("params", {}).get("initiator") == origin]


@pytest.mark.slow
def test_the_docs_page_shows_the_operations_in_a_browser_that_reaches_only_this_machine(url, tmp_path):
    if CHROMIUM is None:
        # CI installs Debian's chromium for the Linux run; the Windows run (under Wine) has no browser,
        # and the page and its files it would load are the ones the Linux run checked.
        if os.environ.get("CI") == "true" and sys.platform != "win32":
            pytest.fail("CI installs chromium (.ci/run): the docs page must be checked in a browser there")
        pytest.skip("needs Debian's chromium")
    net_log = tmp_path / "net-log.json"
    shown = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
         f"--log-net-log={net_log}", "--virtual-time-budget=15000", "--dump-dom", url + DOCS],
        capture_output=True, text=True, timeout=120, env={**os.environ, "HOME": str(tmp_path)}, check=True,
    ).stdout
    rendered = re.findall(r'class="opblock-summary-path" data-path="([^"]+)"', shown)
    document = requests.get(f"{url}{API}/openapi.json", timeout=10).json()
    assert sorted(rendered) == sorted(path for path, item in document["paths"].items() for _ in item)
    assert "Send a revision of a month" in shown
    loaded = _requests_made_by_the_page(net_log, url)
    assert loaded and all(address.startswith(url + "/") for address in loaded), loaded
    assert {address.removeprefix(url) for address in loaded} >= {
        f"{DOCS}/swagger-ui-bundle.js", f"{DOCS}/swagger-ui.css", f"{API}/openapi.json"}
