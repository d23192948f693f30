"""Export: the saved returns of some months as bulk CSV rows, or a blank template to fill in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ct_desktop.bulk_csv.layout import ROW_COLUMNS, answer_columns, cell_text, protected
from ct_desktop.forms.model import FormDefinition
from ct_desktop.models import Location, ReturnDraft
from ct_desktop.period import Period
from ct_desktop.store import Store


@dataclass(frozen=True)
class Export:
    """What an export wrote: the header, the rows, and how many locations and months they cover."""

    header: list[str]
    rows: list[list[str]]
    locations: int
    periods: tuple[Period, ...]


def export_table(store: Store, periods: Sequence[Period], location_ids: Sequence[str] = (),
                 template: bool = False) -> Export:
    """The rows of an export: one per location and month, months in order, locations by name.

    Without ``template`` only the months a location has started are written, with their saved
    answers (accepted, queued or draft: what the app shows). With ``template`` every location gets
    a row for every month, with every answer cell empty, ready to fill in: blanks, not last month's
    figures, so that nothing is sent unread (the no-changes command is the way to resend them, and
    it records who reviewed them). ``location_ids`` limits the locations (UnknownLocation if one is
    not there); the columns are the questions those locations are asked in those months.
    """
    chosen = _locations(store, location_ids)
    months = sorted(set(periods))
    entries: list[tuple[Location, Period, FormDefinition, ReturnDraft | None]] = []
    for period in months:
        for location in chosen:
            draft = None if template else store.get_return(location.id, period)
            entries.append((location, period, store.form_for(location, period), draft))
    columns = answer_columns([(form, period, _answered(draft)) for _, period, form, draft in entries])
    rows = [_row(location, period, form, draft, columns) for location, period, form, draft in entries
            if template or draft is not None]
    return Export(header=[*ROW_COLUMNS, *columns], rows=rows, locations=len(chosen), periods=tuple(months))


def _locations(store: Store, location_ids: Sequence[str]) -> list[Location]:
    if not location_ids:
        return store.locations()
    wanted = {store.location(location_id).id for location_id in location_ids}
    return [location for location in store.locations() if location.id in wanted]


def _answered(draft: ReturnDraft | None) -> set[str]:
    return set(draft.values) | set(draft.not_known) if draft else set()


def _row(location: Location, period: Period, form: FormDefinition, draft: ReturnDraft | None,
         columns: Sequence[str]) -> list[str]:
    cells = [protected(location.id), protected(location.name), location.service_type, str(period)]
    for key in columns:
        if draft is None or not form.has_field(key):
            cells.append("")
        else:
            cells.append(cell_text(form.field(key), draft.answer(key)))
    return cells
