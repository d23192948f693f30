"""Before a month's window opens (00:00 London time on the 8th) its return can be prepared but not sent."""

from __future__ import annotations

import datetime as dt

import pytest

from ct_desktop.cli import main
from ct_desktop.collection_window import LONDON
from ct_desktop.models import ReturnState
from ct_desktop.period import Period
from ct_desktop.store import LifecycleError, lifecycle

HOME, AGENCY = "1-101", "1-202"
AUGUST, SEPTEMBER = Period(2026, 8), Period(2026, 9)
# 23:59 on Monday 7 September 2026, London time (BST: 22:59 UTC), and the minute after.
LAST_MINUTE_BEFORE = dt.datetime(2026, 9, 7, 23, 59, 59, tzinfo=LONDON)
OPENING = dt.datetime(2026, 9, 8, 0, 0, tzinfo=LONDON)


def test_submitting_before_the_8th_is_refused_with_the_opening_date_and_the_draft_is_kept(store, clock,
                                                                                          care_home_values):
    clock.moment = LAST_MINUTE_BEFORE
    store.set_values(HOME, SEPTEMBER, care_home_values, "AB")  # preparing is allowed any time

    with pytest.raises(LifecycleError) as refused:
        store.submit(HOME, SEPTEMBER, "AB", confirm_warnings=True)

    assert refused.value.reason == lifecycle.WINDOW_NOT_OPEN
    assert "September 2026 cannot be sent before its window opens on Tuesday 8 September 2026" in str(refused.value)
    assert "correct as of the 8th or later" in str(refused.value)
    draft = store.get_return(HOME, SEPTEMBER)
    assert draft.state is ReturnState.DRAFT and draft.values == care_home_values
    assert store.outbox_items() == []

    clock.moment = OPENING  # 00:00 on the 8th: the window is open
    assert store.submit(HOME, SEPTEMBER, "AB", confirm_warnings=True).draft.state is ReturnState.QUEUED


def test_the_window_opens_at_london_midnight_not_utc_midnight(store, clock, care_home_values):
    store.set_values(HOME, SEPTEMBER, care_home_values, "AB")
    clock.moment = dt.datetime(2026, 9, 7, 23, 30, tzinfo=dt.UTC)  # 00:30 on the 8th in London (BST)
    assert store.submit(HOME, SEPTEMBER, "AB", confirm_warnings=True).draft.state is ReturnState.QUEUED


def test_no_changes_alone_or_for_the_group_is_refused_before_the_window_opens(store, clock, accept,
                                                                             summer_care_home_values):
    clock.moment = dt.datetime(2026, 8, 9, 10, 0, tzinfo=LONDON)
    accept(store, HOME, AUGUST, summer_care_home_values)
    clock.moment = dt.datetime(2026, 9, 1, 9, 0, tzinfo=LONDON)

    for attempt in (lambda: store.no_changes(HOME, SEPTEMBER, "AB"),
                    lambda: store.check_no_changes(HOME, SEPTEMBER),
                    lambda: store.no_changes_for_group([HOME, AGENCY], SEPTEMBER, "AB")):
        with pytest.raises(LifecycleError) as refused:
            attempt()
        assert refused.value.reason == lifecycle.WINDOW_NOT_OPEN
        assert "before its window opens on Tuesday 8 September 2026" in str(refused.value)
    assert store.get_return(HOME, SEPTEMBER) is None and store.outbox_items() == []


def test_a_late_return_for_an_earlier_month_is_still_accepted_before_this_months_window(store, clock,
                                                                                       summer_care_home_values):
    clock.moment = dt.datetime(2026, 9, 2, 9, 0, tzinfo=LONDON)
    store.set_values(HOME, AUGUST, summer_care_home_values, "AB")
    assert store.submit(HOME, AUGUST, "AB", confirm_warnings=True).draft.state is ReturnState.QUEUED


def test_the_command_line_says_when_the_window_opens(capsys, store, monkeypatch, care_home_values):
    store.close()
    # The command line's store asks the real clock: pretend it is 2 September 2026.
    early = dt.datetime(2026, 9, 2, 9, 0, tzinfo=LONDON)
    monkeypatch.setattr("ct_desktop.store.store._system_now", lambda: early)
    monkeypatch.setattr("ct_desktop.cli.store_session.now_london", lambda: early)
    values = [f"{key}={';'.join(v) if isinstance(v, list) else v}" for key, v in care_home_values.items()]
    assert main(["draft", "set", HOME, "2026-09", *values, "--by", "AB"]) == 0
    capsys.readouterr()

    code = main(["submit", HOME, "2026-09", "--by", "AB", "--confirm-warnings"])
    err = capsys.readouterr().err
    assert code == 1
    assert "cannot be sent before its window opens on Tuesday 8 September 2026" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1

    code = main(["no-changes", "--all", "2026-09", "--by", "AB"])
    err = capsys.readouterr().err
    assert code == 1 and "before its window opens on Tuesday 8 September 2026" in err
