"""``ct-desktop evidence LOCATION YYYY-MM --pdf FILE [--json]``: the evidence of a month on one PDF page.

The figures as sent, the tracker's receipt and accepted time, the content hash, who reviewed it and
when, and every attempt to send it. Qt (which draws the PDF) is loaded only by this command.
"""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path

from ct_desktop.cli.common import CliError, parse_period, print_json
from ct_desktop.cli.store_session import add_return_arguments, opened_store
from ct_desktop.collection_window import now_london
from ct_desktop.evidence import MonthEvidence, gather_evidence


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    """Add the command to the parser."""
    parser = subparsers.add_parser(
        "evidence",
        parents=[parent],
        help="the evidence of a month on one PDF page: figures as sent, receipt, hash, reviewer, send attempts",
        description="Write the evidence of one location's month: the figures as sent (in the question set's "
        "order), the tracker's receipt and accepted time, the SHA-256 of what was sent, who reviewed it and "
        "when, and the log of every attempt to send it (with --json, the same as JSON on standard output).",
    )
    add_return_arguments(parser)
    parser.add_argument("--pdf", metavar="FILE", help="the PDF file to write")
    parser.add_argument("--json", action="store_true", help="print the evidence as JSON")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Gather the evidence and write the PDF (or print JSON)."""
    if not args.pdf and not args.json:
        raise CliError("say where to write it: --pdf FILE (or --json to print it)")
    period = parse_period(args.period)
    moment = now_london()
    with opened_store(args) as store:
        evidence = gather_evidence(store, store.location(args.location).id, period, moment)
    if args.json:
        print_json(evidence.as_dict())
    if args.pdf:
        path = Path(args.pdf).expanduser()
        if not path.parent.is_dir():
            raise CliError(f"the folder {path.parent} does not exist: create it or choose another file")
        _write_pdf(evidence, path)
        if not args.json:
            print(f"Wrote the evidence of {evidence.location.name} ({evidence.location.id}), {period.label}, "
                  f"to {path}")
    return 0


def _write_pdf(evidence: MonthEvidence, path: Path) -> None:
    pdf = importlib.import_module("ct_desktop.ui.evidence_pdf")  # Qt is loaded only here
    try:
        pdf.write_evidence_pdf_anywhere(evidence, path)
    except pdf.EvidenceNotWritten as exc:
        raise CliError(str(exc)) from exc
