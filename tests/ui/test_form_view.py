"""The return form, driven as a manager would: typing, Enter, Tab, clicks and shortcuts, offscreen.

Every check reads the store too: what the form shows as saved must be what the store holds.
"""

from __future__ import annotations

import pytest
from form_helpers import (
    AUGUST,
    HOME,
    SEPTEMBER,
    accept_august,
    click,
    focus,
    show,
    type_text,
)
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sample_returns import care_home_values

from ct_desktop.history_detail import split_detail
from ct_desktop.models import NOT_KNOWN, HistoryAction, Location, ReturnState
from ct_desktop.period import Period
from ct_desktop.ui.form_view import ReturnFormView


@pytest.fixture
def store(context):
    context.store.add_location(HOME)
    return context.store


def open_view(qtbot, context, period=SEPTEMBER, **size):
    return show(qtbot, ReturnFormView(context, HOME.id, period), **size)


def answer(store, key, period=SEPTEMBER):
    draft = store.get_return(HOME.id, period)
    return draft.answer(key) if draft else None


def messages(view, key):
    return " ".join(view.rows[key].messages.texts())


def fill_by_typing(qtbot, view, values, skip=()):
    """Answer every question the way a person does: type and Enter, click Yes/No, tick choices."""
    for item in view._form.fields:
        key = item.key
        if key in skip or key not in values:
            continue
        editor = view.rows[key].editor
        if item.numeric:
            type_text(qtbot, view, key, editor.item.format_text(values[key]))
        elif item.type == "yesno":
            view.go_to_field(key)
            click(qtbot, editor.yes if values[key] == "yes" else editor.no)
        else:
            for choice in values[key]:
                view.go_to_field(key)
                click(qtbot, editor.boxes[choice])


def test_a_complete_september_return_typed_field_by_field_is_checked_and_queued(qtbot, context, store):
    accept_august(store)
    values = care_home_values()
    view = open_view(qtbot, context)
    assert "Flu" not in view.findings.summary.text()
    assert view.rows["flu_vacc_direct"].editor.isEnabled()  # September: flu questions asked
    assert view.rows["flu_vacc_direct"].title.accessibleName().endswith(", required")

    fill_by_typing(qtbot, view, values)
    assert store.get_return(HOME.id, SEPTEMBER).values == values

    # A hard error appears as the figure is typed, before Enter, with the numbers in it.
    type_text(qtbot, view, "beds_occupied", "50", enter=False)
    qtbot.waitUntil(lambda: "add up to 55, more than the maximum bed capacity of 40" in messages(view, "beds_occupied"))
    # The capacity it is compared with is outlined, without a pointer line of its own.
    assert messages(view, "beds_max_capacity") == ""
    assert view.rows["beds_max_capacity"].editor.line.property("problem") == "error"
    assert not view.send_button.isEnabled()
    assert "1 error to fix" in view.status.text()
    qtbot.keyClick(view.rows["beds_occupied"].editor.line, Qt.Key.Key_Return)
    assert answer(store, "beds_occupied") == 50

    # Fixed, but now one bed is unaccounted for: a warning, to be confirmed before sending.
    type_text(qtbot, view, "beds_occupied", "34")
    assert "add up to 39, but the maximum bed capacity is 40" in messages(view, "beds_occupied")
    assert [e.group for e in view.findings.entries()] == ["check"]
    assert not view.send_button.isEnabled()
    assert view.findings.confirm.isVisible()
    click(qtbot, view.findings.confirm)
    assert view.send_button.isEnabled()

    with qtbot.waitSignal(view.submitted, timeout=2000) as sent:
        click(qtbot, view.send_button)
    assert sent.args == [HOME.id, "2026-09"]
    draft = store.get_return(HOME.id, SEPTEMBER)
    assert draft.state is ReturnState.QUEUED
    assert [item.payload["values"]["beds_occupied"] for item in store.outbox_items()] == [34]
    plain, reference = split_detail(store.history(HOME.id, SEPTEMBER)[-1].detail)
    assert "warnings confirmed: “Occupied, reserved, accepting" in plain and "beds_unaccounted" not in plain
    assert "rules beds_unaccounted" in reference and store.outbox_items()[0].submission_id[:8] in reference
    assert not view.send_button.isEnabled()
    assert "Queued" in view.header.details.text()


