"""The command line as a manager uses it near the deadline: ``status`` warns about what the tracker does not
have yet, ``compliance`` gives each window's outcome and the trigger, ``locations close`` records a closure,
``draft show --print`` gives the answers to type into the tracker's page. On a test clock."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sample_returns import as_asked, care_home_values, home_care_return

from ct_desktop.cli import main
from ct_desktop.collection_window import LONDON
from ct_desktop.period import Period

HOME, AGENCY = "1-101", "1-202"
SEPTEMBER, OCTOBER, DECEMBER = Period(2026, 9), Period(2026, 10), Period(2026, 12)
# 18:00 on Monday 14 December 2026, the due day: six hours left.
DUE_DAY_EVENING = dt.datetime(2026, 12, 14, 18, 0, tzinfo=LONDON)


@pytest.fixture
def at(monkeypatch):
    """at(moment): the command line's clock (its store's and its commands') reads ``moment``."""

    def set_now(moment: dt.datetime) -> None:
        for target in ("ct_desktop.cli.status_cmd.now_london", "ct_desktop.cli.compliance_cmd.now_london",
                       "ct_desktop.cli.store_session.now_london", "ct_desktop.store.store._system_now"):
            monkeypatch.setattr(target, lambda: moment)

    return set_now


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def send(store, clock, location_id: str, period: Period, values: dict, accepted_at: str | None):
    """Queue a month's return (at 10:00 on its 9th) and, with ``accepted_at``, record the tracker's acceptance."""
    clock.move_to_month(period)
    store.set_values(location_id, period, values, "AB")
    item = store.submit(location_id, period, "AB", confirm_warnings=True).item
    if accepted_at:
        store.mark_accepted(item.submission_id, 1, accepted_at, f"R-{location_id}-{period}")


def test_status_warns_about_a_queued_return_the_tracker_does_not_have_hours_before_the_deadline(
        capsys, store, clock, at):
    send(store, clock, HOME, DECEMBER, as_asked("care_home", DECEMBER, care_home_values()), None)
    send(store, clock, AGENCY, DECEMBER, as_asked("home_care", DECEMBER, home_care_return()),
         "2026-12-10T10:00:00+00:00")
    store.close()
    at(DUE_DAY_EVENING)

    code, out, _ = run(capsys, "status", "--json")
    rows = {row["id"]: row for row in json.loads(out)["locations"]}
    assert code == 0
    assert (rows[HOME]["state"], rows[HOME]["counts_for_window"], rows[HOME]["at_risk"]) == ("queued", False, True)
    assert rows[HOME]["warning"] == ("not yet with the tracker: the window closes at the end of Monday 14 December "
                                     "(in 6 hours)")
    assert (rows[AGENCY]["counts_for_window"], rows[AGENCY]["at_risk"], rows[AGENCY]["warning"]) == \
        (True, False, None)

    code, out, _ = run(capsys, "status")
    assert "URGENT: not yet with the tracker: the window closes at the end of Monday 14 December (in 6 hours)" in out
    assert "connect to the tracker (ct-desktop connect --url URL), then: ct-desktop sync" in out
    assert f"ct-desktop draft show {HOME} 2026-12 --print" in out
    assert out.count("not yet with the tracker") == 1  # the agency's month is with the tracker


def test_compliance_gives_each_window_and_says_a_third_miss_would_allow_a_notice_of_intent(
        capsys, store, clock, at):
    values = care_home_values()  # September: flu questions, no COVID-19 campaign
    send(store, clock, HOME, SEPTEMBER, values, "2026-09-09T09:00:00+00:00")
    send(store, clock, HOME, OCTOBER, as_asked("care_home", OCTOBER, values), "2026-10-20T09:00:00+00:00")
    store.close()
    at(DUE_DAY_EVENING)  # November: nothing; December still open

    code, out, _ = run(capsys, "compliance", HOME)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Sunny Care (1-101), since September 2026"
    assert "2 missed in a row (councils flag the location at risk) — a third would allow a notice of intent" in out
    assert "December 2026 would be the one that allows it: the window closes at the end of Monday 14 December" in out
    assert [line.split()[:2] for line in lines if line.startswith("  2026-")] == [
        ["2026-12", "OPEN"], ["2026-11", "MISSED"], ["2026-10", "LATE"], ["2026-09", "MET"]]
    assert "after the window closed" in next(line for line in lines if "2026-10" in line)

    code, out, _ = run(capsys, "compliance", "--json")
    [record] = [r for r in json.loads(out)["locations"] if r["id"] == HOME]
    assert [w["outcome"] for w in record["windows"]] == ["open", "missed", "late", "met"]
    assert record["trigger"]["missed_in_a_row"] == 2 and not record["trigger"]["notice_of_intent_possible"]
    assert record["windows"][3]["accepted_at"] == "2026-09-09T09:00:00+00:00"


