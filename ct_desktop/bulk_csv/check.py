"""Checking a bulk CSV before anything is saved: the header, then every row and every cell.

Every problem is collected, each with the row and column a spreadsheet shows (the header is row 1),
so that one run lists everything to fix. Rows with no problem become RowPlans: the answers to save,
which of them change what is saved, and the findings of the return as it would be afterwards.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ct_desktop.bulk_csv.cells import parse_period_cell, same_name
from ct_desktop.bulk_csv.files import CsvTable
from ct_desktop.bulk_csv.layout import (
    CLEAR_CELL,
    LOCATION_ID,
    LOCATION_NAME,
    NOT_KNOWN_CELL,
    PERIOD,
    REQUIRED_COLUMNS,
    ROW_COLUMNS,
    SERVICE_TYPE,
    column_letter,
    unprotected,
)
from ct_desktop.collection_window import unsendable_period_problem
from ct_desktop.forms.catalogue import FormCatalogue
from ct_desktop.forms.findings import Finding, PreviousReturn
from ct_desktop.forms.model import Field, FormDefinition, ValueProblem, count_text
from ct_desktop.forms.validate import validate
from ct_desktop.location_id import location_id_problem
from ct_desktop.models import NOT_KNOWN, Location, ReturnDraft, ReturnState, same_answer
from ct_desktop.period import Period, PeriodError
from ct_desktop.store import Store, StoreError


@dataclass(frozen=True)
class Problem:
    """Something in the file that stops a row (or, in row 1, the whole file) being imported."""

    row: int
    column: str | None
    index: int | None
    message: str

    def line(self) -> str:
        """'row 4, column beds_occupied (F): message', as one line."""
        where = f"row {self.row}"
        if self.index is not None:
            where += f", column {self.column or '(no name)'} ({column_letter(self.index)})"
        elif self.column:
            where += f", column {self.column}"
        return "".join(ch if ch.isprintable() else " " for ch in f"{where}: {self.message}")


@dataclass(frozen=True)
class RowPlan:
    """A row with no problem: what importing it saves, and what the return would then look like.

    ``answers`` maps field keys to a value, NOT_KNOWN, or None (clear); ``changed`` lists those that
    differ from what is saved; ``state`` is the return's state before the import (None: not started);
    ``findings`` are validate()'s errors and warnings for the return as it would be after the import.
    """

    row: int
    location: Location
    period: Period
    answers: Mapping[str, Any]
    changed: tuple[str, ...]
    state: ReturnState | None
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class ImportPlan:
    """The result of checking a file: every problem, the rows free of them, and the field columns."""

    problems: tuple[Problem, ...]
    rows: tuple[RowPlan, ...]
    skipped: tuple[int, ...]
    columns: Mapping[str, int]

    @property
    def header_problems(self) -> tuple[Problem, ...]:
        """Problems of row 1: they make every row doubtful, so they stop the whole import."""
        return tuple(problem for problem in self.problems if problem.row == 1)


def check_table(store: Store, table: CsvTable, blank_clears: bool = False,
                catalogue: FormCatalogue | None = None) -> ImportPlan:
    """Check a whole file against the store; nothing is saved.

    An empty cell leaves the saved answer as it is, unless ``blank_clears`` (then it clears answers
    to questions the month asks); ``-`` clears it; ``?`` answers "not known".
    """
    # The store's question sets by default: a column for a question only a fetched version asks is known.
    return _Checker(store, table, blank_clears, catalogue or store.catalogue).run()


class _Checker:
    """One pass over one file; collects problems as it goes."""

    def __init__(self, store: Store, table: CsvTable, blank_clears: bool, catalogue: FormCatalogue):
        self.store = store
        self.table = table
        self.blank_clears = blank_clears
        self.known_fields = _known_fields(catalogue)
        self.service_types = set(catalogue.service_types())
        self.locations = {location.id: location for location in store.locations()}
        self.problems: list[Problem] = []
        self.names: dict[str, int] = {}
        self.now = store.now()

    def run(self) -> ImportPlan:
        self._check_header()
        rows = [(number, cells) for number, cells in self.table.rows if any(cell.strip() for cell in cells)]
        if not rows and not self.problems:
            self.problems.append(Problem(1, None, None, "the file has a header but no rows to import"))
        if any(name not in self.names for name in REQUIRED_COLUMNS):
            # Without knowing which return a row is, its cells cannot be checked either.
            return ImportPlan(tuple(self.problems), (), tuple(number for number, _ in rows), self._fields())
        checked = [self._check_row(number, cells) for number, cells in rows]
        self._check_duplicates(checked)
        bad = {problem.row for problem in self.problems}
        plans = tuple(self._plan(row) for row in checked if row.number not in bad)
        skipped = tuple(number for number, _ in rows if number in bad)
        # In the order a person works through the sheet: row by row, left to right.
        ordered = sorted(self.problems, key=lambda found: (found.row, -1 if found.index is None else found.index))
        return ImportPlan(tuple(ordered), plans, skipped, self._fields())

    # The header ----------------------------------------------------------------------------------

    def _check_header(self) -> None:
        known = [*ROW_COLUMNS, *self.known_fields]
        for index, raw in enumerate(self.table.header):
            name = raw.strip()
            if not name:
                continue  # an unnamed column is a problem only in the rows that put something in it
            if name in self.names:
                first = column_letter(self.names[name])
                self._problem(1, name, index, f"the column is there twice ({first} and {column_letter(index)}): "
                                              "keep one")
            elif name not in known:
                self._problem(1, name, index, f"not a column of the bulk template{_did_you_mean(name, known)}")
            else:
                self.names[name] = index
        for name in REQUIRED_COLUMNS:
            if name not in self.names:
                needed = " and ".join(REQUIRED_COLUMNS)
                self.problems.append(Problem(1, name, None, f"missing: every file needs {needed} columns "
                                                            "(ct-desktop export-csv --template writes them)"))

    def _fields(self) -> dict[str, int]:
        return {name: index for name, index in self.names.items() if name not in ROW_COLUMNS}

    # Rows ----------------------------------------------------------------------------------------

    def _check_row(self, number: int, cells: list[str]) -> _Row:
        def cell(name: str) -> str:
            index = self.names.get(name)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        self._unnamed_cells(number, cells)
        location = self._location(number, unprotected(cell(LOCATION_ID)).strip(), cell(SERVICE_TYPE))
        period = self._period(number, cell(PERIOD))
        if location is not None:
            self._same_location(number, location, unprotected(cell(LOCATION_NAME)), cell(SERVICE_TYPE))
        form = self._form(number, location, period)
        saved = self.store.get_return(location.id, period) if form and location and period else None
        answers = {}
        for key, index in self._fields().items():
            text = cells[index].strip() if index < len(cells) else ""
            answer = self._answer(number, key, index, text, form, period, saved, cell(SERVICE_TYPE))
            if answer is not _LEAVE:
                answers[key] = answer
        return _Row(number, location, period, form, saved, answers)

    def _unnamed_cells(self, number: int, cells: list[str]) -> None:
        for index, text in enumerate(cells):
            named = index < len(self.table.header) and self.table.header[index].strip()
            if text.strip() and not named:
                self._problem(number, "", index, f"'{_short(text)}' is in a column with no name in row 1: "
                                                 "name the column or remove the value")

    def _location(self, number: int, location_id: str, service_type: str) -> Location | None:
        index = self.names[LOCATION_ID]
        if not location_id:
            self._problem(number, LOCATION_ID, index, "no location id: give the location's CQC location id")
            return None
        if location_id not in self.locations:
            not_an_id = location_id_problem(location_id)
            hint = _did_you_mean(location_id, list(self.locations)) if not not_an_id else ""
            self._problem(number, LOCATION_ID, index, not_an_id or f"no location '{location_id}' here{hint} "
                                                                   "(ct-desktop locations lists them)")
            if service_type and service_type not in self.service_types:
                self._unknown_service_type(number, service_type)
            return None
        return self.locations[location_id]

    def _same_location(self, number: int, location: Location, name: str, service_type: str) -> None:
        # A name or type that contradicts the id most likely means a mistyped id: the figures would
        # land on another location's return, so the row is refused rather than trusted.
        if name.strip() and not same_name(name, location.name):
            self._problem(number, LOCATION_NAME, self.names[LOCATION_NAME],
                          f"'{_short(name)}', but location {location.id} is '{location.name}': check the "
                          "location_id (or leave location_name empty)")
        if not service_type or service_type == location.service_type:
            return
        if service_type not in self.service_types:
            self._unknown_service_type(number, service_type)
        else:
            self._problem(number, SERVICE_TYPE, self.names[SERVICE_TYPE],
                          f"'{service_type}', but location {location.id} is a {location.service_type}: check the "
                          "location_id (or leave service_type empty)")

    def _unknown_service_type(self, number: int, service_type: str) -> None:
        known = ", ".join(sorted(self.service_types))
        self._problem(number, SERVICE_TYPE, self.names[SERVICE_TYPE],
                      f"'{_short(service_type)}' is not a service type: {known}")

    def _period(self, number: int, text: str) -> Period | None:
        if not text:
            self._problem(number, PERIOD, self.names[PERIOD], "no month: give it as YYYY-MM, e.g. 2026-09")
            return None
        try:
            period = parse_period_cell(text)
        except PeriodError as exc:
            self._problem(number, PERIOD, self.names[PERIOD], str(exc))
            return None
        problem = unsendable_period_problem(period, self.now)
        if problem:
            self._problem(number, PERIOD, self.names[PERIOD], problem)
            return None
        return period

    def _form(self, number: int, location: Location | None, period: Period | None) -> FormDefinition | None:
        if location is None or period is None:
            return None
        try:
            return self.store.form_for(location, period)
        except StoreError as exc:
            self._problem(number, PERIOD, self.names[PERIOD], str(exc))
            return None

    # Cells ---------------------------------------------------------------------------------------

    def _answer(self, number: int, key: str, index: int, text: str, form: FormDefinition | None,
                period: Period | None, saved: ReturnDraft | None, service_type: str) -> Any:
        if form is None or period is None:
            # The row's return is unknown; still say whether the cell could be read at all.
            self._readable(number, key, index, text, service_type)
            return _LEAVE
        if not form.has_field(key):
            if text:
                self._problem(number, key, index, f"a {form.service_type} return does not ask {key}: leave it empty")
            return _LEAVE
        item = form.field(key)
        if not form.is_asked(item, period):
            return self._not_asked(number, item, index, text, form, period, saved)
        if text == "":
            return None if self.blank_clears else _LEAVE
        if text == NOT_KNOWN_CELL:
            return NOT_KNOWN
        if text == CLEAR_CELL:
            return None
        try:
            value = item.parse_text(text)
        except ValueProblem as exc:
            self._problem(number, key, index, str(exc))
            return _LEAVE
        return None if value == [] else value

    def _not_asked(self, number: int, item: Field, index: int, text: str, form: FormDefinition, period: Period,
                   saved: ReturnDraft | None) -> Any:
        # Clearing a stray answer to a question the month does not ask is allowed: it is how to fix one.
        if text == CLEAR_CELL:
            return None
        if text:
            season = form.seasons[item.season].describe() if item.season else "in other months"
            fix = " (or - to clear the saved answer)" if saved and saved.answer(item.key) is not None else ""
            self._problem(number, item.key, index, f"{item.label} is asked {season} only: leave it empty "
                                                   f"for {period.label}{fix}")
        return _LEAVE

    def _readable(self, number: int, key: str, index: int, text: str, service_type: str) -> None:
        if text in ("", NOT_KNOWN_CELL, CLEAR_CELL):
            return
        item = self.known_fields[key].get(service_type) or next(iter(self.known_fields[key].values()))
        try:
            item.parse_text(text)
        except ValueProblem as exc:
            self._problem(number, key, index, str(exc))

    # Whole-file checks and plans -----------------------------------------------------------------

    def _check_duplicates(self, checked: Sequence[_Row]) -> None:
        # Each repeat names the first row it repeats, and the first row how often it is repeated: one
        # line per row whatever the number of repeats (listing every other row made the report grow with
        # the square of the rows). Every row of the location and month is refused: which is right is unclear.
        first: dict[tuple[str, Period], int] = {}
        repeats: dict[int, list[int]] = {}
        for row in checked:
            if row.location is None or row.period is None:
                continue
            key = (row.location.id, row.period)
            if key not in first:
                first[key] = row.number
                continue
            repeats.setdefault(first[key], []).append(row.number)
            self._problem(row.number, LOCATION_ID, self.names[LOCATION_ID],
                          f"repeats row {first[key]} (location {key[0]}, {key[1]}): give each location and "
                          "month once")
        for (location_id, period), number in first.items():
            later = repeats.get(number)
            if later:
                more = f" and {count_text(len(later) - 1, 'more row')}" if len(later) > 1 else ""
                self._problem(number, LOCATION_ID, self.names[LOCATION_ID],
                              f"location {location_id}, {period} is repeated on row {later[0]}{more}: give each "
                              "location and month once")

    def _plan(self, row: _Row) -> RowPlan:
        location, period, form, saved, answers = row.location, row.period, row.form, row.saved, row.answers
        assert location is not None and period is not None and form is not None  # rows with problems are left out
        values = dict(saved.values) if saved else {}
        not_known = set(saved.not_known) if saved else set()
        changed = []
        for key, answer in answers.items():
            before = saved.answer(key) if saved else None
            if not same_answer(before, answer):
                changed.append(key)
            values.pop(key, None)
            not_known.discard(key)
            if answer is NOT_KNOWN:
                not_known.add(key)
            elif answer is not None:
                values[key] = answer
        last = self.store.last_accepted(location.id, before=period)
        previous = PreviousReturn(last.period, last.values, last.not_known) if last else None
        findings = validate(form, period, values, sorted(not_known), previous)
        return RowPlan(row.number, location, period, answers, tuple(changed), saved.state if saved else None,
                       tuple(findings))

    def _problem(self, row: int, column: str, index: int, message: str) -> None:
        self.problems.append(Problem(row, column, index, message))


_LEAVE = object()  # the cell leaves the saved answer as it is


@dataclass(frozen=True)
class _Row:
    """A row as checked: which return it is (None where its cell had a problem) and its answers."""

    number: int
    location: Location | None
    period: Period | None
    form: FormDefinition | None
    saved: ReturnDraft | None
    answers: dict[str, Any]


def _known_fields(catalogue: FormCatalogue) -> dict[str, dict[str, Field]]:
    """Every field key of every question set, with its field per service type (the newest version)."""
    known: dict[str, dict[str, Field]] = {}
    for service_type in catalogue.service_types():
        for form in catalogue.versions(service_type):
            for item in form.fields:
                known.setdefault(item.key, {})[service_type] = item
    return known


def _did_you_mean(text: str, choices: Sequence[str]) -> str:
    lowered = {choice.lower(): choice for choice in choices}
    close = [lowered[text.lower()]] if text.lower() in lowered else difflib.get_close_matches(text, choices, n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:37] + "..."