def test_a_changed_warning_must_be_confirmed_again_and_ctrl_enter_sends(qtbot, context, store):
    store.set_values(HOME.id, SEPTEMBER, dict(care_home_values(), beds_occupied=34), "AB")
    view = open_view(qtbot, context)
    click(qtbot, view.findings.confirm)
    assert view.send_button.isEnabled()
    type_text(qtbot, view, "beds_occupied", "33")  # a different figure: the confirmation no longer holds
    assert not view.findings.confirm.isChecked() and not view.send_button.isEnabled()
    click(qtbot, view.findings.confirm)
    focus(qtbot, view.rows["staff_direct_care"].editor.line)
    qtbot.keyClick(view.rows["staff_direct_care"].editor.line, Qt.Key.Key_End)
    qtbot.keyClicks(view.rows["staff_direct_care"].editor.line, "9")  # typed, not yet saved: 389
    with qtbot.waitSignal(view.submitted, timeout=2000):
        qtbot.keyClick(view.rows["staff_direct_care"].editor.line, Qt.Key.Key_Return,
                       Qt.KeyboardModifier.ControlModifier)
    assert answer(store, "staff_direct_care") == 389  # saved before sending
    assert store.get_return(HOME.id, SEPTEMBER).state is ReturnState.QUEUED


def test_blank_zero_and_not_known_are_three_answers_in_the_store(qtbot, context, store):
    view = open_view(qtbot, context)
    line = view.rows["staff_agency_noncare"].editor.line
    type_text(qtbot, view, "staff_agency_noncare", "0")
    assert answer(store, "staff_agency_noncare") == 0

    view.go_to_field("staff_agency_noncare")  # Enter moved on to the next box: back to it
    qtbot.keyClick(line, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)  # Alt+N: not known
    assert answer(store, "staff_agency_noncare") is NOT_KNOWN
    assert not line.isEnabled() and line.text() == ""
    click(qtbot, view.rows["staff_agency_noncare"].editor.not_known)  # untick: what was typed comes back
    assert line.isEnabled() and line.text() == "0"
    assert answer(store, "staff_agency_noncare") == 0

    type_text(qtbot, view, "staff_agency_noncare", "")  # an empty box is blank, not zero
    draft = store.get_return(HOME.id, SEPTEMBER)
    assert "staff_agency_noncare" not in draft.values and "staff_agency_noncare" not in draft.not_known
    assert line.placeholderText() == "blank"

    yes_no = view.rows["sponsor_licence"].editor
    view.go_to_field("sponsor_licence")
    click(qtbot, yes_no.no)
    assert answer(store, "sponsor_licence") == "no"
    click(qtbot, yes_no.clear)
    assert answer(store, "sponsor_licence") is None
    assert not yes_no.yes.isChecked() and not yes_no.no.isChecked()
    click(qtbot, yes_no.not_known)
    assert answer(store, "sponsor_licence") is NOT_KNOWN


def test_text_that_cannot_be_read_is_not_saved_and_the_saved_answer_stays(qtbot, context, store):
    view = open_view(qtbot, context)
    type_text(qtbot, view, "beds_occupied", "35")
    assert answer(store, "beds_occupied") == 35
    for text, why in (("abc", "'abc' is not a number"), ("3.5", "must be a whole number, not 3.5"),
                      ("-2", "cannot be negative")):
        type_text(qtbot, view, "beds_occupied", text)
        assert answer(store, "beds_occupied") == 35
        assert view.rows["beds_occupied"].editor.line.text() == text  # what was typed stays on screen
        assert f"Not saved: Beds occupied {why}" in messages(view, "beds_occupied") or why in messages(
            view, "beds_occupied")
        assert "The saved answer is still 35." in messages(view, "beds_occupied")
        assert view.header.save_mark.text().startswith("Not saved")
        assert not view.send_button.isEnabled()
    assert view.findings.entries()[0].text.startswith("Not saved: Beds occupied")
    # Leaving the box with Tab tries again; the text is still refused, still not saved.
    qtbot.keyClick(view.rows["beds_occupied"].editor.line, Qt.Key.Key_Tab)
    assert answer(store, "beds_occupied") == 35
    type_text(qtbot, view, "beds_occupied", "36")
    assert answer(store, "beds_occupied") == 36
    assert "Not saved" not in messages(view, "beds_occupied")
    hours = view.rows["hours_agency"].editor.line
    type_text(qtbot, view, "hours_agency", "12.345")
    assert answer(store, "hours_agency") is None
    assert "at most 2 decimal places" in messages(view, "hours_agency")
    type_text(qtbot, view, "hours_agency", "1,234.5")
    assert answer(store, "hours_agency") == 1234.5
    assert hours.text() == "1234.5"


