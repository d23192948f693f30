"""As the deadline nears, a month the tracker has not accepted is the loudest line of its card, with what to do."""

from __future__ import annotations

import datetime as dt

import pytest
from sample_returns import CARE_HOME, HOME_CARE, as_asked, care_home_values, home_care_return

from ct_desktop.collection_window import LONDON
from ct_desktop.period import Period
from ct_desktop.settings import Settings
from ct_desktop.store import open_store
from ct_desktop.ui.context import AppContext, AppEvents
from ct_desktop.ui.home_view import HomeView
from ct_desktop.ui.tasks import TaskRunner
from ct_desktop.ui.theme import ERROR_TONE, WARNING_TONE

DECEMBER = Period(2026, 12)


@pytest.fixture
def context(qtbot, isolated_data_dir, clock):
    """The app's context with its store on the test's clock too (a return is queued in the December window)."""
    clock.moment = dt.datetime(2026, 12, 9, 10, 0, tzinfo=LONDON)
    store = open_store(isolated_data_dir, clock=clock)
    tasks = TaskRunner()
    yield AppContext(data_dir=isolated_data_dir, store=store, tasks=tasks, settings=Settings(person="AB"),
                     events=AppEvents(), clock=clock)
    tasks.shutdown()
    qtbot.wait(10)
    store.close()


@pytest.fixture
def view(qtbot, context, clock):
    context.store.add_location(CARE_HOME)
    context.store.add_location(HOME_CARE)
    home = HomeView(context)
    qtbot.addWidget(home)
    return home


def queue(context, location_id: str, values: dict):
    context.store.set_values(location_id, DECEMBER, values, "AB")
    return context.store.submit(location_id, DECEMBER, "AB", confirm_warnings=True).item


def test_a_queued_month_not_with_the_tracker_warns_in_red_hours_before_the_deadline(qtbot, context, clock, view):
    queue(context, "1-101", as_asked("care_home", DECEMBER, care_home_values()))
    sent = queue(context, "1-202", as_asked("home_care", DECEMBER, home_care_return()))
    context.store.mark_accepted(sent.submission_id, 1, "2026-12-10T10:00:00+00:00", "R-1-202")
    clock.moment = dt.datetime(2026, 12, 14, 18, 0, tzinfo=LONDON)
    view.refresh()

    card = view.cards["1-101"]
    assert not card.deadline_label.isHidden()
    words = card.deadline_label.accessibleName()
    assert words.startswith("URGENT: Not yet with the tracker: the window closes at the end of Monday 14 December "
                            "(in 6 hours). Connect to the tracker and Send now (F5)")
    assert "tracker's web page" in words
    assert card.deadline_label.tone == ERROR_TONE
    assert words in card.accessibleDescription()  # read out with the card
    # Accepted inside the window: nothing to warn about.
    assert view.cards["1-202"].deadline_label.accessibleName() == ""


def test_early_in_the_window_the_warning_is_amber_and_says_what_to_do(context, clock, view):
    card = view.cards["1-101"]
    assert card.deadline_label.tone == WARNING_TONE
    assert card.deadline_label.accessibleName() == (
        "Not started: the window closes at the end of Monday 14 December (in 5 days). Start the return, or use "
        "No changes — save page if nothing changed since the last one.")


def test_no_warning_once_the_window_has_closed_or_while_the_location_is_closed(context, clock, view):
    context.store.record_closure("1-202", dt.date(2026, 12, 1), None, "AB")
    view.refresh()
    assert view.cards["1-202"].deadline_label.accessibleName() == ""
    assert view.cards["1-101"].deadline_label.accessibleName() != ""
    clock.moment = dt.datetime(2026, 12, 15, 0, 0, tzinfo=LONDON)
    view.refresh()
    assert view.cards["1-101"].deadline_label.accessibleName() == ""
