"""Schema migrations: a database made by the previous schema opens with this code and keeps its data.

When a migration is added, add the data a file of the version before it would hold to
DATA_AT_VERSION (written in that version's own SQL, never through today's store code).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest
import sqlite_utils
from question_set_files import care_home_revision

from ct_desktop.models import ReturnState
from ct_desktop.period import Period
from ct_desktop.store import open_store, schema
from ct_desktop.store.database import DB_FILENAME

PAYLOAD = {
    "submission_id": "6f1c1d2e-1111-4a4a-9b9b-000000000001", "base_revision": None,
    "values": {"people_supported": 120}, "not_known": ["hours_agency"], "no_changes": False,
    "reviewed_by": "AB", "reviewed_at": "2026-07-09T10:00:00+01:00", "form_version": "2025.1",
}

# Representative rows as a file of each schema version holds them: {version: [(sql, params), ...]}.
DATA_AT_VERSION: dict[int, list[tuple[str, list]]] = {
    1: [
        ("INSERT INTO locations (id, name, service_type, local_authority, region, added_at) VALUES (?,?,?,?,?,?)",
         ["1-202", "Home Help", "home_care", "York", None, "2026-06-01T09:00:00.000000+00:00"]),
        ("INSERT INTO returns (id, location_id, period, state, form_version, base_revision, no_changes, "
         "reviewed_by, reviewed_at, submission_id, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
         [1, "1-202", "2026-06", "accepted", "2025.1", 3, 0, "AB", "2026-06-09T10:00:00+01:00", None,
          "2026-06-08T09:00:00.000000+00:00", "2026-06-09T09:00:00.000000+00:00"]),
        ("INSERT INTO returns (id, location_id, period, state, form_version, base_revision, no_changes, "
         "reviewed_by, reviewed_at, submission_id, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
         [2, "1-202", "2026-07", "queued", "2025.1", None, 0, "AB", "2026-07-09T10:00:00+01:00",
          PAYLOAD["submission_id"], "2026-07-08T09:00:00.000000+00:00", "2026-07-09T09:00:00.000000+00:00"]),
        ("INSERT INTO field_values (return_id, key, value, not_known) VALUES (?,?,?,?)",
         [2, "people_supported", "120", 0]),
        ("INSERT INTO field_values (return_id, key, value, not_known) VALUES (?,?,?,?)",
         [2, "hours_agency", None, 1]),
        ("INSERT INTO history (return_id, at, by, action, key, old, new, detail) VALUES (?,?,?,?,?,?,?,?)",
         [2, "2026-07-08T13:02:00.000000+00:00", "AB", "edit", "people_supported", "", "120", ""]),
        ("INSERT INTO outbox (submission_id, return_id, payload, queued_at, queued_by, attempts, in_flight, "
         "next_attempt_at, last_attempt_at, last_error) VALUES (?,?,?,?,?,?,?,?,?,?)",
         [PAYLOAD["submission_id"], 2, json.dumps(PAYLOAD), "2026-07-09T09:00:00.000000+00:00", "AB", 2, 0,
          "2026-07-09T09:10:00.000000+00:00", "2026-07-09T09:05:00.000000+00:00", "timed out"]),
        ("INSERT INTO receipts (location_id, period, revision, submission_id, accepted_at, receipt, payload, "
         "recorded_at) VALUES (?,?,?,?,?,?,?,?)",
         ["1-202", "2026-06", 3, "6f1c1d2e-1111-4a4a-9b9b-000000000000", "2026-06-09T10:01:00+01:00", "R-3",
          json.dumps(dict(PAYLOAD, values={"people_supported": 118})), "2026-06-09T09:01:00.000000+00:00"]),
    ],
}


def build_database_at(path, version: int) -> None:
    """A file made by the code of ``version``: its migrations applied, then that version's data."""
    connection = sqlite3.connect(path, isolation_level=None)
    db = sqlite_utils.Database(connection, execute_plugins=False)
    schema.migrate(db, target=version)
    for sql, params in DATA_AT_VERSION.get(version, []):
        connection.execute(sql, params)
    connection.close()