def test_last_months_answers_totals_and_the_saved_mark(qtbot, context, store):
    accept_august(store)
    view = open_view(qtbot, context)
    assert view.rows["beds_occupied"].last_month.text() == "Last accepted (August 2026): 35"
    assert view.rows["flu_vacc_direct"].last_month.text() == "Last accepted (August 2026): not asked that month"
    assert view.header.save_mark.text() == "Nothing saved yet"
    beds = view.section_boxes[0]
    assert beds.totals() == ["Beds accounted for so far: 0 beds (4 of 4 not answered yet)"]

    type_text(qtbot, view, "beds_max_capacity", "40")
    assert view.header.save_mark.text() == "Saved 10:00"
    type_text(qtbot, view, "beds_occupied", "35", enter=False)  # totals follow the typing
    assert beds.totals() == ["Beds accounted for so far: 35 beds (3 of 4 not answered yet)"]
    for key, text in (("beds_vacant_reserved", "1"), ("beds_vacant_accepting", "2"), ("beds_vacant_unavailable", "2")):
        type_text(qtbot, view, key, text)
    assert beds.totals() == ["Beds accounted for: 40 of 40 beds (maximum bed capacity)"]
    type_text(qtbot, view, "staff_direct_nurses", "6")
    workforce = view.section_boxes[1]
    assert workforce.totals()[0] == "Directly employed staff so far: 6 people (2 of 3 not answered yet)"


def test_reopening_the_return_on_the_next_shift_shows_what_was_saved(qtbot, context, store):
    view = open_view(qtbot, context)
    type_text(qtbot, view, "beds_max_capacity", "40")
    type_text(qtbot, view, "beds_occupied", "3", enter=False)
    qtbot.keyClicks(view.rows["beds_occupied"].editor.line, "5")
    view.close()  # leaving the view saves what was typed, without Enter
    assert answer(store, "beds_occupied") == 35

    context.update_settings(person="CD")
    again = open_view(qtbot, context)
    assert again.rows["beds_max_capacity"].editor.line.text() == "40"
    assert again.rows["beds_occupied"].editor.line.text() == "35"
    assert "by AB" in again.header.save_mark.text()
    type_text(qtbot, again, "beds_occupied", "34")
    edits = [e for e in store.history(HOME.id, SEPTEMBER) if e.action is HistoryAction.EDIT]
    assert [(e.key, e.old, e.new, e.by) for e in edits[-2:]] == [("beds_occupied", "", "35", "AB"),
                                                                ("beds_occupied", "35", "34", "CD")]


def test_conditional_and_seasonal_questions_are_marked_as_such(qtbot, context, store):
    view = open_view(qtbot, context)
    # Since June 2024 the reasons for unavailable beds are optional: asked only when some are unavailable.
    reasons = view.rows["beds_unavailable_reasons"]
    assert reasons.requirement_label.text().startswith("Optional, and only answered when “Vacant beds not")
    type_text(qtbot, view, "beds_vacant_unavailable", "2")
    assert reasons.requirement_label.text() == ("Optional: it can be answered, because “Vacant beds not available "
                                                "for admission” is more than 0.")
    assert view.rows["flu_vacc_direct"].requirement_label.text() == "* Required in flu season (September to March)."
    type_text(qtbot, view, "beds_vacant_unavailable", "0")
    assert reasons.requirement_label.text().startswith("Only answered when")
    view.close()

    # Before June 2024 they were required whenever a bed was unavailable.
    march = open_view(qtbot, context, Period(2024, 3))
    reasons = march.rows["beds_unavailable_reasons"]
    assert reasons.requirement_label.text().startswith("* Required when “Vacant beds not available")
    type_text(qtbot, march, "beds_vacant_unavailable", "2")
    assert reasons.requirement_label.text() == ("* Required now, because “Vacant beds not available for "
                                                "admission” is more than 0.")
    march.close()

    may = open_view(qtbot, context, Period(2026, 5))
    flu = may.rows["flu_vacc_direct"]
    assert not flu.editor.isEnabled()
    assert flu.requirement_label.text() == "Not asked in May 2026: asked September to March only (flu season)."
    assert "flu" not in " ".join(e.text for e in may.findings.entries()).lower()


