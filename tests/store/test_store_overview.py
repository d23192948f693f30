"""A month at a glance: every location's line from a few queries says what asking each one would say."""

from __future__ import annotations

import datetime as dt

from ct_desktop.models import Location, ReturnState
from ct_desktop.period import Period

AUGUST, SEPTEMBER = Period(2026, 8), Period(2026, 9)
HOME, AGENCY, NEW = "1-101", "1-202", "1-303"


def one_by_one(store, period):
    """What status asked of each location before there was an overview: the slow, obviously right way."""
    lines = {}
    for location in store.locations():
        draft = store.get_return(location.id, period)
        last = store.last_accepted(location.id)
        items = store.outbox_items(location.id)
        lines[location.id] = (
            draft.state if draft else None, draft.updated_at if draft else None,
            last.period if last else None, last.revision if last else None, len(items),
            sum(1 for item in items if item.set_aside_reason),
            next((item.last_error for item in reversed(items) if item.last_error), None))
    return lines


def test_the_overview_of_a_month_says_for_each_location_what_asking_it_alone_says(
        store, accept, summer_care_home_values, care_home_values, home_care_values, clock):
    store.add_location(Location(NEW, "Willow Lodge", "care_home"))
    accept(store, HOME, AUGUST, summer_care_home_values, revision=1)
    accept(store, HOME, AUGUST, dict(summer_care_home_values, beds_occupied=30), revision=2)
    store.set_values(HOME, SEPTEMBER, care_home_values, "AB")
    first = store.submit(HOME, SEPTEMBER, "AB", confirm_warnings=True).item
    store.begin_attempt(first.submission_id)
    store.record_attempt_failure(first.submission_id, "the tracker could not be reached",
                                 clock() + dt.timedelta(minutes=1))
    store.set_values(AGENCY, Period(2026, 7), home_care_values, "CD")
    aside = store.submit(AGENCY, Period(2026, 7), "CD", confirm_warnings=True).item
    store.set_aside(aside.submission_id, "the tracker refused it 50 times")

    for period in (Period(2026, 7), AUGUST, SEPTEMBER):
        lines = store.month_overview(period)
        assert {key: (line.state, line.updated_at, line.last_accepted, line.last_accepted_revision, line.outbox,
                      line.set_aside, line.last_error) for key, line in lines.items()} == one_by_one(store, period)
    september = store.month_overview(SEPTEMBER)
    assert (september[HOME].state, september[HOME].last_accepted, september[HOME].last_accepted_revision) == (
        ReturnState.QUEUED, AUGUST, 2)
    assert september[HOME].last_error == "the tracker could not be reached"
    assert (september[AGENCY].state, september[AGENCY].outbox, september[AGENCY].set_aside) == (None, 1, 1)
    assert september[NEW] == september[NEW].nothing_yet(NEW)
