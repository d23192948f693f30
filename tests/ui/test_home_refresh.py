"""The home view reads again only what changed: the card of the return saved, the cards a sync run touched."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from sample_returns import CARE_HOME, HOME_CARE, accept, care_home_values

from ct_desktop.models import Location
from ct_desktop.period import Period
from ct_desktop.sync.report import SyncReport
from ct_desktop.ui.form_view import ReturnFormView
from ct_desktop.ui.location_card import LocationCard
from ct_desktop.ui.main_window import MainWindow

SEPTEMBER = Period(2026, 9)
THIRD = Location("1-303", "Third House", "care_home", "Leeds")


def card_text(card: LocationCard) -> str:
    return " ".join(label.text() for label in card.findChildren(QLabel))


@pytest.fixture
def read_cards(monkeypatch):
    """The location of every card shown again, in order."""
    read: list[str] = []
    show = LocationCard.update_status

    def spy(card, status):
        read.append(card.location_id)
        show(card, status)

    monkeypatch.setattr(LocationCard, "update_status", spy)
    return read


@pytest.fixture
def window(qtbot, context):
    for location in (CARE_HOME, HOME_CARE, THIRD):
        context.store.add_location(location)
    main = MainWindow(context, start_sync=False, use_network_information=False)
    qtbot.addWidget(main)
    main.resize(1366, 768)
    main.show()
    qtbot.waitExposed(main)
    yield main
    main.close()


def type_an_answer(qtbot, window, text: str = "31") -> None:
    window.open_return("1-101", SEPTEMBER)
    page = window.page
    assert isinstance(page, ReturnFormView)
    box = page.rows["beds_occupied"].editor.focus_target()
    box.setFocus()
    qtbot.keyClicks(box, text)
    qtbot.keyClick(box, Qt.Key.Key_Tab)


def test_a_saved_answer_shows_on_its_card_alone_after_the_keystroke(qtbot, context, window, read_cards):
    others = {key: window.home.cards[key].status for key in ("1-202", "1-303")}
    type_an_answer(qtbot, window)
    assert context.store.get_return("1-101", SEPTEMBER).values["beds_occupied"] == 31
    assert read_cards == []  # the keystroke's save did not wait for any card
    qtbot.waitUntil(lambda: "1 answer saved" in card_text(window.home.cards["1-101"]), timeout=2000)
    assert read_cards == ["1-101"]
    assert {key: window.home.cards[key].status for key in others} == others  # the same, not read again


def test_many_answers_saved_in_a_row_read_their_card_once(qtbot, context, window, read_cards):
    window.open_return("1-101", SEPTEMBER)
    page = window.page
    assert isinstance(page, ReturnFormView)
    for key, text in (("beds_occupied", "31"), ("beds_max_capacity", "40")):
        box = page.rows[key].editor.focus_target()
        box.setFocus()
        qtbot.keyClicks(box, text)
        qtbot.keyClick(box, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: "2 answers saved" in card_text(window.home.cards["1-101"]), timeout=2000)
    assert read_cards == ["1-101"]


def test_back_home_after_an_edit_shows_it_without_reading_every_card(qtbot, context, window, read_cards):
    type_an_answer(qtbot, window)
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.home
    assert "1 answer saved" in card_text(window.home.cards["1-101"])
    qtbot.wait(20)
    assert read_cards == ["1-101"]


def test_a_sync_run_shows_its_outcome_on_the_cards_it_touched(qtbot, context, window, read_cards):
    accept(context.store, "1-101", SEPTEMBER, care_home_values())
    context.store.set_values("1-202", SEPTEMBER, {"people_supported": 3}, "AB")  # a change no event announced
    before = card_text(window.home.cards["1-202"])
    context.events.sync_finished.emit(SyncReport(accepted=(("1-101", "2026-09", 1, "CT-R"),)))
    assert read_cards == ["1-101"]
    assert window.home.cards["1-101"].badge.text() == "Accepted"
    assert card_text(window.home.cards["1-202"]) == before


def test_a_sync_run_that_touched_many_returns_reads_every_card(qtbot, context, window, read_cards):
    many = tuple((f"1-{number}", "2026-09", 1, "CT-R") for number in range(1000, 1100))
    context.events.sync_finished.emit(SyncReport(accepted=many))
    assert sorted(read_cards) == ["1-101", "1-202", "1-303"]


def test_a_change_of_month_reads_every_card(qtbot, window, read_cards):
    window.home.picker.set_period(Period(2026, 8))
    assert sorted(read_cards) == ["1-101", "1-202", "1-303"]
