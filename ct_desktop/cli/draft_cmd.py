"""``ct-desktop draft set LOCATION YYYY-MM KEY=VALUE ... [--by NAME]`` and ``ct-desktop draft show ... [--json]``.

``draft set`` reads every KEY=VALUE first: if any is wrong, none is saved. VALUE ``?`` means "not
known / not applicable"; nothing after ``=`` clears the answer. Each run is one saved edit, recorded
with who made it, so the manager on the next shift sees where the last one stopped.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from typing import Any

from ct_desktop.cli.common import EXIT_BAD_INPUT, CliError, parse_period, print_json
from ct_desktop.cli.draft_view import ShownReturn, describe_draft, describe_for_typing, draft_json, shown_or_blank
from ct_desktop.cli.store_session import add_by_option, add_return_arguments, opened_store, who_is_working
from ct_desktop.collection_window import unsendable_period_problem
from ct_desktop.forms.findings import errors, warnings
from ct_desktop.forms.model import FormDefinition, ValueProblem, count_text
from ct_desktop.models import NOT_KNOWN


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    """Add the command to the parser."""
    parser = subparsers.add_parser(
        "draft",
        parents=[parent],
        help="enter values of a month's return, or show it with its history",
        description="Work on the return of one location for one month. Every change is saved at once.",
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)
    put = actions.add_parser(
        "set",
        parents=[parent],
        help="save answers: KEY=VALUE ... (? for not known, nothing after = to clear)",
        description="Save answers to the return. VALUE '?' means not known / not applicable; 'KEY=' clears "
        "the answer. All are checked first: if one is wrong, nothing is saved. Editing a queued return "
        "takes it back out of the outbox if it was not sent yet.",
    )
    add_return_arguments(put)
    put.add_argument("assignments", metavar="KEY=VALUE", nargs="+", help="e.g. beds_occupied=35")
    add_by_option(put)
    put.set_defaults(run=run_set)
    show = actions.add_parser(
        "show",
        parents=[parent],
        help="show a return: answers, errors and warnings, and who changed what and when",
        description="Show the return of a location for a month: each answer by section, the errors and "
        "warnings, and its history (who changed what and when, newest last).",
    )
    add_return_arguments(show)
    show.add_argument("--json", action="store_true", help="print JSON instead of text")
    show.add_argument("--print", action="store_true", dest="for_typing",
                      help="only the answers, in the tracker's order with its labels, to type into its web page")
    show.set_defaults(run=run_show)
    seen = actions.add_parser(
        "acknowledge",
        parents=[parent],
        help="say you have seen how the month's question set changed since the return was started",
        description="The question set of the month was corrected after the return was started: draft show "
        "lists what is no longer asked (the answers are kept, not sent) and what is new. This records, in the "
        "history, that you have seen it; the return can then be sent.",
    )
    add_return_arguments(seen)
    add_by_option(seen)
    seen.set_defaults(run=run_acknowledge)


def run_set(args: argparse.Namespace) -> int:
    """Parse every assignment, save them in one go and say what was saved and what is left to fix."""
    period = parse_period(args.period)
    by = who_is_working(args)
    with opened_store(args) as store:
        location = store.location(args.location)
        # A draft for a month that cannot be sent is a mistyped month (2099-01): refused, not kept.
        problem = unsendable_period_problem(period, store.now())
        if problem:
            raise CliError(f"nothing was saved: {problem}", EXIT_BAD_INPUT)
        form = store.form_for(location, period)
        changes = parse_assignments(form, args.assignments)
        result = store.set_values(location.id, period, changes, by)
        findings = store.findings(location.id, period)
    if result.changes:
        print(f"Saved for {location.name} ({location.id}), {period.label}, by {by}:")
        for change in result.changes:
            print(f"  {change.key}: {shown_or_blank(change.old)} -> {shown_or_blank(change.new)}")
    else:
        print(f"Nothing changed for {location.name} ({location.id}), {period.label}: those answers were already saved.")
    if result.notice:
        print(f"Note: {result.notice}")
    print(f"Now: {count_text(len(errors(findings)), 'error')}, {count_text(len(warnings(findings)), 'warning')} "
          f"(ct-desktop draft show {location.id} {period})")
    return 0


def run_show(args: argparse.Namespace) -> int:
    """Print the return, its findings and its history."""
    period = parse_period(args.period)
    with opened_store(args) as store:
        location = store.location(args.location)
        shown = ShownReturn(
            location=location,
            form=store.form_for(location, period),
            period=period,
            draft=store.get_return(location.id, period),
            findings=store.findings(location.id, period),
            history=store.history(location.id, period),
            queued=[item for item in store.outbox_items(location.id) if item.period == period],
            change=store.question_set_change(location.id, period),
        )
    if args.json:
        print_json(draft_json(shown))
    elif args.for_typing:
        print(describe_for_typing(shown))
    else:
        print(describe_draft(shown))
    return 0


def run_acknowledge(args: argparse.Namespace) -> int:
    """Record that the person has seen the correction, and say what it was."""
    period = parse_period(args.period)
    by = who_is_working(args)
    with opened_store(args) as store:
        location = store.location(args.location)
        change = store.acknowledge_question_set(location.id, period, by)
    if change is None:
        print(f"Nothing to acknowledge for {location.name} ({location.id}), {period.label}: its question set has "
              "not changed since the return was started.")
        return 0
    print(f"Acknowledged by {by} for {location.name} ({location.id}), {period.label}: question set "
          f"{change.versions_text()}.")
    for kept in change.kept_answers:
        print(f"  Kept, not sent: {kept.label} ({kept.key}) = {kept.shown}")
    for key, label in change.new_questions:
        print(f"  New: {label} ({key})")
    return 0


def parse_assignments(form: FormDefinition, texts: list[str]) -> dict[str, Any]:
    """KEY=VALUE texts as answers; if any is wrong, print each problem and refuse them all (exit 2)."""
    answers: dict[str, Any] = {}
    problems = []
    for text in texts:
        key, sep, raw = text.partition("=")
        key = key.strip()
        if not sep or not key:
            problems.append(f"'{text}' is not KEY=VALUE: write e.g. beds_occupied=35 (? for not known, "
                            "nothing after = to clear)")
        elif not form.has_field(key):
            problems.append(unknown_key(form, key))
        elif key in answers:
            problems.append(f"{key} is given twice: give each question once")
        elif raw.strip() == "?":
            answers[key] = NOT_KNOWN
        else:
            try:
                answers[key] = form.field(key).parse_text(raw)
            except ValueProblem as exc:
                problems.append(str(exc))
    if problems:
        for problem in problems:
            print(f"ct-desktop: {problem}", file=sys.stderr)
        raise CliError(f"nothing was saved: {count_text(len(problems), 'value')} refused", EXIT_BAD_INPUT)
    return answers


def unknown_key(form: FormDefinition, key: str) -> str:
    """'no question X in the care home return', with the closest key as a suggestion."""
    line = f"'{key}' is not a question of the {form.service_type} return"
    close = difflib.get_close_matches(key, [item.key for item in form.fields], n=1)
    return f"{line}: did you mean {close[0]}?" if close else f"{line} (see ct-desktop draft show for the keys)"
