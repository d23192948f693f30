"""The window fits the screen and lays out without overlaps or clipped text at every size from 1024x600 up."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QAbstractScrollArea, QLabel, QWidget
from sample_returns import CARE_HOME, HOME_CARE, accept, care_home_values, summer_care_home_values

from ct_desktop.period import Period
from ct_desktop.ui.main_window import MainWindow

AUGUST, SEPTEMBER = Period(2026, 8), Period(2026, 9)
SIZES = [(1024, 600), (1100, 650), (1280, 720), (1366, 768), (1600, 900), (1920, 1080)]


def visible_children(widget: QWidget) -> list[QWidget]:
    return [child for child in widget.findChildren(QWidget, options=_direct()) if child.isVisible()
            and not child.isWindow()]


def _direct():
    from PySide6.QtCore import Qt

    return Qt.FindChildOption.FindDirectChildrenOnly


def layout_faults(root: QWidget) -> list[str]:
    """Overlapping visible siblings and labels whose text does not fit, anywhere under root."""
    faults: list[str] = []

    def name(widget: QWidget) -> str:
        text = widget.text()[:40] if isinstance(widget, QLabel) else ""
        return f"{type(widget).__name__}({widget.objectName() or text!r})"

    def walk(widget: QWidget) -> None:
        children = visible_children(widget)
        inside = widget.rect()
        for i, first in enumerate(children):
            for second in children[i + 1:]:
                overlap = first.geometry().intersected(second.geometry())
                if overlap.width() > 1 and overlap.height() > 1:
                    faults.append(f"{name(first)} overlaps {name(second)} in {name(widget)}")
        for child in children:
            if isinstance(child, QLabel) and child.text() and not isinstance(widget, QAbstractScrollArea):
                faults.extend(f"{name(child)}: {fault}" for fault in label_faults(child, inside))
            if not isinstance(child, QAbstractScrollArea) or child.objectName() == "qt_scrollarea_viewport":
                walk(child)
            else:
                walk(child.viewport())

    walk(root)
    return faults


def label_faults(label: QLabel, parent_rect: QRect) -> list[str]:
    found = []
    hint = label.sizeHint()
    if label.wordWrap():
        needed = label.heightForWidth(label.width())
        if needed > label.height() + 1:
            found.append(f"needs {needed} px of height, has {label.height()}")
    elif label.width() + 1 < min(hint.width(), label.minimumSizeHint().width()):
        found.append(f"needs {hint.width()} px of width, has {label.width()}")
    elif label.height() + 1 < label.minimumSizeHint().height():
        found.append(f"needs {label.minimumSizeHint().height()} px of height, has {label.height()}")
    return found


@pytest.fixture
def window(qtbot, context):
    context.store.add_location(CARE_HOME)
    context.store.add_location(HOME_CARE)
    accept(context.store, CARE_HOME.id, AUGUST, summer_care_home_values())
    main = MainWindow(context, start_sync=False, use_network_information=False)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    yield main
    main.close()


def show_at(qtbot, window: MainWindow, size: tuple[int, int]) -> None:
    window.resize(*size)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == size, timeout=2000)
    qtbot.wait(20)


@pytest.mark.parametrize("size", SIZES)
def test_home_with_a_refusal_on_a_card_has_no_overlaps_or_cut_text(qtbot, measurable_text, window, size):
    show_at(qtbot, window, size)
    window.home.start_no_changes(HOME_CARE.id)  # no earlier accepted return: refused in words on the card
    card = window.home.cards[HOME_CARE.id]
    assert card.notice_text.startswith("There is no accepted return before September 2026 for Home Help")
    qtbot.wait(20)
    assert card.notice.isVisible()
    assert layout_faults(window) == []
    show_at(qtbot, window, (size[0] + 40, size[1]))  # and after the window is resized with it shown
    assert layout_faults(window) == []


@pytest.mark.parametrize("size", SIZES)
def test_the_form_has_no_overlaps_or_cut_text(qtbot, measurable_text, window, size):
    window.open_return(CARE_HOME.id, SEPTEMBER)
    show_at(qtbot, window, size)
    assert layout_faults(window) == []


@pytest.mark.parametrize("size", SIZES)
def test_the_history_has_no_overlaps_or_cut_text(qtbot, measurable_text, window, size):
    window.show_history(CARE_HOME.id, AUGUST)
    show_at(qtbot, window, size)
    assert layout_faults(window) == []


def test_the_minimum_size_fits_a_1024_by_600_screen(window):
    assert window.minimumWidth() <= 1024 and window.minimumHeight() <= 600


def conflict_over_one_answer(context) -> None:
    """September sent, and the tracker's copy differs from it in one answer."""
    values = care_home_values()
    context.store.set_values(CARE_HOME.id, SEPTEMBER, values, "AB")
    submission = context.store.submit(CARE_HOME.id, SEPTEMBER, "AB", confirm_warnings=True)
    context.store.begin_attempt(submission.item.submission_id)
    theirs = {**values, "beds_occupied": values["beds_occupied"] - 1}
    context.store.mark_conflict(submission.item.submission_id, {"revision": 2, "values": theirs, "not_known": [],
                                                                 "reviewed_by": "XY", "form_version": "2025.1",
                                                                 "reviewed_at": "2026-09-09T08:00:00+01:00"})


@pytest.mark.parametrize("size", [(1024, 600), (1366, 768)])
def test_the_conflict_view_has_no_overlaps_or_cut_text(qtbot, measurable_text, context, window, size):
    from ct_desktop.ui.conflict_view import ConflictView

    conflict_over_one_answer(context)
    window.open_return(CARE_HOME.id, SEPTEMBER)
    assert isinstance(window.page, ConflictView)
    show_at(qtbot, window, size)
    assert layout_faults(window) == []


def test_a_window_smaller_than_its_layout_is_not_allowed(qtbot, measurable_text, window):
    window.show_history(CARE_HOME.id, AUGUST)
    window.open_return(CARE_HOME.id, SEPTEMBER)
    window.resize(500, 300)
    qtbot.wait(20)
    assert layout_faults(window) == []
    minimum = window.minimumSizeHint()
    assert minimum.width() <= 1024 and minimum.height() <= 600


def test_a_small_screen_gets_the_whole_screen_even_without_a_window_manager(qtbot, context, monkeypatch):
    from PySide6.QtCore import QRect

    from ct_desktop.ui import app as app_module

    class Screen:
        def availableGeometry(self):
            return QRect(0, 0, 1024, 600)

    monkeypatch.setattr(app_module.QApplication, "primaryScreen", staticmethod(lambda: Screen()))
    main = MainWindow(context, start_sync=False, use_network_information=False)
    qtbot.addWidget(main)
    app_module._show_sized(main)
    qtbot.waitExposed(main)
    assert (main.width(), main.height()) == (1024, 600)
    main.close()


def test_one_differing_answer_is_said_in_the_singular(qtbot, context, window):
    conflict_over_one_answer(context)
    window.open_return(CARE_HOME.id, SEPTEMBER)
    text = window.page.explanation.text()
    assert "(1 answer differs)" in text and "answer differ)" not in text
