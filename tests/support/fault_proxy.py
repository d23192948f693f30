"""A fault-injecting HTTP proxy on 127.0.0.1, in front of the real reference tracker.

Each request the proxy receives takes the next fault from a plan (a list, or a seeded random choice):

- ``pass``: forwarded, answer returned as is;
- ``drop``: the connection is closed before the request reaches the tracker;
- ``delay``: held for ``delay_seconds`` before forwarding (longer than the client's read timeout);
- ``500``, ``503``, ``429``: answered by the proxy itself, 503/429 with ``Retry-After``;
- ``cut``: forwarded (the tracker commits), then the connection is closed before any answer is sent;
- ``html``: a 200 HTML page, as a Wi-Fi login page would give;
- ``502html``, ``504html``: an HTML error page, as a gateway in front of the tracker gives when the
  tracker is not there;
- ``tamper``: forwarded, and the ``text`` of the tracker's JSON answer (a question set's definition)
  changed on the way back, its other fields left as they were.

It binds an ephemeral port and serves in a thread; use it as a context manager.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import random
import threading
import time
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

FAULTS = ("pass", "drop", "delay", "500", "503", "429", "cut", "html", "502html", "504html")
# Only for an answer that carries a definition's text (a question set), so not among the faults of a random run.
TAMPER = "tamper"


class FaultPlan:
    """The faults to inject: a fixed sequence, then random ones (seeded) or ``pass``."""

    def __init__(self, sequence: Iterable[str] = (), *, weights: dict[str, float] | None = None, seed: int = 0):
        self._sequence = list(sequence)
        self._weights = weights
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self.used: list[str] = []

    def next(self) -> str:
        """The fault for the next request."""
        with self._lock:
            if self._sequence:
                fault = self._sequence.pop(0)
            elif self._weights:
                names = list(self._weights)
                fault = self._random.choices(names, weights=[self._weights[n] for n in names])[0]
            else:
                fault = "pass"
            self.used.append(fault)
            return fault


class FaultProxy:
    """Runs the proxy; ``url`` is the address the client should use instead of the tracker's."""

    def __init__(self, upstream: str, plan: FaultPlan, *, delay_seconds: float = 3.0, retry_after: int = 1):
        target = urlsplit(upstream)
        proxy = self

        class Handler(_ProxyHandler):
            pass

        Handler.proxy = proxy
        self.upstream_host = target.hostname or "127.0.0.1"
        self.upstream_port = target.port or 80
        self.plan = plan
        self.delay_seconds = delay_seconds
        self.retry_after = retry_after
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fault-proxy", daemon=True)

    @property
    def url(self) -> str:
        """The proxy's base URL."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


def _tampered(answer: bytes) -> bytes:
    # One question made optional: a change small enough to pass every check but the content hash.
    body = json.loads(answer)
    body["text"] = body["text"].replace("mandatory = true", "mandatory = false", 1)
    return json.dumps(body).encode()


class _ProxyHandler(BaseHTTPRequestHandler):
    proxy: FaultProxy
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _handle(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
        fault = self.proxy.plan.next()
        if fault == "drop":
            self._hang_up()
            return
        if fault in ("500", "503", "429"):
            self._answer(int(fault), {"code": "injected", "message": f"injected {fault}"})
            return
        if fault == "html":
            self._answer(200, b"<html><body>Sign in to the Wi-Fi</body></html>", "text/html")
            return
        if fault in ("502html", "504html"):
            status = int(fault[:3])
            self._answer(status, f"<html><body><h1>{status} Bad Gateway</h1></body></html>".encode(),
                         "text/html; charset=utf-8")
            return
        if fault == "delay":
            time.sleep(self.proxy.delay_seconds)
        status, headers, answer = self._forward(body)
        if fault == "cut":
            self._hang_up()
            return
        if fault == TAMPER:
            answer = _tampered(answer)
        self.send_response(status)
        for name, value in headers:
            if name.lower() not in ("transfer-encoding", "connection", "content-length", "date", "server"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def _forward(self, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        connection = http.client.HTTPConnection(self.proxy.upstream_host, self.proxy.upstream_port, timeout=30)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
            connection.request(self.command, self.path, body=body or None, headers=headers)
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            connection.close()

    def _answer(self, status: int, content: object, content_type: str = "application/json") -> None:
        data = content if isinstance(content, bytes) else json.dumps(content).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        if status in (429, 503):
            self.send_header("Retry-After", str(self.proxy.retry_after))
        self.end_headers()
        self.wfile.write(data)

    def _hang_up(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(2)
