"""Reminders that work offline: when the window opens, two days before the due date and on the due day, once
each, about the locations whose month the tracker has not accepted; on a test clock."""

from __future__ import annotations

import datetime as dt

from sample_returns import as_asked, care_home_values, home_care_return

from ct_desktop.collection_window import LONDON
from ct_desktop.period import Period
from ct_desktop.reminders import (
    deadlines_now,
    group_words,
    load_told,
    reminders_due,
    reminders_path,
    save_told,
)

HOME, AGENCY = "1-101", "1-202"
DECEMBER = Period(2026, 12)


def at(clock, *args: int) -> dt.datetime:
    clock.moment = dt.datetime(*args, tzinfo=LONDON)
    return clock.moment


def told_now(store, clock, told: set[str]) -> list:
    """What the tray would show now, remembered as told."""
    due = reminders_due(clock(), deadlines_now(store, clock()), told)
    for reminder in due:
        told |= reminder.keys
    return due


def send(store, clock, location_id: str, values: dict, accepted_at: str | None) -> None:
    store.set_values(location_id, DECEMBER, values, "AB")
    item = store.submit(location_id, DECEMBER, "AB", confirm_warnings=True).item
    if accepted_at:
        store.mark_accepted(item.submission_id, 1, accepted_at, f"R-{location_id}")


def test_nothing_is_said_before_the_window_opens(store, clock):
    at(clock, 2026, 12, 7, 23, 59)
    assert told_now(store, clock, set()) == []


def test_the_window_opening_is_told_once_naming_every_location(store, clock):
    told: set[str] = set()
    at(clock, 2026, 12, 8, 0, 0)
    [reminder] = told_now(store, clock, told)
    assert reminder.title == "The December 2026 window is open"
    assert reminder.text.startswith("Not yet with the tracker: Home Help, Sunny Care. The window closes at the end "
                                    "of Monday 14 December (in 7 days)")
    clock.advance(hours=5)
    assert told_now(store, clock, told) == []  # not on every check


def test_two_days_before_and_on_the_due_day_only_the_month_not_with_the_tracker_is_told(store, clock):
    told: set[str] = set()
    at(clock, 2026, 12, 9, 10, 0)
    send(store, clock, HOME, as_asked("care_home", DECEMBER, care_home_values()), None)  # queued, offline
    send(store, clock, AGENCY, as_asked("home_care", DECEMBER, home_care_return()), "2026-12-09T10:05:00+00:00")
    assert [r.title for r in told_now(store, clock, told)] == ["The December 2026 window is open"]

    at(clock, 2026, 12, 11, 23, 59)
    assert told_now(store, clock, told) == []  # three days left: not yet
    at(clock, 2026, 12, 12, 9, 0)  # Saturday, two days before Monday the 14th
    [soon] = told_now(store, clock, told)
    assert soon.title == "December 2026 return due soon"
    assert "Not yet with the tracker: Sunny Care." in soon.text
    assert "Home Help" not in soon.text  # accepted inside the window
    at(clock, 2026, 12, 13, 9, 0)
    assert told_now(store, clock, told) == []  # told once for the stage

    at(clock, 2026, 12, 14, 18, 0)
    [today] = told_now(store, clock, told)
    assert today.title == "December 2026 return due today"
    assert "The window closes at the end of Monday 14 December (in 6 hours)" in today.text
    at(clock, 2026, 12, 15, 0, 0)
    assert told_now(store, clock, told) == []  # closed: reminders end


def test_a_start_on_the_due_day_tells_only_the_due_day(store, clock):
    at(clock, 2026, 12, 14, 8, 0)
    assert [r.title for r in told_now(store, clock, set())] == ["December 2026 return due today"]


def test_a_due_date_moved_by_bank_holidays_moves_the_reminders(store, clock):
    # April 2028: the 14th is Good Friday and the 17th Easter Monday, so it is due on Tuesday 18 April.
    told: set[str] = set()
    at(clock, 2028, 4, 14, 9, 0)
    assert [r.title for r in told_now(store, clock, told)] == ["The April 2028 window is open"]
    at(clock, 2028, 4, 15, 9, 0)
    assert told_now(store, clock, told) == []
    at(clock, 2028, 4, 16, 9, 0)
    [soon] = told_now(store, clock, told)
    assert soon.title == "April 2028 return due soon"
    assert "closes at the end of Tuesday 18 April (in 2 days)" in soon.text


def test_a_location_closed_today_is_not_reminded(store, clock):
    store.record_closure(HOME, dt.date(2026, 12, 1), None, "AB")
    at(clock, 2026, 12, 8, 9, 0)
    [reminder] = told_now(store, clock, set())
    assert "Home Help" in reminder.text and "Sunny Care" not in reminder.text


def test_the_status_bar_line_counts_the_group(store, clock):
    at(clock, 2026, 12, 14, 18, 0)
    assert group_words(deadlines_now(store, clock()), clock()) == ("2 locations not yet with the tracker — "
                                                                   "window closes in 6 hours")
    at(clock, 2026, 12, 16, 9, 0)
    assert group_words(deadlines_now(store, clock()), clock()) is None


def test_what_was_told_survives_a_restart_and_old_months_are_dropped(isolated_data_dir, clock):
    at(clock, 2026, 12, 9, 9, 0)
    save_told(isolated_data_dir, {"2026-12/opens/1-101", "2026-11/due_day/1-101", "2026-06/opens/1-101"}, clock())
    assert load_told(isolated_data_dir) == {"2026-12/opens/1-101", "2026-11/due_day/1-101"}
    reminders_path(isolated_data_dir).write_text("{not json", encoding="utf-8")
    assert load_told(isolated_data_dir) == set()  # a reminder too many rather than one lost
