"""The tracker's SQLite database: providers, their locations, every accepted revision and the question sets
published to it. The only SQL.

Connections are opened once and kept, in a small pool: each operation takes one for itself and gives
it back when done, so two threads never use one connection at once, and the server's worker threads
reuse the same few instead of opening (and, for the last one to close, checkpointing) one per
operation. A pool rather than one per thread: the server's threadpool stops idle threads and starts
new ones, and a connection tied to a stopped thread could only be left to the garbage collector.
``close()`` checkpoints the WAL and closes them all (the server does on shutdown); in between, SQLite's
own automatic checkpoint keeps the WAL short.

Writes run in short ``BEGIN IMMEDIATE`` transactions (the write lock is taken before anything is read),
in WAL mode with ``synchronous=FULL``: an accepted revision is something a provider relies on, so it
must survive a power cut once the receipt has been sent. This process's writers take turns on a lock
of their own before SQLite's; submissions that arrive while one batch is being committed are committed
together in the next, each in a savepoint of its own (see accept()), so that many providers sending at
once wait for the disk once per batch rather than once each.

The file holds every provider's returns and token hashes, so it is readable by its owner only (0600),
and so are SQLite's -wal and -shm files beside it, which SQLite creates with the database's permissions.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ct_tracker.submission import AcceptedRevision, Submission, make_receipt

SCHEMA_VERSION = 2  # 2: question_sets
PRIVATE = 0o600
# Idle connections kept for reuse: more than the server's worker threads (40), so that under load each
# operation finds one open; any beyond are closed when given back.
IDLE_CONNECTIONS_MAX = 48
BUSY_TIMEOUT_S = 30

_SCHEMA = """
CREATE TABLE IF NOT EXISTS providers (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    token_sha256  TEXT NOT NULL UNIQUE,
    created_at    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS locations (
    id               TEXT PRIMARY KEY,
    provider_id      INTEGER NOT NULL REFERENCES providers(id),
    name             TEXT NOT NULL,
    service_type     TEXT NOT NULL,
    local_authority  TEXT,
    region           TEXT
);
CREATE INDEX IF NOT EXISTS locations_by_provider ON locations(provider_id);
CREATE TABLE IF NOT EXISTS revisions (
    id              INTEGER PRIMARY KEY,
    location_id     TEXT NOT NULL REFERENCES locations(id),
    period          TEXT NOT NULL,
    revision        INTEGER NOT NULL CHECK (revision >= 1),
    submission_id   TEXT NOT NULL UNIQUE,
    content_sha256  TEXT NOT NULL,
    base_revision   INTEGER,
    values_json     TEXT NOT NULL,
    not_known_json  TEXT NOT NULL,
    no_changes      INTEGER NOT NULL,
    reviewed_by     TEXT NOT NULL,
    reviewed_at     TEXT NOT NULL,
    form_version    TEXT NOT NULL,
    accepted_at     TEXT NOT NULL,
    receipt         TEXT NOT NULL,
    UNIQUE (location_id, period, revision)
);
CREATE TABLE IF NOT EXISTS question_sets (
    id              INTEGER PRIMARY KEY,
    service_type    TEXT NOT NULL,
    version         TEXT NOT NULL,
    effective_from  TEXT NOT NULL,
    content_sha256  TEXT NOT NULL,
    text            TEXT NOT NULL,
    published_at    TEXT NOT NULL,
    UNIQUE (service_type, version)
);
"""

# Providers and locations kept in memory, each kind, before the memory is started afresh.
REMEMBERED_MAX = 100_000

# What publish_question_set() decided.
PUBLISHED = "published"
ALREADY_PUBLISHED = "already_published"
DIFFERENT_CONTENT = "different_content"

# What accept() decided; the API turns each into a status code.
CREATED = "created"
REPLAYED = "replayed"
REUSED = "reused"
CONFLICT = "conflict"


class TrackerDatabaseError(RuntimeError):
    """The database cannot be used (unreadable, or made by a newer ct-tracker)."""


class RegistrationRefused(ValueError):
    """A provider or location that cannot be added; the message says why in one line."""


@dataclass(frozen=True)
class Provider:
    """An organisation that holds a token and owns locations."""

    id: int
    name: str
    token_sha256: str


@dataclass(frozen=True)
class TrackedLocation:
    """A location the tracker knows, and the provider it belongs to."""

    id: str
    name: str
    service_type: str
    local_authority: str | None = None
    region: str | None = None
    provider_id: int | None = None


@dataclass(frozen=True)
class PublishedQuestionSet:
    """A question set published to the tracker: its definition's text, exactly as given, and its hash."""

    service_type: str
    version: str
    effective_from: str
    content_sha256: str
    text: str
    published_at: str


@dataclass(frozen=True)
class Acceptance:
    """The outcome of a PUT: created, replayed (identical resend), reused (same id, other content)
    or conflict (stale base revision). ``revision`` is the new, stored or current revision
    (None only for a conflict where the return has no revision yet)."""

    outcome: str
    revision: AcceptedRevision | None


@dataclass
class _Pending:
    """A submission waiting for its write transaction, and once ``done``, what became of it."""

    submission: Submission
    digest: str
    accepted_at: str
    done: bool = False
    acceptance: Acceptance | None = None
    error: BaseException | None = None


class TrackerDatabase:
    """The tracker's data in one SQLite file; created with its schema on first use."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._idle: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False
        self._write_lock = threading.Lock()
        self._queue: list[_Pending] = []  # submissions waiting for the next write transaction
        self._queue_changed = threading.Condition()
        self._committing = False  # a batch is being written (by the thread that took it from the queue)
        # Providers and locations found, by token digest and by id, read on every request: neither is ever
        # changed or removed once added, so what was found stays true (what was not found is not kept).
        self._known_providers: dict[str, Provider] = {}
        self._known_locations: dict[str, TrackedLocation] = {}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _make_private(self.path)
            with self._connection() as conn:
                conn.execute("PRAGMA journal_mode=WAL")  # kept in the file: set once, for every connection
                with _transaction(conn):
                    self._create_schema(conn)
        except (OSError, sqlite3.Error) as exc:
            self.close()
            raise TrackerDatabaseError(f"cannot use the database {self.path}: {exc}") from exc

    def __enter__(self) -> TrackerDatabase:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Checkpoint the WAL into the database and close every connection; the database is not used after.

        Call it once the server has stopped: a connection in use by an operation still running is closed
        by that operation when it gives it back.
        """
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        try:
            if idle:
                idle[0].execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error:
            pass  # another process holds the database: its last connection to close checkpoints it
        finally:
            for conn in idle:
                conn.close()

    def _create_schema(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise TrackerDatabaseError(
                f"the database {self.path} was made by a newer ct-tracker (schema {version}); upgrade ct-tracker"
            )
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """A connection for this operation alone, given back to the pool when it ends."""
        conn = self._take()
        try:
            yield conn
        finally:
            self._give_back(conn)

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """A connection inside a write transaction, committed when the block ends, rolled back if it raises.

        This process's writers wait their turn on a lock, woken as soon as it is free, where SQLite's busy
        handler would have each one sleep and retry (up to 100 ms at a time, so that under load some waited
        seconds while later ones went first); the busy timeout is still there for a writer in another process.
        """
        with self._write_lock, self._connection() as conn, _transaction(conn):
            yield conn

    def _take(self) -> sqlite3.Connection:
        with self._lock:
            if self._closed:
                raise TrackerDatabaseError(f"the database {self.path} is closed")
            if self._idle:
                return self._idle.pop()  # the most recently used: its cache is the warmest
        return self._open()

    def _give_back(self, conn: sqlite3.Connection) -> None:
        # One left inside a transaction (a ROLLBACK that failed) is never handed to another operation.
        if not conn.in_transaction:
            with self._lock:
                if not self._closed and len(self._idle) < IDLE_CONNECTIONS_MAX:
                    self._idle.append(conn)
                    return
        conn.close()

    def _open(self) -> sqlite3.Connection:
        # isolation_level=None: transactions are begun explicitly, so BEGIN IMMEDIATE means what it says.
        # check_same_thread=False: the pool passes a connection from thread to thread, never to two at once.
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
        try:
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = FULL")
        except sqlite3.Error:
            conn.close()
            raise
        return conn

    # -- providers and locations -------------------------------------------------------------

    def add_provider(self, name: str, locations: Sequence[TrackedLocation], token_sha256: str,
                     created_at: str) -> int:
        """Add a provider with its locations, all or nothing; the new provider's id.

        Raises RegistrationRefused when the name is taken or a location belongs to another provider.
        """
        with self._writing() as conn:
            if conn.execute("SELECT 1 FROM providers WHERE name = ?", (name,)).fetchone():
                raise RegistrationRefused(f"a provider named '{name}' already exists")
            for location in locations:
                owner = conn.execute(
                    "SELECT p.name FROM locations l JOIN providers p ON p.id = l.provider_id WHERE l.id = ?",
                    (location.id,),
                ).fetchone()
                if owner:
                    raise RegistrationRefused(f"location {location.id} already belongs to provider '{owner[0]}'")
            cursor = conn.execute(
                "INSERT INTO providers (name, token_sha256, created_at) VALUES (?, ?, ?)",
                (name, token_sha256, created_at),
            )
            provider_id = int(cursor.lastrowid or 0)
            conn.executemany(
                "INSERT INTO locations (id, provider_id, name, service_type, local_authority, region) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(loc.id, provider_id, loc.name, loc.service_type, loc.local_authority, loc.region)
                 for loc in locations],
            )
            return provider_id

    def provider_count(self) -> int:
        """How many providers there are."""
        with self._connection() as conn:
            return int(conn.execute("SELECT COUNT(*) FROM providers").fetchone()[0])

    def provider_by_token(self, token_sha256: str) -> Provider | None:
        """The provider holding the token with this digest, or None."""
        provider = self._known_providers.get(token_sha256)
        if provider is None:
            with self._connection() as conn:
                row = conn.execute("SELECT id, name, token_sha256 FROM providers WHERE token_sha256 = ?",
                                   (token_sha256,)).fetchone()
            if row is None:
                return None  # not remembered: a provider added later (by add-provider) is found at once
            provider = _remembered(self._known_providers, token_sha256,
                                   Provider(row["id"], row["name"], row["token_sha256"]))
        return provider

    def locations_of(self, provider_id: int) -> list[TrackedLocation]:
        """A provider's locations, by id."""
        with self._connection() as conn:
            rows = conn.execute("SELECT * FROM locations WHERE provider_id = ? ORDER BY id", (provider_id,))
            return [_location(row) for row in rows]

    def location(self, location_id: str) -> TrackedLocation | None:
        """A location of any provider, or None."""
        location = self._known_locations.get(location_id)
        if location is None:
            with self._connection() as conn:
                row = conn.execute("SELECT * FROM locations WHERE id = ?", (location_id,)).fetchone()
            if row is None:
                return None
            location = _remembered(self._known_locations, location_id, _location(row))
        return location

    # -- returns -----------------------------------------------------------------------------

    def accept(self, submission: Submission, accepted_at: str) -> Acceptance:
        """Store a submission as the next revision of its return, unless it is a resend or stale.

        In one write transaction: look the submission id up (an identical resend is REPLAYED, other
        content under the same id is REUSED), then check the base revision against the latest
        (CONFLICT), then insert (CREATED). The UNIQUE constraints are what guarantee one revision
        per submission id and per number; should an insert still meet one (a writer that did not
        take the write lock first), the answer is read again from what is now stored.

        Submissions that arrive while another is being committed are committed together, each in a
        savepoint of its own (group commit): one wait for the disk for all of them instead of one each,
        each answered only once the transaction holding it is committed.
        """
        pending = _Pending(submission, submission.content_sha256(), accepted_at)
        with self._queue_changed:
            self._queue.append(pending)
            # Wait until a batch holding this one is committed, or until no batch is being written: then
            # this thread writes the next one, with everything queued meanwhile.
            while not pending.done and self._committing:
                self._queue_changed.wait()
            batch: list[_Pending] = []
            if not pending.done:
                batch, self._queue, self._committing = self._queue, [], True
        if batch:
            try:
                with self._write_lock:
                    self._accept_batch(batch)
            finally:
                with self._queue_changed:
                    self._committing = False
                    self._queue_changed.notify_all()  # those just committed, and the next to write
        if pending.error is not None:
            raise pending.error
        assert pending.acceptance is not None
        return pending.acceptance

    def _accept_batch(self, batch: list[_Pending]) -> None:
        # Called with the write lock held. Outcomes are handed over only once COMMIT has returned.
        outcomes: list[tuple[Acceptance | None, BaseException | None]] = []
        try:
            with self._connection() as conn, _transaction(conn):
                for pending in batch:
                    try:
                        outcomes.append((self._accept_in_savepoint(conn, pending), None))
                    except Exception as exc:  # this submission's alone: the others are still committed
                        outcomes.append((None, exc))
        except BaseException as exc:  # nothing of the batch was committed: each caller is told why
            outcomes = [(None, exc)] * len(batch)
        for pending, (acceptance, error) in zip(batch, outcomes, strict=True):
            pending.acceptance, pending.error, pending.done = acceptance, error, True

    def _accept_in_savepoint(self, conn: sqlite3.Connection, pending: _Pending) -> Acceptance:
        for attempt in (1, 2):
            conn.execute("SAVEPOINT submission")
            try:
                acceptance = self._accept_once(conn, pending.submission, pending.digest, pending.accepted_at)
            except BaseException as exc:
                conn.execute("ROLLBACK TO submission")
                conn.execute("RELEASE submission")
                if attempt == 1 and isinstance(exc, sqlite3.IntegrityError):
                    continue  # what another writer stored is read again, in this same transaction
                raise
            conn.execute("RELEASE submission")
            return acceptance
        raise AssertionError("unreachable")

    def _accept_once(self, conn: sqlite3.Connection, submission: Submission, digest: str,
                     accepted_at: str) -> Acceptance:
        stored = self._stored_submission(conn, submission.submission_id)
        if stored is not None:
            return Acceptance(REPLAYED if stored.content_sha256 == digest else REUSED, stored)
        latest = self._latest(conn, submission.location_id, submission.period)
        if submission.base_revision != (latest.revision if latest else None):
            return Acceptance(CONFLICT, latest)
        revision = latest.revision + 1 if latest else 1
        conn.execute(
            "INSERT INTO revisions (location_id, period, revision, submission_id, content_sha256, "
            "base_revision, values_json, not_known_json, no_changes, reviewed_by, reviewed_at, form_version, "
            "accepted_at, receipt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (submission.location_id, submission.period, revision, submission.submission_id, digest,
             submission.base_revision, json.dumps(submission.values), json.dumps(submission.not_known),
             int(submission.no_changes), submission.reviewed_by, submission.reviewed_at,
             submission.form_version, accepted_at,
             make_receipt(submission.location_id, submission.period, revision, digest)),
        )
        return Acceptance(CREATED, self._stored_submission(conn, submission.submission_id))

    def find_submission(self, submission_id: str) -> AcceptedRevision | None:
        """The revision a submission id became, or None."""
        with self._connection() as conn:
            return self._stored_submission(conn, submission_id)

    def latest(self, location_id: str, period: str) -> AcceptedRevision | None:
        """The latest accepted revision of a return, or None."""
        with self._connection() as conn:
            return self._latest(conn, location_id, period)

    def previous_return(self, location_id: str, period: str) -> AcceptedRevision | None:
        """The latest revision of the latest month before ``period`` (for month-on-month rules)."""
        with self._connection() as conn:
            row = conn.execute(
                "SELECT * FROM revisions WHERE location_id = ? AND period < ? ORDER BY period DESC, revision DESC "
                "LIMIT 1", (location_id, period)).fetchone()
        return _revision(row) if row else None

    def history(self, location_id: str, last: int) -> list[AcceptedRevision]:
        """The latest revision of each of the ``last`` most recent months with a return, newest first."""
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT r.* FROM revisions r JOIN ("
                "  SELECT period, MAX(revision) AS revision FROM revisions WHERE location_id = ?"
                "  GROUP BY period ORDER BY period DESC LIMIT ?"
                ") newest ON r.period = newest.period AND r.revision = newest.revision "
                "WHERE r.location_id = ? ORDER BY r.period DESC",
                (location_id, last, location_id),
            )
            return [_revision(row) for row in rows]

    def revision_count(self, location_id: str, period: str) -> int:
        """How many revisions of a return were accepted (for checks and tests)."""
        with self._connection() as conn:
            return int(conn.execute("SELECT COUNT(*) FROM revisions WHERE location_id = ? AND period = ?",
                                    (location_id, period)).fetchone()[0])

    # -- question sets -----------------------------------------------------------------------

    def publish_question_set(self, question_set: PublishedQuestionSet) -> tuple[str, PublishedQuestionSet]:
        """Add a question set unless its service type and version are there already.

        PUBLISHED when added; ALREADY_PUBLISHED (with the stored one) for the same content again;
        DIFFERENT_CONTENT (with the stored one) when the version holds other content. A version is
        never changed once published: the UNIQUE constraint is what guarantees it.
        """
        with self._writing() as conn:
            stored = self._question_set(conn, question_set.service_type, question_set.version)
            if stored is not None:
                same = stored.content_sha256 == question_set.content_sha256
                return (ALREADY_PUBLISHED if same else DIFFERENT_CONTENT), stored
            conn.execute(
                "INSERT INTO question_sets (service_type, version, effective_from, content_sha256, text, "
                "published_at) VALUES (?, ?, ?, ?, ?, ?)",
                (question_set.service_type, question_set.version, question_set.effective_from,
                 question_set.content_sha256, question_set.text, question_set.published_at))
            return PUBLISHED, question_set

    def question_sets(self) -> list[PublishedQuestionSet]:
        """Every published question set, in the order they were published."""
        with self._connection() as conn:
            rows = conn.execute("SELECT * FROM question_sets ORDER BY id").fetchall()
        return [_question_set(row) for row in rows]

    def published_digests(self) -> tuple[str, ...]:
        """The content hashes of the published question sets, in order: cheap to read on every request."""
        with self._connection() as conn:
            rows = conn.execute("SELECT content_sha256 FROM question_sets ORDER BY id").fetchall()
        return tuple(row[0] for row in rows)

    @staticmethod
    def _question_set(conn: sqlite3.Connection, service_type: str, version: str) -> PublishedQuestionSet | None:
        row = conn.execute("SELECT * FROM question_sets WHERE service_type = ? AND version = ?",
                           (service_type, version)).fetchone()
        return _question_set(row) if row else None

    # Small readers used inside transactions; kept as methods so a test can simulate a concurrent writer.
    def _stored_submission(self, conn: sqlite3.Connection, submission_id: str) -> AcceptedRevision | None:
        row = conn.execute("SELECT * FROM revisions WHERE submission_id = ?", (submission_id,)).fetchone()
        return _revision(row) if row else None

    def _latest(self, conn: sqlite3.Connection, location_id: str, period: str) -> AcceptedRevision | None:
        row = conn.execute(
            "SELECT * FROM revisions WHERE location_id = ? AND period = ? ORDER BY revision DESC LIMIT 1",
            (location_id, period)).fetchone()
        return _revision(row) if row else None