def check_data_of_version_1(store) -> None:
    july = store.get_return("1-202", Period(2026, 7))
    assert (july.state, july.values, july.not_known) == (ReturnState.QUEUED, {"people_supported": 120},
                                                         frozenset({"hours_agency"}))
    [entry] = store.history("1-202", Period(2026, 7))
    assert (entry.by, entry.key, entry.new) == ("AB", "people_supported", "120")
    [item] = store.outbox_items()
    assert (item.payload, item.attempts, item.last_error) == (PAYLOAD, 2, "timed out")
    [accepted] = store.accepted_revisions("1-202")
    assert (accepted.period, accepted.revision, accepted.values) == (Period(2026, 6), 3, {"people_supported": 118})
    assert store.location("1-202").local_authority == "York"


# The version that counts the tracker's answers and binds submissions to their tracker (looked up, not
# numbered here: other migrations may come before it).
TRACKER_BOUND = schema.MIGRATIONS.index(schema._outbox_tracker_answers_and_tracker) + 1
TRAINING = "http://127.0.0.1:8765"


def _with_tracker_columns(rows: list[tuple[str, list]]) -> list[tuple[str, list]]:
    # The same rows, the outbox's and the receipts' with the columns this version added.
    changed = []
    for sql, params in rows:
        if sql.startswith("INSERT INTO outbox"):
            sql = sql.replace("last_error)", "last_error, tracker_answers, tracker_url)").replace("?)", "?,?,?)")
            params = [*params, 1, TRAINING]
        elif sql.startswith("INSERT INTO receipts"):
            sql = sql.replace("recorded_at)", "recorded_at, tracker_url)").replace("?)", "?,?)")
            params = [*params, TRAINING]
        changed.append((sql, params))
    return changed


def check_data_of_tracker_bound(store) -> None:
    check_data_of_version_1(store)
    [item] = store.outbox_items()
    assert (item.tracker_answers, item.tracker_url) == (1, TRAINING)
    [row] = store._db.query("SELECT tracker_url FROM receipts")
    assert row["tracker_url"] == TRAINING


def test_the_attempts_counted_before_count_no_answers_of_the_tracker_and_bind_to_no_tracker(isolated_data_dir):
    isolated_data_dir.mkdir()
    build_database_at(isolated_data_dir / DB_FILENAME, TRACKER_BOUND - 1)
    with open_store(isolated_data_dir) as store:
        [item] = store.outbox_items()
        assert (item.attempts, item.tracker_answers, item.tracker_url) == (2, 0, None)


DATA_AT_VERSION[TRACKER_BOUND] = _with_tracker_columns(DATA_AT_VERSION[1])

# The version that remembers the question set each return was started under.
SEEN_QUESTIONS = schema.MIGRATIONS.index(schema._returns_seen_question_set) + 1


def _with_seen_columns(rows: list[tuple[str, list]]) -> list[tuple[str, list]]:
    # The same rows, the returns' with the question set seen: here its version only, as the migration leaves it.
    changed = []
    for sql, params in rows:
        if sql.startswith("INSERT INTO returns"):
            sql = sql.replace("updated_at)", "updated_at, seen_form_version)").replace("?)", "?,?)")
            params = [*params, params[4]]
        changed.append((sql, params))
    return changed


def check_data_of_seen_questions(store) -> None:
    check_data_of_tracker_bound(store)
    # Made under 2025.1, the earlier number of the version in force: nothing has changed since.
    assert store.question_set_change("1-202", Period(2026, 7)) is None


def test_a_return_saved_before_keeps_its_version_as_the_question_set_it_was_started_under(isolated_data_dir):
    isolated_data_dir.mkdir()
    build_database_at(isolated_data_dir / DB_FILENAME, SEEN_QUESTIONS - 1)
    with open_store(isolated_data_dir) as store:
        [row] = store._db.query("SELECT seen_form_version, seen_form_hash FROM returns WHERE period = '2026-07'")
        assert row == {"seen_form_version": "2025.1", "seen_form_hash": None}
        assert store.question_set_change("1-202", Period(2026, 7)) is None


DATA_AT_VERSION[SEEN_QUESTIONS] = _with_seen_columns(DATA_AT_VERSION[TRACKER_BOUND])

def index_names(store) -> set[str]:
    return {row["name"] for row in store._db.query("SELECT name FROM sqlite_master WHERE type = 'index'")}


