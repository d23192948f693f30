"""The reference tracker in a process of its own, as `ct-tracker serve` runs it, on the loopback.

A separate process, not a thread of the benchmark: the client and the server then do not take turns
with one interpreter lock, as they would not in real use (each gets its own core on a 2-core machine).
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import requests
from report import BenchError

START_TIMEOUT_S = 30.0
PORT_ATTEMPTS = 3


def add_provider(db_path: Path, name: str, locations: Sequence[str]) -> str:
    """`ct-tracker add-provider NAME --location ID:NAME:SERVICE_TYPE ...`; the provider's token."""
    command = [sys.executable, "-m", "ct_tracker", "add-provider", name, "--db", str(db_path)]
    for location in locations:
        command += ["--location", location]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise BenchError(f"ct-tracker add-provider failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout.strip()


@contextlib.contextmanager
def serving(db_path: Path, log_path: Path) -> Iterator[str]:
    """`ct-tracker serve --db DB --port P` on 127.0.0.1 while the block runs; yields its root URL.

    `serve` takes a fixed port, so a free one is picked first; should another program take it in the
    meantime, the server exits at once and another port is tried.
    """
    for _ in range(PORT_ATTEMPTS):
        port = _free_port()
        with log_path.open("a", encoding="utf-8") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "ct_tracker", "serve", "--db", str(db_path), "--host", "127.0.0.1",
                 "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            if _wait_until_answering(process, url):
                yield url
                return
        finally:
            _stop(process)
    raise BenchError(f"the tracker did not start; see {log_path}:\n{log_path.read_text()[-2000:]}")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_answering(process: subprocess.Popen[bytes], url: str) -> bool:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            requests.get(f"{url}/api/v1/openapi.json", timeout=2)
            return True
        except requests.ConnectionError:
            time.sleep(0.05)
    return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    # SIGTERM lets uvicorn finish its requests and close the database cleanly.
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