def _remembered(memory: dict[str, Any], key: str, value: Any) -> Any:
    # A plain dict is safe across threads for these single operations; the worst a race does is read twice.
    if len(memory) >= REMEMBERED_MAX:
        memory.clear()
    memory[key] = value
    return value


def _make_private(path: Path) -> None:
    # Created 0600 before SQLite opens it (so never readable by others, whatever the umask); an existing
    # database made by an older ct-tracker, and its -wal and -shm files, are tightened to match.
    # On Windows a mode is only the read-only flag, and setting it on the -shm that a running tracker
    # holds open is a sharing violation: there the folder's own permissions protect the files.
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE))
    if os.name != "posix":
        return
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.exists():
            os.chmod(file, PRIVATE)


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _location(row: sqlite3.Row) -> TrackedLocation:
    return TrackedLocation(id=row["id"], name=row["name"], service_type=row["service_type"],
                           local_authority=row["local_authority"], region=row["region"],
                           provider_id=row["provider_id"])


def _question_set(row: sqlite3.Row) -> PublishedQuestionSet:
    return PublishedQuestionSet(service_type=row["service_type"], version=row["version"],
                                effective_from=row["effective_from"], content_sha256=row["content_sha256"],
                                text=row["text"], published_at=row["published_at"])


def _revision(row: sqlite3.Row) -> AcceptedRevision:
    values: Any = json.loads(row["values_json"])
    return AcceptedRevision(
        location_id=row["location_id"], period=row["period"], revision=row["revision"],
        submission_id=row["submission_id"], content_sha256=row["content_sha256"],
        base_revision=row["base_revision"], values=values, not_known=json.loads(row["not_known_json"]),
        no_changes=bool(row["no_changes"]), reviewed_by=row["reviewed_by"], reviewed_at=row["reviewed_at"],
        form_version=row["form_version"], accepted_at=row["accepted_at"], receipt=row["receipt"],
    )
