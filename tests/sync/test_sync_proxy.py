"""A proxy in the environment is never used for a tracker on this computer: the token would cross it in the
clear. Real processes: the reference tracker on 127.0.0.1, a recording proxy on 127.0.0.1, and the installed
``ct-desktop connect`` and ``ct-desktop sync`` as subprocesses with every proxy variable set."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
import requests
from sample_returns import care_home_values
from sync_support import SEPTEMBER

from ct_desktop.store import open_store

PROXY_VARIABLES = ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")
NO_PROXY_VARIABLES = ("NO_PROXY", "no_proxy")


class RecordingProxy:
    """A forward HTTP proxy on 127.0.0.1 that records every request it is given (line and headers), then
    passes it on, as a company or care group proxy would."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        recorded = self.requests

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
                pass

            def _pass_on(self) -> None:
                recorded.append((self.command, self.path, dict(self.headers.items())))
                body = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
                target = urlsplit(self.path)
                upstream = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port or 80, timeout=30)
                try:
                    headers = {k: v for k, v in self.headers.items()
                               if k.lower() not in ("host", "connection", "proxy-connection")}
                    path = target.path + (f"?{target.query}" if target.query else "")
                    upstream.request(self.command, path, body=body or None, headers=headers)
                    answer = upstream.getresponse()
                    content = answer.read()
                    self.send_response(answer.status)
                    for name, value in answer.getheaders():
                        if name.lower() not in ("transfer-encoding", "connection", "content-length", "date",
                                                "server"):
                            self.send_header(name, value)
                    self.send_header("Content-Length", str(len(content)))
                    self.end_headers()
                    self.wfile.write(content)
                finally:
                    upstream.close()

            do_GET = do_PUT = do_POST = do_DELETE = _pass_on

            def do_CONNECT(self) -> None:
                recorded.append((self.command, self.path, dict(self.headers.items())))
                self.send_error(502)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="recording-proxy", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def seen(self, text: str) -> bool:
        """Whether ``text`` was in any request line or header the proxy was given."""
        return any(text in line or any(text in value for value in headers.values())
                   for _, line, headers in self.requests)


@contextmanager
def recording_proxy() -> Iterator[RecordingProxy]:
    proxy = RecordingProxy()
    proxy._thread.start()
    try:
        yield proxy
    finally:
        proxy._server.shutdown()
        proxy._server.server_close()
        proxy._thread.join(timeout=10)


@pytest.fixture
def proxy(monkeypatch) -> Iterator[RecordingProxy]:
    """The recording proxy, named by every proxy variable of this process and its subprocesses."""
    with recording_proxy() as running:
        for name in PROXY_VARIABLES:
            monkeypatch.setenv(name, running.url)
        for name in NO_PROXY_VARIABLES:
            monkeypatch.delenv(name, raising=False)
        yield running


def ct_desktop(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ct_desktop", *args], input=stdin, capture_output=True,
                          text=True, timeout=120, env=dict(os.environ))


def test_the_proxy_is_a_working_proxy_that_plain_requests_use(proxy, tracker):
    # The control: with these variables, a plain HTTP client sends a request for this computer through the
    # proxy, which passes it on. So a proxy that records nothing below was really avoided.
    answer = requests.get(f"{tracker.url}/api/v1/locations", headers={"Authorization": "Bearer control"},
                          timeout=10)
    assert answer.status_code == 401
    assert [(method, line) for method, line, _ in proxy.requests] == [("GET", f"{tracker.url}/api/v1/locations")]


def test_connect_and_sync_to_a_tracker_on_this_computer_never_go_through_the_proxy(proxy, tracker,
                                                                                   isolated_data_dir):
    connected = ct_desktop("connect", "--url", tracker.url, stdin=tracker.token + "\n")
    assert connected.returncode == 0, connected.stderr
    assert "3 locations" in connected.stdout
    with open_store(isolated_data_dir) as store:
        store.set_values("1-101", SEPTEMBER, care_home_values(), "AB")
        store.submit("1-101", SEPTEMBER, "AB", confirm_warnings=True)

    sent = ct_desktop("sync")

    assert (sent.returncode, sent.stderr) == (0, ""), sent.stdout
    assert sent.stdout.splitlines()[0] == "Sent 1 return"
    assert "accepted: 1-101 September 2026, revision 1" in sent.stdout
    assert proxy.requests == []
    assert not proxy.seen(tracker.token)
    assert tracker.latest("1-101", SEPTEMBER)["revision"] == 1  # the tracker has it (asked through the proxy)
