"""Supported living in the app, a service type that is one definition file and no code: added with the
location dialog, its return opened from its card, answered by typing, checked as it is typed, and sent."""

from __future__ import annotations

import json
from pathlib import Path

from form_helpers import click, type_text
from PySide6.QtCore import Qt

from ct_desktop.models import ReturnState
from ct_desktop.period import Period
from ct_desktop.ui.form_view import ReturnFormView
from ct_desktop.ui.main_window import MainWindow

EXAMPLE = Path(__file__).parents[2] / "examples" / "supported_living-2026-09.json"
SEPTEMBER = Period(2026, 9)
CTRL = Qt.KeyboardModifier.ControlModifier


def test_a_supported_living_location_is_added_opened_filled_in_and_sent(qtbot, context):
    window = MainWindow(context, start_sync=False, use_network_information=False)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)

    qtbot.keyClick(window, Qt.Key.Key_L, CTRL)
    dialog = window.dialog
    dialog.id_edit.setText("1-606")
    dialog.name_edit.setText("Willow Court")
    dialog.type_combo.setCurrentIndex(dialog.type_combo.findText("Supported living"))
    dialog.authority_edit.setText("York")
    dialog.accept()
    assert [(loc.id, loc.service_type) for loc in context.store.locations()] == [("1-606", "supported_living")]
    qtbot.waitUntil(lambda: "1-606" in window.home.cards, timeout=2000)

    window.home.select("1-606")
    qtbot.keyClick(window, Qt.Key.Key_O, CTRL)
    view = window.stack.currentWidget()
    assert isinstance(view, ReturnFormView)
    assert view.header.title.text() == "Willow Court: supported living return for September 2026"
    assert [box.section.title for box in view.section_boxes][:2] == ["People and packages", "Workforce"]

    values = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    type_text(qtbot, view, "people_supported", "18")
    type_text(qtbot, view, "absent_other_direct_care", "30")  # more absent than employed: said at once
    type_text(qtbot, view, "staff_direct_care", "22")
    assert "30" in " ".join(view.rows["absent_other_direct_care"].messages.texts() +
                            view.rows["staff_direct_care"].messages.texts())
    for key, value in values.items():
        item = view.rows[key].item
        if item.numeric:
            type_text(qtbot, view, key, item.format_text(value))
        else:
            view.go_to_field(key)
            click(qtbot, view.rows[key].editor.no if value == "no" else view.rows[key].editor.yes)
    qtbot.waitUntil(view.send_button.isEnabled, timeout=2000)
    click(qtbot, view.send_button)
    draft = context.store.get_return("1-606", SEPTEMBER)
    assert draft.state is ReturnState.QUEUED and draft.values == values
    window.close()
