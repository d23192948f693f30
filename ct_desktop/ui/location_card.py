"""One location on the home view: this month's state in words and colour, the last accepted month, actions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from html import escape

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QMouseEvent, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QWidget

from ct_desktop.compliance import DeadlineStatus
from ct_desktop.models import AcceptedRevision, Location, OutboxItem, ReturnDraft
from ct_desktop.period import Period
from ct_desktop.ui.deadline_words import deadline_text
from ct_desktop.ui.presentation import NOT_STARTED, SET_ASIDE, day_text, look_of, parse_moment, time_text
from ct_desktop.ui.theme import (
    ERROR_TONE,
    WARNING_TONE,
    BoxedLabel,
    StateBadge,
    current_palette,
    edge,
    error_label,
    mix,
    muted_colour,
    paint_box,
    show_message,
    tint,
)

# States in which "No changes" has nothing left to do for the month.
DONE_STATES = ("ready", "queued", "accepted")
OPEN_WORDS = {NOT_STARTED: "Start return", "conflict": "Compare copies", "queued": "View return",
              "accepted": "View return", "ready": "View return"}


@dataclass
class LocationStatus:
    """What the home view knows about one location for the month shown (read from the store)."""

    location: Location
    period: Period
    service_title: str
    state: str
    draft: ReturnDraft | None = None
    last_accepted: AcceptedRevision | None = None
    accepted_this_month: AcceptedRevision | None = None
    outbox: list[OutboxItem] = field(default_factory=list)
    last_editor: str | None = None
    now: dt.datetime | None = None  # the app's clock, so "today" is the app's today
    field_labels: dict[str, str] = field(default_factory=dict)  # key -> question, for the tracker's reasons
    deadline: DeadlineStatus | None = None  # the month against its window: at risk while not with the tracker


def this_months_item(status: LocationStatus) -> OutboxItem | None:
    """The newest outbox item of the month shown, if any."""
    items = [item for item in status.outbox if item.period == status.period]
    return items[-1] if items else None


def shown_state(status: LocationStatus) -> str:
    """The state the badge shows: a queued return whose submission was set aside needs a person."""
    item = this_months_item(status)
    if status.state == "queued" and item is not None and item.set_aside_reason:
        return SET_ASIDE
    return status.state


def detail_text(status: LocationStatus) -> str:
    """One or two sentences under the location's name: what is going on with this month."""
    draft, period = status.draft, status.period
    if status.state == NOT_STARTED:
        text = f"Nothing saved for {period.label} yet."
        last = status.last_accepted
        if last is not None and last.period < period:
            text += f" If nothing changed since {last.period.label}, use No changes."
        return text
    if status.state == "draft" and draft is not None:
        answered = len(draft.values) + len(draft.not_known)
        text = f"{answered} answer{'s' if answered != 1 else ''} saved"
        if draft.updated_at:
            who = f" by {status.last_editor}" if status.last_editor else ""
            text += f"; last change{who} at {time_text(draft.updated_at, status.now)}"
        return text + "."
    if status.state in ("queued", "ready"):
        return _queue_text(status)
    if status.state == "accepted" and status.accepted_this_month is not None:
        accepted = status.accepted_this_month
        when = parse_moment(accepted.accepted_at)
        return f"Accepted{' on ' + day_text(when) if when else ''} — receipt {accepted.receipt}."
    if status.state == "rejected" and draft is not None:
        first = next(iter(draft.tracker_messages.items()), None)
        where = status.field_labels.get(first[0], "") if first else ""
        reason = f": {where + ': ' if where else ''}{'; '.join(first[1])}" if first else ""
        return f"The tracker refused it{reason}. Open it to fix and send again."
    if status.state == "conflict":
        return "Someone changed this month on the tracker since. Compare both copies and choose."
    return look_of(status.state).explanation


def _queue_text(status: LocationStatus) -> str:
    item = this_months_item(status)
    if item is None:
        return "Queued to send."
    text = f"Queued by {item.queued_by} at {time_text(item.queued_at, status.now)}"
    if item.set_aside_reason:
        return text + f"; not sent, set aside: {item.set_aside_reason}."
    if item.last_error:
        return text + f"; not sent yet ({item.last_error}). It will be tried again."
    return text + "; sent when the network allows."


def last_accepted_text(last: AcceptedRevision | None) -> str:
    """E.g. 'Last accepted: August 2026, on 12 Aug 2026'."""
    if last is None:
        return "Last accepted: none yet"
    when = parse_moment(last.accepted_at)
    return f"Last accepted: {last.period.label}" + (f", on {day_text(when)}" if when else "")


