"""What export-csv and import-csv print: summaries, refusals, and the import report row by row."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from ct_desktop.bulk_csv import Export, ImportOutcome, ImportPlan, RowPlan
from ct_desktop.bulk_csv.layout import column_letter
from ct_desktop.forms.findings import Finding, errors, warnings
from ct_desktop.forms.model import count_text
from ct_desktop.forms.validate import REQUIRED
from ct_desktop.models import ReturnState

_AFTER_IMPORT = ("Errors and warnings do not stop an import (a draft may be finished later); fix them before "
                 "submitting: ct-desktop draft show LOCATION YYYY-MM, then ct-desktop submit.")


def export_summary(table: Export, name: str, template: bool) -> str:
    """One line: how many rows went where, or why there are none."""
    months = ", ".join(period.label for period in table.periods)
    if table.rows:
        return f"Wrote {count_text(len(table.rows), 'template row' if template else 'row')} ({months}) to {name}"
    if not table.locations:
        return (f"Wrote only the header to {name}: no locations yet (ct-desktop locations add ID --name NAME "
                "--service-type care_home)")
    return (f"Wrote only the header to {name}: no return is saved for {months}; --template writes a row per "
            "location to fill in")


def refusal(plan: ImportPlan, valid_rows_only: bool) -> str | None:
    """Why nothing will be imported (one line), or None when the import may go ahead."""
    if plan.header_problems:
        return (f"nothing was imported: row 1 (the header) has {count_text(len(plan.header_problems), 'problem')}; "
                "while a column is in doubt no row is imported, even with --valid-rows-only")
    if not plan.problems:
        return None
    if not valid_rows_only:
        found = f"{count_text(len(plan.problems), 'problem')} in {count_text(len(plan.skipped), 'row')}"
        valid = count_text(len(plan.rows), "valid row")
        alone = f", or import the {valid} alone with --valid-rows-only" if plan.rows else ""
        return f"nothing was imported: {found}; fix them and import again{alone}"
    if not plan.rows:
        return "nothing was imported: every row has problems"
    return None


def dry_run(plan: ImportPlan, name: str) -> str:
    """What importing the file would do, row by row; nothing was saved."""
    skipped = f"; {count_text(len(plan.skipped), 'row')} with problems (listed above)" if plan.skipped else ""
    lines = [f"Checked {name}, nothing saved (--dry-run): {count_text(len(plan.rows), 'row')} can be imported{skipped}"]
    for row in plan.rows:
        change = f"would save {count_text(len(row.changed), 'answer')}" if row.changed else "nothing would change"
        lines.append(f"  {_row_title(row)}: {change}; then {_counts(row.findings)}")
        if row.changed and row.state in (ReturnState.QUEUED, ReturnState.ACCEPTED):
            lines.append(f"    note: {_lifecycle_note(row)}")
        lines += finding_lines(row.row, row.findings, plan.columns)
    return "\n".join(lines)


def imported(plan: ImportPlan, outcome: ImportOutcome, name: str, by: str) -> str:
    """The report of an import: each saved row with what changed, lifecycle notes and findings."""
    lines = [f"Imported {name} by {by}:"]
    for result in outcome.results:
        saved = (f"{count_text(len(result.changes), 'answer')} saved" if result.changes
                 else "already saved, nothing changed")
        lines.append(f"  {_row_title(result.plan)}: {saved}; now {_counts(result.findings)}")
        if result.notice:
            lines.append(f"    note: {result.notice}")
        lines += finding_lines(result.plan.row, result.findings, plan.columns)
    answers = sum(len(result.changes) for result in outcome.results)
    unchanged = sum(1 for result in outcome.results if not result.changes)
    same = f", {count_text(unchanged, 'row')} already up to date" if unchanged else ""
    lines.append(f"Imported {count_text(len(outcome.results), 'row')}: {count_text(answers, 'answer')} saved{same}.")
    if any(result.findings for result in outcome.results):
        lines.append(_AFTER_IMPORT)
    if plan.skipped:
        lines.append(f"Skipped {count_text(len(plan.skipped), 'row')} with problems (listed above):"
                     f"{rows_phrase(plan.skipped, ' ')}")
    return "\n".join(lines)


def finding_lines(row: int, findings: Iterable[Finding], columns: Mapping[str, int]) -> list[str]:
    """A row's findings, one line each naming row and column; unanswered questions as one line."""
    lines = []
    unanswered = []
    for finding in findings:
        if finding.code == REQUIRED:
            unanswered.append(finding.field)
            continue
        where = f"column {finding.field}"
        if finding.field in columns:
            where += f" ({column_letter(columns[finding.field])})"
        lines.append(f"    row {row}, {where}: {finding.severity}: {finding.message} [{finding.code}]")
    if unanswered:
        lines.append(f"    row {row}: {count_text(len(unanswered), 'question')} not answered yet: "
                     f"{', '.join(unanswered)} (give a value, or ? for not known) [{REQUIRED}]")
    return lines


def rows_phrase(rows: Sequence[int], before: str) -> str:
    """' 4, 7' after ``before``, or nothing when there are no rows."""
    return f"{before}{', '.join(str(row) for row in rows)}" if rows else ""


def _row_title(row: RowPlan) -> str:
    return f"row {row.row}: {row.location.name} ({row.location.id}), {row.period.label}"


def _counts(findings: Sequence[Finding]) -> str:
    return f"{count_text(len(errors(findings)), 'error')}, {count_text(len(warnings(findings)), 'warning')}"


def _lifecycle_note(row: RowPlan) -> str:
    if row.state is ReturnState.QUEUED:
        return ("it is queued: saving takes it back out of the outbox if it has not been sent yet, or else "
                "starts a new revision")
    return f"{row.period.label} was accepted: that revision is kept as it is and saving starts a new one"
