"""After a 409 the tracker's copy changed: choose per answer, apply through the store, then send or go back."""

from __future__ import annotations

import pytest
from form_helpers import HOME, SEPTEMBER, click, queue_a_conflict, show
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ct_desktop.models import NOT_KNOWN, HistoryAction, ReturnState
from ct_desktop.ui.conflict_rows import OURS, THEIRS
from ct_desktop.ui.conflict_view import ConflictView
from ct_desktop.ui.form_view import ReturnFormView


@pytest.fixture
def conflict(context):
    """Our September return was on its way when the tracker answered 409 with its own revision 3."""
    ours, theirs = queue_a_conflict(context.store)
    assert context.store.get_return(HOME.id, SEPTEMBER).state is ReturnState.CONFLICT
    return ours, theirs


def open_view(qtbot, context):
    return show(qtbot, ConflictView(context, HOME.id, SEPTEMBER))


def test_only_the_answers_that_differ_are_shown_with_what_happened(qtbot, context, conflict):
    view = open_view(qtbot, context)
    text = view.explanation.text()
    assert text.startswith("Someone changed this return on the tracker (revision 3, by Jo Bloggs, at 09:41 on "
                           "9 September 2026) after you started. Choose, for each answer, which to keep")
    assert list(view.grid.groups) == ["beds_occupied", "beds_vacant_accepting", "staff_agency_care",
                                      "flu_vacc_agency"]
    assert view.grid.button("beds_occupied", THEIRS).accessibleName() == "Beds occupied: use the tracker's (33 beds)"
    assert not view.apply_button.isEnabled() and not view.send_button.isEnabled()
    same = view.grid.findChildren(type(view.title), "sameAnswer")
    assert same and not any(label.isVisible() for label in same)
    click(qtbot, view.show_all)
    assert all(label.isVisible() for label in same)


def test_choose_per_answer_apply_and_send(qtbot, context, conflict):
    store = context.store
    view = open_view(qtbot, context)
    click(qtbot, view.grid.button("beds_occupied", THEIRS))
    click(qtbot, view.grid.button("flu_vacc_agency", THEIRS))
    assert "Choose for 2 more answers" in view.status.text()
    assert not view.apply_button.isEnabled()
    # The keyboard works too: Tab to the next choice, arrow to pick.
    view.grid.button("beds_vacant_accepting", OURS).setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    click(qtbot, view.grid.button("staff_agency_care", OURS))
    assert view.apply_button.isEnabled()

    click(qtbot, view.apply_button)
    draft = store.get_return(HOME.id, SEPTEMBER)
    assert draft.answer("beds_occupied") == 33 and draft.answer("flu_vacc_agency") is NOT_KNOWN
    assert draft.answer("beds_vacant_accepting") == 2 and draft.answer("staff_agency_care") == 4
    edits = [e for e in store.history(HOME.id, SEPTEMBER) if e.action is HistoryAction.EDIT][-2:]
    assert [(e.key, e.old, e.new, e.by) for e in edits] == [("beds_occupied", "35", "33", "AB"),
                                                            ("flu_vacc_agency", "0", "not known", "AB")]
    assert "Took 2 answers from the tracker's copy" in view.status.text()

    # 33 occupied leaves two beds unaccounted for: a warning to confirm before sending.
    assert "Check before sending" in view.before_sending.text()
    assert not view.send_button.isEnabled()
    click(qtbot, view.confirm)
    with qtbot.waitSignal(view.resolved, timeout=2000) as done:
        click(qtbot, view.send_button)
    assert done.args == [HOME.id, "2026-09"]
    draft = store.get_return(HOME.id, SEPTEMBER)
    assert draft.state is ReturnState.QUEUED
    payload = next(i for i in store.outbox_items() if i.submission_id == draft.submission_id).payload
    assert payload["base_revision"] == 3 and payload["values"]["beds_occupied"] == 33


def test_use_all_of_the_trackers_answers(qtbot, context, conflict):
    _, theirs = conflict
    view = open_view(qtbot, context)
    click(qtbot, view.take_all)
    click(qtbot, view.apply_button)
    draft = context.store.get_return(HOME.id, SEPTEMBER)
    assert {k: v for k, v in draft.values.items()} == {k: v for k, v in theirs.items() if v is not None}
    assert draft.not_known == {"flu_vacc_agency"}
    assert draft.state is ReturnState.DRAFT  # the conflict is over
    assert not view.grid.isEnabled() and not view.apply_button.isEnabled()  # the choices are made
    assert context.store.history(HOME.id, SEPTEMBER)[-1].detail.startswith(
        "conflict with the tracker's revision 3 resolved by AB: took the tracker's answers for")


def test_leaving_with_choices_not_applied_asks_first(qtbot, context, conflict):
    view = open_view(qtbot, context)
    click(qtbot, view.keep_all)
    with qtbot.assertNotEmitted(view.resolved):
        click(qtbot, view.back_button)
    assert "not applied yet" in view.status.text()
    with qtbot.waitSignal(view.resolved, timeout=2000):
        click(qtbot, view.back_button)
    assert context.store.get_return(HOME.id, SEPTEMBER).answer("beds_occupied") == 35


def test_the_form_of_a_return_in_conflict_offers_the_comparison(qtbot, context, conflict):
    form = show(qtbot, ReturnFormView(context, HOME.id, SEPTEMBER))
    assert "Someone changed this return on the tracker (revision 3, by Jo Bloggs" in form.banner.text.text()
    assert form.banner.button.text() == "Compare answers…"
    click(qtbot, form.banner.button)
    qtbot.waitUntil(lambda: form.conflict_dialog is not None and form.conflict_dialog.isVisible())
    dialog_view = form.conflict_dialog.findChild(ConflictView)
    click(qtbot, dialog_view.keep_all)
    click(qtbot, dialog_view.apply_button)
    if dialog_view.confirm.isVisible():
        click(qtbot, dialog_view.confirm)
    with qtbot.waitSignal(form.submitted, timeout=2000):
        click(qtbot, dialog_view.send_button)
    assert form.conflict_dialog is None
    assert context.store.get_return(HOME.id, SEPTEMBER).state is ReturnState.QUEUED
    assert "Queued" in form.header.details.text()
