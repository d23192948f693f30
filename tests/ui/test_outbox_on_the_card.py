"""A submission in the outbox, from its location's card: Try again (set aside) and Dismiss… (after a
confirmation that says the return stays saved and is not sent)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sample_returns import CARE_HOME, HOME_CARE, care_home_values

from ct_desktop.models import HistoryAction, ReturnState
from ct_desktop.period import Period
from ct_desktop.ui.home_view import HomeView

SEPTEMBER = Period(2026, 9)
REASON = "the tracker says this token may not send for 1-101 (403)"


@pytest.fixture
def view(qtbot, context):
    context.store.add_location(CARE_HOME)
    context.store.add_location(HOME_CARE)
    home = HomeView(context)
    qtbot.addWidget(home)
    home.show()
    return home


def queue(context) -> str:
    context.store.set_values(CARE_HOME.id, SEPTEMBER, care_home_values(), "AB")
    return context.store.submit(CARE_HOME.id, SEPTEMBER, "AB", confirm_warnings=True).item.submission_id


def set_aside(context) -> str:
    submission = queue(context)
    context.store.begin_attempt(submission)
    context.store.set_aside(submission, REASON)
    return submission


def answer(view: HomeView, text: str) -> None:
    box = view.dismiss_box
    assert box is not None and box.isVisible()
    [button] = [b for b in box.buttons() if b.text() == text]
    button.click()


def test_a_set_aside_return_offers_try_again_and_dismiss_and_the_others_do_not(qtbot, context, view):
    set_aside(context)
    view.refresh()
    card, other = view.cards[CARE_HOME.id], view.cards[HOME_CARE.id]
    assert card.badge.text() == "Not sent — needs a look"
    assert card.retry_button.isVisibleTo(card) and card.dismiss_button.isVisibleTo(card)
    assert not other.retry_button.isVisibleTo(other) and not other.dismiss_button.isVisibleTo(other)


def test_try_again_puts_it_back_to_go_with_the_next_send(qtbot, context, view):
    submission = set_aside(context)
    view.refresh()
    card = view.cards[CARE_HOME.id]
    qtbot.mouseClick(card.retry_button, Qt.MouseButton.LeftButton)
    [item] = context.store.outbox_items(CARE_HOME.id)
    assert (item.submission_id, item.set_aside_reason, item.tracker_answers) == (submission, None, 0)
    card = view.cards[CARE_HOME.id]
    assert card.badge.text() == "Queued to send"
    assert card.notice_text == "September 2026 goes again with the next send."
    assert not card.retry_button.isVisibleTo(card)
    retried = [e for e in context.store.history(CARE_HOME.id, SEPTEMBER) if e.action == HistoryAction.RETRIED]
    assert retried and retried[-1].by == "AB"


def test_dismiss_asks_first_saying_what_it_means_and_keeping_it_changes_nothing(qtbot, context, view):
    set_aside(context)
    view.refresh()
    qtbot.mouseClick(view.cards[CARE_HOME.id].dismiss_button, Qt.MouseButton.LeftButton)
    box = view.dismiss_box
    assert box is not None and box.windowTitle() == "Dismiss this submission?"
    assert f"It was set aside: {REASON}." in box.text()
    assert "it is not sent. It stays saved here, as a draft with every answer" in box.text()
    assert "it may have reached the tracker" in box.text()
    assert box.defaultButton().text() == "Keep it in the outbox"  # Enter keeps it
    answer(view, "Keep it in the outbox")
    [item] = context.store.outbox_items(CARE_HOME.id)
    assert item.set_aside_reason == REASON


def test_dismissing_takes_it_out_of_the_outbox_unsent_and_keeps_every_answer(qtbot, context, view):
    set_aside(context)
    view.refresh()
    qtbot.mouseClick(view.cards[CARE_HOME.id].dismiss_button, Qt.MouseButton.LeftButton)
    answer(view, "Dismiss")
    assert context.store.outbox_items(CARE_HOME.id) == []
    draft = context.store.get_return(CARE_HOME.id, SEPTEMBER)
    assert draft.state is ReturnState.DRAFT and draft.values == care_home_values()
    card = view.cards[CARE_HOME.id]
    assert card.badge.text() == "Draft"
    assert card.notice_text == "September 2026 dismissed: not sent; it is a draft again, to change and submit."
    assert not card.dismiss_button.isVisibleTo(card)


def test_a_return_waiting_to_be_sent_can_be_dismissed_but_not_retried(qtbot, context, view):
    queue(context)
    view.refresh()
    card = view.cards[CARE_HOME.id]
    assert card.dismiss_button.isVisibleTo(card) and not card.retry_button.isVisibleTo(card)
    qtbot.mouseClick(card.dismiss_button, Qt.MouseButton.LeftButton)
    assert "It has not been set aside: it is waiting to be sent." in view.dismiss_box.text()
    assert "may have reached" not in view.dismiss_box.text()  # never tried
    answer(view, "Dismiss")
    assert context.store.outbox_items(CARE_HOME.id) == []
    assert context.store.get_return(CARE_HOME.id, SEPTEMBER).state is ReturnState.DRAFT

