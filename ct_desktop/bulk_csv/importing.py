"""Saving the rows of a checked file: one transaction per row, recorded with who imported it."""

from __future__ import annotations

from dataclasses import dataclass

from ct_desktop.bulk_csv.check import ImportPlan, RowPlan
from ct_desktop.forms.findings import Finding
from ct_desktop.models import FieldChange
from ct_desktop.store import Store, StoreError


class ImportRefused(Exception):
    """The file has problems and the import was not told to skip their rows; nothing was saved."""


@dataclass(frozen=True)
class RowResult:
    """One imported row: the answers it changed, what that did to the lifecycle, and the findings now."""

    plan: RowPlan
    changes: tuple[FieldChange, ...]
    notice: str | None
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class ImportOutcome:
    """What an import saved. ``failed`` is the row the store refused (``error`` says why); the rows
    after it were not tried, and the rows before it stay saved (each row is its own transaction)."""

    results: tuple[RowResult, ...]
    failed: RowPlan | None = None
    error: str | None = None
    not_tried: tuple[int, ...] = ()


def import_checked(store: Store, plan: ImportPlan, by: str, valid_rows_only: bool = False) -> ImportOutcome:
    """Save the rows of a checked file, in file order, each with store.set_values (history: ``by``).

    Refused (ImportRefused, nothing saved) when the header has a problem (a column whose meaning is
    unclear makes every row doubtful), or when any row has one and ``valid_rows_only`` is not set.
    Saving an answer to a queued or accepted month follows the store's lifecycle: a queued return
    not yet sent leaves the outbox, an accepted one is kept and a new revision starts as a draft.
    """
    if plan.header_problems:
        raise ImportRefused("the header row has problems, so no row can be trusted")
    if plan.problems and not valid_rows_only:
        raise ImportRefused("the file has problems")
    results: list[RowResult] = []
    for position, row in enumerate(plan.rows):
        try:
            edit = store.set_values(row.location.id, row.period, row.answers, by)
            findings = store.findings(row.location.id, row.period)
        except StoreError as exc:
            later = tuple(other.row for other in plan.rows[position + 1:])
            return ImportOutcome(tuple(results), failed=row, error=str(exc), not_tried=later)
        results.append(RowResult(row, edit.changes, edit.notice, tuple(findings)))
    return ImportOutcome(tuple(results))
