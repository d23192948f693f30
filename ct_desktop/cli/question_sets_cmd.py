"""``ct-desktop question-sets [--json]``: every question set version here, where it came from, which is in force.

A version is built in (it came with this ct-desktop) or from the tracker (fetched by ``ct-desktop
sync``; the tracker's copy is used for a version both have).
"""

from __future__ import annotations

import argparse

from ct_desktop.cli.common import print_json
from ct_desktop.cli.store_session import opened_store, this_month
from ct_desktop.forms.catalogue import UnknownForm
from ct_desktop.forms.model import FormDefinition, count_text
from ct_desktop.period import Period
from ct_desktop.store import Store
from ct_desktop.store.codec import parse_time, short_moment

BUILT_IN = "built-in"
TRACKER = "tracker"


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    """Add the command to the parser."""
    parser = subparsers.add_parser(
        "question-sets",
        parents=[parent],
        help="list the question set versions, built in or from the tracker",
        description="List every version of every service type's question set: the month it takes effect, "
        "whether it is built in or was fetched from the tracker (by ct-desktop sync), the one in force this "
        "month, and how many returns here use it.",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the versions."""
    month = this_month()
    with opened_store(args) as store:
        rows = version_rows(store, month)
    if args.json:
        print_json(rows)
        return 0
    for service_type in dict.fromkeys(row["service_type"] for row in rows):
        print(service_type)
        for row in (r for r in rows if r["service_type"] == service_type):
            print(f"  {_line(row)}")
    return 0


def version_rows(store: Store, month: Period) -> list[dict]:
    """One JSON-ready entry per version, by service type and date."""
    fetched = {(q.service_type, q.version): q for q in store.question_sets()}
    use = store.question_set_use()
    catalogue = store.catalogue
    rows = []
    for form in catalogue.forms():
        try:
            in_force = catalogue.form_for(form.service_type, month).version == form.version
        except UnknownForm:
            in_force = False
        copy = fetched.get((form.service_type, form.version))
        from_tracker = copy is not None and copy.content_sha256 == form.content_sha256
        rows.append({
            "service_type": form.service_type, "version": form.version,
            "effective_from": form.effective_from.isoformat(), "effective_month": form.effective_from.strftime("%Y-%m"),
            "replaces": list(form.replaces), "content_sha256": form.content_sha256,
            "source": TRACKER if from_tracker else BUILT_IN,
            "tracker_url": copy.tracker_url if copy and from_tracker else None,
            "fetched_at": copy.fetched_at if copy and from_tracker else None,
            "in_force_now": in_force, "returns": _returns_using(form, use),
        })
    return rows


def _returns_using(form: FormDefinition, use: dict[tuple[str, str], int]) -> int:
    return sum(use.get((form.service_type, number), 0) for number in (form.version, *form.replaces))


def _line(row: dict) -> str:
    month = Period.parse(row["effective_month"]).label
    if row["source"] == TRACKER:
        fetched = parse_time(row["fetched_at"])
        source = f"from the tracker {row['tracker_url']}" + (f", fetched {short_moment(fetched)}" if fetched else "")
    else:
        source = "built in"
    parts = [f"{row['version']}  from {month}  {source}"]
    if row["in_force_now"]:
        parts.append("in force this month")
    if row["returns"]:
        parts.append(f"used by {count_text(row['returns'], 'return')}")
    return "; ".join(parts)
