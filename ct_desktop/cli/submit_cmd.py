"""``ct-desktop submit LOCATION YYYY-MM [--by NAME] [--confirm-warnings]``: validate, mark ready and queue.

Refused (exit 1, with the list) while the return has errors, or warnings that are not confirmed.
Queued work is sent when the network allows; the content is frozen until then.
"""

from __future__ import annotations

import argparse

from ct_desktop.cli.common import parse_period
from ct_desktop.cli.store_session import (
    add_by_option,
    add_return_arguments,
    opened_store,
    report_refusal,
    who_is_working,
)
from ct_desktop.forms.findings import warnings
from ct_desktop.forms.model import count_text
from ct_desktop.store import LifecycleError, lifecycle


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    """Add the command to the parser."""
    parser = subparsers.add_parser(
        "submit",
        parents=[parent],
        help="check a month's return and put it in the outbox to send",
        description="Check the return against the month's form and queue it to send. Exit 0: queued; "
        "1: refused (the errors, or warnings to confirm, are listed); 2: bad input or unreadable data.",
    )
    add_return_arguments(parser)
    parser.add_argument("--confirm-warnings", action="store_true",
                        help="send even though there are warnings: you have looked and the figures are right")
    add_by_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Queue the return, or list why not."""
    period = parse_period(args.period)
    by = who_is_working(args)
    with opened_store(args) as store:
        location = store.location(args.location)
        try:
            submission = store.submit(location.id, period, by, confirm_warnings=args.confirm_warnings)
        except LifecycleError as exc:
            return report_refusal(exc, hint(exc, location.id, str(period)))
    confirmed = warnings(submission.findings)
    print(f"Queued {location.name} ({location.id}), {period.label}, to send, reviewed by {by}.")
    if confirmed:
        print(f"With {count_text(len(confirmed), 'warning')} confirmed.")
    print("It is sent when the network allows (ct-desktop sync); editing it before then takes it back out.")
    return 0


def hint(exc: LifecycleError, location_id: str, period: str) -> str:
    """The next step to suggest after a refusal."""
    return {
        lifecycle.NOT_STARTED: f"enter the values with: ct-desktop draft set {location_id} {period} KEY=VALUE ...",
        lifecycle.HAS_ERRORS: f"fix them with ct-desktop draft set {location_id} {period} KEY=VALUE ..., "
                              "then submit again",
        lifecycle.UNCONFIRMED_WARNINGS: f"if the figures are right: ct-desktop submit {location_id} {period} "
                                        "--confirm-warnings",
        lifecycle.ALREADY_QUEUED: "see where it is with: ct-desktop status",
        lifecycle.QUESTIONS_CHANGED: f"see what changed with: ct-desktop draft show {location_id} {period}, then "
                                     f"ct-desktop draft acknowledge {location_id} {period}",
    }.get(exc.reason, "")
