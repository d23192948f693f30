"""What counts is what the tracker accepted inside the window, by its own accepted time: window edges at 23:59
and 00:00 London time, a due date moved by a bank holiday, the clocks changing, and the enforcement trigger."""

from __future__ import annotations

import datetime as dt

from ct_desktop.collection_window import LONDON, collection_window
from ct_desktop.compliance import (
    Outcome,
    deadline_status,
    enforcement_record,
    time_left_words,
    window_record,
)
from ct_desktop.models import AcceptedRevision, Closure, Location
from ct_desktop.period import Period

HOME = Location("1-101", "Sunny Care", "care_home")
SEPTEMBER, DECEMBER = Period(2026, 9), Period(2026, 12)
APRIL_2028 = Period(2028, 4)  # the 14th is Good Friday, the 17th Easter Monday: due Tuesday 18 April
LONG_AFTER = dt.datetime(2029, 1, 20, 12, 0, tzinfo=LONDON)


def accepted(period: Period, at: dt.datetime, revision: int = 1) -> AcceptedRevision:
    return AcceptedRevision(HOME.id, period, revision, f"sub-{period}-{revision}", at.isoformat(),
                            f"R-{period}-{revision}", {"values": {}})


def london(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=LONDON)


def outcome(period: Period, at: dt.datetime) -> Outcome:
    return window_record(collection_window(period), [accepted(period, at)], [], LONG_AFTER).outcome


# The edges of a window, by the tracker's accepted time ----------------------------------------------


def test_accepted_at_23_59_on_the_due_day_is_met_and_at_00_00_the_day_after_is_late():
    assert outcome(SEPTEMBER, london(2026, 9, 14, 23, 59, 59)) is Outcome.MET
    assert outcome(SEPTEMBER, london(2026, 9, 15, 0, 0)) is Outcome.LATE


def test_accepted_before_00_00_on_the_8th_does_not_count_for_the_window():
    assert outcome(SEPTEMBER, london(2026, 9, 7, 23, 59)) is Outcome.MISSED
    assert outcome(SEPTEMBER, london(2026, 9, 8, 0, 0)) is Outcome.MET


def test_a_due_date_moved_by_the_easter_bank_holidays_counts_until_the_end_of_the_tuesday():
    window = collection_window(APRIL_2028)
    assert window.due == dt.date(2028, 4, 18)
    assert outcome(APRIL_2028, london(2028, 4, 17, 22, 0)) is Outcome.MET  # Easter Monday
    assert outcome(APRIL_2028, london(2028, 4, 18, 23, 59)) is Outcome.MET
    assert outcome(APRIL_2028, london(2028, 4, 19, 0, 0)) is Outcome.LATE
    status = deadline_status(window, "queued", [], london(2028, 4, 17, 18, 0))
    assert status.words == ("not yet with the tracker: the window closes at the end of Tuesday 18 April "
                            "(in 30 hours)")


def test_the_trackers_utc_time_is_read_in_london_time_summer_and_winter():
    # 23:30 UTC on the 14th: 00:30 on the 15th in September (BST), still 23:30 on the 14th in December (GMT).
    utc = dt.UTC
    assert outcome(SEPTEMBER, dt.datetime(2026, 9, 14, 23, 30, tzinfo=utc)) is Outcome.LATE
    assert outcome(SEPTEMBER, dt.datetime(2026, 9, 14, 22, 59, tzinfo=utc)) is Outcome.MET
    assert outcome(DECEMBER, dt.datetime(2026, 12, 14, 23, 30, tzinfo=utc)) is Outcome.MET
    assert outcome(DECEMBER, dt.datetime(2026, 12, 15, 0, 0, tzinfo=utc)) is Outcome.LATE


def test_the_first_revision_inside_the_window_is_the_one_that_counts():
    late_again = accepted(SEPTEMBER, london(2026, 9, 20, 9, 0), revision=2)
    on_time = accepted(SEPTEMBER, london(2026, 9, 10, 9, 0), revision=1)
    record = window_record(collection_window(SEPTEMBER), [late_again, on_time], [], LONG_AFTER)
    assert (record.outcome, record.accepted.revision) == (Outcome.MET, 1)
    assert "accepted at 09:00 on Thursday 10 September 2026 (revision 1" in record.detail()


# Deadline truth --------------------------------------------------------------------------------------


def test_a_queued_return_on_the_due_day_is_at_risk_with_the_hours_left_in_words():
    window = collection_window(DECEMBER)
    status = deadline_status(window, "queued", [], london(2026, 12, 14, 18, 0))
    assert (status.at_risk, status.urgent, status.counts_for_window) == (True, True, False)
    assert status.words == "not yet with the tracker: the window closes at the end of Monday 14 December (in 6 hours)"
    assert status.as_dict()["seconds_left"] == 6 * 3600


def test_once_accepted_inside_the_window_it_counts_and_is_no_longer_at_risk():
    window = collection_window(DECEMBER)
    status = deadline_status(window, "accepted", ["2026-12-14T17:59:00+00:00"], london(2026, 12, 14, 18, 0))
    assert (status.counts_for_window, status.at_risk, status.words) == (True, False, None)


def test_before_the_window_opens_and_after_it_closes_nothing_is_at_risk():
    window = collection_window(DECEMBER)
    assert not deadline_status(window, "queued", [], london(2026, 12, 7, 23, 59)).at_risk
    assert deadline_status(window, "queued", [], london(2026, 12, 8, 0, 0)).at_risk
    closed = deadline_status(window, "queued", [], london(2026, 12, 15, 0, 0))
    assert (closed.at_risk, closed.counts_for_window) == (False, False)


