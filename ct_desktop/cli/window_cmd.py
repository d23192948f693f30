"""``ct-desktop window YYYY-MM [--json]``: when a month's collection window opens and when it is due."""

from __future__ import annotations

import argparse
import datetime as dt

from ct_desktop.cli.common import parse_period, print_json
from ct_desktop.collection_window import (
    CollectionWindow,
    collection_window,
    covid_campaign_text,
    now_london,
    status_text,
)
from ct_desktop.forms.catalogue import default_seasons
from ct_desktop.period import describe_day


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    """Add the command to the parser."""
    parser = subparsers.add_parser(
        "window",
        parents=[parent],
        help="when a month's return opens and is due, and whether flu and COVID-19 questions apply",
        description="Show the collection window of a month: opening date, due date (after weekends and "
        "England & Wales bank holidays, Europe/London time), whether flu questions are asked, which "
        "COVID-19 vaccination campaign covers the month (if any), and where today stands.",
    )
    parser.add_argument("period", metavar="YYYY-MM", help="the month, e.g. 2026-09")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the window; always exit 0 for a valid month."""
    window = collection_window(parse_period(args.period))
    moment = now_london()
    if args.json:
        print_json(window.as_dict(moment))
    else:
        print(describe(window, moment))
    return 0


def describe(window: CollectionWindow, moment: dt.datetime) -> str:
    """The window in a few lines a manager can read."""
    flu = default_seasons()["flu"]
    lines = [
        f"Collection window for {window.period.label}",
        f"  Opens:   {describe_day(window.opens)}",
        f"  Due by:  end of {describe_day(window.due)} (Europe/London time)",
    ]
    reasons = window.due_moved_because
    if reasons:
        lines.append("           moved from the 14th: " + "; ".join(reasons))
    asked = "asked" if window.flu_season else "not asked"
    lines.append(f"  Flu questions: {asked} (flu season runs {flu.describe()})")
    lines.append(f"  COVID-19 questions: {covid_campaign_text(window)}")
    lines.append(f"  Now:     {status_text(window, moment)}")
    return "\n".join(lines)
