"""Which months a return can be made for (London time, the store's clock), and the one location id format,
checked in the core: the store refuses to queue a month that cannot be sent and keeps a tracker's names
free of control characters."""

from __future__ import annotations

import datetime as dt

import pytest
from sample_returns import care_home_values

from ct_desktop.collection_window import LONDON, MANDATE_BEGAN, current_period, unsendable_period_problem
from ct_desktop.location_id import is_location_id, location_id_problem
from ct_desktop.models import Location
from ct_desktop.period import Period
from ct_desktop.store import LifecycleError, StoreError, lifecycle

HOME = "1-101"
OCTOBER = Period(2026, 10)


def test_the_current_month_is_london_time():
    # 23:30 UTC on 30 September is 00:30 on 1 October in London (summer time).
    assert current_period(dt.datetime(2026, 9, 30, 23, 30, tzinfo=dt.UTC)) == OCTOBER
    assert current_period(dt.datetime(2026, 9, 30, 22, 30, tzinfo=dt.UTC)) == Period(2026, 9)


def test_months_from_july_2022_to_this_one_can_be_sent():
    moment = dt.datetime(2026, 9, 9, 10, 0, tzinfo=LONDON)
    assert Period(2022, 7) == MANDATE_BEGAN
    for period in (Period(2022, 7), Period(2025, 1), Period(2026, 9)):
        assert unsendable_period_problem(period, moment) is None
    assert unsendable_period_problem(Period(2026, 10), moment) == (
        "no return for October 2026 (2026-10): that month has not come yet (this month is September 2026); "
        "only 2022-07 to 2026-09 can be entered or sent")
    assert "the monthly return began in July 2022" in unsendable_period_problem(Period(2022, 6), moment)


def test_the_store_queues_a_month_only_once_it_has_begun_in_london(store, clock):
    store.set_values(HOME, OCTOBER, care_home_values(), "AB")
    clock.moment = dt.datetime(2026, 9, 30, 22, 30, tzinfo=dt.UTC)  # 23:30 on 30 September in London
    for attempt in (lambda: store.submit(HOME, OCTOBER, "AB", confirm_warnings=True),
                    lambda: store.no_changes(HOME, OCTOBER, "AB"), lambda: store.check_no_changes(HOME, OCTOBER)):
        with pytest.raises(LifecycleError, match="that month has not come yet") as refused:
            attempt()
        assert refused.value.reason == lifecycle.MONTH_NOT_SENDABLE
    assert store.outbox_items() == []
    # 00:30 on 1 October in London: October has begun; what stops it now is its window, open from the 8th.
    clock.moment = dt.datetime(2026, 9, 30, 23, 30, tzinfo=dt.UTC)
    with pytest.raises(LifecycleError, match="before its window opens on Thursday 8 October 2026") as refused:
        store.submit(HOME, OCTOBER, "AB", confirm_warnings=True)
    assert refused.value.reason == lifecycle.WINDOW_NOT_OPEN
    clock.moment = dt.datetime(2026, 10, 7, 23, 30, tzinfo=dt.UTC)  # 00:30 on 8 October in London
    assert store.submit(HOME, OCTOBER, "AB", confirm_warnings=True).item.period == OCTOBER


def test_the_store_never_queues_a_month_before_the_mandate(store):
    with pytest.raises(LifecycleError, match="began in July 2022"):
        store.submit(HOME, Period(2022, 6), "AB")


@pytest.mark.parametrize("text", ["1-101", "1-123456789", "RX1.2_3", "a" * 64, "A..b"])
def test_location_ids_of_the_format(text):
    assert is_location_id(text) and location_id_problem(text) is None


@pytest.mark.parametrize("text", ["", "../etc", "a/b", "..", ".hidden", "-1", "1 101", "1-101\n", "a" * 65,
                                  "1-1\x1b[2J", "\u0661-101", "1-101\\x", "é-1"])
def test_what_is_not_a_location_id(text):
    assert not is_location_id(text)
    problem = location_id_problem(text)
    assert "is not a location id" in problem and "\x1b" not in problem and "\n" not in problem


@pytest.mark.parametrize("text", ["1-101", "RX1.2_3", "a" * 64, "a" * 65, "../etc", "a/b", "..", "-1", "\u0661-101"])
def test_the_tracker_takes_the_same_ids(text):
    from ct_tracker.cli import CliError, parse_location

    try:
        parse_location(f"{text}:Somewhere:care_home")
        tracker_takes = True
    except CliError:
        tracker_takes = False
    assert tracker_takes == is_location_id(text)


def test_a_location_the_tracker_lists_with_a_bad_id_is_refused(store):
    with pytest.raises(StoreError, match="is not a location id"):
        store.upsert_location(Location("../etc", "Somewhere", "care_home"))
    assert "../etc" not in [location.id for location in store.locations()]


def test_control_characters_in_a_trackers_names_are_replaced_not_shown(store):
    store.upsert_location(Location("1-303", "Rose\x1b[2J House\u202e", "care_home", "Le\x07eds", "North\r"))
    kept = store.location("1-303")
    assert kept.name == "Rose\ufffd[2J House\ufffd"
    assert (kept.local_authority, kept.region) == ("Le\ufffdeds", "North ")


def test_a_name_typed_with_control_characters_is_refused(store):
    with pytest.raises(StoreError, match="control characters"):
        store.add_location(Location("1-303", "Rose\x1b[31m House", "care_home"))
    with pytest.raises(StoreError, match="at most 200"):
        store.add_location(Location("1-303", "R" * 201, "care_home"))
