"""The return typed from the keyboard like a spreadsheet: Tab and Enter save and move on, Alt+N for
"not known", Ctrl+Z undoes; grids; a layout that stays put under the cursor; the form's keys on F1.

Every test reads the store: what was typed must be exactly what is saved.
"""

from __future__ import annotations

import pytest
from form_helpers import HOME, SEPTEMBER, show
from keyboard_entry import ALT, CTRL, SHIFT, focused, press, type_keys, type_return
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication
from sample_returns import care_home_values, home_care_values

from ct_desktop.models import NOT_KNOWN, HistoryAction, Location
from ct_desktop.period import Period
from ct_desktop.ui.form_view import ReturnFormView
from ct_desktop.ui.shortcuts_help import shortcuts_html

HOME_CARE = Location("1-202", "Oak Home Care", "home_care", "York")
JULY = Period(2026, 7)


@pytest.fixture
def store(context):
    context.store.add_location(HOME)
    context.store.add_location(HOME_CARE)
    return context.store


def open_view(qtbot, context, location=HOME, period=SEPTEMBER, **size):
    view = show(qtbot, ReturnFormView(context, location.id, period), **size)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None and view.form_scroll.isAncestorOf(focused()),
                    timeout=2000)
    return view


def saved(store, location=HOME, period=SEPTEMBER):
    draft = store.get_return(location.id, period)
    return (draft.values, set(draft.not_known)) if draft else ({}, set())


def test_a_whole_care_home_return_typed_with_keys_only_is_what_the_store_holds(qtbot, context, store):
    view = open_view(qtbot, context)
    values = care_home_values()
    answers = dict(values, absent_other_direct_noncare=NOT_KNOWN)
    assert view.rows["beds_max_capacity"].editor.line.hasFocus()  # opening puts the cursor in the first question

    # A slip first: 4 Tab saved 4; Ctrl+Z puts the capacity back to blank and the cursor in it.
    type_keys(qtbot, "4")
    press(qtbot, Qt.Key.Key_Tab)
    assert saved(store)[0] == {"beds_max_capacity": 4}
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert saved(store)[0] == {}
    assert view.rows["beds_max_capacity"].editor.line.hasFocus()

    extra = type_return(qtbot, view, answers)
    expected = {k: v for k, v in values.items() if k != "absent_other_direct_noncare"}
    assert saved(store) == (expected, {"absent_other_direct_noncare"})
    assert extra == len(answers) + 1  # one Tab per answer, and the Alt+N of "not known"
    edits = [e for e in store.history(HOME.id, SEPTEMBER) if e.action is HistoryAction.EDIT]
    assert [(e.key, e.old, e.new) for e in edits[:2]] == [("beds_max_capacity", "", "4"),
                                                          ("beds_max_capacity", "4", "")]  # the undo is recorded


def test_a_whole_home_care_return_typed_with_enter_is_what_the_store_holds(qtbot, context, store):
    view = open_view(qtbot, context, HOME_CARE, JULY)
    values = home_care_values()
    assert view.rows["people_supported"].editor.line.hasFocus()
    type_return(qtbot, view, values, move=Qt.Key.Key_Return)
    assert saved(store, HOME_CARE, JULY) == (values, set())


def test_tab_skips_not_known_never_leaves_the_answers_and_shift_tab_goes_back(qtbot, context, store):
    view = open_view(qtbot, context)
    type_keys(qtbot, "40")
    press(qtbot, Qt.Key.Key_Tab)
    type_keys(qtbot, "35")
    press(qtbot, Qt.Key.Key_Tab)
    assert saved(store)[0] == {"beds_max_capacity": 40, "beds_occupied": 35}
    assert view.rows["beds_vacant_reserved"].editor.line.hasFocus()
    press(qtbot, Qt.Key.Key_Tab, SHIFT)
    assert view.rows["beds_occupied"].editor.line.hasFocus()
    order = view.entry_order()
    seen = set()
    for _ in range(len(order) + 2):  # all the way round: always an answer box, never "Not known" or a button
        press(qtbot, Qt.Key.Key_Tab)
        widget = focused()
        assert view.form_scroll.isAncestorOf(widget)
        assert "not known" not in widget.accessibleName()
        seen.add(view._key_of(widget))
    assert seen == {key for key in order if view.rows[key].editor.isEnabled()}
    assert saved(store)[0] == {"beds_max_capacity": 40, "beds_occupied": 35}  # moving through changed nothing