def query_plan(store, sql: str, params: list) -> list[str]:
    """How SQLite would run ``sql``: one line of text per step of its plan."""
    return [" ".join(str(part) for part in row.values()) for row in store._db.query("EXPLAIN QUERY PLAN " + sql,
                                                                                     params)]


# The version that indexes the outbox by return: the same rows; the index is what it adds.
OUTBOX_BY_RETURN = schema.MIGRATIONS.index(schema._outbox_by_return) + 1
DATA_AT_VERSION[OUTBOX_BY_RETURN] = DATA_AT_VERSION[SEEN_QUESTIONS]


def check_data_of_outbox_by_return(store) -> None:
    check_data_of_seen_questions(store)
    assert "idx_outbox_return_id_id" in index_names(store)


def test_the_next_item_of_a_return_is_found_through_the_index_not_by_reading_the_whole_outbox(isolated_data_dir):
    with open_store(isolated_data_dir) as store:
        plans = query_plan(store, "SELECT 1 FROM outbox e WHERE e.return_id = ? AND e.set_aside_reason IS NULL "
                                  "AND e.id < ?", [1, 2])
    assert any("idx_outbox_return_id_id" in plan for plan in plans), plans


# The version that keeps question sets fetched from the tracker.
QUESTION_SETS = schema.MIGRATIONS.index(schema._question_sets_from_tracker) + 1
REVISION = care_home_revision("2026.05", "2026-05-01")


def check_data_of_question_sets(store) -> None:
    check_data_of_outbox_by_return(store)
    [kept] = store.question_sets()
    assert (kept.service_type, kept.version, kept.text, kept.tracker_url) == ("care_home", "2026.05", REVISION,
                                                                              TRAINING)
    assert store.catalogue.form_for("care_home", Period(2026, 7)).version == "2026.05"


def test_a_database_from_before_question_sets_were_fetched_has_only_the_built_in_ones(isolated_data_dir):
    isolated_data_dir.mkdir()
    build_database_at(isolated_data_dir / DB_FILENAME, QUESTION_SETS - 1)
    with open_store(isolated_data_dir) as store:
        assert store.question_sets() == []
        assert store.catalogue.form_for("care_home", Period(2026, 7)).version == "2024.06"


DATA_AT_VERSION[QUESTION_SETS] = [
    *DATA_AT_VERSION[OUTBOX_BY_RETURN],
    ("INSERT INTO question_sets (service_type, version, effective_from, content_sha256, text, tracker_url, "
     "fetched_at) VALUES (?,?,?,?,?,?,?)",
     ["care_home", "2026.05", "2026-05-01", hashlib.sha256(REVISION.encode()).hexdigest(), REVISION, TRAINING,
      "2026-05-02T09:00:00.000000+00:00"]),
]
# The version that keeps closures and the log of send attempts: the same rows, and one of each.
RECORDS = schema.MIGRATIONS.index(schema._closures_and_send_attempts) + 1
DATA_AT_VERSION[RECORDS] = [
    *DATA_AT_VERSION[QUESTION_SETS],
    ("INSERT INTO closures (location_id, closed_from, closed_until, recorded_by, recorded_at) VALUES (?,?,?,?,?)",
     ["1-202", "2026-03-01", "2026-04-30", "AB", "2026-03-02T09:00:00.000000+00:00"]),
    ("INSERT INTO send_attempts (submission_id, return_id, started_at, finished_at, outcome, detail, tracker_url) "
     "VALUES (?,?,?,?,?,?,?)",
     [PAYLOAD["submission_id"], 2, "2026-07-09T09:05:00.000000+00:00", "2026-07-09T09:05:30.000000+00:00",
      "failed", "timed out", TRAINING]),
]


def check_data_of_records(store) -> None:
    check_data_of_question_sets(store)
    [closure] = store.closures("1-202")
    assert (closure.closed_from.isoformat(), closure.closed_until.isoformat(), closure.recorded_by) == \
        ("2026-03-01", "2026-04-30", "AB")
    [attempt] = store.send_attempts("1-202", Period(2026, 7))
    assert (str(attempt.outcome), attempt.detail, attempt.tracker_url) == ("failed", "timed out", TRAINING)


