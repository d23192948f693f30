"""History of a return (who changed what and when) and the location's trend over twelve accepted months."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ct_desktop.collection_window import LONDON
from ct_desktop.forms.model import FormDefinition
from ct_desktop.history_detail import plain_detail, split_detail
from ct_desktop.models import AcceptedRevision, HistoryAction, HistoryEntry, Location
from ct_desktop.period import Period
from ct_desktop.store import StoreError
from ct_desktop.ui.context import AppContext
from ct_desktop.ui.figures import TREND_MONTHS, brief_summary, series_for, trend_points
from ct_desktop.ui.month_picker import MonthPicker
from ct_desktop.ui.presentation import day_text, month_of
from ct_desktop.ui.theme import error_label, muted, show_message
from ct_desktop.ui.trend_chart import TrendChart

ALL = "__all__"
STEPS = "__steps__"
ACTION_WORDS = {
    HistoryAction.EDIT: "Edited", HistoryAction.SUBMITTED: "Submitted", HistoryAction.NO_CHANGES: "No changes",
    HistoryAction.WITHDRAWN: "Withdrawn", HistoryAction.NEW_REVISION: "New revision",
    HistoryAction.SET_ASIDE: "Set aside", HistoryAction.ACCEPTED: "Accepted", HistoryAction.REJECTED: "Refused",
    HistoryAction.CONFLICT: "Conflict", HistoryAction.RESOLVED: "Conflict resolved",
    HistoryAction.RETRIED: "Sent again", HistoryAction.DISMISSED: "Dismissed",
    HistoryAction.QUESTIONS_SEEN: "Question set changed",
}


def change_text(entry: HistoryEntry, form: FormDefinition | None = None) -> str:
    """'35 → 34' for an edit (blank shown as 'blank'), the detail's plain words for a lifecycle step.

    The tracker's reasons name the questions by key; with the form, they are named by their labels.
    """
    if entry.action is HistoryAction.EDIT:
        return f"{entry.old or 'blank'} → {entry.new or 'blank'}"
    text = plain_detail(entry.detail)
    if form is not None and entry.action is HistoryAction.REJECTED:
        for item in form.fields:
            text = re.sub(rf"(?<![\w-]){re.escape(item.key)}: ", f"{item.label}: ", text)
    return text


def reference_text(entry: HistoryEntry) -> str:
    """The references kept with a step (submission, rule codes), '' when it has none."""
    return split_detail(entry.detail)[1]


def _headed_box(title: QLabel, choice_label: str, choice: QComboBox, body: QWidget, *below: QWidget) -> QGroupBox:
    """A box headed by its title and a labelled drop-down; the body takes the height, the rest go under it."""
    box = QGroupBox()
    layout = QVBoxLayout(box)
    heading = QHBoxLayout()
    heading.addWidget(title, 1)
    label = QLabel(choice_label)
    label.setBuddy(choice)
    heading.addWidget(label)
    heading.addWidget(choice)
    layout.addLayout(heading)
    layout.addWidget(body, 1)
    for widget in below:
        layout.addWidget(widget)
    return box


class HistoryView(QWidget):
    """A location and month: the trend chart above, the change list (newest first, filterable) below."""

    SCREEN_NAME = "history"
    SCREEN_KEYS = (  # F1 lists them (ui/shortcuts_help.py)
        ("Alt+L", "Choose the location"),
        ("Alt+G", "Choose the figure the chart shows"),
        ("Alt+S", "Choose which changes are listed"),
        ("Ctrl+PgUp / Ctrl+PgDown", "Previous / next month"),
        ("Ctrl+O", "Open this location's return for the month shown"),
        ("Alt+E", "Save the month's evidence as a PDF"),
        ("Esc", "Back to all locations"),
    )

    close_requested = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._context = context
        self.location: Location | None = None
        self.entries: list[HistoryEntry] = []
        self._form: FormDefinition | None = None
        self._revisions: list[AcceptedRevision] = []
        self.back_button = QPushButton("◀  All locations")
        self.back_button.setToolTip("Back to all locations (Esc)")
        self.back_button.clicked.connect(self.close_requested.emit)
        self.location_combo = QComboBox()
        self.location_combo.setAccessibleName("Location")
        self.location_combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.picker = MonthPicker(lambda: month_of(context.clock()))
        self.picker.period_changed.connect(lambda _p: self.reload())
        self.series_combo = QComboBox()
        self.series_combo.setAccessibleName("Figure shown in the chart")
        self.series_combo.currentIndexChanged.connect(lambda _i: self._show_trend())
        self.chart = TrendChart()
        self.chart_title = QLabel()
        self.summary = muted()
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.filter_combo = QComboBox()
        self.filter_combo.setAccessibleName("Show changes of")
        self.filter_combo.currentIndexChanged.connect(lambda _i: self._fill_table())
        self.table = self._new_table()
        self.changes_title = QLabel()
        # Details of the selected step for the record (the submission, the rules confirmed); not in the list.
        self.details = muted()
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table.itemSelectionChanged.connect(self._show_details)
        self.evidence_button = QPushButton("&Evidence (PDF)…")
        self.evidence_button.setToolTip("Save the month's evidence on one PDF page: the figures as sent, the "
                                        "tracker's receipt and accepted time, the hash, the review, every attempt")
        self.evidence_button.clicked.connect(lambda: self.save_evidence())
        self.message = error_label()
        self._build()
        context.events.return_changed.connect(self._return_changed)
        context.events.sync_finished.connect(lambda _report: self.reload())

    def _new_table(self) -> QTableWidget:
        table = QTableWidget(0, 4)
        table.setHorizontalHeaderLabels(["When", "Who", "What", "Change"])
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setAlternatingRowColors(True)
        table.setWordWrap(True)
        table.verticalHeader().setVisible(False)
        table.setAccessibleName("Changes, newest first")
        header = table.horizontalHeader()
        # When and Who are short; the question and the change share the rest and wrap, so nothing
        # disappears off the right edge at 150% scaling.
        for column in (0, 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        for column in (2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(lambda *_args: table.resizeRowsToContents())  # wrapped rows follow the width
        return table

    def _build(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addSpacing(12)
        location_label = QLabel("&Location:")
        location_label.setBuddy(self.location_combo)
        top.addWidget(location_label)
        top.addWidget(self.location_combo, 1)
        top.addSpacing(12)
        top.addWidget(self.picker)
        top.addSpacing(12)
        top.addWidget(self.evidence_button)
        chart_box = _headed_box(self.chart_title, "Fi&gure:", self.series_combo, self.chart, self.summary)
        changes_box = _headed_box(self.changes_title, "&Show:", self.filter_combo, self.table, self.details)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(chart_box)
        splitter.addWidget(changes_box)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 4)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)

    # Loading ------------------------------------------------------------------------------------

    def set_return(self, location_id: str, period: Period) -> None:
        """Show one location and month."""
        self.picker.blockSignals(True)
        self.picker.set_period(period)
        self.picker.blockSignals(False)
        self._fill_locations(location_id)
        self.reload()

    def _fill_locations(self, selected: str) -> None:
        self.location_combo.blockSignals(True)
        self.location_combo.clear()
        try:
            for location in self._context.store.locations():
                self.location_combo.addItem(f"{location.name} ({location.id})", location.id)
        except StoreError as exc:
            show_message(self.message, str(exc))
        self.location_combo.setCurrentIndex(max(0, self.location_combo.findData(selected)))
        self.location_combo.blockSignals(False)

    def reload(self) -> None:
        """Read the history and the accepted returns again (short reads)."""
        location_id = self.location_combo.currentData()
        if not location_id:
            return
        period = self.picker.period
        store = self._context.store
        try:
            self.location = store.location(location_id)
            self._form = store.form_for(self.location, period)
            self.entries = list(reversed(store.history(location_id, period)))
            self._revisions = store.accepted_revisions(location_id)
        except StoreError as exc:
            show_message(self.message, str(exc))
            return
        show_message(self.message, None)
        self._fill_series()
        self._fill_filter()
        self._fill_table()
        self._show_trend()

    def _fill_series(self) -> None:
        current = self.series_combo.currentData()
        self.series_combo.blockSignals(True)
        self.series_combo.clear()
        for series in series_for(self._form) if self._form else []:
            self.series_combo.addItem(series.title, series.key)
        self.series_combo.setCurrentIndex(max(0, self.series_combo.findData(current)))
        self.series_combo.blockSignals(False)

    def _show_trend(self) -> None:
        key = self.series_combo.currentData()
        chosen = next((s for s in series_for(self._form) if s.key == key), None) if self._form else None
        if chosen is None or self.location is None:
            return
        end = self.picker.period
        points = trend_points(chosen, self._revisions, end, TREND_MONTHS)
        self.chart.set_points(chosen, points)
        self.chart_title.setText(f"<b>{self.location.name}</b>: accepted returns, {points[0][0].label} to "
                                 f"{end.label}")
        self.summary.setText(brief_summary(chosen, points))

    # The change list ------------------------------------------------------------------------------

    def _label(self, key: str | None) -> str:
        if key and self._form and self._form.has_field(key):
            return self._form.field(key).label
        return key or ""

    def _fill_filter(self) -> None:
        current = self.filter_combo.currentData()
        self.filter_combo.blockSignals(True)
        self.filter_combo.clear()
        self.filter_combo.addItem("All changes", ALL)
        self.filter_combo.addItem("Steps only (submitted, sent, accepted…)", STEPS)
        keys = sorted({e.key for e in self.entries if e.key}, key=lambda k: self._label(k).lower())
        for key in keys:
            self.filter_combo.addItem(self._label(key), key)
        self.filter_combo.setCurrentIndex(max(0, self.filter_combo.findData(current)))
        self.filter_combo.blockSignals(False)

    def shown_entries(self) -> list[HistoryEntry]:
        """The entries the filter lets through, newest first."""
        chosen = self.filter_combo.currentData()
        if chosen in (None, ALL):
            return list(self.entries)
        if chosen == STEPS:
            return [e for e in self.entries if e.action is not HistoryAction.EDIT]
        return [e for e in self.entries if e.key == chosen]

    def _fill_table(self) -> None:
        entries = self.shown_entries()
        period = self.picker.period
        self.changes_title.setText(f"<b>Changes to {period.label}</b> — {len(entries)} shown, newest first"
                                   if self.entries else f"<b>Changes to {period.label}</b> — nothing saved yet")
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            local = entry.at.astimezone(LONDON)
            what = self._label(entry.key) if entry.key else ACTION_WORDS.get(entry.action, str(entry.action))
            cells = (f"{day_text(local)} {local:%H:%M}", entry.by, what, change_text(entry, self._form))
            reference = reference_text(entry)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(f"{text}\n\nDetails: {reference}" if reference else text)
                self.table.setItem(row, column, item)
        self.table.resizeRowsToContents()
        self._show_details()

    def _show_details(self) -> None:
        row = self.table.currentRow()
        entries = self.shown_entries()
        reference = reference_text(entries[row]) if 0 <= row < len(entries) and self.table.selectedItems() else ""
        self.details.setText(f"Details of the selected step: {reference}" if reference else
                             "Select a step to see its details (the submission, the checks confirmed).")

    def save_evidence(self, path: Path | None = None) -> Path | None:
        """Write the month's evidence PDF to ``path`` (asked for with a file dialog when None); the file
        written, or None. One page from short reads: quick enough on the GUI thread."""
        from ct_desktop.evidence import gather_evidence
        from ct_desktop.ui.evidence_pdf import EvidenceNotWritten, write_evidence_pdf

        location, period = self.location, self.picker.period
        if location is None:
            return None
        if path is None:
            chosen, _filter = QFileDialog.getSaveFileName(
                self, "Save the evidence", str(Path.home() / f"evidence-{location.id}-{period}.pdf"), "PDF (*.pdf)")
            if not chosen:
                return None
            path = Path(chosen)
        try:
            evidence = gather_evidence(self._context.store, location.id, period, self._context.clock())
            write_evidence_pdf(evidence, path)
        except (StoreError, EvidenceNotWritten) as exc:
            show_message(self.message, f"Evidence not saved: {exc}.")
            return None
        show_message(self.message, f"The evidence of {location.name}, {period.label}, is saved in {path}.", ok=True)
        return path

    def _return_changed(self, location_id: str, period: str) -> None:
        if self.isVisible() and location_id == self.location_combo.currentData() and period == str(self.picker.period):
            self.reload()