def test_enter_saves_and_moves_on_so_typing_never_runs_into_the_same_box(qtbot, context, store):
    view = open_view(qtbot, context)
    type_keys(qtbot, "40")
    press(qtbot, Qt.Key.Key_Return)
    type_keys(qtbot, "35")
    press(qtbot, Qt.Key.Key_Return)
    type_keys(qtbot, "1")
    press(qtbot, Qt.Key.Key_Return)
    assert saved(store)[0] == {"beds_max_capacity": 40, "beds_occupied": 35, "beds_vacant_reserved": 1}
    press(qtbot, Qt.Key.Key_Return, SHIFT)  # back up
    assert view.rows["beds_vacant_reserved"].editor.line.hasFocus()


def test_in_a_grid_tab_goes_across_and_enter_goes_down(qtbot, context, store):
    view = open_view(qtbot, context)
    view.go_to_field("staff_direct_nurses")
    type_keys(qtbot, "6")
    press(qtbot, Qt.Key.Key_Tab)
    assert view.rows["visa_direct_nurses"].editor.line.hasFocus()
    view.go_to_field("staff_direct_nurses")
    press(qtbot, Qt.Key.Key_Return)
    assert view.rows["staff_direct_care"].editor.line.hasFocus()
    type_keys(qtbot, "38")
    press(qtbot, Qt.Key.Key_Return)
    type_keys(qtbot, "12")
    press(qtbot, Qt.Key.Key_Return)  # the foot of a column: the top of the next one
    assert view.rows["visa_direct_nurses"].editor.line.hasFocus()
    grid = view.section_boxes[1].grid
    assert grid.sums()[0] == "56"
    assert saved(store)[0] == {"staff_direct_nurses": 6, "staff_direct_care": 38, "staff_direct_noncare": 12}
    # Guidance per cell: in its tooltip and, for the cell with the focus, in the side panel.
    assert "Care workers, senior carers" in view.rows["staff_direct_care"].editor.toolTip()
    view.go_to_field("staff_direct_care")
    qtbot.waitUntil(lambda: "Care workers, senior carers" in view.question_panel.text(), timeout=2000)
    assert "Directly employed care-providing staff" in view.question_panel.text()


def test_yes_no_is_typed_with_y_n_or_the_arrows_and_alt_n_is_not_known(qtbot, context, store):
    view = open_view(qtbot, context)
    view.go_to_field("sponsor_licence")
    type_keys(qtbot, "y")
    assert saved(store)[0] == {"sponsor_licence": "yes"}
    press(qtbot, Qt.Key.Key_Right)
    assert saved(store)[0] == {"sponsor_licence": "no"}
    press(qtbot, Qt.Key.Key_Tab)
    assert view.rows["staff_direct_nurses"].editor.line.hasFocus()
    type_keys(qtbot, "6")
    press(qtbot, Qt.Key.Key_N, ALT)
    assert saved(store) == ({"sponsor_licence": "no"}, {"staff_direct_nurses"})
    press(qtbot, Qt.Key.Key_Tab)
    assert view.rows["visa_direct_nurses"].editor.line.hasFocus()


def test_ctrl_z_undoes_an_overwrite_one_step_at_a_time(qtbot, context, store):
    store.set_values(HOME.id, SEPTEMBER, {"beds_max_capacity": 40}, "AB")
    view = open_view(qtbot, context)
    assert view.rows["beds_occupied"].editor.line.hasFocus()  # the first unanswered question
    press(qtbot, Qt.Key.Key_Tab, SHIFT)  # back to the capacity: its text is selected, as in a spreadsheet
    type_keys(qtbot, "0")
    press(qtbot, Qt.Key.Key_Tab)
    type_keys(qtbot, "35")
    press(qtbot, Qt.Key.Key_Tab)
    assert saved(store)[0] == {"beds_max_capacity": 0, "beds_occupied": 35}
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert saved(store)[0] == {"beds_max_capacity": 0}
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert saved(store)[0] == {"beds_max_capacity": 40}
    assert view.rows["beds_max_capacity"].editor.line.text() == "40"
    assert "Undone" in view.header.save_mark.text()
    edits = [(e.key, e.old, e.new) for e in store.history(HOME.id, SEPTEMBER) if e.action is HistoryAction.EDIT]
    assert edits[-2:] == [("beds_occupied", "35", ""), ("beds_max_capacity", "0", "40")]


