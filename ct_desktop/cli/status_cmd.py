"""``ct-desktop status [--json]``: per location, this month's return, its due date and the outbox.

While the window is open, a location whose month is not yet accepted inside it is "at risk": the text
says so first, with how long is left and what to do (``ct_desktop.compliance`` decides).
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from ct_desktop.cli.common import print_json
from ct_desktop.cli.store_session import opened_store
from ct_desktop.collection_window import CollectionWindow, collection_window, now_london, status_text
from ct_desktop.compliance import deadline_status
from ct_desktop.forms.model import count_text
from ct_desktop.period import Period, describe_day
from ct_desktop.settings import SettingsError, load_settings
from ct_desktop.store import Store
from ct_desktop.store.overview import LocationMonth

NOT_STARTED = "not_started"


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    """Add the command to the parser."""
    parser = subparsers.add_parser(
        "status",
        parents=[parent],
        help="this month's return of every location, its due date, and what waits in the outbox",
        description="For each location: the state of this month's return (or 'not started'), its due date "
        "and days left, the last accepted month, and how many submissions wait in the outbox.",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the status of every location."""
    moment = now_london()
    period = Period.of(moment.date())
    window = collection_window(period)
    with opened_store(args) as store:
        rows = status_rows(store, period, window.due, window.days_left(moment), window=window, moment=moment)
        connected = _connected(store)
    queued = sum(row["outbox"] for row in rows)
    if args.json:
        print_json({"period": str(period), "window": window.as_dict(moment), "locations": rows, "outbox": queued})
        return 0
    print(f"{period.label}: due by the end of {describe_day(window.due)}; {status_text(window, moment)}")
    if not rows:
        print("No locations yet. Add one with: ct-desktop locations add ID --name NAME --service-type care_home")
    for row in rows:
        print(f"  {row['id']}  {row['name']} ({row['service_type']}): {_state_words(row)}; "
              f"last accepted: {_month_words(row['last_accepted'])}; {_queue_words(row)}")
        if row["at_risk"]:
            print(f"    {'URGENT: ' if row['urgent'] else ''}{row['warning']}")
            print(f"    {what_to_do(row, str(period), connected)}")
    print(f"Outbox: {count_text(queued, 'submission')} waiting to be sent" if queued else "Outbox: empty")
    return 0


def status_rows(store: Store, period: Period, due: dt.date, days_left: int | None, *,
                window: CollectionWindow | None = None, moment: dt.datetime | None = None) -> list[dict[str, Any]]:
    """One JSON-ready row per location for the month (the due date is the same for all: the window's).

    With the window and a moment, each row also says whether the month counts for the window yet
    (``counts_for_window``), whether it is at risk (``at_risk``, ``urgent``) and the warning in words.
    """
    lines = store.month_overview(period)
    rows = []
    for location in store.locations():
        # A location added by another process since the overview was read: nothing of it yet.
        line = lines.get(location.id) or LocationMonth.nothing_yet(location.id)
        rows.append({
            "id": location.id,
            "name": location.name,
            "service_type": location.service_type,
            "state": str(line.state) if line.state else NOT_STARTED,
            "due": due.isoformat(),
            "days_left": days_left,
            "updated_at": _iso(line.updated_at),
            "last_accepted": str(line.last_accepted) if line.last_accepted else None,
            "last_accepted_revision": line.last_accepted_revision,
            "outbox": line.outbox,
            "set_aside": line.set_aside,
            "last_error": line.last_error,
        })
        if window is not None and moment is not None:
            status = deadline_status(window, str(line.state) if line.state else None, line.accepted_at, moment)
            rows[-1].update({"counts_for_window": status.counts_for_window, "at_risk": status.at_risk,
                             "urgent": status.urgent, "warning": status.words})
    return rows


def what_to_do(row: dict[str, Any], period: str, connected: bool) -> str:
    """The next step for a location at risk, as commands."""
    where = f"{row['id']} {period}"
    paper = f"if the tracker cannot be reached in time, type it into the tracker's web page from: " \
            f"ct-desktop draft show {where} --print"
    if row["state"] == "queued":
        send = "send it now: ct-desktop sync" if connected else \
            "connect to the tracker (ct-desktop connect --url URL), then: ct-desktop sync"
        return f"{send}; {paper}"
    if row["state"] == NOT_STARTED:
        return f"fill it in (ct-desktop draft set {where} KEY=VALUE ...) and submit it, or if nothing " \
               f"changed: ct-desktop no-changes {where}"
    return f"finish it (ct-desktop draft show {where}) and submit it: ct-desktop submit {where}"


def _connected(store: Store) -> bool:
    try:
        return bool(load_settings(store.path.parent).tracker_url)
    except SettingsError:
        return False


def _state_words(row: dict[str, Any]) -> str:
    return "not started" if row["state"] == NOT_STARTED else row["state"]


def _month_words(period: str | None) -> str:
    return Period.parse(period).label if period else "none"


def _queue_words(row: dict[str, Any]) -> str:
    words = f"outbox: {row['outbox']}"
    if row["set_aside"]:
        words += f" ({row['set_aside']} set aside)"
    if row["last_error"]:
        words += f", last error: {row['last_error']}"
    return words


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None
