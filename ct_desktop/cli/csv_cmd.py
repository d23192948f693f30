"""``ct-desktop export-csv FILE`` and ``ct-desktop import-csv FILE``: the bulk template for spreadsheets.

One row per location and month, one column per field key. The import checks every row first and
saves nothing while any row has a problem, unless told to import the rows that have none. The bulk_csv
package is imported when one of the commands runs, not when the parser is built.
"""

from __future__ import annotations

import argparse
import sys

from ct_desktop.cli.common import EXIT_BAD_INPUT, EXIT_FINDINGS, CliError, is_reader_gone, parse_period
from ct_desktop.cli.store_session import add_by_option, opened_store, this_month, who_is_working
from ct_desktop.forms.model import count_text


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    """Add export-csv and import-csv to the parser."""
    export = subparsers.add_parser(
        "export-csv",
        parents=[parent],
        help="write returns to a CSV file for a spreadsheet: one row per location and month",
        description="Write the saved returns of a month (default: this month) to a CSV file, one row per "
        "location and month and one column per question. --template writes a row for every location with "
        "empty answers, to fill in. '?' means not known. FILE '-' writes to standard output.",
    )
    export.add_argument("file", metavar="FILE", help="the CSV file to write ('-' for standard output)")
    export.add_argument("--period", metavar="YYYY-MM", action="append", default=[],
                        help="a month to export (repeat for more; default: this month)")
    export.add_argument("--location", metavar="ID", action="append", default=[],
                        help="only this location (repeat for more; default: every location)")
    export.add_argument("--template", action="store_true",
                        help="a row for every location and month, answers empty, ready to fill in")
    export.add_argument("--delimiter", metavar="SEP", default=",", help="',' (default) or ';'")
    export.set_defaults(run=run_export)

    load = subparsers.add_parser(
        "import-csv",
        parents=[parent],
        help="read answers from a CSV file made with export-csv; every row is checked first",
        description="Save the answers of a CSV file (one row per location and month, columns as export-csv "
        "writes them). Every row and cell is checked first and every problem listed with its row and column; "
        "if there is any, nothing is saved (exit 1) unless --valid-rows-only. '?' means not known, an empty "
        "cell leaves the saved answer as it is, '-' clears it. Exit 0: every row imported; 1: problems "
        "(nothing saved, or with --valid-rows-only the rows with problems skipped); 2: unreadable file or data.",
    )
    load.add_argument("file", metavar="FILE", help="the CSV file to read ('-' for standard input)")
    add_by_option(load)
    load.add_argument("--valid-rows-only", action="store_true",
                      help="import the rows that have no problem and skip the others")
    load.add_argument("--blank-clears", action="store_true",
                      help="an empty cell clears the saved answer (default: it leaves it as it is)")
    load.add_argument("--dry-run", action="store_true", help="check the file and say what would change; save nothing")
    load.add_argument("--delimiter", metavar="SEP", help="',' or ';' (default: read from the header row)")
    load.set_defaults(run=run_import)


def run_export(args: argparse.Namespace) -> int:
    """Write the CSV and say what it holds."""
    from ct_desktop.bulk_csv import csv_text, export_table, write_text
    from ct_desktop.cli import csv_report

    periods = [parse_period(text) for text in args.period] or [this_month()]
    delimiter = _delimiter(args.delimiter) or ","  # export has no "detect": --delimiter defaults to ','
    with opened_store(args) as store:
        table = export_table(store, periods, args.location, template=args.template)
    try:
        write_text(args.file, csv_text(table.header, table.rows, delimiter))
    except OSError as exc:
        if is_reader_gone(exc):
            raise  # the reader went away (| head): main() stops quietly
        if isinstance(exc, PermissionError):
            # On Windows a file open in Excel cannot be replaced; that is the usual reason.
            raise CliError(f"cannot write {args.file}: {exc.strerror or exc} (is it open in a spreadsheet? close "
                           "it and export again)") from exc
        where = "the CSV to standard output" if args.file == "-" else args.file
        kept = "; what was written is incomplete" if args.file == "-" else " (an older file there is left as it was)"
        raise CliError(f"cannot write {where}: {exc.strerror or exc}{kept}") from exc
    if args.file != "-":
        print(csv_report.export_summary(table, args.file, args.template))
    return 0


def run_import(args: argparse.Namespace) -> int:
    """Check the file, then save it (or the rows without problems), and report row by row."""
    from ct_desktop.bulk_csv import CsvUnreadable, check_table, import_checked, read_source, read_table
    from ct_desktop.cli import csv_report

    by = None if args.dry_run else who_is_working(args)
    try:
        table = read_table(args.file, read_source(args.file), _delimiter(args.delimiter))
    except CsvUnreadable as exc:
        raise CliError(str(exc), EXIT_BAD_INPUT) from exc
    with opened_store(args) as store:
        plan = check_table(store, table, blank_clears=args.blank_clears)
        for problem in plan.problems:
            print(f"ct-desktop: {problem.line()}", file=sys.stderr)
        refusal = csv_report.refusal(plan, args.valid_rows_only)
        if args.dry_run:
            print(csv_report.dry_run(plan, args.file))
            return EXIT_FINDINGS if plan.problems else 0
        if refusal:
            raise CliError(refusal, EXIT_FINDINGS)
        assert by is not None
        outcome = import_checked(store, plan, by, valid_rows_only=args.valid_rows_only)
    print(csv_report.imported(plan, outcome, args.file, by))
    if outcome.failed is not None:
        done = count_text(len(outcome.results), "row")
        raise CliError(f"row {outcome.failed.row} was not saved: {outcome.error}; {done} before it stay saved"
                       + csv_report.rows_phrase(outcome.not_tried, "; rows not tried: "), EXIT_BAD_INPUT)
    return EXIT_FINDINGS if plan.skipped else 0


def _delimiter(text: str | None) -> str | None:
    from ct_desktop.bulk_csv import CsvUnreadable, delimiter_from_option

    try:
        return delimiter_from_option(text)
    except CsvUnreadable as exc:
        raise CliError(str(exc)) from exc