def test_bed_counts_over_the_capacity_so_far_are_an_error_at_once(qtbot, context, store):
    view = open_view(qtbot, context)
    type_keys(qtbot, "40")
    press(qtbot, Qt.Key.Key_Return)
    type_keys(qtbot, "351")
    press(qtbot, Qt.Key.Key_Return)
    assert saved(store)[0] == {"beds_max_capacity": 40, "beds_occupied": 351}
    assert "add up to 351, more than the maximum bed capacity of 40" in " ".join(
        view.rows["beds_occupied"].message_texts())
    assert any(entry.group == "fix" for entry in view.findings.entries())
    assert not view.send_button.isEnabled()


def test_findings_appear_without_moving_the_boxes_below(qtbot, context, store):
    view = open_view(qtbot, context)
    below = view.rows["beds_vacant_reserved"].editor.line
    before = below.mapTo(view.form_scroll.widget(), below.rect().topLeft())
    type_keys(qtbot, "40")
    press(qtbot, Qt.Key.Key_Tab)
    type_keys(qtbot, "351")
    press(qtbot, Qt.Key.Key_Tab)
    type_keys(qtbot, "abc")
    press(qtbot, Qt.Key.Key_Tab)  # cannot be read: not saved, the cursor stays to show why
    assert below.hasFocus()
    QApplication.processEvents()
    assert view.rows["beds_occupied"].message_texts() and view.rows["beds_vacant_reserved"].message_texts()
    assert below.mapTo(view.form_scroll.widget(), below.rect().topLeft()) == before
    # One message, at the question it belongs to; no "part of an error" line on every other one.
    texts = " ".join(t for row in view.rows.values() for t in row.message_texts())
    assert "Part of" not in texts
    assert view.rows["beds_max_capacity"].message_texts() == []


def test_a_finding_across_questions_waits_until_the_person_has_been_past_them(qtbot, context, store):
    store.set_values(HOME.id, SEPTEMBER, {"absent_covid_direct_nurses": 5}, "AB")
    view = open_view(qtbot, context)
    view.go_to_field("staff_direct_nurses")
    type_keys(qtbot, "4")  # being typed: the person is at it, the finding shows as it is typed
    qtbot.waitUntil(lambda: bool(view.rows["absent_covid_direct_nurses"].message_texts()), timeout=2000)
    assert "cannot be more than" in view.rows["absent_covid_direct_nurses"].message_texts()[0]

    fresh_view_store = view._context.store
    view.close()
    fresh_view_store.set_values(HOME.id, SEPTEMBER, {"staff_direct_nurses": None}, "AB")
    again = open_view(qtbot, context)
    # The headcount is blank: the absence rule has nothing to compare yet, and nothing is shown early.
    assert again.rows["absent_covid_direct_nurses"].message_texts() == []


def test_opening_shows_no_window_of_its_own_for_a_moment(qtbot, context, store):
    shown = []

    class Watch(QObject):
        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Show and getattr(watched, "isWindow", lambda: False)():
                shown.append(type(watched).__name__)
            return False

    watch = Watch()
    QApplication.instance().installEventFilter(watch)
    try:
        view = ReturnFormView(context, HOME.id, SEPTEMBER)
        qtbot.addWidget(view)
        QApplication.processEvents()
    finally:
        QApplication.instance().removeEventFilter(watch)
    assert shown == []


def test_f1_lists_the_form_keys():
    text = shortcuts_html(ReturnFormView.SCREEN_NAME, ReturnFormView.SCREEN_KEYS)
    for keys, what in ReturnFormView.SCREEN_KEYS:
        assert keys in text and what in text
    assert any("Ctrl+Z" in keys for keys, _ in ReturnFormView.SCREEN_KEYS)
    assert any("Alt+N" in keys for keys, _ in ReturnFormView.SCREEN_KEYS)
