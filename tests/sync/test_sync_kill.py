"""``ct-desktop sync`` killed (SIGKILL; TerminateProcess on Windows) at random moments while it sends, then run
again to the end: every return is on the tracker exactly once and accepted here, nothing lost, nothing sent twice."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time

import pytest
from fault_proxy import FaultPlan, FaultProxy
from killing import KILLED
from sync_support import queue_summer_months
from tracker_server import add_provider, running_tracker

from ct_desktop.models import Location, ReturnState
from ct_desktop.period import Period
from ct_desktop.store import open_store
from ct_desktop.sync.connection import connect
from ct_tracker.database import TrackerDatabase

LOCATIONS = [Location("1-101", "Sunny Care", "care_home"), Location("1-202", "Home Help", "home_care"),
             Location("1-203", "Help at Home", "home_care")]
MONTHS = [Period(2026, month) for month in range(4, 9)]
KILLS = 8


def start_sync(data_dir) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "ct_desktop", "sync", "--data-dir", str(data_dir)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_requests(plan: FaultPlan, count: int, process: subprocess.Popen, limit_s: float = 30.0) -> None:
    deadline = time.monotonic() + limit_s
    while len(plan.used) < count and process.poll() is None:
        assert time.monotonic() < deadline, "the sync process sent nothing"
        time.sleep(0.005)


@pytest.mark.slow
def test_a_sync_killed_at_random_moments_sends_each_return_exactly_once(isolated_data_dir, tmp_path):
    randomness = random.Random(os.environ.get("CT_CRASH_SEED", "ct-desktop sync"))
    db_path = tmp_path / "tracker.db"
    token = add_provider(db_path, "Rose Care", {loc.id: loc.service_type for loc in LOCATIONS})
    with open_store(isolated_data_dir) as store:
        sent = queue_summer_months(store, LOCATIONS, MONTHS)

    # Every other request is held a little, so that a kill often lands while a request is on its way.
    plan = FaultPlan(weights={"pass": 1, "delay": 1}, seed=randomness.randrange(10**6))
    with running_tracker(db_path) as url, FaultProxy(url, plan, delay_seconds=0.25) as proxy:
        connect(isolated_data_dir, proxy.url, token)
        outcomes = []
        for _ in range(KILLS):
            process = start_sync(isolated_data_dir)
            wait_for_requests(plan, len(plan.used) + randomness.randint(1, 2), process)
            time.sleep(randomness.uniform(0.0, 0.2))
            process.kill()
            process.communicate(timeout=30)
            outcomes.append(process.returncode)
        assert KILLED in outcomes, "at least one sync was killed before it finished"

        proxy.plan = FaultPlan()  # the network is good again
        final = subprocess.run([sys.executable, "-m", "ct_desktop", "sync", "--data-dir", str(isolated_data_dir)],
                               capture_output=True, text=True, timeout=60)
        assert final.returncode == 0, final.stdout + final.stderr
        assert "Traceback" not in final.stderr

    tracker_db = TrackerDatabase(db_path)
    with open_store(isolated_data_dir) as store:
        assert store.outbox_items() == []
        for (location_id, period), submission_id in sent.items():
            assert tracker_db.revision_count(location_id, period) == 1, (location_id, period)
            assert tracker_db.latest(location_id, period).submission_id == submission_id
            (kept,) = store.accepted_revisions(location_id, Period.parse(period))
            assert (kept.revision, kept.submission_id) == (1, submission_id)
            assert store.get_return(location_id, Period.parse(period)).state is ReturnState.ACCEPTED
