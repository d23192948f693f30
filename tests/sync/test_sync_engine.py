"""The outbox engine against the real reference tracker over HTTP: one test per kind of answer."""

from __future__ import annotations

import datetime as dt
from contextlib import closing

import pytest
from fault_proxy import FaultPlan, FaultProxy
from sample_returns import CARE_HOME, care_home_values, home_care_values
from sync_support import FAST_POLICY, JULY, SEPTEMBER, free_port, item_of, make_engine, queue, quick_client
from tracker_server import add_provider, running_tracker

from ct_desktop.credentials import load_token, save_token
from ct_desktop.models import Location, ReturnState
from ct_desktop.sync.engine import RetryPolicy


def seconds_until(moment: dt.datetime, clock) -> float:
    return (moment - clock()).total_seconds()


def test_an_accepted_return_keeps_its_revision_and_receipt(store, engine, tracker):
    item = queue(store, CARE_HOME.id, SEPTEMBER, care_home_values())
    report = engine.run_once()
    ((location, period, revision, receipt),) = report.accepted
    assert (location, period, revision) == ("1-101", "2026-09", 1)
    assert receipt.startswith("CT-1-101-2026-09-r1-")
    draft = store.get_return(CARE_HOME.id, SEPTEMBER)
    assert (draft.state, draft.base_revision) == (ReturnState.ACCEPTED, 1)
    (kept,) = store.accepted_revisions(CARE_HOME.id, SEPTEMBER)
    assert (kept.submission_id, kept.receipt) == (item.submission_id, receipt)
    assert store.outbox_items() == []
    assert report.all_sent and report.summary() == "Sent 1 return"
    assert tracker.database.revision_count("1-101", "2026-09") == 1


def test_a_resend_after_a_lost_answer_is_accepted_once(store, engine, tracker):
    item = queue(store, CARE_HOME.id, SEPTEMBER, care_home_values())
    store.begin_attempt(item.submission_id)
    first = tracker.put(CARE_HOME.id, SEPTEMBER, item.payload)  # reached the tracker; the answer was lost
    assert first.status_code == 201
    report = engine.run_once()
    assert report.accepted == (("1-101", "2026-09", 1, first.json()["receipt"]),)
    assert tracker.database.revision_count("1-101", "2026-09") == 1


def test_a_server_error_is_retried_later_with_backoff_and_the_others_go_on(store, tracker, clock):
    first = queue(store, CARE_HOME.id, SEPTEMBER, care_home_values())
    queue(store, "1-202", JULY, home_care_values())
    with FaultProxy(tracker.url, FaultPlan(["500"])) as proxy, \
            closing(quick_client(proxy.url, tracker.token)) as client:
        engine = make_engine(store, client, clock)
        report = engine.run_once()
        assert [a[0] for a in report.accepted] == ["1-202"]
        waiting = item_of(store, first.submission_id)
        assert waiting.attempts == 1 and "500" in waiting.last_error
        assert 5.0 <= seconds_until(waiting.next_attempt_at, clock) <= 15.0  # 10 s ± 50%
        assert report.still_queued == 1 and not report.offline and not report.all_sent
        assert "1 waiting: next try at" in report.summary()
        assert engine.run_once().accepted == ()  # not due yet: nothing is sent
        clock.advance(seconds=20)
        assert [a[0] for a in engine.run_once().accepted] == ["1-101"]
    assert tracker.database.revision_count("1-101", "2026-09") == 1


def test_a_busy_tracker_is_left_alone_for_at_least_retry_after_and_the_run_stops(store, tmp_path, clock):
    db_path = tmp_path / "busy.db"
    token = add_provider(db_path, "Rose Care", {"1-101": "care_home", "1-202": "home_care"})
    first = queue(store, CARE_HOME.id, SEPTEMBER, care_home_values())
    second = queue(store, "1-202", JULY, home_care_values())
    with running_tracker(db_path, maintenance=600) as url, closing(quick_client(url, token)) as client:
        report = make_engine(store, client, clock).run_once()
    assert seconds_until(item_of(store, first.submission_id).next_attempt_at, clock) >= 600
    assert item_of(store, second.submission_id).attempts == 0  # not hammered
    assert (report.still_queued, report.offline) == (2, False)
    assert "maintenance" in report.last_error


def test_an_unreachable_tracker_stops_the_run_early_and_items_wait(store, clock):
    first = queue(store, CARE_HOME.id, SEPTEMBER, care_home_values())
    second = queue(store, "1-202", JULY, home_care_values())
    with closing(quick_client(f"http://127.0.0.1:{free_port()}", "token")) as client:
        report = make_engine(store, client, clock).run_once()
    assert report.offline and report.still_queued == 2 and report.accepted == ()
    assert item_of(store, first.submission_id).attempts == 1
    assert item_of(store, second.submission_id).attempts == 0
    assert report.summary().startswith("Nothing sent; 2 waiting: the tracker could not be reached")