def test_keyboard_reading_order_names_shortcuts_and_jumping_to_a_problem(qtbot, context, store):
    view = open_view(qtbot, context)
    first = view.rows["beds_max_capacity"]
    assert first.title.buddy() is first.editor.line
    assert first.editor.line.accessibleName() == "Maximum bed capacity"
    assert "Include: Beds that are empty" in first.editor.line.accessibleDescription()
    assert "Required." in first.editor.line.accessibleDescription()

    focus(qtbot, first.editor.line)
    order = []
    for _ in range(4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget().accessibleName())
    # Tab goes from answer to answer; "Not known" is reached with Alt+N or the mouse.
    assert order == ["Beds occupied", "Vacant beds reserved", "Vacant beds accepting admissions",
                     "Vacant beds not available for admission"]

    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F6)  # to the problems list
    assert view.findings.list.hasFocus()
    list_widget = view.findings.list
    qtbot.keyClick(list_widget, Qt.Key.Key_Down)
    target = list_widget.currentItem().data(Qt.ItemDataRole.UserRole)
    qtbot.keyClick(list_widget, Qt.Key.Key_Return)
    assert view.rows[target].editor.focus_target().hasFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F6, Qt.KeyboardModifier.ShiftModifier)
    assert view.sections_nav.hasFocus()
    qtbot.keyClick(view.sections_nav, Qt.Key.Key_End)
    qtbot.keyClick(view.sections_nav, Qt.Key.Key_Return)
    assert view.rows["visits_into_location"].editor.yes.hasFocus()


def test_no_horizontal_scrolling_at_a_small_screen_and_long_labels_wrap(qtbot, measurable_text, context, store):
    view = open_view(qtbot, context, width=911, height=512)  # 1366x768 at 150%
    content = view.form_scroll.widget()
    qtbot.waitUntil(lambda: content.width() <= view.form_scroll.viewport().width())
    row = view.rows["visits_into_location"]
    assert row.title.wordWrap() and row.guidance.wordWrap()
    assert row.geometry().right() <= content.width()


def test_a_queued_return_says_what_an_edit_will_do_before_it_is_made(qtbot, context, store):
    store.set_values(HOME.id, SEPTEMBER, care_home_values(), "AB")
    store.submit(HOME.id, SEPTEMBER, "AB")
    view = open_view(qtbot, context)
    assert view.banner.isVisible()
    assert "If you change an answer, it is taken out of the outbox" in view.banner.text.text()
    assert not view.send_button.isEnabled()
    type_text(qtbot, view, "beds_occupied", "34")
    assert store.outbox_items() == []
    assert store.get_return(HOME.id, SEPTEMBER).state is ReturnState.DRAFT
    assert "withdrawn from the outbox" in view.banner.text.text()
    assert "Draft" in view.header.details.text()


def test_an_accepted_return_and_a_refused_one(qtbot, context, store):
    accept_august(store)
    view = open_view(qtbot, context, AUGUST)
    assert "If you change an answer, the accepted revision is kept" in view.banner.text.text()
    view.close()

    store.set_values(HOME.id, SEPTEMBER, care_home_values(), "AB")
    item = store.submit(HOME.id, SEPTEMBER, "AB").item
    store.mark_rejected(item.submission_id, {"beds_occupied": "more than the registered beds",
                                             "period": "collection not open"})
    refused = open_view(qtbot, context)
    assert "The tracker said: more than the registered beds" in messages(refused, "beds_occupied")
    assert "period: collection not open" in refused.banner.text.text()
    assert refused.send_button.isEnabled()


