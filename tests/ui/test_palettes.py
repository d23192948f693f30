"""Every label is readable under a light, a dark and a high-contrast palette: measured on the painted pixels."""

from __future__ import annotations

import pytest
from contrast import low_contrast_labels
from palettes import PALETTES
from PySide6.QtGui import QColor
from sample_returns import CARE_HOME, HOME_CARE, accept, home_care_values

from ct_desktop.period import Period
from ct_desktop.ui.home_view import HomeView
from ct_desktop.ui.theme import box_colours, contrast_ratio

SEPTEMBER = Period(2026, 9)


@pytest.mark.parametrize("name", PALETTES)
def test_home_view_labels_contrast_with_what_is_painted_behind_them(qtbot, context, palette_of, name):
    palette_of(name)
    store = context.store
    store.add_location(CARE_HOME)
    store.add_location(HOME_CARE)
    store.set_values(CARE_HOME.id, SEPTEMBER, {"beds_max_capacity": 40}, "CD")
    accept(store, HOME_CARE.id, Period(2026, 8), home_care_values())
    home = HomeView(context)
    qtbot.addWidget(home)
    home.resize(1200, 700)
    home.show()
    home.refresh()
    qtbot.wait(20)
    assert low_contrast_labels(home) == []


def test_a_palette_change_while_running_is_followed(qtbot, context, palette_of):
    palette_of("light")
    context.store.add_location(CARE_HOME)
    home = HomeView(context)
    qtbot.addWidget(home)
    home.resize(1200, 700)
    home.show()
    qtbot.wait(20)
    palette_of("dark")
    qtbot.wait(20)
    badge = home.cards[CARE_HOME.id].badge
    colours = box_colours(badge.tone)
    assert contrast_ratio(QColor(colours.text), QColor(colours.background)) >= 4.5
    assert QColor(colours.background).lightness() < 100  # a dark badge on the dark window, not a pale one
    assert low_contrast_labels(home) == []


def test_the_measure_finds_light_text_on_a_light_box(qtbot, palette_of):
    """The measure itself: white text on a hard-coded pale background is caught, as it was under dark mode."""
    from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget
    palette_of("dark")
    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    bad = QLabel("Not known")
    bad.setStyleSheet("background: #ffffff; color: #f0f0f0;")
    layout.addWidget(bad)
    layout.addWidget(QLabel("Readable under the palette"))
    window.show()
    qtbot.wait(10)
    assert [text for text, _ratio in low_contrast_labels(window)] == ["Not known"]


def test_a_sync_result_and_a_save_are_announced(qtbot):
    """What a screen reader hears: the save mark's text, and a sync's result (through ui.announce)."""
    from ct_desktop.ui import announce as announcing
    from ct_desktop.ui.return_header import ReturnHeader
    got: list[str] = []
    announcing.heard.append(got.append)
    try:
        header = ReturnHeader()
        qtbot.addWidget(header)
        header.show_saved("Saved 14:02")
        header.show_saved("Nothing typed yet", state="idle")
    finally:
        announcing.heard.remove(got.append)
    assert got == ["Saved 14:02"]


@pytest.mark.parametrize("name", PALETTES)
def test_greyed_out_text_is_readable_and_still_looks_greyed_out(qapp, palette_of, name):
    """What the system gives (a faint grey under light and dark) is made readable by the app's palette."""
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QApplication
    palette_of(name)
    palette = QApplication.palette()
    group, role = QPalette.ColorGroup, QPalette.ColorRole
    window, text = palette.color(group.Disabled, role.Window), palette.color(group.Active, role.WindowText)
    for text_role in (role.WindowText, role.Text, role.ButtonText):
        grey = palette.color(group.Disabled, text_role)
        assert contrast_ratio(grey, window) >= 4.5
        assert contrast_ratio(grey, text) >= 1.5  # not the same as the text of what can be used
    selected = palette.color(group.Active, role.Highlight), palette.color(group.Active, role.HighlightedText)
    assert contrast_ratio(*selected) >= 4.5


def test_without_the_announcement_event_an_answer_box_keeps_its_name(qtbot, monkeypatch):
    """Qt before 6.8: a status label takes the announced text as its name; an answer box keeps its question's."""
    from PySide6 import QtGui
    from PySide6.QtWidgets import QLabel, QLineEdit

    from ct_desktop.ui.announce import announce
    monkeypatch.delattr(QtGui, "QAccessibleAnnouncementEvent", raising=False)
    box, mark = QLineEdit(), QLabel()
    qtbot.addWidget(box)
    qtbot.addWidget(mark)
    box.setAccessibleName("Beds occupied, required")
    announce(box, "Error: more than the capacity", rename=False)
    announce(mark, "Saved 14:02")
    assert (box.accessibleName(), mark.accessibleName()) == ("Beds occupied, required", "Saved 14:02")
