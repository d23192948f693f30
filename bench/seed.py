"""Data for the benchmarks, made through the store's public API as the app and the sync engine would.

The figures come from examples/care_home-2026-09.json, the largest form (33 answers), so that every
benchmark works on a return of realistic size. Everything goes into the folder the caller gives,
always a temporary one: the user's data folder is never opened.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ct_desktop.collection_window import WindowState, collection_window, now_london
from ct_desktop.forms.catalogue import form_for
from ct_desktop.models import Location
from ct_desktop.period import Period
from ct_desktop.settings import Settings, save_settings
from ct_desktop.store import Store

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "care_home-2026-09.json"
SERVICE_TYPE = "care_home"
BY = "AB"
COVID_ANSWERS = {"covid_vacc_direct": 20, "covid_vacc_agency": 1, "covid_vacc_residents": 30}


def full_care_home_values() -> dict[str, Any]:
    """Every answer of the example care home return, flu questions included, and the COVID-19 vaccination
    answers that a month of a vaccination campaign asks too."""
    return {**json.loads(EXAMPLE.read_text(encoding="utf-8"))["values"], **COVID_ANSWERS}


def care_home_values(period: Period) -> dict[str, Any]:
    """The example's answers to the questions ``period`` asks (flu questions only September to March)."""
    asked = {item.key for item in form_for(SERVICE_TYPE, period).asked_fields(period)}
    return {key: value for key, value in full_care_home_values().items() if key in asked}


def location_id(number: int) -> str:
    """A CQC-like location id, unique per number."""
    return f"1-{100000 + number}"


def care_home(number: int) -> Location:
    """The numbered bench care home."""
    return Location(id=location_id(number), name=f"Bench House {number:03d}", service_type=SERVICE_TYPE,
                    local_authority="Leeds", region="Yorkshire and The Humber")


def add_care_homes(store: Store, count: int) -> list[str]:
    """Add ``count`` care homes; their ids."""
    return [store.add_location(care_home(number)).id for number in range(1, count + 1)]


def accept(store: Store, location: str, period: Period, values: dict[str, Any], revision: int = 1) -> None:
    """Enter, submit, 'send' and record the tracker's acceptance, as the sync engine would after a 201."""
    store.set_values(location, period, values, BY)
    submission = store.submit(location, period, BY, confirm_warnings=True)
    store.begin_attempt(submission.item.submission_id)
    store.mark_accepted(submission.item.submission_id, revision, store.now(),
                        f"CT-{location}-{period}-r{revision}-BENCH000")


def seed_app_folder(folder: Path, store: Store, count: int) -> None:
    """A data folder as a care group would have it mid-month: the app opens straight on its main window.

    Each location has last month accepted; of this month a third are queued (complete drafts before the
    window opens on the 8th), a third are drafts half filled in, a third not started, so that the home view
    shows every kind of card.
    """
    save_settings(folder, Settings(person=BY, first_run_done=True))
    this_month = Period.of(now_london().date())
    last_month = this_month.previous()
    previous_values, current_values = care_home_values(last_month), care_home_values(this_month)
    half = dict(list(current_values.items())[: len(current_values) // 2])
    window_open = collection_window(this_month).state_at(store.now()) is not WindowState.NOT_YET_OPEN
    for number, location in enumerate(add_care_homes(store, count)):
        accept(store, location, last_month, previous_values)
        if number % 3 == 0:
            store.set_values(location, this_month, current_values, BY)
            if window_open:  # before the 8th a month cannot be queued: these stay complete drafts
                store.submit(location, this_month, BY, confirm_warnings=True)
        elif number % 3 == 1:
            store.set_values(location, this_month, half, BY)


def copy_accepted(path: Path, first: str, others: list[str], period: Period) -> None:
    """Give each of ``others`` a copy of ``first``'s accepted return of ``period`` (its return, answers and
    receipt rows), written in SQL in one transaction: through the store, 2,000 would take minutes."""
    import sqlite3
    import uuid

    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.row_factory = sqlite3.Row
        ret = dict(connection.execute("SELECT * FROM returns WHERE location_id = ? AND period = ?",
                                      [first, str(period)]).fetchone())
        answers = [dict(row) for row in connection.execute("SELECT * FROM field_values WHERE return_id = ?",
                                                           [ret["id"]])]
        receipt = dict(connection.execute("SELECT * FROM receipts WHERE location_id = ? AND period = ?",
                                          [first, str(period)]).fetchone())
        connection.execute("BEGIN")
        for other in others:
            cursor = insert_row(connection, "returns", dict(ret, id=None, location_id=other))
            for answer in answers:
                insert_row(connection, "field_values", dict(answer, return_id=cursor.lastrowid))
            insert_row(connection, "receipts", dict(receipt, id=None, location_id=other,
                                                 submission_id=str(uuid.uuid4())))
        connection.execute("COMMIT")
    finally:
        connection.close()


def insert_row(connection: Any, table: str, row: dict[str, Any]) -> Any:
    """Insert one row (column name to value) on a plain sqlite3 connection; the cursor."""
    return connection.execute(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                              list(row.values()))


def clone_locations(path: Path, templates: list[str], count: int) -> list[str]:
    """Add care homes until there are ``count``, each a copy of one of ``templates`` in turn (its location row,
    returns, answers, history, outbox items and receipts, under fresh ids), written in SQL in one
    transaction: through the store, 2,000 locations with their months would take minutes. Their ids."""
    import sqlite3
    import uuid

    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.row_factory = sqlite3.Row

        def rows(sql: str, params: list[Any]) -> list[dict[str, Any]]:
            return [dict(row) for row in connection.execute(sql, params)]

        kept = {template: (rows("SELECT * FROM locations WHERE id = ?", [template])[0],
                           rows("SELECT * FROM returns WHERE location_id = ?", [template]),
                           rows("SELECT * FROM receipts WHERE location_id = ?", [template]))
                for template in templates}
        made = []
        connection.execute("BEGIN")
        for number in range(len(templates) + 1, count + 1):
            template = templates[(number - 1) % len(templates)]
            location, returns, receipts = kept[template]
            other = care_home(number)
            insert_row(connection, "locations", dict(location, id=other.id, name=other.name))
            for ret in returns:
                submission = str(uuid.uuid4()) if ret["submission_id"] else None
                new_id = insert_row(connection, "returns", dict(ret, id=None, location_id=other.id,
                                                             submission_id=submission)).lastrowid
                for table in ("field_values", "history"):
                    for row in rows(f"SELECT * FROM {table} WHERE return_id = ?", [ret["id"]]):
                        insert_row(connection, table, dict(row, return_id=new_id, **({"id": None} if "id" in row
                                                                                  else {})))
                for item in rows("SELECT * FROM outbox WHERE return_id = ?", [ret["id"]]):
                    own = submission or str(uuid.uuid4())
                    insert_row(connection, "outbox", dict(item, id=None, return_id=new_id, submission_id=own,
                                                       payload=item["payload"].replace(item["submission_id"], own)))
            for receipt in receipts:
                insert_row(connection, "receipts", dict(receipt, id=None, location_id=other.id,
                                                     submission_id=str(uuid.uuid4())))
            made.append(other.id)
        connection.execute("COMMIT")
    finally:
        connection.close()
    return made
