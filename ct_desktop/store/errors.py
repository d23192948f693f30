"""What the store raises. Every message is one line a manager can act on."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ct_desktop.forms.findings import Finding


class StoreError(Exception):
    """The store cannot do what was asked; the message says what and why."""


class StoreUnreadable(StoreError):
    """The database file cannot be used: corrupt, not a database, or not readable.

    ``copy`` is where a copy of the file was kept aside, or None when no copy could be made.
    """

    def __init__(self, message: str, path: Path, copy: Path | None = None):
        super().__init__(message)
        self.path = path
        self.copy = copy


class UnknownLocation(StoreError):
    """No location with that id has been added."""


class ValuesRefused(StoreError):
    """Values that do not fit their fields; nothing was saved. ``problems`` has one sentence per value."""

    def __init__(self, problems: Sequence[str]):
        super().__init__("; ".join(problems))
        self.problems = tuple(problems)


class LifecycleError(StoreError):
    """A step of the lifecycle refused (submit with errors, no-changes without a base, ...); nothing changed.

    ``findings`` holds the validation findings that caused it, if any; ``needs_confirmation`` is True
    when only unconfirmed warnings stood in the way; ``reason`` is a short code (``has_errors``,
    ``no_previous``, ...) from which the app or the command line suggests the next step.
    """

    def __init__(
        self, message: str, findings: Sequence[Finding] = (), needs_confirmation: bool = False, reason: str = ""
    ):
        super().__init__(message)
        self.findings = tuple(findings)
        self.needs_confirmation = needs_confirmation
        self.reason = reason


class OutboxItemGone(StoreError):
    """The submission is no longer in the outbox (withdrawn by an edit, or already answered)."""


class WrongTracker(StoreError):
    """The submission is for another tracker than the one it was about to go to: it is not sent there."""
