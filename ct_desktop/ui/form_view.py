"""The monthly return of one location, as a form built from its question set.

Every answer is saved the moment it is given (Enter, leaving the box, a click); text that cannot be
read is not saved and the question says why, keeping the saved answer. The core checks the answers
on screen on every change (forms.validate) and this view shows what it finds: next to each question,
in the summary list, in the section list and in whether "Ready to send" can be pressed.
"""

from __future__ import annotations

import contextlib
import itertools
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QHideEvent, QResizeEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ct_desktop.collection_window import collection_window
from ct_desktop.forms.findings import PreviousReturn
from ct_desktop.forms.model import ValueProblem
from ct_desktop.forms.totals import section_totals
from ct_desktop.models import HistoryAction, ReturnDraft, ReturnState
from ct_desktop.period import Period
from ct_desktop.store import StoreError
from ct_desktop.ui import form_presenter as present
from ct_desktop.ui.context import AppContext
from ct_desktop.ui.field_row import FieldRow, SectionBox, wrapped_label
from ct_desktop.ui.field_text import answer_text, brief_moment, due_text, requirement, short_time, state_text
from ct_desktop.ui.findings_panel import FindingsPanel, WrappingDelegate
from ct_desktop.ui.form_banner import ERROR, banner_for
from ct_desktop.ui.form_style import RETURN_VIEW_STYLE
from ct_desktop.ui.keyboard import RegionCycler, add_shortcut, focused_within, owner_of
from ct_desktop.ui.return_header import Banner, ReturnHeader

LEGEND = ("<span style='color:#b3261e'>*</span> marks a question that needs an answer: give a number, or tick "
          "“Not known” if you cannot find it out. A blank box is not an answer; 0 is. Each answer is saved as "
          "soon as you press Enter or leave the box.")


