"""A submission in the outbox, acted on from its location's card: Try again (a set-aside one) and Dismiss…
(any, after a confirmation that says what it means). The store decides; these say it in words."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from ct_desktop.models import Location, OutboxItem

DISMISS_TITLE = "Dismiss this submission?"


def dismiss_question(location: Location, item: OutboxItem) -> str:
    """What dismissing means, for the confirmation: the return stays in the store, and is not sent."""
    month = item.period.label
    if item.set_aside_reason:
        why = f"It was set aside: {item.set_aside_reason}."
    else:
        to = f" to the tracker at {item.tracker_url}" if item.tracker_url else ""
        why = f"It has not been set aside: it is waiting to be sent{to}."
    reached = (" It has been tried already, so it may have reached the tracker: if so, the tracker says so when "
               "the return is sent again." if item.attempts else "")
    return (f"{why}\n\nDismissing takes the {month} return of {location.name} out of the outbox: it is not sent. "
            f"It stays saved here, as a draft with every answer, to change and submit again; its history keeps "
            f"both.{reached}")


def confirm_dismiss(parent: QWidget, location: Location, item: OutboxItem) -> QMessageBox:
    """The confirmation, opened over the window (not waited for); "Dismiss" is not the default button."""
    box = QMessageBox(QMessageBox.Icon.Question, DISMISS_TITLE, dismiss_question(location, item), parent=parent)
    box.addButton("Dismiss", QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton("Keep it in the outbox", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    return box
