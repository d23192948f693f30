"""``ct-desktop outbox [list | retry ID | dismiss ID] [--json]``: what waits to be sent, and what to do with
a submission that was set aside.

``list`` (the default) shows each submission with its number, location, month, state, attempts and the
tracker's last answer. ``retry ID`` sends a set-aside submission again with the next sync; ``dismiss ID``
takes it out of the outbox, and its return becomes a draft to edit and submit again (its history keeps
both). A submission still waiting to be sent is dismissed only with ``--waiting`` (so that a folder whose
returns wait for one tracker can be connected to another, say). Exit 0: done; 2: no such submission, it
is not set aside (without --waiting), or the data folder cannot be used.
"""

from __future__ import annotations

import argparse

from ct_desktop.cli.common import CliError, print_json
from ct_desktop.cli.store_session import add_by_option, opened_store, who_is_working
from ct_desktop.models import OutboxItem
from ct_desktop.safe_text import printable
from ct_desktop.settings import SettingsError, load_settings
from ct_desktop.store import Store, StoreError

ACTIONS = ("list", "retry", "dismiss")


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    """Add the command to the parser."""
    parser = subparsers.add_parser(
        "outbox",
        parents=[parent],
        help="list the returns waiting to be sent; retry or dismiss one that was set aside",
        description="list: every submission in the outbox with its number, location, month, state, attempts "
        "and the tracker's last answer. retry ID: send a set-aside submission again. dismiss ID: take a "
        "set-aside submission out of the outbox (with --waiting, one still waiting to be sent too); its return "
        "becomes a draft to edit and submit again. Exit 0: done; 2: no such submission, not set aside, or the "
        "data folder cannot be used.",
    )
    parser.add_argument("action", nargs="?", default="list", choices=ACTIONS, metavar="list|retry|dismiss",
                        help="what to do (default: list)")
    parser.add_argument("id", nargs="?", metavar="ID", help="the submission's number, as the list shows it")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--waiting", action="store_true",
                        help="dismiss: also a submission still waiting to be sent, which is then not sent (the "
                        "return stays saved, as a draft)")
    add_by_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """List the outbox, or retry or dismiss one set-aside submission."""
    if args.action == "list":
        if args.id is not None:
            raise CliError(f"'outbox list' takes no ID (given: {printable(args.id)}); to act on one: "
                           "ct-desktop outbox retry ID, or ct-desktop outbox dismiss ID")
        return _list(args)
    if args.id is None:
        raise CliError(f"give the submission's number: ct-desktop outbox {args.action} ID "
                       "(ct-desktop outbox list shows the numbers)")
    number = _number(args.id)
    by = who_is_working(args)
    with opened_store(args) as store:
        item = store.outbox_item(number)
        if item is None:
            raise CliError(f"no submission {number} in the outbox (ct-desktop outbox list shows what is there)")
        where = f"{printable(item.location_id)} {item.period.label}"
        if not item.set_aside_reason and (args.action == "retry" or not args.waiting):
            raise CliError(_not_set_aside(args.action, number, where, item.tracker_url))
        try:
            if args.action == "retry":
                kept = store.retry_set_aside(item.submission_id, by)
                said = f"Submission {number} ({where}) goes again with the next sync (ct-desktop sync)."
                result = kept.as_dict()
            else:
                draft = store.dismiss_set_aside(item.submission_id, by, even_if_waiting=args.waiting)
                said = (f"Submission {number} ({where}) dismissed: the return is a {draft.state} again; edit it "
                        f"with ct-desktop draft set {item.location_id} {item.period} KEY=VALUE ..., then submit it.")
                result = {"id": number, "location": item.location_id, "period": str(item.period),
                          "state": str(draft.state)}
        except StoreError as exc:
            raise CliError(f"submission {number} ({where}): {exc}") from exc
    if args.json:
        print_json(result)
    else:
        print(said)
    return 0


def _not_set_aside(action: str, number: int, where: str, tracker_url: str | None) -> str:
    to = f" to the tracker at {tracker_url}" if tracker_url else ""
    if action == "retry":
        return f"submission {number} ({where}) is not set aside: it is sent{to} with the next sync"
    return (f"submission {number} ({where}) is not set aside but waiting to be sent{to}; to take it out of the "
            f"outbox all the same, so that it is not sent (the return stays saved, as a draft): "
            f"ct-desktop outbox dismiss {number} --waiting")


def _number(text: str) -> int:
    try:
        number = int(text.strip())
    except ValueError:
        number = 0
    if number < 1:
        raise CliError(f"'{printable(text)}' is not a submission number: give the number ct-desktop outbox list "
                       "shows (1, 2, ...)")
    return number


def _list(args: argparse.Namespace) -> int:
    with opened_store(args) as store:
        items = store.outbox_items()
        current = _connected_tracker(store)
    rows = [_row(item, current) for item in items]
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print("The outbox is empty: nothing waits to be sent.")
        return 0
    for item, row in zip(items, rows, strict=True):
        print(f"{row['id']:>4}  {printable(row['location'])}  {item.period.label}  {row['state']}  "
              f"{row['attempts']} attempt{'s' if row['attempts'] != 1 else ''}  {row['last_answer']}")
    if any(item.set_aside_reason for item in items):
        print("Set aside: try again with ct-desktop outbox retry ID, or give it up with ct-desktop outbox "
              "dismiss ID (the return becomes a draft to edit and submit again).")
    return 0


def _connected_tracker(store: Store) -> str | None:
    try:
        return load_settings(store.path.parent).tracker_url
    except SettingsError:
        return None


def state_text(item: OutboxItem, current_tracker: str | None) -> str:
    """Where a submission is, in words: set aside, waiting for another tracker, or waiting to be sent."""
    if item.set_aside_reason:
        return "set aside"
    if item.tracker_url and current_tracker and item.tracker_url != current_tracker:
        return f"waiting for the tracker at {item.tracker_url} (not the one connected)"
    if item.attempts and item.next_attempt_at:
        return f"waiting, next try {item.next_attempt_at.astimezone().strftime('%d %b %H:%M')}"
    return "waiting to be sent"


def last_answer_text(item: OutboxItem) -> str:
    """The last thing that happened to it, in words."""
    if item.set_aside_reason:
        return item.set_aside_reason
    if item.last_error:
        return f"last try: {item.last_error}"
    return "not tried yet"


def _row(item: OutboxItem, current_tracker: str | None) -> dict:
    return {"id": item.outbox_id, "location": item.location_id, "period": str(item.period),
            "state": state_text(item, current_tracker), "attempts": item.attempts,
            "tracker_answers": item.tracker_answers, "last_answer": last_answer_text(item),
            "tracker_url": item.tracker_url or current_tracker, "submission_id": item.submission_id,
            "set_aside": bool(item.set_aside_reason)}
