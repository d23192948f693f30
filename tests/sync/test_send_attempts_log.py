"""Every attempt to send is logged with its time and outcome, and the log outlives the outbox item: the
record of reasonable excuse when the tracker could not be reached. Over real HTTP, on the test clock."""

from __future__ import annotations

import datetime as dt
from contextlib import closing

from fault_proxy import FaultPlan, FaultProxy
from sample_returns import care_home_values
from sync_support import make_engine, queue, quick_client
from tracker_server import add_provider, running_tracker

from ct_desktop.collection_window import LONDON
from ct_desktop.models import AttemptOutcome
from ct_desktop.period import Period
from ct_desktop.store import open_store

HOME = "1-101"
SEPTEMBER = Period(2026, 9)


def test_failed_attempts_then_the_acceptance_are_logged_with_their_times(store, clock, tmp_path):
    db_path = tmp_path / "tracker.db"
    token = add_provider(db_path, "Rose Care", {HOME: "care_home"})
    clock.moment = dt.datetime(2026, 9, 13, 21, 0, tzinfo=LONDON)
    item = queue(store, HOME, SEPTEMBER, care_home_values())

    # The connection drops before the request reaches the tracker, on the evening of the 13th, twice;
    # on the 16th it goes through, and the tracker accepts it (late).
    with running_tracker(db_path, clock=clock) as url, FaultProxy(url, FaultPlan(["drop", "drop"])) as proxy, \
            closing(quick_client(proxy.url, token)) as client:
        engine = make_engine(store, client, clock)
        for _ in range(2):
            engine.run_once(include_waiting=True)
            clock.advance(hours=1)
        clock.moment = dt.datetime(2026, 9, 16, 9, 30, tzinfo=LONDON)
        report = engine.run_once(include_waiting=True)
    assert report.accepted and store.outbox_items() == []

    attempts = store.send_attempts(HOME, SEPTEMBER)
    assert [a.outcome for a in attempts] == [AttemptOutcome.FAILED, AttemptOutcome.FAILED, AttemptOutcome.ACCEPTED]
    assert {a.submission_id for a in attempts} == {item.submission_id}
    assert [a.started_at.astimezone(LONDON).strftime("%d %H:%M") for a in attempts] == \
        ["13 21:00", "13 22:00", "16 09:30"]
    assert all("reach" in a.detail for a in attempts[:2])
    [receipt] = store.accepted_revisions(HOME, SEPTEMBER)
    assert receipt.receipt in attempts[2].detail and "revision 1" in attempts[2].detail

    # Kept on disk: another process reads the same log.
    with open_store(store.path.parent) as again:
        assert len(again.send_attempts(HOME, SEPTEMBER)) == 3