def test_a_recorded_closure_excuses_the_windows_it_covers(capsys, store, clock, at):
    send(store, clock, HOME, SEPTEMBER, care_home_values(), "2026-09-09T09:00:00+00:00")
    store.close()
    at(DUE_DAY_EVENING)

    code, out, err = run(capsys, "locations", "close", HOME, "--from", "2026-10-01", "--to", "2026-11-30",
                         "--by", "Amy Brown")
    assert (code, err) == (0, "")
    assert "temporarily closed from Thursday 1 October 2026 to Monday 30 November 2026, by Amy Brown" in out

    code, out, _ = run(capsys, "compliance", HOME, "--json")
    [record] = json.loads(out)["locations"]
    assert [w["outcome"] for w in record["windows"]] == ["open", "excused", "excused", "met"]
    assert record["windows"][1]["closure"]["recorded_by"] == "Amy Brown"
    assert record["trigger"]["missed_in_a_row"] == 0


@pytest.mark.parametrize(("args", "says"), [
    (["--from", "2026-13-01"], "--from '2026-13-01' is not a day: write it as YYYY-MM-DD"),
    (["--from", "2026-10-05", "--to", "2026-10-01"], "the closure cannot end (Thursday 1 October 2026) before it "
                                                     "begins (Monday 5 October 2026)"),
    (["--from", "2019-01-01"], "before the monthly return began"),
])
def test_a_closure_that_cannot_be_is_refused_in_one_line(capsys, store, at, args, says):
    store.close()
    at(DUE_DAY_EVENING)
    code, _, err = run(capsys, "locations", "close", HOME, *args, "--by", "AB")
    assert code == 2 and says in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_draft_show_print_gives_the_answers_in_the_trackers_order_with_its_labels(capsys, store, clock, at):
    send(store, clock, HOME, DECEMBER, as_asked("care_home", DECEMBER, care_home_values()), None)
    store.close()
    at(DUE_DAY_EVENING)
    code, out, _ = run(capsys, "draft", "show", HOME, "2026-12", "--print")
    assert code == 0
    assert "the answers in the tracker's order" in out and "State here: queued" in out
    assert "History" not in out and "beds_max_capacity" not in out  # labels, not keys
    labelled = [line.strip() for line in out.splitlines() if line.startswith("  ")]
    assert labelled[0].startswith("Maximum bed capacity") or ":" in labelled[0]
    assert len(labelled) >= 30


def test_an_open_ended_closure_is_ended_when_the_location_reopens(capsys, store, clock, at):
    send(store, clock, HOME, SEPTEMBER, care_home_values(), "2026-09-09T09:00:00+00:00")
    store.close()
    at(DUE_DAY_EVENING)
    code, _, err = run(capsys, "locations", "reopen", HOME, "--on", "2026-11-02")
    assert code == 2 and "has no closure open to end" in err and "Traceback" not in err

    run(capsys, "locations", "close", HOME, "--from", "2026-10-01", "--by", "Amy Brown")
    code, _, err = run(capsys, "locations", "reopen", HOME, "--on", "2026-10-01")
    assert code == 2 and "it cannot reopen on Thursday 1 October 2026: it closed on Thursday 1 October 2026" in err
    code, out, err = run(capsys, "locations", "reopen", HOME, "--on", "2026-11-02")
    assert (code, err) == (0, "")
    assert "reopens on Monday 2 November 2026; closed from Thursday 1 October 2026 to Sunday 1 November 2026" in out

    code, out, _ = run(capsys, "compliance", HOME, "--json")
    [record] = json.loads(out)["locations"]
    # October excused (closed on its due day); November's window, due on the 16th, needed a return again.
    assert [w["outcome"] for w in record["windows"]] == ["open", "missed", "excused", "met"]
    assert record["windows"][2]["closure"]["closed_until"] == "2026-11-01"
    code, _, err = run(capsys, "locations", "reopen", HOME, "--on", "2026-12-01")
    assert code == 2 and "no closure open" in err  # ended once
