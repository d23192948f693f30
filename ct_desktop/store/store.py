"""The local store: one object that the app, the command line and the sync engine all go through.

It owns one connection to the database of a data folder. Every method that changes something is one
committed transaction by the time it returns, so what the caller reports as saved is on disk.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from ct_desktop.forms.catalogue import (
    DefinitionError,
    FormCatalogue,
    UnknownForm,
    content_hash,
    default_catalogue,
    parse_definition,
)
from ct_desktop.forms.correction import QuestionSetChange, asked_questions
from ct_desktop.forms.findings import Finding
from ct_desktop.forms.model import FormDefinition
from ct_desktop.forms.validate import validate
from ct_desktop.location_id import shown
from ct_desktop.models import (
    AcceptedRevision,
    Closure,
    EditResult,
    HistoryEntry,
    Location,
    OutboxItem,
    ReturnDraft,
    ReturnState,
    SendAttempt,
    Submission,
)
from ct_desktop.paths import DataDirError, ensure_data_dir, resolve_data_dir
from ct_desktop.period import Period
from ct_desktop.safe_text import printable
from ct_desktop.settings import SettingsError, load_settings
from ct_desktop.store import (
    conflicts,
    corrections,
    lifecycle,
    locations,
    outbox,
    overview,
    question_sets,
    receipts,
    records,
    returns,
    tracker_copies,
)
from ct_desktop.store.backups import migrate_keeping_a_backup
from ct_desktop.store.database import database_path, open_database, translate_error
from ct_desktop.store.errors import LifecycleError, OutboxItemGone, StoreError
from ct_desktop.store.locations import LocationUpsert
from ct_desktop.store.question_sets import StoredQuestionSet

log = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")
MAX_NAME_LENGTH = 60


def _translated(method: Callable[P, R]) -> Callable[P, R]:
    # SQLite errors (disk full, busy too long, damage found while reading) become one-line StoreErrors.
    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except sqlite3.Error as exc:
            raise translate_error(exc, args[0].path) from exc  # type: ignore[attr-defined]

    return wrapper


def open_store(
    data_dir: str | Path | None = None,
    *,
    clock: Callable[[], dt.datetime] | None = None,
    catalogue: FormCatalogue | None = None,
    full_check_when_due: bool = True,
) -> Store:
    """Open the store of a data folder (``--data-dir``, else CT_DESKTOP_DATA_DIR, else the platform's).

    Creates and migrates the database as needed (a backup is made before a migration); StoreError says
    why it cannot be used. A full integrity check that is due runs here, unless ``full_check_when_due``
    is False: the app then runs it in the background (``backups.keep_up``).
    """
    try:
        folder = ensure_data_dir(resolve_data_dir(data_dir))
    except DataDirError as exc:
        raise StoreError(str(exc)) from exc
    path = database_path(folder)
    db = open_database(path, functools.partial(migrate_keeping_a_backup, path=path),
                       full_check_when_due=full_check_when_due, now=clock() if clock else None)
    return Store(db, path, clock=clock, catalogue=catalogue)


class Store:
    """Locations, returns, history and the outbox of one data folder. Use open_store() to get one."""

    def __init__(self, db: Any, path: Path, clock: Callable[[], dt.datetime] | None = None,
                 catalogue: FormCatalogue | None = None):
        self._db = db
        self.path = path
        self._clock = clock or _system_now
        self._built_in = catalogue or default_catalogue()
        self._catalogue = self._built_in
        self._question_sets_stamp: str | None = None

    def close(self) -> None:
        """Close the connection (everything is already committed)."""
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def now(self) -> dt.datetime:
        """The store's clock: an aware moment."""
        return self._clock()

    # Forms ---------------------------------------------------------------------------------------

    @property
    def catalogue(self) -> FormCatalogue:
        """The question sets of this data folder: the built-in ones and those fetched from the tracker, whose
        copy is used for a version both have. Read again whenever a sync (on any connection) kept a new one."""
        try:
            stamp = question_sets.stamp(self._db)
            if stamp != self._question_sets_stamp:
                self._catalogue = self._built_in.with_forms(self._checked_question_sets())
                self._question_sets_stamp = stamp
        except sqlite3.Error as exc:
            raise translate_error(exc, self.path) from exc
        return self._catalogue

    def _checked_question_sets(self) -> list[FormDefinition]:
        forms = []
        for stored in question_sets.stored_question_sets(self._db):
            try:
                forms.append(_checked_definition(stored.text, stored.service_type, stored.version))
            except DefinitionError as exc:
                # Checked when fetched; a newer ct-desktop may check more. Never half-used: left out whole.
                log.warning("question set left out: %s", exc)
        return forms

    def form_for(self, location: Location, period: Period) -> FormDefinition:
        """The question set in force for a location's service type in a month."""
        try:
            return self.catalogue.form_for(location.service_type, period)
        except UnknownForm as exc:
            raise StoreError(str(exc)) from exc

    @_translated
    def question_set_change(self, location_id: str, period: Period) -> QuestionSetChange | None:
        """How the question set in force for the month differs from the one the return was started under.

        None when it does not (or the month is not started). While ``corrected``, the person has not yet
        acknowledged it; answers to questions no longer asked are listed either way (kept, never sent).
        """
        location = self.location(location_id)
        form = self.form_for(location, period)
        return corrections.question_set_change(self._db, location.id, period, form,
                                               self._questions_of(location, period), self._labels(location))

    @_translated
    def acknowledge_question_set(self, location_id: str, period: Period, by: str) -> QuestionSetChange | None:
        """``by`` has seen how the question set changed: recorded in the history (with every figure kept
        for a question no longer asked); the question set in force becomes the one seen. None if no change."""
        location = self.location(location_id)
        form = self.form_for(location, period)
        return corrections.acknowledge(self._db, location.id, period, form, self._questions_of(location, period),
                                       self._labels(location), who(by), self.now())

    def _labels(self, location: Location) -> dict[str, str]:
        # The words of every question any version of the service type asks, the newest version's first.
        return {item.key: item.label for form in self.catalogue.versions(location.service_type)
                for item in form.fields}

    def _questions_of(self, location: Location, period: Period) -> corrections.QuestionsOf:
        def questions(version: str) -> dict[str, str] | None:
            try:
                return asked_questions(self.catalogue.form_version(location.service_type, version), period)
            except UnknownForm:
                return None

        return questions
    def question_sets(self) -> list[StoredQuestionSet]:
        """The question sets fetched from the tracker, by service type and date."""
        return question_sets.stored_question_sets(self._db)

    @_translated
    def question_set_use(self) -> dict[tuple[str, str], int]:
        """How many of this data folder's returns name each (service type, form version)."""
        return question_sets.versions_in_use(self._db)

    @_translated
    def keep_question_set(self, text: str, *, service_type: str, version: str, content_sha256: str,
                          tracker_url: str) -> FormDefinition:
        """Keep a definition fetched from the tracker, once it passes every check a built-in file passes.

        DefinitionError (nothing kept) when its text is not the content its SHA-256 names, when it fails
        the check, or when it is not the service type and version the tracker listed it as. A copy of the
        same version kept before is replaced: the tracker's latest copy is the one it checks returns against.
        """
        if content_hash(text) != content_sha256:
            raise DefinitionError(f"{_fetched_name(service_type, version)}: its text is not the content its SHA-256 "
                                  f"names ({content_sha256[:12]}...): it was changed or cut on the way")
        form = _checked_definition(text, service_type, version)
        question_sets.keep_question_set(self._db, service_type, version, form.effective_from.isoformat(),
                                        content_sha256, text, tracker_url, self.now())
        return form

    # Locations -----------------------------------------------------------------------------------

    @_translated
    def add_location(self, location: Location) -> Location:
        """Add a location (refused if its id is already there or its service type has no question set)."""
        if location.service_type not in self.catalogue.service_types():
            known = ", ".join(self.catalogue.service_types())
            raise StoreError(f"unknown service type {shown(location.service_type)}: choose one of {known}")
        return locations.add_location(self._db, location, self.now())

    @_translated
    def upsert_location(self, location: Location) -> LocationUpsert:
        """Add a location the tracker listed, or update its name, local authority and region.

        Its service type is changed only while none of its returns has been started; otherwise ours is
        kept and ``service_type_kept`` names the tracker's. Refused if the service type has no question set.
        """
        if location.service_type not in self.catalogue.service_types():
            known = ", ".join(self.catalogue.service_types())
            raise StoreError(f"location {location.id} has service type '{location.service_type}', which has no "
                             f"question set here (known: {known}): a newer ct-desktop may be needed")
        if not location.id.strip() or any(ch.isspace() for ch in location.id) or not location.name.strip():
            raise StoreError(f"the tracker listed a location without a usable id or name: {location.id!r}")
        return locations.upsert_location(self._db, location, self.now())

    @_translated
    def locations(self) -> list[Location]:
        """Every location, by name."""
        return locations.list_locations(self._db)

    @_translated
    def location(self, location_id: str) -> Location:
        """One location; UnknownLocation if it has not been added."""
        return locations.get_location(self._db, location_id)

    # Returns -------------------------------------------------------------------------------------

    @_translated
    def get_return(self, location_id: str, period: Period) -> ReturnDraft | None:
        """The saved return of a location and month, or None when not started."""
        return returns.load_return(self._db, location_id, period)

    @_translated
    def returns_in_states(
        self, states: Iterable[ReturnState], periods: Iterable[Period]
    ) -> dict[tuple[str, Period], ReturnState]:
        """The returns of these months in one of these states (rejected, say), by (location id, month), in one
        query that brings back only those: cheaper than return_states() of every location."""
        return returns.returns_in_states(self._db, states, periods)

    @_translated
    def return_states(self, keys: Iterable[tuple[str, Period]]) -> dict[tuple[str, Period], ReturnState]:
        """The state of each of these returns (location id, month) that has been started, read in one query.

        Returns not started are left out. Cheaper than get_return() for each when only the states matter.
        """
        return returns.load_states(self._db, keys)

    @_translated
    def set_values(self, location_id: str, period: Period, changes: Mapping[str, Any], by: str) -> EditResult:
        """Save answers in one transaction: each a value, NOT_KNOWN, or None to clear.

        Refuses them all (ValuesRefused, nothing saved) if any does not fit its field. Editing a queued
        return withdraws it if it was never sent, or starts a new revision; editing an accepted one
        starts a new revision and keeps the accepted one as it is.
        """
        location = self.location(location_id)
        form = self.form_for(location, period)
        return returns.set_answers(self._db, location, period, form, _blank_lists(changes), who(by), self.now())

    @_translated
    def resolve_conflict(self, location_id: str, period: Period, taken: Mapping[str, Any], by: str) -> EditResult:
        """End a conflict: take the tracker's answers in ``taken``, keep ours for the rest; back to draft."""
        location = self.location(location_id)
        form = self.form_for(location, period)
        return conflicts.resolve_conflict(self._db, location, period, form, _blank_lists(taken), who(by), self.now())

    def set_value(self, location_id: str, period: Period, key: str, answer: Any, by: str) -> EditResult:
        """Save one answer (what the app does on every field edit)."""
        return self.set_values(location_id, period, {key: answer}, by)

    @_translated
    def history(self, location_id: str, period: Period) -> list[HistoryEntry]:
        """Who changed what and when, oldest first."""
        return returns.load_history(self._db, location_id, period)

    @_translated
    def last_editor(self, location_id: str, period: Period) -> str | None:
        """Who made the latest field edit of a month's return (one row read, however long the history)."""
        return returns.last_editor(self._db, location_id, period)

    @_translated
    def findings(self, location_id: str, period: Period) -> list[Finding]:
        """The current errors and warnings of a month's return (of an empty one when not started)."""
        location = self.location(location_id)
        draft = self.get_return(location_id, period)
        values = draft.values if draft else {}
        not_known = sorted(draft.not_known) if draft else []
        previous = receipts.as_previous(self.last_accepted(location_id, before=period))
        return validate(self.form_for(location, period), period, values, not_known, previous)

    @_translated
    def last_accepted(self, location_id: str, before: Period | None = None) -> AcceptedRevision | None:
        """The latest accepted revision of the location's latest accepted month (before ``before``)."""
        return receipts.last_accepted(self._db, location_id, before)

    @_translated
    def month_overview(self, period: Period) -> dict[str, overview.LocationMonth]:
        """Every location's state of ``period``, last accepted month and outbox, by id, in a few queries."""
        return overview.month_overview(self._db, period)

    @_translated
    def accepted_revisions(self, location_id: str, period: Period | None = None) -> list[AcceptedRevision]:
        """Every accepted revision of a location (of one month, if given), oldest first."""
        return receipts.accepted_revisions(self._db, location_id, period)

    # Lifecycle -----------------------------------------------------------------------------------

    @_translated
    def submit(self, location_id: str, period: Period, by: str, confirm_warnings: bool = False) -> Submission:
        """Validate and queue the month's return; LifecycleError (with the findings) if it cannot go."""
        location = self.location(location_id)
        lifecycle.refuse_unsendable_month(period, self.now())  # before the form: 2099 has none
        form = self.form_for(location, period)
        change = self.question_set_change(location.id, period)
        if change is not None and change.corrected:
            raise LifecycleError(f"the question set for {period.label} changed after this return was started "
                                 f"({change.versions_text()}): look at what is no longer asked and what is new, "
                                 "and acknowledge it, before sending",
                                 reason=lifecycle.QUESTIONS_CHANGED)
        return self._bound(lifecycle.submit(self._db, location, period, form, who(by), self.now(), confirm_warnings),
                           self._tracker_url())

    @_translated
    def no_changes(self, location_id: str, period: Period, by: str) -> Submission:
        """Queue the month as an unchanged copy of the last accepted return, reviewed by ``by`` now."""
        location = self.location(location_id)
        lifecycle.refuse_unsendable_month(period, self.now())
        form = self.form_for(location, period)
        return self._bound(lifecycle.no_changes(self._db, location, period, form, who(by), self.now()),
                           self._tracker_url())

    @_translated
    def no_changes_for_group(
        self, location_ids: Sequence[str], period: Period, by: str
    ) -> list[tuple[Location, Submission | LifecycleError]]:
        """"No changes" for several locations in one review by ``by``, in one transaction: for each, in the
        order given, its Submission or the LifecycleError saying why it was not queued."""
        lifecycle.refuse_unsendable_month(period, self.now())
        asked: list[tuple[Location, FormDefinition]] = []
        refused: dict[str, LifecycleError] = {}
        chosen = [self.location(location_id) for location_id in dict.fromkeys(location_ids)]
        for location in chosen:
            try:
                asked.append((location, self.form_for(location, period)))
            except StoreError as exc:
                refused[location.id] = LifecycleError(str(exc), reason=lifecycle.NO_FORM)
        done = dict((location.id, result) for location, result in
                    lifecycle.no_changes_for_group(self._db, asked, period, who(by), self.now()))
        url = self._tracker_url()
        results: list[tuple[Location, Submission | LifecycleError]] = []
        for location in chosen:
            result = done.get(location.id) or refused[location.id]
            results.append((location, self._bound(result, url) if isinstance(result, Submission) else result))
        return results

    def _tracker_url(self) -> str | None:
        try:
            return load_settings(self.path.parent).tracker_url
        except SettingsError:
            return None  # the settings say so when they are read to send it; it is bound then

    def _bound(self, submission: Submission, url: str | None) -> Submission:
        # A queued return is for the tracker this data folder is connected to, and for no other. Not
        # connected yet (``url`` None): it is bound to the tracker it is first sent to.
        if not url:
            return submission
        outbox.bind_tracker(self._db, submission.item.submission_id, url)
        item = outbox.item_by_submission(self._db, submission.item.submission_id)
        return dataclasses.replace(submission, item=item) if item else submission

    @_translated
    def check_no_changes(
        self, location_id: str, period: Period
    ) -> tuple[AcceptedRevision, tuple[Finding, ...], tuple[str, ...]]:
        """What no_changes would copy (and its warnings, and the keys left out), or its LifecycleError; no write."""
        location = self.location(location_id)
        lifecycle.refuse_unsendable_month(period, self.now())
        return lifecycle.check_no_changes(self._db, location, period, self.form_for(location, period))

    # Outbox (for the sync engine) ----------------------------------------------------------------

    @_translated
    def outbox_waiting_count(self) -> int:
        """How many outbox items wait to be sent (set-aside ones left out), without reading them."""
        return outbox.waiting_count(self._db)

    @_translated
    def outbox_needing_a_person(self) -> list[OutboxItem]:
        """The outbox items set aside or answered with an error by the tracker, in queue order."""
        return outbox.needing_a_person(self._db)

    @_translated
    def outbox_items(self, location_id: str | None = None) -> list[OutboxItem]:
        """Everything in the outbox (of one location), in queue order, set-aside items included."""
        return outbox.list_items(self._db, location_id)

    @_translated
    def next_due_outbox_items(self, now: dt.datetime | None = None, tracker_url: str | None = None) -> list[OutboxItem]:
        """Items to send now: due, not set aside, one per return (the oldest); with ``tracker_url``, only the
        items for that tracker (or not bound to one yet)."""
        return outbox.next_due(self._db, now or self.now(), tracker_url)

    @_translated
    def begin_attempt(self, submission_id: str, tracker_url: str | None = None) -> OutboxItem:
        """Call just before sending: from then on the item may have reached the tracker and is never withdrawn.

        With ``tracker_url``: binds an unbound item to that tracker; WrongTracker if it is for another.
        """
        return outbox.begin_attempt(self._db, submission_id, self.now(), tracker_url)

    @_translated
    def record_attempt_failure(self, submission_id: str, error: str, next_attempt_at: dt.datetime, *,
                               answered: bool = False) -> OutboxItem:
        """A failed attempt: its error and when to try again; ``answered`` when the tracker itself answered."""
        return outbox.record_attempt_failure(self._db, submission_id, error, next_attempt_at, answered=answered,
                                             now=self.now())

    @_translated
    def outbox_item(self, outbox_id: int) -> OutboxItem | None:
        """The outbox item with that number, or None."""
        return outbox.find_item(self._db, outbox_id)

    @_translated
    def retry_set_aside(self, submission_id: str, by: str) -> OutboxItem:
        """Send a set-aside submission again (with the next sync), as ``by`` asked."""
        return outbox.retry_set_aside(self._db, submission_id, who(by), self.now())

    @_translated
    def dismiss_set_aside(self, submission_id: str, by: str, *, even_if_waiting: bool = False) -> ReturnDraft:
        """Take a set-aside submission (or, confirmed, a waiting one) out of the outbox; its return is a draft
        again, to edit and send."""
        return outbox.dismiss_set_aside(self._db, submission_id, who(by), self.now(), even_if_waiting=even_if_waiting)

    @_translated
    def set_aside(self, submission_id: str, reason: str) -> OutboxItem:
        """Stop retrying an item that cannot succeed; it stays listed with its reason."""
        return outbox.set_aside(self._db, submission_id, reason, self.now())

    @_translated
    def mark_accepted(self, submission_id: str, revision: int, accepted_at: str | dt.datetime,
                      receipt: str) -> AcceptedRevision:
        """The tracker accepted the submission as ``revision``: keep it for good."""
        when = accepted_at.isoformat() if isinstance(accepted_at, dt.datetime) else str(accepted_at)
        return outbox.mark_accepted(self._db, submission_id, revision, when, receipt, self.now())

    @_translated
    def mark_rejected(self, submission_id: str, field_messages: Mapping[str, str | Sequence[str]]) -> ReturnDraft:
        """The tracker refused the content with per-field messages; the return is edited again."""
        return outbox.mark_rejected(self._db, submission_id, field_messages, self.now())

    @_translated
    def record_tracker_revision(self, location_id: str, period: Period,
                                copy: Mapping[str, Any]) -> AcceptedRevision | None:
        """Keep a revision from the tracker's history (its GET copy) if it is new here; None if already known.

        Idempotent; a stored revision or receipt is never overwritten. When the revision is one of our own
        submissions whose answer was lost, the submission is marked accepted as if the answer had come. An
        accepted (or never started) month then shows the tracker's copy and builds on its revision; a month
        being worked on here is left as it is.
        """
        location = self.location(location_id)
        tracker_copies.check_copy(copy)
        submission_id = str(copy["submission_id"])
        if outbox.item_by_submission(self._db, submission_id) is not None:
            try:
                self.mark_accepted(submission_id, int(copy["revision"]), str(copy["accepted_at"]),
                                   str(copy["receipt"]))
                return receipts.find_receipt(self._db, submission_id)
            except OutboxItemGone:
                pass  # answered meanwhile by another sender; the check below sees its receipt
        try:
            form: FormDefinition | None = self.form_for(location, period)
        except StoreError:
            form = None  # a month before any question set we know: the revision is still worth keeping
        return tracker_copies.record(self._db, location.id, period, copy, form, self.now())

    # Records for the enforcement team ------------------------------------------------------------

    @_translated
    def record_closure(self, location_id: str, closed_from: dt.date, closed_until: dt.date | None,
                       by: str) -> Closure:
        """Record that a location is temporarily closed from a day (to a day, or until further notice), as
        ``by`` says now; the windows it covers need no return. Refused when it would end before it begins."""
        return records.record_closure(self._db, location_id, closed_from, closed_until, who(by), self.now())

    @_translated
    def end_open_closure(self, location_id: str, reopened_on: dt.date) -> Closure:
        """The location reopens on ``reopened_on``: its open-ended closure ends the day before (its last day
        closed). Refused when none is open or the day is not after it closed."""
        return records.end_open_closure(self._db, location_id, reopened_on)

    @_translated
    def closures(self, location_id: str) -> list[Closure]:
        """A location's recorded closures, in the order they begin."""
        return records.list_closures(self._db, location_id)

    @_translated
    def location_added_at(self, location_id: str) -> dt.datetime:
        """When the location was added here (by hand or from the tracker's list)."""
        return records.location_added_at(self._db, location_id)

    @_translated
    def send_attempts(self, location_id: str, period: Period) -> list[SendAttempt]:
        """Every attempt to send a submission of the month, oldest first, with when and how it ended."""
        return records.attempts_of_month(self._db, location_id, period)

    @_translated
    def mark_conflict(self, submission_id: str, server_copy: Mapping[str, Any]) -> ReturnDraft:
        """The tracker's copy changed since our base revision; keep its copy for the user to compare."""
        return outbox.mark_conflict(self._db, submission_id, server_copy, self.now())


def _fetched_name(service_type: str, version: str) -> str:
    return f"{printable(service_type)[:64]} question set {printable(version)[:64]} from the tracker"


@functools.lru_cache(maxsize=64)
def _checked_definition(text: str, service_type: str, version: str) -> FormDefinition:
    """A fetched definition checked as a built-in file is, and as the service type and version it was listed as.

    Kept in memory by its text: the store is opened often, and a text always checks the same way.
    """
    name = _fetched_name(service_type, version)
    form = parse_definition(text, name)
    if (form.service_type, form.version) != (service_type, version):
        raise DefinitionError(f"{name}: the definition inside is {shown(form.service_type)} "
                              f"{shown(form.version)}, not the service type and version the tracker listed")
    return form
def _system_now() -> dt.datetime:
    # The clock of a store opened without one (the command line's); tests of the commands set it.
    return dt.datetime.now(dt.UTC)


def _blank_lists(answers: Mapping[str, Any]) -> dict[str, Any]:
    # No choice ticked is a blank, not an answer: stored as nothing, like an empty box.
    return {key: (None if answer == [] else answer) for key, answer in answers.items()}


def who(by: str | None) -> str:
    """The name or initials of the person working, checked: never empty, one short line."""
    name = " ".join(str(by or "").split())
    if not name:
        raise StoreError("say who is working: give a name or initials")
    if len(name) > MAX_NAME_LENGTH or not name.isprintable():
        raise StoreError(f"'{name[:MAX_NAME_LENGTH]}...' is too long for a name: use a name or initials")
    return name
