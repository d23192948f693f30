"""Setting a return aside counts only the tracker's own answers; a person retries or dismisses it.

Over the real tracker, behind a real proxy on 127.0.0.1 that drops connections or answers as a gateway
(an HTML 502/504 page) would.
"""

from __future__ import annotations

import io
import json
import sys
from contextlib import closing, contextmanager

from fault_proxy import FaultPlan, FaultProxy
from sample_returns import CARE_HOME, care_home_values
from sync_support import SEPTEMBER, item_of, make_engine, queue, quick_client

from ct_desktop.cli import main
from ct_desktop.credentials import save_token
from ct_desktop.models import HistoryAction, ReturnState
from ct_desktop.settings import Settings, save_settings
from ct_desktop.sync.engine import RetryPolicy

LIMIT = RetryPolicy(base_seconds=1, max_seconds=5, max_attempts=3)


def run_cli(capsys, monkeypatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def runs(engine, clock, count: int) -> list:
    reports = []
    for _ in range(count):
        reports.append(engine.run_once())
        clock.advance(minutes=2)
    return reports


def test_a_long_outage_then_one_busy_answer_does_not_set_the_return_aside(store, tracker, clock):
    item = queue(store, CARE_HOME.id, SEPTEMBER, care_home_values())
    plan = FaultPlan(["drop"] * 5 + ["500", "500"])
    with FaultProxy(tracker.url, plan) as proxy, closing(quick_client(proxy.url, tracker.token)) as client:
        engine = make_engine(store, client, clock, policy=LIMIT)
        runs(engine, clock, 7)
        waiting = item_of(store, item.submission_id)
        assert (waiting.attempts, waiting.tracker_answers, waiting.set_aside_reason) == (7, 2, None)
        report = engine.run_once()  # the tracker is back
    assert report.accepted and item_of(store, item.submission_id) is None
    assert tracker.database.revision_count("1-101", "2026-09") == 1


def test_a_gateways_html_error_page_is_not_the_trackers_answer(store, tracker, clock):
    item = queue(store, CARE_HOME.id, SEPTEMBER, care_home_values())
    plan = FaultPlan(["502html", "504html", "502html", "502html"])
    with FaultProxy(tracker.url, plan) as proxy, closing(quick_client(proxy.url, tracker.token)) as client:
        engine = make_engine(store, client, clock, policy=LIMIT)
        reports = runs(engine, clock, 4)
        waiting = item_of(store, item.submission_id)
        assert (waiting.attempts, waiting.tracker_answers, waiting.set_aside_reason) == (4, 0, None)
        assert all(report.offline for report in reports)
        assert "the tracker was not reached: something on the way answered 502 (a text/html page)" in \
            reports[-1].last_error
        assert engine.run_once().accepted
    assert tracker.database.revision_count("1-101", "2026-09") == 1


def test_the_trackers_own_busy_answers_still_set_the_return_aside(store, tracker, clock):
    item = queue(store, CARE_HOME.id, SEPTEMBER, care_home_values())
    plan = FaultPlan(["drop", "500", "drop", "500", "500"])
    with FaultProxy(tracker.url, plan) as proxy, closing(quick_client(proxy.url, tracker.token)) as client:
        engine = make_engine(store, client, clock, policy=LIMIT)
        runs(engine, clock, 5)
    aside = item_of(store, item.submission_id)
    assert aside.set_aside_reason.startswith("no success after 3 attempts; the last: the tracker is busy (500)")
    assert aside.attempts == 5


@contextmanager
def set_aside_by_the_tracker(store, tracker, clock, isolated_data_dir):
    """September of 1-101 queued, and set aside after three busy answers of the tracker; the data folder
    connected to the tracker through a proxy that passes everything after those three."""
    with FaultProxy(tracker.url, FaultPlan(["500"] * 3)) as proxy, \
            closing(quick_client(proxy.url, tracker.token)) as client:
        save_settings(isolated_data_dir, Settings(tracker_url=proxy.url))
        save_token(proxy.url, tracker.token)
        item = queue(store, CARE_HOME.id, SEPTEMBER, care_home_values())
        runs(make_engine(store, client, clock, policy=LIMIT), clock, 3)
        assert item_of(store, item.submission_id).set_aside_reason
        yield item


def test_outbox_list_shows_a_set_aside_return_and_retry_sends_it_once(capsys, monkeypatch, store, tracker, clock,
                                                                      isolated_data_dir):
    with set_aside_by_the_tracker(store, tracker, clock, isolated_data_dir) as item:
        retried_and_sent(capsys, monkeypatch, store, tracker, item)


def retried_and_sent(capsys, monkeypatch, store, tracker, item):
    code, out, err = run_cli(capsys, monkeypatch, "outbox")
    assert (code, err) == (0, "")
    number = item_of(store, item.submission_id).outbox_id
    first = out.splitlines()[0].split()
    assert first[:6] == [str(number), "1-101", "September", "2026", "set", "aside"]
    assert "3 attempts  no success after 3 attempts; the last: the tracker is busy (500)" in out
    assert "ct-desktop outbox retry ID" in out
    code, out, _ = run_cli(capsys, monkeypatch, "outbox", "list", "--json")
    [row] = json.loads(out)
    assert (row["id"], row["location"], row["period"], row["state"], row["attempts"]) == \
        (number, "1-101", "2026-09", "set aside", 3)
    assert row["last_answer"].startswith("no success after 3 attempts")

    code, out, err = run_cli(capsys, monkeypatch, "outbox", "retry", str(number), "--by", "CD")
    assert (code, err) == (0, "")
    assert out == f"Submission {number} (1-101 September 2026) goes again with the next sync (ct-desktop sync).\n"
    code, out, _ = run_cli(capsys, monkeypatch, "sync")
    assert code == 0 and out.startswith("Sent 1 return")
    assert tracker.database.revision_count("1-101", "2026-09") == 1
    steps = [(e.action, e.by) for e in store.history(CARE_HOME.id, SEPTEMBER) if e.action != HistoryAction.EDIT]
    assert (HistoryAction.RETRIED, "CD") in steps and steps[-1][0] == HistoryAction.ACCEPTED


def test_outbox_dismiss_makes_the_return_a_draft_to_edit_and_send_again(capsys, monkeypatch, store, tracker, clock,
                                                                        isolated_data_dir):
    with set_aside_by_the_tracker(store, tracker, clock, isolated_data_dir) as item:
        dismissed_and_sent_again(capsys, monkeypatch, store, item)


def dismissed_and_sent_again(capsys, monkeypatch, store, item):
    number = item_of(store, item.submission_id).outbox_id
    code, out, err = run_cli(capsys, monkeypatch, "outbox", "dismiss", str(number), "--by", "CD")
    assert (code, err) == (0, "")
    assert out.startswith(f"Submission {number} (1-101 September 2026) dismissed: the return is a draft again")
    assert store.outbox_items() == []
    draft = store.get_return(CARE_HOME.id, SEPTEMBER)
    assert draft.state == ReturnState.DRAFT and draft.values == queue_values()
    dismissed = [e for e in store.history(CARE_HOME.id, SEPTEMBER) if e.action == HistoryAction.DISMISSED]
    assert dismissed[0].by == "CD" and "the return can be edited and sent again" in dismissed[0].detail
    # Edited and sent again: it reaches the tracker as a new submission.
    store.set_values(CARE_HOME.id, SEPTEMBER, {"beds_occupied": draft.values["beds_occupied"] - 1}, "CD")
    store.submit(CARE_HOME.id, SEPTEMBER, "CD", confirm_warnings=True)
    code, out, _ = run_cli(capsys, monkeypatch, "sync")
    assert code == 0 and out.startswith("Sent 1 return")


def queue_values() -> dict:
    return {key: value for key, value in care_home_values().items() if value is not None}


def test_outbox_retry_and_dismiss_refuse_what_they_cannot_do_in_one_line(capsys, monkeypatch, store,
                                                                           isolated_data_dir):
    item = queue(store, CARE_HOME.id, SEPTEMBER, care_home_values())
    number = item_of(store, item.submission_id).outbox_id
    cases = [
        (("outbox", "retry"), "ct-desktop: give the submission's number: ct-desktop outbox retry ID"),
        (("outbox", "dismiss", "abc"), "ct-desktop: 'abc' is not a submission number"),
        (("outbox", "retry", "999"), "ct-desktop: no submission 999 in the outbox"),
        (("outbox", "retry", str(number)), f"ct-desktop: submission {number} (1-101 September 2026) is not set "
                                           "aside: it is sent with the next sync"),
        (("outbox", "retry", str(number), "--waiting"), f"ct-desktop: submission {number} (1-101 September 2026) "
                                                        "is not set aside: it is sent with the next sync"),
        (("outbox", "dismiss", str(number)), f"ct-desktop: submission {number} (1-101 September 2026) is not set "
                                             "aside but waiting to be sent; to take it out of the outbox all the "
                                             "same, so that it is not sent (the return stays saved, as a draft): "
                                             f"ct-desktop outbox dismiss {number} --waiting"),
    ]
    for args, start in cases:
        code, out, err = run_cli(capsys, monkeypatch, *args, "--by", "CD")
        assert code == 2 and out == "" and err.startswith(start), (args, err)
        assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert item_of(store, item.submission_id).set_aside_reason is None  # nothing changed