def test_a_return_not_sent_says_so_and_is_urgent_only_in_the_last_days():
    window = collection_window(DECEMBER)
    early = deadline_status(window, None, [], london(2026, 12, 9, 10, 0))
    assert early.at_risk and not early.urgent
    assert early.words == "not started: the window closes at the end of Monday 14 December (in 5 days)"
    assert deadline_status(window, "draft", [], london(2026, 12, 12, 10, 0)).urgent


def test_time_left_in_words():
    assert time_left_words(dt.timedelta(minutes=40, seconds=30)) == "in 40 minutes"
    assert time_left_words(dt.timedelta(hours=1)) == "in 1 hour"
    assert time_left_words(dt.timedelta(hours=47, minutes=59)) == "in 47 hours"
    assert time_left_words(dt.timedelta(days=3, hours=5)) == "in 3 days"


# The enforcement record and the trigger ------------------------------------------------------------


def on_time(period: Period) -> AcceptedRevision:
    return accepted(period, london(period.year, period.month, 9, 10, 0))


def test_two_missed_in_a_row_say_a_third_would_allow_a_notice_of_intent():
    added = london(2026, 5, 1, 9, 0)
    revisions = [on_time(Period(2026, 5)), on_time(Period(2026, 6)), on_time(Period(2026, 7)),
                 accepted(Period(2026, 8), london(2026, 8, 20, 9, 0))]  # August late; September missed
    record = enforcement_record(HOME, added, revisions, [], london(2026, 10, 9, 12, 0))

    assert [(str(r.period), r.outcome) for r in record.windows] == [
        ("2026-10", Outcome.OPEN), ("2026-09", Outcome.MISSED), ("2026-08", Outcome.LATE),
        ("2026-07", Outcome.MET), ("2026-06", Outcome.MET), ("2026-05", Outcome.MET)]
    trigger = record.trigger
    assert (trigger.missed_in_a_row, trigger.council_at_risk, trigger.notice_of_intent_possible) == (2, True, False)
    assert "2 missed in a row (councils flag the location at risk) — a third would allow a notice of intent" \
        in trigger.words
    assert any(word.startswith("October 2026 would be the one that allows it: the window closes at the end of "
                               "Wednesday 14 October") for word in trigger.words)


def test_four_of_the_last_twelve_missed_allow_a_notice_of_intent():
    added = london(2025, 10, 1, 9, 0)
    missed = {Period(2025, 11), Period(2026, 2), Period(2026, 5), Period(2026, 8)}
    revisions = []
    period = Period(2025, 10)
    while period <= Period(2026, 9):
        if period not in missed:
            revisions.append(on_time(period))
        period = period.next()
    record = enforcement_record(HOME, added, revisions, [], london(2026, 10, 2, 12, 0))  # October not open yet

    assert record.windows[0].period == Period(2026, 9) and len(record.windows) == 12
    trigger = record.trigger
    assert (trigger.missed_in_a_row, trigger.missed_in_last_twelve, trigger.notice_of_intent_possible) == \
        (0, 4, True)
    assert "4 of the last 12 missed: a notice of intent may follow (4 in 12 allow one)" in trigger.words


def test_a_temporary_closure_excuses_the_windows_whose_due_day_it_covers():
    added = london(2026, 6, 1, 9, 0)
    closure = Closure(HOME.id, dt.date(2026, 7, 10), dt.date(2026, 8, 31), "AB", london(2026, 7, 10, 8, 0))
    revisions = [on_time(Period(2026, 6)), on_time(Period(2026, 9))]
    record = enforcement_record(HOME, added, revisions, [closure], london(2026, 9, 20, 12, 0))

    outcomes = {str(r.period): r.outcome for r in record.windows}
    assert outcomes == {"2026-09": Outcome.MET, "2026-08": Outcome.EXCUSED, "2026-07": Outcome.EXCUSED,
                        "2026-06": Outcome.MET}
    assert record.trigger.missed_in_last_twelve == 0
    assert "temporarily closed from Friday 10 July 2026 to Monday 31 August 2026 (recorded by AB" in \
        record.windows[1].detail()


def test_the_record_begins_with_the_window_the_location_was_added_in_or_the_trackers_earliest():
    moment = london(2026, 12, 20, 12, 0)
    # Added on 20 November, after November's window closed: December is its first.
    record = enforcement_record(HOME, london(2026, 11, 20, 9, 0), [], [], moment)
    assert [str(r.period) for r in record.windows] == ["2026-12"]
    assert record.windows[0].outcome is Outcome.MISSED
    assert record.trigger.words == ("the last window was missed", "1 of the 1 window so far missed")
    # ... unless the tracker holds an earlier return of it.
    record = enforcement_record(HOME, london(2026, 11, 20, 9, 0), [on_time(Period(2026, 9))], [], moment)
    assert [(str(r.period), r.outcome) for r in record.windows] == [
        ("2026-12", Outcome.MISSED), ("2026-11", Outcome.MISSED), ("2026-10", Outcome.MISSED),
        ("2026-09", Outcome.MET)]
    assert record.trigger.notice_of_intent_possible
    assert record.trigger.words[0] == "3 missed in a row: a notice of intent may follow (3 in a row allow one)"
