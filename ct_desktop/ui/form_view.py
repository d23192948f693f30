"""The monthly return of one location, as a form built from its question set.

Every answer is saved the moment it is given (Enter, Tab, leaving the box, a click); text that cannot
be read is not saved and the question says why, keeping the saved answer. Keys work as in a
spreadsheet: Tab and Enter save and move to the next answer box (across and down a grid), Ctrl+Z
puts back the answer a saved change replaced. The core checks the answers
on screen on every change (forms.validate) and this view shows what it finds: next to each question,
in the summary list, in the section list and in whether "Ready to send" can be pressed.
"""

from __future__ import annotations

import contextlib
import itertools
from html import escape
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
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
from ct_desktop.forms.correction import QuestionSetChange
from ct_desktop.forms.findings import PreviousReturn
from ct_desktop.forms.model import ValueProblem
from ct_desktop.forms.totals import section_totals
from ct_desktop.models import HistoryAction, ReturnDraft, ReturnState
from ct_desktop.period import Period
from ct_desktop.store import StoreError
from ct_desktop.ui import form_presenter as present
from ct_desktop.ui.announce import announce
from ct_desktop.ui.context import AppContext
from ct_desktop.ui.correction_notice import CorrectionNotice
from ct_desktop.ui.field_row import MESSAGE_PREFIX, FieldRow, SectionBox, guidance_html, wrapped_label
from ct_desktop.ui.field_text import answer_text, brief_moment, due_text, requirement, short_time, state_text
from ct_desktop.ui.findings_panel import FindingsPanel, WrappingDelegate
from ct_desktop.ui.form_banner import ERROR, banner_for
from ct_desktop.ui.form_style import style_return_view
from ct_desktop.ui.keyboard import RegionCycler, add_shortcut, focused_within, owner_of
from ct_desktop.ui.return_header import Banner, ReturnHeader
from ct_desktop.ui.theme import ERROR_TONE, WARNING_TONE, ink

LEGEND = ("<b>*</b> marks a question that needs an answer: give a number, or tick "
          "“Not known” (Alt+N) if you cannot find it out. A blank box is not an answer; 0 is. Each answer is "
          "saved as soon as you press Tab or Enter (which move on to the next box) or leave the box; Ctrl+Z "
          "undoes the last saved change.")