def test_a_dropped_connection_and_a_wifi_login_page_are_not_success(store, tracker, clock):
    item = queue(store, CARE_HOME.id, SEPTEMBER, care_home_values())
    with FaultProxy(tracker.url, FaultPlan(["drop", "html"])) as proxy, \
            closing(quick_client(proxy.url, tracker.token)) as client:
        engine = make_engine(store, client, clock)
        assert engine.run_once().offline
        clock.advance(minutes=5)
        report = engine.run_once()
        assert report.offline and "no JSON body" in report.last_error
        assert item_of(store, item.submission_id).attempts == 2
        clock.advance(minutes=5)
        assert len(engine.run_once().accepted) == 1
    assert tracker.database.revision_count("1-101", "2026-09") == 1


def test_failures_the_tracker_keeps_answering_set_the_item_aside_and_it_blocks_nothing(store, tracker, clock):
    poison = queue(store, CARE_HOME.id, SEPTEMBER, care_home_values())
    plan = FaultPlan(["500", "500", "500"])
    policy = RetryPolicy(base_seconds=1, max_seconds=5, max_attempts=3)
    with FaultProxy(tracker.url, plan) as proxy, closing(quick_client(proxy.url, tracker.token)) as client:
        engine = make_engine(store, client, clock, policy=policy)
        for _ in range(3):
            engine.run_once()
            clock.advance(seconds=10)
        other = queue(store, "1-202", JULY, home_care_values())
        report = engine.run_once()
    aside = item_of(store, poison.submission_id)
    assert aside.set_aside_reason.startswith("no success after 3 attempts; the last: the tracker is busy (500)")
    assert report.accepted[0][0] == "1-202" and item_of(store, other.submission_id) is None
    assert report.set_aside == (("1-101", "2026-09", aside.set_aside_reason),)
    assert "1 set aside: no success after 3 attempts" in report.summary()


def test_a_network_that_stays_down_never_sets_an_item_aside(store, clock):
    item = queue(store, CARE_HOME.id, SEPTEMBER, care_home_values())
    policy = RetryPolicy(base_seconds=1, max_seconds=5, max_attempts=2)
    with closing(quick_client(f"http://127.0.0.1:{free_port()}", "token")) as client:
        engine = make_engine(store, client, clock, policy=policy)
        for _ in range(4):
            engine.run_once()
            clock.advance(seconds=10)
    kept = item_of(store, item.submission_id)
    assert kept.attempts == 4 and kept.set_aside_reason is None


def test_a_refused_token_is_forgotten_and_the_items_stay_queued(store, tracker, clock):
    first = queue(store, CARE_HOME.id, SEPTEMBER, care_home_values())
    second = queue(store, "1-202", JULY, home_care_values())
    save_token(tracker.url, "an-old-token")
    told = []
    with closing(quick_client(tracker.url, "an-old-token")) as client:
        report = make_engine(store, client, clock, on_unauthorized=lambda: told.append(True)).run_once()
    assert report.unauthorized and told == [True]
    assert load_token(tracker.url) is None
    assert report.still_queued == 2 and not report.all_sent
    assert "connect again" in report.summary()
    waiting = item_of(store, first.submission_id)
    assert waiting.attempts == 1 and waiting.next_attempt_at <= clock()  # due again once connected
    assert item_of(store, second.submission_id).attempts == 0  # the run stopped


def test_a_location_of_another_provider_is_set_aside_and_the_others_go_on(store, engine, tracker):
    add_provider(tracker.db_path, "Other Care", {"1-909": "care_home"})
    store.add_location(Location("1-909", "Not Ours", "care_home"))
    forbidden = queue(store, "1-909", SEPTEMBER, care_home_values())
    queue(store, CARE_HOME.id, SEPTEMBER, care_home_values())
    report = engine.run_once()
    assert [a[0] for a in report.accepted] == ["1-101"]
    reason = item_of(store, forbidden.submission_id).set_aside_reason
    assert reason == "the tracker does not let this token send it: location 1-909 is not one of this token's locations"
    assert store.get_return("1-909", SEPTEMBER).state is ReturnState.QUEUED


def test_a_location_the_tracker_does_not_know_is_set_aside(store, engine):
    store.add_location(Location("1-404", "Added By Hand", "care_home"))
    unknown = queue(store, "1-404", SEPTEMBER, care_home_values())
    report = engine.run_once()
    assert item_of(store, unknown.submission_id).set_aside_reason == (
        "the tracker does not know it: the tracker has no location 1-404; check the location id with "
        "ct-desktop connect")
    assert report.set_aside and not report.all_sent