def test_another_view_changing_the_return_is_shown_without_losing_typing(qtbot, context, store):
    view = open_view(qtbot, context)
    type_text(qtbot, view, "beds_occupied", "3", enter=False)
    store.set_values(HOME.id, SEPTEMBER, {"beds_max_capacity": 40, "beds_occupied": 20}, "CD")
    context.events.return_changed.emit(HOME.id, "2026-09")
    assert view.rows["beds_max_capacity"].editor.line.text() == "40"
    assert view.rows["beds_occupied"].editor.line.text() == "3"  # still being typed: kept
    qtbot.keyClick(view.rows["beds_occupied"].editor.line, Qt.Key.Key_Return)
    assert answer(store, "beds_occupied") == 3


def test_a_home_care_return_is_built_from_its_own_question_set(qtbot, context, store):
    store.add_location(Location("1-202", "Home Help", "home_care", "York"))
    view = show(qtbot, ReturnFormView(context, "1-202", SEPTEMBER))
    assert list(view.rows) == [item.key for item in view._form.fields]
    assert "beds_occupied" not in view.rows
    assert view.rows["spare_capacity_hours"].requirement_label.text() == "Optional."
    assert view.section_boxes[0].section.title == "People and packages"
    assert view.header.title.text() == "Home Help: home care return for September 2026"
    type_text(qtbot, view, "packages_returned_la_nhs", "2")
    type_text(qtbot, view, "packages_returned_self", "1")
    assert view.section_boxes[0].totals() == ["Packages handed back: 3 packages"]
    assert store.get_return("1-202", SEPTEMBER).values == {"packages_returned_la_nhs": 2, "packages_returned_self": 1}


def test_a_new_error_or_warning_on_the_question_being_typed_in_is_heard_once(qtbot, context, store):
    """What a screen reader says while typing: the message that appears beside the box, once, in words."""
    from ct_desktop.ui import announce as announcing
    accept_august(store)  # last month's figures, for the month-on-month warnings
    store.set_values(HOME.id, SEPTEMBER, {"beds_max_capacity": 40}, "AB")
    view = open_view(qtbot, context)
    heard: list[str] = []
    announcing.heard.append(heard.append)
    try:
        line = view.rows["beds_occupied"].editor.line
        view.go_to_field("beds_occupied")
        qtbot.waitUntil(line.hasFocus, timeout=2000)
        qtbot.keyClicks(line, "35")
        assert heard == []  # 35 of 40: nothing to say
        qtbot.keyClicks(line, "1")  # 351 occupied of 40
        assert heard == [messages(view, "beds_occupied")]
        assert heard[0].startswith("Error: ") and "351" in heard[0]
        qtbot.keyClicks(line, "0")  # 3510: the same error, its figure changed: not said again
        assert len(heard) == 1
        for _ in range(3):
            qtbot.keyClick(line, Qt.Key.Key_Backspace)  # 3: the error goes...
        qtbot.keyClicks(line, "99")  # ...and comes back: said again
        assert len(heard) == 2 and heard[1].startswith("Error: ") and "399" in heard[1]

        type_text(qtbot, view, "beds_occupied", "35")
        staff = view.rows["staff_direct_care"].editor.line
        view.go_to_field("staff_direct_care")
        qtbot.waitUntil(staff.hasFocus, timeout=2000)
        heard.clear()
        staff.selectAll()
        qtbot.keyClicks(staff, "3")  # 38 last month: far fewer, a warning
        assert [text for text in heard if not text.startswith("Saved")] == [messages(view, "staff_direct_care")]
        assert heard[-1].startswith("Check: ")
        # Seen in "This question" in the warning's colour, not as an error.
        from ct_desktop.ui.theme import ERROR_TONE, WARNING_TONE, ink
        panel = view.question_panel.text()
        assert ink(WARNING_TONE).name() in panel and ink(ERROR_TONE).name() not in panel

        heard.clear()
        view.go_to_field("beds_max_capacity")  # coming to a question says nothing new: its box describes it
        view.go_to_field("staff_direct_care")
        assert [text for text in heard if not text.startswith("Saved")] == []
    finally:
        announcing.heard.remove(heard.append)
