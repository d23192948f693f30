"""The home view: each location's state in words, the collection window, and "No changes — save page"."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from sample_returns import CARE_HOME, HOME_CARE, accept, care_home_values, home_care_values, summer_care_home_values

from ct_desktop.collection_window import LONDON
from ct_desktop.models import Location, ReturnState
from ct_desktop.period import Period
from ct_desktop.ui.home_view import HomeView

JUNE, JULY, AUGUST, SEPTEMBER = Period(2026, 6), Period(2026, 7), Period(2026, 8), Period(2026, 9)


def all_text(widget) -> str:
    return " ".join(label.text() for label in widget.findChildren(QLabel))


@pytest.fixture
def view(qtbot, context):
    context.store.add_location(CARE_HOME)
    context.store.add_location(HOME_CARE)
    home = HomeView(context)
    qtbot.addWidget(home)
    return home


def test_each_state_is_shown_in_words_as_well_as_colour(qtbot, context, view):
    store = context.store
    extra = [Location(f"1-90{n}", f"Home {n}", "care_home") for n in range(4)]
    for location in extra:
        store.add_location(location)
    store.set_values("1-900", SEPTEMBER, {"beds_max_capacity": 40}, "CD")  # draft
    store.set_values("1-901", SEPTEMBER, care_home_values(), "AB")
    store.submit("1-901", SEPTEMBER, "AB", confirm_warnings=True)  # queued
    accept(store, "1-902", SEPTEMBER, care_home_values(), accepted_at="2026-09-08T11:00:00+01:00")
    store.set_values("1-903", SEPTEMBER, care_home_values(), "AB")
    sent = store.submit("1-903", SEPTEMBER, "AB", confirm_warnings=True)
    store.begin_attempt(sent.item.submission_id)
    store.mark_rejected(sent.item.submission_id, {"beds_occupied": "more beds than the home has"})
    view.refresh()

    badges = {key: card.badge.text() for key, card in view.cards.items()}
    assert badges == {"1-101": "Not started", "1-202": "Not started", "1-900": "Draft", "1-901": "Queued to send",
                      "1-902": "Accepted", "1-903": "Refused — needs changes"}
    assert "1 answer saved; last change by CD" in view.cards["1-900"].detail_label.text()
    assert "receipt CT-1-902-2026-09-r1" in view.cards["1-902"].detail_label.text()
    assert "refused it: Beds occupied: more beds than the home has" in view.cards["1-903"].detail_label.text()
    assert "beds_occupied" not in view.cards["1-903"].detail_label.text()  # the question, not its key
    assert view.cards["1-902"].accessibleName() == "Home 2: Accepted"
    # Nothing left to do for a queued or accepted month, and the button says why.
    assert not view.cards["1-901"].no_changes_button.isEnabled()
    assert "already queued to send" in view.cards["1-901"].no_changes_button.toolTip()
    assert view.cards["1-101"].no_changes_button.isEnabled()


def test_the_window_and_the_last_accepted_month_are_shown(context, view):
    accept(context.store, "1-202", AUGUST, home_care_values(), accepted_at="2026-08-12T15:40:00+01:00")
    view.refresh()
    assert view.window_label.text() == ("September 2026: opens Tuesday 8 September 2026; due by the end of "
                                        "Monday 14 September 2026 — open, 5 days left")
    card = view.cards["1-202"]
    assert card.last_label.text() == "Last accepted: August 2026, on 12 Aug 2026"
    assert "If nothing changed since August 2026, use No changes." in card.detail_label.text()
    assert view.cards["1-101"].last_label.text() == "Last accepted: none yet"


def test_the_month_picker_goes_back_for_a_late_return_but_not_past_this_month(qtbot, context, view):
    assert not view.picker.next_button.isEnabled()
    qtbot.mouseClick(view.picker.previous_button, Qt.MouseButton.LeftButton)
    assert view.period == AUGUST
    assert view.window_label.text().startswith("August 2026: closed — was due by the end of Friday 14 August 2026")
    assert view.cards["1-101"].status.period == AUGUST
    qtbot.mouseClick(view.picker.today_button, Qt.MouseButton.LeftButton)
    assert view.period == SEPTEMBER
    view.picker.set_period(Period(2027, 1))
    assert view.period == SEPTEMBER


def test_no_changes_shows_what_it_sends_asks_to_confirm_then_queues(qtbot, context, clock, view):
    clock.moment = dt.datetime(2026, 7, 9, 10, 0, tzinfo=LONDON)
    accept(context.store, "1-101", JUNE, summer_care_home_values(), accepted_at="2026-06-10T09:00:00+01:00")
    view.picker.set_period(JULY)
    card = view.cards["1-101"]
    assert card.badge.text() == "Not started"

    qtbot.mouseClick(card.no_changes_button, Qt.MouseButton.LeftButton)
    dialog = view.no_changes_dialog
    assert dialog is not None and dialog.isVisible()
    shown = all_text(dialog)
    assert "unchanged copy of the return accepted for June 2026 (revision 1, accepted on 10 Jun 2026)" in shown
    assert "Reviewed by <b>AB</b> now: 10:00 on Thursday 9 July 2026" in shown
    assert "<b>40</b>" in shown  # maximum bed capacity
    assert "<b>5</b>" in shown  # beds vacant: 1 reserved + 2 accepting + 2 unavailable
    assert not dialog.queue_button.isEnabled()  # the review must be confirmed first

    dialog.confirm_box.setChecked(True)
    qtbot.mouseClick(dialog.queue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: card.badge.text() == "Queued to send", timeout=2000)
    assert not dialog.isVisible()
    draft = context.store.get_return("1-101", JULY)
    assert draft.state is ReturnState.QUEUED and draft.no_changes and draft.reviewed_by == "AB"
    [item] = context.store.outbox_items()
    assert item.payload["no_changes"] is True
    assert "Queued July 2026 as unchanged, reviewed by AB" in card.notice_text
    qtbot.waitUntil(lambda: view.no_changes_dialog is None, timeout=2000)


def test_no_changes_in_september_is_refused_with_the_flu_questions_named(qtbot, context, view):
    accept(context.store, "1-101", AUGUST, summer_care_home_values())
    card = view.cards["1-101"]
    qtbot.mouseClick(card.no_changes_button, Qt.MouseButton.LeftButton)
    dialog = view.no_changes_dialog

    # Said at once, before anyone is asked to confirm a review that could not be sent.
    message = dialog.message.text()
    assert not dialog.confirm_box.isEnabled() and dialog.open_button.isDefault()
    assert message.startswith("September 2026 asks for answers the return accepted for August 2026 does not have")
    assert "Directly employed staff with this season's flu vaccination" in message
    assert "flu_vacc_direct" not in message  # the question's label, not its key
    assert "Open the return to answer what this month asks" in message
    assert dialog.isVisible() and not dialog.queue_button.isEnabled()
    assert context.store.outbox_items() == []
    assert context.store.get_return("1-101", SEPTEMBER) is None
    dialog.reject()
    qtbot.waitUntil(lambda: "this season's flu vaccination" in card.notice_text, timeout=2000)
    assert card.badge.text() == "Not started"


def test_no_changes_without_an_accepted_return_says_there_is_nothing_to_copy(qtbot, view):
    card = view.cards["1-202"]
    qtbot.mouseClick(card.no_changes_button, Qt.MouseButton.LeftButton)
    assert view.no_changes_dialog is None
    assert card.notice_text.startswith("There is no accepted return before September 2026 for Home Help, so there "
                                       "is nothing to copy.")


def test_no_changes_over_a_draft_is_refused_and_names_who_edited_it(qtbot, context, view):
    accept(context.store, "1-101", AUGUST, summer_care_home_values())
    context.store.set_values("1-101", SEPTEMBER, {"beds_occupied": 30}, "CD")
    view.refresh()
    card = view.cards["1-101"]
    qtbot.mouseClick(card.no_changes_button, Qt.MouseButton.LeftButton)
    dialog = view.no_changes_dialog
    dialog.confirm_box.setChecked(True)
    dialog.accept()
    assert "already has a draft with 1 answered question" in dialog.message.text()
    assert "by CD" in dialog.message.text()
    assert "Open the return to finish the draft" in dialog.message.text()
    dialog.reject()


def test_open_and_history_buttons_and_keyboard_selection(qtbot, view):
    opened, histories = [], []
    view.open_requested.connect(lambda key, period: opened.append((key, period)))
    view.history_requested.connect(lambda key, period: histories.append((key, period)))
    view.show()
    qtbot.waitExposed(view)
    ids = list(view.cards)
    assert view.selected_id == ids[0]
    view.cards[ids[0]].setFocus()
    qtbot.keyClick(view.cards[ids[0]], Qt.Key.Key_Down)
    assert view.focusWidget() is view.cards[ids[1]]
    assert view.selected_id == ids[1]
    view.open_selected()
    view.history_of_selected()
    assert opened == [(ids[1], SEPTEMBER)] and histories == [(ids[1], SEPTEMBER)]
    qtbot.mouseClick(view.cards[ids[0]].open_button, Qt.MouseButton.LeftButton)
    assert opened[-1] == (ids[0], SEPTEMBER) and view.selected_id == ids[0]


def test_no_locations_offers_to_connect_or_add_one(qtbot, context):
    home = HomeView(context)
    qtbot.addWidget(home)
    assert home.cards == {}
    assert not home._empty.isHidden()
    assert "No locations yet" in all_text(home)
