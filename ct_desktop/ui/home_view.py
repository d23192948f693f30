"""The home view: every location with this month's state, the collection window, and the actions.

Reads are short store calls on the GUI thread (a handful of rows per location). "No changes" goes
through NoChangesDialog, which lets the store decide and shows its refusal in words.

Only what changed is read again: a saved answer, a queued or dismissed return, a sync run's outcome
mark the cards of their locations, and those cards alone are read again once the event loop is free
(after the edit is committed, never inside the keystroke that saved it). Every card is read again on
start, when the month shown changes, when locations are added, and after a sync run that touched
many returns or brought new question sets.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QFrame,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ct_desktop.collection_window import collection_window
from ct_desktop.compliance import deadline_for
from ct_desktop.forms.catalogue import UnknownForm
from ct_desktop.models import Location, OutboxItem
from ct_desktop.period import Period
from ct_desktop.store import Store, StoreError
from ct_desktop.ui.context import AppContext
from ct_desktop.ui.location_card import LocationCard, LocationStatus, this_months_item
from ct_desktop.ui.month_picker import MonthPicker
from ct_desktop.ui.no_changes_dialog import NoChangesDialog, no_base_text
from ct_desktop.ui.presentation import month_of, state_key, window_is_urgent, window_text
from ct_desktop.ui.theme import ERROR_TONE, BoxedLabel, error_label, muted, show_message

if TYPE_CHECKING:
    from ct_desktop.sync.report import SyncReport

WINDOW_TONE = "blue"  # the collection window, when not urgent
# A sync run that touched more locations than this reads every card again, in one pass, rather than
# card by card.
FULL_REFRESH_AFTER = 50


def read_status(context: AppContext, location: Location, period: Period) -> LocationStatus:
    """Everything a card shows, from short store reads."""
    store = context.store
    draft = store.get_return(location.id, period)
    state = state_key(draft)
    status = LocationStatus(location=location, period=period, service_title=_service_title(store, location, period),
                            state=state, draft=draft, last_accepted=store.last_accepted(location.id),
                            outbox=store.outbox_items(location.id), now=context.clock())
    moment = status.now or context.clock()
    if not any(closure.covers(moment.date()) for closure in store.closures(location.id)):  # closed: no return due
        status.deadline = deadline_for(store, location.id, period, moment)
    if state == "accepted":
        revisions = store.accepted_revisions(location.id, period)
        status.accepted_this_month = revisions[-1] if revisions else None
    if state == "draft":
        status.last_editor = store.last_editor(location.id, period)
    if state == "rejected":
        status.field_labels = _field_labels(store, location, period)
    return status


def _field_labels(store: Store, location: Location, period: Period) -> dict[str, str]:
    try:
        form = store.catalogue.form_for(location.service_type, period)
    except UnknownForm:
        return {}
    return {item.key: item.label for item in form.fields}


def _service_title(store: Store, location: Location, period: Period) -> str:
    # The store's question sets: those fetched from the tracker too (a service type it added, say).
    try:
        return store.catalogue.form_for(location.service_type, period).title
    except UnknownForm:
        return location.service_type.replace("_", " ").capitalize()


class HomeView(QWidget):
    """Locations as cards under a month picker and the month's collection window."""

    SCREEN_NAME = "all locations"
    SCREEN_KEYS = (  # F1 lists them (ui/shortcuts_help.py)
        ("Up / Down", "Select the previous or next location"),
        ("Ctrl+O", "Open the selected location's return for the month shown"),
        ("Ctrl+Shift+N", "No changes — save page, for the selected location"),
        ("Ctrl+H", "History and trend of the selected location"),
        ("Ctrl+PgUp / Ctrl+PgDown", "Previous / next month"),
        ("Ctrl+L", "Add a location by hand"),
        ("F5", "Send everything queued now"),
    )

    open_requested = Signal(str, object)  # location id, Period
    history_requested = Signal(str, object)
    add_location_requested = Signal()
    connect_requested = Signal()
    status_message = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._context = context
        self.cards: dict[str, LocationCard] = {}
        self.selected_id: str | None = None
        self.no_changes_dialog: NoChangesDialog | None = None
        self.dismiss_box: QMessageBox | None = None  # the last Dismiss… confirmation (tests answer it)
        self.picker = MonthPicker(lambda: month_of(context.clock()))
        self.picker.period_changed.connect(self._month_changed)
        self.window_label = BoxedLabel(WINDOW_TONE, padding=(10, 6))
        self.window_label.setWordWrap(True)
        self.message = error_label()
        self._cards_box = QWidget()
        self._cards_layout = QVBoxLayout(self._cards_box)
        self._cards_layout.setSpacing(10)
        self._cards_layout.setContentsMargins(2, 2, 2, 2)
        self._empty = self._empty_state()
        self._stale: set[str] = set()  # locations whose card is read again once the event loop is free
        self._stale_timer = QTimer(self)
        self._stale_timer.setSingleShot(True)
        self._stale_timer.setInterval(0)
        self._stale_timer.timeout.connect(self.refresh_stale)
        self._build()
        context.events.return_changed.connect(self._on_return_changed)
        context.events.locations_changed.connect(self.refresh)
        context.events.sync_finished.connect(self._on_sync_finished)
        self.refresh()

    @property
    def period(self) -> Period:
        """The month shown."""
        return self.picker.period

    def _build(self) -> None:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self._cards_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        header = QHBoxLayout()
        header.addWidget(self.picker)
        header.addStretch(1)
        layout.addLayout(header)
        layout.addWidget(self.window_label)
        layout.addWidget(self.message)
        layout.addWidget(self._empty)
        layout.addWidget(scroll, 1)

    def _empty_state(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.addWidget(muted("No locations yet. Connect to the tracker to bring your locations, or add one "
                               "by hand to work offline."))
        row = QHBoxLayout()
        connect = QPushButton("Connect to the tracker…")
        connect.clicked.connect(self.connect_requested.emit)
        add = QPushButton("Add a location…")
        add.clicked.connect(self.add_location_requested.emit)
        row.addWidget(connect)
        row.addWidget(add)
        row.addStretch(1)
        layout.addLayout(row)
        return box

    # Reading ------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read every location's state for the month shown (short reads)."""
        self._stale.clear()
        self._stale_timer.stop()
        self._show_window()
        try:
            locations = self._context.store.locations()
            statuses = [read_status(self._context, location, self.period) for location in locations]
        except StoreError as exc:
            show_message(self.message, f"Cannot read the saved returns: {exc}")
            return
        show_message(self.message, None)
        self._empty.setVisible(not statuses)
        self._sync_cards([status.location.id for status in statuses])
        for status in statuses:
            self.cards[status.location.id].update_status(status)
        if self.selected_id not in self.cards:
            self.select(next(iter(self.cards), None))

    def mark_stale(self, location_ids: Iterable[str]) -> None:
        """Read these locations' cards again once the event loop is free (many marks, one read each)."""
        self._stale.update(location_ids)
        if self._stale:
            self._stale_timer.start()

    def refresh_stale(self) -> None:
        """Read again the cards of the locations marked as changed, and nothing else."""
        stale, self._stale = self._stale, set()
        self._stale_timer.stop()
        if any(location_id not in self.cards for location_id in stale):
            self.refresh()  # a location without a card yet: the list itself changed
            return
        try:
            for location_id in sorted(stale):
                card = self.cards[location_id]
                location = card.status.location if card.status else self._context.store.location(location_id)
                card.update_status(read_status(self._context, location, self.period))
        except StoreError as exc:
            show_message(self.message, f"Cannot read the saved returns: {exc}")

    def show_window(self) -> None:
        """Say the collection window again (its days left follow the clock)."""
        self._show_window()

    def _show_window(self) -> None:
        moment = self._context.clock()
        window = collection_window(self.period)
        self.window_label.setText(window_text(window, moment))
        urgent = window_is_urgent(window, moment)
        self.window_label.set_tone(ERROR_TONE if urgent else WINDOW_TONE)
        self.window_label.setAccessibleName("Collection window: " + self.window_label.text())

    def _sync_cards(self, ids: list[str]) -> None:
        # Keep cards for locations still there (their focus and notices survive a refresh), in order.
        for gone in [key for key in self.cards if key not in ids]:
            card = self.cards.pop(gone)
            card.setParent(None)
            card.deleteLater()
        while self._cards_layout.count():
            self._cards_layout.takeAt(0)
        for location_id in ids:
            card = self.cards.get(location_id) or self._new_card(location_id)
            self._cards_layout.addWidget(card)
        self._cards_layout.addStretch(1)
        previous: QWidget = self.picker.today_button
        for location_id in ids:
            card = self.cards[location_id]
            for widget in (card, card.open_button, card.no_changes_button, card.history_button, card.retry_button,
                           card.dismiss_button):
                QWidget.setTabOrder(previous, widget)
                previous = widget

    def _new_card(self, location_id: str) -> LocationCard:
        card = LocationCard(location_id, self._cards_box)
        card.selected.connect(self.select)
        card.move_requested.connect(self.move_selection)
        card.open_requested.connect(lambda key: self._open(key))
        card.history_requested.connect(lambda key: self.history_requested.emit(key, self.period))
        card.no_changes_requested.connect(self.start_no_changes)
        card.retry_requested.connect(self.retry)
        card.dismiss_requested.connect(self.ask_to_dismiss)
        self.cards[location_id] = card
        return card

    # Selection ----------------------------------------------------------------------------------

    def select(self, location_id: str | None) -> None:
        """Make a location the one the shortcuts act on."""
        self.selected_id = location_id
        for key, card in self.cards.items():
            card.set_selected(key == location_id)

    def move_selection(self, step: int) -> None:
        """Select and focus the previous (-1) or next (+1) location."""
        ids = list(self.cards)
        if not ids:
            return
        index = ids.index(self.selected_id) if self.selected_id in ids else 0
        index = max(0, min(len(ids) - 1, index + step))
        self.select(ids[index])
        self.cards[ids[index]].setFocus()

    # Actions ------------------------------------------------------------------------------------

    def _open(self, location_id: str) -> None:
        self.select(location_id)
        self.open_requested.emit(location_id, self.period)

    def open_selected(self) -> None:
        """Open the selected location's return (Ctrl+O)."""
        if self.selected_id:
            self._open(self.selected_id)

    def history_of_selected(self) -> None:
        """Show the selected location's history (Ctrl+H)."""
        if self.selected_id:
            self.history_requested.emit(self.selected_id, self.period)

    def no_changes_for_selected(self) -> None:
        """'No changes — save page' for the selected location (Ctrl+Shift+N)."""
        if self.selected_id:
            self.start_no_changes(self.selected_id)

    def start_no_changes(self, location_id: str) -> None:
        """Show what would be sent and ask to confirm; a month with nothing to copy is refused in words."""
        self.select(location_id)
        card = self.cards[location_id]
        if card.status is None:
            return
        if not card.no_changes_button.isEnabled():
            card.set_notice(card.no_changes_button.toolTip())
            return
        location, period = card.status.location, self.period
        try:
            base = self._context.store.last_accepted(location_id, before=period)
        except StoreError as exc:
            card.set_notice(str(exc))
            return
        if base is None:
            card.set_notice(no_base_text(location, period))
            return
        card.set_notice(None)
        dialog = NoChangesDialog(self._context, location, period, base, self)
        dialog.queued.connect(lambda _s, key=location_id: self._queued(key))
        dialog.open_return_requested.connect(lambda key=location_id: self._open(key))
        dialog.finished.connect(lambda _r, d=dialog: self._dialog_closed(d))
        self.no_changes_dialog = dialog
        dialog.open()

    def retry(self, location_id: str) -> None:
        """Try again: the month's set-aside submission goes, under the same id, with the next send."""
        card, item = self._outbox_item(location_id)
        if card is None or item is None:
            return
        try:
            self._context.store.retry_set_aside(item.submission_id, self._context.person)
        except StoreError as exc:
            card.set_notice(f"Not sent again: {exc}.")
            return
        self._context.events.return_changed.emit(location_id, str(item.period))  # the sync sends it soon
        self.refresh_stale()  # a click, not a keystroke: the card says its new state with the notice
        card.set_notice(f"{item.period.label} goes again with the next send.", ok=True)

    def ask_to_dismiss(self, location_id: str) -> None:
        """Dismiss…: say what it means and, once confirmed, take the submission out of the outbox unsent."""
        from ct_desktop.ui.outbox_actions import confirm_dismiss

        card, item = self._outbox_item(location_id)
        if card is None or item is None or card.status is None:
            return
        box = confirm_dismiss(self, card.status.location, item)

        def answered(button: QAbstractButton) -> None:
            if box.buttonRole(button) == QMessageBox.ButtonRole.DestructiveRole:
                self._dismiss(location_id, item)

        box.buttonClicked.connect(answered)
        self.dismiss_box = box
        box.finished.connect(box.deleteLater)
        box.open()

    def _dismiss(self, location_id: str, item: OutboxItem) -> None:
        card = self.cards.get(location_id)
        try:
            draft = self._context.store.dismiss_set_aside(item.submission_id, self._context.person,
                                                          even_if_waiting=True)
        except StoreError as exc:
            if card is not None:
                card.set_notice(f"Not dismissed: {exc}.")
            return
        self._context.events.return_changed.emit(location_id, str(item.period))
        self.refresh_stale()  # a click, not a keystroke: the card says its new state with the notice
        card = self.cards.get(location_id)  # the refresh keeps the card
        if card is not None:
            card.set_notice(f"{item.period.label} dismissed: not sent; it is a {draft.state} again, to change and "
                            "submit.", ok=True)

    def _outbox_item(self, location_id: str) -> tuple[LocationCard | None, OutboxItem | None]:
        self.select(location_id)
        card = self.cards.get(location_id)
        if card is None or card.status is None:
            return card, None
        return card, this_months_item(card.status)

    def _queued(self, location_id: str) -> None:
        self.refresh_stale()
        card = self.cards.get(location_id)
        if card is not None:
            card.set_notice(f"Queued {self.period.label} as unchanged, reviewed by {self._context.person}.", ok=True)
        self.status_message.emit(f"{self.period.label} queued as unchanged; it is sent when the network allows.")

    def _dialog_closed(self, dialog: NoChangesDialog) -> None:
        if dialog.submission is None and dialog.message.text():
            card = self.cards.get(dialog.location.id)
            if card is not None:
                card.set_notice(dialog.message.text())
        if self.no_changes_dialog is dialog:
            self.no_changes_dialog = None
        dialog.deleteLater()

    def _month_changed(self, _period: Period) -> None:
        for card in self.cards.values():
            card.set_notice(None)
        self.refresh()

    def _on_return_changed(self, location_id: str, period: str) -> None:
        if period == str(self.period):
            self.mark_stale([location_id])

    def _on_sync_finished(self, report: SyncReport) -> None:
        touched = {location_id for location_id, *_ in report.accepted} | {location_id for location_id, _ in
                                                                          (*report.rejected, *report.conflicts)}
        touched |= {location_id for location_id, *_ in report.set_aside}
        # An item that failed is not named in the report (its card says it will be tried again); new
        # question sets can rename a service type on every card.
        if len(touched) > FULL_REFRESH_AFTER or report.question_sets_added or report.last_error:
            self.refresh()
        else:  # no keystroke waits on a sync run's outcome: its cards say it at once
            self.mark_stale(touched)
            self.refresh_stale()