class ReturnFormView(QWidget):
    """One location's return for one month: header, sections of questions, problems, and "Ready to send"."""

    submitted = Signal(str, str)  # location id, "YYYY-MM": queued in the outbox
    close_requested = Signal()

    def __init__(self, context: AppContext, location_id: str, period: Period, parent: QWidget | None = None):
        super().__init__(parent)
        self._context = context
        self._location_id = location_id
        self._period = period
        self._location = context.store.location(location_id)
        self._form = context.store.form_for(self._location, period)
        self._draft: ReturnDraft | None = None
        self._saved: dict[str, Any] = {}  # the store's answers, as last loaded or saved
        self._refused: dict[str, str] = {}  # answers that could not be saved, and why
        self._previous: PreviousReturn | None = None
        self._edit_notice: str | None = None  # what the first edit did to a queued or accepted return
        self._tracker: dict[str, list[str]] = {}  # the tracker's reasons for refusing, by question
        self._announcing = False
        self.conflict_dialog: QDialog | None = None  # the comparison, while it is open
        self.setObjectName("returnFormView")
        self.setStyleSheet(RETURN_VIEW_STYLE)
        self._build()
        self._install_shortcuts()
        context.events.return_changed.connect(self._return_changed)
        self.reload()

    # Building -------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.header = ReturnHeader()
        self.banner = Banner()
        self.banner.action_requested.connect(self._open_conflict)
        self.sections_nav = QListWidget()
        self.sections_nav.setObjectName("sectionsNav")
        self.sections_nav.setAccessibleName("Sections of the return")
        self.sections_nav.setAccessibleDescription("Press Enter to go to a section. F6 moves to the form.")
        self.sections_nav.setWordWrap(True)
        self.sections_nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.sections_nav.setItemDelegate(WrappingDelegate(self.sections_nav, padding=2))
        self.rows: dict[str, FieldRow] = {}
        self.section_boxes: list[SectionBox] = []
        self.form_scroll = self._build_form()
        self.findings = FindingsPanel()
        self.findings.field_activated.connect(self.go_to_field)
        self.findings.confirmation_changed.connect(lambda _checked: self._refresh())
        self.status = wrapped_label(name="sendStatus")
        self.close_button = QPushButton("Close")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self._close_clicked)
        self.send_button = QPushButton("Ready to send")
        self.send_button.setObjectName("sendButton")
        self.send_button.setAutoDefault(False)
        self.send_button.setToolTip("Queue this return to be sent to the tracker (Ctrl+Enter)")
        self.send_button.clicked.connect(self.send)
        self._lay_out()
        self._set_tab_order()

    def _build_form(self) -> QScrollArea:
        content = QWidget()
        content.setObjectName("formContent")
        layout = QVBoxLayout(content)
        layout.setContentsMargins(12, 4, 12, 12)
        layout.addWidget(wrapped_label(LEGEND, "legend", rich=True))
        for section in self._form.sections:
            rows = [self._make_row(item) for item in section.fields]
            box = SectionBox(section, rows)
            self.section_boxes.append(box)
            layout.addWidget(box)
            self.sections_nav.addItem(section.title)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setObjectName("formScroll")
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # labels wrap instead
        scroll.setWidget(content)
        scroll.verticalScrollBar().valueChanged.connect(self._follow_scroll)
        self.sections_nav.itemActivated.connect(lambda item: self.go_to_section(self.sections_nav.row(item)))
        self.sections_nav.itemClicked.connect(lambda item: self.go_to_section(self.sections_nav.row(item)))
        return scroll

    def _make_row(self, item: Any) -> FieldRow:
        row = FieldRow(item)
        key = item.key
        row.editor.committed.connect(lambda answer, key=key: self._save(key, answer) if self._alive() else None)
        row.editor.refused.connect(lambda reason, key=key: self._refuse(key, reason) if self._alive() else None)
        row.editor.settled.connect(lambda key=key: self._settle(key) if self._alive() else None)
        row.editor.edited.connect(lambda: self._refresh() if self._alive() else None)
        self.rows[key] = row
        return row

    def _alive(self) -> bool:
        # Focus can move while the window is being destroyed; the editors then report to a view half gone.
        return isValid(self) and isValid(self.form_scroll) and isValid(self.findings)

    def _lay_out(self) -> None:
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 6, 0)
        heading = QLabel("Sections")
        heading.setObjectName("navHeading")
        side_layout.addWidget(heading)
        side_layout.addWidget(self.sections_nav)
        side_layout.addSpacing(8)
        side_layout.addWidget(self.findings, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(side)
        splitter.addWidget(self.form_scroll)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 1000])  # about a fifth for the lists, the rest for the questions
        splitter.setChildrenCollapsible(False)
        side.setMinimumWidth(self.fontMetrics().horizontalAdvance("x") * 26)
        bar = QHBoxLayout()
        bar.addWidget(self.status, 1)
        bar.addWidget(self.close_button)
        bar.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.header)
        layout.addWidget(self.banner)
        layout.addWidget(splitter, 1)
        layout.addLayout(bar)

    def _set_tab_order(self) -> None:
        # Reading order: banner button, sections, every question top to bottom, problems, buttons.
        chain: list[QWidget] = [self.banner.button, self.sections_nav]
        for row in self.rows.values():
            chain += row.editor.focus_widgets()
        chain += [self.findings.list, self.findings.confirm, self.close_button, self.send_button]
        for before, after in itertools.pairwise(chain):
            QWidget.setTabOrder(before, after)

    def _install_shortcuts(self) -> None:
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            add_shortcut(self, keys, self._send_shortcut)
        add_shortcut(self, "Alt+N", self._toggle_not_known)
        add_shortcut(self, "Ctrl+S", self.save_pending)
        self._regions = RegionCycler([
            (self.form_scroll, self._first_input),
            (self.findings, lambda: self.findings.list),
            (self.sections_nav, lambda: self.sections_nav),
        ])
        add_shortcut(self, "F6", lambda: self._regions.move(1))
        add_shortcut(self, "Shift+F6", lambda: self._regions.move(-1))

    # Loading ----------------------------------------------------------------------------------------

    def reload(self) -> None:
        """Show the return as saved now (another view, the sync engine or another shift may have changed it).

        A question being typed into keeps its text: reloading never throws away typing.
        """
        store = self._context.store
        self._draft = store.get_return(self._location_id, self._period)
        revision = store.last_accepted(self._location_id, before=self._period)
        self._previous = present.previous_return(revision)
        self._saved = {key: self._draft.answer(key) for key in self.rows} if self._draft else {}
        tracker = self._draft.tracker_messages if self._draft else {}
        for key, row in self.rows.items():
            if row.editor.pending():
                row.editor.rebase(self._saved.get(key))
            else:
                row.editor.load(self._saved.get(key))
            row.set_last_month(present.last_month_text(self._form, key, revision))
        self._tracker = tracker
        self._show_last_edit()
        self._update_header()
        self._refresh()

    def _show_last_edit(self) -> None:
        edits = [entry for entry in self._context.store.history(self._location_id, self._period)
                 if entry.action is HistoryAction.EDIT]
        if edits:
            self.header.show_saved(f"All saved · last change {brief_moment(edits[-1].at)} by {edits[-1].by}", "idle")
        else:
            self.header.show_saved("Nothing saved yet" if self._draft is None else "All saved", "idle")

    def _update_header(self) -> None:
        window = collection_window(self._period)
        title = f"{self._location.name}: {self._form.title.lower()} return for {self._period.label}"
        details = "  ·  ".join([due_text(window, self._context.clock()), state_text(self._draft),
                                f"Form version {self._form.version}"])
        self.header.set_text(title, details)
        banner = banner_for(self._context.store, self._form, self._draft, self._edit_notice)
        if banner is None:
            self.banner.clear()
        else:
            self.banner.show_message(*banner)

    # Checking ---------------------------------------------------------------------------------------

    def _on_screen(self) -> dict[str, Any]:
        # Saved answers, with what is being typed where it can be read: checks follow the typing.
        answers = dict(self._saved)
        for key, row in self.rows.items():
            if row.editor.pending():
                with contextlib.suppress(ValueProblem):  # unreadable text: the saved answer is checked
                    answers[key] = row.editor.on_screen()
        return answers

    def _refresh(self) -> None:
        answers = self._on_screen()
        checked = present.check(self._form, self._period, answers, self._previous)
        for key, row in self.rows.items():
            row.set_requirement(requirement(self._form, self._period, row.item, checked.usable))
            row.set_messages(present.row_messages(self._form, key, checked, self._refused, self._tracker))
        for index, box in enumerate(self.section_boxes):
            figures = section_totals(self._form, box.section.key, checked.values, checked.not_known)
            box.set_totals([figure.describe() for figure in figures])
            status = present.section_status(box.section, checked, self._refused)
            if self.sections_nav.item(index).text() != status:
                self.sections_nav.item(index).setText(status)
        self._fit_nav()
        self.findings.show_entries(present.panel_entries(self._form, checked, self._refused))
        state = self._draft.state if self._draft else None
        enabled, text = present.send_status(state, checked, self._refused, self.findings.warnings_confirmed())
        self.send_button.setEnabled(enabled)
        self.status.setText(text)

    # Saving -----------------------------------------------------------------------------------------

    def _save(self, key: str, answer: Any) -> None:
        row = self.rows[key]
        try:
            result = self._context.store.set_value(self._location_id, self._period, key, answer,
                                                   self._context.person)
        except StoreError as exc:
            self._refused[key] = f"{exc}. Your answer is still on screen: press Enter to try again."
            self.header.show_saved("Not saved: see the question marked in red", "failed")
            self._refresh()
            return
        self._refused.pop(key, None)
        row.editor.mark_saved(answer)
        self._saved[key] = answer
        self._draft = result.draft
        self._edit_notice = result.notice or self._edit_notice
        self.header.show_saved(f"Saved {short_time(self._context.clock())}")
        self._update_header()
        if result.changes:
            self._announce()
        self._refresh()

    def _refuse(self, key: str, reason: str) -> None:
        item = self.rows[key].item
        saved = answer_text(item, self.rows[key].editor.saved_answer(), unit=False).lower()
        self._refused[key] = f"{reason.replace(f' ({key})', '')}. The saved answer is still {saved}."
        self.header.show_saved("Not saved: see the question marked in red", "failed")
        self._refresh()

    def _settle(self, key: str) -> None:
        if self._refused.pop(key, None) is not None and not self._refused:
            self.header.show_saved("All saved")
        self._refresh()

    def save_pending(self) -> bool:
        """Save every answer typed but not yet saved (Ctrl+S; also before sending and when hidden).

        Returns True when nothing is left unsaved.
        """
        if not self._alive():
            return True
        for row in self.rows.values():
            if row.editor.pending():
                row.editor.commit()
        return not self._refused

    def _announce(self) -> None:
        self._announcing = True
        try:
            self._context.events.return_changed.emit(self._location_id, str(self._period))
        finally:
            self._announcing = False

    def _return_changed(self, location_id: str, period: str) -> None:
        if not self._announcing and location_id == self._location_id and period == str(self._period):
            self.reload()

    # Sending ----------------------------------------------------------------------------------------

    def send(self) -> None:
        """Queue the return (Ready to send): saves what is typed, then store.submit with the warnings confirmed."""
        if not self.save_pending():
            self._refresh()
            return
        self._refresh()
        if not self.send_button.isEnabled():
            return
        try:
            submission = self._context.store.submit(self._location_id, self._period, self._context.person,
                                                    confirm_warnings=True)
        except StoreError as exc:
            self.status.setText(f"Not sent: {exc}")
            self.banner.show_message(ERROR, f"Not sent: {exc}")
            return
        self._draft = submission.draft
        self._edit_notice = None
        self._update_header()
        self._refresh()
        self._announce()
        self.submitted.emit(self._location_id, str(self._period))

    def _send_shortcut(self) -> None:
        # Ctrl+Enter from inside a box: send() first saves what is being typed, then checks again.
        self.send()

    # Moving around ----------------------------------------------------------------------------------

    def go_to_field(self, key: str) -> None:
        """Scroll to a question and put the keyboard focus in it."""
        row = self.rows.get(key)
        if row is None:
            return
        self.form_scroll.ensureWidgetVisible(row, 0, 24)
        target = row.editor.focus_target()
        if not target.isEnabled():
            target = row.editor.not_known if row.editor.not_known.isEnabled() else target
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def go_to_section(self, index: int) -> None:
        """Scroll to a section and focus its first question that can be answered."""
        box = self.section_boxes[index]
        self.form_scroll.verticalScrollBar().setValue(box.y())
        for item in box.section.fields:
            target = self.rows[item.key].editor.focus_target()
            if target.isEnabled():
                target.setFocus(Qt.FocusReason.OtherFocusReason)
                self.form_scroll.ensureWidgetVisible(target, 0, 24)
                return

    def _follow_scroll(self, value: int) -> None:
        # The section list shows where the reader is, without moving the focus.
        index = 0
        for number, box in enumerate(self.section_boxes):
            if box.y() <= value + 40:
                index = number
        self.sections_nav.blockSignals(True)
        self.sections_nav.setCurrentRow(index)
        self.sections_nav.blockSignals(False)

    def _fit_nav(self) -> None:
        # The section list shows every section without scrolling; long entries wrap onto a second line.
        rows = sum(self.sections_nav.sizeHintForRow(row) for row in range(self.sections_nav.count()))
        height = rows + 2 * self.sections_nav.frameWidth() + 2 * self.sections_nav.spacing() + 2
        if self.sections_nav.height() != height:
            self.sections_nav.setFixedHeight(height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Refit the section list: entries may wrap differently at a new width."""
        super().resizeEvent(event)
        self._fit_nav()

    def _first_input(self) -> QWidget | None:
        return next((row.editor.focus_target() for row in self.rows.values()
                     if row.editor.focus_target().isEnabled()), None)

    def _toggle_not_known(self) -> None:
        row = owner_of(focused_within(self.form_scroll), FieldRow)
        if isinstance(row, FieldRow):
            row.editor.toggle_not_known()

    # Elsewhere --------------------------------------------------------------------------------------

    def _close_clicked(self) -> None:
        self.save_pending()
        self.close_requested.emit()

    def hideEvent(self, event: QHideEvent) -> None:
        # Leaving the view (another page, closing the window) saves what was typed.
        self.save_pending()
        super().hideEvent(event)

    def _open_conflict(self) -> None:
        from ct_desktop.ui.conflict_view import conflict_dialog  # built only when asked for

        self.save_pending()
        dialog = conflict_dialog(self._context, self._location_id, self._period, self)
        dialog.finished.connect(lambda _result: self._conflict_closed(dialog))
        dialog.resize(self.size() * 0.9)
        dialog.open()
        self.conflict_dialog = dialog

    def _conflict_closed(self, dialog: QDialog) -> None:
        self.conflict_dialog = None
        dialog.deleteLater()
        self.reload()
        # Sent from the comparison (it can only open on a return that is not queued): tell the window.
        if self._draft is not None and self._draft.state is ReturnState.QUEUED:
            self.submitted.emit(self._location_id, str(self._period))
