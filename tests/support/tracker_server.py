"""Run the reference tracker for real, over HTTP on 127.0.0.1, for tests (the tracker's and the sync engine's).

    from tracker_server import add_provider, running_tracker, submission_body

    token = add_provider(db_path, "Rose Care", {"1-101": "care_home"})
    with running_tracker(db_path) as url:          # url is "http://127.0.0.1:PORT", no trailing slash
        body = submission_body(values)               # a complete PUT body with a fresh submission id
        requests.put(f"{url}/api/v1/locations/1-101/returns/2026-09", json=body, timeout=5,
                     headers={"Authorization": f"Bearer {token}", "Idempotency-Key": body["submission_id"]})

The server listens on an ephemeral port chosen by the operating system, in a background thread of
the test process, and is stopped (and its thread joined) when the ``with`` block ends.
"""

from __future__ import annotations

import copy
import datetime as dt
import socket
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import uvicorn

from ct_tracker.access import new_token, token_digest
from ct_tracker.api import API_PREFIX
from ct_tracker.app import create_app
from ct_tracker.database import TrackedLocation, TrackerDatabase

API = API_PREFIX
STARTUP_TIMEOUT = 10.0


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve an ASGI app on 127.0.0.1 (ephemeral port) while the block runs; yields the root URL."""
    # Binding here, before the server starts, means the port is ours: no race with other tests.
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", lifespan="off", timeout_graceful_shutdown=5)
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name=f"tracker-{port}",
                                  daemon=True)
        thread.start()
        try:
            _wait_until_started(server, thread)
            yield f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
            thread.join(timeout=15)
            if thread.is_alive():
                raise RuntimeError(f"the test tracker on port {port} did not stop")


@contextmanager
def running_tracker(db_path: str | Path, **options: Any) -> Iterator[str]:
    """create_app(db_path, **options), served for real; yields the root URL (the API is under /api/v1).

    The app's database is closed once the server has stopped, as the app's lifespan does in `ct-tracker serve`.
    """
    app = create_app(db_path, **options)
    try:
        with serving(app) as url:
            yield url
    finally:
        app.state.tracker.database.close()


def add_provider(db_path: str | Path, name: str, locations: Mapping[str, str]) -> str:
    """Add a provider with locations {id: service_type} (named "Location <id>"); returns its token."""
    token = new_token()
    rows = [TrackedLocation(id=location_id, name=f"Location {location_id}", service_type=service_type)
            for location_id, service_type in locations.items()]
    created_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    with TrackerDatabase(db_path) as database:
        database.add_provider(name, rows, token_digest(token), created_at)
    return token


def submission_body(values: Mapping[str, Any], *, base: int | None = None, **changes: Any) -> dict[str, Any]:
    """A complete PUT body with a fresh submission id (send it as the Idempotency-Key too)."""
    body = {
        "submission_id": str(uuid.uuid4()),
        "base_revision": base,
        "values": copy.deepcopy(dict(values)),
        "not_known": [],
        "no_changes": False,
        "reviewed_by": "Amy Brown",
        "reviewed_at": "2026-09-10T09:30:00+01:00",
        "form_version": "2024.06",
    }
    body.update(changes)
    return body


def _wait_until_started(server: uvicorn.Server, thread: threading.Thread) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the test tracker stopped while starting (see the log above)")
        if time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"the test tracker did not start within {STARTUP_TIMEOUT} seconds")
        time.sleep(0.01)
