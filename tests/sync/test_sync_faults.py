"""Many returns through a proxy that drops, delays, fails, rate-limits, cuts answers after the tracker has
committed, and serves Wi-Fi login pages and gateway error pages: in the end each return is on the tracker
exactly once and accepted here with its revision and receipt."""

from __future__ import annotations

from contextlib import closing

import pytest
from fault_proxy import FAULTS, FaultPlan, FaultProxy
from local_store import Clock
from sync_support import make_engine, queue_summer_months
from tracker_server import add_provider, running_tracker

from ct_desktop.models import Location, ReturnState
from ct_desktop.period import Period
from ct_desktop.store import open_store
from ct_desktop.sync.client import TrackerClient
from ct_desktop.sync.engine import RetryPolicy
from ct_tracker.database import TrackerDatabase

LOCATIONS = [Location(f"1-10{n}", f"Care Home {n}", "care_home") for n in range(1, 4)]
LOCATIONS += [Location(f"1-20{n}", f"Home Care {n}", "home_care") for n in range(1, 4)]
MONTHS = [Period(2026, month) for month in range(4, 9)]  # April to August: no flu questions
WEIGHTS = {"pass": 4, "drop": 1, "delay": 1, "500": 1, "503": 1, "429": 1, "cut": 1, "html": 1, "502html": 1,
           "504html": 1}
MAX_RUNS = 400


@pytest.mark.slow
@pytest.mark.parametrize("seed", [20260914])
def test_every_return_reaches_the_tracker_exactly_once_through_faults(isolated_data_dir, tmp_path, seed):
    db_path = tmp_path / "tracker.db"
    token = add_provider(db_path, "Rose Care", {loc.id: loc.service_type for loc in LOCATIONS})
    clock = Clock()
    policy = RetryPolicy(base_seconds=5, max_seconds=60, max_attempts=50)
    with open_store(isolated_data_dir, clock=clock) as store:
        sent = queue_summer_months(store, LOCATIONS, MONTHS)
        assert len(sent) >= 30

        plan = FaultPlan(weights=WEIGHTS, seed=seed)
        with running_tracker(db_path) as url, FaultProxy(url, plan, delay_seconds=1.0, retry_after=1) as proxy:
            # A read timeout shorter than the proxy's delay: a "delay" is a timeout, and the tracker
            # still commits the request after the client gave up on it.
            with closing(TrackerClient(proxy.url, token, timeout=(2.0, 0.4))) as client:
                engine = make_engine(store, client, clock, policy=policy)
                runs = 0
                while store.outbox_items() and runs < MAX_RUNS:
                    engine.run_once()
                    runs += 1
                    clock.advance(seconds=policy.max_seconds + 5)  # past every next attempt; no real sleeping
            assert store.outbox_items() == [], f"still queued after {runs} runs"
            assert set(FAULTS) <= set(plan.used), "every kind of fault was injected at least once"
            tracker_db = TrackerDatabase(db_path)
            for (location_id, period), submission_id in sent.items():
                assert tracker_db.revision_count(location_id, period) == 1, (location_id, period)
                on_tracker = tracker_db.latest(location_id, period)
                assert on_tracker.submission_id == submission_id
                (kept,) = store.accepted_revisions(location_id, Period.parse(period))
                assert (kept.revision, kept.receipt, kept.submission_id) == (1, on_tracker.receipt, submission_id)
                draft = store.get_return(location_id, Period.parse(period))
                assert (draft.state, draft.base_revision) == (ReturnState.ACCEPTED, 1)