class LocationCard(QFrame):
    """A location as a card; click or focus selects it, its buttons ask the home view to act."""

    selected = Signal(str)
    open_requested = Signal(str)
    no_changes_requested = Signal(str)
    history_requested = Signal(str)
    retry_requested = Signal(str)  # send the month's set-aside submission again
    dismiss_requested = Signal(str)  # take the month's submission out of the outbox (after a confirmation)
    move_requested = Signal(int)  # -1 up, +1 down: to the previous or next location

    def __init__(self, location_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.location_id = location_id
        self.status: LocationStatus | None = None
        self._notice_state: str | None = None  # the state the notice was said in
        self.is_selected: bool | None = None  # None until the first set_selected()
        self._repainting = False
        self.setObjectName("locationCard")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # Name and details in one label, so a long name and its details wrap as one line of text.
        self.title_label = QLabel()
        self.title_label.setWordWrap(True)
        self.title_label.setTextFormat(Qt.TextFormat.RichText)
        self.last_label = QLabel()
        self.detail_label = QLabel()
        self.detail_label.setWordWrap(True)
        self.notice = error_label()
        # While the window is open and the tracker has not accepted the month: the loudest line of the card.
        self.deadline_label = BoxedLabel(WARNING_TONE)
        self.deadline_label.setWordWrap(True)
        self.deadline_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.deadline_label.setVisible(False)
        self.badge = StateBadge()
        self.open_button = QPushButton("Open return")
        self.no_changes_button = QPushButton("No changes — save page")
        self.history_button = QPushButton("History")
        # Only while the month has a submission in the outbox: Try again for a set-aside one, Dismiss… for any.
        self.retry_button = QPushButton("Try again")
        self.dismiss_button = QPushButton("Dismiss…")
        self.retry_button.clicked.connect(lambda: self.retry_requested.emit(self.location_id))
        self.dismiss_button.clicked.connect(lambda: self.dismiss_requested.emit(self.location_id))
        self.open_button.clicked.connect(lambda: self.open_requested.emit(self.location_id))
        self.no_changes_button.clicked.connect(lambda: self.no_changes_requested.emit(self.location_id))
        self.history_button.clicked.connect(lambda: self.history_requested.emit(self.location_id))
        self._build()
        self.set_selected(False)

    def _build(self) -> None:
        # Wide: buttons to the right of the text, so a card is three lines high and a 768-pixel screen
        # shows four or five locations. Narrow (150% scaling, a small window): buttons go under the text.
        self.buttons_box = QWidget()
        buttons = QHBoxLayout(self.buttons_box)
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.setSpacing(8)
        for button in (self.open_button, self.no_changes_button, self.history_button):
            buttons.addWidget(button)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(14, 8, 14, 8)
        self.grid.setHorizontalSpacing(16)
        self.grid.setVerticalSpacing(2)
        self.grid.addWidget(self.title_label, 0, 0)
        self.grid.addWidget(self.badge, 0, 1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.grid.addWidget(self.last_label, 1, 0)
        self.grid.addWidget(self.detail_label, 2, 0)
        self.grid.addWidget(self.deadline_label, 3, 0, 1, 2)
        self.grid.addWidget(self.notice, 6, 0, 1, 2)
        self.outbox_box = QWidget()
        outbox_buttons = QHBoxLayout(self.outbox_box)
        outbox_buttons.setContentsMargins(0, 0, 0, 0)
        outbox_buttons.setSpacing(8)
        outbox_buttons.addWidget(self.retry_button)
        outbox_buttons.addWidget(self.dismiss_button)
        outbox_buttons.addStretch(1)
        self.grid.addWidget(self.outbox_box, 5, 0, 1, 2)
        self.outbox_box.setVisible(False)
        self.grid.setColumnStretch(0, 1)
        self.narrow: bool | None = None
        self._place_buttons(narrow=False)

    def _place_buttons(self, narrow: bool) -> None:
        if narrow == self.narrow:
            return
        self.narrow = narrow
        self.grid.removeWidget(self.buttons_box)
        if narrow:
            self.grid.addWidget(self.buttons_box, 4, 0, 1, 2, Qt.AlignmentFlag.AlignLeft)
        else:
            right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            self.grid.addWidget(self.buttons_box, 1, 1, 2, 1, right)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Move the buttons under the text when the card is too narrow for both side by side."""
        text_room = self.fontMetrics().averageCharWidth() * 62
        self._place_buttons(self.width() < self.buttons_box.sizeHint().width() + text_room)
        super().resizeEvent(event)

    def update_status(self, status: LocationStatus) -> None:
        """Show the location's state for the month; a notice said in another state no longer applies and goes."""
        self.status = status
        if self.notice_text and shown_state(status) != self._notice_state:
            self.set_notice(None)
        location = status.location
        parts = [location.id, status.service_title] + ([location.local_authority] if location.local_authority else [])
        size = self.font().pointSizeF() * 1.15
        name = f"<span style='font-size:{size:.1f}pt; font-weight:bold'>{escape(location.name)}</span>"
        grey = muted_colour().name()
        self.title_label.setText(f"{name}&nbsp;&nbsp; <span style='color:{grey}'>{escape(' · '.join(parts))}</span>")
        self.badge.set_state(shown_state(status))
        self.last_label.setText(last_accepted_text(status.last_accepted))
        self.detail_label.setText(detail_text(status))
        self.open_button.setText(OPEN_WORDS.get(status.state, "Open return"))
        self.open_button.setAccessibleName(f"Open the {status.period.label} return of {location.name}")
        done = status.state in DONE_STATES
        self.no_changes_button.setEnabled(not done)
        self.no_changes_button.setToolTip(
            f"{status.period.label} is already {look_of(status.state).words.lower()}." if done else
            "Send this month unchanged from the last accepted return, after you confirm the figures (Ctrl+Shift+N)")
        self.no_changes_button.setAccessibleName(f"No changes — save page, for {location.name}")
        self.history_button.setAccessibleName(f"History of {location.name}")
        self._show_outbox_actions(status)
        self._show_deadline(status)
        self.setAccessibleName(f"{location.name}: {look_of(status.state).words}")
        warning = f" {self.deadline_label.accessibleName()}" if self.deadline_label.accessibleName() else ""
        self.setAccessibleDescription(f"{self.last_label.text()}. {self.detail_label.text()}{warning}")

    def _show_deadline(self, status: LocationStatus) -> None:
        text = deadline_text(status.deadline, status.location.id)
        urgent = status.deadline is not None and status.deadline.urgent
        self.deadline_label.set_tone(ERROR_TONE if urgent else WARNING_TONE)
        self.deadline_label.setText(f"<b>{escape(text)}</b>" if text else "")
        self.deadline_label.setAccessibleName(text or "")
        self.deadline_label.setVisible(bool(text))

    def _show_outbox_actions(self, status: LocationStatus) -> None:
        item = this_months_item(status) if status.state in ("queued", "ready") else None
        self.outbox_box.setVisible(item is not None)
        self.retry_button.setVisible(item is not None and bool(item.set_aside_reason))
        name, month = status.location.name, status.period.label
        self.retry_button.setToolTip(f"Send the {month} return of {name} again with the next send")
        self.retry_button.setAccessibleName(f"Try sending the {month} return of {name} again")
        self.dismiss_button.setToolTip(f"Take the {month} return of {name} out of the outbox, unsent; it stays "
                                       "saved, as a draft, to change and send again")
        self.dismiss_button.setAccessibleName(f"Dismiss the {month} submission of {name}")

    def set_notice(self, text: str | None, ok: bool = False) -> None:
        """A refusal (or a confirmation) after an action on this card; None clears it.

        It stays while the month's state stays as it is now: once the return moves on (queued, accepted,
        started), it no longer applies and goes.
        """
        self._notice_state = shown_state(self.status) if self.status is not None else None
        show_message(self.notice, text, ok=ok)

    @property
    def notice_text(self) -> str:
        """The notice shown, '' when none."""
        return self.notice.text()

    def set_selected(self, selected: bool) -> None:
        """Highlight the card the keyboard shortcuts act on."""
        if selected == self.is_selected:
            return
        self.is_selected = selected
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        """The card: a rounded box of the palette's base colour, tinted and edged in blue when selected."""
        palette = current_palette()
        if self.is_selected:
            paint_box(self, tint("accent", palette, 0.08).name(), edge("accent", palette).name(), radius=8,
                      border_width=2.0)
        else:
            base, text = palette.color(palette.ColorRole.Base), palette.color(palette.ColorRole.Text)
            paint_box(self, base.name(), mix(base, text, 0.3).name(), radius=8, border_width=1.0)

    def changeEvent(self, event: QEvent) -> None:
        """Under a new palette, write the title again (its second half is in the muted colour)."""
        if event.type() == QEvent.Type.PaletteChange and self.status is not None and not self._repainting:
            self._repainting = True
            try:
                self.update_status(self.status)
            finally:
                self._repainting = False
        super().changeEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """Clicking anywhere on the card selects it."""
        self.selected.emit(self.location_id)
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Up and Down move to the previous or next location (the scroll area would only scroll)."""
        if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.move_requested.emit(1 if event.key() == Qt.Key.Key_Down else -1)
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        """Tabbing to the card selects it."""
        self.selected.emit(self.location_id)
        super().focusInEvent(event)