def test_a_database_from_before_the_records_has_no_closure_and_no_attempt_logged(isolated_data_dir):
    isolated_data_dir.mkdir()
    build_database_at(isolated_data_dir / DB_FILENAME, RECORDS - 1)
    with open_store(isolated_data_dir) as store:
        assert store.closures("1-202") == [] and store.send_attempts("1-202", Period(2026, 7)) == []


# The version that indexes the returns by state and month: the same rows; the index is what it adds.
RETURNS_BY_STATE = schema.MIGRATIONS.index(schema._returns_by_state) + 1
DATA_AT_VERSION[RETURNS_BY_STATE] = DATA_AT_VERSION[RECORDS]


def check_data_of_returns_by_state(store) -> None:
    check_data_of_records(store)
    assert "idx_returns_state_period" in index_names(store)


def test_the_returns_handed_back_are_found_through_the_index_not_by_reading_every_return(isolated_data_dir):
    with open_store(isolated_data_dir) as store:
        plans = query_plan(store, "SELECT location_id FROM returns WHERE period IN (?, ?) AND state IN (?, ?)",
                           ["2026-09", "2026-08", "rejected", "conflict"])
    assert any("idx_returns_state_period" in plan for plan in plans), plans


CHECKS = {1: check_data_of_version_1, TRACKER_BOUND: check_data_of_tracker_bound,
          SEEN_QUESTIONS: check_data_of_seen_questions, OUTBOX_BY_RETURN: check_data_of_outbox_by_return,
          QUESTION_SETS: check_data_of_question_sets, RECORDS: check_data_of_records,
          RETURNS_BY_STATE: check_data_of_returns_by_state}


def test_every_migration_is_listed_with_its_data_and_checks():
    assert schema.SCHEMA_VERSION == len(schema.MIGRATIONS) >= 1
    assert set(DATA_AT_VERSION) == set(CHECKS) == set(range(1, schema.SCHEMA_VERSION + 1))


def test_a_database_of_the_previous_schema_opens_with_its_data(isolated_data_dir):
    isolated_data_dir.mkdir()
    previous = schema.SCHEMA_VERSION - 1  # 0 while there is one migration: an empty file
    build_database_at(isolated_data_dir / DB_FILENAME, previous)
    with open_store(isolated_data_dir) as store:
        assert schema.schema_version(store._db) == schema.SCHEMA_VERSION
        if previous:
            CHECKS[previous](store)
        else:
            assert store.locations() == []


@pytest.mark.parametrize("version", range(1, schema.SCHEMA_VERSION + 1))
def test_a_database_of_each_schema_opens_and_keeps_its_data(isolated_data_dir, version):
    isolated_data_dir.mkdir()
    build_database_at(isolated_data_dir / DB_FILENAME, version)
    with open_store(isolated_data_dir) as store:
        assert schema.schema_version(store._db) == schema.SCHEMA_VERSION
        CHECKS[version](store)
        # ... and it keeps working: an edit withdraws nothing sent, and is saved.
        store.set_value("1-202", Period(2026, 7), "people_supported", 121, "CD")
    with open_store(isolated_data_dir) as store:
        assert store.get_return("1-202", Period(2026, 7)).values["people_supported"] == 121
        assert len(store.outbox_items()) == 1  # it had been attempted: kept, to be delivered once


def test_an_empty_file_is_a_new_database(isolated_data_dir):
    isolated_data_dir.mkdir()
    (isolated_data_dir / DB_FILENAME).write_bytes(b"")
    with open_store(isolated_data_dir) as store:
        assert schema.schema_version(store._db) == schema.SCHEMA_VERSION


def test_a_migration_that_fails_leaves_the_file_at_the_version_before(isolated_data_dir, monkeypatch):
    isolated_data_dir.mkdir()
    path = isolated_data_dir / DB_FILENAME
    build_database_at(path, schema.SCHEMA_VERSION)

    def half_done(db):
        db["half_made"].create({"id": int}, pk="id")
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, half_done])
    connection = sqlite3.connect(path, isolation_level=None)
    with pytest.raises(RuntimeError):
        schema.migrate(sqlite_utils.Database(connection, execute_plugins=False), target=schema.SCHEMA_VERSION + 1)
    assert connection.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    assert connection.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half_made'").fetchone()[0] == 0
    connection.close()
