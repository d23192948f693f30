"""The reference tracker under load: many providers' computers sending at once, as at the end of a window.

`ct-tracker serve` runs in its own process (tracker_process), as it is run for real. This process
drives ``clients`` concurrent clients, each a thread with its own requests.Session (one kept-alive
connection, as the sync engine holds one), each sending its share of PUTs one after the other: every
PUT a distinct, complete and valid care home return (its own location, first revision), so that each
is checked and committed by the tracker. One PUT per client first, untimed, as a warm-up; then all
clients are released together and the rest are timed, each from the request to the receipt.

The clients share the machine with the server (on 2 cores, roughly one each), so the figure is what
the server does with what the load generator leaves it, not the server alone.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import sqlite3
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import requests
from report import BenchError
from seed import BY, care_home, care_home_values
from tracker_process import add_provider, serving

from ct_desktop.period import Period

PERIOD = Period(2026, 9)
REQUEST_TIMEOUT_S = 60.0


@dataclasses.dataclass(frozen=True)
class LoadResult:
    """``puts`` timed PUTs from ``clients`` concurrent clients, in ``seconds`` of wall time."""

    clients: int
    puts: int
    seconds: float
    latencies_s: list[float]
    revisions_on_tracker: int

    @property
    def per_second(self) -> float:
        return self.puts / self.seconds

    @property
    def p99_s(self) -> float:
        return percentile(self.latencies_s, 0.99)

    @property
    def median_s(self) -> float:
        return percentile(self.latencies_s, 0.50)


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile (the value at or below which ``fraction`` of them lie)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def time_tracker_load(work: Path, clients: int, puts_per_client: int) -> LoadResult:
    """Serve a fresh tracker and send it ``clients`` x (1 + ``puts_per_client``) returns; the timed part."""
    work.mkdir(parents=True, exist_ok=True)
    tracker_db = work / "tracker.db"
    homes = [care_home(number) for number in range(1, clients * (1 + puts_per_client) + 1)]
    token = add_provider(tracker_db, "Bench Load Group",
                         [f"{home.id}:{home.name}:{home.service_type}:{home.local_authority}" for home in homes])
    ids = [home.id for home in homes]
    # Client n sends the returns of locations n, n + clients, n + 2 x clients...: the first is its warm-up.
    shares = [ids[n::clients] for n in range(clients)]
    values = care_home_values(PERIOD)
    with serving(tracker_db, work / "tracker.log") as url:
        latencies, seconds = _drive(url, token, shares, values)
        revisions = _revisions_on_tracker(tracker_db)
    timed = clients * puts_per_client
    if len(latencies) != timed or revisions != len(homes):
        raise BenchError(f"tracker load incomplete: {len(latencies)} of {timed} timed PUTs answered 201, "
                         f"{revisions} revisions on the tracker for {len(homes)} returns sent")
    return LoadResult(clients, timed, seconds, latencies, revisions)


def _drive(url: str, token: str, shares: list[list[str]], values: dict[str, Any]) -> tuple[list[float], float]:
    # The latencies of the timed PUTs answered 201, and the wall time from the release to the last receipt.
    warmed = threading.Barrier(len(shares) + 1)
    done = threading.Barrier(len(shares) + 1)
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def client(locations: list[str]) -> None:
        mine: list[float] = []
        with requests.Session() as session:
            session.headers["Authorization"] = f"Bearer {token}"
            try:
                _put(session, url, locations[0], values)
            except Exception as exc:  # reported once every client is done
                failures.append(str(exc))
            warmed.wait()
            for location in locations[1:]:
                began = time.perf_counter()
                try:
                    _put(session, url, location, values)
                except Exception as exc:  # reported once every client is done
                    failures.append(str(exc))
                    continue
                mine.append(time.perf_counter() - began)
        with lock:
            latencies.extend(mine)
        done.wait()

    threads = [threading.Thread(target=client, args=(share,), name=f"load-client-{n}", daemon=True)
               for n, share in enumerate(shares)]
    for thread in threads:
        thread.start()
    warmed.wait()
    began = time.perf_counter()
    done.wait()
    seconds = time.perf_counter() - began
    for thread in threads:
        thread.join()
    if failures:
        raise BenchError(f"{len(failures)} PUTs failed under load; the first: {failures[0]}")
    return latencies, seconds


def _put(session: requests.Session, url: str, location: str, values: dict[str, Any]) -> None:
    submission_id = str(uuid.uuid4())
    body = {"submission_id": submission_id, "base_revision": None, "values": values, "not_known": [],
            "no_changes": False, "reviewed_by": BY, "reviewed_at": "2026-09-10T09:30:00+01:00",
            "form_version": "2024.06"}
    try:
        response = session.put(f"{url}/api/v1/locations/{location}/returns/{PERIOD}", json=body,
                               headers={"Idempotency-Key": submission_id}, timeout=REQUEST_TIMEOUT_S)
    except requests.RequestException as exc:
        raise BenchError(f"PUT {location} {PERIOD}: {exc}") from exc
    if response.status_code != 201:
        raise BenchError(f"PUT {location} {PERIOD}: {response.status_code} {response.text[:300]}")


def _revisions_on_tracker(tracker_db: Path) -> int:
    # Read-only, beside the running server: one revision per return sent, none lost, none doubled.
    with contextlib.closing(sqlite3.connect(f"{tracker_db.as_uri()}?mode=ro", uri=True)) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM revisions").fetchone()[0])