def test_a_submission_id_used_for_other_content_is_set_aside(store, engine, tracker, caplog):
    item = queue(store, CARE_HOME.id, SEPTEMBER, care_home_values())
    assert tracker.put(CARE_HOME.id, SEPTEMBER, dict(item.payload, reviewed_by="Someone Else")).status_code == 201
    with caplog.at_level("INFO", logger="ct_desktop.sync.engine"):
        engine.run_once()
    reason = item_of(store, item.submission_id).set_aside_reason
    # The person reads the tracker's words; its code for the refusal is kept in the log.
    assert reason.startswith("the tracker refused it: ") and "with different content" in reason
    assert "submission_id_reused" not in reason
    assert "submission_id_reused" in caplog.text


def test_a_revision_conflict_keeps_the_trackers_copy_and_never_overwrites_it(store, engine, tracker):
    elsewhere = dict(care_home_values(), beds_occupied=30, beds_vacant_accepting=7)
    item = queue(store, CARE_HOME.id, SEPTEMBER, care_home_values())
    other = dict(item.payload, submission_id="7f1c9a52-2c55-4d53-9b0e-4a1b2c3d4e5f", values=elsewhere)
    assert tracker.put(CARE_HOME.id, SEPTEMBER, other).status_code == 201
    report = engine.run_once()
    assert report.conflicts == (("1-101", "2026-09"),) and report.accepted == ()
    draft = store.get_return(CARE_HOME.id, SEPTEMBER)
    assert (draft.state, draft.base_revision) == (ReturnState.CONFLICT, 1)
    assert draft.server_copy["values"]["beds_occupied"] == 30
    assert draft.values["beds_occupied"] == care_home_values()["beds_occupied"]  # ours is kept too
    assert tracker.latest(CARE_HOME.id, SEPTEMBER)["values"]["beds_occupied"] == 30
    assert "changed on the tracker since" in report.summary()


def test_a_return_the_trackers_checks_refuse_is_rejected_with_its_field_messages(store, engine, tracker):
    store.add_location(Location("1-303", "Wrong Type Here", "home_care"))  # a care home on the tracker
    queue(store, "1-303", JULY, home_care_values())
    report = engine.run_once()
    assert report.rejected == (("1-303", "2026-07"),)
    draft = store.get_return("1-303", JULY)
    assert draft.state is ReturnState.REJECTED
    assert any("beds" in key for key in draft.tracker_messages)
    assert all(isinstance(text, str) and text for texts in draft.tracker_messages.values() for text in texts)
    assert tracker.database.revision_count("1-303", "2026-07") == 0


def test_a_newer_submission_of_the_same_return_goes_in_the_same_run_after_the_older(store, engine, tracker):
    first = queue(store, CARE_HOME.id, SEPTEMBER, care_home_values())
    store.begin_attempt(first.submission_id)  # sending began, no answer: the edit makes a new revision
    store.set_value(CARE_HOME.id, SEPTEMBER, "beds_occupied", 34, "CD")
    store.set_value(CARE_HOME.id, SEPTEMBER, "beds_vacant_accepting", 3, "CD")
    store.submit(CARE_HOME.id, SEPTEMBER, "CD", confirm_warnings=True)
    progress = []
    report = engine.run_once(progress.append)
    assert [a[2] for a in report.accepted] == [1, 2]
    assert progress == ["Sending 1-101 September 2026 (1 of 1)"] * 2
    assert tracker.latest(CARE_HOME.id, SEPTEMBER)["values"]["beds_occupied"] == 34
    assert store.get_return(CARE_HOME.id, SEPTEMBER).base_revision == 2


def test_include_waiting_sends_items_before_their_next_try(store, tracker, clock):
    item = queue(store, CARE_HOME.id, SEPTEMBER, care_home_values())
    store.record_attempt_failure(item.submission_id, "cannot reach the tracker", clock() + dt.timedelta(hours=1))
    with closing(quick_client(tracker.url, tracker.token)) as client:
        engine = make_engine(store, client, clock)
        assert engine.run_once().still_queued == 1
        assert len(engine.run_once(include_waiting=True).accepted) == 1


@pytest.mark.parametrize("attempts", [1, 2, 5])
def test_the_fast_policy_used_here_backs_off_like_the_real_one(attempts):
    # The tests run a faster policy than the app's; both are the same formula.
    assert FAST_POLICY.delay(attempts, None, _Middle()) == min(120.0, 10.0 * 2 ** (attempts - 1))


class _Middle:
    """A random source whose jitter is always zero."""

    def uniform(self, low: float, high: float) -> float:
        return (low + high) / 2
