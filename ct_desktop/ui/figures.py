"""Key figures of a return and the trend series drawn from accepted returns. Plain Python, no Qt.

The same sums serve the "No changes" preview (what will be sent) and the trend chart, so the two
never disagree about what "beds vacant" or "headcount" means. Series are found from the field keys a
form asks, so a service type added as data (a hospice following the care-home pattern) gets them too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ct_desktop.forms.model import FormDefinition, format_number, is_number, unit_for
from ct_desktop.models import AcceptedRevision
from ct_desktop.period import Period

TREND_MONTHS = 12


@dataclass(frozen=True)
class TrendSeries:
    """One number per return, summed from the fields whose keys match ``keys`` or start with ``prefixes``."""

    key: str
    title: str
    unit: str
    keys: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()

    def fields_in(self, keys: Iterable[str]) -> list[str]:
        """The keys (of a form or of a return) that this series adds up."""
        return [k for k in keys if k in self.keys or (bool(self.prefixes) and k.startswith(self.prefixes))]

    def value(self, values: Mapping[str, Any]) -> float | int | None:
        """The sum over the matching answered numbers; None when none of them was answered with a number."""
        numbers = [values[k] for k in self.fields_in(values) if is_number(values[k])]
        if not numbers:
            return None
        total = sum(numbers)
        return round(total, 2) if isinstance(total, float) else total


SERIES: tuple[TrendSeries, ...] = (
    TrendSeries("beds_vacant", "Beds vacant (accepting + reserved + unavailable)", "beds",
                keys=("beds_vacant_accepting", "beds_vacant_reserved", "beds_vacant_unavailable")),
    TrendSeries("people_supported", "People supported", "people", keys=("people_supported",)),
    TrendSeries("headcount", "Staff headcount (direct + agency)", "staff",
                prefixes=("staff_direct_", "staff_agency_")),
    TrendSeries("absence", "Staff absent (COVID-19 + other sickness)", "staff",
                prefixes=("absent_covid_", "absent_other_")),
    TrendSeries("hours", "Hours worked (direct + agency)", "hours", keys=("hours_direct_total", "hours_agency")),
)


def series_for(form: FormDefinition) -> list[TrendSeries]:
    """The series a form's questions can feed, in display order."""
    keys = [item.key for item in form.fields]
    return [series for series in SERIES if series.fields_in(keys)]


def latest_per_month(revisions: Iterable[AcceptedRevision]) -> dict[Period, AcceptedRevision]:
    """The latest accepted revision of each month (a month may have been re-sent as revision 2, 3...)."""
    latest: dict[Period, AcceptedRevision] = {}
    for revision in revisions:
        kept = latest.get(revision.period)
        if kept is None or revision.revision > kept.revision:
            latest[revision.period] = revision
    return latest


def trend_points(
    series: TrendSeries, revisions: Iterable[AcceptedRevision], end: Period, months: int = TREND_MONTHS
) -> list[tuple[Period, float | int | None]]:
    """One point per month for the ``months`` months ending with ``end``; None where there is no figure."""
    latest = latest_per_month(revisions)
    periods = [end]
    while len(periods) < months:
        periods.insert(0, periods[0].previous())
    return [(period, series.value(latest[period].values) if period in latest else None) for period in periods]


def show_number(value: float | int | None) -> str:
    """A figure as people write it (1,234.5), or a dash for no figure."""
    return "—" if value is None else format_number(value)


@dataclass(frozen=True)
class KeyFigure:
    """One line of the "what will be sent" preview."""

    label: str
    text: str


def key_figures(form: FormDefinition, values: Mapping[str, Any], not_known: Iterable[str] = ()) -> list[KeyFigure]:
    """The few numbers a manager checks before saying "no changes": capacity, vacancies, staff, absence, hours."""
    unknown = set(not_known)
    figures = [KeyFigure(item.label, _answer_text(values.get(item.key), item.key in unknown))
               for item in form.fields if item.key in ("beds_max_capacity", "beds_occupied")]
    for series in series_for(form):
        fields = series.fields_in(item.key for item in form.fields)
        total = series.value({k: values[k] for k in fields if k in values})
        all_unknown = total is None and bool(fields) and all(k in unknown for k in fields)
        figures.append(KeyFigure(series.title, _answer_text(total, all_unknown)))
    return figures


def _answer_text(value: Any, not_known: bool) -> str:
    if not_known:
        return "not known"
    if value is None:
        return "blank"
    return format_number(value) if is_number(value) else str(value)


def describe_points(series: TrendSeries, points: Sequence[tuple[Period, float | int | None]]) -> str:
    """The whole series in words, for screen readers and for anyone who prefers numbers to a chart."""
    if not points:
        return f"{series.title}: no months to show."
    parts = [f"{_short_month(period)}: {show_number(value) if value is not None else 'no accepted return'}"
             for period, value in points]
    return f"{series.title}, {points[0][0].label} to {points[-1][0].label}. " + "; ".join(parts) + "."


def brief_summary(series: TrendSeries, points: Sequence[tuple[Period, float | int | None]]) -> str:
    """One visible line: latest figure, range and how many months have a return."""
    known = [(period, value) for period, value in points if value is not None]
    if not known:
        return f"No accepted returns with {series.unit} figures in these {len(points)} months."
    period, value = known[-1]
    text = f"Latest: {show_number(value)} {unit_for(value, series.unit)} ({period.label})"
    if len(known) > 1:
        numbers = [v for _, v in known]
        text += f" · lowest {show_number(min(numbers))} · highest {show_number(max(numbers))}"
    return text + f" · {len(known)} of {len(points)} months {'has' if len(known) == 1 else 'have'} a figure"


def _short_month(period: Period) -> str:
    return f"{period.label[:3]} {period.year}"
