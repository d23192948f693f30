"""The form of a return whose question set was corrected after it was started, used as a manager would:
what is no longer asked is listed with the figure typed, who and when (read only, kept, not sent);
new questions are marked "New"; the return is sent once someone has said they have seen it."""

from __future__ import annotations

import pytest
from form_helpers import click, show, type_text
from question_sets import RESPITE_PLACES, ROOMS_CLOSED, day_centre, definitions_folder

from ct_desktop.forms.catalogue import load_catalogue
from ct_desktop.models import HistoryAction, Location, ReturnState
from ct_desktop.period import Period
from ct_desktop.store import open_store
from ct_desktop.ui.form_view import ReturnFormView

CENTRE = Location(id="1-505", name="Oak Day Centre", service_type="day_centre", local_authority="Leeds")
SEPTEMBER = Period(2026, 9)
FIRST = {"day_centre-2026-01.toml": day_centre("2026.01", "2026-01-01", ROOMS_CLOSED)}
CORRECTED = {"day_centre-2026-09.toml": day_centre("2026.09", "2026-09-01", RESPITE_PLACES)}


@pytest.fixture
def corrected(tmp_path, isolated_data_dir, clock, use_definitions):
    """A September draft started by AB under 2026.01, then the correction 2026.09 installed (before the
    app's context opens the store)."""
    first = definitions_folder(tmp_path / "first", FIRST)
    with open_store(isolated_data_dir, clock=clock, catalogue=load_catalogue(first)) as store:
        store.add_location(CENTRE)
        store.set_values(CENTRE.id, SEPTEMBER, {"places_total": 20, "places_used": 15, "rooms_closed": 2}, "JB")
    use_definitions(definitions_folder(tmp_path / "now", {**FIRST, **CORRECTED}))


def test_the_form_lists_what_is_no_longer_asked_marks_what_is_new_and_sends_once_seen(qtbot, corrected, context):
    view = show(qtbot, ReturnFormView(context, CENTRE.id, SEPTEMBER))
    notice = view.correction
    assert notice.isVisible() and notice.button.isVisible()
    assert "now version 2026.09; this return was started under 2026.01" in notice.text.text()
    assert notice.kept_lines() == ["Rooms closed for repairs: 2 (typed by JB at 10:00 on 9 Sep)"]
    assert "rooms_closed" not in view.rows  # read only: no box to type in
    assert view.rows["places_respite"].title.text() == "New: Places kept for respite *"
    assert not view.rows["places_used"].is_new()
    type_text(qtbot, view, "places_respite", "1")
    assert not view.send_button.isEnabled()
    assert "press “I have seen these changes”" in view.status.text()

    click(qtbot, notice.button)
    assert notice.isVisible() and not notice.button.isVisible()  # the kept figure stays listed
    assert notice.kept_lines() == ["Rooms closed for repairs: 2 (typed by JB at 10:00 on 9 Sep)"]
    assert view.rows["places_respite"].title.text() == "Places kept for respite *"
    assert view.send_button.isEnabled()
    click(qtbot, view.send_button)

    store = context.store
    draft = store.get_return(CENTRE.id, SEPTEMBER)
    assert draft.state is ReturnState.QUEUED
    assert draft.values["rooms_closed"] == 2  # kept in the store
    [item] = store.outbox_items()
    assert item.payload["values"] == {"places_total": 20, "places_used": 15, "places_respite": 1}
    seen = [e for e in store.history(CENTRE.id, SEPTEMBER) if e.action is HistoryAction.QUESTIONS_SEEN]
    assert [(e.by, "Rooms closed for repairs (rooms_closed) = 2" in e.detail) for e in seen] == [("AB", True)]


def test_reopening_after_it_was_seen_shows_the_kept_answer_and_no_button(qtbot, corrected, context):
    context.store.acknowledge_question_set(CENTRE.id, SEPTEMBER, "CD")
    view = show(qtbot, ReturnFormView(context, CENTRE.id, SEPTEMBER))
    assert view.correction.isVisible() and not view.correction.button.isVisible()
    assert view.correction.kept_lines() == ["Rooms closed for repairs: 2 (typed by JB at 10:00 on 9 Sep)"]
    assert view.correction.heading.text() == "No longer asked (kept here and in the history, not sent):"