class ReturnFormView(QWidget):
    """One location's return for one month: header, sections of questions, problems, and "Ready to send"."""

    SCREEN_NAME = "a return"
    SCREEN_KEYS = (  # keys that work like a spreadsheet's (ui/field_editors.py); F1 lists them
        ("Tab / Enter", "Save the answer and go to the next box (Enter goes down a table)"),
        ("Shift+Tab / Shift+Enter", "Save the answer and go back to the box before"),
        ("Alt+N", "Tick or untick “Not known” for the question"),
        ("Ctrl+Z", "Undo the last saved change (again for the one before)"),
        ("Y / N, arrow keys", "Answer a Yes/No question"),
        ("1, 2, 3… / Up, Down, Space", "Tick a choice"),
        ("F6 / Shift+F6", "Move between the questions, the problems list and the sections"),
        ("Ctrl+S", "Save what is typed"),
        ("Ctrl+Enter", "Ready to send"),
        ("Esc", "Back to all locations (what is typed is saved)"),
    )

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
        self._change: QuestionSetChange | None = None  # the question set corrected since the return was started
        self._tracker: dict[str, list[str]] = {}  # the tracker's reasons for refusing, by question
        self._announcing = False
        self._undo: list[tuple[str, Any]] = []  # (question, the answer a saved change replaced), oldest first
        self._undoing = False
        self._passed: set[str] = set()  # questions the person has been at (or that were answered when opened)
        self._focused_key: str | None = None
        self._news = present.NewMessages()  # what a screen reader has heard about the question with focus
        self._opened = False
        self.conflict_dialog: QDialog | None = None  # the comparison, while it is open
        self.setObjectName("returnFormView")
        style_return_view(self)
        self._build()
        self._install_shortcuts()
        context.events.return_changed.connect(self._return_changed)
        self.reload()

    # Building -------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.header = ReturnHeader()
        self.banner = Banner()
        self.banner.action_requested.connect(self._open_conflict)
        self.correction = CorrectionNotice()
        self.correction.acknowledged.connect(self.acknowledge_change)
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
        self.question_panel = wrapped_label(name="questionPanel", rich=True)
        self.question_panel.setAccessibleName("This question")
        self.question_panel.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # Beside the form, scrolling rather than taking the height the section and problem lists need.
        self.question_scroll = QScrollArea()
        self.question_scroll.setObjectName("questionScroll")
        self.question_scroll.setWidgetResizable(True)
        self.question_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.question_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.question_scroll.setWidget(self.question_panel)
        self.question_scroll.setMinimumHeight(self.fontMetrics().lineSpacing() * 2)
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
        self._across: list[str] = []  # the answer boxes in the order Tab follows
        self._down: list[str] = []  # and Enter: down each column of a grid
        for section in self._form.sections:
            grid = section.grid
            in_grid = set(grid.keys()) if grid else set()
            rows = [self._make_row(item, compact=item.key in in_grid) for item in section.fields]
            others = [item.key for item in section.fields if item.key not in in_grid]
            self._across += others + list(grid.keys() if grid else ())
            self._down += others + list(grid.keys_down() if grid else ())
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

    def _make_row(self, item: Any, compact: bool = False) -> FieldRow:
        row = FieldRow(item, compact=compact)
        key = item.key
        row.editor.move_requested.connect(
            lambda step, down, key=key: self._move(key, step, down) if self._alive() else None)
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
        side_layout.addWidget(self.findings, 2)
        question_heading = QLabel("This question")
        question_heading.setObjectName("navHeading")
        side_layout.addWidget(question_heading)
        side_layout.addWidget(self.question_scroll, 1)
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
        layout.addWidget(self.correction)
        layout.addWidget(splitter, 1)
        layout.addLayout(bar)

    def _set_tab_order(self) -> None:
        # Reading order: banner button, sections, the answers, problems, buttons. Inside the answers Tab
        # and Enter are the form's own (see _move): they never leave them for the buttons or the status bar.
        chain: list[QWidget] = [self.banner.button, self.correction.button, self.sections_nav]
        for key in self._across:
            chain += self.rows[key].editor.inputs()
        chain += [self.findings.list, self.findings.confirm, self.close_button, self.send_button]
        for before, after in itertools.pairwise(chain):
            QWidget.setTabOrder(before, after)

    def _install_shortcuts(self) -> None:
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            add_shortcut(self, keys, self._send_shortcut)
        add_shortcut(self, "Alt+N", self._toggle_not_known)
        add_shortcut(self, "Ctrl+S", self.save_pending)
        add_shortcut(self, "Ctrl+Z", self.undo)
        app = QApplication.instance()
        if isinstance(app, QApplication):  # typed as the core base, which has no focus
            app.focusChanged.connect(self._focus_changed)
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
        self._passed |= {key for key, answer in self._saved.items() if answer is not None}
        tracker = self._draft.tracker_messages if self._draft else {}
        for key, row in self.rows.items():
            if row.editor.pending():
                row.editor.rebase(self._saved.get(key))
            else:
                row.editor.load(self._saved.get(key))
            row.set_last_month(present.last_month_text(self._form, key, revision))
        self._tracker = tracker
        self._show_change()
        self._show_last_edit()
        self._update_header()
        self._refresh()

    def _show_change(self) -> None:
        try:
            self._change = self._context.store.question_set_change(self._location_id, self._period)
        except StoreError:
            self._change = None
        self.correction.show_change(self._change)
        for key, row in self.rows.items():
            row.set_new(self._change is not None and self._change.is_new(key))

    def acknowledge_change(self) -> None:
        """“I have seen these changes”: recorded in the history; the return can be sent after that."""
        try:
            self._context.store.acknowledge_question_set(self._location_id, self._period, self._context.person)
        except StoreError as exc:
            self.banner.show_message(ERROR, f"Not recorded: {exc}")
            return
        self._show_change()
        self._refresh()
        self._announce()
        self.header.show_saved(f"Seen by {self._context.person}", "idle")

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
        # A finding across questions shows once the person has been at every question it names.
        shown = present.shown_to(checked, self._passed | ({self._focused_key} if self._focused_key else set()))
        for key, row in self.rows.items():
            row.set_requirement(requirement(self._form, self._period, row.item, checked.usable))
            row.set_messages(present.row_messages(self._form, key, shown, self._refused, self._tracker),
                             present.related_severity(key, shown))
        for index, box in enumerate(self.section_boxes):
            figures = section_totals(self._form, box.section.key, checked.values, checked.not_known)
            box.set_totals([figure.describe() for figure in figures])
            if box.grid is not None:
                box.grid.set_sums(present.grid_sums(self._form, box.section.grid, checked.values))
            status = present.section_status(box.section, checked, self._refused)
            if self.sections_nav.item(index).text() != status:
                self.sections_nav.item(index).setText(status)
        self._fit_nav()
        self.findings.show_entries(present.panel_entries(self._form, shown, self._refused))
        self._show_question()
        self._tell_new_messages(shown)
        state = self._draft.state if self._draft else None
        changed = self._change is not None and self._change.corrected
        enabled, text = present.send_status(state, checked, self._refused, self.findings.warnings_confirmed(),
                                            questions_changed=changed)
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
        if not self._undoing and result.changes:
            self._undo.append((key, self._saved.get(key)))
        row.editor.mark_saved(answer)
        self._saved[key] = answer
        self._passed.add(key)
        before = self._draft.state if self._draft else None
        self._draft = result.draft
        if result.draft is not None and result.draft.state is not before:
            self._show_change()  # an accepted or queued return edited again is compared with the questions now
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

    def _move(self, key: str, step: int, down: bool) -> None:
        # Tab / Enter (saved already by the editor): the next answer box that can be answered, round
        # the end of the form to its start. Text that could not be saved keeps the focus, so the person
        # sees why.
        if key in self._refused:
            self.rows[key].editor.focus_target().setFocus(Qt.FocusReason.OtherFocusReason)
            return
        order = self._down if down else self._across
        start = order.index(key)
        for offset in range(1, len(order) + 1):
            candidate = order[(start + step * offset) % len(order)]
            if self.rows[candidate].editor.isEnabled():
                self._enter(candidate, Qt.FocusReason.TabFocusReason)
                return

    def _enter(self, key: str, reason: Qt.FocusReason) -> None:
        row = self.rows[key]
        target = row.editor.entry_target()
        target.setFocus(reason)
        self.form_scroll.ensureWidgetVisible(row if not row.compact else target, 0, 24)

    def entry_order(self, down: bool = False) -> list[str]:
        """The questions in the order Tab (or Enter, ``down`` each grid column) moves through them."""
        return list(self._down if down else self._across)

    def first_unanswered(self) -> str | None:
        """The first question in Tab order that is asked this month and has no answer yet."""
        return next((key for key in self._across if self.rows[key].editor.isEnabled()
                     and self._saved.get(key) is None and not self.rows[key].editor.pending()), None)

    def _focus_first_unanswered(self) -> None:
        if not self._alive():
            return
        key = self.first_unanswered() or next((k for k in self._across if self.rows[k].editor.isEnabled()), None)
        if key is not None:
            self._enter(key, Qt.FocusReason.OtherFocusReason)

    def showEvent(self, event: QShowEvent) -> None:
        """Opening the return puts the cursor in its first unanswered question."""
        super().showEvent(event)
        if not self._opened:
            self._opened = True
            self._focus_first_unanswered()
            QTimer.singleShot(0, self._focus_first_if_lost)

    def _focus_first_if_lost(self) -> None:
        # The window may hand the focus elsewhere as the page is shown; take it back once, if so.
        if self._alive() and self.isVisible() and focused_within(self.form_scroll) is None:
            self._focus_first_unanswered()

    def undo(self) -> None:
        """Ctrl+Z: typing not yet saved is put back to the saved answer; otherwise the last saved change
        made here is undone, one at a time, by saving the answer it replaced (recorded in the history)."""
        key = self._key_of(QApplication.focusWidget())
        if key is not None and self.rows[key].editor.pending():
            self.rows[key].editor.load(self._saved.get(key))
            self._refused.pop(key, None)
            self._refresh()
            return
        if not self._undo:
            self.header.show_saved("Nothing to undo", "idle")
            return
        key, answer = self._undo.pop()
        self._undoing = True
        try:
            self.rows[key].editor.load(answer)
            self._save(key, answer)
        finally:
            self._undoing = False
        if key not in self._refused:
            label = self.rows[key].item.label
            self.header.show_saved(f"Undone: {label} is {answer_text(self.rows[key].item, answer, unit=False)} "
                                   f"again", "idle")
        self._enter(key, Qt.FocusReason.OtherFocusReason)

    def _key_of(self, widget: QWidget | None) -> str | None:
        row = owner_of(widget, FieldRow) if widget is not None and self.form_scroll.isAncestorOf(widget) else None
        return row.item.key if isinstance(row, FieldRow) else None

    def _focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        if not self._alive():
            return
        left = self._key_of(old) if old is not None and isValid(old) else None
        now = self._key_of(new) if new is not None and isValid(new) else None
        if now is None and new is not None and isValid(new) and not self.isAncestorOf(new):
            return  # the focus went to another window: "This question" keeps what it shows
        changed = now != self._focused_key
        self._focused_key = now
        if left is not None and left not in self._passed:
            self._passed.add(left)
            changed = True
        if changed:
            self._refresh()

    def _show_question(self) -> None:
        # The side panel: the question with the focus in full, its guidance and every message about it.
        key = self._focused_key
        if key is None:
            text = "Put the cursor in a question to see its guidance and any problem with it here."
        else:
            row = self.rows[key]
            parts = [f"<b>{escape(row.item.label)}</b>"]
            if row.requirement().text:
                parts.append(escape(row.requirement().text))
            if guidance_html(row.item):
                parts.append(guidance_html(row.item))
            if row.last_month.text():
                parts.append(escape(row.last_month.text()))
            # From the palette in use, as the rest of the form: red for what must be fixed, amber to check.
            colours = {kind: ink(tone, self.palette()).name() for kind, tone in (("error", ERROR_TONE),
                                                                                 ("warning", WARNING_TONE))}
            parts += [f"<span style='color:{colours['warning' if kind == 'warning' else 'error']}'>{escape(line)}"
                      "</span>" for kind, line in row.messages.items()]
            text = "<br>".join(parts)
        if self.question_panel.text() != text:
            self.question_panel.setText(text)
            self.question_panel.setAccessibleDescription(self.question_panel.text())

    def _tell_new_messages(self, shown: present.Checked) -> None:
        # A sighted person sees an error appear beside the box they are typing in; a screen reader says it.
        key = self._focused_key
        items = present.row_message_items(key, shown, self._refused, self._tracker) if key else []
        news = self._news.news(key, [(identity, MESSAGE_PREFIX.get(kind, "") + text)
                                     for identity, kind, text in items])
        if key is not None and news:
            focused = QApplication.focusWidget()
            target = focused if focused is not None and self.rows[key].isAncestorOf(focused) else self.rows[key]
            announce(target, " ".join(news), rename=False)

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
